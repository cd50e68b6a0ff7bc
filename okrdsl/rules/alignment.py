"""OKR304, OKR305 and OKR313: how objectives align to each other, upward through the levels,
without loops, and in the numbers the policy asks for."""

from __future__ import annotations

from okrdsl import ir
from okrdsl.diagnostics import Severity
from okrdsl.rules import Context, Finding, rule
from okrdsl.rules.okrs import meets, needs, policy_of, sets_of
from okrdsl.scoring import LEVEL_RANKS, scoring
from okrdsl.words import loop_text, plural

ERROR = Severity.ERROR


@rule("OKR304", "bad-alignment", ERROR)
def bad_alignment(context: Context):
    """An objective aligns to one at its own level or below.

    Objectives cascade down: company, then shared R&D, then product and
    engineering, or the levels the policy declares, highest first
    (`levels company, function, team`). An objective aligns to one of a
    higher level; objectives of the highest level align to nothing.

    Bad:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
        okrs for FY23-Q3
          objective P1 product "Grow usage" owner VPP
            kr P1.1 "Raise monthly active users by 5%" owner VPP
          objective P2 product "Retain users" owner VPP aligns to P1  # OKR304
            kr P2.1 "Cut churn by 2 points" owner VPP

    Good:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
        okrs for FY23-Q3
          objective R1 shared "Grow usage together" owner VPP
            kr R1.1 "Raise monthly active users by 5%" owner VPP
          objective P2 product "Retain users" owner VPP aligns to R1
            kr P2.1 "Cut churn by 2 points" owner VPP
    """
    for file in context.files():
        ranks = scoring(file.scope.policy).ranks
        for okr_set in file.spec.okr_sets:
            by_id = {o.id.value: o for o in okr_set.objectives}
            for objective in okr_set.objectives:
                parent = by_id.get(objective.aligns.value) if objective.aligns else None
                if parent is None or objective.level not in ranks or parent.level not in ranks:
                    continue
                if ranks[parent.level] >= ranks[objective.level] and parent is not objective:
                    yield Finding(objective.aligns.span, f'{objective.level} objective "{objective.id.value}" aligns to '
                                  f'{parent.level} objective "{parent.id.value}": it must align to a higher level',
                                  _higher_hint(objective.level, ranks))


def _higher_hint(level: str, ranks: dict) -> str:
    """Which levels an objective of `level` may align to, in words."""
    if ranks == LEVEL_RANKS:
        return ("align it to a company objective" if level == "shared"
                else "align it to a company objective, or a shared R&D one")
    higher = [name for name, rank in ranks.items() if rank < ranks[level]]
    if not higher:
        return f"{level} is the highest level: remove `aligns to`"
    return "align it to " + " or ".join(f"a {name}" for name in higher) + " objective"


@rule("OKR305", "alignment-loop", ERROR)
def alignment_loop(context: Context):
    """Objectives align to each other in a loop (or one aligns to itself).

    Alignment is a tree that cascades from the company objectives; a loop has
    no top, so none of its objectives supports a company objective.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO aligns to C1  # OKR305
            kr C1.1 "Raise paid GMAU by 10%" owner CEO

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
    """
    for file in context.files():
        for okr_set in file.spec.okr_sets:
            yield from _alignment_loops(okr_set)


def _alignment_loops(okr_set: ir.OkrSet):
    """One walk up the `aligns to` links from each objective, stopping at an objective an
    earlier walk reached: each objective is walked once, so a chain of any length costs its
    length. Each loop is reported once, at the objective of it written first."""
    by_id = {o.id.value: o for o in okr_set.objectives}
    written = {id(o): number for number, o in enumerate(okr_set.objectives)}
    walk_of: dict[int, int] = {}  # id(objective) -> the number of the walk that reached it
    for number, current in enumerate(okr_set.objectives):
        path: list[ir.Objective] = []
        while current is not None and id(current) not in walk_of:
            walk_of[id(current)] = number
            path.append(current)
            current = by_id.get(current.aligns.value) if current.aligns is not None else None
        if current is None or walk_of[id(current)] != number:
            continue  # the top of the tree, or a part walked before
        loop = path[path.index(current):]
        first = min(range(len(loop)), key=lambda place: written[id(loop[place])])
        names = [o.id.value for o in loop[first:] + loop[:first]]
        yield Finding(loop[first].aligns.span, "these objectives align to each other in a loop: " + loop_text(names))


@rule("OKR313", "aligned-count", ERROR)
def aligned_count(context: Context):
    """An objective has fewer or more objectives, or key results, aligned to it than the policy asks.

    GitLab asks for "2-3 function KRs that cascade from each company-level
    objective": write `objectives aligned to each company objective: 2..3` or
    `key results aligned to each company objective: at least 2`. The key
    results counted are those of the objectives that align to it.

    Bad:
        roles
          CEO "Chief Executive Officer"
          VPP "VP of Product"
        policy
          company objectives: 1
          objectives aligned to each company objective: at least 2
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO  # OKR313
            kr C1.1 "Raise paid GMAU by 10%"
          objective R1 shared "Make our top categories lovable" owner VPP aligns to C1
            kr R1.1 "Three categories reach complete maturity"

    Good:
        roles
          CEO "Chief Executive Officer"
          VPP "VP of Product"
        policy
          company objectives: 1
          objectives aligned to each company objective: at least 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%"
          objective R1 shared "Make our top categories lovable" owner VPP aligns to C1
            kr R1.1 "Three categories reach complete maturity"
    """
    for file, okr_set in sets_of(context):
        policy = policy_of(file)
        counts = [c for c in policy.counts if c.kind != "key-results"]
        if not counts:
            continue
        children: dict[str, list[ir.Objective]] = {}
        for objective in okr_set.objectives:
            if objective.aligns is not None:
                children.setdefault(objective.aligns.value, []).append(objective)
        for objective in okr_set.objectives:
            below = children.get(objective.id.value, [])
            for count in (c for c in counts if c.level.value == objective.level):
                if count.kind == "aligned-objectives":
                    found = plural(len(below), "objective")
                    number = len(below)
                else:
                    number = sum(len(child.key_results) for child in below)
                    found = plural(number, "key result")
                if not meets(number, count.low, count.high):
                    yield Finding(objective.id.span, f'{objective.level} objective "{objective.id.value}" has {found} '
                                  f"aligned to it; the policy at {count.span} asks for {needs(count.low, count.high)}",
                                  "align more objectives to it, or fewer" if count.kind == "aligned-objectives"
                                  else "change the key results of the objectives that align to it")
