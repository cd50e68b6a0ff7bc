"""Stage 5, dates: every time expression of a spec resolved to dates in one fiscal quarter.

A `Resolver` gives each item its date (a window's first day) and due date, as
people see them. Relative times follow the items they name by their written id.
A name that matches nothing, an item with no date, or a loop of relative times
leaves the item undated: okrdsl.rules.references reports the first two from
the IR, and okrdsl.rules.time reports the loops the resolver records in `loops`,
and the items it could not place in a recurring meeting in `misses`.

Weekend rules apply after the arithmetic: `b at a + 1w` counts from a's
computed date, then each date is moved off a weekend. A date written with
`on` (alone, or beside a relative time that agrees with it) is kept as written.
"""

from __future__ import annotations

import bisect
import datetime

from okrdsl import ir
from okrdsl.calendar import (
    FiscalCalendar, add_months, adjust_for_weekend, middle, month_end, parse_quarter, shift, week_start,
)
from okrdsl.diagnostics import UsageProblem
from okrdsl.recur import occurrences
from okrdsl.symbols import moments
from okrdsl.words import loop_text


class Resolver:
    """Dates of a spec's items in one quarter, memoised.

    `raw(item)` is the date the arithmetic gives (a window's first day), counted
    from the dates people see of the items it names; `date(item)` is the date
    people see: a date written with `on` kept, any other moved off a weekend
    by the process's rule.

    A chain of relative times (`at s1 + 1d as s2`, `at s2 + 1d as s3`, ...) is
    followed with a list of the items waiting for a date, not by recursion, so
    no chain is too long, and each item is worked out once.

    An item placed `in` a recurring meeting falls on the meeting's first
    occurrence on or after its time (within its window). A recurring meeting
    without `from` or `until` recurs over the span of the process: from its
    earliest dated item to its latest, worked out first without placements.
    """

    def __init__(self, spec: ir.Spec, start: datetime.date, end: datetime.date, placing: bool = True) -> None:
        self.spec = spec
        self.start, self.end = start, end
        self.middle = middle(start, end)
        self.weekends = spec.process.weekends if spec.process else "keep"
        self.weeks_start = spec.process.weeks_start if spec.process else "monday"
        self.placing = placing
        self.by_name: dict[str, ir.Item] = {}
        for item in spec.items():
            if item.id is not None:
                self.by_name.setdefault(item.id.value, item)
        self.dates: dict[int, datetime.date | None] = {}  # by id(item): two items may share a written id
        self.dues: dict[int, datetime.date | None] = {}  # each window's due date, worked out with its date
        self.shown: dict[int, datetime.date | None] = {}  # each item's date off the weekend (see `date`)
        self.waiting: list[ir.Item] = []  # each item waits for the date of the one after it
        self.place: dict[int, int] = {}  # id(item) -> its place in `waiting`
        self.loops: list[tuple[ir.Name, str]] = []  # (where the loop closes, "a -> b -> a")
        self.misses: dict[int, str] = {}  # id(item) -> why it could not be placed in its meeting
        self._meeting_days: dict[int, list[datetime.date]] = {}
        self._span: tuple[datetime.date, datetime.date] | None = None

    def anchor(self, moment: ir.Moment) -> datetime.date | None:
        """The day a moment counts from: its anchor, moved to the start of its calendar week or month."""
        if moment.anchor == "start":
            base = self.start
        elif moment.anchor == "end":
            base = self.end
        elif moment.anchor == "middle":
            base = self.middle
        else:
            base = self.named(moment.item, due=moment.anchor == "item-end")
        if base is not None and moment.calendar == "week":
            return week_start(base, self.weeks_start)
        if base is not None and moment.calendar == "month":
            return base.replace(day=1)
        return base

    def moment(self, moment: ir.Moment) -> datetime.date | None:
        base = self.anchor(moment)
        if base is not None and moment.offset_months:
            base = add_months(base, moment.offset_months)
        return shift(base, moment.offset_days)

    @staticmethod
    def period_end(moment: ir.Moment, day: datetime.date | None) -> datetime.date | None:
        """The last day of the calendar week or month a moment names (the day itself for others)."""
        if day is None or moment.calendar is None:
            return day
        return shift(day, 6) if moment.calendar == "week" else month_end(day)

    def named(self, name: ir.Name, due: bool = False) -> datetime.date | None:
        """The date people see of the item a relative time names (its due date for `end of`)."""
        item = self.by_name.get(name.value)
        if item is None:
            return None
        if id(item) in self.place:
            keys = [waiting.key for waiting in self.waiting[self.place[id(item)]:]]
            self.loops.append((name, loop_text(keys)))
            return None
        if not has_date(item):
            return None  # a cadence or a recurring meeting repeats; an ongoing or ordered item has no date
        return (self.due(item) or self.date(item)) if due else self.date(item)

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
            # The due date too, while the item still waits: a window due at its own end
            # (`between start and end of x as x`) then meets itself as a loop in `named`.
            self.dues[id(current)] = self._compute_due(current)
            self.waiting.pop()
            del self.place[id(current)]
        return self.dates[id(item)]

    def _wait(self, item: ir.Item) -> None:
        self.place[id(item)] = len(self.waiting)
        self.waiting.append(item)

    def _needed(self, item: ir.Item) -> ir.Item | None:
        """An item whose date `item` counts from, if that date is still to be worked out
        (and is not waiting already: then `named` finds a loop)."""
        for moment in self._depends_on(item):
            if moment.item is None:
                continue
            named = self.by_name.get(moment.item.value)
            if named is not None and id(named) not in self.dates and id(named) not in self.place and has_date(named):
                return named
        return None

    def _depends_on(self, item: ir.Item) -> tuple[ir.Moment, ...]:
        """The moments an item's dates count from: its own, and for an item placed in a
        recurring meeting, the meeting's `from` and `until`."""
        own = moments(item)
        meeting = ir.placed_in(ir.time_of(item))
        if meeting is not None and self.placing:
            named = self.by_name.get(meeting.value)
            if isinstance(named, ir.Meeting) and isinstance(named.when, ir.Recurrence):
                return own + moments(named)
        return own

    def _compute(self, item: ir.Item) -> datetime.date | None:
        """The raw date of `item`, once the dates it counts from are known."""
        when = ir.time_of(item)
        if isinstance(when, ir.On):
            return when.date
        if isinstance(item, ir.Cadence):
            return self.moment(item.start) if item.start is not None else self.start
        if isinstance(when, ir.At):
            day = self.moment(when.moment)
        elif isinstance(when, ir.Within):
            day = self.moment(when.after)
        elif isinstance(when, ir.During):
            day = self.moment(when.period)
        elif isinstance(when, ir.Between):
            day = self.moment(when.first)
        else:
            return None  # ongoing, ordered only, recurring, or undated
        if self.placing and ir.placed_in(when) is not None and day is not None:
            return self._place(item, when, day)
        return day

    def _place(self, item: ir.Item, when, day: datetime.date) -> datetime.date | None:
        """The first occurrence of the recurring meeting `when.meeting` on or after `day`
        (and, for a window, on or before its due date); None, with the reason kept, if none."""
        meeting = self.by_name.get(when.meeting.value)
        if not isinstance(meeting, ir.Meeting) or not isinstance(meeting.when, ir.Recurrence):
            if meeting is not None:
                self.misses[id(item)] = f'"{when.meeting.value}" is not a recurring meeting'
            return None
        last = self._window_end(when)
        days = self.meeting_days(meeting)
        index = bisect.bisect_left(days, day)  # the first occurrence on or after `day`
        found = days[index] if index < len(days) else None
        if found is None or last is not None and found > last:
            where = f"between {day} and {last}" if last is not None else f"on or after {day}"
            self.misses[id(item)] = f'no "{meeting.title}" ({meeting.id.value}) falls {where}'
            return None
        return found

    def _window_end(self, when) -> datetime.date | None:
        """The last day of a window (`during`, `between`), before any placement; None for a point."""
        if isinstance(when, ir.During):
            return self.period_end(when.period, self.moment(when.period))
        if isinstance(when, ir.Between):
            return self.period_end(when.last, self.moment(when.last))
        return None

    def meeting_days(self, meeting: ir.Meeting) -> list[datetime.date]:
        """Every day a recurring meeting happens (at most MAX_OCCURRENCES)."""
        if id(meeting) not in self._meeting_days:
            found = self.recurring_range(meeting)
            recurrence = meeting.when
            self._meeting_days[id(meeting)] = [] if found is None else list(
                occurrences(*found, recurrence.every, recurrence.unit, recurrence.on))
        return self._meeting_days[id(meeting)]

    def recurring_range(self, item: ir.Item) -> tuple[datetime.date, datetime.date] | None:
        """The first and last day a cadence or recurring meeting may happen on; None when it
        cannot be dated. A cadence runs over the quarter by default, a recurring meeting over
        the span of the process (and one period past it, so that the last item can fall in it)."""
        if isinstance(item, ir.Cadence):
            first = self.raw(item)
            last = self.period_end(item.until, self.moment(item.until)) if item.until else self.end
            every = item.every
        else:
            recurrence = item.when
            low, high = self.span()
            first = self.moment(recurrence.start) if recurrence.start else low
            period = recurrence.every * (31 if recurrence.unit == "month" else 7 if recurrence.unit == "week" else 1)
            last = self.period_end(recurrence.until, self.moment(recurrence.until)) if recurrence.until \
                else shift(high, period)
            every = recurrence.every
        if first is None or last is None or every < 1:
            return None
        return first, last

    def span(self) -> tuple[datetime.date, datetime.date]:
        """The earliest and latest day of the process's dated items (dates and due dates),
        worked out without placing items in meetings; the quarter when nothing is dated."""
        if self._span is None:
            if not self.placing:
                self._span = (self.start, self.end)
            else:
                plain = Resolver(self.spec, self.start, self.end, placing=False)
                days = [d for item in self.spec.items() if has_date(item)
                        for d in (plain.date(item), plain.due(item)) if d is not None]
                self._span = (min(days), max(days)) if days else (self.start, self.end)
        return self._span

    def written_holds(self, item: ir.Item) -> bool:
        """Whether a date written beside a relative time is the one it gives (moved off a
        weekend or not), or for a calendar week or month, falls inside it; always true when
        none is written."""
        if not written_beside(item):
            return True
        when = item.when
        if self.raw(item) is None:
            return True
        base = self.moment(when.moment)  # the time itself, before any placement in a meeting
        if base is None:
            return True
        if when.moment.calendar is not None:
            return base <= when.date <= self.period_end(when.moment, base)
        return when.date in (base, adjust_for_weekend(base, self.weekends))

    def keep_written(self, item: ir.Item) -> bool:
        """Whether the item's date is one written with `on` (kept off the weekend rule)."""
        when = ir.time_of(item)
        return isinstance(when, ir.On) or isinstance(when, ir.At) and when.date is not None \
            and when.meeting is None and self.raw(item) is not None and self.written_holds(item)

    def adjust(self, day: datetime.date | None, item: ir.Item) -> datetime.date | None:
        if day is None:
            return None
        if self.keep_written(item):
            return item.when.date
        return adjust_for_weekend(day, self.weekends)

    def date(self, item: ir.Item) -> datetime.date | None:
        """The date people see: the raw date moved off a weekend, or the one written. Every
        rule asks it of every item, and every relative time of the item it counts from, so
        it is kept once it cannot change: once nothing waits, or once the item's raw date is
        known and no date is written beside its time. Else, while items wait, asking may
        find a loop (see `named`: a date written beside a time is checked against the
        time), and the answer must be worked out each time."""
        key = id(item)
        if key in self.shown:
            return self.shown[key]
        day = self.adjust(self.raw(item), item)
        if not self.waiting or key in self.dates and not written_beside(item):
            self.shown[key] = day
        return day

    def due(self, item: ir.Item) -> datetime.date | None:
        """A window's due date, off a weekend: a `within`'s first day plus its length, a
        `during`'s last day, a `between`'s second point. None for a point in time, and for a
        window placed in a meeting (it happens on the meeting's day)."""
        self.raw(item)
        return self.dues.get(id(item))

    def _compute_due(self, item: ir.Item) -> datetime.date | None:
        when = ir.time_of(item)
        if isinstance(when, ir.Within):
            day = self.date(item)
            if day is not None and when.months:
                day = add_months(day, when.months)
            due = shift(day, when.days)
        elif isinstance(when, (ir.During, ir.Between)) and (when.meeting is None or not self.placing):
            due = self._window_end(when)
        else:
            return None
        return adjust_for_weekend(due, self.weekends) if due else None


def quarter_for(spec: ir.Spec, quarter: str | None = None, start_month: int | None = None,
                named_by: str | None = None) -> tuple[FiscalCalendar, int, int] | None:
    """The calendar and (year, quarter) to date a spec in: the ones given, else the spec's
    own (its process, else its first OKR set). None when there is no quarter at all;
    a UsageProblem for a quarter that cannot be read."""
    fiscal = spec.process.fiscal_year if spec.process else ir.FiscalYear()
    calendar = FiscalCalendar(start_month or fiscal.start_month, named_by or fiscal.named_by)
    if quarter is not None:
        try:
            return (calendar, *parse_quarter(quarter))
        except ValueError as error:
            raise UsageProblem(str(error)) from None
    written = spec.process.quarter if spec.process else None
    written = written or next((s.quarter for s in spec.okr_sets if s.quarter), None)
    return (calendar, written.year, written.number) if written else None


def resolver_for(spec: ir.Spec, calendar: FiscalCalendar, year: int, quarter: int) -> Resolver:
    resolver = Resolver(spec, calendar.quarter_start(year, quarter), calendar.quarter_end(year, quarter))
    for item in spec.items():
        resolver.raw(item)
    return resolver


def counted_from(item: ir.Item) -> ir.Moment | None:
    """The moment an item's date counts from: its `at`, its window's start, a cadence's `from`
    (None for a recurring meeting, which has no single date)."""
    if isinstance(item, ir.Cadence):
        return item.start
    if isinstance(ir.time_of(item), ir.Recurrence):
        return None
    found = moments(item)
    return found[0] if found else None


def written_beside(item: ir.Item) -> bool:
    """Whether a date is written beside the item's relative time (`at -6w on 2021-09-20`)."""
    when = ir.time_of(item)
    return isinstance(when, ir.At) and when.date is not None


def has_date(item: ir.Item) -> bool:
    """Whether a time can count from the item: a step or meeting dated once (not ordered only,
    ongoing or recurring)."""
    return not isinstance(item, ir.Cadence) and isinstance(
        ir.time_of(item), (ir.At, ir.On, ir.Within, ir.During, ir.Between))


def latest_before(start, befores, is_ordered, value_of, memo: dict, step=lambda value: value):
    """For an item that is only ordered (`after x:`), the greatest value among what it comes
    after, looking through other such items: `value_of(b)` for one with a date of its own,
    `step` of its result for an ordered one. None when nothing dated comes before it.

    Each item is worked out once (kept in `memo`, by id), with a list rather than recursion;
    in a loop of `after` lists (OKR203), an item already on the walk counts as nothing.
    """
    pending, on_walk = [start], {id(start)}
    while pending:
        current = pending[-1]
        if id(current) not in memo:
            before = befores(current)
            waiting = [b for b in before if is_ordered(b) and id(b) not in memo and id(b) not in on_walk]
            if waiting:
                pending.extend(waiting)
                on_walk.update(id(b) for b in waiting)
                continue
            values = [value_of(b) if not is_ordered(b) else
                      step(memo[id(b)]) if memo.get(id(b)) is not None else None for b in before]
            memo[id(current)] = max((v for v in values if v is not None), default=None)
        pending.pop()
        on_walk.discard(id(current))
    return memo[id(start)]
