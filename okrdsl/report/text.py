"""Diagnostics as text for people: `path:line:col: severity: message [CODE]`, the line, a caret,
and a closing summary."""

from __future__ import annotations

from itertools import groupby

from okrdsl.diagnostics import Diagnostic, Severity, count
from okrdsl.limits import MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_LINE, SOURCE_WINDOW
from okrdsl.report.safe import clipped, shown, shown_path, width
from okrdsl.source import Source
from okrdsl.words import plural

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
_CUT = "…"  # marks where a long line is cut


def format_text(diagnostic: Diagnostic, sources: dict[str, Source], style=lambda text, **_: text) -> str:
    """One diagnostic, with the offending line (or the part of a long one around the spot)
    and a caret under the spot.

    `style` is `click.style` (or a no-op): colour is the caller's business. The spec's
    text (the path, the line, values quoted in the message and hint) is `shown` safely,
    and the carets stand under the spot as it is shown.
    """
    span = diagnostic.span
    severity = style(str(diagnostic.severity), fg=_COLOURS[diagnostic.severity], bold=True)
    where = f"{shown_path(span.path)}:{span.line}:{span.column}"
    lines = [f"{style(where, bold=True)}: {severity}: {shown(clipped(diagnostic.message))} [{diagnostic.code}]"]
    source = sources.get(span.path)
    line = source.line_text(span.line) if source is not None else ""
    if line.strip():
        number = str(span.line)
        gutter = " " * len(number)
        end = span.end_column if span.end_line == span.line else len(line) + 1
        before, under, after = _window(line.expandtabs(1), span.column - 1, end - 1)
        carets = style("^" * max(1, width(under)), fg=_COLOURS[diagnostic.severity])
        lines.append(f" {number} | {before}{under}{after}")
        lines.append(f" {gutter} | {' ' * width(before)}{carets}")
    if diagnostic.hint:
        lines.append(f" {' ' * len(str(span.line))} = hint: {shown(clipped(diagnostic.hint))}")
    return "\n".join(lines)


def _window(line: str, start: int, end: int) -> tuple[str, str, str]:
    """The line as shown before, under and after the carets (which mark `start` to `end`,
    0-based). A line wider than SOURCE_WINDOW is cut to that many columns: the spot
    first, then what it marks, then the text either side in turn, with `…` at each cut end."""
    start = min(start, len(line))
    end = max(start, min(end, len(line)))
    columns = [max(1, width(shown(char))) for char in line[max(0, start - SOURCE_WINDOW): start + SOURCE_WINDOW]]
    first = max(0, start - SOURCE_WINDOW)  # the index in `line` of columns[0]
    if len(line) <= SOURCE_WINDOW and sum(columns) <= SOURCE_WINDOW:
        return shown(line[:start]), shown(line[start:end]), shown(line[end:])
    room = SOURCE_WINDOW - 2 * len(_CUT)
    low = high = start
    while high < min(end, first + len(columns)) and columns[high - first] <= room:
        room -= columns[high - first]
        high += 1
    while True:
        grew = False
        if low > first and columns[low - 1 - first] <= room:
            low -= 1
            room -= columns[low - first]
            grew = True
        if high < first + len(columns) and columns[high - first] <= room:
            room -= columns[high - first]
            high += 1
            grew = True
        if not grew:
            break
    cut = min(end, high)
    return (
        (_CUT if low > 0 else "") + shown(line[low:start]),
        shown(line[start:cut]),
        shown(line[cut:high]) + (_CUT if high < len(line) else ""),
    )


def findings(diagnostics, sources: dict[str, Source], style=lambda text, **_: text) -> list[str]:
    """Each diagnostic as `format_text` shows it, but at most MAX_FINDINGS_PER_LINE for one
    line and MAX_FINDINGS_PER_FILE for one file: a closing line counts the ones left out."""
    blocks = []
    for path, in_file in groupby(diagnostics, key=lambda d: d.span.path):
        shown_in_file = left_in_file = 0
        for number, on_line in groupby(in_file, key=lambda d: d.span.line):
            on_line = list(on_line)
            room = min(MAX_FINDINGS_PER_LINE, MAX_FINDINGS_PER_FILE - shown_in_file)
            blocks.extend(format_text(d, sources, style) for d in on_line[:room])
            shown_in_file += min(room, len(on_line))
            left = len(on_line) - min(room, len(on_line))
            if left and room < MAX_FINDINGS_PER_LINE:
                left_in_file += left
            elif left:
                blocks.append(f"{shown_path(path)}:{number}: ... and {plural(left, 'more finding')} on this line")
        if left_in_file:
            blocks.append(f"{shown_path(path)}: ... and {plural(left_in_file, 'more finding')} in this file")
    return blocks


def summary(diagnostics, file_count: int) -> str:
    """The closing line: '2 errors, 1 warning in 5 files' or 'no problems in 5 files'."""
    errors, warnings = count(diagnostics, Severity.ERROR), count(diagnostics, Severity.WARNING)
    files = plural(file_count, "file")
    if not errors and not warnings:
        return f"no problems in {files}"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {files}"


def text(diagnostics, sources: dict[str, Source], file_count: int, style=lambda text, **_: text) -> str:
    """The findings (see `findings`), then the summary line, which counts them all."""
    return "\n".join(findings(diagnostics, sources, style) + [summary(diagnostics, file_count)])


def statistics(diagnostics, sources: dict[str, Source], file_count: int, style=lambda text, **_: text) -> str:
    """How many findings of each code (most first), as `okrdsl check --statistics` prints
    them instead of the findings, then the summary line."""
    from okrdsl.rules import all_codes

    known = all_codes()
    counted: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        counted.setdefault(diagnostic.code, []).append(diagnostic)
    rows = sorted(counted.items(), key=lambda item: (-len(item[1]), item[0]))
    digits = max((len(str(len(found))) for _, found in rows), default=1)
    lines = []
    for code, found in rows:
        severity = found[0].severity
        name = known[code].name if code in known else ""
        lines.append(f"{len(found):>{digits}}  {code}  {style(f'{str(severity):7}', fg=_COLOURS[severity])}  {name}".rstrip())
    return "\n".join(lines + [summary(diagnostics, file_count)])
