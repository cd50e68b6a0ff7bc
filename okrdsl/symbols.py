"""The symbol table: what each file can see (its own declarations and its includes'),
and every place a spec refers to something."""

from __future__ import annotations

from typing import Iterable, Iterator

import attrs

from okrdsl import ir
from okrdsl.records import define, frozen


@frozen
class Declared:
    """A declaration: what kind of thing, its name as written, and the node."""

    kind: str
    name: ir.Name
    node: object = attrs.field(eq=False, repr=False)


@define
class Scope:
    """Names visible from one file. Each table keeps the first declaration of a name."""

    roles: dict[str, Declared] = attrs.Factory(dict)
    role_names: dict[str, Declared] = attrs.Factory(dict)
    artifacts: dict[str, Declared] = attrs.Factory(dict)
    items: dict[str, Declared] = attrs.Factory(dict)
    policy: ir.Policy | None = None

    def role(self, name: str) -> Declared | None:
        return self.role_names.get(name)

    def referable(self) -> dict[str, Declared]:
        """What `#id`, `after` and relative times may name: artifacts and items with ids."""
        return {**self.items, **self.artifacts}


def scope_of(specs: list[ir.Spec]) -> Scope:
    """The scope of the last spec in `specs`: what it includes, in reading order, then itself."""
    scope = Scope()
    for spec in specs:
        for role in spec.roles:
            declared = Declared("role", role.id, role)
            scope.roles.setdefault(role.id.value, declared)
            scope.role_names.setdefault(role.id.value, declared)
        for artifact in spec.artifacts:
            scope.artifacts.setdefault(artifact.id.value, Declared("artifact", artifact.id, artifact))
        if spec.policy is not None:
            scope.policy = spec.policy  # the nearest policy wins: the file's own over an included one
    for spec in specs:
        for role in spec.roles:
            for alias in role.aliases:
                scope.role_names.setdefault(alias.value, scope.roles[role.id.value])
    own = specs[-1] if specs else None
    for item in own.items() if own else ():
        name = item.id  # the id written (`as x`, a meeting's id): derived ids cannot be named
        if name is not None:
            scope.items.setdefault(name.value, Declared(item.kind, name, item))
    return scope


def declarations(spec: ir.Spec) -> Iterator[tuple[str, str, ir.Name]]:
    """(table, kind, name) of everything a file declares, in order; the table is the
    namespace the id lives in (artifacts, meetings and steps share "items")."""
    for role in spec.roles:
        yield "roles", "role", role.id
    for artifact in spec.artifacts:
        yield "items", "artifact", artifact.id
    for phase in spec.phases:
        yield "phases", "phase", phase.id
        for item in phase.items:
            if item.id is not None:
                yield "items", item.kind, item.id
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            yield "okrs", "objective", objective.id
            for key_result in objective.key_results:
                yield "okrs", "key result", key_result.id


def texts(spec: ir.Spec) -> Iterator[ir.Text]:
    """Every piece of free text in a spec, where inline references live."""
    for role in spec.roles:
        yield from role.duties
    if spec.process:
        yield from spec.process.intro
        yield from spec.process.notes
    for phase in spec.phases:
        yield from phase.intro
        yield from phase.notes
        for item in phase.items:
            for work in _works(item):
                yield work.text
                yield from work.notes
            if isinstance(item, ir.Meeting):  # a meeting is not a work: its own texts
                yield from item.notes
                if item.goal is not None:
                    yield item.goal


def works(spec: ir.Spec) -> Iterator:
    """Everything of a spec with actors and a text: steps, cadences, permissions, their
    sub-steps, and meetings' fallbacks."""
    for item in spec.items():
        yield from _works(item)


def _works(item) -> Iterable:
    """The item and its tasks, depth first: everything with actors and text. Most items
    have no tasks and no fallback, and every rule asks this of every item: those get a
    tuple, without a walk."""
    if isinstance(item, (ir.Step, ir.Cadence, ir.Task)):
        return _walk(item) if item.tasks else (item,)
    if isinstance(item, ir.Permission):
        return (item,)
    if isinstance(item, ir.Meeting) and item.fallback is not None:
        return _walk(item.fallback)
    return ()


def _walk(item) -> list:
    """_works of an item with tasks (or a meeting's fallback), with a list, not recursion:
    what is walked is a step, a cadence or a task, and what it holds are tasks."""
    found, pending = [], [item]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(reversed(current.tasks))
    return found


def role_references(spec: ir.Spec) -> Iterator[ir.Name]:
    """Every place a spec names a role: actors, @mentions, owners, schedulers, attendees, every
    role of every stage of an approval, and `duty:` lines' @mentions."""
    for item in spec.items():
        for work in _works(item):
            yield from work.actors
            if not isinstance(work, ir.Permission):
                yield from work.led_by
        if isinstance(item, ir.Meeting):
            yield from item.scheduled_by
            yield from item.attendees
        if isinstance(item, ir.Permission):
            yield from item.approvers
    yield from _inline(spec, "role")
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            yield from objective.owners
            for key_result in objective.key_results:
                if not key_result.owners_inherited:  # inherited owners are the objective's, named above
                    yield from key_result.owners


def moments(item: ir.Item) -> tuple[ir.Moment, ...]:
    """Every moment in an item's time: its `at`, its window's bounds, the `from` and
    `until` of a cadence or recurring meeting. A tuple rather than a generator: the
    resolver and the rules ask it of every item, and most have one moment."""
    when = ir.time_of(item)
    if isinstance(when, ir.At):
        return (when.moment,)
    if isinstance(when, ir.Within):
        return (when.after,)
    if isinstance(when, ir.During):
        return (when.period,)
    if isinstance(when, ir.Between):
        return (when.first, when.last)
    ranged = when if isinstance(when, ir.Recurrence) else item if isinstance(item, ir.Cadence) else None
    if ranged is None:
        return ()
    return tuple(moment for moment in (ranged.start, ranged.until) if moment is not None)


def placements(item: ir.Item) -> Iterator[ir.Name]:
    """The recurring meeting an item's time places it `in`, if any."""
    meeting = ir.placed_in(ir.time_of(item))
    if meeting is not None:
        yield meeting


def text_references(spec: ir.Spec) -> Iterator[ir.Name]:
    """Every `#id` in free text: it may name an artifact, a meeting or a step."""
    return _inline(spec, "item")


def _inline(spec: ir.Spec, kind: str) -> Iterator[ir.Name]:
    """The names of a spec's inline references of one kind ("role" for `@PM`, "item" for `#id`),
    in the order of `texts`."""
    for text in texts(spec):
        for ref in text.refs:
            if ref.kind == kind:
                yield ref.name


def timing_references(spec: ir.Spec) -> Iterator[ir.Name]:
    """Every item named by an `after` list or a relative time: it must be a meeting or step."""
    for item in spec.items():
        yield from ir.after_of(item)
        yield from placements(item)
        for moment in moments(item):
            if moment.item is not None:
                yield moment.item


def anchor_references(spec: ir.Spec) -> Iterator[ir.Name]:
    """Every item named by a relative time (`session1 + 1w`): it must have a date."""
    for item in spec.items():
        for moment in moments(item):
            if moment.item is not None:
                yield moment.item
