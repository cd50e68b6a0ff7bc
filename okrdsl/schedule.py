"""Resolve every time expression of a spec to dates in one fiscal quarter.

`schedule(spec, calendar, year, quarter)` gives a `Schedule`: one `Entry` per
item (and per occurrence of a cadence), in date order, with the undated ones
(`ongoing`, permissions, and any whose time could not be resolved) last.
Relative times follow the items they name by their written id. A name that
matches nothing, an item with no date, or a loop of relative times leaves the
item undated: okrdsl.rules.references reports the first two from the IR, and
okrdsl.rules.time reports the loops this resolver records in `loops`.

Weekend rules apply after the arithmetic: `b at a + 1w` counts from a's
computed date, then each date is moved off a weekend. A date written with
`on` (alone, or beside a relative time that agrees with it) is kept as written.
"""

from __future__ import annotations

import datetime

import attrs

from okrdsl import ir
from okrdsl.calendar import FiscalCalendar, add_months, adjust_for_weekend, format_quarter, parse_quarter, shift
from okrdsl.limits import MAX_OCCURRENCES, MAX_TOTAL_OCCURRENCES
from okrdsl.words import loop_text



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

    @property
    def name(self) -> str:
        return format_quarter(self.year, self.quarter)


class Resolver:
    """Dates of a spec's items in one quarter, memoised.

    `raw(item)` is the date the arithmetic gives (a window's first day), counted
    from the dates people see of the items it names; `date(item)` is the date
    people see: a date written with `on` kept, any other moved off a weekend
    by the process's rule.

    A chain of relative times (`at s1 + 1d as s2`, `at s2 + 1d as s3`, ...) is
    followed with a list of the items waiting for a date, not by recursion, so
    no chain is too long, and each item is worked out once.
    """

    def __init__(self, spec: ir.Spec, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.weekends = spec.process.weekends if spec.process else "keep"
        self.by_name: dict[str, ir.Item] = {}
        for item in spec.items():
            if getattr(item, "id", None) is not None:
                self.by_name.setdefault(item.id.value, item)
        self.dates: dict[int, datetime.date | None] = {}  # by id(item): two items may share a written id
        self.waiting: list[ir.Item] = []  # each item waits for the date of the one after it
        self.place: dict[int, int] = {}  # id(item) -> its place in `waiting`
        self.loops: list[tuple[ir.Name, str]] = []  # (where the loop closes, "a -> b -> a")

    def moment(self, moment: ir.Moment) -> datetime.date | None:
        if moment.anchor == "start":
            base = self.start
        elif moment.anchor == "end":
            base = self.end
        else:
            base = self.named(moment.item)
        return shift(base, moment.offset_days)

    def named(self, name: ir.Name) -> datetime.date | None:
        """The date people see of the item a relative time names."""
        item = self.by_name.get(name.value)
        if item is None:
            return None
        if id(item) in self.place:
            keys = [waiting.key for waiting in self.waiting[self.place[id(item)]:]]
            self.loops.append((name, loop_text(keys)))
            return None
        if not _has_date(item):
            return None  # a cadence repeats, and an ongoing step or a meeting without a time has no date
        return self.date(item)

    def raw(self, item: ir.Item) -> datetime.date | None:
        """The date the arithmetic gives, before the item's own weekend rule; a window's first day."""
        if id(item) in self.dates:
            return self.dates[id(item)]
        bottom = len(self.waiting)
        self._wait(item)
        while len(self.waiting) > bottom:
            current = self.waiting[-1]
            needed = self._needed(current)
            if needed is not None:
                self._wait(needed)
                continue
            self.dates[id(current)] = self._compute(current)
            self.waiting.pop()
            del self.place[id(current)]
        return self.dates[id(item)]

    def _wait(self, item: ir.Item) -> None:
        self.place[id(item)] = len(self.waiting)
        self.waiting.append(item)

    def _needed(self, item: ir.Item) -> ir.Item | None:
        """The item whose date `item` counts from, if that date is still to be worked out
        (and is not waiting already: then `named` finds a loop)."""
        moment = counted_from(item)
        if moment is None or moment.anchor != "item":
            return None
        named = self.by_name.get(moment.item.value)
        if named is None or id(named) in self.dates or id(named) in self.place or not _has_date(named):
            return None
        return named

    def _compute(self, item: ir.Item) -> datetime.date | None:
        """The raw date of `item`, once the date it counts from is known."""
        when = getattr(item, "when", None)
        if isinstance(when, ir.On):
            return when.date
        if isinstance(when, (ir.At, ir.Within)) or isinstance(item, ir.Cadence):
            moment = counted_from(item)
            return self.moment(moment) if moment is not None else self.start
        return None

    def written_holds(self, item: ir.Item) -> bool:
        """Whether a date written beside a relative time is the one it gives (moved off a
        weekend or not); always true when none is written."""
        when = getattr(item, "when", None)
        if not isinstance(when, ir.At) or when.date is None:
            return True
        raw = self.raw(item)
        return raw is None or when.date in (raw, adjust_for_weekend(raw, self.weekends))

    def keep_written(self, item: ir.Item) -> bool:
        """Whether the item's date is one written with `on` (kept off the weekend rule)."""
        when = getattr(item, "when", None)
        return isinstance(when, ir.On) or isinstance(when, ir.At) and when.date is not None \
            and self.raw(item) is not None and self.written_holds(item)

    def adjust(self, day: datetime.date | None, item: ir.Item) -> datetime.date | None:
        if day is None:
            return None
        if self.keep_written(item):
            return item.when.date
        return adjust_for_weekend(day, self.weekends)

    def date(self, item: ir.Item) -> datetime.date | None:
        return self.adjust(self.raw(item), item)

    def due(self, item: ir.Item) -> datetime.date | None:
        """A window's due date: its first day as people see it, plus its length, off a weekend."""
        when = getattr(item, "when", None)
        if not isinstance(when, ir.Within):
            return None
        due = shift(self.date(item), when.days)
        return adjust_for_weekend(due, self.weekends) if due else None


def quarter_for(spec: ir.Spec, quarter: str | None = None, start_month: int | None = None,
                named_by: str | None = None) -> tuple[FiscalCalendar, int, int] | None:
    """The calendar and (year, quarter) to date a spec in: the ones given, else the spec's
    own (its process, else its first OKR set). None when there is no quarter at all;
    a ValueError for a quarter that cannot be read."""
    fiscal = spec.process.fiscal_year if spec.process else ir.FiscalYear()
    calendar = FiscalCalendar(start_month or fiscal.start_month, named_by or fiscal.named_by)
    if quarter is not None:
        return (calendar, *parse_quarter(quarter))
    written = spec.process.quarter if spec.process else None
    written = written or next((s.quarter for s in spec.okr_sets if s.quarter), None)
    return (calendar, written.year, written.number) if written else None


def resolver_for(spec: ir.Spec, calendar: FiscalCalendar, year: int, quarter: int) -> Resolver:
    resolver = Resolver(spec, calendar.quarter_start(year, quarter), calendar.quarter_end(year, quarter))
    for item in spec.items():
        resolver.raw(item)
    return resolver


def schedule(spec: ir.Spec, calendar: FiscalCalendar, year: int, quarter: int) -> Schedule:
    resolver = resolver_for(spec, calendar, year, quarter)
    entries: list[Entry] = []
    left = MAX_TOTAL_OCCURRENCES  # past it, cadences add nothing more (OKR401)
    for phase in spec.phases:
        for item in phase.items:
            common = dict(kind=type(item).__name__.lower(), phase=phase.id.value, item=item,
                          actors=_actors(item), text=_text(item))
            if isinstance(item, ir.Cadence):
                count = min(occurrence_count(item, resolver), left)
                left -= count
                entries.extend(_occurrences(item, resolver, common, count))
                continue
            written = _written(getattr(item, "when", None), resolver.keep_written(item))
            entries.append(Entry(key=item.key, date=resolver.date(item), due=resolver.due(item), written=written,
                                 **common))
    entries.sort(key=lambda e: (e.date is None, e.date or resolver.start))
    title = spec.process.title if spec.process else spec.path
    return Schedule(title, year, quarter, resolver.start, resolver.end, tuple(entries))


def schedule_spec(spec: ir.Spec, quarter: str | None = None, start_month: int | None = None,
                  named_by: str | None = None) -> Schedule:
    """Schedule a spec for its own quarter and calendar, or for those given instead.

    Raises ValueError (with a message for people) for a quarter that cannot be read,
    or when there is no quarter at all.
    """
    found = quarter_for(spec, quarter, start_month, named_by)
    if found is None:
        raise ValueError(f"{spec.path} names no quarter: add `process \"...\" for FY23-Q3` or give --quarter")
    return schedule(spec, *found)


def _written(when: ir.When | None, with_date: bool = True) -> str:
    """The time as written; a date beside a relative time only where it still holds."""
    if isinstance(when, ir.At):
        return when.moment.text + (f" on {when.date.isoformat()}" if when.date and with_date else "")
    if isinstance(when, ir.On):
        return f"on {when.date.isoformat()}" if when.date else ""
    if isinstance(when, ir.Within):
        return f"within {when.duration or f'{when.days}d'} after {when.after.text}"
    return "ongoing" if isinstance(when, ir.Ongoing) else ""


def _cadence_range(item: ir.Cadence, resolver: Resolver) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day a cadence may happen on; None when it cannot be dated."""
    first = resolver.raw(item)
    last = resolver.moment(item.until) if item.until else resolver.end
    if first is None or last is None or item.every < 1:
        return None
    return first, last


def occurrence_count(item: ir.Cadence, resolver: Resolver) -> int:
    """How many times a cadence happens in the schedule (at most MAX_OCCURRENCES), worked
    out without listing them."""
    dated = _cadence_range(item, resolver)
    if dated is None or dated[1] < dated[0]:
        return 0
    first, last = dated
    if item.unit != "month":
        count = (last - first).days // (item.every * (7 if item.unit == "week" else 1)) + 1
    else:
        count = ((last.year - first.year) * 12 + last.month - first.month) // item.every + 1
        day = add_months(first, (count - 1) * item.every)
        if day is None or day > last:  # the day falls after `last` in its month
            count -= 1
    return min(count, MAX_OCCURRENCES)


def over_total(spec: ir.Spec, resolver: Resolver) -> tuple[ir.Cadence, int] | None:
    """The cadence at which the schedule passes MAX_TOTAL_OCCURRENCES occurrences, and the
    total it would list without that limit; None when it stays within it."""
    total, over = 0, None
    for item in spec.items():
        if isinstance(item, ir.Cadence):
            total += occurrence_count(item, resolver)
            if over is None and total > MAX_TOTAL_OCCURRENCES:
                over = item
    return (over, total) if over is not None else None


def _occurrences(item: ir.Cadence, resolver: Resolver, common, count: int) -> list[Entry]:
    """The first `count` occurrences of a cadence, or one undated entry when it cannot be dated."""
    dated = _cadence_range(item, resolver)
    written = f"every {item.unit}" if item.every == 1 else f"every {item.every} {item.unit}s"
    if dated is None:
        return [Entry(key=item.key, date=None, due=None, written=written, **common)]
    first, last = dated
    found = []
    for index in range(count):
        if item.unit == "month":
            day = add_months(first, index * item.every)
        else:
            day = shift(first, index * item.every * (7 if item.unit == "week" else 1))
        if day is None or day > last:
            break
        found.append(Entry(key=f"{item.key}#{index + 1}", date=resolver.adjust(day, item), due=None,
                           written=written, **common))
    return found


def counted_from(item: ir.Item) -> ir.Moment | None:
    """The moment an item's date counts from: its `at`, its window's `after`, a cadence's `from`."""
    when = getattr(item, "when", None)
    if isinstance(when, ir.At):
        return when.moment
    if isinstance(when, ir.Within):
        return when.after
    return item.start if isinstance(item, ir.Cadence) else None


def _has_date(item: ir.Item) -> bool:
    """Whether a time can count from the item: a step or meeting with an `at`, `on` or `within`."""
    return not isinstance(item, ir.Cadence) and isinstance(getattr(item, "when", None), (ir.At, ir.On, ir.Within))


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
