"""`okrdsl compile --to mermaid`: the gantt chart's text (golden files), what it leaves out
(OKR402), when there is nothing to chart (a usage error), and what mermaid 11 draws of it
in headless Chromium (tests/browser.py).

Golden files: tests/golden/compile/<stem>.mmd; rewrite with OKRDSL_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from okrdsl.emit.mermaid import LABEL_WIDTH, label, shortened, task_ids
from okrdsl.schedule import Entry
from tests.fuzzing import mutated_specs
from tests.golden import matches
from tests.test_compile import ROOT, SPECS, compile_, relative

CHARTED = [path for path in SPECS if "\nprocess " in "\n" + path.read_text(encoding="utf-8")]


def schedule_items(path: Path) -> list[dict]:
    from click.testing import CliRunner

    from okrdsl.cli import main

    result = CliRunner().invoke(main, ["schedule", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["items"]


def test_the_shipped_specs_with_a_process_are_charted():
    assert {p.name for p in CHARTED} >= {"fy23-q3.okrp", "weekly-and-fortnightly.okrp", "team-quarter-end.okrp"}


@pytest.mark.parametrize("path", CHARTED, ids=relative)
def test_every_spec_with_a_process_matches_its_golden_chart(path):
    result = compile_(relative(path), "--to", "mermaid")
    assert result.exit_code == 0, result.output
    matches(f"compile/{path.stem}.mmd", result.stdout)
    lines = result.stdout.splitlines()
    assert lines[:4] == [lines[0], lines[1], "    dateFormat YYYY-MM-DD", "    inclusiveEndDates"]
    assert lines[0] == "gantt" and lines[1].startswith("    title ")


@pytest.mark.parametrize("path", CHARTED, ids=relative)
def test_each_dated_entry_is_one_task_and_each_undated_item_one_warning(path):
    items = schedule_items(path)
    result = compile_(relative(path), "--to", "mermaid")
    tasks = [line for line in result.stdout.splitlines() if re.match(r"    \S.* :", line)
             and not line.startswith(("    title ", "    section "))]
    assert len(tasks) == sum(1 for item in items if item["date"] is not None)
    undated = {item["id"] for item in items if item["date"] is None}
    assert result.stderr.count("[OKR402]") == len(undated)
    ids = [task.rpartition(" :")[2].removeprefix("milestone, ").split(", ")[0] for task in tasks]
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", task_id) for task_id in ids)
    assert len(set(ids)) == len(ids)


def test_an_undated_item_is_named_at_its_own_line():
    result = compile_("specs/fy22-q4.okrp", "--to", "mermaid")
    warnings = re.findall(r"^specs/fy22-q4\.okrp:(\d+):\d+: warning: (.*) \[OKR402\]$", result.stderr, re.MULTILINE)
    source = (ROOT / "specs/fy22-q4.okrp").read_text(encoding="utf-8").splitlines()
    assert len(warnings) == 3
    assert [source[int(line) - 1].split()[0] for line, _ in warnings] == ["allow", "ongoing:", "ongoing:"]
    assert "a permission has no date" in warnings[0][1]
    assert "it is ongoing" in warnings[1][1]


def test_an_after_only_step_with_no_date_is_named(tmp_path):
    (tmp_path / "after.okrp").write_text(
        'roles\n  PM "Product Manager"\n\nprocess "P" for FY23-Q3\n\nphase p "P"\n'
        "  ongoing as watch: PM watches\n  after watch: PM reports\n", encoding="utf-8")
    result = compile_("after.okrp", "--to", "mermaid", cwd=tmp_path)
    assert result.exit_code == 0
    assert "only after watch" in result.stderr
    assert result.stderr.count("[OKR402]") == 2


@pytest.mark.parametrize(("path", "message"), [
    ("specs/examples/fy24-q1-ceo-okrs.okrp", "has only an OKR set: a Mermaid chart shows a process's dated steps"),
    ("specs/fy23-q3-okrs.okrp", "has only an OKR set"),
    ("specs/roles.okrp", "has no process"),
])
def test_a_spec_with_nothing_to_chart_is_a_usage_error(path, message):
    result = compile_(path, "--to", "mermaid")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_process_not_dated_is_a_usage_problem():
    """A checked process always names its quarter, so this is for callers of the API that
    link a spec without a schedule."""
    import okrdsl
    from okrdsl.diagnostics import UsageProblem
    from okrdsl.emit import Options
    from okrdsl.emit.mermaid import to_mermaid
    from okrdsl.link import link

    spec = okrdsl.loads('roles\n  PM "Product Manager"\n\nprocess "P" for FY23-Q3\n\nphase p "P"\n'
                        "  at -4w: PM drafts\n", "undated.okrp").spec
    with pytest.raises(UsageProblem, match="mermaid needs dates: undated.okrp names no quarter; give --quarter"):
        to_mermaid(link([spec], None), Options())


def test_a_spec_with_an_okr_set_and_a_process_charts_the_process_and_names_the_set(tmp_path):
    text = (ROOT / "specs/fy23-q3.okrp").read_text(encoding="utf-8").replace('include "roles.okrp"', "")
    okrs = (ROOT / "specs/fy23-q3-okrs.okrp").read_text(encoding="utf-8").replace('include "roles.okrp"', "")
    roles = (ROOT / "specs/roles.okrp").read_text(encoding="utf-8")
    (tmp_path / "both.okrp").write_text(roles + text + okrs, encoding="utf-8")
    result = compile_("both.okrp", "--to", "mermaid", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "does not show the OKR set" in result.stderr
    assert result.stdout == compile_("specs/fy23-q3.okrp", "--to", "mermaid").stdout


# --- labels and ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "written"), [
    ("adds OKRs: now", "adds OKRs#58; now"),
    ("#planning; then", "#35;planning#59; then"),
    ("100% %% done", "100#37; #37;#37; done"),
    ("<b>bold</b>", "#60;b#62;bold#60;/b#62;"),
    ("  two\nlines\t ", "two lines"),
    ("click here", "#99;lick here"),
    ("Section leads: review", "#83;ection leads#58; review"),
    ("2022-07-04 kick-off", "#50;022-07-04 kick-off"),
    ("a #58; literally", "a #35;58#59; literally"),
    ("", "#32;"),
])
def test_a_label_escapes_what_mermaid_would_read(text, written):
    assert label(text) == written


def test_a_long_label_is_cut_at_a_word_with_an_ellipsis():
    text = "Product Operations: adds the aligned upon Shared R&D OKRs plus any additional Product OKRs"
    cut = shortened(text, LABEL_WIDTH)
    assert len(cut) <= LABEL_WIDTH and cut.endswith("…")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert label("x" * 200) == "x" * (LABEL_WIDTH - 1) + "…"


def test_task_ids_are_mermaid_words_unique_and_derived_from_keys():
    keys = ["collaboration/-2w/2", "collaboration/+2w/2", "running/every-1-month#3", "done", "4w", "#", "a_2", "a", "a"]
    entries = [Entry(key=k, kind="step", phase="p", date=None, due=None, written="", actors=(), text="") for k in keys]
    ids = [task_ids(entries)[id(e)] for e in entries]
    assert ids == ["collaboration_2w_2", "collaboration_2w_2_2", "running_every_1_month_3", "t_done", "t_4w", "t_",
                   "a_2", "a", "a_3"]
    assert ids == [task_ids(entries)[id(e)] for e in entries]  # the same every time


# --- what mermaid draws -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["specs/fy23-q3.okrp", "specs/examples/weekly-and-fortnightly.okrp"])
def test_the_chart_renders_a_task_or_milestone_per_dated_entry(browser, path):
    items = [item for item in schedule_items(ROOT / path) if item["date"] is not None]
    chart = compile_(path, "--to", "mermaid").stdout
    rendered = browser.render_mermaid(chart)
    assert rendered.error is None
    assert "Syntax error" not in rendered.svg
    assert rendered.page.errors == [] and rendered.page.blocked == []
    assert rendered.task_count + rendered.milestone_count == len(items)
    meetings = [item for item in items if item["kind"] == "meeting" and item["due"] in (None, item["date"])]
    assert rendered.milestone_count == len(meetings)
    assert rendered.section_count == len({item["phase"] for item in items})


ESCAPES = """\
roles
  PO "Product Operations: <b>team</b> #1; 100%"
  Click "click here"

process "Plan: <script>alert(1)</script> & more" for FY23-Q3

phase kickoff "Kick-off: part #1; %% not a comment <i>"
  at -4w: PO adds OKRs: #1; %% <b>b</b> &amp;
  at -3w: Click checks the "quoted" text; then 'single' quotes
  meeting m1 "Meeting: #2; %% <b>x</b> #58;" at -2w
    scheduled by PO
    goal "Meet"
"""


def test_text_that_looks_like_mermaid_syntax_renders_as_written(browser, tmp_path):
    (tmp_path / "escapes.okrp").write_text(ESCAPES, encoding="utf-8")
    result = compile_("escapes.okrp", "--to", "mermaid", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    rendered = browser.render_mermaid(result.stdout)
    assert rendered.error is None, rendered.error
    assert rendered.page.errors == []
    assert (rendered.task_count, rendered.milestone_count, rendered.section_count) == (2, 1, 1)
    assert sorted(rendered.labels) == sorted([
        "Product Operations: <b>team</b> #1; 100%: adds OKRs: #1; %% <b>b</b> &amp;",
        "click here: checks the \"quoted\" text; then 'single' quotes",
        "Meeting: #2; %% <b>x</b> #58;",
    ])
    assert rendered.page.text("pre.mermaid svg text.sectionTitle") == ["Kick-off: part #1; %% not a comment <i>"]
    assert rendered.page.text("pre.mermaid svg text.titleText") == ["Plan: <script>alert(1)</script> & more (FY23-Q3)"]
    assert rendered.page.count("pre.mermaid svg b, pre.mermaid svg script, pre.mermaid svg i") == 0


# --- any text, any spec -------------------------------------------------------------------------


def decoded(written: str) -> str:
    """A label as mermaid shows it: each entity code as its character."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), written)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(max_size=120))
def test_any_text_is_a_label_mermaid_reads_as_text(text):
    written = label(text)
    assert re.fullmatch(r"(?:[^:#;%<>\s]|[ ]|#\d+;)+", written)
    assert not written.lower().startswith(("click", "section", "title", "%", "gantt")) and written[0] != " "
    shown = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text)
    shown = re.sub(r"\s+", " ", shown).strip()
    if len(shown) > LABEL_WIDTH:
        assert decoded(written).endswith("…") and len(decoded(written)) <= LABEL_WIDTH
    else:
        assert decoded(written) == (shown or " ")


@settings(max_examples=40, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_specs())
def test_any_spec_compiles_to_a_chart_or_a_clear_refusal(files):
    import tempfile

    from tests.fuzzing import invoke, problems_with, write_project

    with tempfile.TemporaryDirectory() as tmp:
        write_project(Path(tmp), files)
        run = invoke("compile", str(Path(tmp) / "fuzz.okrp"), "--to", "mermaid")
        assert problems_with(run, Path(tmp)) == []
