"""OKR207, OKR208 and OKR401: things that recur (cadences and recurring meetings), and what is
placed in them."""

from __future__ import annotations

from okrdsl import ir
from okrdsl.calendar import adjust_for_weekend
from okrdsl.diagnostics import Severity
from okrdsl.limits import MAX_OCCURRENCES, MAX_TOTAL_OCCURRENCES
from okrdsl.recur import count
from okrdsl.rules import Context, Finding, rule
from okrdsl.rules.time import dated_files, resolver_of
from okrdsl.recur import over_total, recurs

ERROR = Severity.ERROR


@rule("OKR207", "impossible-cadence", ERROR)
def impossible_cadence(context: Context):
    """A cadence ends before it starts, or repeats more than 1000 times.

    `every week from -2w until end` repeats weekly between the two times; if
    `until` comes before `from` it never happens, and a range that holds
    more than 1000 occurrences is almost surely a slip (days for weeks).

    Bad:
        process "Workflow" for FY23-Q3
        roles
          KROwner "Key Result owner"
        phase scoring "Scoring"
          every week from end until start: KROwner updates their KRs  # OKR207

    Good:
        process "Workflow" for FY23-Q3
        roles
          KROwner "Key Result owner"
        phase scoring "Scoring"
          every week from start until end: KROwner updates their KRs
    """
    for file, resolver, _ in dated_files(context):
        for item in file.items:
            if not recurs(item):
                continue
            recurrence = item.when if isinstance(item, ir.Meeting) else item
            dated = resolver.recurring_range(item)
            if dated is None:
                continue
            first, last = (adjust_for_weekend(day, resolver.weekends) for day in dated)
            where = recurrence.until.span if recurrence.until else _head(item)
            what = "cadence" if isinstance(item, ir.Cadence) else "meeting"
            if last < first:
                yield Finding(where, f"this {what} ends on {last}, before it starts on {first}",
                              "swap `from` and `until`, or check their times")
                continue
            if recurrence.every < 1:
                continue  # OKR026 says so
            on = recurrence.on
            if count(first, last, recurrence.every, recurrence.unit, on, limit=MAX_OCCURRENCES + 1) > MAX_OCCURRENCES:
                yield Finding(where, f"this {what} would happen more than {MAX_OCCURRENCES} times between {first} "
                              f"and {last}", "check the unit (days or weeks?) and the range")


def _head(item: ir.Item):
    """Where a recurring item's recurrence is written."""
    return item.head if isinstance(item, ir.Cadence) else item.when.span


@rule("OKR208", "not-in-meeting", ERROR)
def not_in_meeting(context: Context):
    """An item placed in a recurring meeting finds no occurrence of it, or not on the date written.

    `at -3w in egroup_weekly` falls on the first E-Group Weekly on or after
    -3w; `between -3w and -2w in egroup_weekly` on the first one in that
    window. The meeting must recur (`every week on Tuesday`), and happen then;
    a date written beside the time (`at week -4 on 2023-01-03 in weekly`) must
    be that meeting's day.

    Bad:
        process "Workflow" for FY24-Q1
        roles
          CoS "Chief of Staff to the CEO"
          EGroup "E-Group"
        phase planning "Planning"
          meeting weekly "E-Group Weekly" every week on Tuesday from -6w until -4w
            scheduled by CoS
            goal "Align on the week"
          between -3w and -2w in weekly: EGroup proposes OKRs for their functions  # OKR208

    Good:
        process "Workflow" for FY24-Q1
        roles
          CoS "Chief of Staff to the CEO"
          EGroup "E-Group"
        phase planning "Planning"
          meeting weekly "E-Group Weekly" every week on Tuesday from -6w until -2w
            scheduled by CoS
            goal "Align on the week"
          between -3w and -2w in weekly: EGroup proposes OKRs for their functions
    """
    for file, resolver, _ in dated_files(context):
        for item in file.items:
            reason = resolver.misses.get(id(item))
            if reason is not None:
                yield Finding(item.when.meeting.span, reason,
                              "give the meeting a range that covers this time, or change the time")
                continue
            when = item.when if isinstance(item, (ir.Step, ir.Meeting)) else None
            if not isinstance(when, ir.At) or when.meeting is None or when.date is None:
                continue
            placed = resolver.date(item)
            if placed is not None and resolver.written_holds(item) and placed != when.date:
                yield Finding(when.meeting.span, f'the first "{when.meeting.value}" on or after {when.moment.text} '
                              f"falls on {placed}, not on {when.date} as written",
                              f"write on {placed}, or leave the date out")


@rule("OKR401", "too-many-occurrences", ERROR)
def too_many_occurrences(context: Context):
    """The cadences and recurring meetings of a spec happen more than 20,000 times in all.

    Each cadence is listed at most 1000 times, and a whole schedule at most
    20,000: a schedule longer than that is too long to read, and is almost
    surely a slip (every day for every week, or a range of years). The
    schedule stops at the cadence that passes the limit.

    Bad:
        roles
          PM "Product Manager"
        phase daily "Daily"
          every day from -1000d until -1d: PM checks the first dashboard
          every day from -1000d until -1d: PM checks the second dashboard
          every day from -1000d until -1d: PM checks the third dashboard
          every day from -1000d until -1d: PM checks the fourth dashboard
          every day from -1000d until -1d: PM checks the fifth dashboard
          every day from -1000d until -1d: PM checks the sixth dashboard
          every day from -1000d until -1d: PM checks the seventh dashboard
          every day from -1000d until -1d: PM checks the eighth dashboard
          every day from -1000d until -1d: PM checks the ninth dashboard
          every day from -1000d until -1d: PM checks the tenth dashboard
          every day from -1000d until -1d: PM checks the eleventh dashboard
          every day from -1000d until -1d: PM checks the twelfth dashboard
          every day from -1000d until -1d: PM checks the thirteenth dashboard
          every day from -1000d until -1d: PM checks the fourteenth dashboard
          every day from -1000d until -1d: PM checks the fifteenth dashboard
          every day from -1000d until -1d: PM checks the sixteenth dashboard
          every day from -1000d until -1d: PM checks the seventeenth dashboard
          every day from -1000d until -1d: PM checks the eighteenth dashboard
          every day from -1000d until -1d: PM checks the nineteenth dashboard
          every day from -1000d until -1d: PM checks the twentieth dashboard
          every day from -1000d until -1d: PM checks the last dashboard  # OKR401

    Good:
        roles
          PM "Product Manager"
        phase daily "Daily"
          every week from -1000d until -1d: PM checks the dashboards
    """
    for file in context.files():
        over = over_total(file.spec, resolver_of(context, file))
        if over is not None:
            cadence, total = over
            what = "cadence" if isinstance(cadence, ir.Cadence) else "meeting"
            yield Finding(_head(cadence), f"the cadences and recurring meetings of this spec happen {total:,} times "
                          f"in all, more than the {MAX_TOTAL_OCCURRENCES:,} a schedule lists; the schedule stops at "
                          f"this {what}",
                          "repeat less often (every week rather than every day), or shorten the ranges "
                          "with from and until")
