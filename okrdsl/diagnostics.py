"""Diagnostics are data: one record type, made by every stage, printed only by the CLI."""

from __future__ import annotations

import enum

from okrdsl.records import frozen
from okrdsl.source import Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@frozen
class Diagnostic:
    """One finding: what is wrong, where, under which stable code, and how to fix it."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    @property
    def path(self) -> str:
        return self.span.path

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.column, self.code, self.message)


class UsageProblem(ValueError):
    """What the command line was asked that cannot be done (a quarter that cannot be read, a
    file with no OKR set), with a message for people: the CLI turns it into a usage error.
    Any other exception is a bug, and is reported as one."""


def count(diagnostics, severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity is severity)
