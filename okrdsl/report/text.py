"""Diagnostics as text for people: `path:line:col: severity: message [CODE]`, the line, a caret,
and a closing summary."""

from __future__ import annotations

from okrdsl.diagnostics import Diagnostic, Severity, count
from okrdsl.report.safe import shown, width
from okrdsl.source import Source
from okrdsl.words import plural

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def format_text(diagnostic: Diagnostic, sources: dict[str, Source], style=lambda text, **_: text) -> str:
    """One diagnostic, with the offending line and a caret under the spot.

    `style` is `click.style` (or a no-op): colour is the caller's business. The spec's
    text (the path, the line, values quoted in the message and hint) is `shown` safely,
    and the carets stand under the spot as it is shown.
    """
    span = diagnostic.span
    severity = style(str(diagnostic.severity), fg=_COLOURS[diagnostic.severity], bold=True)
    lines = [f"{style(shown(str(span)), bold=True)}: {severity}: {shown(diagnostic.message)} [{diagnostic.code}]"]
    source = sources.get(span.path)
    line = source.line_text(span.line) if source is not None else ""
    if line.strip():
        number = str(span.line)
        gutter = " " * len(number)
        length = (span.end_column if span.end_line == span.line else len(line) + 1) - span.column
        line = line.expandtabs(1)
        before, under = line[: span.column - 1], line[span.column - 1: span.column - 1 + length]
        carets = style("^" * max(1, width(shown(under))), fg=_COLOURS[diagnostic.severity])
        lines.append(f" {number} | {shown(line)}")
        lines.append(f" {gutter} | {' ' * width(shown(before))}{carets}")
    if diagnostic.hint:
        lines.append(f" {' ' * len(str(span.line))} = hint: {shown(diagnostic.hint)}")
    return "\n".join(lines)


def summary(diagnostics, file_count: int) -> str:
    """The closing line: '2 errors, 1 warning in 5 files' or 'no problems in 5 files'."""
    errors, warnings = count(diagnostics, Severity.ERROR), count(diagnostics, Severity.WARNING)
    files = plural(file_count, "file")
    if not errors and not warnings:
        return f"no problems in {files}"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {files}"


def text(diagnostics, sources: dict[str, Source], file_count: int, style=lambda text, **_: text) -> str:
    """Every diagnostic with its source line, then the summary line."""
    blocks = [format_text(d, sources, style) for d in diagnostics]
    return "\n".join(blocks + [summary(diagnostics, file_count)])
