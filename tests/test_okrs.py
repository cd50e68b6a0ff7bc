"""OKR sets: links, inherited owners, scores and health, the policy's cascade numbers, and `okrdsl status`.

Regenerate the status golden files after an intended change with:
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_okrs.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import okrdsl
from okrdsl import ir
from okrdsl.check import check
from okrdsl.cli import main
from okrdsl.scoring import Band, Scoring, Status, rolled_up, scoring

HERE = Path(__file__).parent
ROOT = HERE.parent
EXAMPLE = ROOT / "specs" / "examples" / "fy24-q1-ceo-okrs.okrp"
MISTAKES = HERE / "fixtures" / "okrs" / "okrs-with-mistakes.okrp"
GOLDEN = HERE / "golden"

ROLES = 'roles\n  CEO "Chief Executive Officer"\n'
ROLES_CTO = ROLES + '  CTO "Chief Technology Officer"\n'


def findings(tmp_path, text: str, name: str = "okrs.okrp"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(d.span.line, d.span.column, d.code, d.message, d.hint) for d in check([str(path)]).diagnostics]


# --- links and owners ---------------------------------------------------------------------------


def test_links_end_lines_and_stand_under_objectives_and_key_results():
    spec, diagnostics = okrdsl.loads(
        'okrs for FY24-Q1\n'
        '  objective C1 company "Grow" owner CEO <https://gitlab.com/o/1>\n'
        '    link <https://gitlab.com/o/2> "Dashboard"\n'
        '    kr C1.1 "Increase Ultimate adoption" owner CEO <https://gitlab.com/gitlab-com/gitlab-OKRs/-/work_items/8>\n'
        '      link <https://gitlab.com/k/2>\n')
    assert diagnostics == ()
    objective = spec.okr_sets[0].objectives[0]
    assert [(link.url, link.title) for link in objective.links] == [
        ("https://gitlab.com/o/1", None), ("https://gitlab.com/o/2", "Dashboard")]
    assert [link.url for link in objective.key_results[0].links] == [
        "https://gitlab.com/gitlab-com/gitlab-OKRs/-/work_items/8", "https://gitlab.com/k/2"]
    assert str(objective.key_results[0].links[0].span) == "<string>:4:52"


def test_a_link_where_none_can_go_says_where_links_go():
    _, diagnostics = okrdsl.loads('roles\n  PM "Product Manager" <https://gitlab.com/pm>\n')
    (diagnostic,) = diagnostics
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.code) == (2, 24, "OKR001")
    assert diagnostic.hint == ("a link can end an artifact, objective or key result line, follow agenda, learnings, "
                               'feedback or video, or stand on a line of its own, link <URL> "title", under the '
                               "process, an objective or a key result")
    _, diagnostics = okrdsl.loads('okrs for FY24-Q1\n  objective C1 company "Grow" <https://a b>\n')
    assert diagnostics[0].hint == "a link cannot contain spaces: write %20 for a space"


def test_a_key_result_without_an_owner_inherits_its_objectives():
    spec, _ = okrdsl.loads('okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO, CoS\n'
                           '    kr C1.1 "Up" score 72%\n    kr C1.2 "Down" owner CTO\n')
    first, second = spec.okr_sets[0].objectives[0].key_results
    assert ([o.value for o in first.owners], first.owners_inherited) == (["CEO", "CoS"], True)
    assert ([o.value for o in second.owners], second.owners_inherited) == (["CTO"], False)
    assert (first.score, first.progress) == (72.0, None)


def test_an_inherited_owner_is_not_a_second_reference(tmp_path):
    found = findings(tmp_path, ROLES + 'policy\n  company objectives: 1\nokrs for FY24-Q1\n'
                     '  objective C1 company "Grow" owner CEOO\n    kr C1.1 "Up"\n')
    assert [(line, column, code) for line, column, code, _, _ in found] == [(2, 3, "OKR501"), (6, 37, "OKR102")]


def test_key_results_need_their_own_owner_when_the_policy_says_so(tmp_path):
    found = findings(tmp_path, ROLES_CTO + 'policy\n  company objectives: 1\n  key results need their own owner\n'
                     'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up"\n'
                     '    kr C1.2 "Down" owner CTO\n')
    assert found == [(9, 8, "OKR306", 'key result "C1.1" has no owner of its own; the policy at '
                      f"{tmp_path / 'okrs.okrp'}:6:3 asks for one on each key result", "add owner ROLE to its line")]


# --- health and scores ---------------------------------------------------------------------------

GREEN = ROLES + ('policy\n  company objectives: 1\n  health green, yellow, red\n'
                 '  score bands on-target 85..100, off-target 70..84, at-risk 0..69\n'
                 'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n')


def test_health_is_checked_against_the_declared_words(tmp_path):
    found = findings(tmp_path, GREEN + '    kr C1.1 "Up" health on-track\n    kr C1.2 "Down" health gren\n')
    assert found == [
        (9, 25, "OKR308", '"on-track" is not a health status', "use green, yellow or red"),
        (10, 27, "OKR308", '"gren" is not a health status', 'did you mean "green"?'),
    ]


def test_a_score_whose_band_disagrees_with_its_health_is_a_warning(tmp_path):
    found = findings(tmp_path, GREEN + '    kr C1.1 "Up" score 40% health green\n    kr C1.2 "Down" score 72% health yellow\n')
    assert found == [(9, 24, "OKR312", "score 40% is at-risk, but health says green",
                      "a score that is at-risk goes with health red: update the health or the score")]


def test_bands_map_to_health_words_explicitly(tmp_path):
    found = findings(tmp_path, ROLES + 'policy\n  company objectives: 1\n  health green, yellow, red\n'
                     '  score bands at-risk 0..69 as red, on-target 85..100 as green, off-target 70..84 as yellow\n'
                     'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n'
                     '    kr C1.1 "Up" score 90% health green\n    kr C1.2 "Down" score 50% health yellow\n')
    assert [(line, code, message) for line, _, code, message, _ in found] == [
        (10, "OKR312", "score 50% is at-risk, but health says yellow")]


def test_a_score_above_100_is_out_of_range(tmp_path):
    found = findings(tmp_path, GREEN + '    kr C1.1 "Up" score 140%\n')
    assert found == [(9, 24, "OKR307", 'key result "C1.1" scores 140%; a score runs from 0% to 100%', None)]


@pytest.mark.parametrize("bands, expected", [
    ("on-target 80..100, off-target 70..84, at-risk 0..69",
     [(3, 15, "OKR311", 'bands "off-target" (70..84) and "on-target" (80..100) overlap from 80 to 84',
       "give each score one band")]),
    ("on-target 85..100, at-risk 0..69",
     [(3, 3, "OKR311", "scores from 70% to 84% fall in no band", "every score from 0 to 100 needs a band")]),
    ("on-target 85..99, off-target 70..84, at-risk 0..69",
     [(3, 3, "OKR311", "a score of 100% falls in no band", "every score from 0 to 100 needs a band")]),
    ("on-target 85..100 as grene, off-target 70..84, at-risk 0..69",
     [(3, 36, "OKR311", '"grene" is not one of the health words (on-track, needs-attention, at-risk)',
       "use on-track, needs-attention or at-risk")]),
])
def test_score_bands_must_cover_every_score_once(tmp_path, bands, expected):
    found = findings(tmp_path, f"policy\n  company objectives: 0\n  score bands {bands}\n")
    assert found == expected


@given(st.lists(st.integers(min_value=1, max_value=99), unique=True, max_size=5),
       st.floats(min_value=0, max_value=100, allow_nan=False))
def test_bands_that_cover_0_to_100_classify_every_score_exactly_once(cuts, score):
    edges = [0] + sorted(cuts) + [101]
    bands = tuple(Band(f"b{i}", low, high - 1, None) for i, (low, high) in enumerate(zip(edges, edges[1:])))
    assert sum(band.holds(score) for band in bands) == 1


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)), min_size=1, max_size=8),
       st.sampled_from(["mean", "lowest"]))
def test_a_rolled_up_score_lies_between_the_lowest_and_highest(scores, rollup):
    rules = Scoring(rollup=rollup)
    rolled = rolled_up([Status(None, s, None, None) for s in scores], rules).score
    given_scores = [s for s in scores if s is not None]
    if not given_scores:
        assert rolled is None
    else:
        assert min(given_scores) - 1e-9 <= rolled <= max(given_scores) + 1e-9
        assert rollup == "mean" or rolled == min(given_scores)


def test_health_rolls_up_to_the_worst():
    rules = scoring(None)
    parts = [Status(None, None, None, h) for h in ("on-track", "at-risk", None, "needs-attention")]
    assert rolled_up(parts, rules).health == "at-risk"


# --- the cascade ---------------------------------------------------------------------------------


def test_key_results_per_level(tmp_path):
    found = findings(tmp_path, ROLES + 'policy\n  company objectives: 1\n  key results per company objective: 2..3\n'
                     'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up"\n')
    assert found == [(7, 13, "OKR302", 'objective "C1" has 1 key result; it needs 2 to 3', None)]


CASCADE = ROLES_CTO + ('policy\n  company objectives: 1\n  objectives aligned to each company objective: 2..3\n'
                   '  key results aligned to each company objective: at least 3\n'
                   'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up"\n'
                   '  objective S1 shared "Grow together" owner CTO aligns to C1\n    kr S1.1 "Up"\n    kr S1.2 "Down"\n')


def test_objectives_and_key_results_aligned_to_each_objective_of_a_level(tmp_path):
    path = tmp_path / "okrs.okrp"
    found = findings(tmp_path, CASCADE)
    assert found == [
        (9, 13, "OKR313", f'company objective "C1" has 1 objective aligned to it; the policy at {path}:6:3 asks for 2 to 3',
         "align more objectives to it, or fewer"),
        (9, 13, "OKR313", f'company objective "C1" has 2 key results aligned to it; the policy at {path}:7:3 asks for '
         "at least 3", "change the key results of the objectives that align to it"),
    ]


def test_declared_levels_replace_the_default_ones(tmp_path):
    found = findings(tmp_path, ROLES_CTO + 'policy\n  company objectives: 1\n  levels company, function, team\n'
                     'okrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up"\n'
                     '  objective F1 function "Ship" owner CTO aligns to C1\n    kr F1.1 "Up"\n'
                     '  objective T1 team "Build" owner CTO aligns to F1\n    kr T1.1 "Up"\n'
                     '  objective T2 team "Fix" owner CTO aligns to T1\n    kr T2.1 "Up"\n'
                     '  objective P1 product "Old" owner CTO\n    kr P1.1 "Up"\n')
    assert found == [
        (14, 47, "OKR304", 'team objective "T2" aligns to team objective "T1": it must align to a higher level',
         "align it to a company or a function objective"),
        (16, 16, "OKR021", '"product" is not a level of objective', "use one of: company, function, team"),
    ]


def test_a_policy_naming_an_unknown_level_or_an_impossible_range(tmp_path):
    found = findings(tmp_path, 'policy\n  levels company, function, function\n'
                     '  objectives aligned to each compny objective: 3..2\n')
    assert found == [
        (2, 29, "OKR309", 'level "function" is named twice', "name each level once"),
        (3, 3, "OKR309", "3..2 cannot be met: 3 is more than 2", "write 2..3"),
        (3, 30, "OKR309", '"compny" is not a level of objective', 'did you mean "company"?'),
    ]


# --- the example specs ------------------------------------------------------------------------------


def test_the_fy24_q1_example_checks_clean():
    assert check([str(EXAMPLE)]).diagnostics == ()


def test_the_okrs_with_mistakes_give_exactly_their_findings(monkeypatch):
    monkeypatch.chdir(HERE)
    found = [(d.span.line, d.span.column, d.code, d.message) for d in check(["fixtures/okrs"]).diagnostics]
    assert found == [
        (13, 48, "OKR312", "score 40% is at-risk, but health says on-track"),
        (16, 13, "OKR302", 'objective "C2" has 4 key results; it needs 1 to 3'),
    ]


# --- okrdsl status -----------------------------------------------------------------------------------


def run(*args):
    result = CliRunner(mix_stderr=False).invoke(main, list(args), color=False) if "mix_stderr" in \
        CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("output_format, golden", [("table", "fy24-q1-ceo-okrs.status.txt"),
                                                   ("json", "fy24-q1-ceo-okrs.status.json")])
def test_status_golden(output_format, golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, output, errors = run("status", "specs/examples/fy24-q1-ceo-okrs.okrp", "--format", output_format)
    assert (code, errors) == (0, "")
    path = GOLDEN / golden
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def test_status_json_says_which_owners_were_inherited(monkeypatch):
    monkeypatch.chdir(ROOT)
    _, output, _ = run("status", "specs/examples/fy24-q1-ceo-okrs.okrp", "--format", "json")
    (okr_set,) = json.loads(output)["okr_sets"]
    first = okr_set["levels"][0]["objectives"][0]["key_results"][0]
    assert (first["owners"], first["owners_inherited"], first["band"]) == (["CEO"], True, "on-target")


def test_status_of_a_spec_with_errors_prints_them_on_stderr_and_exits_1(monkeypatch):
    monkeypatch.chdir(HERE)
    code, output, errors = run("status", "fixtures/okrs/okrs-with-mistakes.okrp")
    assert code == 1
    assert "[OKR302]" in errors and "[OKR302]" not in output
    assert output.startswith("FY24-Q1: scores roll up as the mean, health as the worst\n")


def test_status_usage_errors_exit_2(tmp_path):
    assert run("status", str(tmp_path))[0] == 2
    (tmp_path / "roles.okrp").write_text(ROLES, encoding="utf-8")
    code, _, errors = run("status", str(tmp_path / "roles.okrp"))
    assert code == 2 and "has no OKR set" in errors
    assert run("status", str(EXAMPLE), "--format", "yaml")[0] == 2


def test_status_text_is_shown_safely(tmp_path):
    (tmp_path / "okrs.okrp").write_text(ROLES + 'policy\n  company objectives: 1\nokrs for FY24-Q1\n'
                                        '  objective C1 company "Grow\x1b[31m" owner CEO\n    kr C1.1 "Up"\n',
                                        encoding="utf-8")
    _, output, _ = run("status", str(tmp_path / "okrs.okrp"))
    assert "\x1b" not in output and "Grow\\x1b[31m" in output
    _, output, _ = run("status", str(tmp_path / "okrs.okrp"), "--format", "json")
    assert "\x1b" not in output and json.loads(output)["okr_sets"][0]["levels"][0]["objectives"][0]["title"] == "Grow\x1b[31m"


def test_the_count_of_top_objectives_uses_the_policys_highest_level(tmp_path):
    from okrdsl.check import check

    path = tmp_path / "okrs.okrp"
    path.write_text('roles\n  CEO "Chief Executive Officer"\npolicy\n  levels corp, team\nokrs for FY23-Q3\n'
                    + "".join(f'  objective C{i} corp "Goal {i}" owner CEO\n    kr C{i}.1 "Result" owner CEO\n'
                              for i in range(1, 4)), encoding="utf-8")
    assert [d.code for d in check([str(path)]).diagnostics] == []


def test_a_rolled_up_score_is_rounded_half_up_as_people_round(tmp_path):
    from okrdsl.emit.status import one_decimal

    (tmp_path / "okrs.okrp").write_text(
        ROLES + 'policy\n  company objectives: 1\nokrs for FY24-Q1\n  objective C1 company "Grow" owner CEO\n'
        '    kr C1.1 "Up" score 65%\n    kr C1.2 "More" score 67.5%\n', encoding="utf-8")
    _, output, _ = run("status", str(tmp_path / "okrs.okrp"))
    assert "66.3%" in output and "66.2%" not in output  # the mean of 65 and 67.5 is 66.25
    _, output, _ = run("status", str(tmp_path / "okrs.okrp"), "--format", "json")
    assert json.loads(output)["okr_sets"][0]["levels"][0]["objectives"][0]["score"] == 66.3
    assert [one_decimal(v) for v in (0.05, 2.675, 12.34, 99.95, 100.0)] == [0.1, 2.7, 12.3, 100.0, 100.0]
