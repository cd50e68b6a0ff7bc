"""Stage 2, build, for times: the `when` of steps and meetings, moments and calendar weeks
and months, and recurrences, as a part of the builder (okrdsl.build._Builder)."""

from __future__ import annotations

import datetime
import re

from okrdsl import codes, ir
from okrdsl.calendar import FIRST_YEAR, LAST_YEAR, days_in_month
from okrdsl.limits import MAX_EVERY, MAX_NUMBER_DIGITS, MAX_OFFSET_DAYS, MAX_OFFSET_WEEKS
from okrdsl.source import Span
from okrdsl.tree import Token, Tree, all_tokens, token_of, tree_of

_UNIT_DAYS = {"d": 1, "w": 7}
_CALENDAR_WORD = re.compile(r"^(week|month)\s*", re.IGNORECASE)
# What a number too large to read (OKR026) stands for: past every limit, and too many days
# for any date (calendar.shift gives None), so what is counted from it stays undated.
TOO_LARGE = 10 ** MAX_NUMBER_DIGITS


class TimeBuilder:
    """The builder's methods for times; they use its `report`, `number`, `name`, `span`, `shared` and `source`."""

    def recurrence(self, tree: Tree) -> ir.Recurrence:
        """`every 2 weeks on Monday from -4w until end`, of a cadence or a recurring meeting."""
        count = token_of(tree, "INT")
        unit = token_of(tree, "UNIT").value.rstrip("s").lower()
        every = self.number(count, hint=f"repeat every 1 to {MAX_EVERY} {unit}s") if count is not None else 1
        if every is None:
            every = TOO_LARGE
        elif not 1 <= every <= MAX_EVERY:
            self.report(codes.OUT_OF_RANGE, count, f"every {every} {unit}s cannot be scheduled",
                        hint=f"repeat every 1 to {MAX_EVERY} {unit}s")
        start = tree_of(tree, "range_from")
        until = tree_of(tree, "range_until")
        on = next((c for c in tree.children if isinstance(c, Tree) and c.data in _RECUR_ON), None)
        return ir.Recurrence(
            every, unit, self.recur_on(on, unit) if on is not None else None,
            self.point(start.children[-1]) if start is not None else None,
            self.point(until.children[-1]) if until is not None else None,
            self.span(tree),
        )

    def recur_on(self, tree: Tree, unit: str) -> ir.RecurOn:
        """The day a recurrence falls on; one that does not fit its unit is OKR027."""
        text = " ".join(t.value for t in all_tokens(tree))
        weekday = token_of(tree, "WEEKDAY")
        day_name = weekday_named(weekday.value) if weekday is not None else None
        if tree.data == "on_day":
            token = token_of(tree, "INT")
            day = self.number(token, hint="write a day of the month from 1 to 31")
            if day is not None and not 1 <= day <= 31:
                self.report(codes.BAD_RECURRENCE, token, f"day {day} is not a day of a month",
                            hint="write a day from 1 to 31; days past a month's end fall on its last day")
                day = None  # reported: the recurrence falls as if no day were written
            if unit != "month":
                self.report(codes.BAD_RECURRENCE, tree, f"{text} names a day of the month, but this repeats every {unit}",
                            hint="write every month on day N, or every week on a weekday such as Tuesday")
            return ir.RecurOn(day=day, text=text, span=self.span(tree))
        if tree.data == "on_nth":
            ordinal = token_of(tree, "ORDINAL").value.lower()
            if unit != "month":
                self.report(codes.BAD_RECURRENCE, tree, f"{text} names a week of the month, but this repeats every {unit}",
                            hint=f"write every month {text}, or every week on {weekday.value}")
            return ir.RecurOn(weekday=day_name, nth=_ORDINALS[ordinal], text=text, span=self.span(tree))
        if unit != "week":
            hint = f"write every week on {weekday.value}" if unit == "day" else f"write every month on first {weekday.value}"
            self.report(codes.BAD_RECURRENCE, tree, f"{text} names a weekday, but this repeats every {unit}", hint=hint)
        return ir.RecurOn(weekday=day_name, text=text, span=self.span(tree))

    def date(self, token: Token) -> datetime.date | None:
        try:
            day = datetime.date.fromisoformat(token.value)
        except ValueError:
            year, month, _ = (int(part) for part in token.value.split("-"))
            hint = (f"{year}-{month:02d} has {days_in_month(year, month)} days" if 1 <= month <= 12 and year
                    else "write the date as YYYY-MM-DD, such as 2021-09-20")
            self.report(codes.INVALID_DATE, token, f"{token.value} is not a date in the calendar", hint=hint)
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.report(codes.OUT_OF_RANGE, token, f"{token.value} is out of range: okrdsl dates the years "
                        f"{FIRST_YEAR} to {LAST_YEAR}")
            return None
        return day

    def when(self, tree: Tree) -> ir.When:
        span = self.span(tree)
        meeting = self.placement(tree)
        points = [c for c in tree.children if isinstance(c, Tree) and c.data in _POINTS]
        if tree.data == "at":
            date = token_of(tree, "DATE")
            return ir.At(self.point(points[0]), self.date(date) if date else None, span, meeting)
        if tree.data == "on":
            return ir.On(self.date(token_of(tree, "DATE")), span)
        if tree.data == "within":
            duration = token_of(tree, "DURATION")
            hint = f"okrdsl schedules windows of up to {MAX_OFFSET_WEEKS}w"
            months, days = self.duration(duration, hint)
            if days is None:
                days = TOO_LARGE
            elif days + months * 31 > MAX_OFFSET_DAYS:
                self.report(codes.OUT_OF_RANGE, duration, f"a window of {duration.value} is more than 10 years long", hint)
            return ir.Within(days, self.point(points[0]), span, duration.value, months)
        if tree.data == "during":
            return ir.During(self.point(points[0]), span, meeting)
        if tree.data == "between":
            return ir.Between(self.point(points[0]), self.point(points[1]), span, meeting)
        return ir.Ongoing(span)

    def placement(self, tree: Tree) -> ir.Name | None:
        """The recurring meeting a time is placed `in`, if any."""
        found = tree_of(tree, "placement")
        return self.name(token_of(found, "IDENT")) if found is not None else None

    def duration(self, token: Token, hint: str) -> tuple[int, int | None]:
        """(months, days) of a duration such as 2w, 3d or 1mo; days None when too large (reported)."""
        months = token.value.lower().endswith("mo")
        count = self.number(token, end=-2 if months else -1, hint=hint)
        if count is None:
            return 0, None
        return (count, 0) if months else (0, count * _UNIT_DAYS[token.value[-1].lower()])

    def point(self, tree: Tree) -> ir.Moment:
        """A moment (`-4w`, `end+1w`, `middle`, `review + 2d`, `end of lock`) or a calendar
        week or month (`week -2`, `month 1`), as a Moment."""
        tokens = all_tokens(tree)
        text = self.shared(_moment_text(tokens))
        span = self.between(tokens[0], tokens[-1])  # self.span(tree), from the tokens at hand
        if tree.data in ("week", "month"):
            return self.calendar(tree, _CALENDAR_WORD.sub(r"\1 ", text), span)
        text = text.lstrip("+")
        days, months, too_large = 0, 0, False
        hint = f"okrdsl schedules offsets of up to {MAX_OFFSET_WEEKS}w"
        item = None
        for index, token in enumerate(tokens):  # read from the tokens: a shift is a SIGN, then a DURATION
            if token.type == "DURATION":
                sign = -1 if tokens[index - 1].value == "-" else 1
                shift_months, shift_days = self.duration(token, hint)
                too_large = too_large or shift_days is None
                days += sign * (TOO_LARGE if shift_days is None else shift_days)
                months += sign * shift_months
            elif token.type == "IDENT":
                item = token
        if abs(days) + abs(months) * 31 > MAX_OFFSET_DAYS and not too_large:
            self.report(codes.OUT_OF_RANGE, tree_of(tree, "offset"), f"{text} is more than 10 years away from its anchor",
                        hint=hint)
        return ir.Moment(_ANCHORS[tree.data], days, self.name(item) if item is not None else None, text,
                         span, offset_months=months)

    def calendar(self, tree: Tree, text: str, span: Span) -> ir.Moment:
        """`week N` or `month N` counted from the quarter's start (or `end`, `middle`)."""
        index_tree = tree_of(tree, "index_start") or tree_of(tree, "index_end") or tree_of(tree, "index_middle")
        anchor = {"index_start": "start", "index_end": "end", "index_middle": "middle"}[index_tree.data]
        number = token_of(index_tree, "INT")
        sign = token_of(index_tree, "SIGN")
        count = self.number(number, hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS} weeks away") if number else 0
        count = TOO_LARGE if count is None else count * (-1 if sign is not None and sign.value == "-" else 1)
        if tree.data == "week":
            if abs(count) > MAX_OFFSET_WEEKS and count != TOO_LARGE:
                self.report(codes.OUT_OF_RANGE, index_tree, f"{text} is more than 10 years away",
                            hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS} weeks away")
            return ir.Moment(anchor, count * 7, None, text, span, calendar="week")
        if anchor == "start" and count == 0:
            self.report(codes.OUT_OF_RANGE, index_tree, "there is no month 0: month 1 is the quarter's first month, "
                        "month -1 the month before it", hint="write month 1 for the quarter's first month")
        elif abs(count) > MAX_OFFSET_WEEKS // 4 and count != TOO_LARGE:
            self.report(codes.OUT_OF_RANGE, index_tree, f"{text} is more than 10 years away",
                        hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS // 4} months away")
        months = count - 1 if anchor == "start" and count > 0 else count
        return ir.Moment(anchor, 0, None, text, span, offset_months=months, calendar="month")


WHEN_KINDS = ("at", "on", "within", "during", "between", "ongoing")
_POINTS = ("from_start", "from_end", "from_middle", "from_item", "from_item_end", "week", "month")
_ANCHORS = {"from_start": "start", "from_end": "end", "from_middle": "middle", "from_item": "item",
            "from_item_end": "item-end"}
_RECUR_ON = ("on_weekday", "on_day", "on_nth")
TIME_WORDS = {"start": "the quarter's first day", "end": "the quarter's last day",
               "middle": "the middle of the quarter", "week": "a calendar week", "month": "a calendar month"}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def _moment_text(tokens: list[Token]) -> str:
    """A moment as it is shown: its words one space apart, but none around a sign (`end + 1w`
    is end+1w, `week - 2` week-2)."""
    text = before = tokens[0].value
    for token in tokens[1:]:
        value = token.value
        text += value if before in _SIGNS or value in _SIGNS else " " + value
        before = value
    return text


_SIGNS = ("+", "-")


def weekday_named(written: str) -> ir.Weekday:
    """The full weekday a name or abbreviation stands for (tue, Tues -> tuesday)."""
    return next(day for day in ir.WEEKDAYS if day.startswith(written.lower()[:3]))
