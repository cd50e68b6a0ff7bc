"""Fiscal calendars: quarters to dates, dates to quarters, and the date arithmetic of specs.

A fiscal year starts on the first day of `start_month` and is named by the
calendar year in which it ends (GitLab, Microsoft, the US government) or in
which it starts. With GitLab's calendar (February, named by the end),
FY23 runs from 2022-02-01 to 2023-01-31 and FY23-Q3 from 2022-08-01 to
2022-10-31.
"""

from __future__ import annotations

import datetime
import re

from okrdsl.records import frozen


# okrdsl's calendar is English and Gregorian, whatever the machine's locale: the names are
# written out here (the standard library's calendar module brought locale with it, 2 ms of
# every check, for these twelve words and the length of a month).
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
FIRST_YEAR, LAST_YEAR = 1900, 2999
_QUARTER = re.compile(r"\s*FY\s*(\d{2}|\d{4})\s*[-_ ]?\s*Q([1-4])\s*", re.IGNORECASE)


def days_in_month(year: int, month: int) -> int:
    """How many days `month` (1-12) of `year` has: February 29 in a Gregorian leap year."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def shift(day: datetime.date | None, days: int) -> datetime.date | None:
    """`day` moved by `days`, or None when either is missing or the result leaves the calendar."""
    if day is None:
        return None
    try:
        return day + datetime.timedelta(days)
    except OverflowError:
        return None


def add_months(day: datetime.date, months: int) -> datetime.date | None:
    """The same day `months` later, kept inside the month (Jan 31 + 1 month is Feb 28 or 29);
    None beyond the calendar's years 1 to 9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    last = days_in_month(year, month + 1)
    return datetime.date(year, month + 1, min(day.day, last))


def parse_quarter(text: str) -> tuple[int, int]:
    """`FY23-Q3`, `FY23 Q3`, `fy23q3` or `FY2023-Q3` as (2023, 3); a ValueError says what is wrong."""
    match = _QUARTER.fullmatch(text)
    if not match:
        raise ValueError(f'"{text}" is not a fiscal quarter: write it like FY23-Q3, FY23 Q3 or fy23q3')
    digits, number = match.groups()
    year = int(digits) + (2000 if len(digits) == 2 else 0)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f'"{text.strip()}" is out of range: okrdsl dates fiscal years {FIRST_YEAR} to {LAST_YEAR}')
    return year, int(number)


def format_quarter(year: int, number: int) -> str:
    """The canonical name: FY23-Q3 for years 2000-2099, FY1995-Q3 otherwise (so it parses back)."""
    return f"FY{year % 100:02d}-Q{number}" if 2000 <= year <= 2099 else f"FY{year}-Q{number}"


def parse_month(text: str) -> int:
    """A month name ("February", "feb") or number ("2") as 1-12; a ValueError otherwise."""
    word = text.strip().lower()
    if word.isascii() and word.isdigit() and len(word) <= 2 and 1 <= int(word) <= 12:
        return int(word)
    for number, name in enumerate(MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(f'"{text}" is not a month: write its name, such as February, or its number, 1 to 12')


@frozen
class FiscalCalendar:
    start_month: int = 2
    named_by: str = "end"

    def year_start(self, year: int) -> datetime.date:
        if self.named_by == "start" or self.start_month == 1:
            return datetime.date(year, self.start_month, 1)
        return datetime.date(year - 1, self.start_month, 1)

    def quarter_start(self, year: int, number: int) -> datetime.date:
        return add_months(self.year_start(year), 3 * (number - 1))

    def quarter_end(self, year: int, number: int) -> datetime.date:
        """The last day of the quarter (inclusive)."""
        return add_months(self.quarter_start(year, number), 3) - datetime.timedelta(days=1)

    def quarter_of(self, day: datetime.date) -> tuple[int, int]:
        """The fiscal (year, quarter) that `day` falls in."""
        months_in = (day.month - self.start_month) % 12
        start_year = day.year if day.month >= self.start_month else day.year - 1
        year = start_year if self.named_by == "start" or self.start_month == 1 else start_year + 1
        return year, months_in // 3 + 1


def adjust_for_weekend(day: datetime.date | None, rule: str) -> datetime.date | None:
    """Move a Saturday or Sunday to the next Monday or previous Friday; `keep` leaves it."""
    if day is None:
        return None
    weekday = day.weekday()
    if weekday < 5 or rule == "keep":
        return day
    if rule == "next-monday":
        return day + datetime.timedelta(days=7 - weekday)
    return day - datetime.timedelta(days=weekday - 4)


WEEKDAY_NUMBERS = {name: number for number, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}


def week_start(day: datetime.date | None, first_weekday: str = "monday") -> datetime.date | None:
    """The first day of the calendar week holding `day`, weeks starting on `first_weekday`."""
    if day is None:
        return None
    return shift(day, -((day.weekday() - WEEKDAY_NUMBERS[first_weekday]) % 7))


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the month holding `day`."""
    return day.replace(day=days_in_month(day.year, day.month))


def middle(start: datetime.date, end: datetime.date) -> datetime.date:
    """The middle of a quarter: its first day plus half its length in days (both ends counted),
    rounded down. FY24-Q1 has 89 days: 2023-02-01 + 44 days is 2023-03-17."""
    return start + datetime.timedelta(days=((end - start).days + 1) // 2)


def nth_weekday(year: int, month: int, weekday: str, nth: int) -> datetime.date:
    """The nth (1 to 4, or -1 for the last) given weekday of a month."""
    number = WEEKDAY_NUMBERS[weekday]
    if nth > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(number - first.weekday()) % 7 + 7 * (nth - 1))
    last = month_end(datetime.date(year, month, 1))
    return last - datetime.timedelta(days=(last.weekday() - number) % 7)
