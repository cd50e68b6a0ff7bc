"""The parts of `okrdsl diff` (see okrdsl.diff) about OKRs: the policy in force, OKR sets,
objectives and key results. Objectives and key results match by id, then by the likeness of
their titles; a key result that moved to another objective is one change ("objective").
Owners that lost one role and gained another count as a substitution for roles renamed in use.
"""

from __future__ import annotations

from collections import Counter

from okrdsl import ir
from okrdsl.diff import Change, Field, _fields, _Side, likeness, pair, words
from okrdsl.diff_fields import link as _link, lines as _lines, names as _names
from okrdsl.records import frozen


def policy_changes(old: ir.Policy | None, new: ir.Policy | None) -> list[Change]:
    """The policy in force on each side (its own, or an included one's), field by field."""
    fields = _fields(_policy_fields(old), _policy_fields(new))
    if not fields:
        return []
    kind = "added" if old is None else "removed" if new is None else "changed"
    return [Change(kind, "policy", "policy", "policy" if old else None, "policy" if new else None, fields,
                   old.span if old else None, new.span if new else None)]


def _policy_fields(policy: ir.Policy | None) -> dict:
    if policy is None:
        return {}
    counts = [f"{c.kind} per {c.level}: {_range(c.low, c.high)}" for c in policy.counts]
    return {
        "company objectives": _number(policy.company_objectives),
        "key results per objective": _range(policy.min_key_results, policy.max_key_results)
        if policy.min_key_results is not None or policy.max_key_results is not None else None,
        "capped levels": _names(policy.capped_levels),
        "objectives at capped levels": _number(policy.max_capped_objectives),
        "counts": _lines(counts),
        "levels": _names(policy.levels),
        "owners own their key results": "yes" if policy.own_owner else None,
        "health": _names(policy.health),
        "bands": _lines(f"{b.name} {b.low}..{b.high}" + (f" as {b.health}" if b.health else "") for b in policy.bands),
        "score rollup": policy.score_rollup,
    }


def _number(value) -> str | None:
    return None if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _range(low, high) -> str:
    if low is None:
        return f"at most {high}"
    if high is None:
        return f"at least {low}"
    return str(low) if low == high else f"{low}..{high}"


def okr_changes(a: _Side, b: _Side, substitutions: Counter) -> list[Change]:
    """The changes of OKR sets (matched by quarter, then in order) and of what they hold."""
    old_sets = [s for spec in a.visible for s in spec.okr_sets]
    new_sets = [s for spec in b.visible for s in spec.okr_sets]
    quarter = lambda s: str(s.quarter) if s.quarter is not None else ""  # noqa: E731
    pairs, left_old, left_new = pair(old_sets, new_sets, quarter, lambda x, y: 1.0)
    found = []
    for i, j in pairs:
        x, y = old_sets[i], new_sets[j]
        if quarter(x) != quarter(y):
            found.append(Change("changed", "okr set", "okrs", quarter(x), quarter(y),
                                (Field("quarter", quarter(x), quarter(y)),), x.span, y.span))
        found += _objectives(x, y, a, b, substitutions)
    for i in left_old:
        found.append(Change("removed", "okr set", "okrs", quarter(old_sets[i]), None,
                            (Field("objectives", str(len(old_sets[i].objectives)), None),), old_sets[i].span))
        found += _objectives(old_sets[i], ir.OkrSet(None), a, b, substitutions)
    for j in left_new:
        found.append(Change("added", "okr set", "okrs", None, quarter(new_sets[j]),
                            (Field("objectives", None, str(len(new_sets[j].objectives))),), None, new_sets[j].span))
        found += _objectives(ir.OkrSet(None), new_sets[j], a, b, substitutions)
    return found


def _title_score(x, y) -> float:
    return likeness(words(x.title), words(y.title))


def _objectives(x: ir.OkrSet, y: ir.OkrSet, a: _Side, b: _Side, substitutions: Counter) -> list[Change]:
    def compare(old, new, what, fields_of, key=lambda o: o.id.value):
        pairs, left_old, left_new = pair(old, new, key, _title_score, tokens=lambda o: set(words(o.title)) or {""})
        found = []
        for i, j in pairs:
            fields = _fields(fields_of(old[i]), fields_of(new[j]))
            kind = "renamed" if key(old[i]) != key(new[j]) else "changed"
            if fields or kind == "renamed":
                found.append(Change(kind, what, "okrs", key(old[i]), key(new[j]), fields, old[i].span, new[j].span))
            before = Counter(a.canonical(n.value) for n in old[i].owners)
            after = Counter(b.canonical(n.value) for n in new[j].owners)
            lost, gained = before - after, after - before
            if len(lost) == 1 and len(gained) == 1:
                substitutions[(next(iter(lost)), next(iter(gained)))] += 1
        found += [Change("removed", what, "okrs", key(old[i]), None, _fields(fields_of(old[i]), {}), old[i].span)
                  for i in left_old]
        found += [Change("added", what, "okrs", None, key(new[j]), _fields({}, fields_of(new[j])), None, new[j].span)
                  for j in left_new]
        return found

    found = compare(list(x.objectives), list(y.objectives), "objective", _objective_fields)
    old_krs = [(o.id.value, kr) for o in x.objectives for kr in o.key_results]
    new_krs = [(o.id.value, kr) for o in y.objectives for kr in o.key_results]
    found += compare([_KR(o, kr) for o, kr in old_krs], [_KR(o, kr) for o, kr in new_krs], "key result", _kr_fields)
    return found


@frozen
class _KR:
    """A key result with the id of its objective, so that moving it to another objective is a change."""

    objective: str
    kr: ir.KeyResult

    @property
    def id(self) -> ir.Name:
        return self.kr.id

    @property
    def title(self) -> str:
        return self.kr.title

    @property
    def owners(self):
        return self.kr.owners

    @property
    def span(self):
        return self.kr.span


def _objective_fields(objective: ir.Objective) -> dict:
    return {"level": objective.level, "title": objective.title, "owners": _names(objective.owners),
            "aligns to": objective.aligns.value if objective.aligns else None,
            "links": _lines(_link(link) for link in objective.links)}


def _kr_fields(found: _KR) -> dict:
    kr = found.kr
    return {"objective": found.objective, "title": kr.title,
            "owners": _names(kr.owners) if not kr.owners_inherited else None,
            "target": kr.target, "progress": _percent(kr.progress), "score": _percent(kr.score),
            "health": kr.health, "links": _lines(_link(link) for link in kr.links)}


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:g}%"
