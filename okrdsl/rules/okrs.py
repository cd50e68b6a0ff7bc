"""OKR3xx: the shape of an OKR set, with the numbers of the spec's policy.

Without a policy block, the handbook's numbers apply: 3 company objectives,
1 to 3 key results per objective, and at most 6 objectives across the shared
R&D, product and engineering levels together.
"""

from __future__ import annotations

import os
import re

from okrdsl import ir
from okrdsl.calendar import format_quarter, parse_quarter
from okrdsl.diagnostics import Severity
from okrdsl.words import did_you_mean, loop_text, plural
from okrdsl.rules import Context, Finding, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
HEALTH = ("on-track", "needs-attention", "at-risk")
DEFAULT_CAPPED = ("shared", "product", "engineering")
# Product and engineering objectives sit side by side, under shared R&D ones.
_RANK = {"company": 0, "shared": 1, "product": 2, "engineering": 2}


def _policy(file) -> ir.Policy:
    return file.scope.policy or ir.Policy()


def _sets(context: Context):
    for file in context.files():
        for okr_set in file.spec.okr_sets:
            yield file, okr_set


@rule("OKR301", "company-objectives", ERROR)
def company_objectives(context: Context):
    """An OKR set does not have the policy's number of company objectives (3 by default).

    The CEO shares "the 3 Company Objectives for the quarter"; the number can
    be changed with `company objectives: N` in a policy block.

    Bad:
        roles
          CEO "Chief Executive Officer"
        okrs for FY23-Q3  # OKR301
          objective C1 company "Deliver customer results" owner CEO
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
    for file, okr_set in _sets(context):
        wanted = _policy(file).company_objectives
        wanted = 3 if wanted is None else wanted
        found = [o for o in okr_set.objectives if o.level == "company"]
        if len(found) != wanted:
            policy = file.scope.policy
            has = f"this OKR set has {plural(len(found), 'company objective')}"
            if policy and policy.company_objectives is not None:
                yield Finding(_header(okr_set), f"{has}; the policy at {policy.span} asks for exactly {wanted}")
            else:
                yield Finding(_header(okr_set), f"{has}; it should have exactly {wanted}, the handbook's number",
                              "set another number with `company objectives: N` in a policy block")


def _header(okr_set: ir.OkrSet):
    """The span of the `okrs for ...` line."""
    span = okr_set.span
    quarter = okr_set.quarter.span if okr_set.quarter else None
    if quarter is None:
        return span
    return type(span)(span.path, span.line, span.column, quarter.end_line, quarter.end_column, span.start, quarter.end)


@rule("OKR302", "key-result-count", ERROR)
def key_result_count(context: Context):
    """An objective has fewer or more key results than the policy allows (1 to 3 by default).

    "One to three Key Results for each objective"; change the range with
    `key results per objective: MIN..MAX` in a policy block.

    Bad:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
        okrs for FY23-Q3
          objective R1 shared "Make our top categories lovable" owner VPP  # OKR302

    Good:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
        okrs for FY23-Q3
          objective R1 shared "Make our top categories lovable" owner VPP
            kr R1.1 "Three categories reach complete maturity" owner VPP
    """
    for file, okr_set in _sets(context):
        policy = _policy(file)
        low = 1 if policy.min_key_results is None else policy.min_key_results
        high = 3 if policy.max_key_results is None else policy.max_key_results
        for objective in okr_set.objectives:
            count = len(objective.key_results)
            if not low <= count <= high:
                needs = f"{low} to {high}" if low != high else f"exactly {low}"
                yield Finding(objective.id.span, f'objective "{objective.id.value}" has {plural(count, "key result")}; '
                              f"it needs {needs}")


@rule("OKR303", "too-many-objectives", ERROR)
def too_many_objectives(context: Context):
    """More objectives than the policy allows across the capped levels (6 across shared, product and engineering).

    "The total number of Shared R&D, Product team specific, and Engineering
    team specific objectives do not exceed a total of six." Change it with
    `objectives across shared, product, engineering: at most N`.

    Bad:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
          objectives across shared, product: at most 1
        okrs for FY23-Q3
          objective R1 shared "Make our top categories lovable" owner VPP
            kr R1.1 "Three categories reach complete maturity" owner VPP
          objective P1 product "Grow usage" owner VPP  # OKR303
            kr P1.1 "Raise monthly active users by 5%" owner VPP

    Good:
        roles
          VPP "VP of Product"
        policy
          company objectives: 0
          objectives across shared, product: at most 2
        okrs for FY23-Q3
          objective R1 shared "Make our top categories lovable" owner VPP
            kr R1.1 "Three categories reach complete maturity" owner VPP
          objective P1 product "Grow usage" owner VPP
            kr P1.1 "Raise monthly active users by 5%" owner VPP
    """
    for file, okr_set in _sets(context):
        policy = _policy(file)
        levels = tuple(n.value for n in policy.capped_levels) or DEFAULT_CAPPED
        limit = 6 if policy.max_capped_objectives is None else policy.max_capped_objectives
        capped = [o for o in okr_set.objectives if o.level in levels]
        if len(capped) > limit:
            first_over = capped[limit]
            yield Finding(first_over.id.span, f"this OKR set has {len(capped)} objectives across "
                          f"{', '.join(levels)}; at most {limit} are allowed",
                          "merge or drop objectives, or raise the limit in the policy block")


@rule("OKR304", "bad-alignment", ERROR)
def bad_alignment(context: Context):
    """An objective aligns to one at its own level or below.

    Objectives cascade down: company, then shared R&D, then product and
    engineering. An objective aligns to one of a higher level; company
    objectives align to nothing.

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
        for okr_set in file.spec.okr_sets:
            by_id = {o.id.value: o for o in okr_set.objectives}
            for objective in okr_set.objectives:
                parent = by_id.get(objective.aligns.value) if objective.aligns else None
                if parent is None or objective.level not in _RANK or parent.level not in _RANK:
                    continue
                if _RANK[parent.level] >= _RANK[objective.level] and parent is not objective:
                    yield Finding(objective.aligns.span, f'{objective.level} objective "{objective.id.value}" aligns to '
                                  f'{parent.level} objective "{parent.id.value}": it must align to a higher level',
                                  "align it to a company objective" if objective.level == "shared"
                                  else "align it to a company objective, or a shared R&D one")


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


@rule("OKR306", "missing-owner", ERROR)
def missing_owner(context: Context):
    """An objective or key result has no owner.

    Every objective and key result needs someone accountable: `owner ROLE`.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%"  # OKR306

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
    """
    for file, okr_set in _sets(context):
        for objective in okr_set.objectives:
            if not objective.owners:
                yield Finding(objective.id.span, f'objective "{objective.id.value}" has no owner',
                              "add owner ROLE to its line")
            for key_result in objective.key_results:
                if not key_result.owners:
                    yield Finding(key_result.id.span, f'key result "{key_result.id.value}" has no owner',
                                  "add owner ROLE to its line")


@rule("OKR307", "progress-out-of-range", ERROR)
def progress_out_of_range(context: Context):
    """A key result's progress is above 100%.

    Progress is scored from 0% to 100%.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO progress 140%  # OKR307

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO progress 100%
    """
    for file, okr_set in _sets(context):
        for objective in okr_set.objectives:
            for key_result in objective.key_results:
                if key_result.progress is not None and not 0 <= key_result.progress <= 100:
                    yield Finding(key_result.progress_span, f'key result "{key_result.id.value}" is {key_result.progress:.10g}% '
                                  "done; progress runs from 0% to 100%")


@rule("OKR308", "unknown-health", ERROR)
def unknown_health(context: Context):
    """A key result's health is not on-track, needs-attention or at-risk.

    Health is separate from progress: how confident the owner is that the key
    result will be met, as GitLab's work items record it.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO health ontrack  # OKR308

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO health on-track
    """


    for file, okr_set in _sets(context):
        for objective in okr_set.objectives:
            for key_result in objective.key_results:
                if key_result.health is not None and key_result.health not in HEALTH:
                    yield Finding(key_result.health_span, f'"{key_result.health}" is not a health status',
                                  did_you_mean(key_result.health, HEALTH) or "use on-track, needs-attention or at-risk")


@rule("OKR309", "bad-policy", ERROR)
def bad_policy(context: Context):
    """A policy block's numbers cannot be met or name an unknown level.

    `key results per objective: MIN..MAX` needs MIN no larger than MAX, and
    `objectives across LEVELS` takes the levels company, shared, product and
    engineering.

    Bad:
        policy
          key results per objective: 3..1  # OKR309

    Good:
        policy
          key results per objective: 1..3
    """


    for file in context.files():
        policy = file.spec.policy
        if policy is None:
            continue
        low, high = policy.min_key_results, policy.max_key_results
        if low is not None and high is not None and low > high:
            yield Finding(policy.key_results_span, f"key results per objective: {low}..{high} cannot be met: {low} is more than {high}",
                          f"write {high}..{low}")
        for level in policy.capped_levels:
            if level.value not in ir.OBJECTIVE_LEVELS:
                yield Finding(level.span, f'"{level.value}" is not a level of objective',
                              did_you_mean(level.value, ir.OBJECTIVE_LEVELS) or "use company, shared, product or engineering")


_NAMED_QUARTER = re.compile(r"fy(\d{2}|\d{4})[-_ ]?q([1-4])(?!\d)", re.IGNORECASE)


def _quarter_in_name(path: str) -> tuple[int, int] | None:
    named = _NAMED_QUARTER.search(os.path.basename(path))
    try:
        return parse_quarter(f"FY{named.group(1)}-Q{named.group(2)}") if named else None
    except ValueError:
        return None


@rule("OKR310", "quarter-mismatch", WARNING)
def quarter_mismatch(context: Context):
    """A quarter disagrees with the file name or with the process beside it.

    A file named for a quarter (`fy23-q3.okrp`) should hold that quarter's
    process and OKRs, and an OKR set beside a process should be for the
    process's quarter. A mismatch is usually last quarter's file, copied and
    not yet updated.

    Bad:
        process "Workflow" for FY23-Q3
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q2  # OKR310
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO

    Good:
        process "Workflow" for FY23-Q3
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
    """
    for file in context.files():
        process = file.spec.process
        expected = _quarter_in_name(file.path)
        written = ([process.quarter] if process and process.quarter else []) + \
            [okr_set.quarter for okr_set in file.spec.okr_sets if okr_set.quarter]
        for quarter in written:
            here = (quarter.year, quarter.number)
            if expected is not None and here != expected:
                yield Finding(quarter.span, f"the file name says {format_quarter(*expected)}, but this is for {quarter}",
                              "update the quarter, or rename the file")
            elif expected is None and process and process.quarter and quarter is not process.quarter \
                    and here != (process.quarter.year, process.quarter.number):
                yield Finding(quarter.span, f"these OKRs are for {quarter}, but the process is for "
                              f"{process.quarter} ({process.quarter.span})")
