"""Stage: diff two specs by what they mean, for `okrdsl diff`. Pure: no I/O, no printing.

`diff(old, new)` takes two specs (each a `Linked`, which brings its includes and, with a
quarter, its dates; or a bare `ir.Spec`) and gives the `Changes` between them: what was
added, removed, renamed or changed, each with the fields that differ, old and new.

How things are matched, in this order (the same inputs always give the same matching):

1. By id. Roles, artifacts, phases, meetings, objectives and key results have written ids;
   steps, cadences and permissions have a written id (`as review`) or one derived from
   their content (see okrdsl.ids). Two items match by id only when they are of the same
   kind (step, meeting, cadence or permission).
2. Then by similarity, among what is left on both sides, kind by kind: for items, their
   text (a meeting's title and goal) and their actors (a meeting's attendees and
   schedulers). The score is TEXT_WEIGHT times the text's likeness (twice the longest run
   of words the two texts share in order, over their total number of words, ignoring case)
   plus ACTOR_WEIGHT times the actors' likeness (shared over all, 1 when both have none).
   Pairs scoring at least MATCH_AT are taken best first; between equal scores, the pair
   whose positions (old plus new, counted in the order written) add up to less goes first.
   A reworded step is so one change, not a removal and an addition.
   Roles, artifacts and phases whose id changed match by the same title (an artifact also
   by the same link); objectives and key results by the likeness of their titles.
3. What is still left was removed (old side) or added (new side).

A role can also be renamed in use (CProdO to VPP between FY23-Q1 and FY23-Q2, with one
role catalogue for both): in items that match, a list of roles (actors, attendees,
schedulers, led by, approvals, sub-steps' actors, @mentions, owners) that lost exactly one
role and gained exactly one other is a *substitution*. Role X is renamed to Y when Y is
more than half of X's substitutions and X more than half of Y's, and X is named nowhere
in the new spec or Y nowhere in the old one. The items keep their own changes too.

Both directions mirror each other: diff(b, a) has the same changes with added and removed,
old and new swapped.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Literal, Sequence

from okrdsl import ir
from okrdsl.diff_fields import (
    artifact_fields, item_fields, phase_fields, process_fields, role_fields,
)
from okrdsl.link import Linked, texts
from okrdsl.records import frozen
from okrdsl.source import Span, span_field
from okrdsl.symbols import scope_of

TEXT_WEIGHT = 0.7
ACTOR_WEIGHT = 0.3
MATCH_AT = 0.6

Kind = Literal["added", "removed", "changed", "renamed"]
SECTIONS = ("process", "include", "role", "artifact", "phase", "item", "policy", "okrs")


@frozen
class Field:
    """One thing that differs: its name, and its value on each side as text (None: absent)."""

    name: str
    old: str | None
    new: str | None

    def mirrored(self) -> "Field":
        return Field(self.name, self.new, self.old)


@frozen
class Change:
    """One thing added, removed, renamed (its id changed) or changed.

    `what` is the kind of thing ("step", "meeting", "role", "objective"...), `section` the
    part of the spec it belongs to (one of SECTIONS). An added thing lists its values as
    fields with no old value, a removed one with no new value."""

    kind: Kind
    what: str
    section: str
    old_id: str | None
    new_id: str | None
    fields: tuple[Field, ...] = ()
    old_span: Span | None = span_field()
    new_span: Span | None = span_field()

    @property
    def id(self) -> str:
        return self.new_id if self.new_id is not None else self.old_id

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def mirrored(self) -> "Change":
        kind = {"added": "removed", "removed": "added"}.get(self.kind, self.kind)
        return Change(kind, self.what, self.section, self.new_id, self.old_id,
                      tuple(f.mirrored() for f in self.fields), self.new_span, self.old_span)


@frozen
class Changes:
    """Everything that differs between two specs, section by section (see SECTIONS)."""

    old_path: str
    new_path: str
    changes: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        found = Counter(change.kind for change in self.changes)
        return {kind: found[kind] for kind in ("added", "removed", "renamed", "changed")}


# --- one side ----------------------------------------------------------------------------------


@frozen
class _Side:
    spec: ir.Spec
    visible: tuple[ir.Spec, ...]
    canonical: Callable[[str], str]
    dates: dict[str, str]

    @classmethod
    def of(cls, given: Linked | ir.Spec) -> "_Side":
        if isinstance(given, Linked):
            visible, schedule = given.visible, given.schedule
        else:
            visible, schedule = (given,), None
        scope = scope_of(list(visible))

        def canonical(name: str) -> str:
            declared = scope.role(name)
            return declared.node.id.value if declared is not None else name

        dates: dict[str, list[str]] = {}
        for entry in schedule.entries if schedule is not None else ():
            if entry.date is not None and entry.occurrence in (None, 1):
                day = entry.date.isoformat()
                due = f" to {entry.due.isoformat()}" if entry.due and entry.due != entry.date else ""
                dates.setdefault(entry.item.key, []).append(day + due)
        return cls(visible[-1], tuple(visible), canonical, {k: ", ".join(v) for k, v in dates.items()})

    @property
    def quarter(self) -> str | None:
        process = self.spec.process
        return str(process.quarter) if process is not None and process.quarter is not None else None

    def items(self) -> list[tuple[str, ir.Item]]:
        return [(phase.id.value, item) for spec in self.visible for phase in spec.phases for item in phase.items]

    def phases(self) -> list[ir.Phase]:
        return [phase for spec in self.visible for phase in spec.phases]

    def roles_used(self) -> Counter:
        used: Counter = Counter()
        for spec in self.visible:
            for _slot, names in _role_slots_of_spec(spec):
                used.update(self.canonical(n) for n in names)
        return used


# --- the diff ----------------------------------------------------------------------------------


def diff(old: Linked | ir.Spec, new: Linked | ir.Spec) -> Changes:
    """What changed from `old` to `new`, as the module docstring says. Pure and deterministic."""
    a, b = _Side.of(old), _Side.of(new)
    found: list[Change] = []
    found += _process(a.spec.process, b.spec.process)
    found += _includes(a.spec, b.spec)
    roles = _declared(
        [r for s in a.visible for r in s.roles], [r for s in b.visible for r in s.roles], "role", "role",
        lambda r: r.id.value, lambda r: r.title, role_fields)
    found += roles
    found += _declared(
        [x for s in a.visible for x in s.artifacts], [x for s in b.visible for x in s.artifacts], "artifact",
        "artifact", lambda x: x.id.value, lambda x: x.title, artifact_fields, also=lambda x: x.url)
    phase_pairs, phase_changes = _match_phases(a.phases(), b.phases())
    found += phase_changes
    item_changes, substitutions = _items(a, b, phase_pairs)
    from okrdsl.diff_okrs import okr_changes, policy_changes  # which use this module's matching

    policy = policy_changes(scope_of(list(a.visible)).policy, scope_of(list(b.visible)).policy)
    okrs = okr_changes(a, b, substitutions)
    found += _renamed_roles(a, b, substitutions)
    found += item_changes + policy + okrs
    return Changes(a.spec.path, b.spec.path, tuple(found))


# --- similarity and matching -------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.lower().split()


def likeness(a: Sequence[str], b: Sequence[str]) -> float:
    """Twice the longest common subsequence over the total length; 1 for two empty ones. Symmetric."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return 2 * previous[-1] / (len(a) + len(b))


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return 1.0 if not sa and not sb else len(sa & sb) / len(sa | sb)


def pair(old: list, new: list, key: Callable, score: Callable, kind_of: Callable = lambda x: "",
         tokens: Callable | None = None) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match two lists: by `key` first, then by `score` (at least MATCH_AT, best first). Gives the
    matched index pairs, then the old and the new indexes left over. With `tokens`, only things
    that share a token are scored (a pair that shares none must score below MATCH_AT)."""
    pairs: list[tuple[int, int]] = []
    by_key: dict[tuple, list[int]] = {}
    for j, thing in enumerate(new):
        by_key.setdefault((kind_of(thing), key(thing)), []).append(j)
    taken_old, taken_new = set(), set()
    for i, thing in enumerate(old):
        for j in by_key.get((kind_of(thing), key(thing)), []):
            if j not in taken_new:
                pairs.append((i, j))
                taken_old.add(i)
                taken_new.add(j)
                break
    candidates = []
    index: dict[str, set[int]] = {}
    for j, b in enumerate(new):
        for token in tokens(b) if tokens is not None and j not in taken_new else ():
            index.setdefault(token, set()).add(j)
    for i, a in enumerate(old):
        if i in taken_old:
            continue
        near = sorted(set().union(*(index.get(t, ()) for t in tokens(a)))) if tokens is not None else range(len(new))
        for j in near:
            b = new[j]
            if j not in taken_new and kind_of(a) == kind_of(b):
                value = score(a, b)
                if value >= MATCH_AT:
                    candidates.append((-value, i + j, i, j))
    for _, _, i, j in sorted(candidates, key=lambda c: (c[0], c[1], min(c[2], c[3]))):
        if i not in taken_old and j not in taken_new:
            pairs.append((i, j))
            taken_old.add(i)
            taken_new.add(j)
    left_old = [i for i in range(len(old)) if i not in taken_old]
    left_new = [j for j in range(len(new)) if j not in taken_new]
    return sorted(pairs, key=lambda p: p[1]), left_old, left_new


def _fields(old: dict[str, str | None], new: dict[str, str | None]) -> tuple[Field, ...]:
    """The fields whose values differ, in the order of `old` then the new names of `new`;
    an empty value ("" or None) on one side counts as absent."""
    names = list(old) + [name for name in new if name not in old]
    found = []
    for name in names:
        a, b = old.get(name) or None, new.get(name) or None
        if a != b:
            found.append(Field(name, a, b))
    return tuple(found)


def _declared(old: list, new: list, what: str, section: str, key, title, fields_of, also=None) -> list[Change]:
    """Roles and artifacts: matched by id, then by the same title (or `also`, such as a link)."""
    def same(a, b) -> float:
        if title(a) == title(b) or (also is not None and also(a) is not None and also(a) == also(b)):
            return 1.0
        return 0.0

    pairs, left_old, left_new = pair(old, new, key, same)
    found = []
    for i, j in pairs:
        fields = _fields(fields_of(old[i]), fields_of(new[j]))
        kind = "renamed" if key(old[i]) != key(new[j]) else "changed"
        if fields or kind == "renamed":
            found.append(Change(kind, what, section, key(old[i]), key(new[j]), fields, old[i].span, new[j].span))
    found += [Change("removed", what, section, key(old[i]), None, _fields(fields_of(old[i]), {}), old[i].span)
              for i in left_old]
    found += [Change("added", what, section, None, key(new[j]), _fields({}, fields_of(new[j])), None, new[j].span)
              for j in left_new]
    return found


# --- process, includes, phases -------------------------------------------------------------


def _process(old: ir.Process | None, new: ir.Process | None) -> list[Change]:
    if old is None and new is None:
        return []
    a = process_fields(old) if old is not None else {}
    b = process_fields(new) if new is not None else {}
    fields = _fields(a, b)
    if not fields:
        return []
    kind = "added" if old is None else "removed" if new is None else "changed"
    return [Change(kind, "process", "process", "process" if old else None, "process" if new else None,
                   fields, old.span if old else None, new.span if new else None)]


def _includes(old: ir.Spec, new: ir.Spec) -> list[Change]:
    a, b = [i.path for i in old.includes], [i.path for i in new.includes]
    found = [Change("removed", "include", "include", path, None, (Field("path", path, None),), include.span)
             for path, include in zip(a, old.includes) if path not in b]
    found += [Change("added", "include", "include", None, path, (Field("path", None, path),), None, include.span)
              for path, include in zip(b, new.includes) if path not in a]
    return found


def _match_phases(old: list[ir.Phase], new: list[ir.Phase]) -> tuple[dict[str, str], list[Change]]:
    """The new id of each old phase that has one, and the changes of the phases themselves."""
    pairs, _, _ = pair(old, new, lambda p: p.id.value, lambda a, b: 1.0 if a.title == b.title else 0.0)
    changes = _declared(old, new, "phase", "phase", lambda p: p.id.value, lambda p: p.title, phase_fields)
    return {old[i].id.value: new[j].id.value for i, j in pairs}, changes


# --- items ---------------------------------------------------------------------------------------


def _item_text(item: ir.Item) -> list[str]:
    if isinstance(item, ir.Meeting):
        return words(item.title + " " + (item.goal.value if item.goal else ""))
    return words(item.text.value)


def _item_actors(item: ir.Item, side: _Side) -> list[str]:
    if isinstance(item, ir.Meeting):
        names = item.attendees + item.scheduled_by
    else:
        names = item.actors
    return [side.canonical(n.value) for n in names]


def _items(a: _Side, b: _Side, phase_pairs: dict[str, str]) -> tuple[list[Change], Counter]:
    old, new = a.items(), b.items()
    text = {id(x[1]): _item_text(x[1]) for x in old + new}
    bags = {key: Counter(value) for key, value in text.items()}
    actors = {id(x[1]): _item_actors(x[1], a) for x in old} | {id(y[1]): _item_actors(y[1], b) for y in new}

    def score(x, y) -> float:
        p, q = id(x[1]), id(y[1])
        by_actors = ACTOR_WEIGHT * overlap(actors[p], actors[q])
        size = len(text[p]) + len(text[q])
        at_most = 2 * (bags[p] & bags[q]).total() / size if size else 1.0  # the likeness cannot be higher
        if TEXT_WEIGHT * at_most + by_actors < MATCH_AT:
            return 0.0
        return TEXT_WEIGHT * likeness(text[p], text[q]) + by_actors

    def tokens(x) -> set[str]:  # with no word in common, a pair scores at most ACTOR_WEIGHT < MATCH_AT
        return set(text[id(x[1])]) or {""}

    pairs, left_old, left_new = pair(old, new, lambda x: x[1].key, score, lambda x: x[1].kind, tokens)
    same_quarter = a.quarter == b.quarter
    found, substitutions = [], Counter()
    for i, j in pairs:
        (p, x), (q, y) = old[i], new[j]
        fa, fb = item_fields(p, x, a.dates), item_fields(q, y, b.dates)
        if phase_pairs.get(p) == q:
            fa["phase"] = q  # the phase itself was renamed: its items did not move
        time_same = fa.get("time") == fb.get("time")
        if time_same and not same_quarter:  # every date moves with the quarter: not a change of the item
            fa.pop("date", None)
            fb.pop("date", None)
        fields = _fields(fa, fb)
        if fields:
            found.append(Change("changed", x.kind, "item", x.key, y.key, fields, x.span, y.span))
        substitutions += _substitutions(_role_slots(x), _role_slots(y), a, b)
    found += [Change("removed", old[i][1].kind, "item", old[i][1].key, None,
                     _fields(item_fields(*old[i], a.dates), {}), old[i][1].span) for i in left_old]
    found += [Change("added", new[j][1].kind, "item", None, new[j][1].key,
                     _fields({}, item_fields(*new[j], b.dates)), None, new[j][1].span) for j in left_new]
    return found, substitutions


# --- roles renamed in use --------------------------------------------------------------------------


def _role_slots(item: ir.Item) -> list[tuple[str, list[str]]]:
    """The lists of roles an item names, each with what it is."""
    slots = []
    if isinstance(item, ir.Meeting):
        slots += [("attendees", item.attendees), ("scheduled by", item.scheduled_by)]
        slots += [("fallback", item.fallback.actors)] if item.fallback is not None else []
    else:
        slots.append(("actors", item.actors))
    if isinstance(item, ir.Permission):
        slots.append(("approvals", item.approvers))
    elif not isinstance(item, ir.Meeting):
        slots.append(("led by", item.led_by))
    if isinstance(item, (ir.Step, ir.Cadence)):
        pending, task_actors = list(item.tasks), []
        while pending:
            task = pending.pop(0)
            task_actors += task.actors + task.led_by
            pending[:0] = task.tasks
        slots.append(("tasks", task_actors))
    slots.append(("mentions", [ref.name for text in texts(item) for ref in text.refs if ref.kind == "role"]))
    return [(slot, [n.value for n in names]) for slot, names in slots]


def _role_slots_of_spec(spec: ir.Spec):
    for item in spec.items():
        yield from _role_slots(item)
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            yield "owners", [n.value for n in objective.owners]
            for kr in objective.key_results:
                yield "owners", [n.value for n in kr.owners]


def _substitutions(old_slots, new_slots, a: _Side, b: _Side) -> Counter:
    """(X, Y) for each list of roles that lost exactly one role X and gained exactly one Y."""
    found: Counter = Counter()
    for (slot, x), (_, y) in zip(old_slots, new_slots):
        before, after = Counter(a.canonical(n) for n in x), Counter(b.canonical(n) for n in y)
        lost, gained = before - after, after - before
        if len(lost) == 1 and len(gained) == 1:
            found[(next(iter(lost)), next(iter(gained)))] += min(lost.total(), gained.total())
    return found


def _renamed_roles(a: _Side, b: _Side, substitutions: Counter) -> list[Change]:
    used_old, used_new = a.roles_used(), b.roles_used()
    from_x, to_y = Counter(), Counter()
    for (x, y), count in substitutions.items():
        from_x[x] += count
        to_y[y] += count
    found = []
    for (x, y), count in sorted(substitutions.items()):
        if count * 2 > from_x[x] and count * 2 > to_y[y] and (not used_new[x] or not used_old[y]):
            found.append(Change("renamed", "role", "role", x, y, (
                Field("named in", f"{x}: {_places(used_old[x])}", f"{y}: {_places(used_new[y])}"),
                Field("replaced in", _places(count), _places(count)),
            )))
    return found


def _places(count: int) -> str:
    return f"{count} place{'s' if count != 1 else ''}"
