"""`okrdsl compile --to ics`: every event read back agrees with `okrdsl schedule`.

Golden files: tests/golden/compile/<stem>.ics. Regenerate after an intended change with
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_ics.py
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from dateutil import rrule
from hypothesis import given, settings, strategies as st
from icalendar import Calendar

import okrdsl
from okrdsl.cli import main
from okrdsl.diagnostics import UsageProblem
from okrdsl.emit import Options
from okrdsl.emit.ics import folded, to_ics, uid
from okrdsl.link import link

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "compile"
PROCESSES = [p for p in sorted((ROOT / "specs").rglob("*.okrp")) if "\nprocess " in p.read_text(encoding="utf-8")]


def run(*args, cwd=ROOT):
    """The CLI's result; an iCalendar file is `.stdout_bytes` (`.stdout` turns its CRLF into LF)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*map(str, args)])
    finally:
        os.chdir(old)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def events(text: str) -> dict:
    """The events of a calendar by UID, each read back with its days: a one-off event's first
    and last day, or a recurring one's occurrences as dateutil expands its RRULE, EXDATE and RDATE."""
    found = {}
    for event in Calendar.from_ical(text).walk("VEVENT"):
        start = event.decoded("dtstart")
        last = event.decoded("dtend") - datetime.timedelta(days=1)
        if "rrule" in event:
            found[str(event["uid"])] = ("recurring", expand(event))
        else:
            found[str(event["uid"])] = ("once", [start, last])
    return found


def _dates(event, name) -> list[datetime.date]:
    value = event.get(name)
    if value is None:
        return []
    lists = value if isinstance(value, list) else [value]
    return [d.dt for written in lists for d in written.dts]


def expand(event) -> list[datetime.date]:
    start = datetime.datetime.combine(event.decoded("dtstart"), datetime.time())
    rules = rrule.rruleset()
    rules.rrule(rrule.rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    for day in _dates(event, "exdate"):
        rules.exdate(datetime.datetime.combine(day, datetime.time()))
    for day in _dates(event, "rdate"):
        rules.rdate(datetime.datetime.combine(day, datetime.time()))
    return [moment.date() for moment in rules]


def expected(path: str, *options, cwd=ROOT) -> tuple[dict, list[str]]:
    """What `okrdsl schedule --format json` says each event must be, by UID, and the ids it lists undated."""
    data = json.loads(run("schedule", path, "--format", "json", *options, cwd=cwd).stdout)
    by_uid: dict = defaultdict(list)
    recurring, undated = set(), []
    for item in data["items"]:
        key, _, occurrence = item["id"].partition("#")
        if item["date"] is None:
            undated.append(key)
            continue
        day = datetime.date.fromisoformat(item["date"])
        name = uid(data["quarter"], path, key)
        if occurrence:
            recurring.add(name)
            by_uid[name].append(day)
        else:
            by_uid[name] = [day, datetime.date.fromisoformat(item["due"]) if item["due"] else day]
    return {name: ("recurring" if name in recurring else "once", days) for name, days in by_uid.items()}, undated


@pytest.mark.parametrize("path", PROCESSES, ids=relative)
def test_every_event_has_the_dates_of_the_schedule(path):
    result = run("compile", relative(path), "--to", "ics")
    assert result.exit_code == 0, result.output
    wanted, undated = expected(relative(path))
    assert events(result.stdout_bytes.decode()) == wanted
    assert result.stderr.count("[OKR402]") >= len(undated)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=300))
def test_folding_keeps_every_character_and_no_line_is_longer_than_75_octets(line):
    text = folded(line)
    assert text.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in text.split("\r\n"))


@pytest.mark.parametrize("path", PROCESSES, ids=relative)
def test_ics_golden(path):
    text = run("compile", relative(path), "--to", "ics").stdout_bytes.decode()
    golden = GOLDEN / f"{path.stem}.ics"
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")  # okrdsl folds lines itself: the same on every machine
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n")), "a line longer than 75 octets"


def test_uids_are_unique_and_the_same_on_every_run():
    first = run("compile", "specs/examples/weekly-and-fortnightly.okrp", "--to", "ics").stdout_bytes.decode()
    again = run("compile", "specs/examples/weekly-and-fortnightly.okrp", "--to", "ics").stdout_bytes.decode()
    assert first == again
    uids = [str(e["uid"]) for e in Calendar.from_ical(first).walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 11
    assert "fy24-q1.weekly-and-fortnightly.egroup_weekly@okrdsl" in uids


def test_no_two_events_of_the_shipped_specs_share_a_uid():
    uids = [str(e["uid"]) for path in PROCESSES
            for e in Calendar.from_ical(run("compile", relative(path), "--to", "ics").stdout_bytes).walk("VEVENT")]
    assert len(uids) == len(set(uids)) > 100


def test_a_uid_writes_every_character_that_could_clash_in_hex():
    assert uid("FY23-Q3", "specs/fy23-q3.okrp", "kickoff/-8w") == "fy23-q3.fy23-q3.kickoff%2F-8w@okrdsl"
    assert uid("FY23-Q3", "a.b.okrp", "c") != uid("FY23-Q3", "a.okrp", "b.c")
    assert uid("FY23-Q3", "x.okrp", "Zeitplan.Übersicht") == "fy23-q3.x.Zeitplan%2E%C3%9Cbersicht@okrdsl"


def test_the_calendar_names_its_maker_and_version_and_each_event_its_stamp():
    cal = Calendar.from_ical(run("compile", "specs/fy23-q3.okrp", "--to", "ics").stdout_bytes.decode())
    assert str(cal["prodid"]).startswith("-//okrdsl//okrdsl ") and str(cal["prodid"]).endswith("//EN")
    assert str(cal["version"]) == "2.0"
    stamps = {e.decoded("dtstamp") for e in cal.walk("VEVENT")}
    assert stamps == {datetime.datetime(2022, 8, 1, tzinfo=datetime.timezone.utc)}


def test_stamp_sets_every_dtstamp():
    text = run("compile", "specs/fy23-q3.okrp", "--to", "ics", "--stamp", "2022-07-01T09:30:00Z").stdout_bytes.decode()
    assert "DTSTAMP:20220701T093000Z\r\n" in text
    assert "DTSTAMP:20220801T000000Z" not in text


def test_a_stamp_that_cannot_be_read_is_a_usage_error():
    result = run("compile", "specs/fy23-q3.okrp", "--to", "ics", "--stamp", "2022-07-01 09:30")
    assert result.exit_code == 2
    assert "YYYY-MM-DDTHH:MM:SSZ" in result.stderr


def test_a_planning_step_reads_as_who_does_what():
    cal = Calendar.from_ical(run("compile", "specs/fy23-q3.okrp", "--to", "ics").stdout_bytes.decode())
    event = next(e for e in cal.walk("VEVENT") if str(e["uid"]) == "fy23-q3.fy23-q3.review@okrdsl")
    assert str(event["summary"]) == ("Product Operations: adds the aligned upon Shared R&D OKRs plus any additional "
                                     "Product organization specific OKRs to #planning")
    assert [str(c) for c in event["categories"].cats] == ["OKR Kick-off by the Product and Engineering Leadership Teams"]
    assert str(event["url"]) == "https://gitlab.com/gitlab-com/Product/-/issues/4295"
    description = str(event["description"]).split("\n")
    assert description[:3] == ["Who: Product Operations",
                               "What: adds the aligned upon Shared R&D OKRs plus any additional Product organization "
                               "specific OKRs to #planning",
                               "When: -4w"]
    assert "- VP of Product: reviews the proposed OKRs with the @CEO" in description
    assert "- FY23-Q3 Shared R&D and Product Org OKR Planning: https://gitlab.com/gitlab-com/Product/-/issues/4295" \
        in description


def test_a_window_spans_its_first_day_to_its_due_day():
    cal = Calendar.from_ical(run("compile", "specs/fy23-q3.okrp", "--to", "ics").stdout_bytes.decode())
    event = next(e for e in cal.walk("VEVENT") if str(e["uid"]) == "fy23-q3.fy23-q3.one_on_one@okrdsl")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (datetime.date(2022, 6, 20), datetime.date(2022, 6, 28))
    assert "DTSTART;VALUE=DATE:20220620\r\nDTEND;VALUE=DATE:20220628\r\n" in cal.to_ical().decode()


def test_a_day_the_weekend_rule_moves_is_excluded_and_the_day_it_moves_to_added():
    text = run("compile", "specs/examples/team-quarter-end.okrp", "--to", "ics").stdout_bytes.decode()
    event = next(e for e in Calendar.from_ical(text).walk("VEVENT") if "rrule" in e)
    assert event["rrule"].to_ical() == b"FREQ=MONTHLY;UNTIL=20230430;BYMONTHDAY=1"
    assert (_dates(event, "exdate"), _dates(event, "rdate")) == ([datetime.date(2023, 4, 1)], [datetime.date(2023, 4, 3)])
    assert expand(event) == [datetime.date(2023, 2, 1), datetime.date(2023, 3, 1), datetime.date(2023, 4, 3)]


def test_weekdays_and_weeks_of_the_month_are_byday():
    text = run("compile", "specs/examples/weekly-and-fortnightly.okrp", "--to", "ics").stdout_bytes.decode()
    rules = sorted(e["rrule"].to_ical().decode() for e in Calendar.from_ical(text).walk("VEVENT") if "rrule" in e)
    assert rules == ["FREQ=MONTHLY;UNTIL=20230430;BYDAY=-1FR", "FREQ=MONTHLY;UNTIL=20230430;BYDAY=1TH",
                     "FREQ=WEEKLY;UNTIL=20230430;INTERVAL=2;BYDAY=MO", "FREQ=WEEKLY;UNTIL=20230507;BYDAY=TU"]


MONTH_ENDS = """\
roles
  CoS "Chief of Staff"

process "Month ends" for FY24-Q1
  fiscal year starts February
  weekends next-monday

phase running "Running"
  every month on day 31: CoS closes the month, with commas; semicolons \\ and backslashes
  every month on day 30: CoS reviews the month in Zürich — 東京 too
  every month on day 29 from start until end+2mo: CoS drafts the summary
  every 3 days from start until start+3w: CoS checks in
  every month from -2d until end: CoS counts from the 30th
  meeting daily "Stand-up" every day from start until start+2w
    scheduled by CoS
    attendees CoS
  ongoing: CoS keeps the notes
"""


@pytest.fixture
def month_ends(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "month-ends.okrp").write_text(MONTH_ENDS, encoding="utf-8")
    return tmp_path


def test_days_past_the_28th_fall_on_a_shorter_months_last_day_and_weekends_move(month_ends):
    result = run("compile", "month-ends.okrp", "--to", "ics", cwd=month_ends)
    assert result.exit_code == 0, result.output
    wanted, undated = expected("month-ends.okrp", cwd=month_ends)
    text = result.stdout_bytes.decode()
    found = events(text)
    assert found == wanted
    assert len(found) == 6 and undated == ["running/cos-keeps-the-notes"]
    rules = [e["rrule"].to_ical().decode() for e in Calendar.from_ical(text).walk("VEVENT")]
    assert rules[:3] == ["FREQ=MONTHLY;UNTIL=20230430;BYMONTHDAY=-1",
                         "FREQ=MONTHLY;UNTIL=20230430;BYMONTHDAY=28,29,30;BYSETPOS=-1",
                         "FREQ=MONTHLY;UNTIL=20230630;BYMONTHDAY=28,29;BYSETPOS=-1"]
    assert "a step that is ongoing has no date, so it is not in the calendar [OKR402]" in result.stderr


def test_text_with_commas_semicolons_newlines_and_other_alphabets_reads_back_intact(month_ends):
    text = run("compile", "month-ends.okrp", "--to", "ics", cwd=month_ends).stdout_bytes.decode()
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\\;" in text and "\\," in text and "\\\\" in text
    summaries = {str(e["summary"]): str(e["description"]) for e in Calendar.from_ical(text).walk("VEVENT")}
    assert "Chief of Staff: closes the month, with commas; semicolons \\ and backslashes" in summaries
    description = summaries["Chief of Staff: reviews the month in Zürich — 東京 too"]
    assert description == ("Who: Chief of Staff\nWhat: reviews the month in Zürich — 東京 too\n"
                           "When: every month on day 30")


def test_a_process_without_a_quarter_needs_one():
    # The grammar asks every process for its quarter, so this is the emitter's own guard.
    spec, _ = okrdsl.loads(MONTH_ENDS, "month-ends.okrp")
    with pytest.raises(UsageProblem, match=r"ics needs a quarter: month-ends.okrp names none; give --quarter"):
        to_ics(link([spec], None), Options())


def test_a_spec_with_no_process_is_an_empty_calendar_with_a_warning():
    result = run("compile", "specs/fy23-q3-okrs.okrp", "--to", "ics")
    assert result.exit_code == 0
    assert Calendar.from_ical(result.stdout).walk("VEVENT") == []
    assert "an OKR set has no dates, so it is not in the calendar [OKR402]" in result.stderr
    result = run("compile", "specs/roles.okrp", "--to", "ics")
    assert "this spec has no process, so its calendar has no events [OKR402]" in result.stderr


def test_quarter_gives_the_events_of_another_quarter():
    text = run("compile", "specs/fy23-q3.okrp", "--to", "ics", "--quarter", "FY24-Q1").stdout_bytes.decode()
    wanted, _ = expected("specs/fy23-q3.okrp", "--quarter", "FY24-Q1")
    assert events(text) == wanted
    assert all(name.startswith("fy24-q1.") for name in wanted)


def test_importing_ics_is_left_to_the_command_that_asks_for_it():
    import subprocess
    import sys

    code = "import sys, okrdsl.cli, okrdsl.emit.targets; print('icalendar' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
