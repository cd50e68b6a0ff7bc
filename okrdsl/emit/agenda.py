"""A schedule as a table for people or as JSON for tools (`okrdsl schedule`)."""

from __future__ import annotations

import datetime

from okrdsl.report.safe import json_text, line_start, shown, width
from okrdsl.schedule import Entry, Schedule

_STATUS_COLOURS = {"overdue": "red", "this week": "yellow", "next week": "cyan"}


def status(entry: Entry, today: datetime.date | None) -> str:
    """"overdue", "this week", "next week" or "" for an entry, seen from `today`."""
    if today is None or entry.date is None:
        return ""
    deadline = entry.due or entry.date
    monday = today - datetime.timedelta(days=today.weekday())
    if deadline < today:
        return "overdue"
    if entry.date < monday + datetime.timedelta(days=7):
        return "this week"
    if entry.date < monday + datetime.timedelta(days=14):
        return "next week"
    return ""


def minutes_text(minutes: int) -> str:
    """'50 min', '1 h', '1 h 30 min'."""
    hours, rest = divmod(minutes, 60)
    return " ".join(([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest else []))


def table(schedule: Schedule, today: datetime.date | None = None, style=lambda text, **_: text) -> str:
    """A chronological agenda: date, weekday, the time as written, phase, who, what.

    The spec's text is `shown` safely, and columns are as wide as their cells are on a terminal.
    """
    header = ["Date", "Day", "When", "Phase", "Who", "What"]
    rows = []
    for entry in schedule.entries:
        what = entry.text + (f" ({minutes_text(entry.length_minutes)})" if entry.length_minutes else "") \
            + (f" (due {entry.due.isoformat()}, {entry.due:%a})" if entry.due else "")
        rows.append([
            entry.date.isoformat() if entry.date else "undated",
            f"{entry.date:%a}" if entry.date else "",
            entry.written,
            entry.phase,
            ", ".join(entry.actors),
            what,
        ])
    marks = [status(entry, today) for entry in schedule.entries]
    if today is not None:
        header.insert(0, "Status")
        rows = [[mark] + row for mark, row in zip(marks, rows)]
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max(width(row[i]) for row in [header] + rows) for i in range(len(header) - 1)]

    def line(cells):
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths)) + "  " + cells[-1]

    lines = [
        line_start(shown(f"{schedule.title}: {schedule.name}, {schedule.start.isoformat()} to {schedule.end.isoformat()}"))
        + (f" (today {today.isoformat()})" if today else ""),
        "",
        style(line(header).rstrip(), bold=True),
    ]
    for mark, row in zip(marks, rows):
        text = line(row).rstrip()
        lines.append(style(text, fg=_STATUS_COLOURS[mark]) if mark else text)
    if not rows:
        lines.append("(nothing to schedule: this spec has no steps, meetings or cadences)")
    return "\n".join(lines)


def to_json(schedule: Schedule, today: datetime.date | None = None, style=None) -> str:
    """{"quarter", "start", "end", "items": [{"id", "kind", "phase", "date", "due", "offset", "after", "actors", "text",
    "length_minutes"}]}.

    `after` lists the ids an item comes after (`at -3w after review`, `after propose:`); for
    an item that is only ordered, with no date of its own, it is what places it in the list.
    """
    items = []
    for entry in schedule.entries:
        item = {
            "id": entry.key,
            "kind": entry.kind,
            "phase": entry.phase,
            "date": entry.date.isoformat() if entry.date else None,
            "due": entry.due.isoformat() if entry.due else None,
            "offset": entry.written,
            "after": list(entry.after),
            "actors": list(entry.actors),
            "text": entry.text,
            "length_minutes": entry.length_minutes,
        }
        if today is not None:
            item["status"] = status(entry, today) or None
        items.append(item)
    data = {
        "title": schedule.title,
        "quarter": schedule.name,
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat(),
        "items": items,
    }
    if today is not None:
        data["today"] = today.isoformat()
    return json_text(data)


# The formats of `okrdsl schedule --format`: each takes the schedule, today (or None) and a style.
FORMATS = {"table": table, "json": to_json}
