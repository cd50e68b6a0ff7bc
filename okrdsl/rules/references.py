"""OKR1xx: every name refers to something declared, and nothing is declared twice."""

from __future__ import annotations

from okrdsl import ir
from okrdsl.words import did_you_mean
from okrdsl.diagnostics import Severity
from okrdsl.grammar import keywords
from okrdsl.rules import Context, Finding, rule
from okrdsl.symbols import anchor_references, declarations, role_references, text_references, timing_references

ERROR = Severity.ERROR


@rule("OKR102", "unknown-role", ERROR)
def unknown_role(context: Context):
    """A role is named that no roles block declares.

    Wherever a role is named (the actors of a step, an @mention, an owner,
    `scheduled by`, attendees, `approval from`, `led by`), it must be the id of
    a declared role or one of its aliases (PMs for PM). Roles usually come
    from a shared catalogue that the spec includes; while an included file
    is missing or has errors, this rule waits for it to be fixed.

    Bad:
        roles
          PM "Product Manager" aka PMs
        phase kickoff "Kick-off"
          at -4w: PMM drafts the OKRs with the other @PMs  # OKR102

    Good:
        roles
          PM "Product Manager" aka PMs
        phase kickoff "Kick-off"
          at -4w: PMs draft the OKRs
    """
    for file in context.files():
        if not file.complete:
            continue  # an include failed (reported as such): its roles are unknown, not undeclared
        source = context.workspace.sources.get(file.path)
        for name in context.names(file, role_references):
            if file.scope.role(name.value) is None:
                line = source.line_text(name.span.line) if source is not None else ""
                before = line[: name.span.column - 1]
                first_actor = not before.strip() or before.rstrip().endswith(":")
                later_actor = ":" in before and before.rstrip().endswith((",", " and", "&", "/"))
                yield Finding(name.span, f'"{name.value}" is not a declared role',
                              _role_hint(context, name.value, file.scope, bool(line) and not before.strip(),
                                         first_actor and line[name.span.column - 1:].startswith('"'),
                                         first_actor, later_actor))


# The keywords that open a line under a block: a misspelt one reads as a sub-step's role.
# Other keywords (until, then...) are never offered for a role.
_LINE_KEYWORDS = ("intro", "note", "led", "goal", "agenda", "scheduled", "attendees", "fallback", "approval",
                  "duty", "length")


def _role_hint(context: Context, word: str, scope, first_on_line: bool, quoted_actor: bool,
               first_actor: bool = False, later_actor: bool = False) -> str:
    """A close role (case does not count); for the first word of a line (read as a sub-step's
    role), a keyword that opens such lines; for the first actor of a step, how to write a step
    that no one does; for a plain word after a comma among a step's actors, how to say who
    helps."""
    if word in keywords() and first_on_line:
        return (f'"{word}" is a keyword, but this line was read as a sub-step whose first word is a role: '
                "check that the line sits under the right block")
    close = context.suggest(word, scope.role_names) or (did_you_mean(word, _LINE_KEYWORDS) if first_on_line else None)
    if quoted_actor:
        return ((close + " Or: " if close else "") + "a quoted text followed by more words names a role; to say "
                "what happens with no one named, put the whole text in double quotes")
    if close is None and ("-" in word or " " in word):  # only an alias can be written so
        written = f'"{word}"' if " " in word else word
        return f"give it to a role as an alias (aka {written}), or include the role catalogue"
    if close is None and first_actor:
        return ("declare it in a roles block, or include the role catalogue; for a step that no one is named as "
                "doing, put its whole text in double quotes")
    if close is None and later_actor and word.islower():  # `PM, with help from EBA, drafts it`
        return (f'"{word}" follows a comma, "and", "&" or "/" before the step\'s text, so it was read as one more '
                "role doing the step; to say who helps, write it after what is done (\"PM drafts the KRs, with help "
                'from EBA"), or declare the role')
    return close or "declare it in a roles block, or include the role catalogue"


@rule("OKR103", "unknown-reference", ERROR)
def unknown_reference(context: Context):
    """A reference names no artifact, meeting or step of the spec.

    `#id` in text may name an artifact, a meeting or a step given an id with
    `as`. An `after` list and a relative time such as `session1 + 1w` must
    name a meeting or a step, and a relative time one that has a date (not a
    meeting without a time, nor an `ongoing` step).

    Bad:
        roles
          PM "Product Manager"
        artifact planning issue "Planning issue"
        phase kickoff "Kick-off"
          at -6w as session1: PM holds the first session
          at sesion1 + 1w: PM follows up in #planning  # OKR103

    Good:
        roles
          PM "Product Manager"
        artifact planning issue "Planning issue"
        phase kickoff "Kick-off"
          at -6w as session1: PM holds the first session
          at session1 + 1w: PM follows up in #planning
    """
    for file in context.files():
        referable = file.scope.referable()
        for name in context.names(file, text_references) if file.complete else ():
            if name.value not in referable:
                yield Finding(name.span, f'"#{name.value}" is not a declared artifact, meeting or step',
                              context.suggest(name.value, referable) or "declare it with `artifact`, or give the step an id with `as`")
        for name in context.names(file, anchor_references):
            target = file.scope.items.get(name.value)
            when = ir.time_of(target.node) if target else None
            if target is not None and (isinstance(target.node, ir.Cadence) or isinstance(when, ir.Recurrence)):
                what = "cadence" if isinstance(target.node, ir.Cadence) else "meeting"
                yield Finding(name.span, f'{what} "{name.value}" repeats, so no time can count from it',
                              "time this item from a step or meeting, or from the quarter's start or end"
                              + ("; to meet in it, write `in " + name.value + "`" if what == "meeting" else ""))
            elif target is not None and (when is None or isinstance(when, (ir.Ongoing, ir.Following))):
                yield Finding(name.span, f'{target.kind} "{name.value}" has no date, so no time can count from it',
                              f"give {name.value} a time, or time this item from the quarter's start or end")
        anchors = {id(name) for name in context.names(file, anchor_references)}
        for name in timing_references(file.spec):
            target = file.scope.items.get(name.value)
            if target is not None and isinstance(target.node, ir.Cadence) and id(name) not in anchors:
                yield Finding(name.span, f'cadence "{name.value}" repeats, so nothing can come after it',
                              "name the step or meeting this item waits for")
            if target is not None:
                continue
            if name.value in file.scope.artifacts:
                yield Finding(name.span, f'"{name.value}" is an artifact, which has no date: name a meeting or step here')
            else:
                keyword = name.value.lower() in ("start", "end", "middle")
                yield Finding(name.span, f'"{name.value}" is not a meeting or step of this spec',
                              f'write "{name.value.lower()}" in lower case for the quarter\'s {name.value.lower()}'
                              if keyword else context.suggest(name.value, file.scope.items)
                              or "give the step an id with `as`, such as `at -4w as review:`")


@rule("OKR104", "unknown-objective", ERROR)
def unknown_objective(context: Context):
    """An objective aligns to an objective that does not exist.

    `aligns to` names the parent objective by its id, in the same OKR set.

    Bad:
        roles
          CEO "Chief Executive Officer"
          VPP "VP of Product"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
          objective R1 shared "Make our top categories lovable" owner VPP aligns to C9  # OKR104
            kr R1.1 "Three categories reach complete maturity" owner VPP

    Good:
        roles
          CEO "Chief Executive Officer"
          VPP "VP of Product"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO
          objective R1 shared "Make our top categories lovable" owner VPP aligns to C1
            kr R1.1 "Three categories reach complete maturity" owner VPP
    """
    for file in context.files():
        for okr_set in file.spec.okr_sets:
            ids = {objective.id.value for objective in okr_set.objectives}
            for objective in okr_set.objectives:
                parent = objective.aligns
                if parent is not None and parent.value not in ids:
                    yield Finding(parent.span, f'objective "{objective.id.value}" aligns to "{parent.value}", '
                                  f"which is not an objective of this OKR set", context.suggest(parent.value, ids))


@rule("OKR105", "duplicate-id", ERROR)
def duplicate_id(context: Context):
    """Two things are declared with the same id.

    Ids must be unique: roles across a file and everything it includes;
    artifacts, meetings and steps within a file (they share one namespace,
    since `#id` can name any of them); phases; objectives and key results.
    The message names where the id was first declared.

    Bad:
        roles
          PM "Product Manager"
          PM "Program Manager"  # OKR105

    Good:
        roles
          PM "Product Manager"
          PgM "Program Manager"
    """
    for file in context.files():
        seen: dict[tuple[str, str], tuple[str, ir.Name]] = {}
        for spec in file.visible:
            for table, kind, name in declarations(spec):
                if table != "roles" and spec is not file.spec:
                    continue
                first = seen.setdefault((table, name.value), (kind, name))
                if first[1] is not name:
                    yield Finding(name.span, f'{kind} "{name.value}" is declared twice: '
                                  f"the {first[0]} at {first[1].span} has the same id",
                                  "give one of them another id")


@rule("OKR106", "alias-collision", ERROR)
def alias_collision(context: Context):
    """A role's alias is already the id or an alias of another role.

    An alias lets a spec say PMs for PM; if two roles share a name, okrdsl
    cannot tell which one is meant.

    Bad:
        roles
          PM "Product Manager" aka PMs
          PgM "Program Manager" aka PMs  # OKR106

    Good:
        roles
          PM "Product Manager" aka PMs
          PgM "Program Manager" aka PgMs
    """
    for file in context.files():
        named: dict[str, tuple[ir.Role, ir.Name]] = {}
        for spec in file.visible:
            for role in spec.roles:
                for name in (role.id, *role.aliases):
                    first_role, first_name = named.setdefault(name.value, (role, name))
                    if first_role is role or (name is role.id and first_name is first_role.id):
                        continue  # the same role, or two roles with one id (OKR105)
                    what = f'role "{name.value}"' if name is role.id else f'alias "{name.value}" of role "{role.id.value}"'
                    other = "the id" if first_name is first_role.id else "an alias"
                    yield Finding(name.span, f'{what} is already {other} of role "{first_role.id.value}" '
                                  f"({first_name.span})", "choose another name")
