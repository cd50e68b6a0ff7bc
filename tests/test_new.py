"""`okrdsl new`: the next quarter's spec, edited from the last one at the spans that change."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import okrdsl
from okrdsl.check import check
from okrdsl.cli import main
from okrdsl.diagnostics import UsageProblem
from okrdsl.diff import diff
from okrdsl.new import next_quarter
from okrdsl.source import Source

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.stdout, result.stderr


def start(text: str, quarter: str | None = None, path: str = "q.okrp", to: str | None = None):
    source = Source(path, text)
    return next_quarter(source, okrdsl.loads(text, path).spec, quarter, to)


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_fy23_q3_to_q4_changes_only_what_belongs_to_the_quarter():
    old = (SPECS / "fy23-q3.okrp").read_text(encoding="utf-8")
    new, placeholders = start(old, "FY23-Q4", "specs/fy23-q3.okrp", "specs/fy23-q4.okrp")
    assert changed_lines(old, new) == [
        '-process "FY23 Q3 Product OKR Workflow" for FY23-Q3',
        '+process "FY23 Q4 Product OKR Workflow" for FY23-Q4',
        '-  learnings <https://gitlab.com/gitlab-com/Product/-/issues/3892> "FY23-Q2 learnings"',
        '-  feedback <https://gitlab.com/gitlab-com/Product/-/issues/4296> "FY23-Q3 feedback issue"',
        '+  learnings <https://gitlab.com/gitlab-com/Product/-/issues/4296> "FY23-Q3 learnings"',
        '+  feedback <fill-in> "FY23-Q4 feedback issue"',
        '-artifact pre_planning    issue    "FY23 Q3 PLT OKR Pre-planning" <https://gitlab.com/gitlab-com/Product/-/issues/4363>',
        '+artifact pre_planning    issue    "FY23 Q4 PLT OKR Pre-planning" <fill-in>',
        '-artifact planning        issue    "FY23-Q3 Shared R&D and Product Org OKR Planning" '
        '<https://gitlab.com/gitlab-com/Product/-/issues/4295>',
        '+artifact planning        issue    "FY23-Q4 Shared R&D and Product Org OKR Planning" <fill-in>',
    ]
    assert [(d.code, str(d.span), d.message) for d in placeholders] == [
        ("OKR514", "specs/fy23-q4.okrp:10:12",
         '<fill-in> is a placeholder: fill in the address of the process\'s feedback link "FY23-Q4 feedback issue"'),
        ("OKR514", "specs/fy23-q4.okrp:13:66",
         '<fill-in> is a placeholder: fill in the address of issue "FY23 Q4 PLT OKR Pre-planning" (#pre_planning)'),
        ("OKR514", "specs/fy23-q4.okrp:16:85", '<fill-in> is a placeholder: fill in the address of issue '
         '"FY23-Q4 Shared R&D and Product Org OKR Planning" (#planning)'),
    ]
    # the same meaning otherwise: the diff names the quarter, the links and the titles only
    changes = diff(okrdsl.loads(old).spec, okrdsl.loads(new).spec)
    assert [(c.what, c.id, [f.name for f in c.fields]) for c in changes.changes] == [
        ("process", "process", ["title", "quarter", "learnings", "feedback"]),
        ("artifact", "pre_planning", ["title", "link"]),
        ("artifact", "planning", ["title", "link"]),
    ]


def test_the_year_turns_after_q4_and_a_video_of_the_quarter_becomes_a_placeholder():
    old = (SPECS / "fy22-q4.okrp").read_text(encoding="utf-8")
    new, placeholders = start(old)
    lines = changed_lines(old, new)
    assert '+process "FY23 Q1 Product OKR Process" for FY23-Q1' in lines
    assert '+  video <fill-in> "FY23 Q1 Shared R&D OKR Overview by CTO and CProdO"' in lines
    assert '+  learnings <https://gitlab.com/gitlab-com/Product/-/issues/3142> "FY22-Q4 learnings"' in lines
    assert len(placeholders) == len([line for line in lines if "<fill-in>" in line])
    # comments stay, word for word
    assert [c.text for c in okrdsl.loads(new).spec.comments] == [c.text for c in okrdsl.loads(old).spec.comments]


def test_learnings_are_added_above_feedback_when_there_are_none():
    text = 'process "FY23 Q3 workflow" for FY23-Q3\n    feedback <https://example.com/4296> "Q3 feedback"\n'
    new, _ = start(text, "FY23-Q4")
    assert new == ('process "FY23 Q4 workflow" for FY23-Q4\n    learnings <https://example.com/4296> "FY23-Q3 learnings"\n'
                   '    feedback <fill-in> "Q3 feedback"\n')


def test_without_feedback_the_learnings_are_to_fill_in():
    text = 'process "FY23 Q3 workflow" for FY23-Q3\n  learnings <https://example.com/3892>\n'
    new, placeholders = start(text, "FY23-Q4")
    assert new == 'process "FY23 Q4 workflow" for FY23-Q4\n  learnings <fill-in>\n'
    assert placeholders[0].message == "<fill-in> is a placeholder: fill in the address of the process's learnings link"


def test_okr_sets_move_to_the_new_quarter():
    text = 'okrs for FY2023-Q3\n  objective C1 company "Grow in FY2023-Q3" owner CEO\n    kr C1.1 "Up" owner CEO\n'
    new, _ = start(text)
    assert new == 'okrs for FY23-Q4\n  objective C1 company "Grow in FY2023-Q3" owner CEO\n    kr C1.1 "Up" owner CEO\n'


def test_a_spec_with_no_quarter_or_a_bad_quarter_is_refused():
    with pytest.raises(UsageProblem, match="names no quarter"):
        start('roles\n  PM "Product Manager"\n')
    with pytest.raises(UsageProblem, match="is not a fiscal quarter"):
        start('process "P" for FY23-Q3\n', "Q5")


def test_includes_still_name_the_same_files_from_elsewhere():
    new, _ = start('include "roles.okrp"\nprocess "P" for FY23-Q3\n', path="specs/q3.okrp", to="next/q4.okrp")
    assert new.startswith('include "../specs/roles.okrp"\n')


def test_the_command_writes_once_and_check_reports_the_placeholders(tmp_path, monkeypatch):
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("new", "--from", "specs/fy23-q3.okrp", "--quarter", "FY23 Q4", "-o", "specs/fy23-q4.okrp")
    assert (code, out) == (0, "")
    assert err.endswith("okrdsl: wrote specs/fy23-q4.okrp: fill in the 3 placeholders above\n")
    assert err.count("[OKR514]") == 3
    found = check(["specs/fy23-q4.okrp"]).diagnostics
    assert [(d.code, d.span.line) for d in found] == [("OKR514", 10), ("OKR514", 13), ("OKR514", 16)]
    code, out, err = run("new", "--from", "specs/fy23-q3.okrp", "-o", "specs/fy23-q4.okrp")
    assert code == 2 and "specs/fy23-q4.okrp exists: give --force to replace it" in err
    assert run("new", "--from", "specs/fy23-q3.okrp", "-o", "specs/fy23-q4.okrp", "--force")[0] == 0
    code, out, err = run("new", "--from", "specs/fy23-q3.okrp")
    assert code == 0 and out == (tmp_path / "specs" / "fy23-q4.okrp").read_text(encoding="utf-8")
    assert "<stdout>:10:12: warning: <fill-in> is a placeholder" in err


def test_a_spec_with_errors_is_not_started_from(tmp_path):
    bad = tmp_path / "bad.okrp"
    bad.write_text('process "P" for FY23-Q3\nphase p "P"\n  at -4w PM drafts\n', encoding="utf-8")
    code, out, err = run("new", "--from", str(bad), "-o", str(tmp_path / "next.okrp"))
    assert (code, out) == (1, "") and "[OKR001]" in err and not (tmp_path / "next.okrp").exists()


def test_a_placeholder_is_not_also_a_bad_web_address():
    found = check_text('process "P" for FY23-Q4\n  feedback <fill-in> "FY23-Q4 feedback issue"\n'
                       'artifact plan issue "Plan" <fill-in:plan>\n')
    assert [(d.code, d.span.line) for d in found] == [("OKR514", 2), ("OKR514", 3)]  # no OKR506


def check_text(text: str):
    from okrdsl.check import check_text as checking

    return checking("q.okrp", text).diagnostics
