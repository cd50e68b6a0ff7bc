"""Reading .okrp files from disk: every way a read can fail becomes a diagnostic."""

from __future__ import annotations

import os
from pathlib import Path

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic
from okrdsl.source import Source, Span, normalise_newlines

SUFFIX = ".okrp"
# Folders a search never enters: version control, virtual environments, caches.
SKIPPED_FOLDERS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
})


def _problem(path: str, code: codes.Code, message: str, hint: str | None = None, span: Span | None = None) -> Diagnostic:
    return Diagnostic(code.id, code.severity, message, span or Span(path, 1, 1, 1, 1), hint)


def read_source(path: str, span: Span | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Read one file as UTF-8. `span`, if given, is where the path was named (an include)."""
    where = span.path if span else path
    if not os.path.exists(path):
        return None, [_problem(where, codes.FILE_NOT_FOUND, f"no such file or folder: {path}", span=span)]
    if os.path.isdir(path):
        return None, [_problem(where, codes.IS_DIRECTORY, f"{path} is a folder, not a .okrp file",
                               hint="name a file, such as specs/roles.okrp", span=span)]
    if not os.path.isfile(path):
        return None, [_problem(where, codes.UNREADABLE, f"{path} is not a regular file", span=span)]
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return None, [_problem(where, codes.UNREADABLE, f"{path} could not be read: {error.strerror}", span=span)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return None, [_problem(
            path, codes.NOT_UTF8,
            f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}, column {column})",
            hint="save the file as UTF-8 in your editor",
            span=Span(path, line, column, line, column + 1, len(before), len(before) + 1),
        )]
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(path, normalise_newlines(text)), []


def discover(paths) -> tuple[list[str], list[Diagnostic]]:
    """The .okrp files named by `paths`: files as given, folders searched recursively.

    A file named twice (or by two paths, such as relative and absolute) is listed once.
    """
    found: list[str] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = str(raw)
        if os.path.isdir(path):
            inside = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS)
                inside.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(SUFFIX))
            if not inside:
                problems.append(_problem(path, codes.NO_FILES, f"no .okrp files in {path}",
                                         hint="check the path: nothing was checked here"))
            found.extend(inside)
        elif os.path.exists(path):
            found.append(path)
        else:
            problems.append(_problem(path, codes.FILE_NOT_FOUND, f"no such file or folder: {path}"))
    unique: dict[str, str] = {}
    for path in found:
        unique.setdefault(os.path.realpath(path), os.path.normpath(path))
    return list(unique.values()), problems
