"""OKR3xx: the shape of an OKR set, with the numbers and words of the spec's policy.

Without a policy block, the handbook's numbers apply: 3 company objectives,
1 to 3 key results per objective, and at most 6 objectives across the shared
R&D, product and engineering levels together; and GitLab's words (see
`okrdsl.scoring`).
"""

from __future__ import annotations

import os
import re

from okrdsl import ir
from okrdsl.calendar import format_quarter, parse_quarter
from okrdsl.diagnostics import Severity
from okrdsl.rules import Context, Finding, rule
from okrdsl.scoring import COMPANY_OBJECTIVES, KEY_RESULTS, scoring
from okrdsl.words import did_you_mean, plural

ERROR, WARNING = Severity.ERROR, Severity.WARNING
DEFAULT_CAPPED = ("shared", "product", "engineering")


def policy_of(file) -> ir.Policy:
    return file.scope.policy or ir.Policy()


def sets_of(context: Context):
    for file in context.files():
        for okr_set in file.spec.okr_sets:
            yield file, okr_set


def key_results(context: Context):
    """(file, objective, key result) for every key result."""
    for file, okr_set in sets_of(context):
        for objective in okr_set.objectives:
            for key_result in objective.key_results:
                yield file, objective, key_result


def needs(low: int | None, high: int | None) -> str:
    """How many a count asks for, in words: "1 to 3", "exactly 2", "at least 2", "at most 3"."""
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"at most {high}"
    return f"exactly {low}" if low == high else f"{low} to {high}"


def meets(count: int, low: int | None, high: int | None) -> bool:
    return (low is None or count >= low) and (high is None or count <= high)


@rule("OKR021", "unknown-objective-level", ERROR)
def unknown_level(context: Context):
    """An objective's level is not one of the organisation's levels.

    Levels are company, shared, product and engineering, unless the policy
    declares its own, highest first: `levels company, function, team`.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
          objective P1 prodcut "Grow usage" owner CEO  # OKR021
            kr P1.1 "Raise monthly active users by 5%" owner CEO

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
          objective P1 product "Grow usage" owner CEO
            kr P1.1 "Raise monthly active users by 5%" owner CEO
    """
    for file, okr_set in sets_of(context):
        levels = scoring(file.scope.policy).levels
        for objective in okr_set.objectives:
            if objective.level not in levels:
                yield Finding(objective.level_span, f'"{objective.level}" is not a level of objective',
                              did_you_mean(objective.level, levels) or "use one of: " + ", ".join(levels))


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
    for file, okr_set in sets_of(context):
        wanted = policy_of(file).company_objectives
        wanted = COMPANY_OBJECTIVES if wanted is None else wanted
        top = scoring(file.scope.policy).levels[0]  # "company", or the policy's highest level
        found = [o for o in okr_set.objectives if o.level == top]
        if len(found) != wanted:
            policy = file.scope.policy
            has = f"this OKR set has {plural(len(found), f'{top} objective')}"
            if policy and policy.company_objectives is not None:
                yield Finding(_header(okr_set), f"{has}; the policy at {policy.span} asks for exactly {wanted}")
            else:
                yield Finding(_header(okr_set), f"{has}; it should have exactly {wanted}, the default",
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
    `key results per objective: MIN..MAX` in a policy block, or for the
    objectives of one level with `key results per company objective: MIN..MAX`.

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
    for file, okr_set in sets_of(context):
        policy = policy_of(file)
        low = KEY_RESULTS[0] if policy.min_key_results is None else policy.min_key_results
        high = KEY_RESULTS[1] if policy.max_key_results is None else policy.max_key_results
        by_level = {c.level.value: (c.low, c.high) for c in policy.counts if c.kind == "key-results"}
        for objective in okr_set.objectives:
            count = len(objective.key_results)
            wanted = by_level.get(objective.level, (low, high))
            if not meets(count, *wanted):
                yield Finding(objective.id.span, f'objective "{objective.id.value}" has {plural(count, "key result")}; '
                              f"it needs {needs(*wanted)}")


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
    for file, okr_set in sets_of(context):
        policy = policy_of(file)
        levels = tuple(n.value for n in policy.capped_levels) or DEFAULT_CAPPED
        limit = 6 if policy.max_capped_objectives is None else policy.max_capped_objectives
        capped = [o for o in okr_set.objectives if o.level in levels]
        if len(capped) > limit:
            first_over = capped[limit]
            yield Finding(first_over.id.span, f"this OKR set has {len(capped)} objectives across "
                          f"{', '.join(levels)}; at most {limit} are allowed",
                          "merge or drop objectives, or raise the limit in the policy block")


@rule("OKR306", "missing-owner", ERROR)
def missing_owner(context: Context):
    """An objective has no owner, or a key result has none of its own where the policy asks for one.

    Every objective needs someone accountable: `owner ROLE`. A key result
    without an owner is owned by its objective's owners, unless the policy
    says `key results need their own owner` (one DRI per key result).

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results"  # OKR306
            kr C1.1 "Raise paid GMAU by 10%" owner CEO

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%"
    """
    for file, okr_set in sets_of(context):
        policy = policy_of(file)
        for objective in okr_set.objectives:
            if not objective.owners:
                yield Finding(objective.id.span, f'objective "{objective.id.value}" has no owner',
                              "add owner ROLE to its line")
            for key_result in objective.key_results if policy.own_owner else ():
                if key_result.owners_inherited or not key_result.owners:
                    yield Finding(key_result.id.span, f'key result "{key_result.id.value}" has no owner of its own; '
                                  f"the policy at {policy.own_owner_span} asks for one on each key result",
                                  "add owner ROLE to its line")


def either(words) -> str:
    """on-track, needs-attention or at-risk."""
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


@rule("OKR309", "bad-policy", ERROR)
def bad_policy(context: Context):
    """A policy block's numbers cannot be met or name an unknown level.

    `key results per objective: MIN..MAX` (and every other range) needs MIN no
    larger than MAX, and the levels a policy names are company, shared, product
    and engineering, or the ones of its `levels` line.

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
        levels = scoring(policy).levels
        low, high = policy.min_key_results, policy.max_key_results
        if low is not None and high is not None and low > high:
            yield Finding(policy.key_results_span, f"key results per objective: {low}..{high} cannot be met: {low} is more than {high}",
                          f"write {high}..{low}")
        for count in policy.counts:
            if count.low is not None and count.high is not None and count.low > count.high:
                yield Finding(count.span, f"{count.low}..{count.high} cannot be met: {count.low} is more than {count.high}",
                              f"write {count.high}..{count.low}")
        seen: set[str] = set()
        for level in policy.levels:
            if level.value in seen:
                yield Finding(level.span, f'level "{level.value}" is named twice', "name each level once")
            seen.add(level.value)
        for level in (*policy.capped_levels, *(c.level for c in policy.counts)):
            if level.value not in levels:
                yield Finding(level.span, f'"{level.value}" is not a level of objective',
                              did_you_mean(level.value, levels) or "use " + either(levels))


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
