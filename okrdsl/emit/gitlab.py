"""`okrdsl compile --to gitlab-issue`: the Markdown body of a GitLab planning issue.

Each phase is a heading over a task list, one task per step, meeting and cadence,
in date order when a quarter is known (in the order written otherwise):

    - [ ] 2022-07-04 (-4w) **Product Operations** adds the aligned upon ...
      - [ ] **VP of Product** reviews the proposed OKRs with the @CEO

A role with a handle is named by it (`@gl-product-pm`: GitLab notifies it);
any other by its title in bold. Sub-steps are nested tasks; a meeting is a task
for whoever schedules it; a cadence is one task that lists its dates; a
permission is a plain note. An OKR set is a task per key result under its
objective.

Text from the spec is escaped so that it stays inside its line: Markdown's
punctuation gets a backslash, `&` and `<` cannot start HTML, and a mention
(`@name`) that is not the handle of a declared role is put in a code span, where
GitLab notifies no one (`@all` in a step's text pings nobody).
"""

from __future__ import annotations

import re

from okrdsl import ir
from okrdsl.emit import Emitted, Options, not_shown
from okrdsl.emit.agenda import minutes_text
from okrdsl.link import Linked
from okrdsl.schedule import recurs
from okrdsl.source import Span

# What Markdown (or GitLab's extensions) could read as markup anywhere in a line: emphasis, code,
# links and images, HTML, tables, strikethrough, math; `_` only where it can open or close
# emphasis (not inside a word, as in pm_weekly); `&` where it would start an entity (`&lt;`).
_PUNCTUATION = re.compile(r"[\\`*\[\]<>|~!$]|(?<!\w)_|_(?!\w)|&(?=#?\w+;)")
_MENTION = re.compile(r"(?<![\w@])@[\w][\w.\-/]*(?<![.\-/])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def to_gitlab_issue(linked: Linked, options: Options) -> Emitted:
    """The planning issue's body: the process's phases as task lists, then each OKR set."""
    spec = linked.spec
    blocks = []
    if spec.process is not None:
        blocks.append(_header(linked))
    for phase in spec.phases:
        blocks.append(_phase(linked, phase))
    for okr_set in spec.okr_sets:
        blocks.append(_okr_set(linked, okr_set))
    if not blocks:
        return Emitted("", (not_shown(Span(spec.path, 1, 1, 1, 1), "this spec has no process and no OKR set, "
                                      "so the issue is empty", "compile the spec that holds the process or the OKRs"),))
    return Emitted("\n\n".join(blocks) + "\n")


def _header(linked: Linked) -> str:
    process = linked.spec.process
    schedule = linked.schedule
    lines = [f"# {escape(linked, process.title)}"]
    if schedule is not None:
        lines += ["", f"{schedule.name}: {schedule.start.isoformat()} to {schedule.end.isoformat()}"]
    lines += [""] + [escape(linked, text.value, True) for text in process.intro] if process.intro else []
    links = [f"- {written.kind}: {_link(linked, written.link.title or written.link.url, written.link.url)}"
             for written in process.links]
    links += [f"- {_link(linked, artifact.title, artifact.url)}" for artifact in linked.spec.artifacts if artifact.url]
    if links:
        lines += ["", "Links:", ""] + links
    if process.notes:
        lines += [""] + [f"> {escape(linked, note.value, True)}" for note in process.notes]
    return "\n".join(lines)


def _phase(linked: Linked, phase: ir.Phase) -> str:
    lines = [f"## {escape(linked, phase.title)}"]
    if phase.intro:
        lines += [""] + [escape(linked, text.value, True) for text in phase.intro]
    tasks, notes = [], []
    for item in _in_order(linked, phase):
        (notes if isinstance(item, ir.Permission) else tasks).extend(_item(linked, item))
    if tasks:
        lines += [""] + tasks
    if notes or phase.notes:
        lines += [""] + notes + [f"- Note: {escape(linked, note.value)}" for note in phase.notes]
    return "\n".join(lines)


def _in_order(linked: Linked, phase: ir.Phase) -> list[ir.Item]:
    """A phase's items in the schedule's order (by date), or as written without a quarter."""
    if linked.schedule is None:
        return list(phase.items)
    position = {}
    for index, entry in enumerate(linked.schedule.entries):
        position.setdefault(entry.item.key, index)
    return sorted(phase.items, key=lambda item: position.get(item.key, len(position)))


def _item(linked: Linked, item: ir.Item) -> list[str]:
    if isinstance(item, ir.Permission):
        approvals = "; then ".join(
            ", then ".join((" or " if stage.need == "any" else " and ").join(who(linked, (name,)) for name in stage.roles)
                           for stage in approval.stages) for approval in item.approvals)
        line = f"- {who(linked, item.actors)} may {escape(linked, item.text.value)}"
        return [line + (f" (approval from {approvals})" if approvals else "")] + _notes(linked, item.notes, 1)
    head = f"- [ ] {_when(linked, item)} "
    if isinstance(item, ir.Meeting):
        actors = who(linked, item.scheduled_by or item.attendees)
        line = head + (actors + " " if actors else "") + f"Meeting: {escape(linked, item.title)}"
        if item.length_minutes:
            line += f" ({minutes_text(item.length_minutes)})"
        if recurs(item):
            line += _dates(linked, item)
        if item.agenda is not None:
            line += f" — {_link(linked, 'agenda', item.agenda.url)}"
        lines = [line]
        if item.goal is not None:
            lines.append(f"  - Goal: {escape(linked, item.goal.value)}")
        if item.attendees:
            lines.append(f"  - Attendees: {who(linked, item.attendees)}")
        if item.fallback is not None:
            lines += _tasks(linked, (item.fallback,), 1, "Fallback: ")
        return lines + _notes(linked, item.notes, 1)
    actors = who(linked, item.actors)
    line = head + (actors + " " if actors else "") + escape(linked, item.text.value)
    if item.led_by:
        line += f" (led by {who(linked, item.led_by)})"
    if recurs(item):
        line += _dates(linked, item)
    return [line] + _tasks(linked, item.tasks, 1) + _notes(linked, item.notes, 1)


def _when(linked: Linked, item: ir.Item) -> str:
    """`2022-07-04 (-4w)`, `2022-06-20 to 2022-06-27 (within 1w after session1)`, or, without
    a quarter or a date, the time alone: `(-4w)`, `(ongoing)`, `(every 2 weeks on Monday)`."""
    written = f"({escape(linked, linked.written(item))})" if linked.written(item) else "(no time)"
    entries = linked.entries(item)
    if recurs(item) or not entries or entries[0].date is None:
        return written
    entry = entries[0]
    due = f" to {entry.due.isoformat()}" if entry.due and entry.due != entry.date else ""
    return f"{entry.date.isoformat()}{due} {written}"


def _dates(linked: Linked, item: ir.Item) -> str:
    days = [entry.date.isoformat() for entry in linked.entries(item) if entry.date is not None]
    return f": {', '.join(days)}" if days else ""


def _tasks(linked: Linked, tasks, depth: int, label: str = "") -> list[str]:
    lines = []
    for task in tasks:
        actors = who(linked, task.actors)
        line = "  " * depth + f"- [ ] {label}" + (actors + " " if actors else "") + escape(linked, task.text.value)
        if task.led_by:
            line += f" (led by {who(linked, task.led_by)})"
        lines += [line] + _tasks(linked, task.tasks, depth + 1) + _notes(linked, task.notes, depth + 1)
    return lines


def _notes(linked: Linked, notes, depth: int) -> list[str]:
    return ["  " * depth + f"- Note: {escape(linked, note.value)}" for note in notes]


def _okr_set(linked: Linked, okr_set: ir.OkrSet) -> str:
    lines = [f"## OKRs for {okr_set.quarter}" if okr_set.quarter else "## OKRs"]
    for objective in okr_set.objectives:
        owners = f" — {who(linked, objective.owners)}" if objective.owners else ""
        aligns = f" (aligns to {escape(linked, objective.aligns.value)})" if objective.aligns else ""
        lines += ["", f"### {escape(linked, objective.id.value)} {escape(linked, objective.level)}: "
                      f"{escape(linked, objective.title)}{owners}{aligns}", ""]
        for kr in objective.key_results:
            line = f"- [ ] {escape(linked, kr.id.value)} {escape(linked, kr.title)}"
            if kr.owners:
                line += f" — {who(linked, kr.owners)}"
            if kr.target:
                line += f" (target: {escape(linked, kr.target)})"
            standing = [f"progress {kr.progress:g}%" if kr.progress is not None else "",
                        f"score {kr.score:g}%" if kr.score is not None else "",
                        f"health {escape(linked, kr.health)}" if kr.health else ""]
            if any(standing):
                line += " — " + ", ".join(part for part in standing if part)
            lines.append(line)
            lines += [f"  - {_link(linked, link.title or link.url, link.url)}" for link in kr.links]
        if not objective.key_results:
            lines.append("- (no key results)")
    return "\n".join(lines)


def who(linked: Linked, names) -> str:
    """Each role by its handle where it declares one (GitLab notifies it), else its title in
    bold: "@gl-product-pm and **VP of Product**"."""
    shown = []
    for name in names:
        handle = linked.handle(name)
        shown.append(handle if handle and _MENTION.fullmatch(handle) else f"**{escape(linked, linked.title(name))}**")
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


def escape(linked: Linked, text: str, line_start: bool = False) -> str:
    """User text that stays plain text inside one line of a GitLab Markdown list: what could
    be markup after a backslash, line breaks as spaces, and every mention that is not a
    declared role's handle in a code span, where GitLab notifies no one. Text that begins
    a line (`line_start`) has a first `#`, `+`, `-` or `=` escaped too: no heading, no list."""
    handles = linked.handles
    text = _LINE_BREAKS.sub(" ", text)
    pieces, at = [], 0
    for match in _MENTION.finditer(text):
        pieces.append(_plain(text[at:match.start()], line_start and at == 0))
        pieces.append(match[0] if match[0] in handles else f"`{match[0]}`")
        at = match.end()
    pieces.append(_plain(text[at:], line_start and at == 0))
    return "".join(pieces)


def _plain(text: str, first: bool) -> str:
    """Text with a backslash before each character that could be markup, and before a first
    `#`, `+`, `-` or `=` when it begins a line."""
    text = _PUNCTUATION.sub(lambda m: "\\" + m[0], text)
    return "\\" + text if first and text[:1] in ("#", "+", "-", "=") else text


def _link(linked: Linked, title: str, url: str) -> str:
    """A Markdown link whose URL cannot end it early: spaces, brackets and `<>` are percent-encoded."""
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{escape(linked, title)}]({safe})"
