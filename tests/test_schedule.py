"""Every time expression resolved to dates, and `okrdsl schedule`."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import okrdsl
from okrdsl import ir
from okrdsl.calendar import FiscalCalendar
from okrdsl.check import check
from okrdsl.cli import main
from okrdsl.schedule import schedule, schedule_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
D = datetime.date
GITLAB = FiscalCalendar(2, "end")


def entries(text, year=2023, quarter=3, calendar=GITLAB):
    spec, diagnostics = okrdsl.loads(text, "t.okrp")
    assert diagnostics == ()
    return schedule(spec, calendar, year, quarter)


def dates(result):
    return {e.key: (e.date, e.due) for e in result.entries}


def test_fy22_q4_meetings_fall_on_the_handbook_dates():
    spec, _ = okrdsl.load(SPECS / "fy22-q4.okrp")
    result = schedule_spec(spec)
    meetings = [e.date for e in result.entries if e.kind == "meeting"]
    assert meetings == [D(2021, 9, 20), D(2021, 9, 22), D(2021, 9, 27)]


def test_fy23_q3_runs_from_minus_8_weeks_to_three_weeks_after_the_end():
    spec, _ = okrdsl.load(SPECS / "fy23-q3.okrp")
    result = schedule_spec(spec)
    dated = [e.date for e in result.entries if e.date]
    assert (result.start, result.end) == (D(2022, 8, 1), D(2022, 10, 31))
    assert (min(dated), max(dated)) == (D(2022, 6, 6), D(2022, 11, 21))
    assert dates(result)["collaboration/productops-asks-the-productteam-to"] == (D(2022, 11, 7), None)


@pytest.mark.parametrize("name", ["fy22-q4.okrp", "fy23-q1.okrp", "fy23-q2.okrp", "fy23-q3.okrp"])
def test_every_shipped_spec_schedules_every_item(name):
    spec, _ = okrdsl.load(SPECS / name)
    result = schedule_spec(spec)
    items = list(spec.items())
    cadences = [i for i in items if isinstance(i, ir.Cadence)]
    occurrences = [e for e in result.entries if e.kind == "cadence"]
    assert len(result.entries) == len(items) - len(cadences) + len(occurrences)
    assert len(occurrences) == 3 * len(cadences)  # monthly, over a three-month quarter
    undated = {e.key for e in result.entries if e.date is None}
    assert undated == {i.key for i in items if isinstance(getattr(i, "when", None), ir.Ongoing) or isinstance(i, ir.Permission)}


def test_every_kind_of_time():
    result = entries(
        'phase p "P"\n'
        "  at -8w: PM a\n"
        "  at -6w+2d: PM b\n"
        "  at start: PM c\n"
        "  meeting s1 \"S1\" at -6w\n"
        "  meeting s2 \"S2\" at s1 + 1w\n"
        "  within 1w after s1 as w: PM d\n"
        "  at w + 2d as chained: PM e\n"
        "  on 2022-09-01: PM f\n"
        "  at end+1w: PM g\n"
        "  at end: PM h\n"
        "  ongoing: PM i\n"
    )
    assert dates(result) == {
        "p/pm-a": (D(2022, 6, 6), None),
        "p/pm-b": (D(2022, 6, 22), None),
        "p/pm-c": (D(2022, 8, 1), None),
        "s1": (D(2022, 6, 20), None),
        "s2": (D(2022, 6, 27), None),
        "w": (D(2022, 6, 20), D(2022, 6, 27)),
        "chained": (D(2022, 6, 22), None),
        "p/pm-f": (D(2022, 9, 1), None),
        "p/pm-g": (D(2022, 11, 7), None),
        "p/pm-h": (D(2022, 10, 31), None),
        "p/pm-i": (None, None),
    }
    assert [e.key for e in result.entries][-1] == "p/pm-i"


def test_cadences_expand_over_the_quarter_by_default():
    result = entries('phase p "P"\n  every month: KROwner updates the status of their KRs\n')
    assert [e.date for e in result.entries] == [D(2022, 8, 1), D(2022, 9, 1), D(2022, 10, 1)]
    assert [e.key for e in result.entries] == ["p/krowner-updates-the-status-of#1", "p/krowner-updates-the-status-of#2",
                                                 "p/krowner-updates-the-status-of#3"]


def test_cadences_with_a_range():
    result = entries('phase p "P"\n  every 2 weeks from -2w until start+2w: PM checks in\n')
    assert [e.date for e in result.entries] == [D(2022, 7, 18), D(2022, 8, 1), D(2022, 8, 15)]


@pytest.mark.parametrize(
    "rule, a, b",
    [
        ("keep", D(2022, 3, 6), D(2022, 3, 7)),
        ("next-monday", D(2022, 3, 7), D(2022, 3, 8)),
        ("previous-friday", D(2022, 3, 4), D(2022, 3, 4)),  # Friday + 1d is a Saturday: back to Friday
    ],
)
def test_weekend_rules_apply_to_each_date_counted_from_the_dates_people_see(rule, a, b):
    # FY23-Q2 starts on Sunday 2022-05-01, so -8w is a Sunday too.
    result = entries(
        f'process "P" for FY23-Q2\n  weekends {rule}\nphase p "P"\n'
        "  meeting a \"A\" at -8w\n  at a + 1d: PM b\n  on 2022-03-05: PM c\n",
        quarter=2,
    )
    got = dates(result)
    assert got["a"] == (a, None)
    assert got["p/pm-b"] == (b, None)  # counted from a's date as shown
    assert got["p/pm-c"] == (D(2022, 3, 5), None)  # a written date is kept


def test_a_loop_of_relative_times_is_a_diagnostic_not_a_hang(tmp_path):
    text = 'roles\n  PM "PM"\nphase p "P"\n  at b + 1w as a: PM x\n  at a - 1w as b: PM y\n'
    spec, _ = okrdsl.loads(text, "t.okrp")
    assert all(e.date is None for e in schedule(spec, GITLAB, 2023, 3).entries)
    path = tmp_path / "t.okrp"
    path.write_text(text, encoding="utf-8")
    assert [(d.code, d.span.line, d.span.column, d.message) for d in check([str(path)]).diagnostics] == [
        ("OKR203", 5, 6, "these items are timed relative to each other in a loop: a -> b -> a"),
    ]


def test_an_unknown_anchor_is_a_diagnostic_with_a_suggestion(tmp_path):
    path = tmp_path / "t.okrp"
    path.write_text('roles\n  PM "PM"\nphase p "P"\n  at -6w as session1: PM x\n  at sesion1 + 1w: PM y\n', encoding="utf-8")
    (diagnostic,) = check([str(path)]).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR103", 5, 6)
    assert diagnostic.message == '"sesion1" is not a meeting or step of this spec'
    assert diagnostic.hint == 'did you mean "session1"?'


def test_the_quarter_and_calendar_can_be_overridden():
    spec, _ = okrdsl.load(SPECS / "fy23-q3.okrp")
    assert schedule_spec(spec, "FY24 Q1").start == D(2023, 2, 1)
    microsoft = schedule_spec(spec, "fy24q1", start_month=7)
    assert (microsoft.start, microsoft.end) == (D(2023, 7, 1), D(2023, 9, 30))
    assert schedule_spec(spec, "FY23-Q1", start_month=7, named_by="start").start == D(2023, 7, 1)


# --- the command ------------------------------------------------------------------------------


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.output


def test_schedule_table_golden():
    code, output = run("schedule", str(SPECS / "fy23-q3.okrp"), "--today", "2022-07-12")
    assert code == 0
    golden = Path(__file__).parent / "golden" / "fy23-q3.schedule.txt"
    assert output == golden.read_text(encoding="utf-8")


def test_schedule_json_lists_every_item():
    code, output = run("schedule", str(SPECS / "fy23-q2.okrp"), "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert (data["quarter"], data["start"], data["end"]) == ("FY23-Q2", "2022-05-01", "2022-07-31")
    assert set(data["items"][0]) == {"id", "kind", "phase", "date", "due", "offset", "after", "actors", "text", "length_minutes"}
    spec, _ = okrdsl.load(SPECS / "fy23-q2.okrp")
    cadences = [e for e in data["items"] if e["kind"] == "cadence"]
    assert [e["date"] for e in cadences] == ["2022-05-01", "2022-06-01", "2022-07-01"]
    assert len(data["items"]) == len(list(spec.items())) - 1 + len(cadences)
    assert data["items"] == sorted(data["items"], key=lambda e: (e["date"] is None, e["date"] or ""))


def test_schedule_json_says_what_an_item_comes_after(tmp_path):
    path = tmp_path / "ordered.okrp"
    path.write_text(
        'roles\n  EGroup "E-Group"\n\nprocess "P" for FY24-Q1\n\nphase planning "Planning"\n'
        "  at -4w as propose: EGroup proposes OKRs for their functions\n"
        "  at -3w as review: EGroup reviews the draft\n"
        "  after propose: EGroup posts functional OKRs\n"
        "  after propose, review as final: EGroup finalises the OKRs\n", encoding="utf-8")
    code, output = run("schedule", str(path), "--format", "json")
    assert code == 0
    items = [(e["id"], e["date"], e["offset"], e["after"]) for e in json.loads(output)["items"]]
    assert items == [
        ("propose", "2023-01-04", "-4w", []),
        ("planning/egroup-posts-functional-okrs", None, "after propose", ["propose"]),
        ("review", "2023-01-11", "-3w", []),
        ("final", None, "after propose, review", ["propose", "review"]),
    ]


def test_schedule_json_with_today_marks_status():
    code, output = run("schedule", str(SPECS / "fy23-q3.okrp"), "--format", "json", "--today", "2022-07-12")
    statuses = {e["id"]: e["status"] for e in json.loads(output)["items"]}
    assert statuses["kickoff/plt-drafts-initial-okrs-aligned"] == "overdue"
    assert statuses["port"] == "next week"
    assert statuses["video"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["--quarter", "FY23-Q9"], '"FY23-Q9" is not a fiscal quarter: write it like FY23-Q3, FY23 Q3 or fy23q3'),
        (["--fiscal-start", "Febuary"], '"Febuary" is not a month'),
        (["--today", "12/07/2022"], '"12/07/2022" is not a date: write it as YYYY-MM-DD, such as 2022-07-12, or "today"'),
        (["--today", "2022-02-30"], '"2022-02-30" is not a date'),
    ],
)
def test_schedule_usage_errors(args, message):
    code, output = run("schedule", str(SPECS / "fy23-q3.okrp"), *args)
    assert code == 2
    assert message in output


def test_schedule_without_a_quarter(tmp_path):
    path = tmp_path / "p.okrp"
    path.write_text('roles\n  PM "Product Manager"\nphase p "P"\n  at -4w: PM x\n', encoding="utf-8")
    code, output = run("schedule", str(path))
    assert code == 2
    assert "names no quarter" in output
    assert run("schedule", str(path), "--quarter", "FY23-Q3")[0] == 0


def test_schedule_of_a_broken_spec_prints_the_errors(tmp_path):
    path = tmp_path / "p.okrp"
    path.write_text('phase p "P"\n  at 4 weeks: PM x\n', encoding="utf-8")
    code, output = run("schedule", str(path))
    assert code == 1
    assert "[OKR001]" in output


def test_schedule_of_a_loop_prints_the_table_and_the_error(tmp_path):
    path = tmp_path / "p.okrp"
    path.write_text('process "P" for FY23-Q3\nphase p "P"\n  meeting a "A" at b + 1w\n  meeting b "B" at a - 1w\n')
    code, output = run("schedule", str(path))
    assert code == 1
    assert "undated" in output and "[OKR203]" in output


def test_schedule_prints_the_errors_check_would_and_exits_one(tmp_path):
    path = tmp_path / "p.okrp"
    path.write_text('process "P" for FY23-Q3\nroles\n  PM "Product Manager"\nphase p "P"\n'
                    "  at -4w: PM drafts\n  at -5w: PMM reviews\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["schedule", str(path)], color=False)
    assert result.exit_code == 1
    assert "[OKR201]" in result.stderr and "[OKR102]" in result.stderr
    assert result.stdout.startswith("P: FY23-Q3, 2022-08-01 to 2022-10-31")


def test_schedule_of_a_folder_is_a_usage_error():
    code, output = run("schedule", str(SPECS))
    assert code == 2
    assert "is a folder: name one .okrp file with a process" in output


def test_today_may_be_today():
    code, output = run("schedule", str(SPECS / "fy23-q3.okrp"), "--today", "today")
    assert code == 0
    assert f"(today {datetime.date.today().isoformat()})" in output


# --- properties and regressions ---------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.sampled_from(["end", "start"]), st.integers(1990, 2100), st.integers(1, 4),
       st.integers(0, 400))
def test_offsets_count_from_the_quarters_first_and_last_days(month, naming, year, quarter, days):
    calendar = FiscalCalendar(month, naming)
    spec, _ = okrdsl.loads(f'phase p "P"\n  at -{days}d as a: PM x\n  at end+{days}d as b: PM y\n  at a + {days}d as c: PM z\n')
    got = dates(schedule(spec, calendar, year, quarter))
    start, end = calendar.quarter_start(year, quarter), calendar.quarter_end(year, quarter)
    assert got["a"][0] == start - datetime.timedelta(days=days)
    assert got["b"][0] == end + datetime.timedelta(days=days)
    assert got["c"][0] == start  # offsets invert


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["at", "within", "on"]), st.integers(-3000, 3000),
                          st.sampled_from(["start", "end", "a", "b", "zz"])), min_size=1, max_size=6),
       st.sampled_from(["keep", "next-monday", "previous-friday"]), st.integers(1900, 2999))
def test_check_and_schedule_never_raise(tmp_path_factory, items, weekends, year):
    lines = [f'process "P" for FY{year}-Q1', f"  weekends {weekends}", "roles", '  PM "PM"', 'phase p "P"']
    for index, (kind, days, anchor) in enumerate(items):
        name = "ab"[index % 2] if index < 2 else f"x{index}"
        if kind == "on":
            when = f"on {year:04d}-0{1 + index % 9}-1{index % 9}"
        elif kind == "within":
            when = f"within {abs(days)}d after {anchor}"
        else:
            when = f"at {anchor}{days:+d}d"
        lines.append(f"  {when} as {name}: PM does {index}")
    path = tmp_path_factory.mktemp("fuzz") / "f.okrp"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check([str(path)])
    spec, _ = okrdsl.load(path)
    schedule(spec, GITLAB, year, 1)


def test_derived_ids_never_meet_written_ones():
    spec, _ = okrdsl.loads('phase p "P"\n  at start: PM a\nphase q "Q"\n  at +1w as p.start: PM b\n  at p.start + 1d: PM c\n')
    result = schedule(spec, GITLAB, 2023, 3)
    keys = [e.key for e in result.entries]
    assert len(keys) == len(set(keys)) and "p/pm-a" in keys and "p.start" in keys
    assert dates(result)["q/pm-c"] == (D(2022, 8, 9), None)  # from the step written "as p.start"


def test_a_written_date_is_kept_off_the_weekend_rule():
    result = entries('process "P" for FY23-Q3\n  weekends next-monday\nphase p "P"\n'
                     "  at -8w-1d on 2022-06-05 as a: PM x\n  at -8w-1d as b: PM y\n")
    assert dates(result)["a"] == (D(2022, 6, 5), None)  # a Sunday, as written
    assert dates(result)["b"] == (D(2022, 6, 6), None)  # moved to Monday


def test_another_quarter_drops_a_written_date_that_no_longer_holds():
    spec, _ = okrdsl.load(SPECS / "fy22-q4.okrp")
    (m1,) = [e for e in schedule_spec(spec, "FY23-Q1").entries if e.key == "m1"]
    assert (m1.date, m1.written) == (D(2021, 12, 21), "-6w")


def test_loading_is_safe_from_several_threads():
    import threading

    texts = [f"# comment {i}\n" * 200 + 'roles\n  PM "PM"\n' for i in range(6)]
    counts = {}

    def load(i):
        counts[i] = [c.text for c in okrdsl.loads(texts[i]).spec.comments]

    threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts == {i: [f"# comment {i}"] * 200 for i in range(6)}


def test_long_after_chains_are_checked_in_linear_time(tmp_path):
    lines = ['process "P" for FY23-Q3', "roles", '  PM "PM"', 'phase p "P"']
    for i in range(200):
        after = f" after s{i - 1}, s{i - 2}" if i >= 2 else ""
        lines.append(f"  at -8w as s{i}{after}: PM x")
    path = tmp_path / "chain.okrp"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert check([str(path)]).diagnostics == ()  # an exponential walk would not finish


def test_the_table_lines_up_wide_characters(tmp_path):
    """Columns count terminal cells, as check's carets do: 计划 takes four, as "Phase" plus one."""
    (tmp_path / "wide.okrp").write_text(
        'roles\n  产品 "产品经理"\n  PM "Product Manager"\n\nprocess "Wide" for FY23-Q3\n\n'
        'phase 计划 "计划"\n  at -4w: 产品 drafts the OKRs\n  at -3w: PM reviews them\n', encoding="utf-8")
    output = CliRunner().invoke(main, ["schedule", str(tmp_path / "wide.okrp")]).output
    assert output.splitlines()[2:] == [
        "Date        Day  When  Phase  Who   What",
        "2022-07-04  Mon  -4w   计划   产品  drafts the OKRs",
        "2022-07-11  Mon  -3w   计划   PM    reviews them",
    ]
