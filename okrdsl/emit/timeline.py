"""`okrdsl compile --to html`: one self-contained page with the quarter's timeline and the OKRs.

The page is one HTML5 document with inline CSS and inline SVG: no script, no font, no
image, nothing it fetches. It holds, for a process:

- the timeline (an SVG): weeks along the top, labelled with the date each week starts;
  the quarter shaded, with lines at its first day and after its last; a lane per phase;
  each dated entry a mark (class `mark`): a bar from the earliest day to the due day for
  a window, a dot for a step on one day, a diamond for a meeting; each occurrence of a
  cadence or recurring meeting a mark of its own. Each mark has its number from the table
  beside it and hover text (`<title>`): date, time as written, who (role titles), what.
  With `--today`, a line on today (class `today`);
- the same entries as a table, for screen readers and for print;
- "Not on the timeline": what has no date (ongoing, permissions, after-only), so nothing
  is dropped;

and, for each OKR set, its tree of levels, objectives and key results with owners (role
titles), progress, score, band and health (coloured), rolled up as `okrdsl status` does.
Every text from the spec goes through `html.escape`, in text and in quoted attributes.
"""

from __future__ import annotations

import datetime
import html

from okrdsl import ir
from okrdsl.emit import Emitted, Options, wording
from okrdsl.emit.agenda import minutes_text
from okrdsl.emit.markdown import safe_url
from okrdsl.emit.status import percent, tree
from okrdsl.link import Linked
from okrdsl.schedule import Entry, Schedule, actors_of, text_of
from okrdsl.scoring import Scoring

DAY = 8  # pixels per day along the timeline
ROW = 20  # pixels per row of marks
AXIS = 40  # the week labels above the lanes
LANE_TITLE = 22  # a lane's title above its marks
FOOT = 24  # the quarter's labels below the lanes
MARGIN = 12
TODAY_REACH = 92  # a --today at most this many days outside the drawn weeks widens them; further, it is noted
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def escaped(text: object) -> str:
    """Text for HTML: in an element or a quoted attribute value."""
    return html.escape(str(text), quote=True)


def to_html(linked: Linked, options: Options) -> Emitted:
    spec = linked.spec
    schedule = linked.schedule
    title = _page_title(linked)
    body = [f"<h1>{escaped(title)}</h1>"]
    if schedule is not None:
        body.append(f'<p class="period">{escaped(schedule.name)}: {schedule.start.isoformat()} to '
                    f"{schedule.end.isoformat()}" + (f", today {options.today.isoformat()}" if options.today else "")
                    + "</p>")
        body.extend(_timeline_section(linked, schedule, options.today))
    elif spec.process is not None:
        body.append('<p class="period">No quarter is known, so nothing is dated: name one in the process '
                    "(<code>process \"...\" for FY23-Q3</code>) or compile with <code>--quarter</code>.</p>")
        body.extend(_unscheduled(linked))
    for okr_set in spec.okr_sets:
        body.extend(_okr_section(okr_set, linked))
    if spec.process is None and not spec.okr_sets:
        body.append("<p>This file has no process and no OKR set: there is nothing to draw.</p>")
    return Emitted(PAGE.format(title=escaped(title), style=STYLE, body="\n".join(body)))


def _page_title(linked: Linked) -> str:
    spec = linked.spec
    if spec.process is not None:
        quarter = linked.schedule.name if linked.schedule is not None else None
        return spec.process.title + (f" ({quarter})" if quarter else "")
    quarters = [str(s.quarter) for s in spec.okr_sets if s.quarter is not None]
    if spec.okr_sets:
        return "OKRs" + (f" for {', '.join(quarters)}" if quarters else "")
    return spec.path


# --- the timeline -------------------------------------------------------------------------------


def _timeline_section(linked: Linked, schedule: Schedule, today: datetime.date | None) -> list[str]:
    dated = [e for e in schedule.entries if e.date is not None]
    undated = [e for e in schedule.entries if e.date is None]
    numbers = {id(entry): number for number, entry in enumerate(dated, 1)}
    phases = {phase.id.value: phase.title for phase in linked.spec.phases}
    out = ['<section id="timeline">', "<h2>Timeline</h2>"]
    if dated:
        svg, note = _svg(linked, schedule, dated, numbers, phases, today)
        out += ['<figure class="chart">', svg, LEGEND, "</figure>"]
        if note:
            out.append(f'<p class="note">{escaped(note)}</p>')
    else:
        out.append("<p>Nothing in this spec has a date in this quarter.</p>")
    out.append("</section>")
    if dated:
        out += ['<section id="schedule">', "<h2>Schedule</h2>", '<table class="entries">',
                "<thead><tr><th>#</th><th>Date</th><th>When</th><th>Phase</th><th>Who</th><th>What</th></tr></thead>",
                "<tbody>"]
        for entry in dated:
            out.append(f"<tr><td>{numbers[id(entry)]}</td><td class=\"date\">{_dates(entry)}</td><td>{escaped(entry.written)}</td>"
                       f"<td>{escaped(phases.get(entry.phase, entry.phase))}</td><td>{escaped(_who(entry, linked))}</td>"
                       f"<td>{escaped(_what(entry))}{_details(linked, entry)}</td></tr>")
        out += ["</tbody>", "</table>", "</section>"]
    if undated:
        out += _not_on_timeline([(phases.get(e.phase, e.phase), _who(e, linked), escaped(_what(e)) + _details(linked, e),
                                  _why(e)) for e in undated])
    return out


def _unscheduled(linked: Linked) -> list[str]:
    """Every item of a process that no quarter dates."""
    return _not_on_timeline([(phase.title, ", ".join(linked.title(a) for a in actors_of(item)), escaped(text_of(item)),
                              "no quarter")
                             for phase in linked.spec.phases for item in phase.items])


def _not_on_timeline(rows) -> list[str]:
    """The undated items' table; each row is (phase, who, what as HTML already escaped, why)."""
    out = ['<section id="undated">', "<h2>Not on the timeline</h2>", '<table class="entries">',
           "<thead><tr><th>Phase</th><th>Who</th><th>What</th><th>Why it has no date</th></tr></thead>", "<tbody>"]
    out += [f"<tr><td>{escaped(phase)}</td><td>{escaped(who)}</td><td>{what}</td><td>{escaped(why)}</td></tr>"
            for phase, who, what, why in rows]
    return out + ["</tbody>", "</table>", "</section>"]


def _svg(linked: Linked, schedule: Schedule, dated: list[Entry], numbers: dict, phases: dict,
         today: datetime.date | None) -> tuple[str, str | None]:
    """The timeline's SVG, and a note when `today` is too far off to draw."""
    first = min([schedule.start] + [e.date for e in dated])
    last = max([schedule.end] + [e.due or e.date for e in dated])
    note = None
    if today is not None:
        if first - datetime.timedelta(days=TODAY_REACH) <= today <= last + datetime.timedelta(days=TODAY_REACH):
            first, last = min(first, today), max(last, today)
        else:
            note = f"Today ({today.isoformat()}) is too far from these dates to draw."
            today = None
    week_start = _WEEKDAYS.index(linked.spec.process.weeks_start) if linked.spec.process else 0
    begin = first - datetime.timedelta(days=(first.weekday() - week_start) % 7)
    finish = last + datetime.timedelta(days=6 - (last.weekday() - week_start) % 7)
    days = (finish - begin).days + 1
    width = 2 * MARGIN + days * DAY

    def x(day: datetime.date) -> int:
        return MARGIN + (day - begin).days * DAY

    lanes: dict[str, list[Entry]] = {}
    for entry in dated:
        lanes.setdefault(entry.phase, []).append(entry)
    backgrounds, parts, y = [], [], AXIS
    for index, (phase, entries) in enumerate(lanes.items()):
        rows = _rows(entries, numbers, x)
        height = LANE_TITLE + ROW * max(rows.values(), default=0) + ROW + 4
        backgrounds.append(f'<rect class="lane-bg{" odd" if index % 2 else ""}" x="0" y="{y}" width="{width}" '
                           f'height="{height}"/>')
        parts.append(f'<g class="lane" data-phase="{escaped(phase)}">')
        parts.append(f'<text class="lane-title" x="{MARGIN}" y="{y + 15}">{escaped(phases.get(phase, phase))}</text>')
        for entry in entries:
            parts.append(_mark(entry, numbers[id(entry)], x, y + LANE_TITLE + ROW * rows[id(entry)] + ROW // 2, linked))
        parts.append("</g>")
        y += height
    bottom = y
    grid = []
    day = begin
    while day <= finish:
        grid.append(f'<g class="week" data-date="{day.isoformat()}"><line x1="{x(day)}" y1="{AXIS - 8}" '
                    f'x2="{x(day)}" y2="{bottom}"/><text x="{x(day) + 3}" y="{AXIS - 12}">{day.day} {day:%b}</text>'
                    + (f'<text class="year" x="{x(day) + 3}" y="{AXIS - 26}">{day.year}</text>'
                       if day == begin or day.year != (day - datetime.timedelta(days=7)).year else "") + "</g>")
        day += datetime.timedelta(days=7)
    end_x = x(schedule.end) + DAY
    quarter = [
        f'<rect class="quarter" x="{x(schedule.start)}" y="{AXIS}" width="{end_x - x(schedule.start)}" '
        f'height="{bottom - AXIS}"/>',
        f'<line class="quarter-start" data-date="{schedule.start.isoformat()}" x1="{x(schedule.start)}" '
        f'y1="{AXIS - 8}" x2="{x(schedule.start)}" y2="{bottom + 6}"/>',
        f'<line class="quarter-end" data-date="{schedule.end.isoformat()}" x1="{end_x}" y1="{AXIS - 8}" '
        f'x2="{end_x}" y2="{bottom + 6}"/>',
        f'<text class="quarter-label" x="{x(schedule.start) + 3}" y="{bottom + 17}">{escaped(schedule.name)} '
        f"starts {schedule.start.isoformat()}</text>",
        f'<text class="quarter-label" text-anchor="end" x="{end_x - 3}" y="{bottom + 17}">ends '
        f"{schedule.end.isoformat()}</text>",
    ]
    if today is not None:
        middle = x(today) + DAY // 2
        parts.append(f'<line class="today" data-date="{today.isoformat()}" x1="{middle}" y1="{AXIS - 8}" '
                       f'x2="{middle}" y2="{bottom + 6}"><title>today, {today.isoformat()}</title></line>')
    height = bottom + FOOT
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-title" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" data-start="{begin.isoformat()}" data-day-width="{DAY}">'
           f'\n<title id="timeline-title">{escaped(schedule.title)}: {escaped(schedule.name)}, week by week</title>\n'
           + "\n".join(backgrounds + grid + quarter + parts) + "\n</svg>")
    return svg, note


def _rows(entries: list[Entry], numbers: dict, x) -> dict[int, int]:
    """A row for each mark of a lane, the first where it overlaps no mark (with its number) before it."""
    ends: list[int] = []
    rows = {}
    for entry in sorted(entries, key=lambda e: (e.date, numbers[id(e)])):
        left = x(entry.date)
        right = x((entry.due or entry.date) + datetime.timedelta(days=1)) + 4 + 7 * len(str(numbers[id(entry)]))
        row = next((r for r, end in enumerate(ends) if end + 2 <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows[id(entry)] = row
    return rows


def _mark(entry: Entry, number: int, x, middle: int, linked: Linked) -> str:
    left = x(entry.date)
    centre = left + DAY // 2
    window = entry.due is not None and entry.due != entry.date
    kind = entry.kind + (" window" if window else "") + (" occurrence" if entry.occurrence else "")
    if window:
        right = x(entry.due) + DAY
        shape = f'<rect x="{left}" y="{middle - 6}" width="{right - left}" height="12" rx="3"/>'
    elif isinstance(entry.item, ir.Meeting):
        right = centre + 7
        shape = f'<polygon points="{centre},{middle - 7} {right},{middle} {centre},{middle + 7} {centre - 7},{middle}"/>'
    else:
        right = centre + 5
        shape = f'<circle cx="{centre}" cy="{middle}" r="5"/>'
    hover = "\n".join([f"#{number}: {_dates(entry)}", entry.written, _who(entry, linked), _what(entry)])
    due = f' data-due="{entry.due.isoformat()}"' if entry.due else ""
    return (f'<g class="mark {kind}" data-date="{entry.date.isoformat()}"{due}><title>{escaped(hover)}</title>'
            f'{shape}<text x="{right + 3}" y="{middle + 4}">{number}</text></g>')


def _dates(entry: Entry) -> str:
    first = f"{entry.date.isoformat()} ({entry.date:%a})"
    if entry.due is None or entry.due == entry.date:
        return first
    return f"{first} to {entry.due.isoformat()} ({entry.due:%a})"


def _who(entry: Entry, linked: Linked) -> str:
    return ", ".join(linked.title(actor) for actor in entry.actors)


def _what(entry: Entry) -> str:
    return entry.text + (f" ({minutes_text(entry.length_minutes)})" if entry.length_minutes else "")


def _details(linked: Linked, entry: Entry) -> str:
    """What an item says besides its text, under it in the table: its sub-steps, who leads
    it, a meeting's goal, attendees and fallback, a permission's approvals, its notes and
    its links. Shown once, on the first occurrence of a recurring item."""
    item = entry.item
    if entry.occurrence not in (None, 1):
        return ""
    lines: list[str] = []
    if isinstance(item, (ir.Step, ir.Cadence)):
        lines += [escaped(line) for line in _tasks(linked, item.tasks)]
        if item.led_by:
            lines.append("Led by " + escaped(", ".join(linked.title(n) for n in item.led_by)))
    if isinstance(item, ir.Meeting):
        if item.goal is not None:
            lines.append("Goal: " + escaped(item.goal.value))
        if item.attendees:
            lines.append("Attendees: " + escaped(", ".join(linked.title(n) for n in item.attendees)))
        if item.fallback is not None:
            lines.append("Fallback: " + escaped(next(_tasks(linked, (item.fallback,)))))
    if isinstance(item, ir.Permission):
        lines += ["With approval from " + escaped(wording.approval(
            [(stage.need, [linked.title(n) for n in stage.roles]) for stage in approval.stages]))
            for approval in item.approvals]
    lines += ["Note: " + escaped(note.value) for note in item.notes]
    lines += [_anchor(link.title or link.url, link.url) for link in linked.links(item)]
    return f'<ul class="details">{"".join(f"<li>{line}</li>" for line in lines)}</ul>' if lines else ""


def _tasks(linked: Linked, tasks, depth: int = 0):
    """Each sub-step as a line, "Who: what", the ones under it indented by a dash."""
    pending = [(task, depth) for task in reversed(tasks)]
    while pending:
        task, level = pending.pop()
        who = ", ".join(linked.title(n) for n in task.actors)
        yield "– " * level + (f"{who}: " if who else "") + task.text.value
        pending.extend((child, level + 1) for child in reversed(task.tasks))


def _anchor(text: str, url: str) -> str:
    """A link that only an http, https or mailto address makes; any other is shown as text."""
    if safe_url(url) is None:
        return escaped(f"{text} ({url})")
    return f'<a href="{escaped(url)}">{escaped(text)}</a>'


def _why(entry: Entry) -> str:
    if isinstance(entry.item, ir.Permission):
        return "a permission"
    if entry.written == "ongoing":
        return "ongoing"
    if entry.after:
        return f"after {', '.join(entry.after)}, which has no date"
    return "no date could be worked out"


# --- the OKR tree -------------------------------------------------------------------------------


def _okr_section(okr_set: ir.OkrSet, linked: Linked) -> list[str]:
    rules: Scoring = linked.scoring
    quarter = f", {okr_set.quarter}" if okr_set.quarter else ""
    out = ['<section class="okrs">', f"<h2>Objectives and key results{escaped(quarter)}</h2>",
           f"<p>Scores roll up as the {escaped(rules.rollup)}, health as the worst of what is under it.</p>"]
    levels = tree(okr_set, rules)
    if not levels:
        return out + ["<p>This OKR set has no objectives.</p>", "</section>"]
    out += ['<table class="okr-tree">', "<thead><tr><th>OKR</th><th>Title</th><th>Owners</th><th>Progress</th>"
            "<th>Score</th><th>Band</th><th>Health</th></tr></thead>", "<tbody>"]
    for level in levels:
        out.append(_okr_row(level, 0, rules, linked))
        for objective in level.children:
            out.append(_okr_row(objective, 1, rules, linked))
            out.extend(_okr_row(key_result, 2, rules, linked) for key_result in objective.children)
    return out + ["</tbody>", "</table>", "</section>"]


def _okr_row(node, depth: int, rules: Scoring, linked: Linked) -> str:
    status = node.status
    tone = rules.tone(status.health)
    owners = ", ".join(linked.title(owner) for owner in node.owners) + (" (inherited)" if node.owners_inherited else "")
    links = "".join(f' <a href="{escaped(link.url)}">{escaped(link.title or "link")}</a>'
                    for link in (node.node.links if isinstance(node.node, (ir.Objective, ir.KeyResult)) else ())
                    if link.url.startswith(("https://", "http://")))
    progress = ""
    if status.progress is not None:
        filled = max(0.0, min(100.0, status.progress))
        progress = f'<span class="meter"><span style="width: {filled:g}%"></span></span> {percent(status.progress)}'
    health = f'<span class="health {tone or "none"}">{escaped(status.health)}</span>' if status.health else ""
    label = node.id if node.kind != "level" else f"{node.id} level"
    return (f'<tr class="{node.kind.replace(" ", "-")} {tone or "none"}"><td class="depth-{depth}">{escaped(label)}</td>'
            f"<td>{escaped(node.title)}{links}</td><td>{escaped(owners)}</td><td>{progress}</td>"
            f'<td>{percent(status.score)}</td><td class="band">{escaped(status.band or "")}</td><td>{health}</td></tr>')


LEGEND = """<figcaption>
<ul class="legend">
<li><svg width="16" height="16" aria-hidden="true"><circle class="step" cx="8" cy="8" r="5"/></svg> a step on one day</li>
<li><svg width="28" height="16" aria-hidden="true"><rect class="window" x="1" y="2" width="26" height="12" rx="3"/></svg> a window, from the earliest day to the due day</li>
<li><svg width="16" height="16" aria-hidden="true"><polygon class="meeting" points="8,1 15,8 8,15 1,8"/></svg> a meeting</li>
<li><svg width="16" height="16" aria-hidden="true"><circle class="cadence" cx="8" cy="8" r="5"/></svg> a cadence, each time it comes round</li>
<li>The number beside a mark is its row in the schedule below; hover over a mark for its details.</li>
</ul>
</figcaption>"""

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; margin: 0; }
main { padding: 16px 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 24px 0 8px; }
.period, .note { color: #57606a; margin: 0 0 12px; }
figure.chart { margin: 0; }
figure.chart > svg { max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #1f2328; }
.week line { stroke: #d0d7de; stroke-width: 1; }
.week text { fill: #57606a; }
.week text.year { font-weight: 600; fill: #1f2328; }
.lane-bg { fill: #ffffff; }
.lane-bg.odd { fill: #f6f8fa; }
.lane-title { font-size: 12px; font-weight: 600; }
.quarter { fill: #0969da; fill-opacity: 0.06; }
.quarter-start, .quarter-end { stroke: #0a3069; stroke-width: 2; stroke-dasharray: 6 3; }
.quarter-label { fill: #0a3069; font-weight: 600; }
.today { stroke: #cf222e; stroke-width: 2; }
.mark text { font-size: 10px; fill: #57606a; }
.mark.step > circle, .legend .step { fill: #0969da; }
.mark.window > rect, .legend .window { fill: #54aeff; stroke: #0969da; }
.mark.meeting > polygon, .legend .meeting { fill: #bc4c00; }
.mark.meeting.window > rect { fill: #fb8f44; stroke: #bc4c00; }
.mark.cadence > circle, .legend .cadence { fill: #1a7f37; }
ul.legend { list-style: none; padding: 0; margin: 8px 0; color: #57606a; font-size: 0.9rem; }
ul.legend li { display: inline-flex; align-items: center; gap: 6px; margin-right: 18px; }
ul.legend svg { vertical-align: middle; }
ul.details { margin: 4px 0 0; padding-left: 18px; color: #57606a; font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #d0d7de; }
th { background: #f6f8fa; }
td.date, td.band { white-space: nowrap; }
td.depth-1 { padding-left: 24px; }
td.depth-2 { padding-left: 40px; }
tr.level td { font-weight: 600; background: #f6f8fa; }
tr.good td:first-child { border-left: 4px solid #1a7f37; }
tr.fair td:first-child { border-left: 4px solid #9a6700; }
tr.poor td:first-child { border-left: 4px solid #cf222e; }
.health { padding: 1px 6px; border-radius: 8px; white-space: nowrap; }
.health.good { background: #dafbe1; color: #116329; }
.health.fair { background: #fff8c5; color: #7d4e00; }
.health.poor { background: #ffebe9; color: #a40e26; }
.meter { display: inline-block; width: 60px; height: 8px; background: #d0d7de; border-radius: 4px; vertical-align: middle; }
.meter span { display: block; height: 8px; background: #0969da; border-radius: 4px; }
footer { color: #57606a; font-size: 0.8rem; margin-top: 24px; }
@media print { figure.chart { overflow: visible; } main { padding: 0; } }
"""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{body}
<footer>Made by <code>okrdsl compile --to html</code>.</footer>
</main>
</body>
</html>
"""
