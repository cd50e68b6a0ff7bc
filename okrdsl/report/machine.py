"""Diagnostics for tools: JSON, GitHub Actions workflow commands, a GitLab Code Quality report."""

from __future__ import annotations

import hashlib
import re

from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.files import in_repository
from okrdsl.report.safe import json_text, shown

_POSITION = re.compile(r"\S+:\d+:\d+")


def _record(d: Diagnostic) -> dict:
    span = d.span
    return {
        "path": span.path, "line": span.line, "column": span.column,
        "end_line": span.end_line, "end_column": span.end_column,
        "severity": str(d.severity), "code": d.code, "message": d.message, "hint": d.hint,
    }


def json_lines(diagnostics, sources, file_count, style=None) -> str:
    """A JSON list of findings: path, line, column, end_line, end_column, severity, code, message, hint."""
    return json_text([_record(d) for d in diagnostics])


def _escape_data(text: str) -> str:
    """What the runner unescapes (%, CR, LF) as it expects; every other control `shown` as `\\x1b`."""
    return shown(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics, sources, file_count, style=None) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
    lines = []
    for d in diagnostics:
        span = d.span
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", span.path), ("line", span.line), ("col", span.column),
                ("endLine", span.end_line), ("endColumn", span.end_column), ("title", f"okrdsl {d.code}"),
            )
        )
        lines.append(f"::{'error' if d.severity is Severity.ERROR else 'warning'} {properties}::{_escape_data(message)}")
    return "\n".join(lines)


def fingerprints(diagnostics) -> list[str]:
    """A fingerprint per finding, for code scanning and Code Quality to follow a finding from
    run to run: a hash of its code, its file and its message without any position in it (and
    a counter for repeats), never its line, so a finding keeps its identity when lines above
    it move."""
    seen: dict[str, int] = {}
    found = []
    for d in diagnostics:
        # Some messages name a position ("the role at roles.okrp:3:3"): leave it out.
        base = f"{d.code}\0{repository_path(d.span.path)}\0{_POSITION.sub('', d.message)}"
        seen[base] = seen.get(base, 0) + 1
        found.append(hashlib.sha256(f"{base}\0{seen[base]}".encode("utf-8", "surrogateescape")).hexdigest())
    return found


def repository_path(path: str) -> str:
    """A finding's file as reports give it: relative to the repository when it is in it (see
    files.in_repository), else as okrdsl was given it."""
    return in_repository(path) or path


def gitlab(diagnostics, sources, file_count, style=None) -> str:
    """A GitLab Code Quality report (the `codequality` artifact of a CI job): paths relative to
    the repository, check names qualified with the tool (`okrdsl:OKR102`), fingerprints
    that survive lines moving (see `fingerprints`)."""
    issues = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics)):
        issues.append({
            "type": "issue",
            "description": f"{d.message} [{d.code}]",
            "check_name": f"okrdsl:{d.code}",
            "fingerprint": fingerprint,
            "severity": "major" if d.severity is Severity.ERROR else "minor",
            "location": {"path": repository_path(d.span.path), "lines": {"begin": d.span.line, "end": d.span.end_line}},
        })
    return json_text(issues)
