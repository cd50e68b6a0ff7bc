"""`okrdsl diff`: a diff of meaning between two specs, its matching, its outputs, its exit
codes, and its use as git's diff driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import okrdsl
from okrdsl.check import compile_file
from okrdsl.cli import main
from okrdsl.diff import MATCH_AT, Change, diff, likeness
from okrdsl.emit.changes import FORMATS, to_markdown
from tests.golden import matches

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
QUARTERS = ["fy22-q4", "fy23-q1", "fy23-q2", "fy23-q3"]


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.stdout, result.stderr


def linked(name: str):
    compiled = compile_file(str(SPECS / f"{name}.okrp"))
    assert compiled.linked is not None
    return compiled.linked


def bag(changes) -> Counter:
    return Counter(changes.changes)


def by_id(changes, what: str, id_: str) -> Change:
    found = [c for c in changes.changes if c.what == what and id_ in (c.old_id, c.new_id)]
    assert len(found) == 1, found
    return found[0]


# --- the specs of four quarters --------------------------------------------------------------------


def test_cprodo_becomes_vpp_between_fy23_q1_and_q2():
    changes = diff(linked("fy23-q1"), linked("fy23-q2"))
    renamed = [c for c in changes.changes if c.what == "role" and c.kind == "renamed"]
    assert [(c.old_id, c.new_id) for c in renamed] == [("CProdO", "VPP"), ("EBA", "ProductOps")]
    assert renamed[0].field("replaced in").old == "5 places"
    assert (renamed[0].field("named in").old, renamed[0].field("named in").new) == ("CProdO: 10 places", "VPP: 11 places")
    # the items keep their own changes: who begins the alignment, who schedules the sessions
    alignment = by_id(changes, "step", "alignment")
    assert alignment.kind == "changed" and alignment.field("actors").old == "CProdO, CTO"
    assert alignment.field("actors").new == "VPP, CTO"
    assert by_id(changes, "meeting", "session1").field("scheduled by").new == "ProductOps"
    # the quarter moved every date, which is not a change of each item
    assert not any(c.field("date") for c in changes.changes if c.kind == "changed")
    # FY23-Q2 added the PLT's pre-planning 8 weeks out, dated in its quarter
    added = by_id(changes, "step", "kickoff/plt-drafts-initial-okrs-aligned")
    assert added.kind == "added" and added.field("time").new == "-8w" and added.field("date").new == "2022-03-06"


def test_fy23_q1_to_q2_as_text_json_and_markdown(monkeypatch):
    monkeypatch.chdir(ROOT)
    for form, suffix in (("text", "txt"), ("json", "json"), ("markdown", "md")):
        code, out, err = run("diff", "specs/fy23-q1.okrp", "specs/fy23-q2.okrp", "--format", form)
        assert (code, err) == (1, "")
        matches(f"diff/fy23-q1-to-q2.{suffix}", out)


def test_a_spec_against_itself_is_no_change(monkeypatch):
    monkeypatch.chdir(ROOT)
    for name in QUARTERS + ["fy23-q3-okrs", "roles"]:
        assert not diff(linked(name), linked(name))
        code, out, err = run("diff", f"specs/{name}.okrp", f"specs/{name}.okrp")
        assert (code, out.splitlines()[-1], err) == (0, "no changes", "")


@pytest.mark.parametrize("old,new", list(zip(QUARTERS, QUARTERS[1:])) + [("fy22-q4", "fy23-q3")])
def test_both_directions_mirror_each_other(old, new):
    forward, backward = diff(linked(old), linked(new)), diff(linked(new), linked(old))
    assert forward and bag(backward) == Counter(c.mirrored() for c in forward.changes)
    assert forward.counts()["added"] == backward.counts()["removed"]


def test_a_reworded_step_is_one_change_not_a_removal_and_an_addition():
    old = 'phase p "P"\n  at -4w: PM drafts the first OKRs of the quarter\n'
    new = 'phase p "P"\n  at -4w: PM writes the first OKRs of the quarter\n'
    changes = diff(okrdsl.loads(old).spec, okrdsl.loads(new).spec)
    assert [(c.kind, c.old_id, c.new_id) for c in changes.changes] == [
        ("changed", "p/pm-drafts-the-first-okrs", "p/pm-writes-the-first-okrs")]
    assert changes.changes[0].field("text").new == "writes the first OKRs of the quarter"


def test_time_moves_carry_dates_within_a_quarter():
    head = 'process "P" for FY23-Q3\n  fiscal year starts February named by end year\nphase p "P"\n'
    old = okrdsl.loads(head + "  at -4w as review: PM reviews the OKRs\n").spec
    new = okrdsl.loads(head + "  at -3w as review: PM reviews the OKRs\n").spec
    from okrdsl.link import link
    from okrdsl.schedule import schedule_spec

    changes = diff(link([old], schedule_spec(old)), link([new], schedule_spec(new)))
    step = by_id(changes, "step", "review")
    assert [(f.name, f.old, f.new) for f in step.fields] == [
        ("time", "-4w", "-3w"), ("date", "2022-07-04", "2022-07-11")]


def test_policy_and_okr_changes():
    old = okrdsl.loads(
        'policy\n  company objectives: 3\nokrs for FY23-Q3\n'
        '  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up 10%" owner CEO progress 10%\n'
        '  objective P1 product "Ship" owner VPP aligns to C1\n    kr P1.1 "Ship it" owner PM\n').spec
    new = okrdsl.loads(
        'policy\n  company objectives: 2\nokrs for FY23-Q3\n'
        '  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up 10%" owner CTO progress 40%\n'
        '  objective C2 company "Save" owner CEO\n    kr C2.1 "Down 5%" owner CoS\n'
        '  objective P1 product "Ship" owner VPP aligns to C2\n    kr P1.1 "Ship it" owner PM\n').spec
    changes = diff(old, new)
    assert by_id(changes, "policy", "policy").fields[0].name == "company objectives"
    assert [(f.name, f.old, f.new) for f in by_id(changes, "key result", "C1.1").fields] == [
        ("owners", "CEO", "CTO"), ("progress", "10%", "40%")]
    assert [(f.name, f.old, f.new) for f in by_id(changes, "objective", "P1").fields] == [("aligns to", "C1", "C2")]
    assert by_id(changes, "objective", "C2").kind == "added"


def test_likeness_is_symmetric_and_bounded():
    assert likeness("a b c".split(), "a b c".split()) == 1.0
    assert likeness("a b c d".split(), "a x c d".split()) == 0.75
    assert likeness([], []) == 1.0 and likeness(["a"], []) == 0.0
    assert MATCH_AT == 0.6


# --- generated edits ------------------------------------------------------------------------------

ACTORS = ["PM", "GPM", "VPP", "CTO", "ProductOps"]


def render(steps) -> str:
    lines = ['phase p "P"']
    for actor, weeks, words in steps:
        lines.append(f"  at -{weeks}w: {actor} {' '.join(words)}")
    return "\n".join(lines) + "\n"


@st.composite
def edited(draw):
    """A spec of steps with words of their own, and the same spec after random edits, each
    step edited at most once; with what each edit should show."""
    count = draw(st.integers(1, 8))
    steps = [(draw(st.sampled_from(ACTORS)), draw(st.integers(1, 12)), [f"s{n}w{k}" for k in range(6)])
             for n in range(count)]
    new, expected, swaps = [], [], set()
    for n, (actor, weeks, words) in enumerate(steps):
        edit = draw(st.sampled_from(["keep", "reword", "retime", "remove", "actor"]))
        if edit == "reword":
            at = draw(st.integers(0, 5))
            changed = words[:at] + [f"r{n}"] + words[at + 1:]
            new.append((actor, weeks, changed))
            expected.append(("changed", n, {"text"}))
        elif edit == "retime":
            moved = draw(st.integers(1, 12).filter(lambda w: w != weeks))
            new.append((actor, moved, words))
            expected.append(("changed", n, {"time"}))
        elif edit == "actor":
            other = draw(st.sampled_from([a for a in ACTORS if a != actor]))
            new.append((other, weeks, words))
            expected.append(("changed", n, {"actors"}))
            swaps.add((actor, other))
        elif edit == "remove":
            expected.append(("removed", n, set()))
        else:
            new.append((actor, weeks, words))
    for n in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(new)))
        new.insert(at, (draw(st.sampled_from(ACTORS)), draw(st.integers(1, 12)), [f"a{n}w{k}" for k in range(6)]))
        expected.append(("added", f"a{n}", set()))
    return render(steps), render(new), expected, swaps


def _step_word(change: Change) -> str:
    text = change.field("text")
    return (text.new or text.old).split()[-1].split("w")[0] if change.kind != "changed" else ""


@settings(max_examples=150, deadline=None)
@given(edited())
def test_the_diff_reports_exactly_the_edits(case):
    old_text, new_text, expected, swaps = case
    old, new = okrdsl.loads(old_text).spec, okrdsl.loads(new_text).spec
    changes = diff(old, new)
    items = [c for c in changes.changes if c.section == "item"]
    got = []
    for change in items:
        if change.kind == "changed":
            step = next(i for i, item in enumerate(old.phases[0].items) if item.key == change.old_id)
            got.append(("changed", step, {f.name for f in change.fields}))
        elif change.kind == "removed":
            got.append(("removed", int(_step_word(change)[1:]), set()))
        else:
            got.append(("added", _step_word(change), set()))
    assert sorted(got, key=str) == sorted(expected, key=str)
    # a role is renamed only where an actor was replaced by that role
    for change in changes.changes:
        if change.section != "item":
            assert change.what == "role" and change.kind == "renamed" and (change.old_id, change.new_id) in swaps
    assert bag(diff(new, old)) == Counter(c.mirrored() for c in changes.changes)


# --- the command line ----------------------------------------------------------------------------


def test_exit_codes_follow_diff(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert run("diff", "specs/fy23-q1.okrp")[0] == 2
    assert "give two specs, OLD and NEW, not 1" in run("diff", "specs/fy23-q1.okrp")[2]
    bad = tmp_path / "bad.okrp"
    bad.write_text('phase p "P"\n  at -4w PM drafts\n', encoding="utf-8")
    code, out, err = run("diff", "specs/fy23-q1.okrp", str(bad))
    assert (code, out) == (2, "") and "[OKR001]" in err
    code, out, err = run("diff", "specs/fy23-q1.okrp", str(tmp_path / "missing.okrp"))
    assert (code, out) == (2, "") and "[OKR010]" in err
    assert run("diff", "specs", "specs/fy23-q1.okrp")[0] == 2


def test_every_format_is_a_choice():
    assert set(FORMATS) == {"text", "json", "markdown"}
    code, out, _ = run("diff", str(SPECS / "fy23-q2.okrp"), str(SPECS / "fy23-q3.okrp"), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["equal"] is False and sum(data["counts"].values()) == len(data["changes"])
    first = data["changes"][0]
    assert set(first) == {"kind", "what", "section", "old_id", "new_id", "fields", "old_at", "new_at"}


def test_markdown_renders_spec_text_as_written():
    from markdown_it import MarkdownIt

    old = okrdsl.loads('phase p "P"\n  at -4w as x: PM drafts *the* <b>OKRs</b> | here\n').spec
    new = okrdsl.loads('phase p "P"\n  at -4w as x: PM drafts *the* <b>KRs</b> | here\n').spec
    html = MarkdownIt("commonmark").enable("strikethrough").render(to_markdown(diff(old, new)))
    assert "<b>" not in html and "&lt;b&gt;KRs&lt;/b&gt;" in html and "*the*" in html


# --- git's diff driver ------------------------------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(folder), "GIT_PAGER": "cat",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_uses_okrdsl_as_its_driver(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "diff.okrdsl.command", f"{sys.executable} -m okrdsl diff --git-driver")
    (repo / ".gitattributes").write_text("*.okrp diff=okrdsl\n", encoding="utf-8")
    shutil.copy(SPECS / "roles.okrp", repo / "roles.okrp")
    shutil.copy(SPECS / "fy23-q1.okrp", repo / "q.okrp")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "FY23-Q1")
    shutil.copy(SPECS / "fy23-q2.okrp", repo / "q.okrp")
    out = git(repo, "diff")
    assert out.splitlines()[:3] == ["okrdsl diff a/q.okrp b/q.okrp", "--- a/q.okrp", "+++ b/q.okrp"]
    assert "> renamed role CProdO -> VPP" in out  # the old side's include was found beside q.okrp
    git(repo, "commit", "-qam", "FY23-Q2")
    assert git(repo, "diff", "HEAD~1", "HEAD") == out  # both sides from git's temporary files
    shutil.copy(SPECS / "fy23-q3.okrp", repo / "new.okrp")
    git(repo, "add", "new.okrp")
    added = git(repo, "diff", "--cached")
    assert "+ added process" in added and "- removed" not in added  # old-file is /dev/null
    git(repo, "commit", "-qm", "new")
    git(repo, "rm", "-q", "new.okrp")
    assert "- removed process" in git(repo, "diff", "--cached")  # new-file is /dev/null, new.okrp is gone
    (repo / "q.okrp").write_text('phase p "P"\n  at -4w PM drafts\n', encoding="utf-8")
    broken = git(repo, "diff")  # git goes on: a spec with errors is shown as a diff of its text
    assert "q.okrp has errors (above), so here is a diff of its text:" in broken and "+  at -4w PM drafts" in broken


def test_git_driver_needs_seven_arguments():
    code, _, err = run("diff", "--git-driver", "a.okrp", "b.okrp")
    assert code == 2 and "--git-driver takes git's 7 arguments" in err
