"""When recurring things happen: the occurrences of a cadence or a recurring meeting.

`every 2 weeks on Monday from -4w until end` happens on the first Monday on or
after -4w, then every 14 days up to the end. `every month on day 31` falls on
each month's last day where the month is shorter; `every month on first
Tuesday` on each month's first Tuesday. Without `on`, a recurrence happens on
its first day and every period after it, as it always has.

The rules (okrdsl.rules) ask here whether an item recurs and how often, so that a
check need not import okrdsl.schedule, which lays out a whole quarter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from okrdsl import ir
from okrdsl.calendar import WEEKDAY_NUMBERS, add_months, days_in_month, nth_weekday, shift
from okrdsl.limits import MAX_OCCURRENCES, MAX_TOTAL_OCCURRENCES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from okrdsl.dates import Resolver

_DAYS = {"day": 1, "week": 7}


def occurrences(first: datetime.date, last: datetime.date, every: int, unit: str,
                on: ir.RecurOn | None = None, limit: int = MAX_OCCURRENCES) -> Iterator[datetime.date]:
    """The days, from `first` to `last`, on which something that recurs happens (at most `limit`)."""
    if every < 1:
        return
    count = 0
    for day in _days(first, every, unit, on):
        if day is None or day > last or count >= limit:
            return
        if day >= first:
            count += 1
            yield day


def _days(first: datetime.date, every: int, unit: str, on: ir.RecurOn | None) -> Iterator[datetime.date | None]:
    if unit != "month":
        start = first
        if on is not None and on.weekday is not None and unit == "week":
            start = shift(first, (WEEKDAY_NUMBERS[on.weekday] - first.weekday()) % 7)
        index = 0
        while True:
            yield shift(start, index * every * _DAYS[unit])
            index += 1
    index = 0
    while True:
        month = add_months(first.replace(day=1), index * every)
        if month is None:
            yield None
            return
        if on is not None and on.day is not None:
            yield month.replace(day=min(on.day, days_in_month(month.year, month.month)))
        elif on is not None and on.weekday is not None and on.nth is not None:
            yield nth_weekday(month.year, month.month, on.weekday, on.nth)
        else:
            yield add_months(first, index * every)
        index += 1


def count(first: datetime.date, last: datetime.date, every: int, unit: str, on: ir.RecurOn | None = None,
          limit: int = MAX_OCCURRENCES) -> int:
    """How many times it happens (at most `limit`), worked out without listing the days
    where no `on` is given."""
    if every < 1 or last < first:
        return 0
    if on is None and unit != "month":
        return min((last - first).days // (every * _DAYS[unit]) + 1, limit)
    if on is None:
        months = ((last.year - first.year) * 12 + last.month - first.month) // every + 1
        day = add_months(first, (months - 1) * every)
        return min(months - (1 if day is None or day > last else 0), limit)
    return sum(1 for _ in occurrences(first, last, every, unit, on, limit))


def recurs(item: ir.Item) -> bool:
    """Whether an item happens again and again: a cadence, or a recurring meeting."""
    return isinstance(item, ir.Cadence) or isinstance(item, ir.Meeting) and isinstance(item.when, ir.Recurrence)


def recurrence(item: ir.Item) -> tuple[int, str, ir.RecurOn | None]:
    """How a cadence or recurring meeting recurs: (every, unit, on)."""
    if isinstance(item, ir.Cadence):
        return item.every, item.unit, item.on
    return item.when.every, item.when.unit, item.when.on


def occurrence_count(item: ir.Item, resolver: Resolver) -> int:
    """How many times a cadence or recurring meeting happens in the schedule (at most
    MAX_OCCURRENCES), worked out without listing them where that can be done."""
    dated = resolver.recurring_range(item)
    if dated is None:
        return 0
    return count(*dated, *recurrence(item))


def over_total(spec: ir.Spec, resolver: Resolver) -> tuple[ir.Item, int] | None:
    """The cadence or recurring meeting at which the schedule passes MAX_TOTAL_OCCURRENCES
    occurrences, and the total it would list without that limit; None when it stays within it."""
    total, over = 0, None
    for item in spec.items():
        if recurs(item):
            total += occurrence_count(item, resolver)
            if over is None and total > MAX_TOTAL_OCCURRENCES:
                over = item
    return (over, total) if over is not None else None
