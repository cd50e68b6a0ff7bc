"""Stage 4b, suppress: `# okrdsl: ignore[CODES]` comments silence findings, as ruff's `# noqa`.

- At the end of a line, a suppression covers that line.
- On a line of its own, it covers the next line that is not blank or a comment, and the
  lines indented under it: its block (a step and its sub-lines, a whole phase).
- `# okrdsl: ignore-file[CODES]`, anywhere in a file, covers the whole file.

Codes are separated by commas, and a rule's name works too (`unused-artifact`); text may
follow the closing bracket, to say why. A suppression never hides a finding that kept a
file from being read (codes.BLOCKING). What a suppression gets wrong is a warning:
no codes at all (OKR511, it would hide too much, so it hides nothing), a code it did
not need (OKR512, so that stale ones are found), a code or word okrdsl does not know (OKR513).
"""

from __future__ import annotations

import re

from okrdsl import codes, ir
from okrdsl.diagnostics import Diagnostic
from okrdsl.records import frozen
from okrdsl.source import Source, Span
from okrdsl.words import did_you_mean

DIRECTIVE = re.compile(r"#\s*okrdsl\s*:\s*(?P<word>[\w-]*)(?P<open>\s*\[)?(?P<codes>[^\]\n]*)(?P<close>\])?")
WORDS = ("ignore", "ignore-file")

BLANKET, UNUSED, UNKNOWN = codes.BLANKET_SUPPRESSION, codes.UNUSED_SUPPRESSION, codes.UNKNOWN_SUPPRESSION


@frozen
class Suppression:
    """One `# okrdsl: ignore[...]` comment: the codes it names, each with where it is written,
    and the lines it covers (first to last; the whole file when `whole_file`)."""

    codes: tuple[tuple[str, Span], ...]
    first: int
    last: int
    whole_file: bool = False

    def covers(self, diagnostic: Diagnostic) -> bool:
        return self.whole_file or self.first <= diagnostic.span.line <= self.last


def suppress(files: dict, sources: dict[str, Source], found) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The findings no comment suppresses, and the warnings about the comments themselves.

    `files` are the loaded files (path -> api.Loaded), `sources` their text. Comments are
    not read in a file that could not be read in full: none of its findings but the
    blocking ones exist, so every suppression would look unused."""
    from okrdsl.rules import code_names

    known = code_names()
    by_path: dict[str, list[Suppression]] = {}
    problems: list[Diagnostic] = []
    for path, loaded in files.items():
        if path in sources and not any(codes.is_blocking(d) for d in loaded.diagnostics):
            by_path[path], wrong = read_suppressions(loaded.spec, sources[path], known)
            problems.extend(wrong)
    used: set[tuple[int, int]] = set()
    kept = []
    for diagnostic in found:
        hit = None
        if not codes.is_blocking(diagnostic):
            for number, suppression in enumerate(by_path.get(diagnostic.path, ())):
                for index, (code, _) in enumerate(suppression.codes):
                    if code == diagnostic.code and suppression.covers(diagnostic):
                        hit = (id(suppression), index)
                        used.add(hit)
        if hit is None:
            kept.append(diagnostic)
    for path, suppressions in by_path.items():
        for suppression in suppressions:
            for index, (code, span) in enumerate(suppression.codes):
                if (id(suppression), index) not in used:
                    problems.append(_unused(code, span, suppression, known))
    return kept, problems


def _unused(code: str, span: Span, suppression: Suppression, known: dict[str, str]) -> Diagnostic:
    if code in codes.BLOCKING:
        return _warning(UNUSED, f"{code} ({known[code]}) cannot be suppressed: with it hidden, the check "
                                "would pass without having read the file", span, "fix the file, and remove the suppression")
    where = "in this file" if suppression.whole_file else (
        "on this line" if suppression.first == suppression.last else f"on lines {suppression.first} to {suppression.last}")
    return _warning(UNUSED, f"{code} is not reported {where}, so its suppression does nothing", span,
                    "remove it from the comment")


def _warning(code: codes.Code, message: str, span: Span, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code.id, code.severity, message, span, hint)


def read_suppressions(spec: ir.Spec, source: Source, known: dict[str, str]) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions among a file's comments, and what is wrong in them (`known`: each
    code's short name by its id)."""
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    by_name = {name: code_id for code_id, name in known.items()}
    for comment in spec.comments:
        match = DIRECTIVE.search(comment.text)
        if match is None or comment.span is None:
            continue
        start = comment.span.start + match.start()
        whole = source.span(start, comment.span.start + match.end())
        word = match.group("word")
        if word not in WORDS:
            suggestion = did_you_mean(word, WORDS)
            problems.append(_warning(UNKNOWN, f'"# okrdsl: {word}" is not a suppression okrdsl knows', whole,
                                     suggestion or "write # okrdsl: ignore[CODES] or # okrdsl: ignore-file[CODES]"))
            continue
        if match.group("open") is None or not match.group("codes").strip():
            problems.append(_warning(BLANKET, f'"# okrdsl: {word}" names no code, so it suppresses nothing', whole,
                                     f"name the codes it is for, such as # okrdsl: {word}[OKR502]: a suppression "
                                     "without codes would hide findings nobody has seen"))
            continue
        if match.group("close") is None:
            problems.append(_warning(UNKNOWN, f'"# okrdsl: {word}[" has no closing bracket, so it suppresses nothing',
                                     whole, f"close the list of codes: # okrdsl: {word}[OKR502]"))
            continue
        named: list[tuple[str, Span]] = []
        offset = comment.span.start + match.start("codes")
        for part in re.finditer(r"[^,\s]+", match.group("codes")):
            written = part.group()
            span = source.span(offset + part.start(), offset + part.end())
            code = written.upper() if written.upper() in known else by_name.get(written.lower())
            if code is None:
                hint = did_you_mean(written.upper(), known) or did_you_mean(written.lower(), list(by_name))
                problems.append(_warning(UNKNOWN, f'"{written}" is not an okrdsl code or rule, so it suppresses nothing',
                                         span, hint or "`okrdsl rules` lists the codes"))
            else:
                named.append((code, span))
        if not named:
            continue
        if word == "ignore-file":
            found.append(Suppression(tuple(named), 1, len(source.line_starts), whole_file=True))
        else:
            found.append(Suppression(tuple(named), *_covered(source, comment.span)))
    return found, problems


def _covered(source: Source, span: Span) -> tuple[int, int]:
    """The lines a line's suppression covers: its own line when code stands before it; else the
    next line of code and the lines indented under it."""
    if source.line_text(span.line)[: span.column - 1].strip():
        return span.line, span.line
    count = len(source.line_starts)
    first = next((n for n in range(span.line + 1, count + 1) if _is_code(source.line_text(n))), None)
    if first is None:
        return span.line, span.line
    indent = _indent(source.line_text(first))
    last = first
    for number in range(first + 1, count + 1):
        line = source.line_text(number)
        if not _is_code(line):
            continue
        if _indent(line) <= indent:
            break
        last = number
    return first, last


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())
