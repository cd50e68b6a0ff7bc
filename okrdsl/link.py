"""Stage 5, link: one checked spec made ready for the emitters of `okrdsl compile`.

Everything an emitter looks up is looked up here, once: a role's title and handle
(through its aliases, across includes), an artifact's link, each item's entries in
the schedule when a quarter is known, and the scoring of the policy in force. An
emitter reads a `Linked` and never walks includes or resolves dates itself.
"""

from __future__ import annotations

import attrs

from okrdsl import ir
from okrdsl.schedule import Entry, Schedule, undated
from okrdsl.scoring import Scoring, scoring
from okrdsl.symbols import Scope, scope_of


@attrs.frozen
class Linked:
    """A spec with what it sees: `visible` is its includes in reading order, then itself;
    `schedule` is None when no quarter is known (no process quarter and no --quarter)."""

    spec: ir.Spec
    visible: tuple[ir.Spec, ...]
    schedule: Schedule | None
    scoring: Scoring
    scope: Scope = attrs.field(eq=False, repr=False)
    _entries: dict[str, tuple[Entry, ...]] = attrs.field(eq=False, repr=False)

    @property
    def includes(self) -> tuple[ir.Spec, ...]:
        """The files the spec includes, directly or not, in reading order."""
        return self.visible[:-1]

    def role(self, name: ir.Name | str) -> ir.Role | None:
        """The role a name stands for: its id or one of its aliases."""
        declared = self.scope.role(str(name))
        return declared.node if declared is not None else None

    def title(self, name: ir.Name | str) -> str:
        """A role's title ("Product Operations"), or the name as written when it is no role."""
        role = self.role(name)
        return role.title if role is not None else str(name)

    def handle(self, name: ir.Name | str) -> str | None:
        """A role's handle (`@gitlab-com/product-operations`), when it has one."""
        role = self.role(name)
        return role.handle if role is not None else None

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

    def entries(self, item: ir.Item) -> tuple[Entry, ...]:
        """An item's entries in the schedule (one per occurrence of a recurring item); () without a quarter."""
        return self._entries.get(item.key, ())


def link(visible: list[ir.Spec], schedule: Schedule | None) -> Linked:
    """Link the last spec of `visible` (what it includes, in reading order, then itself)."""
    scope = scope_of(visible)
    entries: dict[str, list[Entry]] = {}
    for entry in schedule.entries if schedule is not None else ():
        entries.setdefault(entry.item.key, []).append(entry)
    return Linked(visible[-1], tuple(visible), schedule, scoring(scope.policy), scope,
                  {key: tuple(found) for key, found in entries.items()})
