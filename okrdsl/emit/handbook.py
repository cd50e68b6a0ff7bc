"""`okrdsl compile --to markdown`: the handbook page a Product Operations team publishes.

The page reads like GitLab's "Previous Quarter OKR Timelines": the process title,
the quarter and its dates, the process links and intro, then one `##` section per
phase with a bullet per step ("**8 weeks** prior to the start of the fiscal quarter
(2022-06-06), Product Leadership Team drafts ..."), sub-steps nested under it,
meetings as numbered lists, permissions with their approvals, and the phase's
notes. Then the spec's own artifacts, roles and OKR sets. Roles are written by their
titles, `@Role` and `#id` in text by the role's title, the artifact's link or the
item's name. Every piece of spec text goes through `markdown.escape`, every URL
through `markdown.link`. The same spec gives the same bytes.
"""

from __future__ import annotations

import datetime

from okrdsl import ir
from okrdsl.build import text_parts
from okrdsl.emit import Emitted, Options, not_shown
from okrdsl.emit import wording
from okrdsl.emit.agenda import minutes_text
from okrdsl.emit.markdown import bold, escape, item, link
from okrdsl.emit.status import Node, percent, tree
from okrdsl.link import Linked
from okrdsl.scoring import Status

_LINK_LEADS = {"learnings": "Incorporates ", "feedback": "Feedback: ", "video": "Video: ", "link": ""}
_LINK_NAMES = {"learnings": "learnings", "feedback": "feedback issue", "video": "video", "link": "link"}


def to_markdown(linked: Linked, options: Options) -> Emitted:
    """The handbook page of a linked spec (`options` changes nothing on it)."""
    page = _Page(linked)
    lines = page.lines()
    text = "\n".join(lines).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return Emitted(text + "\n", tuple(page.diagnostics))


class _Page:
    """The page of one linked spec, written line by line; `diagnostics` holds what it cannot show."""

    def __init__(self, linked: Linked) -> None:
        self.linked = linked
        self.spec = linked.spec
        self.diagnostics = []

    # --- the page ---------------------------------------------------------------------

    def lines(self) -> list[str]:
        spec = self.spec
        okr_only = spec.process is None and not spec.phases and len(spec.okr_sets) == 1
        lines = ["# " + self.title(), ""]
        if spec.process is not None:
            lines += self.process(spec.process)
        for phase in spec.phases:
            lines += self.phase(phase)
        if spec.artifacts:
            lines += ["## Resources", ""] + [f"- {self.artifact_line(a)}" for a in spec.artifacts] + [""]
        if spec.roles:
            lines += ([] if self.title() == "Roles" else ["## Roles", ""]) + self.roles(spec.roles)
        for okr_set in spec.okr_sets:
            lines += self.okr_set(okr_set, heading=not okr_only)
        if spec.policy is not None:
            self.diagnostics.append(not_shown(
                spec.policy.span, "the policy's numbers are not on the Markdown page",
                "okrdsl check enforces them; the score bands and health words are shown with the OKRs"))
        return lines

    def title(self) -> str:
        spec = self.spec
        if spec.process is not None:
            return escape(spec.process.title)
        if spec.okr_sets:
            quarter = spec.okr_sets[0].quarter
            return "OKRs" + (f" for {quarter}" if quarter is not None and len(spec.okr_sets) == 1 else "")
        return "Roles" if spec.roles and not spec.phases else "OKR process"

    def process(self, process: ir.Process) -> list[str]:
        lines = []
        schedule = self.linked.schedule
        if schedule is not None:
            lines += [f"{bold(schedule.name)}: {schedule.start.isoformat()} to {schedule.end.isoformat()}", ""]
        for written in process.links:
            text = written.link.title or _LINK_NAMES[written.kind]
            lead = _LINK_LEADS[written.kind] if written.link.title or written.kind == "link" else ""
            lines.append(f"- {lead}{link(text, written.link.url)}")
        lines.append("")
        lines += self.paragraphs(process.intro)
        lines += self.notes_block(process.notes)
        return lines

    def paragraphs(self, texts) -> list[str]:
        return [line for text in texts for line in (self.text(text), "")]

    def notes_block(self, notes) -> list[str]:
        """Notes under a bold **Notes:**, as the handbook writes them."""
        if not notes:
            return []
        return [bold("Notes:"), ""] + [f"- {self.text(note)}" for note in notes] + [""]

    def phase(self, phase: ir.Phase) -> list[str]:
        lines = ["## " + escape(phase.title), ""]
        lines += self.paragraphs(phase.intro)
        number = 0
        for written in phase.items:
            if isinstance(written, ir.Meeting):
                if not number:
                    lines.append("")  # a numbered list after a bullet list
                number += 1
                lines += item(f"{number}.", *self.meeting(written))
                continue
            if number:
                lines.append("")  # a bullet list after a numbered one
            number = 0
            lines += item("-", *self.work_item(written))
        lines.append("")
        lines += self.notes_block(phase.notes)
        return lines

    # --- items ---------------------------------------------------------------------------

    def work_item(self, written: ir.Item) -> tuple[str, list[str]]:
        """A step, cadence or permission: its sentence, and the lines under it."""
        if isinstance(written, ir.Permission):
            approvals = [wording.approval([(stage.need, [self.role(n) for n in stage.roles]) for stage in a.stages])
                         for a in written.approvals]
            needs = ", with approval from " + "; and with approval from ".join(approvals) if approvals else ""
            first = f"{self.roles_of(written.actors)} may {self.text(written.text)}{needs}"
            return _stop(first), self.notes(written.notes)
        if isinstance(written, ir.Cadence):
            time = wording.recurrence(written.every, written.unit, written.on, written.start, written.until, self.name)
        else:
            time = wording.when(written.when, self.name, written.after)
        time += self.dates(written)
        if ir.after_of(written) and not isinstance(ir.time_of(written), ir.Following):
            time += ", after " + wording.joined([self.name(n) for n in written.after])
        first = f"{wording.sentence(time)}, {self.work(written.actors, written.text)}"
        return _stop(first), self.under(written)

    def under(self, work) -> list[str]:
        """What goes under a step, cadence or task: who leads it, its tasks, its notes."""
        lines = [f"- Led by {self.roles_of(work.led_by)}."] if work.led_by else []
        for task in work.tasks:
            lines += item("-", _stop(self.work(task.actors, task.text)), self.under(task))
        return lines + self.notes(work.notes)

    def notes(self, notes) -> list[str]:
        return [f"- {_stop(self.text(note))}" for note in notes]

    def meeting(self, meeting: ir.Meeting) -> tuple[str, list[str]]:
        time = wording.when(meeting.when, self.name, meeting.after) + self.dates(meeting)
        if meeting.after and not isinstance(meeting.when, ir.Following):
            time += (", " if time else "") + "after " + wording.joined([self.name(n) for n in meeting.after])
        first = escape(meeting.title) + (f", {time}" if time else "")
        lines = []
        if meeting.goal is not None:
            lines.append(f"- Goal: {self.text(meeting.goal)}")
        if meeting.agenda is not None:
            lines.append(f"- {link(meeting.agenda.title or 'Agenda', meeting.agenda.url)}")
        if meeting.scheduled_by:
            lines.append(f"- Scheduled by {self.roles_of(meeting.scheduled_by)}")
        if meeting.attendees:
            lines.append(f"- Attendees: {self.roles_of(meeting.attendees)}")
        if meeting.length_minutes:
            lines.append(f"- Length: {minutes_text(meeting.length_minutes)}")
        if meeting.fallback is not None:
            lines += item("-", "Fallback: " + _stop(self.work(meeting.fallback.actors, meeting.fallback.text)),
                          self.under(meeting.fallback))
        return first, lines + self.notes(meeting.notes)

    def dates(self, written: ir.Item) -> str:
        """' (2022-06-06)', ' (2022-06-20 to 2022-06-27)', ' (6 times, 2023-02-06 to 2023-04-17)'
        from the schedule; '' when there is none (no quarter, or no date of its own)."""
        entries = [e for e in self.linked.entries(written) if e.date is not None]
        if not entries or isinstance(ir.time_of(written), ir.On):
            return ""  # `on DATE` says its date in words already
        if entries[0].occurrence is not None:
            times = "once" if len(entries) == 1 else f"{len(entries)} times"
            return f" ({times}, {_span(entries[0].date, entries[-1].date)})"
        return f" ({_span(entries[0].date, entries[0].due)})"

    # --- names and text -------------------------------------------------------------------

    def role(self, name: ir.Name | str) -> str:
        return escape(self.linked.title(name))

    def roles_of(self, names) -> str:
        return wording.joined([self.role(n) for n in names])

    def work(self, actors, text: ir.Text) -> str:
        """'Product Operations adds ...'; a task written in quotes (no actors) is its text."""
        said = self.text(text)
        return f"{self.roles_of(actors)} {said}" if actors else wording.sentence(said)

    def name(self, name: ir.Name) -> str:
        """An item as the page names it: a meeting by its title, an artifact by its link,
        a step by its id in italics."""
        found = self.linked.item(name)
        if isinstance(found, ir.Meeting):
            return escape(found.title)
        artifact = self.linked.artifact(name)
        if artifact is not None and found is None:
            return self.artifact_text(artifact)
        return f"*{escape(name.value)}*" if name.value[:1].isalnum() else escape(name.value)

    def text(self, text: ir.Text) -> str:
        """Free text with each `@role` written as its title and each `#id` as the thing it names."""
        out, plain = [], ""
        for part in text_parts(text.value):
            if isinstance(part, str):
                plain += part
                continue
            out.append(_escape_run(plain))
            plain = ""
            out.append(self.role(part.name) if part.kind == "role" else self.name(part.name))
        out.append(_escape_run(plain))
        return "".join(out).strip()

    def artifact_text(self, artifact: ir.Artifact) -> str:
        return link(artifact.title, artifact.url) if artifact.url else escape(artifact.title)

    def artifact_line(self, artifact: ir.Artifact) -> str:
        return self.artifact_text(artifact) + (f" ({artifact.kind})" if artifact.kind else "")

    # --- roles and OKR sets ------------------------------------------------------------------

    def roles(self, roles) -> list[str]:
        lines = []
        for role in roles:
            first = f"{bold(escape(role.title))} (`{role.id.value}`)"
            if role.aliases:
                first += ", also " + wording.joined([escape(a.value) for a in role.aliases])
            if role.handle:
                first += ", " + escape(role.handle)
            lines += item("-", first, [f"- {_stop(self.text(duty))}" for duty in role.duties])
        return lines + [""]

    def okr_set(self, okr_set: ir.OkrSet, heading: bool) -> list[str]:
        rules = self.linked.scoring
        lines = [f"## OKRs for {okr_set.quarter}" if okr_set.quarter else "## OKRs", ""] if heading else []
        bands = wording.joined([f"{escape(b.name)} {b.low}–{b.high}" + (f" ({escape(b.health)})" if b.health else "")
                                for b in rules.bands])
        lines += [f"Scores roll up as the {rules.rollup} of the key results, health as the worst. "
                  f"Score bands: {bands}.", ""]
        if not okr_set.objectives:
            lines += ["This OKR set has no objectives.", ""]
        for level in tree(okr_set, rules):
            lines += [f"{'###' if heading else '##'} {wording.sentence(escape(level.id))} objectives", ""]
            status = _status(level.status)
            lines += [wording.sentence(status) + ".", ""] if status else []
            for objective in level.children:
                lines += item("-", self.okr_line(objective), [
                    line for kr in objective.children for line in item("-", self.okr_line(kr), [])])
            lines.append("")
        return lines

    def okr_line(self, node: Node) -> str:
        """'**C1** [title](url): owner Chief Executive Officer; score 80% (off-target); health ...'."""
        written = node.node
        links = list(written.links)
        untitled = next((w for w in links if not w.title), None)
        title = link(node.title, untitled.url) if untitled is not None else escape(node.title)
        line = f"{bold(escape(node.id))} {title}"
        facts = []
        if node.owners:
            owners = wording.joined([self.role(o) for o in node.owners])
            facts.append(f"owner {owners}" + (" (the objective's)" if node.owners_inherited else ""))
        if isinstance(written, ir.Objective) and written.aligns is not None:
            facts.append(f"aligned to {bold(escape(written.aligns.value))}")
        if isinstance(written, ir.KeyResult) and written.target:
            facts.append(f"target {escape(written.target)}")
        status = _status(node.status)
        facts += [status] if status else []
        others = [link(w.title, w.url) for w in links if w is not untitled]
        return line + (": " + "; ".join(facts) if facts else "") + ("; " + ", ".join(others) if others else "")


def _status(status: Status) -> str:
    """'progress 40%; score 80% (off-target); health needs-attention' (what is known of it)."""
    facts = []
    if status.progress is not None:
        facts.append(f"progress {percent(status.progress)}")
    if status.score is not None:
        facts.append(f"score {percent(status.score)}" + (f" ({escape(status.band)})" if status.band else ""))
    if status.health is not None:
        facts.append(f"health {escape(status.health)}")
    return "; ".join(facts)


def _span(first: datetime.date | None, last: datetime.date | None) -> str:
    return first.isoformat() + (f" to {last.isoformat()}" if last is not None and last != first else "")


def _escape_run(plain: str) -> str:
    """A run of plain text between references, escaped, keeping the spaces at its ends
    (escape drops them, as a whole text's would be dropped)."""
    if not plain.strip():
        return " " if plain else ""
    lead = " " if plain[0].isspace() else ""
    tail = " " if plain[-1].isspace() else ""
    return lead + escape(plain) + tail


def _stop(sentence: str) -> str:
    """A sentence with a full stop, unless it ends with one of its own (or `?`, `!`, `:`)."""
    return sentence if not sentence or sentence.endswith((".", "?", "!", ":")) else sentence + "."
