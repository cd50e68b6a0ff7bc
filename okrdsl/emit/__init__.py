"""Stage 5, emit: pure functions from the IR (or a schedule) to text. No clock, no I/O.

The targets of `okrdsl compile` are listed in `okrdsl.emit.targets.FORMATS`; each is a
function `(Linked, Options) -> Emitted`. What a target cannot show it names in a
warning (OKR402, `not_shown`), never drops without a word. A target that cannot be made
at all from what it was given (an iCalendar file without a quarter) raises UsageProblem,
which the CLI reports as a usage error.
"""

from __future__ import annotations

import datetime

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic
from okrdsl.records import frozen
from okrdsl.source import Span


@frozen
class Options:
    """What `okrdsl compile` was asked besides the target: the day to mark (`--today`),
    whether the JSON carries source spans (`--with-spans`), and the moment an iCalendar file
    says it was made (`--stamp`, in UTC; by default one taken from the spec, so that the same
    spec gives the same bytes)."""

    today: datetime.date | None = None
    with_spans: bool = False
    stamp: datetime.datetime | None = None


@frozen
class Emitted:
    """A target's text, and what it could not show."""

    text: str
    diagnostics: tuple[Diagnostic, ...] = ()


def not_shown(span: Span, message: str, hint: str | None = None) -> Diagnostic:
    """The warning a target gives for a part of the spec it cannot show (OKR402)."""
    return Diagnostic(codes.NOT_IN_OUTPUT.id, codes.NOT_IN_OUTPUT.severity, message, span, hint)
