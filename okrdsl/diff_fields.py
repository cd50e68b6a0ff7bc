"""What `okrdsl diff` compares of each thing (see okrdsl.diff): its fields, each value as
text, so that two sides compare by what they say and every output shows the same words.
An empty value ("" or None) means the field is not written."""

from __future__ import annotations

from okrdsl import ir
from okrdsl.schedule import written_time


def names(names) -> str:
    """Names as written, comma-separated."""
    return ", ".join(str(n) for n in names)


def lines(values) -> str:
    """Values one a line."""
    return "\n".join(values)


def link(link: ir.Link | None) -> str | None:
    """A link as written: `<URL> "title"`."""
    if link is None:
        return None
    return f"<{link.url}>" + (f' "{link.title}"' if link.title else "")


def role_fields(role: ir.Role) -> dict:
    """A role's fields."""
    return {"title": role.title, "aka": names(role.aliases), "handle": role.handle,
            "duties": lines(d.value for d in role.duties)}


def artifact_fields(artifact: ir.Artifact) -> dict:
    """An artifact's fields."""
    return {"kind": artifact.kind, "title": artifact.title, "link": link(artifact.link)}


def process_fields(process: ir.Process) -> dict:
    """The process's fields: one per kind of link, each with every link of that kind."""
    found = {
        "title": process.title,
        "quarter": str(process.quarter) if process.quarter is not None else None,
        "fiscal year": f"starts in month {process.fiscal_year.start_month}, named by {process.fiscal_year.named_by} year",
        "weekends": process.weekends,
        "weeks start": process.weeks_start,
    }
    for kind in ("learnings", "feedback", "video", "link"):
        found[kind] = lines(link(written.link) for written in process.links if written.kind == kind)
    found["intro"] = lines(t.value for t in process.intro)
    found["notes"] = lines(t.value for t in process.notes)
    return found


def phase_fields(phase: ir.Phase) -> dict:
    """A phase's fields (its items are compared on their own)."""
    return {"title": phase.title, "intro": lines(t.value for t in phase.intro),
            "notes": lines(t.value for t in phase.notes)}


def item_fields(phase: str, item: ir.Item, dates: dict[str, str]) -> dict:
    """An item's fields: its phase, id, time and date (from `dates`, by key), who, what, and the rest."""
    found: dict[str, str | None] = {"phase": phase, "id": item.id.value if item.id is not None else None}
    if isinstance(item, ir.Meeting):
        found["title"] = item.title
    found["time"] = time_text(item)
    found["date"] = dates.get(item.key)
    if isinstance(item, ir.Meeting):
        found.update({
            "goal": item.goal.value if item.goal else None,
            "agenda": link(item.agenda),
            "scheduled by": names(item.scheduled_by),
            "attendees": names(item.attendees),
            "length": f"{item.length_minutes} minutes" if item.length_minutes else None,
            "fallback": task_lines(item.fallback) if item.fallback else None,
        })
    else:
        found["actors"] = names(item.actors)
        found["text"] = item.text.value
    if isinstance(item, ir.Permission):
        found["approvals"] = lines(approval_text(approval) for approval in item.approvals)
    else:
        found["led by"] = names(item.led_by) if not isinstance(item, ir.Meeting) else None
        found["after"] = names(ir.after_of(item))
    if isinstance(item, (ir.Step, ir.Cadence)):
        found["tasks"] = lines(line for task in item.tasks for line in task_lines(task).split("\n"))
    found["notes"] = lines(n.value for n in item.notes)
    return found


def time_text(item: ir.Item) -> str | None:
    """An item's time as written, with a cadence's or recurring meeting's range."""
    written = written_time(item)
    ranged = item if isinstance(item, ir.Cadence) else item.when if isinstance(ir.time_of(item), ir.Recurrence) else None
    if ranged is not None:
        written += (f" from {ranged.start.text}" if ranged.start else "") + (f" until {ranged.until.text}" if ranged.until else "")
    return written or None


def task_lines(task: ir.Task, depth: int = 0) -> str:
    """A sub-step as lines, its own sub-steps indented under it."""
    pad = "  " * depth
    head = f"{names(task.actors)} {task.text.value}" if task.actors else f'"{task.text.value}"'
    found = [pad + head]
    found += [f"{pad}  led by {names(task.led_by)}"] if task.led_by else []
    found += [f"{pad}  note: {n.value}" for n in task.notes]
    found += [task_lines(sub, depth + 1) for sub in task.tasks]
    return "\n".join(found)


def approval_text(approval: ir.Approval) -> str:
    """`approval from CEO or CoS, then CTO`."""
    stages = [(" or " if stage.need == "any" else ", ").join(n.value for n in stage.roles) for stage in approval.stages]
    return "approval from " + ", then ".join(stages)
