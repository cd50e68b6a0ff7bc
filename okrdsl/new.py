"""Stage: the next quarter's spec, started from this quarter's, for `okrdsl new`. Pure.

`next_quarter(source, spec, quarter)` edits the text of `source` only where something
changes, at the spans the IR gives, so comments and layout stay as written:

- the quarter of the process (`for FY23-Q3`) and of each OKR set (`okrs for FY23-Q3`)
  becomes the new one, and so does every mention of the old quarter (`FY23-Q3`,
  `FY23 Q3`, `FY2023-Q3`) in a title: the process's, a link's, an artifact's, a phase's,
  a meeting's;
- the old quarter's feedback link becomes the new quarter's `learnings` link, titled
  "FY23-Q3 learnings" (a `learnings` line is added above `feedback` when there is none);
- the links that belong to the old quarter become placeholders, `<fill-in>`: the feedback
  link, and any link of the process or of an artifact whose title names the old quarter
  (a planning issue, an overview video). `okrdsl check` reports each placeholder
  (OKR514) with what to fill in, until it is filled in;
- with `to`, the path the new spec is written to, include paths are rewritten so that
  they still name the same files from there.

Everything else (steps, meetings, roles, OKRs, comments, blank lines) is kept as written.
"""

from __future__ import annotations

import os
import re

from okrdsl import ir
from okrdsl.calendar import format_quarter, parse_quarter
from okrdsl.diagnostics import Diagnostic, Severity, UsageProblem
from okrdsl.source import Source, Span

PLACEHOLDER = "fill-in"
_PLACEHOLDER = re.compile(r"fill-in(?::\S*)?", re.IGNORECASE)
# Compiled where used (re keeps them): a check imports this module for its placeholders only.
_MENTION = r"(?i)\bFY(\d{4}|\d{2})([ -]?)Q([1-4])\b"
_STRING = r'"(?:[^"\\\r\n]|\\.)*+"|\u201c[^\u201d\r\n]*\u201d'

Edit = tuple[int, int, str]


def is_placeholder(url: str) -> bool:
    """Whether a link is a placeholder to fill in: `<fill-in>` (or `<fill-in:what>`), in any case."""
    return _PLACEHOLDER.fullmatch(url) is not None


def placeholders(spec: ir.Spec):
    """Each placeholder link of a spec, with what it stands for in words
    (`the feedback link "FY23-Q4 feedback issue"`)."""
    if spec.process is not None:
        for written in spec.process.links:
            if is_placeholder(written.link.url):
                title = f' "{written.link.title}"' if written.link.title else ""
                yield written.link, f"the process's {written.kind} link{title}"
    for artifact in spec.artifacts:
        if artifact.link is not None and is_placeholder(artifact.link.url):
            yield artifact.link, f'{artifact.kind or "artifact"} "{artifact.title}" (#{artifact.id.value})'
    for item in spec.items():
        if isinstance(item, ir.Meeting) and item.agenda is not None and is_placeholder(item.agenda.url):
            yield item.agenda, f'the agenda of meeting "{item.id.value}"'
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            for link in objective.links:
                if is_placeholder(link.url):
                    yield link, f"a link of objective {objective.id.value}"
            for kr in objective.key_results:
                for link in kr.links:
                    if is_placeholder(link.url):
                        yield link, f"a link of key result {kr.id.value}"


def placeholder_message(url: str, what: str) -> tuple[str, str]:
    """The message and hint of OKR514 for one placeholder."""
    return (f"<{url}> is a placeholder: fill in the address of {what}",
            "replace it with the full address, such as <https://gitlab.com/...>, once it exists")


def quarter_of(spec: ir.Spec) -> ir.Quarter | None:
    """The quarter a spec is for: its process's, else its first OKR set's."""
    if spec.process is not None and spec.process.quarter is not None:
        return spec.process.quarter
    return next((s.quarter for s in spec.okr_sets if s.quarter is not None), None)


def following(year: int, number: int) -> tuple[int, int]:
    """The quarter after (year, number)."""
    return (year + 1, 1) if number == 4 else (year, number + 1)


def next_quarter(source: Source, spec: ir.Spec, quarter: str | None = None,
                 to: str | None = None, name: str | None = None) -> tuple[str, tuple[Diagnostic, ...]]:
    """The text of the spec for `quarter` (default: the one after the spec's), made from
    `source` (whose spec is `spec`) as the module docstring says, and an OKR514 warning for
    each placeholder in it, at its place in the new text, named `name` (default: `to`, or
    "<new>"). Raises UsageProblem when the spec names no quarter or `quarter` cannot be read."""
    old = quarter_of(spec)
    if old is None:
        raise UsageProblem(f"{source.path} names no quarter: `okrdsl new` starts the next quarter from a spec "
                           "with `process \"...\" for FY23-Q3` or `okrs for FY23-Q3`")
    try:
        year, number = parse_quarter(quarter) if quarter is not None else following(old.year, old.number)
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    text = source.text
    edits: list[Edit] = []

    def retitle(string: Span | None) -> None:
        if string is not None:
            written = text[string.start:string.end]
            changed = re.sub(_MENTION, lambda m: _mention(m, old, year, number), written)
            if changed != written:
                edits.append((string.start, string.end, changed))

    new_name = format_quarter(year, number)
    process = spec.process
    if process is not None:
        if process.quarter is not None and process.quarter.span is not None:
            edits.append((process.quarter.span.start, process.quarter.span.end, new_name))
        retitle(_string_after(source, process.span.start))
        edits += _links(source, process, old, retitle)
    for okr_set in spec.okr_sets:
        if okr_set.quarter is not None and okr_set.quarter.span is not None and \
                (okr_set.quarter.year, okr_set.quarter.number) == (old.year, old.number):
            edits.append((okr_set.quarter.span.start, okr_set.quarter.span.end, new_name))
    for artifact in spec.artifacts:
        title = _string_after(source, artifact.span.start)
        if artifact.link is not None and _names_quarter(artifact.title, old):
            edits.append((artifact.link.span.start, artifact.link.span.end, f"<{PLACEHOLDER}>"))
        retitle(title)
    for phase in spec.phases:
        retitle(_string_after(source, phase.span.start))
        for item in phase.items:
            if isinstance(item, ir.Meeting):
                retitle(_string_after(source, item.span.start))
    if to is not None:
        edits += _includes(spec, source.path, to)
    made = _apply(text, edits)
    return made, _warnings(made, name or to or "<new>")


def _links(source: Source, process: ir.Process, old: ir.Quarter, retitle) -> list[Edit]:
    """The edits of the process's links: feedback into learnings, quarter links into placeholders."""
    edits: list[Edit] = []
    feedback = next((w.link for w in process.links if w.kind == "feedback"), None)
    learnings = next((w.link for w in process.links if w.kind == "learnings"), None)
    title = f'"{format_quarter(old.year, old.number)} learnings"'
    for written in process.links:
        link = written.link
        string = _string_after(source, link.span.end, directly=True)
        if written.kind == "learnings" and link is learnings:
            if feedback is None:
                edits.append((link.span.start, link.span.end, f"<{PLACEHOLDER}>"))
                retitle(string)
                continue
            edits.append((link.span.start, link.span.end, f"<{feedback.url}>"))
            if string is not None:
                edits.append((string.start, string.end, title))
            else:
                edits.append((link.span.end, link.span.end, " " + title))
        elif written.kind == "feedback" or _names_quarter(link.title or "", old):
            edits.append((link.span.start, link.span.end, f"<{PLACEHOLDER}>"))
            retitle(string)
        else:
            retitle(string)
    if feedback is not None and learnings is None:
        line_start = source.line_starts[feedback.span.line - 1]
        indent = re.match(r"[ \t]*", source.text[line_start:]).group(0)
        edits.append((line_start, line_start, f"{indent}learnings <{feedback.url}> {title}\n"))
    return edits


def _names_quarter(title: str, old: ir.Quarter) -> bool:
    return any(_is(m, old) for m in re.finditer(_MENTION, title))


def _is(match: re.Match, old: ir.Quarter) -> bool:
    digits = match.group(1)
    year = int(digits) + (2000 if len(digits) == 2 else 0)
    return (year, int(match.group(3))) == (old.year, old.number)


def _mention(match: re.Match, old: ir.Quarter, year: int, number: int) -> str:
    """A mention of the old quarter written as the new one, in the same style (FY23 Q3, FY2023-Q3)."""
    if not _is(match, old):
        return match.group(0)
    digits = f"{year % 100:02d}" if len(match.group(1)) == 2 and 2000 <= year <= 2099 else str(year)
    fy, q = match.group(0)[:2], match.group(0)[len(match.group(0)) - 2]
    return f"{fy}{digits}{match.group(2)}{q}{number}"


def _string_after(source: Source, start: int, directly: bool = False) -> Span | None:
    """The first quoted string at or after `start` on its line (with `directly`, only one
    that follows after nothing but spaces), as a span; None when there is none."""
    line_end = source.text.find("\n", start)
    line_end = len(source.text) if line_end < 0 else line_end
    match = re.compile(_STRING).search(source.text, start, line_end)
    if match is None or (directly and source.text[start:match.start()].strip()):
        return None
    return source.span(match.start(), match.end())


def _includes(spec: ir.Spec, old_path: str, new_path: str) -> list[Edit]:
    """Include paths that name the same files from the folder of `new_path`."""
    edits = []
    old_folder, new_folder = os.path.dirname(os.path.abspath(old_path)), os.path.dirname(os.path.abspath(new_path))
    if old_folder == new_folder:
        return []
    for include in spec.includes:
        target = os.path.normpath(os.path.join(old_folder, include.path))
        moved = os.path.relpath(target, new_folder).replace(os.sep, "/")
        if moved != include.path and include.target.span is not None:
            edits.append((include.target.span.start, include.target.span.end, f'"{moved}"'))
    return edits


def _apply(text: str, edits: list[Edit]) -> str:
    """`text` with each (start, end, replacement) made, from the last to the first. Edits
    at the same place keep their order; overlapping ones are a bug."""
    ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]))
    pieces, at = [], 0
    for _, (start, end, replacement) in ordered:
        assert start >= at, "overlapping edits"
        pieces += [text[at:start], replacement]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _warnings(text: str, path: str) -> tuple[Diagnostic, ...]:
    from okrdsl.api import loads

    found = []
    for link, what in placeholders(loads(text, path).spec):
        message, hint = placeholder_message(link.url, what)
        found.append(Diagnostic(_CODE, Severity.WARNING, message, link.span, hint))
    return tuple(found)


_CODE = "OKR514"  # the rule placeholder-link (okrdsl.rules.hygiene), which tests keep in step
