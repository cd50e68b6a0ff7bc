"""OKR2xx: times resolve to dates, in order, and agree with each other."""

from __future__ import annotations

from okrdsl import ir
from okrdsl.calendar import FiscalCalendar, adjust_for_weekend, format_quarter, week_start
from okrdsl.diagnostics import Severity
from okrdsl.rules import Context, File, Finding, rule
from okrdsl.dates import Resolver, counted_from, latest_before, quarter_for, resolver_for, written_beside
from okrdsl.recur import recurs
from okrdsl.words import loop_text

ERROR, WARNING = Severity.ERROR, Severity.WARNING


_WINDOWS = (ir.Within, ir.During, ir.Between)
REFERENCE_QUARTER = (2000, 1)  # for files that name no quarter: relative order is the same in any


def resolver_of(context: Context, file: File) -> Resolver:
    """The file's dates in its own quarter, or in a reference quarter when it names none."""

    def compute():
        found = quarter_for(file.spec) or (FiscalCalendar(), *REFERENCE_QUARTER)
        return resolver_for(file.spec, *found)

    return context.memo(("resolver", file.path), compute)


def dated_files(context: Context):
    """Every file with its resolver, and whether its dates are real (it names a quarter).

    Without a quarter, relative times still compare with each other, but not with
    dates written with `on`: rules leave those out (see `_comparable`).
    """
    for file in context.files():
        yield file, resolver_of(context, file), quarter_for(file.spec) is not None


def _comparable(item: ir.Item, real: bool) -> bool:
    if real:
        return True
    return not (isinstance(ir.time_of(item), ir.On) or written_beside(item))


def _describe(item: ir.Item) -> str:
    """How to name an item to people: by its id when it has one, else by its words and time."""
    kind = item.kind
    if item.id is not None:
        return f'{kind} "{item.id.value}"'
    words = item.text.value if len(item.text.value) <= 40 else item.text.value[:37] + "..."
    actors = ", ".join(a.value for a in item.actors)
    return f'the {kind} "{actors} {words}"'


def _when_span(item: ir.Item):
    """Where an item's time is written: its `at ...`, or a meeting's or cadence's first line."""
    when = ir.time_of(item)
    if when is not None and when.span is not None:
        return when.span
    if isinstance(item, ir.Cadence):
        return item.head or item.span
    written = item.id if isinstance(item, (ir.Step, ir.Meeting)) else None
    return written.span if written is not None else item.span


@rule("OKR201", "out-of-order", ERROR)
def out_of_order(context: Context):
    """Inside a phase, an item is dated earlier than the one before it.

    A phase reads as a timeline: each dated step or meeting should fall on or
    after the one above it (cadences repeat, so they may stand anywhere). An item out of order is usually a typo
    in its time (-3w for -5w) or an item in the wrong place.

    Bad:
        process "Workflow" for FY23-Q3
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -4w: PM drafts the OKRs
          at -5w: PM reviews last quarter's scores  # OKR201

    Good:
        process "Workflow" for FY23-Q3
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -5w: PM reviews last quarter's scores
          at -4w: PM drafts the OKRs
    """
    for file, resolver, real in dated_files(context):
        for phase in file.spec.phases:
            previous = None
            for item in phase.items:
                if isinstance(item, (ir.Permission, ir.Cadence)) or recurs(item) or not _comparable(item, real):
                    continue
                day = resolver.date(item)
                if day is None:
                    continue
                if previous is not None and day < previous[1]:
                    yield Finding(_when_span(item), f"{_describe(item)} falls on {day}, before "
                                  f"{_describe(previous[0])} above it ({previous[1]})",
                                  "move it above, or check its time")
                previous = (item, day)


@rule("OKR202", "after-too-early", ERROR)
def after_too_early(context: Context):
    """An item comes `after` another, but is dated before it.

    `after review` says the item depends on `review`: its date must be on or
    after review's date.

    Bad:
        process "Workflow" for FY23-Q3
        roles
          CEO "Chief Executive Officer"
          PM "Product Manager"
        phase review "Review"
          at -3w as review: CEO reviews the OKRs
        phase publish "Publish"
          at -4w after review: PM publishes the OKRs  # OKR202

    Good:
        process "Workflow" for FY23-Q3
        roles
          CEO "Chief Executive Officer"
          PM "Product Manager"
        phase review "Review"
          at -3w as review: CEO reviews the OKRs
        phase publish "Publish"
          at -2w after review: PM publishes the OKRs
    """
    for file, resolver, real in dated_files(context):
        ordered: dict = {}  # the earliest day of each item that is only ordered
        for item in file.items:
            after = ir.after_of(item)
            if not after or isinstance(ir.time_of(item), _WINDOWS):
                continue  # a window may start before its dependency; OKR204 checks its due date
            day = resolver.date(item) if _comparable(item, real) else None
            for name in after:
                before = file.scope.items.get(name.value)
                before_day = _earliest(before.node, file, resolver, real, ordered) if before else None
                if day is not None and before_day is not None and before_day > day:
                    when = f"({before_day})" if resolver.date(before.node) else \
                        f"can happen: {name.value} comes after what falls on {before_day}"
                    yield Finding(name.span, f'{_describe(item)} comes after "{name.value}", but falls on {day}, '
                                  f"before {name.value} {when}", "give it a later time, or drop the dependency")


def _earliest(item: ir.Item, file: File, resolver: Resolver, real: bool, memo: dict):
    """The earliest day an item can happen: its date, or for an item that is only ordered
    (`after x:`), the latest day of what it comes after (see dates.latest_before)."""
    if not _ordered(item):
        return _dated_day(item, resolver, real)
    return latest_before(item, lambda current: [file.scope.items[n.value].node for n in current.after
                                                if n.value in file.scope.items],
                         _ordered, lambda before: _dated_day(before, resolver, real), memo)


def _ordered(item: ir.Item) -> bool:
    return isinstance(item, ir.Step) and isinstance(item.when, ir.Following)


def _dated_day(item: ir.Item, resolver: Resolver, real: bool):
    return resolver.date(item) if _comparable(item, real) else None


@rule("OKR203", "time-loop", ERROR)
def time_loop(context: Context):
    """Items are timed relative to each other, or come after each other, in a loop.

    A time relative to another item must lead back, in the end, to the
    quarter's start, its end or a date; a chain that comes back to where it
    started has no date. Likewise `after` lists must not lead back to the
    item they start from: then none of the items could go first.

    Bad:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at b + 1w as a: PM holds session A
          at a - 1w as b: PM holds session B  # OKR203

    Good:
        roles
          PM "Product Manager"
        phase kickoff "Kick-off"
          at -5w as b: PM holds session B
          at b + 1w as a: PM holds session A
    """
    for file, resolver, _ in dated_files(context):
        for name, loop in resolver.loops:
            yield Finding(name.span, f"these items are timed relative to each other in a loop: {loop}",
                          "time one of them from the quarter's start or end instead")
        yield from _after_loops(file)


def _after_loops(file: File):
    """`after` lists that lead back to where they started (`a after b`, `b after a`): one depth-first
    walk over the whole graph, each item visited once, each loop reported once."""
    items = {name: declared.node for name, declared in file.scope.items.items()}
    done: set[str] = set()
    for root in items:
        if root in done:
            continue
        path: list[str] = [root]
        place = {root: 0}  # each name on the path, by its place in it: a loop found costs no walk
        stack = [iter(ir.after_of(items[root]))]
        while stack:
            name = next(stack[-1], None)
            if name is None:
                stack.pop()
                finished = path.pop()
                del place[finished]
                done.add(finished)
                continue
            target = name.value
            if target in place:
                yield Finding(name.span, "these items come after each other in a loop: " + loop_text(path, place[target]),
                              "drop one of the `after` dependencies")
            elif target in items and target not in done:
                place[target] = len(path)
                path.append(target)
                stack.append(iter(ir.after_of(items[target])))


@rule("OKR204", "impossible-window", ERROR)
def impossible_window(context: Context):
    """A window cannot be met: it has no length, or what it comes after is due later.

    `within 1w after session1` runs from session1's date to a week later. A
    window of no days, or one whose `after` dependency falls after the
    window's due date, leaves no time to do the work.

    Bad:
        process "Workflow" for FY23-Q3
        roles
          CTO "Chief Technology Officer"
          VPP "VP of Product"
        phase kickoff "Kick-off"
          at -6w as session1: CTO and VPP hold the first session
          at -6w as prep: CTO prepares the alignment
          within 1d after session1 after prep: CTO and VPP align on the top ideas
          within 1w after session1 after late: CTO and VPP agree the final list  # OKR204
          at -4w as late: VPP sends the draft

    Good:
        process "Workflow" for FY23-Q3
        roles
          CTO "Chief Technology Officer"
          VPP "VP of Product"
        phase kickoff "Kick-off"
          at -6w as session1: CTO and VPP hold the first session
          at -6w as prep: CTO prepares the alignment
          within 1d after session1 after prep: CTO and VPP align on the top ideas
          within 3w after session1 after late: CTO and VPP agree the final list
          at -4w as late: VPP sends the draft
    """
    for file, resolver, real in dated_files(context):
        for item in file.items:
            when = ir.time_of(item)
            if not isinstance(when, _WINDOWS):
                continue
            if isinstance(when, ir.Within) and when.days <= 0 and when.months <= 0:
                yield Finding(when.span, "this window has no length: give it at least one day, such as within 1d")
                continue
            due, first = resolver.due(item), resolver.date(item)
            if due is None:
                continue
            if isinstance(when, ir.Between) and first is not None and due < first:
                yield Finding(when.last.span, f"this window ends on {due} ({when.last.text}), before it starts on "
                              f"{first} ({when.first.text})", "swap the two times, or check them")
                continue
            for name in ir.after_of(item):
                before = file.scope.items.get(name.value)
                before_day = resolver.date(before.node) if before and _comparable(before.node, real) else None
                if before_day is not None and before_day > due:
                    yield Finding(name.span, f'this window is due {due}, but "{name.value}", which it comes after, '
                                  f"falls on {before_day}", "widen the window, or move the dependency earlier")


@rule("OKR205", "date-mismatch", ERROR)
def date_mismatch(context: Context):
    """A date written beside a relative time does not agree with it.

    `at -6w on 2021-09-20` says the same day twice: 6 weeks before the
    quarter starts, and 2021-09-20. For the spec's quarter and fiscal
    calendar, the two must be the same day.

    Bad:
        process "FY22 Q4 Product OKR Process" for FY22-Q4
        roles
          EBA "Executive Business Administrator"
        phase kickoff "Kick-off"
          meeting m1 "Shared R&D Objectives for OKRs" at -6w on 2021-09-21  # OKR205
            goal "Propose cross-functional OKR ideas"
            scheduled by EBA

    Good:
        process "FY22 Q4 Product OKR Process" for FY22-Q4
        roles
          EBA "Executive Business Administrator"
        phase kickoff "Kick-off"
          meeting m1 "Shared R&D Objectives for OKRs" at -6w on 2021-09-20
            goal "Propose cross-functional OKR ideas"
            scheduled by EBA
    """
    for file, resolver, real in dated_files(context):
        if not real:
            continue
        year, number = quarter_for(file.spec)[1:]
        for item in file.items:
            when = ir.time_of(item)
            if not isinstance(when, ir.At) or when.date is None or resolver.written_holds(item):
                continue
            yield _mismatch(resolver, when, resolver.moment(when.moment), format_quarter(year, number))


def _mismatch(resolver: Resolver, when: ir.At, raw, quarter: str) -> Finding:
    """OKR205 for `at TIME on DATE`, saying what the time counts from where that explains it."""
    moment, written = when.moment, when.date
    if moment.calendar is not None:
        last = resolver.period_end(moment, raw)
        right = _calendar_index(resolver, moment, written)
        return Finding(when.span, f"{moment.text} of {quarter} runs {raw} to {last}, and {written} is not in it",
                       f"write {right}, or correct the date" if right else "correct the date, or the week")
    computed = adjust_for_weekend(raw, resolver.weekends)
    message = f"{moment.text} falls on {computed} in {quarter}, not on {written}"
    if moment.anchor in ("start", "end") and not moment.offset_months and moment.offset_days % 7 == 0:
        base = resolver.start if moment.anchor == "start" else resolver.end
        which = "first" if moment.anchor == "start" else "last"
        week = ir.Moment(moment.anchor, 0, calendar="week")
        message += f": {moment.text} counts from the quarter's {which} day, {base:%A} {base}"
        return Finding(when.span, message, f"for the week of {week_start(written, resolver.weeks_start)}, write "
                       f"{_calendar_index(resolver, week, written)}; or write on {computed}")
    return Finding(when.span, message, f"write on {computed}, or correct the relative time")


def _calendar_index(resolver: Resolver, moment: ir.Moment, day) -> str | None:
    """How to write the calendar week or month that holds `day`, counted from the same anchor
    as `moment` (`week -1`, `week end+2`, `month 2`)."""
    anchor = resolver.anchor(ir.Moment(moment.anchor, 0, calendar=moment.calendar))
    if anchor is None:
        return None
    if moment.calendar == "week":
        count = (week_start(day, resolver.weeks_start) - anchor).days // 7
    else:
        count = (day.year - anchor.year) * 12 + day.month - anchor.month
        if moment.anchor == "start" and count >= 0:
            count += 1
    if moment.anchor == "start":
        return f"{moment.calendar} {count:+d}" if count > 0 and moment.calendar == "week" else f"{moment.calendar} {count}"
    return f"{moment.calendar} {moment.anchor}{count:+d}" if count else f"{moment.calendar} {moment.anchor}"


def _anchored_to_end(item: ir.Item, items: dict, memo: dict[int, bool]) -> bool:
    """Whether an item's time counts from the quarter's end, through any chain of relative times.

    The chain is followed with a loop, not recursion, and `memo` keeps each
    item's answer, so the items of a file cost one step each however long
    their chains are. A loop (OKR203) is not anchored to the end.
    """
    path = []
    while id(item) not in memo:
        memo[id(item)] = False  # until known: a loop that leads back here ends the walk
        path.append(item)
        moment = counted_from(item)
        if moment is not None and moment.anchor in ("item", "item-end") and moment.item.value in items:
            item = items[moment.item.value].node
            continue
        memo[id(item)] = moment is not None and moment.anchor == "end"
        break
    answer = memo[id(item)]
    for walked in path:
        memo[id(walked)] = answer
    return answer


@rule("OKR206", "after-quarter-end", WARNING)
def after_quarter_end(context: Context):
    """A step falls after the quarter's end but is not timed from the end.

    Work after the quarter (scoring, retrospectives) reads best as `end+1w`.
    A step timed from the start that lands after the end is often a slip:
    `+14w` where `-14w` was meant.

    Bad:
        process "Workflow" for FY23-Q3
        roles
          PM "Product Manager"
        phase scoring "Scoring"
          at +14w: PM closes their KRs  # OKR206

    Good:
        process "Workflow" for FY23-Q3
        roles
          PM "Product Manager"
        phase scoring "Scoring"
          at end+1w: PM closes their KRs
    """
    for file, resolver, real in dated_files(context):
        memo: dict[int, bool] = {}
        for item in file.items:
            day = resolver.date(item)
            if day is None or day <= resolver.end or isinstance(item, ir.Cadence) or not _comparable(item, real):
                continue
            if _far_from_quarter(item, resolver) is None and not _anchored_to_end(item, file.scope.items, memo):
                yield Finding(_when_span(item), f"{_describe(item)} falls on {day}, after the quarter ends "
                              f"({resolver.end}), but is not timed from the end",
                              "time it from the end, such as end+1w")


# A date written with `on` this many days or more from the quarter is reported (OKR209):
# about six months, further than any planning or scoring step runs.
FAR_FROM_QUARTER_DAYS = 183


@rule("OKR209", "date-far-from-quarter", WARNING)
def date_far_from_quarter(context: Context):
    """A date written with `on` lies half a year or more from the spec's quarter.

    Steps start a few weeks before the quarter and end a few weeks after it; a date
    that is months away is usually a slip of the year (2024 for 2025).

    Bad:
        process "Workflow" for FY26-Q1
        roles
          CoS "Chief of Staff"
        phase kickoff "Kick-off"
          on 2024-01-15: CoS opens the planning issue  # OKR209

    Good:
        process "Workflow" for FY26-Q1
        roles
          CoS "Chief of Staff"
        phase kickoff "Kick-off"
          on 2025-01-15: CoS opens the planning issue
    """
    for file, resolver, real in dated_files(context):
        for item in file.items if real else ():
            far = _far_from_quarter(item, resolver)
            if far is not None:
                when = ir.time_of(item)
                yield Finding(when.span, f"{_describe(item)} is on {when.date}, {far}",
                              "check the year: a date this far from the quarter is usually a typo")


def _far_from_quarter(item: ir.Item, resolver: Resolver) -> str | None:
    """How far an item's `on` date lies from the quarter, in words, when it is FAR_FROM_QUARTER_DAYS or more."""
    when = ir.time_of(item)
    if not isinstance(when, ir.On) or when.date is None:
        return None
    before, after = (resolver.start - when.date).days, (when.date - resolver.end).days
    if max(before, after) < FAR_FROM_QUARTER_DAYS:
        return None
    months = round(max(before, after) / 30.44)
    return (f"{months} months before the quarter starts ({resolver.start})" if before > 0
            else f"{months} months after the quarter ends ({resolver.end})")
