"""`okrdsl compile --to ics`: a process's dates as an iCalendar file (RFC 5545) to import or subscribe to.

Every dated step and meeting is one all-day event: a window (`within 1w after
session1`, `between -4w and -3w`) spans its first day to its due day. Every
cadence and recurring meeting is one event with a repeat rule (RRULE) from its
first occurrence up to the end of its range; where the schedule moves an
occurrence off a weekend (`weekends next-monday`), the day the rule gives is
excluded (EXDATE) and the day it moved to added (RDATE), so the calendar shows
the schedule's days exactly. What has no date (`ongoing`, `after x:`, a
permission) cannot be an event: each is named in a warning (OKR402).

Events are all-day even for a meeting with a `length`: a spec gives no time of
day or time zone, and an invented one would be wrong for most readers; the
length is in the description.

An event's UID is `QUARTER.FILE.ITEM@okrdsl` (see `uid`), the same on every run,
so importing the file again updates events instead of doubling them; DTSTAMP is
`--stamp` or the quarter's first day at 00:00:00Z. The `icalendar` library
writes the file (escaping, line folding, CRLF) and is imported only here.
"""

from __future__ import annotations

import datetime
import re
from pathlib import PurePath

from okrdsl import ir
from okrdsl.diagnostics import Diagnostic, UsageProblem
from okrdsl.emit import Emitted, Options, not_shown
from okrdsl.emit.agenda import minutes_text
from okrdsl.link import Linked
from okrdsl.schedule import Rule
from okrdsl.source import Span

_FREQUENCIES = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}
_WEEKDAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
             "saturday": "SA", "sunday": "SU"}
_ONE_DAY = datetime.timedelta(days=1)
# TEXT in iCalendar may hold no control character but a tab (RFC 5545 3.3.11); a newline is
# escaped. A lone surrogate (a byte of a file name that is not UTF-8) cannot be written either.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_UID_SAFE = re.compile(r"[^A-Za-z0-9_\-]")


def to_ics(linked: Linked, options: Options) -> Emitted:
    """The calendar of a linked spec; a UsageProblem when it has a process but no quarter."""
    import icalendar

    import okrdsl

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//okrdsl//okrdsl {okrdsl.__version__}//EN")
    calendar.add("version", "2.0")
    schedule = linked.schedule
    spec = linked.spec
    if schedule is None:
        if spec.process is not None:
            raise UsageProblem(f"ics needs a quarter: {spec.path} names none; give --quarter (such as FY23-Q3)")
        return Emitted(_text(calendar), tuple(_okr_sets(spec)) or (not_shown(
            Span(spec.path, 1, 1, 1, 1), "this spec has no process, so its calendar has no events",
            "compile the spec that holds the process (`process \"...\" for FY23-Q3`)"),))
    calendar.add("x-wr-calname", icalendar.vText(_clean(f"{schedule.title} ({schedule.name})")))
    stamp = options.stamp or datetime.datetime.combine(schedule.start, datetime.time(), datetime.timezone.utc)
    diagnostics: list[Diagnostic] = []
    for phase in spec.phases:
        for item in phase.items:
            event = _event(linked, phase, item, stamp)
            if isinstance(event, Diagnostic):
                diagnostics.append(event)
            else:
                calendar.add_component(event)
    diagnostics.extend(_okr_sets(spec))
    return Emitted(_text(calendar), tuple(diagnostics))


def _okr_sets(spec: ir.Spec):
    for okr_set in spec.okr_sets:
        yield not_shown(okr_set.span, "an OKR set has no dates, so it is not in the calendar",
                        "compile it --to gitlab-issue for a task per key result, or --to json")


def uid(quarter: str, path: str, key: str) -> str:
    """An event's UID: the quarter, the spec's file name without `.okrp`, and the item's id,
    joined by dots, before `@okrdsl`: `fy23-q3.fy23-q3.session1@okrdsl`. Each part is
    lower-cased (the quarter) or kept as written (the others), with every character but
    ASCII letters, digits, `-` and `_` written as `%` and its UTF-8 bytes in hex (`/` is
    `%2F`, `.` is `%2E`), so that two different items never share a UID."""
    parts = (quarter.lower(), PurePath(path).name.removesuffix(".okrp"), key)
    return ".".join(_UID_SAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode("utf-8", "surrogatepass")),
                                  part) for part in parts) + "@okrdsl"


def _event(linked: Linked, phase: ir.Phase, item: ir.Item, stamp: datetime.datetime):
    """The event of an item, or the warning that says why it has none."""
    import icalendar

    if isinstance(item, ir.Permission):
        return not_shown(item.span, "a permission has no date, so it is not in the calendar")
    rule = linked.rule(item)
    entries = linked.entries(item)
    first = rule.days[0] if rule is not None else entries[0].date if entries else None
    if first is None:
        return _undated(linked, item)
    event = icalendar.Event()
    event.add("uid", uid(linked.schedule.name, linked.spec.path, item.key))
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    if rule is not None:
        event.add("dtend", first + _ONE_DAY)
        event.add("rrule", _rrule(rule))
        scheduled = {entry.date for entry in entries}
        # VALUE=DATE said outright: icalendar before 7.0 leaves it off an RDATE of days.
        if excluded := sorted(set(rule.days) - scheduled):
            event.add("exdate", excluded, parameters={"VALUE": "DATE"})
        if added := sorted(scheduled - set(rule.days)):
            event.add("rdate", added, parameters={"VALUE": "DATE"})
    else:
        event.add("dtend", max(entries[0].due or first, first) + _ONE_DAY)
    event.add("summary", _clean(_summary(linked, item)))
    event.add("description", _clean(_description(linked, item)))
    event.add("categories", [_clean(phase.title)])
    links = linked.links(item)
    if links:
        event.add("url", links[0].url)
    return event


def _rrule(rule: Rule) -> dict:
    """The RRULE of a recurrence, which gives exactly `rule.days` from the first of them.

    A day of the month past the 28th falls on a shorter month's last day (okrdsl.recur):
    `on day 31` is BYMONTHDAY=-1, `on day 30` the last of days 28 to 30 (BYSETPOS=-1)."""
    parts: dict = {"freq": _FREQUENCIES[rule.unit]}
    if rule.every != 1:
        parts["interval"] = rule.every
    on = rule.on
    if on is not None and on.weekday is not None:
        parts["byday"] = (str(on.nth) if on.nth is not None else "") + _WEEKDAYS[on.weekday]
    elif rule.unit == "month":
        day = on.day if on is not None and on.day is not None else rule.days[0].day
        if day == 31:
            parts["bymonthday"] = -1
        elif day > 28:
            parts["bymonthday"] = list(range(28, day + 1))
            parts["bysetpos"] = -1
        elif on is not None:
            parts["bymonthday"] = day
    parts["until"] = rule.until
    return parts


def _undated(linked: Linked, item: ir.Item) -> Diagnostic:
    """The warning for an item with no date: why it has none, and what would give it one."""
    when = ir.time_of(item)
    kind = "a meeting" if isinstance(item, ir.Meeting) else "a cadence" if isinstance(item, ir.Cadence) else "a step"
    if isinstance(when, ir.Ongoing):
        return not_shown(item.span, f"{kind} that is ongoing has no date, so it is not in the calendar")
    if isinstance(when, ir.Following):
        return not_shown(item.span, f"{kind} placed only {linked.written(item)} has no date of its own, "
                                    "so it is not in the calendar",
                         "give it a time as well (`at -2w after x:`) to put it in the calendar")
    why = "has no time" if when is None and not isinstance(item, ir.Cadence) \
        else f"has no date in {linked.schedule.name}"
    return not_shown(item.span, f"{kind} that {why} is not in the calendar",
                     "give it a time (`at -2w`, `within 1w after x`) to put it in the calendar")


def who(linked: Linked, names) -> str:
    """Role titles: "VP of Product and Chief Technology Officer"."""
    titles = [linked.title(name) for name in names]
    return ", ".join(titles[:-1]) + " and " + titles[-1] if len(titles) > 1 else "".join(titles)


def _summary(linked: Linked, item: ir.Item) -> str:
    if isinstance(item, ir.Meeting):
        return item.title
    actors = who(linked, item.actors)
    return f"{actors}: {item.text.value}" if actors else item.text.value


def _description(linked: Linked, item: ir.Item) -> str:
    """Who, what and when; then sub-steps, notes and links, each in a block of its own."""
    lines = []
    if isinstance(item, ir.Meeting):
        lines.append(f"Meeting: {item.title}")
        if item.goal is not None:
            lines.append(f"Goal: {item.goal.value}")
        if item.scheduled_by:
            lines.append(f"Scheduled by: {who(linked, item.scheduled_by)}")
        if item.attendees:
            lines.append(f"Attendees: {who(linked, item.attendees)}")
        if item.length_minutes:
            lines.append(f"Length: {minutes_text(item.length_minutes)}")
        if item.fallback is not None:
            lines.append("Fallback: " + next(_tasks(linked, (item.fallback,)))[2:])
    else:
        if item.actors:
            lines.append(f"Who: {who(linked, item.actors)}")
        lines.append(f"What: {item.text.value}")
        if item.led_by:
            lines.append(f"Led by: {who(linked, item.led_by)}")
    lines.append(f"When: {linked.written(item)}")
    tasks = list(_tasks(linked, item.tasks if isinstance(item, (ir.Step, ir.Cadence)) else ()))
    if tasks:
        lines += ["", "Steps:"] + tasks
    if item.notes:
        lines += ["", "Notes:"] + [f"- {note.value}" for note in item.notes]
    links = linked.links(item)
    if links:
        lines += ["", "Links:"] + [f"- {link.title}: {link.url}" if link.title else f"- {link.url}" for link in links]
    return "\n".join(lines)


def _tasks(linked: Linked, tasks, depth: int = 0):
    indent = "  " * depth
    for task in tasks:
        actors = who(linked, task.actors)
        led = f" (led by {who(linked, task.led_by)})" if task.led_by else ""
        yield f"{indent}- {actors + ': ' if actors else ''}{task.text.value}{led}"
        yield from (f"{indent}  - note: {note.value}" for note in task.notes)
        yield from _tasks(linked, task.tasks, depth + 1)


def _clean(text: str) -> str:
    """Text without the characters iCalendar cannot hold (each becomes U+FFFD)."""
    return _CONTROLS.sub("\ufffd", text)


def _text(calendar) -> str:
    """The calendar as text, its long lines folded by `folded`, not by the icalendar version
    installed, so that the same spec gives the same bytes on every machine."""
    lines = re.sub(r"\r\n[ \t]", "", calendar.to_ical().decode("utf-8")).split("\r\n")
    return "\r\n".join(folded(line) for line in lines)


def folded(line: str, octets: int = 75) -> str:
    """A content line folded as RFC 5545 says: at most 75 octets a line, each further line
    starting with a space, never inside a character's UTF-8 bytes."""
    parts, current, size = [], "", 0
    for char in line:
        length = len(char.encode("utf-8"))
        if size + length > octets:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += length
    return "\r\n".join(parts + [current])
