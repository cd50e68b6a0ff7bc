"""The time model as organisations write it: calendar weeks and months, `mo`, windows over
weeks and months, ranges, the middle of the quarter, ordered-only steps, recurring meetings
and what is placed in them. Fixed quarters that start on a Wednesday (FY24-Q1 with a
February year), a Saturday (2023-04-01) and a Sunday (2023-10-01), then properties."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import okrdsl
from okrdsl.calendar import FiscalCalendar, middle, parse_month
from okrdsl.schedule import schedule_spec

D = datetime.date
ROLES = 'roles\n  CEO "Chief Executive Officer"\n  CoS "Chief of Staff to the CEO"\n'
# Quarters by the weekday they start on, with the fiscal year's first month.
WEDNESDAY = ("FY24-Q1", "February")  # 2023-02-01 to 2023-04-30
SATURDAY = ("FY23-Q2", "January")  # 2023-04-01 to 2023-06-30
SUNDAY = ("FY23-Q4", "January")  # 2023-10-01 to 2023-12-31


def spec_text(body: str, quarter=WEDNESDAY, settings_lines: str = "") -> str:
    name, month = quarter
    return (f'{ROLES}process "Time" for {name}\n  fiscal year starts {month}\n{settings_lines}'
            f'phase p "P"\n{body}')


def dated(body: str, quarter=WEDNESDAY, settings_lines: str = "", diagnostics=()) -> dict[str, tuple]:
    """{key: (date, due)} of a spec's schedule; the spec must load with exactly `diagnostics`."""
    spec, found = okrdsl.loads(spec_text(body, quarter, settings_lines), "t.okrp")
    assert tuple(d.code for d in found) == tuple(diagnostics)
    return {e.key: (e.date, e.due) for e in schedule_spec(spec).entries}


def check_codes(body: str, quarter=WEDNESDAY, tmp_path=None) -> list[tuple[int, str, str]]:
    from okrdsl.check import check

    path = tmp_path / "t.okrp"
    path.write_text(spec_text(body, quarter), encoding="utf-8")
    return [(d.span.line, d.code, d.message) for d in check([str(path)]).diagnostics if d.code != "OKR501"]


@pytest.mark.parametrize(("quarter", "weeks_start", "week0", "week_end"), [
    (WEDNESDAY, "", D(2023, 1, 30), D(2023, 4, 24)),
    (WEDNESDAY, "  weeks start Sunday\n", D(2023, 1, 29), D(2023, 4, 30)),
    (SATURDAY, "", D(2023, 3, 27), D(2023, 6, 26)),
    (SATURDAY, "  weeks start Sunday\n", D(2023, 3, 26), D(2023, 6, 25)),
    (SUNDAY, "", D(2023, 9, 25), D(2023, 12, 25)),
    (SUNDAY, "  weeks start Sunday\n", D(2023, 10, 1), D(2023, 12, 31)),
])
def test_calendar_weeks_start_on_the_configured_weekday(quarter, weeks_start, week0, week_end):
    got = dated("  at week -5 as a: CEO a\n  at week 0 as b: CEO b\n  at week +2 as c: CEO c\n"
                "  at week end as d: CEO d\n  at week end+1 as e: CEO e\n", quarter, weeks_start)
    week = datetime.timedelta(days=7)
    assert [got[k][0] for k in "abcde"] == [week0 - 5 * week, week0, week0 + 2 * week, week_end, week_end + week]


def test_the_week_of_table_of_fy24_q1_gives_exactly_its_two_wrong_rows(tmp_path):
    # GitLab's FY24-Q1 page schedules by "Week of": week 0 holds Wednesday 2023-02-01.
    rows = [(-5, "2022-12-26"), (-4, "2023-01-02"), (-3, "2023-01-09"), (-2, "2023-01-16"), (-2, "2023-01-23"),
            (-1, "2023-01-23"), (-2, "2023-01-23"), (0, "2023-01-30"), (0, "2023-02-01")]
    body = "".join(f"  at week {n} on {day}: CEO does row {i}\n" for i, (n, day) in enumerate(rows))
    found = [(line, code) for line, code, _ in check_codes(body, tmp_path=tmp_path) if code == "OKR205"]
    first = spec_text("").count("\n") + 1
    assert found == [(first + 4, "OKR205"), (first + 6, "OKR205")]
    messages = [m for _, code, m in check_codes(body, tmp_path=tmp_path) if code == "OKR205"]
    assert messages[0] == "week -2 of FY24-Q1 runs 2023-01-16 to 2023-01-22, and 2023-01-23 is not in it"


def test_minus_weeks_on_a_date_says_what_it_counts_from(tmp_path):
    found = check_codes("  at -5w on 2022-12-26: CEO shares the top goals\n", tmp_path=tmp_path)
    assert found == [(7, "OKR205", "-5w falls on 2022-12-28 in FY24-Q1, not on 2022-12-26: -5w counts from the "
                                   "quarter's first day, Wednesday 2023-02-01")]
    from okrdsl.check import check

    (diagnostic,) = [d for d in check([str(tmp_path / "t.okrp")]).diagnostics if d.code == "OKR205"]
    assert diagnostic.hint == "for the week of 2022-12-26, write week -5; or write on 2022-12-28"


def test_months_are_calendar_months_clamped_to_their_length():
    got = dated("  at -3mo as a: CEO a\n  at end+1mo as b: CEO b\n  on 2023-01-31 as c: CEO c\n"
                "  at c + 1mo as d: CEO d\n  within 1mo after -4w as e: CEO e\n")
    assert got["a"][0] == D(2022, 11, 1)
    assert got["b"][0] == D(2023, 5, 30)
    assert got["d"][0] == D(2023, 2, 28)
    assert got["e"] == (D(2023, 1, 4), D(2023, 2, 4))


def test_windows_over_calendar_months_and_weeks():
    got = dated("  during month -3 as a: CEO a\n  during month 1 as b: CEO b\n  during week -3 as c: CEO c\n"
                "  during month end as d: CEO d\n  during week end+1 as e: CEO e\n  during week middle as f: CEO f\n",
                quarter=("FY26-Q1", "February"))
    assert got["a"] == (D(2024, 11, 1), D(2024, 11, 30))
    assert got["b"] == (D(2025, 2, 1), D(2025, 2, 28))
    assert got["c"] == (D(2025, 1, 6), D(2025, 1, 12))
    assert got["d"] == (D(2025, 4, 1), D(2025, 4, 30))
    assert got["e"] == (D(2025, 5, 5), D(2025, 5, 11))
    assert got["f"] == (D(2025, 3, 17), D(2025, 3, 23))  # the middle is Monday 2025-03-17


def test_ranges_run_from_the_first_point_to_the_second():
    got = dated("  at -6w as kickoff: CEO starts\n  between -4w and -3w as a: CEO a\n"
                "  between week -4 and week -3 as b: CEO b\n  between kickoff and end-2w as c: CEO c\n")
    assert got["a"] == (D(2023, 1, 4), D(2023, 1, 11))
    assert got["b"] == (D(2023, 1, 2), D(2023, 1, 15))
    assert got["c"] == (D(2022, 12, 21), D(2023, 4, 16))


def test_a_range_that_ends_before_it_starts_is_a_finding(tmp_path):
    assert check_codes("  between -3w and -4w: CEO aligns\n", tmp_path=tmp_path) == [
        (7, "OKR204", "this window ends on 2023-01-04 (-4w), before it starts on 2023-01-11 (-3w)")]


def test_the_middle_of_the_quarter():
    got = dated("  at middle as a: CEO a\n  at middle+1w as b: CEO b\n")
    assert got["a"][0] == D(2023, 3, 17) and got["b"][0] == D(2023, 3, 24)


def test_counting_from_a_window_starts_at_its_first_day_or_with_end_of_its_due_day():
    got = dated("  within 1w after -4w as lock: CEO locks\n  at lock + 1w as a: CEO a\n  at end of lock + 1w as b: CEO b\n")
    assert got["lock"] == (D(2023, 1, 4), D(2023, 1, 11))
    assert got["a"][0] == D(2023, 1, 11) and got["b"][0] == D(2023, 1, 18)


def test_an_ordered_step_has_no_date_and_follows_what_it_comes_after():
    spec, found = okrdsl.loads(spec_text("  at -3w as propose: CEO proposes\n  at -1w: CoS collects\n"
                                         "  after propose: CEO posts the OKRs in the channel\n"), "t.okrp")
    assert found == ()
    entries = schedule_spec(spec).entries
    assert [(e.written, e.date) for e in entries] == [
        ("-3w", D(2023, 1, 11)), ("after propose", None), ("-1w", D(2023, 1, 25))]


WEEKLY = '  meeting weekly "E-Group Weekly" every week on Tuesday\n    scheduled by CoS\n    goal "Sync"\n'


def test_a_step_in_a_recurring_meeting_falls_on_its_first_occurrence_from_its_time():
    got = dated(WEEKLY + "  at -3w in weekly as a: CEO a\n  between -3w and -2w in weekly as b: CEO b\n"
                "  at -2w+6d in weekly as c: CEO c\n")
    assert got["a"] == (D(2023, 1, 17), None)  # -3w is Wednesday 2023-01-11
    assert got["b"] == (D(2023, 1, 17), None)
    assert got["c"] == (D(2023, 1, 24), None)
    occurrences = sorted(day for key, (day, _) in got.items() if key.startswith("weekly#"))
    assert occurrences[:2] == [D(2023, 1, 17), D(2023, 1, 24)]  # over the process's span, from its earliest item
    assert all(day.weekday() == 1 for day in occurrences)


def test_no_occurrence_in_the_window_is_okr208(tmp_path):
    body = ('  meeting weekly "E-Group Weekly" every week on Tuesday from -6w until -4w\n    scheduled by CoS\n'
            '    goal "Sync"\n  between -3w and -2w in weekly: CEO proposes\n')
    assert check_codes(body, tmp_path=tmp_path) == [
        (10, "OKR208", 'no "E-Group Weekly" (weekly) falls between 2023-01-11 and 2023-01-18')]


@pytest.mark.parametrize(("recurrence", "expected"), [
    ("every month on first Tuesday", [D(2023, 2, 7), D(2023, 3, 7), D(2023, 4, 4)]),
    ("every month on last Friday", [D(2023, 2, 24), D(2023, 3, 31), D(2023, 4, 28)]),
    ("every month on day 31", [D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30)]),
    ("every 2 weeks on Monday from week 0 until end", [D(2023, 1, 30), D(2023, 2, 13), D(2023, 2, 27),
                                                     D(2023, 3, 13), D(2023, 3, 27), D(2023, 4, 10), D(2023, 4, 24)]),
    ("every month", [D(2023, 2, 1), D(2023, 3, 1), D(2023, 4, 1)]),
])
def test_cadences_on_a_weekday_or_a_day_of_the_month(recurrence, expected):
    got = dated(f"  {recurrence}: CoS reports\n")
    assert sorted(day for day, _ in got.values()) == expected


def test_a_day_that_does_not_fit_the_recurrence_is_okr027():
    assert [d.code for d in okrdsl.loads(spec_text("  every month on Tuesday: CoS reports\n"
                                                   "  every week on day 3: CoS reports\n"))[1]] == ["OKR027", "OKR027"]


def test_a_time_word_cannot_be_an_id():
    _, found = okrdsl.loads(spec_text("  at -4w as middle: CEO drafts\n"))
    assert [(d.code, d.message) for d in found] == [
        ("OKR028", '"middle" cannot be an id: in a time, middle means the middle of the quarter')]


def test_another_quarter_moves_every_form(tmp_path):
    spec, _ = okrdsl.loads(spec_text("  at week -2 as a: CEO a\n  during month 1 as b: CEO b\n  at middle as c: CEO c\n"))
    other = {e.key: e.date for e in schedule_spec(spec, "FY24-Q2").entries}  # 2023-05-01 (Mon) to 2023-07-31
    assert other == {"a": D(2023, 4, 17), "b": D(2023, 5, 1), "c": D(2023, 6, 16)}


def test_forms_that_parsed_before_keep_their_meaning():
    got = dated("  at -6w as a: CEO a\n  at end+1w as b: CEO b\n  within 1w after a as c: CEO c\n"
                "  every 2 weeks from -4w until -1w: CoS checks in\n")
    assert got["a"][0] == D(2022, 12, 21) and got["b"][0] == D(2023, 5, 7) and got["c"] == (D(2022, 12, 21), D(2022, 12, 28))


# --- properties ---------------------------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
quarters = st.tuples(st.integers(2001, 2090), st.integers(1, 4), st.sampled_from(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"]))


def _quarter(found) -> tuple:
    year, number, month = found
    return (f"FY{year}-Q{number}" if year > 2099 else f"FY{year % 100:02d}-Q{number}", month)


@settings(max_examples=60, deadline=None)
@given(quarters, st.integers(-20, 20), st.sampled_from(WEEKDAYS))
def test_week_n_is_the_configured_weekday_and_holds_the_right_day(found, n, weekday):
    got = dated(f"  at week {n} as w: CEO a\n", _quarter(found), f"  weeks start {weekday}\n")
    day = got["w"][0]
    assert day.weekday() == WEEKDAYS.index(weekday)
    year, number, month = found
    start = FiscalCalendar(parse_month(month)).quarter_start(year, number)
    assert day - datetime.timedelta(days=7 * n) <= start < day - datetime.timedelta(days=7 * n) + datetime.timedelta(7)


@settings(max_examples=40, deadline=None)
@given(quarters)
def test_during_month_windows_tile_the_months(found):
    body = "".join(f"  during month {n} as m{i}: CEO a\n" for i, n in enumerate([-2, -1, 1, 2, 3, 4]))
    got = dated(body, _quarter(found))
    windows = [got[f"m{i}"] for i in range(6)]
    for (first, due), (next_first, _) in zip(windows, windows[1:]):
        assert first.day == 1 and due + datetime.timedelta(days=1) == next_first


@settings(max_examples=40, deadline=None)
@given(quarters, st.integers(-12, 12), st.integers(0, 12))
def test_between_has_the_first_date_and_the_second_due(found, a, length):
    b = a + length
    got = dated(f"  at {a:+d}w as x: CEO x\n  at {b:+d}w as y: CEO y\n  between {a:+d}w and {b:+d}w as w: CEO w\n",
                _quarter(found))
    assert got["w"] == (got["x"][0], got["y"][0])


@settings(max_examples=40, deadline=None)
@given(quarters)
def test_middle_lies_between_start_and_end(found):
    spec, _ = okrdsl.loads(spec_text("  at middle as m: CEO m\n", _quarter(found)))
    schedule = schedule_spec(spec)
    (entry,) = schedule.entries
    assert schedule.start < entry.date < schedule.end
    assert entry.date == middle(schedule.start, schedule.end)


@settings(max_examples=40, deadline=None)
@given(quarters, st.integers(-10, 10), st.sampled_from(WEEKDAYS), st.integers(1, 3))
def test_placement_never_lands_before_its_time(found, offset, weekday, every):
    body = (f'  meeting weekly "Weekly" every {every} weeks on {weekday}\n    scheduled by CoS\n    goal "Sync"\n'
            f"  at {offset:+d}w as plain: CEO a\n  at {offset:+d}w in weekly as placed: CEO a\n")
    got = dated(body, _quarter(found))
    plain, placed = got["plain"][0], got["placed"][0]
    assert placed is not None and plain <= placed < plain + datetime.timedelta(days=7 * every)
    assert placed.weekday() == WEEKDAYS.index(weekday)


@pytest.mark.parametrize(("line", "message", "hint"), [
    ("at -4w..-3w: CEO aligns", 'unexpected "..-3w": expected ":", "after", "as", "in", "on" or an offset such as +1w',
     "for a window from one time to another, write between -4w and -3w"),
    ("at -4w to -3w: CEO aligns", 'unexpected "to": expected ":", "after", "as", "in", "on" or an offset such as +1w',
     "for a window from one time to another, write between -4w and -3w"),
    ("at week of 2023-01-02: CEO drafts", 'unexpected "of": expected a number such as -2, 0 or +1, or end+1',
     "write week -4: 2023-01-02 is in week -4 of FY24-Q1, counted from the week that holds its first day (2023-02-01)"),
    ("at 0w: CEO drafts", 'unexpected "0w": expected a time such as -4w, end+1w, week -2 or session1 + 1w',
     "write start for the quarter's first day, or end for its last"),
])
def test_hints_for_the_time_slips_users_make(line, message, hint):
    (diagnostic,) = okrdsl.loads(spec_text(f"  {line}\n"))[1]
    assert (diagnostic.code, diagnostic.message, diagnostic.hint) == ("OKR001", message, hint)


def test_an_item_after_an_ordered_step_is_compared_with_what_that_step_follows(tmp_path):
    body = "  at -4w as propose: CEO proposes\n  after propose as post: CEO posts\n  at -5w after post: CoS comments\n"
    assert check_codes(body, tmp_path=tmp_path) == [
        (9, "OKR201", 'the step "CoS comments" falls on 2022-12-28, before step "propose" above it (2023-01-04)'),
        (9, "OKR202", 'the step "CoS comments" comes after "post", but falls on 2022-12-28, before post can happen: '
                      "post comes after what falls on 2023-01-04"),
    ]


def test_a_date_beside_a_time_placed_in_a_meeting_is_checked_against_the_time(tmp_path):
    body = WEEKLY + "  at -1w on 2023-01-25 in weekly as a: CEO a\n"
    assert dated(body)["a"][0] == D(2023, 1, 31)  # the Tuesday after -1w
    # The date written is -1w itself, so no OKR205; but the meeting is not on it, and that is said.
    assert check_codes(body, tmp_path=tmp_path) == [
        (10, "OKR208", 'the first "weekly" on or after -1w falls on 2023-01-31, not on 2023-01-25 as written')]


def test_until_a_calendar_week_runs_to_its_last_day():
    got = dated("  every week on Friday from week end-1 until week end: CoS reports\n")
    assert sorted(day for day, _ in got.values()) == [D(2023, 4, 21), D(2023, 4, 28)]


def test_derived_ids_do_not_hold_the_time():
    spec, _ = okrdsl.loads(spec_text("  at week -1: CEO a\n  at week 1: CEO b\n  at week end+1: CEO c\n"))
    assert [item.key for item in spec.items()] == ["p/ceo-a", "p/ceo-b", "p/ceo-c"]


def test_a_window_due_at_its_own_end_is_a_loop_not_a_crash(tmp_path):
    found = check_codes("  between start and end of x as x: CEO c\n", tmp_path=tmp_path)
    assert found == [(7, "OKR203", "these items are timed relative to each other in a loop: x -> x")]


def test_day_0_of_a_month_is_a_finding_and_the_cadence_still_dates(tmp_path):
    assert [code for _, code, _ in check_codes("  every month on day 0: CoS posts\n", tmp_path=tmp_path)] == ["OKR027"]


def test_a_long_chain_of_meetings_and_placements_resolves_without_recursion(tmp_path):
    body = "  at -8w as s0: CoS starts\n" + "".join(
        f'  meeting m{i} "M{i}" every week from s{i - 1}\n    scheduled by CoS\n    goal "g"\n'
        f"  at start in m{i} as s{i}: CoS does {i}\n" for i in range(300, 0, -1))
    assert [code for _, code, _ in check_codes(body, tmp_path=tmp_path) if code != "OKR201"] == []


def test_a_step_counted_from_the_end_of_a_window_after_the_quarter_is_timed_from_the_end(tmp_path):
    body = "  within 2w after end as scoring: CEO scores\n  at end of scoring + 1d: CoS closes\n"
    assert check_codes(body, tmp_path=tmp_path) == []


def test_a_weekend_rule_never_lists_one_day_twice():
    got = dated("  every day from start until start+6d: CoS posts\n", settings_lines="  weekends next-monday\n")
    days = sorted(day for day, _ in got.values())
    assert days == sorted(set(days)) and len(days) == 5


def test_ordered_steps_follow_what_they_depend_on_whatever_the_order_written():
    spec, _ = okrdsl.loads(spec_text("  at -4w as x: CEO starts\n  after y: CEO publishes\n  after x as y: CEO reviews\n"
                                     "  ongoing: CoS watches\n  at -2w: CEO ends\n"))
    assert [e.text for e in schedule_spec(spec).entries] == ["starts", "reviews", "publishes", "ends", "watches"]


def test_an_offset_after_a_calendar_week_is_explained():
    (diagnostic,) = okrdsl.loads(spec_text("  at week end-2-1d as d: CEO drafts\n"))[1]
    assert diagnostic.hint == ("a calendar week or month takes no offset: count from the quarter instead (end-3w-1d), "
                               "or give the week an id (during week end-3 as w) and count from it (end of w + 1d)")


def test_ordered_steps_in_a_loop_are_a_finding_not_a_hang(tmp_path):
    body = "  after b as a: CoS x\n  after a as b: CoS y\n  at -5w after a: CoS z\n"
    assert [code for _, code, _ in check_codes(body, tmp_path=tmp_path)] == ["OKR203"]
    spec, _ = okrdsl.loads(spec_text(body))
    assert [e.text for e in schedule_spec(spec).entries] == ["z", "x", "y"]
