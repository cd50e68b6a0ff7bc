"""Fiscal calendars: fixed real-world cases and properties over 1990-2100 and all start months."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrdsl.calendar import (
    MONTHS, FiscalCalendar, add_months, adjust_for_weekend, days_in_month, format_quarter, parse_month, parse_quarter,
)

calendars = st.builds(FiscalCalendar, st.integers(1, 12), st.sampled_from(["end", "start"]))
years = st.integers(1990, 2100)
quarters = st.integers(1, 4)
days = st.dates(datetime.date(1989, 1, 1), datetime.date(2101, 12, 31))

D = datetime.date


@pytest.mark.parametrize(
    "calendar, year, quarter, start, end",
    [
        # GitLab: February, named by the year it ends in.
        (FiscalCalendar(2, "end"), 2023, 1, D(2022, 2, 1), D(2022, 4, 30)),
        (FiscalCalendar(2, "end"), 2023, 3, D(2022, 8, 1), D(2022, 10, 31)),
        (FiscalCalendar(2, "end"), 2022, 4, D(2021, 11, 1), D(2022, 1, 31)),
        # Microsoft: July, named by the end. FY24 is July 2023 to June 2024.
        (FiscalCalendar(7, "end"), 2024, 1, D(2023, 7, 1), D(2023, 9, 30)),
        (FiscalCalendar(7, "end"), 2024, 4, D(2024, 4, 1), D(2024, 6, 30)),
        # US federal government: October, named by the end. FY2024 starts 2023-10-01.
        (FiscalCalendar(10, "end"), 2024, 1, D(2023, 10, 1), D(2023, 12, 31)),
        (FiscalCalendar(10, "end"), 2024, 4, D(2024, 7, 1), D(2024, 9, 30)),
        # A calendar-year company.
        (FiscalCalendar(1, "end"), 2024, 1, D(2024, 1, 1), D(2024, 3, 31)),
        (FiscalCalendar(1, "start"), 2024, 4, D(2024, 10, 1), D(2024, 12, 31)),
        # A company that names its year by the start: FY2023 runs April 2023 to March 2024.
        (FiscalCalendar(4, "start"), 2023, 4, D(2024, 1, 1), D(2024, 3, 31)),
    ],
)
def test_real_calendars(calendar, year, quarter, start, end):
    assert calendar.quarter_start(year, quarter) == start
    assert calendar.quarter_end(year, quarter) == end
    assert calendar.quarter_of(start) == (year, quarter)
    assert calendar.quarter_of(end) == (year, quarter)


@pytest.mark.parametrize("text", ["FY23-Q3", "FY23 Q3", "fy23q3", "FY2023-Q3", " fy23-q3 ", "FY23_Q3"])
def test_quarter_spellings(text):
    assert parse_quarter(text) == (2023, 3)


@pytest.mark.parametrize("text", ["FY23-Q5", "FY23", "Q3", "2023-Q3", "FY123-Q1", "FY23-Q0", ""])
def test_bad_quarters_say_how_to_write_one(text):
    with pytest.raises(ValueError, match="write it like FY23-Q3, FY23 Q3 or fy23q3"):
        parse_quarter(text)


@pytest.mark.parametrize("text, month", [("February", 2), ("feb", 2), ("2", 2), ("july", 7), ("12", 12)])
def test_months(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["Febuary", "13", "0", "ju", ""])
def test_bad_months(text):
    with pytest.raises(ValueError, match="is not a month"):
        parse_month(text)


def test_month_arithmetic_keeps_inside_the_month():
    assert add_months(D(2022, 1, 31), 1) == D(2022, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2022, 11, 15), 3) == D(2023, 2, 15)
    assert add_months(D(2022, 3, 31), -1) == D(2022, 2, 28)


@given(calendars, years)
def test_the_four_quarters_tile_the_fiscal_year(calendar, year):
    assert calendar.quarter_start(year, 1) == calendar.year_start(year)
    for quarter in (1, 2, 3):
        assert calendar.quarter_end(year, quarter) + datetime.timedelta(days=1) == calendar.quarter_start(year, quarter + 1)
    assert calendar.quarter_end(year, 4) + datetime.timedelta(days=1) == calendar.year_start(year + 1)
    length = (calendar.year_start(year + 1) - calendar.year_start(year)).days
    assert length in (365, 366)


@given(calendars, days)
def test_every_date_lies_in_exactly_one_quarter(calendar, day):
    year, quarter = calendar.quarter_of(day)
    assert calendar.quarter_start(year, quarter) <= day <= calendar.quarter_end(year, quarter)
    others = [(y, q) for y in (year - 1, year, year + 1) for q in (1, 2, 3, 4) if (y, q) != (year, quarter)]
    assert not any(calendar.quarter_start(y, q) <= day <= calendar.quarter_end(y, q) for y, q in others)


@given(calendars, years, quarters)
def test_naming_round_trips(calendar, year, quarter):
    assert parse_quarter(format_quarter(year, quarter)) == (year, quarter)
    assert calendar.quarter_of(calendar.quarter_start(year, quarter)) == (year, quarter)


@given(years, st.integers(2, 12))
def test_end_and_start_naming_differ_by_one_year(year, month):
    assert FiscalCalendar(month, "end").year_start(year + 1) == FiscalCalendar(month, "start").year_start(year)


@given(days, st.integers(-24, 24))
def test_month_offsets_invert_when_the_day_exists_in_both_months(day, months):
    moved = add_months(day, months)
    if moved.day == day.day:
        assert add_months(moved, -months) == day


@given(days, st.sampled_from(["keep", "next-monday", "previous-friday"]))
def test_weekend_rules(day, rule):
    moved = adjust_for_weekend(day, rule)
    if rule == "keep" or day.weekday() < 5:
        assert moved == day
    else:
        assert moved.weekday() == (0 if rule == "next-monday" else 4)
        assert abs((moved - day).days) <= 2


@given(st.integers(datetime.MINYEAR, datetime.MAXYEAR), st.integers(1, 12))
def test_days_in_month_is_the_gregorian_calendars(year, month):
    assert days_in_month(year, month) == stdlib_calendar.monthrange(year, month)[1]


def test_month_names_are_english_whatever_the_locale():
    assert MONTHS == tuple(name.lower() for name in stdlib_calendar.month_name[1:])  # Python's C locale
