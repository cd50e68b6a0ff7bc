"""Stage 2, build: a Lark tree to the IR of one file.

The builder never raises on user input: a value it cannot use (an unknown
artifact kind, a date that does not exist) becomes a diagnostic, and the node
is still built so that later stages see as much of the file as possible.
References stay names here; `okrdsl.resolve` looks them up.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import re

from lark import Token, Tree

from okrdsl import codes, ir
from okrdsl.calendar import FIRST_YEAR, LAST_YEAR, parse_month, parse_quarter
from okrdsl.diagnostics import Diagnostic
from okrdsl.grammar import keywords
from okrdsl.limits import MAX_EVERY, MAX_NUMBER_DIGITS, MAX_OFFSET_DAYS, MAX_OFFSET_WEEKS
from okrdsl.words import did_you_mean
from okrdsl.source import Source, Span

_LAYOUT = {"_NL", "_INDENT", "_DEDENT"}
_REF = re.compile(r"(?<![\w@#&])([@#])([^\W\d][\w\-]*(?:\.\w+)*)")
_UNIT_DAYS = {"d": 1, "w": 7}
# What a number too large to read (OKR026) stands for: past every limit, and too many days
# for any date (calendar.shift gives None), so what is counted from it stays undated.
TOO_LARGE = 10 ** MAX_NUMBER_DIGITS


def build(source: Source, tree: Tree | None, comments=()) -> tuple[ir.Spec, list[Diagnostic]]:
    """Build the IR of one parsed file; returns the spec and the build diagnostics."""
    builder = _Builder(source)
    spec = builder.spec(tree, comments)
    return spec, builder.diagnostics


def derive_key(phase: str, base: str, taken: dict[str, int]) -> str:
    """A stable id for an item written without one: phase, then its time, then a counter.

    The first step at -4w in phase kickoff is `kickoff/-4w`, the second `kickoff/-4w/2`.
    The `/` cannot appear in a written id, so a derived id never meets one.
    """
    key = f"{phase}/{base}"
    taken[key] = taken.get(key, 0) + 1
    return key if taken[key] == 1 else f"{key}/{taken[key]}"


# --- tree helpers ------------------------------------------------------------------------


def _tokens(tree: Tree, kind: str) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token) and c.type == kind]


def _token(tree: Tree, kind: str) -> Token | None:
    found = _tokens(tree, kind)
    return found[0] if found else None


def _trees(tree: Tree, data: str) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data == data]


def _tree(tree: Tree, data: str) -> Tree | None:
    found = _trees(tree, data)
    return found[0] if found else None


def _all_tokens(tree: Tree):
    for child in tree.children:
        if isinstance(child, Tree):
            yield from _all_tokens(child)
        elif child.type not in _LAYOUT:
            yield child


def _unquote(token: Token) -> str:
    if token.value.startswith("\u201c"):
        return token.value[1:-1]
    return re.sub(r"\\(.)", r"\1", token.value[1:-1])


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    # --- positions and diagnostics ---

    def span(self, node: Tree | Token) -> Span:
        if isinstance(node, Token):
            return self.source.span(node.start_pos, node.end_pos)
        tokens = list(_all_tokens(node))
        if not tokens:
            return self.source.span(0, 0)
        return self.source.span(tokens[0].start_pos, tokens[-1].end_pos)

    def report(self, code: codes.Code, node: Tree | Token, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code.id, code.severity, message, self.span(node), hint))

    def one_of(self, token: Token, allowed: tuple[str, ...], code: codes.Code, what: str) -> None:
        """Report a word that is not one of the `allowed` ones, suggesting the closest."""
        if token.value not in allowed:
            self.report(code, token, f'"{token.value}" is not {what}',
                        hint=did_you_mean(token.value, allowed) or "use one of: " + ", ".join(allowed))

    def single(self, tree: Tree, *settings: str) -> None:
        """Report a setting that takes one value but is given more than once under `tree`."""
        for data in settings:
            for repeat in _trees(tree, data)[1:]:
                leading = itertools.takewhile(lambda t: t.value in keywords(), _all_tokens(repeat))
                word = " ".join(t.value for t in leading)
                self.report(codes.REPEATED_SETTING, repeat, f'"{word}" is given more than once here',
                            hint="keep one; okrdsl will not guess which one you meant")

    def role_lists(self, tree: Tree, data: str) -> tuple[ir.Name, ...]:
        """The roles of every `data` line under `tree` (owner, scheduled by, attendees, ...)."""
        return tuple(n for t in _trees(tree, data) for n in self.names(_tree(t, "role_list")))

    def number(self, token: Token, start: int = 0, end: int | None = None, hint: str | None = None) -> int | None:
        """The whole number written in token.value[start:end]. One of more than MAX_NUMBER_DIGITS
        digits is reported (OKR026) at its digits and gives None: none is needed, and Python
        refuses to read one of 4,301 digits or more."""
        digits = token.value[start:end]
        if len(digits) <= MAX_NUMBER_DIGITS:
            return int(digits)
        shown = f"{digits[:5]}... ({len(digits):,} digits)"
        begin = token.start_pos + start
        self.diagnostics.append(Diagnostic(codes.OUT_OF_RANGE.id, codes.OUT_OF_RANGE.severity,
                                           f"the number {shown} is too large",
                                           self.source.span(begin, begin + len(digits)), hint))
        return None

    def name(self, token: Token) -> ir.Name:
        return ir.Name(token.value, self.span(token))

    def names(self, tree: Tree | None) -> tuple[ir.Name, ...]:
        return tuple(self.name(t) for t in _tokens(tree, "IDENT")) if tree is not None else ()

    def text(self, token: Token) -> ir.Text:
        """Free text (the rest of a line), with its @role and #id references."""
        return ir.Text(token.value, self.refs(token.value, token.start_pos), self.span(token))

    def quoted_text(self, token: Token) -> ir.Text:
        """A quoted text that may hold references too (a meeting's goal)."""
        return ir.Text(_unquote(token), self.refs(token.value[1:-1], token.start_pos + 1), self.span(token))

    def refs(self, text: str, offset: int) -> tuple[ir.Ref, ...]:
        found = []
        for match in _REF.finditer(text):
            value = match.group(2).rstrip("-")
            start = offset + match.start(2)
            kind = "role" if match.group(1) == "@" else "item"
            found.append(ir.Ref(kind, ir.Name(value, self.source.span(start, start + len(value)))))
        return tuple(found)

    def link(self, tree: Tree, title: bool = True) -> ir.Link:
        token = _token(tree, "LINK")
        written = _token(tree, "STRING") if title else None
        return ir.Link(token.value[1:-1], _unquote(written) if written else None, self.span(token))

    def notes(self, tree: Tree, kind: str = "note") -> tuple[ir.Text, ...]:
        return tuple(self.text(_token(t, "TEXT")) for t in _trees(tree, kind))

    # --- the file ---

    def spec(self, tree: Tree | None, comments) -> ir.Spec:
        fields: dict[str, list] = {"includes": [], "roles": [], "artifacts": [], "phases": [], "okr_sets": []}
        process = policy = None
        for child in tree.children if tree is not None else ():
            if not isinstance(child, Tree):
                continue
            if child.data == "include":
                target = _token(child, "STRING")
                fields["includes"].append(ir.Include(ir.Name(_unquote(target), self.span(target)), self.span(child)))
            elif child.data == "roles":
                fields["roles"].extend(self.role(t) for t in _trees(child, "role"))
            elif child.data == "process":
                process = self.once(process, self.process(child), "process header")
            elif child.data == "artifact":
                fields["artifacts"].append(self.artifact(child))
            elif child.data == "phase":
                fields["phases"].append(self.phase(child))
            elif child.data == "policy":
                policy = self.once(policy, self.policy(child), "policy block")
            elif child.data == "okrs":
                fields["okr_sets"].append(self.okr_set(child))
        kept = tuple(ir.Comment(text, self.source.span(start, start + len(text))) for start, text in comments)
        return ir.Spec(
            path=self.source.path,
            process=process,
            policy=policy,
            comments=kept,
            **{key: tuple(value) for key, value in fields.items()},
        )

    def once(self, first, second, what: str):
        """Keep the first of two blocks that may appear once, and report the second."""
        if first is None:
            return second
        line = self.source.line_text(second.span.line)
        self.diagnostics.append(Diagnostic(
            codes.DUPLICATE_BLOCK.id, codes.DUPLICATE_BLOCK.severity,
            f"a file has one {what}; the first is at {first.span}",
            self.source.span(second.span.start, second.span.start + len(line.split(None, 1)[0])),
            hint="merge the two, or move this one to a file of its own",
        ))
        return first

    def role(self, tree: Tree) -> ir.Role:
        aliases = []
        for group in _trees(tree, "aliases"):
            for alias in _trees(group, "alias"):
                token = alias.children[0]
                value = _unquote(token) if token.type == "STRING" else token.value
                aliases.append(ir.Name(value, self.span(token)))
        self.single(tree, "handle")
        handle = next((_token(t, "HANDLE").value for t in _trees(tree, "handle")), None)
        return ir.Role(self.name(_token(tree, "IDENT")), _unquote(_token(tree, "STRING")),
                       tuple(aliases), handle, self.span(tree))

    def quarter(self, token: Token) -> ir.Quarter | None:
        hint = "write the fiscal year and quarter 1 to 4, such as FY23-Q3"
        if any(self.number(token, m.start(), m.end(), hint) is None for m in re.finditer(r"\d+", token.value)):
            return None
        try:
            year, number = parse_quarter(token.value)
        except ValueError as error:
            out_of_range = "out of range" in str(error)
            self.report(codes.OUT_OF_RANGE if out_of_range else codes.INVALID_QUARTER, token,
                        str(error) if out_of_range else f'"{token.value}" is not a fiscal quarter',
                        hint=None if out_of_range else "write the fiscal year and quarter 1 to 4, such as FY23-Q3")
            return None
        return ir.Quarter(year, number, token.value, self.span(token))

    def process(self, tree: Tree) -> ir.Process:
        self.single(tree, "fiscal_year", "weekends", "weeks_start", "learnings", "feedback")
        fiscal = ir.FiscalYear()
        fiscal_tree = _tree(tree, "fiscal_year")
        if fiscal_tree is not None:
            month = parse_month(_token(fiscal_tree, "MONTH").value)
            naming = _tree(fiscal_tree, "naming")
            named_by = _token(naming, "YEAR_END").value if naming is not None else "end"
            fiscal = ir.FiscalYear(month, named_by, self.span(fiscal_tree))
        weekends = _tree(tree, "weekends")
        weeks_start = _tree(tree, "weeks_start")
        links = tuple(
            (str(child.data), self.link(child))
            for child in tree.children
            if isinstance(child, Tree) and child.data in ("learnings", "feedback", "video", "link")
        )
        return ir.Process(
            title=_unquote(_token(tree, "STRING")),
            quarter=self.quarter(_token(tree, "QUARTER")),
            fiscal_year=fiscal,
            weekends=_token(weekends, "WEEKEND_RULE").value if weekends is not None else "keep",
            weeks_start=_weekday(_token(weeks_start, "WEEKDAY").value) if weeks_start is not None else "monday",
            links=links,
            intro=self.notes(tree, "intro"),
            notes=self.notes(tree),
            span=self.span(tree),
        )

    def artifact(self, tree: Tree) -> ir.Artifact:
        ident, kind = _tokens(tree, "IDENT")
        self.one_of(kind, ir.ARTIFACT_KINDS, codes.UNKNOWN_KIND, "a kind of artifact")
        link = self.link(tree, title=False) if _token(tree, "LINK") else None
        return ir.Artifact(self.name(ident), kind.value, _unquote(_token(tree, "STRING")), link, self.span(tree))

    # --- phases ---

    def phase(self, tree: Tree) -> ir.Phase:
        phase_id = self.name(_token(tree, "IDENT"))
        taken: dict[str, int] = {}
        items = []
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "step":
                items.append(self.step(child, phase_id.value, taken))
            elif child.data == "meeting":
                items.append(self.meeting(child, phase_id.value))
            elif child.data == "cadence":
                items.append(self.cadence(child, phase_id.value, taken))
            elif child.data == "permission":
                items.append(self.permission(child, phase_id.value, taken))
        return ir.Phase(phase_id, _unquote(_token(tree, "STRING")), self.notes(tree, "intro"),
                        self.notes(tree), tuple(items), self.span(tree))

    def work(self, tree: Tree) -> dict:
        """What steps, cadences and tasks share: actors, text, sub-steps, notes, led by."""
        return {
            "actors": self.names(_tree(tree, "actors")),
            "text": self.text(_token(tree, "TEXT")),
            "tasks": tuple(self.task(t) for t in _trees(tree, "task")),
            "notes": self.notes(tree),
            "led_by": self.role_lists(tree, "led_by"),
        }

    def task(self, tree: Tree) -> ir.Task:
        return ir.Task(span=self.span(tree), **self.work(tree))

    def item_id(self, tree: Tree) -> ir.Name | None:
        found = _tree(tree, "item_id")
        return self.reserved(self.name(_token(found, "IDENT"))) if found is not None else None

    def reserved(self, name: ir.Name) -> ir.Name:
        """An item's id, reported (OKR028) when it is a word that times use, which no time could name."""
        if name.value.lower() in _TIME_WORDS:
            self.diagnostics.append(Diagnostic(
                codes.RESERVED_ID.id, codes.RESERVED_ID.severity,
                f'"{name.value}" cannot be an id: in a time, {name.value.lower()} means '
                f"{_TIME_WORDS[name.value.lower()]}", name.span, hint=f"choose another id, such as {name.value}_step"))
        return name

    def after(self, tree: Tree) -> tuple[ir.Name, ...]:
        return self.names(_tree(tree, "after"))

    def step(self, tree: Tree, phase: str, taken: dict[str, int]) -> ir.Step:
        when_tree = tree.children[0]
        when = self.when(when_tree) if when_tree.data in _WHEN else ir.Following(self.span(when_tree))
        given = self.item_id(tree)
        key = given.value if given else derive_key(phase, _when_slug(when_tree), taken)
        return ir.Step(key=key, when=when, id=given, after=self.after(tree), span=self.span(tree), **self.work(tree))

    def meeting(self, tree: Tree, phase: str) -> ir.Meeting:
        self.single(tree, "goal", "agenda", "fallback")
        when_tree = next((c for c in tree.children if isinstance(c, Tree) and c.data in _WHEN), None)
        recurrence = _tree(tree, "recurrence")
        goal = _tree(tree, "goal")
        agenda = _tree(tree, "agenda")
        fallback = _tree(tree, "fallback")
        meeting_id = self.reserved(self.name(_token(tree, "IDENT")))
        return ir.Meeting(
            key=meeting_id.value,
            id=meeting_id,
            title=_unquote(_token(tree, "STRING")),
            when=(self.when(when_tree) if when_tree is not None
                  else self.recurrence(recurrence) if recurrence is not None else None),
            after=self.after(tree),
            goal=self.quoted_text(_token(goal, "STRING")) if goal is not None else None,
            agenda=self.link(agenda) if agenda is not None else None,
            scheduled_by=self.role_lists(tree, "scheduled_by"),
            attendees=self.role_lists(tree, "attendees"),
            fallback=self.task(fallback) if fallback is not None else None,
            notes=self.notes(tree),
            span=self.span(tree),
        )

    def cadence(self, tree: Tree, phase: str, taken: dict[str, int]) -> ir.Cadence:
        recurrence = self.recurrence(_tree(tree, "recurrence"))
        given = self.item_id(tree)
        key = given.value if given else derive_key(phase, f"every-{recurrence.every}-{recurrence.unit}", taken)
        head = [t for t in itertools.takewhile(lambda t: t.type != "COLON", _all_tokens(tree))]
        return ir.Cadence(
            head=self.source.span(head[0].start_pos, head[-1].end_pos),
            key=key, every=recurrence.every, unit=recurrence.unit, id=given,
            start=recurrence.start, until=recurrence.until, on=recurrence.on,
            span=self.span(tree), **self.work(tree),
        )

    def recurrence(self, tree: Tree) -> ir.Recurrence:
        """`every 2 weeks on Monday from -4w until end`, of a cadence or a recurring meeting."""
        count = _token(tree, "INT")
        unit = _token(tree, "UNIT").value.rstrip("s").lower()
        every = self.number(count, hint=f"repeat every 1 to {MAX_EVERY} {unit}s") if count is not None else 1
        if every is None:
            every = TOO_LARGE
        elif not 1 <= every <= MAX_EVERY:
            self.report(codes.OUT_OF_RANGE, count, f"every {every} {unit}s cannot be scheduled",
                        hint=f"repeat every 1 to {MAX_EVERY} {unit}s")
        start = _tree(tree, "range_from")
        until = _tree(tree, "range_until")
        on = next((c for c in tree.children if isinstance(c, Tree) and c.data in _RECUR_ON), None)
        return ir.Recurrence(
            every, unit, self.recur_on(on, unit) if on is not None else None,
            self.point(start.children[-1]) if start is not None else None,
            self.point(until.children[-1]) if until is not None else None,
            self.span(tree),
        )

    def recur_on(self, tree: Tree, unit: str) -> ir.RecurOn:
        """The day a recurrence falls on; one that does not fit its unit is OKR027."""
        text = " ".join(t.value for t in _all_tokens(tree))
        weekday = _token(tree, "WEEKDAY")
        day_name = _weekday(weekday.value) if weekday is not None else None
        if tree.data == "on_day":
            token = _token(tree, "INT")
            day = self.number(token, hint="write a day of the month from 1 to 31")
            if day is not None and not 1 <= day <= 31:
                self.report(codes.BAD_RECURRENCE, token, f"day {day} is not a day of a month",
                            hint="write a day from 1 to 31; days past a month's end fall on its last day")
            if unit != "month":
                self.report(codes.BAD_RECURRENCE, tree, f"{text} names a day of the month, but this repeats every {unit}",
                            hint="write every month on day N, or every week on a weekday such as Tuesday")
            return ir.RecurOn(day=day, text=text, span=self.span(tree))
        if tree.data == "on_nth":
            ordinal = _token(tree, "ORDINAL").value.lower()
            if unit != "month":
                self.report(codes.BAD_RECURRENCE, tree, f"{text} names a week of the month, but this repeats every {unit}",
                            hint=f"write every month {text}, or every week on {weekday.value}")
            return ir.RecurOn(weekday=day_name, nth=_ORDINALS[ordinal], text=text, span=self.span(tree))
        if unit != "week":
            hint = f"write every week on {weekday.value}" if unit == "day" else f"write every month on first {weekday.value}"
            self.report(codes.BAD_RECURRENCE, tree, f"{text} names a weekday, but this repeats every {unit}", hint=hint)
        return ir.RecurOn(weekday=day_name, text=text, span=self.span(tree))

    def permission(self, tree: Tree, phase: str, taken: dict[str, int]) -> ir.Permission:
        return ir.Permission(
            key=derive_key(phase, "allow", taken),
            actors=self.names(_tree(tree, "actors")),
            text=self.text(_token(tree, "TEXT")),
            approvers=self.role_lists(tree, "approval"),
            notes=self.notes(tree),
            span=self.span(tree),
        )

    # --- time ---

    def date(self, token: Token) -> datetime.date | None:
        try:
            day = datetime.date.fromisoformat(token.value)
        except ValueError:
            year, month, _ = (int(part) for part in token.value.split("-"))
            hint = (f"{year}-{month:02d} has {calendar.monthrange(year, month)[1]} days" if 1 <= month <= 12 and year
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
            date = _token(tree, "DATE")
            return ir.At(self.point(points[0]), self.date(date) if date else None, span, meeting)
        if tree.data == "on":
            return ir.On(self.date(_token(tree, "DATE")), span)
        if tree.data == "within":
            duration = _token(tree, "DURATION")
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
        found = _tree(tree, "placement")
        return self.name(_token(found, "IDENT")) if found is not None else None

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
        text = re.sub(r"\s*([+-])\s*", r"\1", " ".join(t.value for t in _all_tokens(tree)))
        if tree.data in ("week", "month"):
            return self.calendar(tree, re.sub(r"^(week|month)\s*", r"\1 ", text, flags=re.IGNORECASE))
        text = text.lstrip("+")
        offset = _tree(tree, "offset")
        days, months, too_large = 0, 0, False
        hint = f"okrdsl schedules offsets of up to {MAX_OFFSET_WEEKS}w"
        for shift in _trees(offset, "shift") if offset is not None else ():
            sign = -1 if _token(shift, "SIGN").value == "-" else 1
            shift_months, shift_days = self.duration(_token(shift, "DURATION"), hint)
            too_large = too_large or shift_days is None
            days += sign * (TOO_LARGE if shift_days is None else shift_days)
            months += sign * shift_months
        if abs(days) + abs(months) * 31 > MAX_OFFSET_DAYS and not too_large:
            self.report(codes.OUT_OF_RANGE, offset, f"{text} is more than 10 years away from its anchor", hint=hint)
        item = _token(tree, "IDENT")
        return ir.Moment(_ANCHORS[tree.data], days, self.name(item) if item is not None else None, text,
                         self.span(tree), offset_months=months)

    def calendar(self, tree: Tree, text: str) -> ir.Moment:
        """`week N` or `month N` counted from the quarter's start (or `end`, `middle`)."""
        index_tree = _tree(tree, "index_start") or _tree(tree, "index_end") or _tree(tree, "index_middle")
        anchor = {"index_start": "start", "index_end": "end", "index_middle": "middle"}[index_tree.data]
        number = _token(index_tree, "INT")
        sign = _token(index_tree, "SIGN")
        count = self.number(number, hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS} weeks away") if number else 0
        count = TOO_LARGE if count is None else count * (-1 if sign is not None and sign.value == "-" else 1)
        if tree.data == "week":
            if abs(count) > MAX_OFFSET_WEEKS and count != TOO_LARGE:
                self.report(codes.OUT_OF_RANGE, index_tree, f"{text} is more than 10 years away",
                            hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS} weeks away")
            return ir.Moment(anchor, count * 7, None, text, self.span(tree), calendar="week")
        if anchor == "start" and count == 0:
            self.report(codes.OUT_OF_RANGE, index_tree, "there is no month 0: month 1 is the quarter's first month, "
                        "month -1 the month before it", hint="write month 1 for the quarter's first month")
        elif abs(count) > MAX_OFFSET_WEEKS // 4 and count != TOO_LARGE:
            self.report(codes.OUT_OF_RANGE, index_tree, f"{text} is more than 10 years away",
                        hint=f"okrdsl schedules up to {MAX_OFFSET_WEEKS // 4} months away")
        months = count - 1 if anchor == "start" and count > 0 else count
        return ir.Moment(anchor, 0, None, text, self.span(tree), offset_months=months, calendar="month")

    # --- policy and OKRs ---

    def policy(self, tree: Tree) -> ir.Policy:
        self.single(tree, "company_objectives", "key_results_per_objective", "objectives_cap")
        company = _tree(tree, "company_objectives")
        per_objective = _tree(tree, "key_results_per_objective")
        cap = _tree(tree, "objectives_cap")
        hint = "write a number of at most 9 digits"
        bounds = [self.number(t, hint=hint) for t in _tokens(per_objective, "INT")] if per_objective is not None else []
        return ir.Policy(
            company_objectives=self.number(_token(company, "INT"), hint=hint) if company is not None else None,
            min_key_results=bounds[0] if bounds else None,
            max_key_results=bounds[-1] if bounds else None,
            capped_levels=self.names(cap) if cap is not None else (),
            max_capped_objectives=self.number(_token(cap, "INT"), hint=hint) if cap is not None else None,
            span=self.span(tree),
            key_results_span=self.span(per_objective) if per_objective is not None else None,
        )

    def percent(self, token: Token) -> float | None:
        """A percentage such as 40% or 12.5%; None for a whole part too large (reported)."""
        whole = token.value.rstrip("%").split(".")[0]
        if self.number(token, end=len(whole), hint="progress runs from 0% to 100%") is None:
            return None
        return float(token.value.rstrip("%"))

    def okr_set(self, tree: Tree) -> ir.OkrSet:
        return ir.OkrSet(self.quarter(_token(tree, "QUARTER")),
                         tuple(self.objective(t) for t in _trees(tree, "objective")), self.span(tree))

    def objective(self, tree: Tree) -> ir.Objective:
        ident, level = _tokens(tree, "IDENT")
        self.one_of(level, ir.OBJECTIVE_LEVELS, codes.UNKNOWN_LEVEL, "a level of objective")
        self.single(tree, "owner", "aligns")
        aligns = _tree(tree, "aligns")
        return ir.Objective(
            id=self.name(ident),
            level=level.value,
            title=_unquote(_token(tree, "STRING")),
            owners=self.role_lists(tree, "owner"),
            aligns=self.name(_token(aligns, "IDENT")) if aligns is not None else None,
            key_results=tuple(self.key_result(t) for t in _trees(tree, "key_result")),
            span=self.span(tree),
        )

    def key_result(self, tree: Tree) -> ir.KeyResult:
        self.single(tree, "owner", "target", "progress", "health")
        target = _tree(tree, "target")
        progress = _tree(tree, "progress")
        health = _tree(tree, "health")
        return ir.KeyResult(
            id=self.name(_token(tree, "IDENT")),
            title=_unquote(_token(tree, "STRING")),
            owners=self.role_lists(tree, "owner"),
            target=_unquote(_token(target, "STRING")) if target is not None else None,
            progress=self.percent(_token(progress, "PERCENT")) if progress is not None else None,
            health=_token(health, "HEALTH").value if health is not None else None,
            span=self.span(tree),
            progress_span=self.span(_token(progress, "PERCENT")) if progress is not None else None,
            health_span=self.span(_token(health, "HEALTH")) if health is not None else None,
        )


_WHEN = ("at", "on", "within", "during", "between", "ongoing")
_POINTS = ("from_start", "from_end", "from_middle", "from_item", "from_item_end", "week", "month")
_ANCHORS = {"from_start": "start", "from_end": "end", "from_middle": "middle", "from_item": "item",
            "from_item_end": "item-end"}
_RECUR_ON = ("on_weekday", "on_day", "on_nth")
_TIME_WORDS = {"start": "the quarter's first day", "end": "the quarter's last day",
               "middle": "the middle of the quarter", "week": "a calendar week", "month": "a calendar month"}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}


def _weekday(written: str) -> ir.Weekday:
    """The full weekday a name or abbreviation stands for (tue, Tues -> tuesday)."""
    return next(day for day in ir.WEEKDAYS if day.startswith(written.lower()[:3]))


def _when_slug(tree: Tree) -> str:
    """The time of a step as a compact word for derived ids: -4w, end+1w, 2021-09-20."""
    words = [t.value for t in _all_tokens(tree) if t.type not in ("AT",)]
    return re.sub(r"\s*([+-])\s*", r"\1", " ".join(words)).replace(" ", "-")
