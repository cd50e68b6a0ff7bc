"""Times in words, as a handbook writes them: "**8 weeks** prior to the start of the fiscal
quarter", "within **1 week** after Session 1", "**every 2 weeks** on Monday".

Each function returns Markdown whose first letter is lower case (`sentence` makes it
the start of one). Names of items come from `name`, a function the page gives, which
writes an item's id as the page shows it (already escaped): the words here are
okrdsl's own and need no escaping.
"""

from __future__ import annotations

from typing import Callable

from okrdsl import ir
from okrdsl.emit.markdown import bold

Namer = Callable[[ir.Name], str]

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_BASES = {"start": "the start of the fiscal quarter", "end": "the end of the quarter",
          "middle": "the middle of the quarter"}
_POINTS = {"start": "on the first day of the quarter", "end": "on the last day of the quarter",
           "middle": "in the middle of the quarter"}
_NOUNS = {"start": "the start of the quarter", "end": "the end of the quarter", "middle": "the middle of the quarter"}
_PERIOD_BASES = {"start": "the quarter's first {unit}", "end": "the quarter's last {unit}",
                 "middle": "the {unit} of the middle of the quarter"}


def sentence(words: str) -> str:
    """Words made the start of a sentence: their first letter (past any `**`) in upper case."""
    bare = words.lstrip("*")
    lead = len(words) - len(bare)
    return words[:lead] + bare[:1].upper() + bare[1:]


def joined(parts: list[str], last: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {last} " + parts[-1]


def counted(number: int, unit: str) -> str:
    """'1 week', '3 weeks'."""
    return f"{number} {unit}" + ("" if number == 1 else "s")


def length(months: int, days: int) -> str:
    """A length of time, as a whole number of weeks where it is one: '1 week', '10 days',
    '1 month and 2 weeks', and for parts that go opposite ways, '1 month less 1 week'."""
    parts = []
    if months:
        parts.append(counted(abs(months), "month"))
    if days:
        parts.append(counted(abs(days) // 7, "week") if days % 7 == 0 else counted(abs(days), "day"))
    if len(parts) == 2:
        return parts[0] + (" and " if (months > 0) == (days > 0) else " less ") + parts[1]
    return parts[0] if parts else "0 days"


def _anchor(moment: ir.Moment, name: Namer) -> str:
    if moment.anchor == "item":
        return name(moment.item)
    if moment.anchor == "item-end":
        return f"the end of {name(moment.item)}"
    return _BASES[moment.anchor]


def _offset(moment: ir.Moment, name: Namer) -> str:
    """'**8 weeks** prior to the start of the fiscal quarter', '**1 week** after Session 1'."""
    later = (moment.offset_months or moment.offset_days) > 0
    return f"{bold(length(moment.offset_months, moment.offset_days))} {'after' if later else 'prior to'} " \
        + _anchor(moment, name)


def period(moment: ir.Moment, name: Namer) -> str:
    """A calendar week or month: 'the quarter's first week', 'the week 3 weeks before the
    quarter's first week', 'the quarter's second month', 'the month after the quarter's last month'."""
    unit = moment.calendar
    steps = moment.offset_days // 7 if unit == "week" else moment.offset_months
    if moment.anchor in _PERIOD_BASES:
        base = _PERIOD_BASES[moment.anchor].format(unit=unit)
    else:
        base = f"the {unit} of {_anchor(moment, name)}"
    if moment.anchor == "start" and unit == "month" and 0 < steps < 5:
        return f"the quarter's {_ORDINALS[steps + 1]} month"
    if steps == 0:
        return base
    way = "after" if steps > 0 else "before"
    if abs(steps) == 1:
        return f"the {unit} {way} {base}"
    return f"the {unit} {bold(counted(abs(steps), unit))} {way} {base}"


def point(moment: ir.Moment, name: Namer) -> str:
    """A moment as the time of a step: '**8 weeks** prior to the start of the fiscal quarter',
    'on the first day of the quarter', 'at the start of the quarter's first week'."""
    if moment.calendar is not None:
        return f"at the start of {period(moment, name)}"
    if moment.offset_days or moment.offset_months:
        return _offset(moment, name)
    if moment.anchor == "item":
        return f"at the same time as {name(moment.item)}"
    if moment.anchor == "item-end":
        return f"at the end of {name(moment.item)}"
    return _POINTS[moment.anchor]


def noun(moment: ir.Moment, name: Namer, closing: bool = False) -> str:
    """A moment as what a window counts from or to: 'the start of the quarter', 'Session 1',
    'the day **4 weeks** prior to the start of the fiscal quarter'. A calendar week or month
    is its first day, or with `closing` (the end of a window) its last."""
    if moment.calendar is not None:
        return f"the {'end' if closing else 'start'} of {period(moment, name)}"
    if moment.offset_days or moment.offset_months:
        return "the day " + _offset(moment, name)
    if moment.anchor == "item":
        return name(moment.item)
    if moment.anchor == "item-end":
        return f"the end of {name(moment.item)}"
    return _NOUNS[moment.anchor]


def _in_meeting(when, name: Namer, where: str) -> str:
    return f"at the first {name(when.meeting)} {where}"


def when(time: ir.When | ir.Recurrence | None, name: Namer, after: tuple[ir.Name, ...] = ()) -> str:
    """The time of an item in words ('' for none); a step only ordered `after` others is
    'after X and Y'."""
    if isinstance(time, ir.At):
        if time.meeting is not None:
            return _in_meeting(time, name, f"on or after {noun(time.moment, name)}")
        return point(time.moment, name)
    if isinstance(time, ir.On):
        return f"on {time.date.isoformat()}" if time.date else "on a date that does not exist"
    if isinstance(time, ir.Within):
        return f"within {bold(length(time.months, time.days))} after {noun(time.after, name)}"
    if isinstance(time, ir.During):
        where = f"during {period(time.period, name)}" if time.period.calendar else \
            f"during {noun(time.period, name)}"
        return _in_meeting(time, name, where) if time.meeting is not None else where
    if isinstance(time, ir.Between):
        where = _between(time, name)
        return _in_meeting(time, name, where) if time.meeting is not None else where
    if isinstance(time, ir.Following):
        return "after " + joined([name(n) for n in after])
    if isinstance(time, ir.Ongoing):
        return "on an ongoing basis"
    if isinstance(time, ir.Recurrence):
        return recurrence(time.every, time.unit, time.on, time.start, time.until, name)
    return ""


def _between(time: ir.Between, name: Namer) -> str:
    """'from **4 weeks** to **3 weeks** prior to the start of the fiscal quarter' when both
    count in days the same way from the same part of the quarter; 'from A to B' otherwise."""
    first, last = time.first, time.last
    plain = all(m.calendar is None and not m.offset_months and m.anchor in _BASES for m in (first, last))
    if plain and first.anchor == last.anchor and first.offset_days * last.offset_days > 0:
        way = "after" if first.offset_days > 0 else "prior to"
        return f"from {bold(length(0, first.offset_days))} to {bold(length(0, last.offset_days))} {way} " \
            + _BASES[first.anchor]
    return f"from {noun(first, name)} to {noun(last, name, closing=True)}"


def recurrence(every: int, unit: str, on: ir.RecurOn | None, start: ir.Moment | None, until: ir.Moment | None,
               name: Namer) -> str:
    """'**every 2 weeks** on Monday from the start of the quarter until the end of the quarter'."""
    words = bold(f"every {unit}" if every == 1 else f"every {counted(every, unit)}")
    if on is not None and on.weekday is not None and on.nth is not None:
        nth = "last" if on.nth == -1 else _ORDINALS.get(on.nth, f"{on.nth}th")
        words += f" on the {nth} {on.weekday.capitalize()} of the month"
    elif on is not None and on.weekday is not None:
        words += f" on {on.weekday.capitalize()}"
    elif on is not None and on.day is not None:
        words += f" on day {on.day}" + (" of the month" if unit == "month" else "")
    if start is not None:
        words += f" from {noun(start, name)}"
    if until is not None:
        words += f" until {noun(until, name, closing=True)}"
    return words


def approval(stages: list[tuple[str, list[str]]]) -> str:
    """One approval line, its stages in order: 'A or B, then C and D' (each stage `any` or
    `all` of its roles, already written as the page shows them)."""
    return ", then ".join(joined(roles, "or" if need == "any" else "and") for need, roles in stages)
