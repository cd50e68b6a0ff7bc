"""Stage 5, link: one checked spec made ready for the emitters of `okrdsl compile`.

Everything an emitter looks up is looked up here, once: a role's title and handle
(through its aliases, across includes), an artifact's link, each item's entries in
the schedule when a quarter is known, and the scoring of the policy in force. An
emitter reads a `Linked` and never walks includes or resolves dates itself.
"""

from __future__ import annotations

import attrs

from okrdsl import ir
from okrdsl.records import frozen
from okrdsl.schedule import Entry, Rule, Schedule, undated, written_time
from okrdsl.scoring import Scoring, scoring
from okrdsl.symbols import Scope, scope_of


@frozen
class Linked:
    """A spec with what it sees: `visible` is its includes in reading order, then itself;
    `schedule` is None when no quarter is known (no process quarter and no --quarter)."""

    spec: ir.Spec
    visible: tuple[ir.Spec, ...]
    schedule: Schedule | None
    scoring: Scoring
    scope: Scope = attrs.field(eq=False, repr=False)
    _entries: dict[str, tuple[Entry, ...]] = attrs.field(eq=False, repr=False)
    _rules: dict[str, Rule] = attrs.field(eq=False, repr=False, factory=dict)

    @property
    def includes(self) -> tuple[ir.Spec, ...]:
        """The files the spec includes, directly or not, in reading order."""
        return self.visible[:-1]

    def role(self, name: ir.Name | str) -> ir.Role | None:
        """The role a name stands for: its id or one of its aliases."""
        declared = self.scope.role(str(name))
        return declared.node if declared is not None else None

    def title(self, name: ir.Name | str) -> str:
        """A role's title ("Product Operations"), or the name as written when it is no role.

        Named by a plural alias (`PMs initiate`), the role reads in the plural where the
        catalogue gives its title so among the aliases (aka PMs, "Product Managers"):
        "Product Managers initiate", not "Product Manager initiate". okrdsl makes up no
        plural of its own."""
        role = self.role(name)
        if role is None:
            return str(name)
        written = str(name)
        if written != role.id and written.endswith("s") and not role.title.endswith("s"):
            wanted = (role.title + "s").casefold()
            plural = next((alias.value for alias in role.aliases if alias.value.casefold() == wanted), None)
            if plural is not None:
                return plural
        return role.title

    def handle(self, name: ir.Name | str) -> str | None:
        """A role's handle (`@gitlab-com/product-operations`), when it has one."""
        role = self.role(name)
        return role.handle if role is not None else None

    @property
    def handles(self) -> frozenset[str]:
        """Every handle a role it sees declares."""
        return frozenset(role.handle for spec in self.visible for role in spec.roles if role.handle)

    def artifact(self, name: ir.Name | str) -> ir.Artifact | None:
        declared = self.scope.artifacts.get(str(name))
        return declared.node if declared is not None else None

    @property
    def listed(self) -> tuple[Entry, ...]:
        """Every entry of the spec's schedule, in its order; without a quarter, one undated entry
        per item, in the order written, with its time as written (see schedule.undated)."""
        return self.schedule.entries if self.schedule is not None else undated(self.spec)

    def item(self, name: ir.Name | str) -> ir.Item | None:
        """The step, meeting or cadence of the spec written with this id (`as x`, a meeting's id)."""
        declared = self.scope.items.get(str(name))
        return declared.node if declared is not None else None

    def links(self, item: ir.Item) -> tuple[ir.Link, ...]:
        """The links an item gives: a meeting's agenda, then each artifact with a URL that its
        text, sub-steps, notes, goal or fallback names (`#planning`), titled with the
        artifact's title, in the order written, each once."""
        found: dict[str, ir.Link] = {}
        if isinstance(item, ir.Meeting) and item.agenda is not None:
            found[item.agenda.url] = ir.Link(item.agenda.url, item.agenda.title or "Agenda")
        for text in texts(item):
            for ref in text.refs:
                artifact = self.artifact(ref.name) if ref.kind == "item" else None
                if artifact is not None and artifact.url is not None:
                    found.setdefault(artifact.url, ir.Link(artifact.url, artifact.title))
        return tuple(found.values())

    def entries(self, item: ir.Item) -> tuple[Entry, ...]:
        """An item's entries in the schedule (one per occurrence of a recurring item); () without a quarter."""
        return self._entries.get(item.key, ())

    def rule(self, item: ir.Item) -> Rule | None:
        """How a cadence or recurring meeting recurs in the schedule (for a calendar's RRULE);
        None for any other item, one that cannot be dated, and without a quarter."""
        return self._rules.get(item.key)

    def written(self, item: ir.Item) -> str:
        """An item's time as written (`-4w`, `every 2 weeks on Monday`), as the schedule gives
        it when a quarter is known (`-6w on 2021-09-20`), else from the spec alone."""
        found = self.entries(item)
        return found[0].written if found else written_time(item)


def texts(item: ir.Item | ir.Task):
    """Every free text of an item, in the order written: its text or goal, its sub-steps (and
    theirs), its fallback, its notes."""
    if isinstance(item, ir.Meeting):
        yield from (item.goal,) if item.goal is not None else ()
        yield from texts(item.fallback) if item.fallback is not None else ()
    else:
        yield item.text
    for task in item.tasks if isinstance(item, (ir.Step, ir.Cadence, ir.Task)) else ():
        yield from texts(task)
    yield from item.notes


def link(visible: list[ir.Spec], schedule: Schedule | None) -> Linked:
    """Link the last spec of `visible` (what it includes, in reading order, then itself)."""
    scope = scope_of(visible)
    entries: dict[str, list[Entry]] = {}
    for entry in schedule.entries if schedule is not None else ():
        entries.setdefault(entry.item.key, []).append(entry)
    rules = {rule.key: rule for rule in schedule.rules} if schedule is not None else {}
    return Linked(visible[-1], tuple(visible), schedule, scoring(scope.policy), scope,
                  {key: tuple(found) for key, found in entries.items()}, rules)
