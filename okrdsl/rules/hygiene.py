"""OKR5xx: warnings about things that are legal but probably unintended."""

from __future__ import annotations

import re

import attrs

from okrdsl import ir
from okrdsl.diagnostics import Severity
from okrdsl.rules import Context, Finding, rule
from okrdsl.confusables import describe_difference, skeleton
from okrdsl.new import is_placeholder, placeholder_message, placeholders
from okrdsl.symbols import declarations, role_references, text_references, works

WARNING = Severity.WARNING
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


@rule("OKR501", "unused-role", WARNING)
def unused_role(context: Context):
    """A role declared beside the process or OKRs is named nowhere in that file.

    A role that no step, meeting, OKR or mention uses is often a leftover or
    a typo for a role that is used. Roles of a shared catalogue (a file with
    roles only, included by the quarters) are not reported: each quarter uses
    some of them.

    Bad:
        roles
          PM "Product Manager"
          PgM "Program Manager"  # OKR501
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs

    Good:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs
    """
    for file in context.files():
        if not (file.spec.phases or file.spec.okr_sets):
            continue
        named = {name.value for name in context.names(file, role_references)}  # a few names, said many times
        used = {id(declared.node) for declared in map(file.scope.role, named) if declared is not None}
        for role in file.spec.roles:
            duplicate = file.scope.roles[role.id.value].node is not role  # OKR105 reports it
            if id(role) not in used and not duplicate:
                yield Finding(role.id.span, f'role "{role.id.value}" is declared but never named',
                              "remove it, or name it where it takes part")


@rule("OKR502", "unused-artifact", WARNING)
def unused_artifact(context: Context):
    """A declared artifact is referred to nowhere.

    Artifacts are declared to be referred to as `#id` in steps and notes; one
    that nothing in its file mentions is probably missing from a step.
    Artifacts of a file without phases (shared declarations, included by the
    quarters) are not reported.

    Bad:
        roles
          PM "Product Manager"
        artifact planning issue "Planning issue"  # OKR502
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs

    Good:
        roles
          PM "Product Manager"
        artifact planning issue "Planning issue"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs in #planning
    """
    for file in context.files():
        if not file.spec.phases:
            continue  # a file of shared declarations: the files that include it use them
        named = {name.value for name in context.names(file, text_references)}
        for artifact in file.spec.artifacts:
            if artifact.id.value not in named:
                yield Finding(artifact.id.span, f'artifact "{artifact.id.value}" is declared but never referred to',
                              f"mention it as #{artifact.id.value} where it is used, or remove it")


@rule("OKR503", "empty-phase", WARNING)
def empty_phase(context: Context):
    """A phase has no steps, meetings, cadences or permissions.

    A phase holds the work of a part of the cycle; an empty one is usually a
    draft that was never filled in.

    Bad:
        phase kickoff "Kick-off"  # OKR503
          note: to be written

    Good:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs
    """
    for file in context.files():
        for phase in file.spec.phases:
            if not phase.items:
                yield Finding(phase.id.span, f'phase "{phase.id.value}" has no steps, meetings, cadences or permissions')


@rule("OKR504", "meeting-without-scheduler", WARNING)
def meeting_without_scheduler(context: Context):
    """A meeting says nobody schedules it.

    Meetings that nobody is asked to schedule tend not to happen; say who
    does with `scheduled by ROLE`.

    Bad:
        phase kickoff "Kick-off"
          meeting session1 "Session 1" at -6w  # OKR504
            goal "Discuss OKR ideas"

    Good:
        roles
          ProductOps "Product Operations"
        phase kickoff "Kick-off"
          meeting session1 "Session 1" at -6w
            goal "Discuss OKR ideas"
            scheduled by ProductOps
    """
    for file in context.files():
        for item in file.items:
            if isinstance(item, ir.Meeting) and not item.scheduled_by:
                yield Finding(item.id.span, f'meeting "{item.id.value}" has no `scheduled by`',
                              "add `scheduled by ROLE` under it")


@rule("OKR505", "meeting-without-goal", WARNING)
def meeting_without_goal(context: Context):
    """A meeting has no goal.

    A goal tells attendees why they meet: `goal "..."`.

    Bad:
        roles
          ProductOps "Product Operations"
        phase kickoff "Kick-off"
          meeting session1 "Session 1" at -6w  # OKR505
            scheduled by ProductOps

    Good:
        roles
          ProductOps "Product Operations"
        phase kickoff "Kick-off"
          meeting session1 "Session 1" at -6w
            goal "Discuss OKR ideas"
            scheduled by ProductOps
    """
    for file in context.files():
        for item in file.items:
            if isinstance(item, ir.Meeting) and not item.goal:
                yield Finding(item.id.span, f'meeting "{item.id.value}" has no goal', 'add `goal "..."` under it')


def _links(spec: ir.Spec):
    if spec.process:
        for written in spec.process.links:
            yield written.link.url, written.link.span
    for artifact in spec.artifacts:
        if artifact.link:
            yield artifact.link.url, artifact.link.span
    for item in spec.items():
        if isinstance(item, ir.Meeting) and item.agenda is not None:
            yield item.agenda.url, item.agenda.span
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            for link in objective.links + tuple(link for kr in objective.key_results for link in kr.links):
                yield link.url, link.span


@rule("OKR506", "not-a-web-link", WARNING)
def not_a_web_link(context: Context):
    """A link is not an http or https URL.

    Links in angle brackets are opened by people and tools; a relative path
    such as `</handbook/product/>` or a typo such as `<htps://...>` will not
    open. Write the full address.

    Bad:
        roles
          PLT "Product Leadership Team"
        artifact themes page "Product investment themes" </direction/#themes>  # OKR506
        phase kickoff "Kick-off"
          at -8w: PLT drafts OKRs aligned to the #themes

    Good:
        roles
          PLT "Product Leadership Team"
        artifact themes page "Product investment themes" <https://about.gitlab.com/direction/#themes>
        phase kickoff "Kick-off"
          at -8w: PLT drafts OKRs aligned to the #themes
    """
    for file in context.files():
        for url, span in _links(file.spec):
            if not _URL.fullmatch(url) and not is_placeholder(url):  # OKR514 names what to fill in
                yield Finding(span, f"<{url}> is not a web address", "write it in full, starting with https://")


@rule("OKR507", "look-alike-names", WARNING)
def look_alike_names(context: Context):
    """Two names look the same but are spelled with different characters.

    Latin "CEO" and Cyrillic "СЕО" look alike on screen, so a reviewer cannot
    tell them apart, yet they are two different names: a step given to one is
    not given to the other. okrdsl compares names by Unicode's confusables
    skeleton, among roles (ids and aliases, with those of included files),
    among artifacts, meetings and steps, among phases, and among objectives and
    key results. The warning names the characters that differ.

    Bad:
        roles
          CEO "Chief Executive Officer"
          СЕО "Chief Executive Officer, typed on a Cyrillic keyboard"  # OKR507
        phase kickoff "Kick-off"
          at -4w: CEO reviews the OKRs
            СЕО approves them

    Good:
        roles
          CEO "Chief Executive Officer"
        phase kickoff "Kick-off"
          at -4w: CEO reviews the OKRs
            CEO approves them
    """
    for file in context.files():
        seen: dict[tuple[str, str], tuple[str, ir.Name]] = {}
        for spec in file.visible:
            for table, label, name in _names(spec):
                if table != "roles" and spec is not file.spec:
                    continue
                first_label, first = seen.setdefault((table, skeleton(name.value)), (label, name))
                if first.value != name.value:
                    yield Finding(name.span, f"{label} looks like {first_label} ({first.span}) but is spelled "
                                  f"with other characters: {describe_difference(name.value, first.value)}",
                                  "retype one of the names so that they differ visibly, or use one name for both")


def _names(spec: ir.Spec):
    """(table, label, name) of what a spec declares, as symbols.declarations, with role aliases."""
    for role in spec.roles:
        yield "roles", f'role "{role.id.value}"', role.id
        yield from (("roles", f'alias "{alias.value}" of role "{role.id.value}"', alias) for alias in role.aliases)
    yield from ((table, f'{kind} "{name.value}"', name) for table, kind, name in declarations(spec) if table != "roles")


@rule("OKR509", "or-in-actors", WARNING)
def or_in_actors(context: Context):
    """A step's text starts with "or" and a role: only the role before it does the step.

    Actors are joined by commas, `and`, `&` or `/`; `or` does not join them, so
    `CEO or CoS approves` is read as the CEO doing "or CoS approves". To say
    that either may do it, name both and say so in the text, or write a
    permission that needs one approval (`approval from CEO or CoS`).

    Bad:
        roles
          CEO "Chief Executive Officer"
          CoS "Chief of Staff to the CEO"
        phase approve "Approval"
          at -2w: CoS collects the company OKRs
          at -1w: CEO or CoS approves the company OKRs  # OKR509

    Good:
        roles
          CEO "Chief Executive Officer"
          CoS "Chief of Staff to the CEO"
        phase approve "Approval"
          at -2w: CoS collects the company OKRs
          at -1w: CEO approves the company OKRs, or delegates it to the @CoS
    """
    for file in context.files():
        for work in works(file.spec):
            words = work.text.value.split(None, 2)
            if len(words) >= 2 and words[0].lower() == "or" and file.scope.role(words[1].strip(",")) is not None \
                    and work.actors:
                actors = ", ".join(a.value for a in work.actors)
                span = work.text.span
                size = len(words[0]) + 1 + len(words[1].strip(","))
                where = attrs.evolve(span, end_line=span.line, end_column=span.column + size, end=span.start + size)
                yield Finding(where, f'only {actors} does this: "or" does not join actors, so '
                              f'"{words[0]} {words[1]}" is read as part of what is done',
                              f"name both ({actors}, {words[1].strip(',')}) and say who in the text, or use a "
                              f"permission with `approval from {actors} or {words[1].strip(',')}`")


@rule("OKR510", "item-without-id", WARNING, opt_in=True)
def item_without_id(context: Context):
    """A step, cadence or permission has no id written with `as`.

    Without `as ID`, an item's id is derived from its phase, first actor and first
    words (see "Item ids" in the language reference). It survives re-timing and
    moving other items, but not rewording the start of the text or moving the item
    to another phase, and tools that track it by id (the schedule's JSON, a calendar,
    a diff) then see a new item. This rule is off unless selected, for teams that
    want every id to survive rewording.

    Bad:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs  # OKR510

    Good:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w as draft: PM drafts the OKRs
    """
    for file in context.files():
        for item in file.items:
            if isinstance(item, ir.Meeting) or item.id is not None:
                continue
            kind = type(item).__name__.lower()
            text = item.text.span
            line = attrs.evolve(item.span, end_line=text.end_line, end_column=text.end_column, end=text.end)
            yield Finding(line, f'{kind} "{item.key}" has no id of its own, so rewording it changes its id',
                          "give it one with `as` right before the colon, such as `at -4w as draft:`"
                          if kind == "step" else "give it one with `as` right before the colon")


@rule("OKR514", "placeholder-link", WARNING)
def placeholder_link(context: Context):
    """A link is still a placeholder, `<fill-in>`, to fill in.

    `okrdsl new` starts the next quarter's spec with `<fill-in>` where the new
    quarter needs a link of its own that does not exist yet: its feedback
    issue, its planning issue, its overview video. The warning says what each
    one stands for, until the address is filled in.

    Bad:
        process "FY23 Q4 Product OKR Workflow" for FY23-Q4
          feedback <fill-in> "FY23-Q4 feedback issue"  # OKR514

    Good:
        process "FY23 Q4 Product OKR Workflow" for FY23-Q4
          feedback <https://gitlab.com/gitlab-com/Product/-/issues/4500> "FY23-Q4 feedback issue"
    """
    for file in context.files():
        for link, what in placeholders(file.spec):
            yield Finding(link.span, *placeholder_message(link.url, what))


@rule("OKR515", "repeated-item", WARNING)
def repeated_item(context: Context):
    """A step, cadence or permission repeats an earlier one of its phase word for word.

    The same time, the same people and the same words twice is most often a
    line pasted twice, or an edit made to one copy of a step and not to the
    other. Both would show on every page and in the calendar. The same words
    at another time, or by other people, are a different item and are fine.
    White space between words does not count.

    Bad:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs
          at -4w: PM drafts the OKRs  # OKR515

    Good:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs
          at -2w: PM drafts the OKRs
    """
    for file in context.files():
        source = context.workspace.sources.get(file.path)
        if source is None:
            continue
        for phase in file.spec.phases:
            first: dict[str, ir.Item] = {}
            for item in phase.items:
                if isinstance(item, ir.Meeting):
                    continue  # a meeting has an id of its own: a second one is OKR105
                written = " ".join(source.text[item.span.start:item.span.end].split())
                earlier = first.setdefault(written, item)
                if earlier is not item:
                    yield Finding(item.text.span,
                                  f"this {item.kind} repeats the one on line {earlier.span.line} word for word",
                                  "remove one of them; if both are meant, say how they differ (a time, a role, "
                                  "the words)")
