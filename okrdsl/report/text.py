"""Diagnostics as text for people: `path:line:col: severity: message [CODE]`, the line, a caret,
and a closing summary."""

from __future__ import annotations

import unicodedata

from okrdsl.diagnostics import Diagnostic, Severity, count
from okrdsl.source import Source
from okrdsl.words import plural

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def format_text(diagnostic: Diagnostic, sources: dict[str, Source], style=lambda text, **_: text) -> str:
    """One diagnostic, with the offending line and a caret under the spot.

    `style` is `click.style` (or a no-op): colour is the caller's business.
    """
    span = diagnostic.span
    severity = style(str(diagnostic.severity), fg=_COLOURS[diagnostic.severity], bold=True)
    lines = [f"{style(str(span), bold=True)}: {severity}: {diagnostic.message} [{diagnostic.code}]"]
    source = sources.get(span.path)
    line = source.line_text(span.line) if source is not None else ""
    if line.strip():
        number = str(span.line)
        gutter = " " * len(number)
        width = (span.end_column if span.end_line == span.line else len(line) + 1) - span.column
        shown = line.expandtabs(1)
        before, under = shown[: span.column - 1], shown[span.column - 1: span.column - 1 + width]
        carets = style("^" * max(1, _width(under)), fg=_COLOURS[diagnostic.severity])
        lines.append(f" {number} | {shown}")
        lines.append(f" {gutter} | {' ' * _width(before)}{carets}")
    if diagnostic.hint:
        lines.append(f" {' ' * len(str(span.line))} = hint: {diagnostic.hint}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Terminal columns: accents that combine take none, wide (East Asian, emoji) characters two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
