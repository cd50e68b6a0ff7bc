"""Who takes part: steps with no actor, aliases wherever a role stands, approvals in stages,
role duties and meeting lengths; each finding's exact message and position."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import okrdsl
from okrdsl.check import check
from okrdsl.emit.agenda import table, to_json
from okrdsl.grammar import keywords
from okrdsl.schedule import schedule_spec
from okrdsl.symbols import role_references, scope_of

ROLES = ('roles\n  CEO "Chief Executive Officer"\n  CoS "Chief of Staff" aka "CoS to the CEO"\n'
         '  CTO "Chief Technology Officer" aka E-group\n  VPP "VP of Product"\n  PM "Product Manager" aka PMs\n')


def findings(tmp_path, text: str) -> list[tuple]:
    path = tmp_path / "p.okrp"
    path.write_text(text, encoding="utf-8")
    return [(d.code, d.span.line, d.span.column, d.span.end_column, d.message, d.hint)
            for d in check([str(path)]).diagnostics if d.code != "OKR501"]


# --- 1. steps with no actor ---------------------------------------------------------------


def test_a_quoted_step_has_no_actor_and_keeps_its_references():
    spec, diagnostics = okrdsl.loads(ROLES + 'artifact ally tool "Ally.io"\nphase p "P"\n'
                                     '  at week -2: "Function OKRs are put into #ally by @CoS"\n'
                                     '    "Links are shared in #okrs"\n')
    assert diagnostics == ()
    step = spec.phases[0].items[0]
    assert step.actors == ()
    assert step.text.value == "Function OKRs are put into #ally by @CoS"
    assert [(r.kind, r.name.value, r.name.span.column) for r in step.text.refs] == [("item", "ally", 44), ("role", "CoS", 53)]
    assert (step.tasks[0].actors, step.tasks[0].text.value) == ((), "Links are shared in #okrs")


def test_a_quoted_text_followed_by_words_is_a_role(tmp_path):
    assert findings(tmp_path, ROLES + 'phase p "P"\n  at -1w: "Function OKRs" are put into GitLab\n') == [
        ("OKR102", 8, 11, 26, '"Function OKRs" is not a declared role',
         "a quoted text followed by more words names a role; to say what happens with no one named, "
         "put the whole text in double quotes")]


def test_a_misspelt_role_at_the_start_of_an_unquoted_step_is_still_caught(tmp_path):
    assert findings(tmp_path, ROLES + 'phase p "P"\n  at -1w: Finance OKRs are put into GitLab\n') == [
        ("OKR102", 8, 11, 18, '"Finance" is not a declared role', "declare it in a roles block, or include the role catalogue; "
                      "for a step that no one is named as doing, put its whole text in double quotes")]


def test_a_helper_written_among_the_actors_gets_a_hint_on_where_helpers_go(tmp_path):
    hint = ('"with" follows a comma, "and", "&" or "/" before the step\'s text, so it was read as one more role '
            'doing the step; to say who helps, write it after what is done ("PM drafts the KRs, with help from '
            'EBA"), or declare the role')
    text = ROLES + 'phase p "P"\n  at -1w: CEO, with help from CEO, drafts it\n  meeting m "M" at -1w\n    attendees CEO, with\n'
    found = [f for f in findings(tmp_path, text) if f[0] == "OKR102"]
    assert found == [("OKR102", 8, 16, 20, '"with" is not a declared role', hint),
                     ("OKR102", 10, 20, 24, '"with" is not a declared role',
                      "declare it in a roles block, or include the role catalogue")]


def test_the_schedule_shows_an_empty_who():
    spec, _ = okrdsl.loads(ROLES + 'process "P" for FY23-Q3\nphase p "P"\n  at week -2: "OKRs are put into GitLab"\n')
    shown = table(schedule_spec(spec))
    assert "2022-07-18  Mon  week -2  p           OKRs are put into GitLab" in shown
    assert json.loads(to_json(schedule_spec(spec)))["items"][0]["actors"] == []


# --- 2. aliases as actors --------------------------------------------------------------------


def test_aliases_stand_wherever_a_role_does():
    spec, diagnostics = okrdsl.loads(ROLES + 'phase p "P"\n'
                                     '  at -2w: E-group propose OKRs with @E-group and @"CoS to the CEO"\n'
                                     '    "CoS to the CEO" updates the OKR page\n'
                                     '  allow PMs, E-group: change a KR\n    approval from "CoS to the CEO" or E-group\n')
    assert diagnostics == ()
    scope = scope_of([spec])
    assert [(n.value, scope.role(n.value).name.value) for n in role_references(spec)] == [
        ("E-group", "CTO"), ("CoS to the CEO", "CoS"), ("PMs", "PM"), ("E-group", "CTO"),
        ("CoS to the CEO", "CoS"), ("E-group", "CTO"), ("E-group", "CTO"), ("CoS to the CEO", "CoS")]
    task = spec.phases[0].items[0].tasks[0]
    assert (task.actors[0].span.column, task.actors[0].span.end_column) == (5, 21)  # on the quotes


def test_an_undeclared_hyphenated_name_is_named_whole(tmp_path):
    assert findings(tmp_path, ROLES + 'phase p "P"\n  at -1w: Q-team propose OKRs\n') == [
        ("OKR102", 8, 11, 17, '"Q-team" is not a declared role',
         "give it to a role as an alias (aka Q-team), or include the role catalogue")]


@pytest.mark.parametrize("written, meant", [("pm", "PM"), ("ceo", "CEO"), ("e-group", "E-group"), ("pms", "PMs")])
def test_suggestions_fold_case(tmp_path, written, meant):
    (finding,) = findings(tmp_path, ROLES + f'phase p "P"\n  at -1w: {written} drafts\n')
    assert finding[0::5] == ("OKR102", f'did you mean "{meant}"?')


def test_a_role_is_never_offered_a_keyword(tmp_path):
    found = findings(tmp_path, ROLES + 'phase p "P"\n  at -1w: CEO drafts\n    Unit leads review\n')
    assert found == [("OKR102", 9, 5, 9, '"Unit" is not a declared role',
                      "declare it in a roles block, or include the role catalogue; "
                      "for a step that no one is named as doing, put its whole text in double quotes")]


def test_a_hyphen_in_a_role_id_is_pointed_at_aliases():
    (diagnostic,) = okrdsl.loads('roles\n  E-group "E-Group"\n').diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR001", 2, 4)
    assert diagnostic.hint == ('a role\'s id cannot contain "-": write E_group and add the name as an alias, '
                               '"aka E-group"; an alias may hold hyphens')


# --- 3. approvals ------------------------------------------------------------------------------


@pytest.mark.parametrize("written, stages", [
    ("CEO or CoS", [("any", ["CEO", "CoS"])]),
    ("CTO and VPP", [("all", ["CTO", "VPP"])]),
    ("CTO, VPP", [("all", ["CTO", "VPP"])]),
    ("VPP", [("all", ["VPP"])]),
    ("VPP or CTO, then CEO", [("any", ["VPP", "CTO"]), ("all", ["CEO"])]),
    ("VPP or CTO then CEO and CoS", [("any", ["VPP", "CTO"]), ("all", ["CEO", "CoS"])]),
])
def test_approval_stages(written, stages):
    spec, diagnostics = okrdsl.loads(ROLES + f'phase p "P"\n  allow PM: change a KR\n    approval from {written}\n')
    assert diagnostics == ()
    permission = spec.phases[0].items[0]
    (approval,) = permission.approvals
    assert [(s.need, [n.value for n in s.roles]) for s in approval.stages] == stages
    assert [n.value for n in permission.approvers] == [name for _, names in stages for name in names]
    assert [n.value for n in role_references(spec)][1:] == [name for _, names in stages for name in names]


def test_an_approval_that_mixes_or_and_and_is_reported():
    spec, (diagnostic,) = okrdsl.loads(ROLES + 'phase p "P"\n  allow PM: change a KR\n    approval from CEO or CoS and CTO\n')
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == ("OKR030", 9, 19, 37)
    assert diagnostic.message == '"CEO or CoS and CTO" mixes "or" with "and" or a comma, so it is unclear who must approve'
    assert diagnostic.hint == 'use "or" for any one of them, "and" or commas for all of them, and ", then" to ask one group after another'
    assert spec.phases[0].items[0].approvals[0].stages[0].need == "all"


def test_an_unknown_approver_is_found_in_any_stage(tmp_path):
    assert findings(tmp_path, ROLES + 'phase p "P"\n  allow PM: change a KR\n    approval from CEO or CoS, then HeadOfPMO\n') == [
        ("OKR102", 9, 36, 45, '"HeadOfPMO" is not a declared role', "declare it in a roles block, or include the role catalogue")]


# --- 4. duties and meeting length ----------------------------------------------------------------


def test_role_duties():
    spec, diagnostics = okrdsl.loads('roles\n  CEO "Chief Executive Officer"\n  CoS "Chief of Staff"\n'
                                     '    duty: Keeps the OKR page up to date\n    duty: Books the @CEO for reviews\n')
    assert diagnostics == ()
    cos = spec.roles[1]
    assert [d.value for d in cos.duties] == ["Keeps the OKR page up to date", "Books the @CEO for reviews"]
    assert [r.name.value for r in cos.duties[1].refs] == ["CEO"]
    assert spec.roles[0].duties == ()


def test_a_duty_mentions_declared_roles(tmp_path):
    assert findings(tmp_path, 'roles\n  CoS "Chief of Staff"\n    duty: Books the @CFO\n') == [
        ("OKR102", 3, 22, 25, '"CFO" is not a declared role', 'did you mean "CoS"?')]


def test_only_duties_go_under_a_role():
    (diagnostic,) = okrdsl.loads('roles\n  PM "Product Manager"\n    VPP "VP of Product"\n').diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR001", 3, 5)
    assert diagnostic.hint == "line it up with line 2, or write duty: and what the role does"


@pytest.mark.parametrize("written, minutes", [("50m", 50), ("50min", 50), ("1h", 60), ("1h30m", 90), ("24h", 1440)])
def test_meeting_length(written, minutes):
    spec, diagnostics = okrdsl.loads(ROLES + f'phase p "P"\n  meeting m "M" at -1w\n    length {written}\n')
    assert diagnostics == ()
    assert spec.phases[0].items[0].length_minutes == minutes


@pytest.mark.parametrize("written", ["0m", "25h", "1h0m0"])
def test_a_meeting_length_out_of_range(written):
    loaded = okrdsl.loads(ROLES + f'phase p "P"\n  meeting m "M" at -1w\n    length {written}\n')
    if written == "1h0m0":
        assert loaded.diagnostics[0].code == "OKR001"
        return
    (diagnostic,) = loaded.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR026", 9, 12)
    assert (diagnostic.message, diagnostic.hint) == (f'a meeting cannot last "{written}"', "a meeting lasts from 1m to 24h")
    assert loaded.spec.phases[0].items[0].length_minutes is None


def test_a_meeting_length_in_the_schedule():
    spec, _ = okrdsl.loads(ROLES + 'process "P" for FY23-Q3\nphase p "P"\n'
                           '  meeting review "E-Group draft review" at -1w\n    length 50m\n    scheduled by CoS\n')
    assert "CoS  E-Group draft review (50 min)" in table(schedule_spec(spec))
    assert json.loads(to_json(schedule_spec(spec)))["items"][0]["length_minutes"] == 50


# --- the same alias resolves the same way everywhere -------------------------------------------

_WORD = st.from_regex(r"[A-Z][a-z]{1,6}", fullmatch=True).filter(lambda w: w.lower() not in keywords())
_ALIAS = st.one_of(
    _WORD.map(lambda w: (w + "s", w + "s")),
    st.tuples(_WORD, _WORD).map(lambda ws: ("-".join(ws), "-".join(ws))),
    st.tuples(_WORD, _WORD, _WORD).map(lambda ws: (" ".join(ws), '"' + " ".join(ws) + '"')),
)
_PLACES = (
    '  at -4w: {a} drafts the OKRs\n',
    '  at -4w: CEO drafts the OKRs\n    {a} reviews them\n',
    '  at -4w: CEO drafts the OKRs\n    led by {a}\n',
    '  at -4w: CEO, {a} and CEO draft the OKRs\n',
    '  at -4w: CEO drafts the OKRs with {m}\n',
    '  every month: {a} updates the KRs\n',
    '  meeting m "M" at -3w\n    goal "G"\n    scheduled by {a}\n    attendees CEO, {a}\n    fallback: {a} books it\n',
    '  allow {a}: change a KR\n    approval from CEO or {a}, then {a}\n',
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alias=_ALIAS, place=st.sampled_from(_PLACES), owner=st.booleans())
def test_an_alias_resolves_to_its_role_everywhere(alias, place, owner):
    value, written = alias
    mention = "@" + written
    text = (f'roles\n  CEO "Chief Executive Officer"\n  Target "The role" aka {written}\n'
            f'phase p "P"\n' + place.format(a=written, m=mention))
    if owner:
        text += (f'policy\n  company objectives: 1\nokrs for FY23-Q3\n'
                 f'  objective C1 company "Grow" owner {written}\n    kr C1.1 "Up" owner CEO, {written}\n')
    spec, diagnostics = okrdsl.loads(text)
    assert diagnostics == ()
    scope = scope_of([spec])
    named = [n for n in role_references(spec) if n.value != "CEO"]
    assert named and {n.value for n in named} == {value}
    assert {scope.role(n.value).name.value for n in named} == {"Target"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.okrp"
        path.write_text(text, encoding="utf-8")
        assert "OKR102" not in {d.code for d in check([str(path)]).diagnostics}


def test_a_role_named_by_its_plural_alias_reads_in_the_plural_the_catalogue_gives(tmp_path):
    from okrdsl.check import compile_file

    path = tmp_path / "p.okrp"
    path.write_text('roles\n  PM "Product Manager" aka PMs, "Product Managers"\n  KROwner "Key Result owner" aka "KR owners"\n'
                    'phase p "P"\n  at -2w: PMs draft the KRs\n  at -1w: PM reviews them\n'
                    '  at -1w: "KR owners" score them\n', encoding="utf-8")
    linked = compile_file(str(path)).linked
    actors = [item.actors[0] for item in linked.spec.phases[0].items]
    # okrdsl makes up no plural: "KR owners" has none declared, and reads as its title
    assert [linked.title(a) for a in actors] == ["Product Managers", "Product Manager", "Key Result owner"]
