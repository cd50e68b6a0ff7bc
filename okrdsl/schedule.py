"""Resolve every time expression of a spec to dates in one fiscal quarter.

`schedule(spec, calendar, quarter)` gives a `Schedule`: one `Entry` per item
(and per occurrence of a cadence), in date order, with the undated ones
(`ongoing`, permissions, and any whose time could not be resolved) last.
Relative times follow the items they name; a name that matches nothing or a
loop of relative times becomes a diagnostic, never an exception.

Weekend rules apply after the arithmetic: `b at a + 1w` counts from a's
computed date, then each date is moved off a weekend. Dates written with `on`
are kept as written.
"""

from __future__ import annotations

import datetime

import attrs

from okrdsl import codes, ir
from okrdsl.words import did_you_mean
from okrdsl.calendar import FiscalCalendar, add_months, adjust_for_weekend, format_quarter
from okrdsl.diagnostics import Diagnostic

_DAY = datetime.timedelta(days=1)


@attrs.frozen
class Entry:
    """One dated (or undated) thing to do."""

    key: str
    kind: str
    phase: str
    date: datetime.date | None
    due: datetime.date | None
    written: str
    actors: tuple[str, ...]
    text: str
    item: object = attrs.field(eq=False, repr=False, default=None)


@attrs.frozen
class Schedule:
    title: str
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def name(self) -> str:
        return format_quarter(self.year, self.quarter)


def _written(when: ir.When | None) -> str:
    if isinstance(when, ir.At):
        return when.moment.text + (f" on {when.date.isoformat()}" if when.date else "")
    if isinstance(when, ir.On):
        return f"on {when.date.isoformat()}" if when.date else "on ?"
    if isinstance(when, ir.Within):
        return f"within {_duration(when.days)} after {when.after.text}"
    return "ongoing"


def _duration(days: int) -> str:
    return f"{days // 7}w" if days % 7 == 0 else f"{days}d"


class Resolver:
    """Raw (unadjusted) dates of a spec's items in one quarter, memoised; loops and
    unknown anchors are collected in `diagnostics`."""

    def __init__(self, spec: ir.Spec, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.by_key: dict[str, ir.Item] = {}
        for item in spec.items():
            self.by_key.setdefault(item.key, item)
        self.dates: dict[str, datetime.date | None] = {}
        self.visiting: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self.reported: set[tuple] = set()

    def report(self, code: codes.Code, name: ir.Name, message: str, hint: str | None = None) -> None:
        key = (code.id, name.span.start if name.span else 0, message)
        if key not in self.reported:
            self.reported.add(key)
            self.diagnostics.append(Diagnostic(code.id, code.severity, message, name.span, hint))

    def moment(self, moment: ir.Moment) -> datetime.date | None:
        if moment.anchor == "start":
            base = self.start
        elif moment.anchor == "end":
            base = self.end
        else:
            base = self.item_date(moment.item)
        return base + datetime.timedelta(days=moment.offset_days) if base is not None else None

    def item_date(self, name: ir.Name) -> datetime.date | None:
        item = self.by_key.get(name.value)
        if item is None:
            named = [key for key, found in self.by_key.items() if getattr(found, "id", None) is not None]
            self.report(codes.UNKNOWN_ANCHOR, name, f'"{name.value}" is not a meeting or step of this spec',
                        hint=did_you_mean(name.value, named) or "give the step an id with `as`, such as `at -4w as review:`")
            return None
        if name.value in self.visiting:
            loop = " -> ".join(self.visiting[self.visiting.index(name.value):] + [name.value])
            self.report(codes.TIME_LOOP, name, f"these items are timed relative to each other in a loop: {loop}",
                        hint="time one of them from the quarter's start or end instead")
            return None
        return self.date_of(item)

    def date_of(self, item: ir.Item) -> datetime.date | None:
        """The raw (unadjusted) date of an item; a window's earliest day."""
        if item.key in self.dates:
            return self.dates[item.key]
        self.visiting.append(item.key)
        when = getattr(item, "when", None)
        if isinstance(when, ir.At):
            found = self.moment(when.moment)
        elif isinstance(when, ir.On):
            found = when.date
        elif isinstance(when, ir.Within):
            found = self.moment(when.after)
        elif isinstance(item, ir.Cadence):
            found = self.moment(item.start) if item.start else self.start
        else:
            found = None
        self.visiting.pop()
        self.dates[item.key] = found
        return found


def schedule(spec: ir.Spec, calendar: FiscalCalendar, year: int, quarter: int) -> Schedule:
    start, end = calendar.quarter_start(year, quarter), calendar.quarter_end(year, quarter)
    resolver = Resolver(spec, start, end)
    rule = spec.process.weekends if spec.process else "keep"
    entries: list[Entry] = []

    def adjust(day: datetime.date | None, item) -> datetime.date | None:
        if day is None or isinstance(getattr(item, "when", None), ir.On):
            return day
        return adjust_for_weekend(day, rule)

    for phase in spec.phases:
        for item in phase.items:
            raw = resolver.date_of(item)
            when = getattr(item, "when", None)
            common = dict(kind=type(item).__name__.lower(), phase=phase.id.value, item=item,
                          actors=_actors(item), text=_text(item))
            if isinstance(item, ir.Cadence):
                entries.extend(_occurrences(item, raw, resolver, adjust, common))
                continue
            due = raw + datetime.timedelta(days=when.days) if isinstance(when, ir.Within) and raw else None
            entries.append(Entry(key=item.key, date=adjust(raw, item), due=adjust(due, item),
                                 written=_written(when) if not isinstance(item, ir.Permission) else "", **common))
    order = {id(entry): index for index, entry in enumerate(entries)}
    entries.sort(key=lambda e: (e.date is None, e.date or start, order[id(e)]))
    title = spec.process.title if spec.process else spec.path
    return Schedule(title, year, quarter, start, end, tuple(entries), tuple(resolver.diagnostics))


def _occurrences(item: ir.Cadence, first, resolver: Resolver, adjust, common) -> list[Entry]:
    last = resolver.moment(item.until) if item.until else resolver.end
    written = f"every {item.unit}" if item.every == 1 else f"every {item.every} {item.unit}s"
    if first is None or last is None:
        return [Entry(key=item.key, date=None, due=None, written=written, **common)]
    found, index = [], 0
    while True:
        if item.unit == "month":
            day = add_months(first, index * item.every)
        else:
            day = first + datetime.timedelta(days=index * item.every * (7 if item.unit == "week" else 1))
        if day > last or index > 1000:
            break
        index += 1
        found.append(Entry(key=f"{item.key}#{index}", date=adjust(day, item), due=None, written=written, **common))
    return found


def _actors(item) -> tuple[str, ...]:
    if isinstance(item, ir.Meeting):
        return tuple(n.value for n in item.scheduled_by or item.attendees)
    return tuple(n.value for n in item.actors)


def _text(item) -> str:
    if isinstance(item, ir.Meeting):
        return item.title
    if isinstance(item, ir.Permission):
        return "may " + item.text.value
    return item.text.value


class NoQuarter(ValueError):
    """The spec names no quarter and none was given."""


def schedule_spec(spec: ir.Spec, quarter: str | None = None, start_month: int | None = None,
                  named_by: str | None = None) -> Schedule:
    """Schedule a spec for its own quarter and calendar, or for those given instead.

    Raises ValueError (with a message for people) for a quarter that cannot be read,
    and NoQuarter when there is no quarter at all.
    """
    fiscal = spec.process.fiscal_year if spec.process else ir.FiscalYear()
    calendar = FiscalCalendar(start_month or fiscal.start_month, named_by or fiscal.named_by)
    if quarter is not None:
        from okrdsl.calendar import parse_quarter

        year, number = parse_quarter(quarter)
    else:
        written = spec.process.quarter if spec.process else None
        written = written or next((s.quarter for s in spec.okr_sets if s.quarter), None)
        if written is None:
            raise NoQuarter(f"{spec.path} names no quarter: add `process \"...\" for FY23-Q3` or give --quarter")
        year, number = written.year, written.number
    return schedule(spec, calendar, year, number)
