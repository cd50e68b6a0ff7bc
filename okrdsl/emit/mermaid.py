"""`okrdsl compile --to mermaid`: the quarter's schedule as a Mermaid gantt chart.

One `section` per phase (its title), in the order the phases are written, then its dated entries in
schedule order:

- a step (or a cadence's occurrence) on one day is a one-day task: `Label :id, 2022-07-04, 1d`;
- anything with a window (`within`, `during`, `between`) is a task from its earliest day to
  its due day, both days included (the chart says `inclusiveEndDates`);
- a meeting on one day is a milestone: `Label :milestone, id, 2022-07-04, 0d`;
- each occurrence of a cadence or recurring meeting is a task or milestone of its own.

What has no date (`ongoing`, a permission, an item placed only `after` an undated one)
cannot be drawn: each such item is named in a warning (OKR402). A chart needs dates, so
a spec with no process, or no quarter to date it by, is a usage error (UsageProblem).

Labels are a step's actors by role title, then its text ("Product Operations: adds the
OKRs to #planning"), a meeting's title, cut to LABEL_WIDTH characters with "…". Text
that mermaid would read as syntax is written with its entity codes (see `label`), so
the chart shows it as written. Ids come from item keys (see `task_ids`).
"""

from __future__ import annotations

import re

from okrdsl import ir
from okrdsl.diagnostics import UsageProblem
from okrdsl.emit import Emitted, Options, not_shown
from okrdsl.link import Linked
from okrdsl.schedule import Entry

# Labels longer than this (in characters) are cut at a word, with "…" in place of the rest:
# mermaid draws a label on or beside its bar, on one line, however long it is.
LABEL_WIDTH = 80

# Mermaid's gantt syntax reads these inside a label; each is written as the entity code
# mermaid decodes (`#58;` shows a colon), so a label shows the text as written. `:` ends a
# label, `#` starts an entity code, `;` ends one, `%` starts a comment, and `<` `>` could
# be taken for markup by a page that shows the chart.
_ENTITIES = {char: f"#{ord(char)};" for char in ":#;%<>"}
_SPECIAL = re.compile("[:#;%<>]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
# A line that begins with one of these is read as a keyword (case does not matter), or, for
# a date, as a date; such a label gets its first character written as an entity code.
_KEYWORDS = ("gantt", "dateformat", "inclusiveenddates", "topaxis", "axisformat", "tickinterval", "includes",
             "excludes", "todaymarker", "weekday", "weekend", "title", "accdescription", "acctitle", "accdescr",
             "section", "click", "call", "href")
_DATE_START = re.compile(r"\d{4}-\d\d-\d\d")
# Words mermaid reads in a task's data instead of an id (its tags, and `after`).
_RESERVED = {"active", "done", "crit", "milestone", "vert", "after", "until"}


def to_mermaid(linked: Linked, options: Options) -> Emitted:
    schedule = _dated_schedule(linked)
    diagnostics = []
    ids = task_ids(schedule.entries)
    titles = {phase.id.value: phase.title for phase in linked.spec.phases}
    lines = ["gantt", f"    title {label(f'{schedule.title} ({schedule.name})', width=None)}",
             "    dateFormat YYYY-MM-DD", "    inclusiveEndDates"]
    sections: dict[str, list[str]] = {phase.id.value: [] for phase in linked.spec.phases}  # in the order written
    for entry in schedule.entries:
        if entry.date is None:
            continue
        sections.setdefault(entry.phase, []).append(f"    {_task(entry, ids[id(entry)], linked)}")
    for phase, tasks in ((phase, tasks) for phase, tasks in sections.items() if tasks):
        lines.append(f"    section {label(titles.get(phase, phase), width=None)}")
        lines.extend(tasks)
    reported = set()
    for entry in schedule.entries:
        if entry.date is None and entry.item.key not in reported:
            reported.add(entry.item.key)
            diagnostics.append(_undated(entry))
    for okr_set in linked.spec.okr_sets:
        diagnostics.append(not_shown(okr_set.span, "the Mermaid chart does not show the OKR set: a gantt chart "
                                     "shows dates", "compile with --to html for a page with the OKR tree"))
    return Emitted("\n".join(lines) + "\n", tuple(diagnostics))


def _dated_schedule(linked: Linked):
    """The schedule to chart, or a UsageProblem saying why there is none."""
    path = linked.spec.path
    if linked.spec.process is None:
        what = "only an OKR set" if linked.spec.okr_sets else "no process"
        raise UsageProblem(f"{path} has {what}: a Mermaid chart shows a process's dated steps and meetings"
                           + ("; --to html shows the OKR tree" if linked.spec.okr_sets else ""))
    if linked.schedule is None:
        raise UsageProblem(f"mermaid needs dates: {path} names no quarter; give --quarter (FY23-Q3)")
    return linked.schedule


def _task(entry: Entry, task_id: str, linked: Linked) -> str:
    start = entry.date.isoformat()
    if entry.due is not None and entry.due != entry.date:
        data = f"{task_id}, {start}, {entry.due.isoformat()}"
    elif isinstance(entry.item, ir.Meeting):
        data = f"milestone, {task_id}, {start}, 0d"
    else:
        data = f"{task_id}, {start}, 1d"
    return f"{label(_words(entry, linked))} :{data}"


def _words(entry: Entry, linked: Linked) -> str:
    """A meeting's title; anything else's actors by role title, then its text."""
    if isinstance(entry.item, ir.Meeting) or not entry.actors:
        return entry.text
    return f"{', '.join(linked.title(actor) for actor in entry.actors)}: {entry.text}"


def _undated(entry: Entry):
    what = f"{entry.kind} {entry.item.key!r}"
    if isinstance(entry.item, ir.Permission):
        why = "a permission has no date"
    elif entry.written == "ongoing":
        why = "it is ongoing, with no date"
    elif entry.after:
        why = f"it is placed only after {', '.join(entry.after)}, which gives it no date"
    else:
        why = "it has no date"
    return not_shown(entry.item.span, f"the Mermaid chart does not show {what}: {why}",
                     "okrdsl schedule lists it, and --to html shows it under \"Not on the timeline\"")


def label(text: str, width: int | None = LABEL_WIDTH) -> str:
    """Text as mermaid shows it: on one line, spaces collapsed, cut to `width` characters
    with "…", and written so that mermaid reads none of it as syntax: `: # ; % < >` as
    entity codes (`#58;` and so on), and the first character as one too when the text
    begins like a keyword (`click`, `section`...) or a date."""
    text = _SPACE.sub(" ", text).strip()
    if width is not None and len(text) > width:
        text = shortened(text, width)
    escaped = _SPECIAL.sub(lambda m: _ENTITIES[m[0]], text)
    if text.lower().startswith(_KEYWORDS) or _DATE_START.match(text):
        escaped = f"#{ord(text[0])};" + escaped[1:]
    return escaped or "#32;"


def shortened(text: str, width: int) -> str:
    """`text` cut to at most `width` characters, at the last space in its second half if
    there is one, with "…" in place of the rest."""
    cut = text[:width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def task_ids(entries) -> dict[int, str]:
    """A mermaid id for each entry, by `id(entry)`: its key (an occurrence's is the item's
    key, `#`, its number) with each run of characters other than ASCII letters and digits
    written as `_`, then trimmed of `_` (`collaboration/-2w/2` gives `collaboration_2w_2`,
    `running/every-1-month#3` gives `running_every_1_month_3`); `t_` goes before an id that
    would begin with a digit, be empty, or be a word mermaid reads itself (`done`,
    `milestone`...); and `_2`, `_3`... after one already given, so that every id is unique."""
    ids: dict[int, str] = {}
    taken: set[str] = set()
    for entry in entries:
        base = re.sub(r"[^A-Za-z0-9]+", "_", entry.key).strip("_")
        if not base or base[0].isdigit() or base.lower() in _RESERVED:
            base = "t_" + base
        found, number = base, 1
        while found.lower() in taken:
            number += 1
            found = f"{base}_{number}"
        taken.add(found.lower())
        ids[id(entry)] = found
    return ids
