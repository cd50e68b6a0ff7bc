"""A spec's schedule for one fiscal quarter: every item with its date, for people and tools.

`schedule(spec, calendar, year, quarter)` gives a `Schedule`: one `Entry` per
item (and per occurrence of a cadence or recurring meeting), in date order, an
item that is only ordered (`after x:`) right after what it follows, and the
undated ones (`ongoing`, permissions, and any whose time could not be resolved)
last. The dates come from okrdsl.dates.
"""

from __future__ import annotations

import datetime

import attrs

from okrdsl import ir
from okrdsl.calendar import FiscalCalendar, format_quarter
from okrdsl.dates import Resolver, latest_before, quarter_for, resolver_for
from okrdsl.diagnostics import UsageProblem
from okrdsl.limits import MAX_TOTAL_OCCURRENCES
from okrdsl.records import frozen
from okrdsl.recur import occurrence_count, occurrences, recurrence as _recurrence, recurs


@frozen
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
    after: tuple[str, ...] = ()  # what an item that is only ordered (`after x:`) follows

    @property
    def when(self):
        """The item's time as written (None for a permission or a cadence)."""
        return self.item.when if isinstance(self.item, (ir.Step, ir.Meeting)) else None

    @property
    def name(self) -> str | None:
        """The id written for the item, which `after` lists name."""
        written = self.item.id if isinstance(self.item, (ir.Step, ir.Meeting, ir.Cadence)) else None
        return written.value if written is not None else None
    length_minutes: int | None = None  # a meeting's `length`
    occurrence: int | None = None  # which occurrence of a recurring item, counted from 1


@frozen
class Rule:
    """How a cadence or recurring meeting recurs, for a calendar's repeat rule (RRULE): every
    `every` `unit`s `on` a day, up to `until` (the last day of its range, or its last
    occurrence when the schedule stops listing it early: OKR401). `days` are the days the
    rule gives, before the weekend rule moves any; its entries' dates are those days moved."""

    key: str
    every: int
    unit: str
    on: ir.RecurOn | None
    until: datetime.date
    days: tuple[datetime.date, ...]


@frozen
class Schedule:
    title: str
    year: int
    quarter: int
    start: datetime.date
    end: datetime.date
    entries: tuple[Entry, ...]
    rules: tuple[Rule, ...] = ()  # one per cadence and recurring meeting that has a date

    @property
    def name(self) -> str:
        return format_quarter(self.year, self.quarter)


def schedule(spec: ir.Spec, calendar: FiscalCalendar, year: int, quarter: int) -> Schedule:
    resolver = resolver_for(spec, calendar, year, quarter)
    entries: list[Entry] = []
    rules: list[Rule] = []
    left = MAX_TOTAL_OCCURRENCES  # past it, recurring items add nothing more (OKR401)
    for phase in spec.phases:
        for item in phase.items:
            common = dict(kind=item.kind, phase=phase.id.value, item=item,
                          actors=actors_of(item), text=text_of(item), length_minutes=item.length_minutes if isinstance(item, ir.Meeting) else None)
            if recurs(item):
                count = min(occurrence_count(item, resolver), left)
                left -= count
                found, rule = _occurrences(item, resolver, common, count)
                entries.extend(found)
                rules.extend([rule] if rule is not None else [])
                continue
            when = ir.time_of(item)
            entries.append(Entry(key=item.key, date=resolver.date(item), due=resolver.due(item),
                                 written=_written(when, resolver.written_holds(item), item),
                                 after=tuple(n.value for n in ir.after_of(item)), **common))
    title = spec.process.title if spec.process else spec.path
    return Schedule(title, year, quarter, resolver.start, resolver.end, _in_order(entries), tuple(rules))


def _in_order(entries: list[Entry]) -> tuple[Entry, ...]:
    """Dated entries by date, then undated ones; an item that is only ordered (`after x:`)
    right after the last of the items it follows (through other ordered items, in the order
    they depend on each other, then as written); one that follows nothing dated, last."""
    ordered = [e for e in entries if not isinstance(e.when, ir.Following)]
    ordered.sort(key=lambda e: (e.date is None, e.date or datetime.date.min))
    position = {}  # an item's id -> the index of its last entry in `ordered`
    for index, entry in enumerate(ordered):
        if entry.name is not None:
            position[entry.name] = index
    following = {e.name: e for e in entries if isinstance(e.when, ir.Following) and e.name is not None}
    places: dict[int, tuple[int, int] | None] = {}  # id(entry) -> (index it follows, depth)
    for entry in entries:
        if isinstance(entry.when, ir.Following):
            _place_after(entry, ordered, position, following, places)
    after_index: dict[int, list[tuple[int, int, Entry]]] = {}
    unplaced = []
    for number, entry in enumerate(entries):
        place = places.get(id(entry), ())
        if place is None:
            unplaced.append(entry)
        elif place:
            after_index.setdefault(place[0], []).append((place[1], number, entry))
    result = []
    for index, entry in enumerate(ordered):
        result.append(entry)
        result.extend(e for _, _, e in sorted(after_index.get(index, ()), key=lambda t: t[:2]))
    return tuple(result + unplaced)


def _place_after(entry: Entry, ordered: list[Entry], position: dict, following: dict, places: dict) -> None:
    """Where an ordered entry goes: (the index of the latest dated entry it follows, directly
    or through other ordered ones, and how many ordered ones lie between); None when it
    follows nothing dated (see dates.latest_before)."""
    def befores(current: Entry) -> list[Entry]:
        return [following[n] if n in following else ordered[position[n]]
                for n in current.after if n in following or n in position]

    latest_before(entry, befores, lambda e: isinstance(e.when, ir.Following),
                  lambda e: (position[e.name], 0), places, step=lambda place: (place[0], place[1] + 1))


def schedule_spec(spec: ir.Spec, quarter: str | None = None, start_month: int | None = None,
                  named_by: str | None = None) -> Schedule:
    """Schedule a spec for its own quarter and calendar, or for those given instead.

    Raises UsageProblem (with a message for people) for a quarter that cannot be read,
    or when there is no quarter at all.
    """
    found = quarter_for(spec, quarter, start_month, named_by)
    if found is None:
        raise UsageProblem(f"{spec.path} names no quarter: add `process \"...\" for FY23-Q3` or give --quarter")
    return schedule(spec, *found)


def _written(when, with_date: bool = True, item: ir.Item | None = None) -> str:
    """The time as written; a date beside a relative time only where it still holds."""
    placed = f" in {when.meeting.value}" if ir.placed_in(when) is not None else ""
    if isinstance(when, ir.At):
        return when.moment.text + (f" on {when.date.isoformat()}" if when.date and with_date else "") + placed
    if isinstance(when, ir.On):
        return f"on {when.date.isoformat()}" if when.date else ""
    if isinstance(when, ir.Within):
        return f"within {when.duration or f'{when.days}d'} after {when.after.text}"
    if isinstance(when, ir.During):
        return f"during {when.period.text}{placed}"
    if isinstance(when, ir.Between):
        return f"between {when.first.text} and {when.last.text}{placed}"
    if isinstance(when, ir.Following):
        return "after " + ", ".join(n.value for n in ir.after_of(item))
    return "ongoing" if isinstance(when, ir.Ongoing) else ""


def undated(spec: ir.Spec) -> tuple[Entry, ...]:
    """What a spec lists when no quarter is known: one undated entry per item, in the order
    written, with its time as written (a recurring item once, as `every week on Tuesday`)."""
    entries = []
    for phase in spec.phases:
        for item in phase.items:
            entries.append(Entry(
                key=item.key, kind=item.kind, phase=phase.id.value, date=None, due=None,
                written=written_time(item), actors=actors_of(item), text=text_of(item), item=item,
                after=tuple(n.value for n in ir.after_of(item)),
                length_minutes=item.length_minutes if isinstance(item, ir.Meeting) else None))
    return tuple(entries)


def written_time(item: ir.Item) -> str:
    """An item's time as written, without a quarter: `-4w`, `within 1w after session1`,
    `every 2 weeks on Monday`; "" for a permission or an item with no time."""
    if recurs(item):
        every, unit, on = _recurrence(item)
        return (f"every {unit}" if every == 1 else f"every {every} {unit}s") + (f" {on.text}" if on else "")
    return _written(ir.time_of(item), True, item)


def _occurrences(item: ir.Item, resolver: Resolver, common, count: int) -> tuple[list[Entry], Rule | None]:
    """The first `count` occurrences of a recurring item and the rule they come from, or one
    undated entry (and no rule) when it cannot be dated."""
    every, unit, on = _recurrence(item)
    written = written_time(item)
    dated = resolver.recurring_range(item)
    if dated is None:
        return [Entry(key=item.key, date=None, due=None, written=written, **common)], None
    raw = list(occurrences(*dated, every, unit, on, limit=count + 1))
    until = dated[1] if len(raw) <= count else raw[count - 1]  # listed in full, or cut at `count`
    raw = raw[:count]
    days: list[datetime.date] = []
    for day in raw:
        moved = resolver.adjust(day, item)
        if not days or moved != days[-1]:  # a weekend rule can move Saturday and Sunday onto Monday
            days.append(moved)
    entries = [Entry(key=f"{item.key}#{index + 1}", date=day, due=None, written=written, occurrence=index + 1,
                     **common) for index, day in enumerate(days)]
    return entries, Rule(item.key, every, unit, on, until, tuple(raw)) if raw else None


def actors_of(item: ir.Item) -> tuple[str, ...]:
    """Who does an item: a meeting's organisers (or, without them, its attendees), or the actors."""
    if isinstance(item, ir.Meeting):
        return tuple(n.value for n in item.scheduled_by or item.attendees)
    return tuple(n.value for n in item.actors)


def text_of(item: ir.Item) -> str:
    """What an item is: a meeting's title, `may ...` for a permission, or the text as written."""
    if isinstance(item, ir.Meeting):
        return item.title
    if isinstance(item, ir.Permission):
        return "may " + item.text.value
    return item.text.value
