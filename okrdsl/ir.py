"""The intermediate representation: frozen attrs classes, one per concept of the language.

Every node carries a `span` (see `okrdsl.source.Span`) that takes no part in
equality, so two specs that say the same thing compare equal wherever they
were written. References are kept as `Name`s, resolved later by
`okrdsl.resolve`. Collections are tuples; use `attrs.evolve` to change a node.
Nodes have no weakref slot (nothing refers to them weakly): a large file has hundreds
of thousands, and each is 8 bytes smaller without it.
"""

from __future__ import annotations

import datetime
from typing import ClassVar, Literal, Union

import attrs

from okrdsl.records import frozen
from okrdsl.source import Span, span_field

# --- small pieces ---------------------------------------------------------------------


@frozen(weakref_slot=False)
class Name:
    """An identifier as written: a declaration's id or a reference to one."""

    value: str
    span: Span | None = span_field()

    def __str__(self) -> str:
        return self.value


@frozen(weakref_slot=False)
class Comment:
    """A `#` comment, kept so that a formatter can put it back."""

    text: str
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Link:
    """A URL in angle brackets, with an optional title; the span is the `<...>`."""

    url: str
    title: str | None = None
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Ref:
    """An inline reference in free text: `@Role` (kind "role") or `#id` (kind "item")."""

    kind: Literal["role", "item"]
    name: Name


@frozen(weakref_slot=False)
class Text:
    """Free text as written, with the references found in it."""

    value: str
    refs: tuple[Ref, ...] = ()
    span: Span | None = span_field()


# --- time -------------------------------------------------------------------------------


Anchor = Literal["start", "end", "middle", "item", "item-end"]
Calendar = Literal["week", "month"]


@frozen(weakref_slot=False)
class Moment:
    """A point in time relative to an anchor: the quarter's start, its end, its middle,
    another item's date ("item"), or a window's due date ("item-end", `end of lock`).

    `item` names the item for "item" and "item-end". The offset is `offset_months`
    calendar months (`-3mo`, the day clamped to the month's length), then `offset_days`
    days (`-6w+2d` is -40). With `calendar`, the anchor is first moved back to the start
    of its calendar week or month: `week -2` is the first day of the week two weeks
    before the week that holds the quarter's first day.
    """

    anchor: Anchor
    offset_days: int = 0
    item: Name | None = None
    text: str = ""
    span: Span | None = span_field()
    offset_months: int = 0
    calendar: Calendar | None = None


@frozen(weakref_slot=False)
class At:
    """`at MOMENT` with an optional `on DATE` that must agree with it (for a calendar week
    or month: fall inside it), and an optional recurring meeting it takes place `in`."""

    kind: ClassVar[str] = "at"

    moment: Moment
    date: datetime.date | None = None
    span: Span | None = span_field()
    meeting: Name | None = None


@frozen(weakref_slot=False)
class On:
    """`on DATE`: an absolute date (None when the date written does not exist: OKR022)."""

    kind: ClassVar[str] = "on"

    date: datetime.date | None
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Within:
    """`within DURATION after MOMENT`: earliest at the moment, due `months` then `days` later."""

    kind: ClassVar[str] = "within"

    days: int
    after: Moment
    span: Span | None = span_field()
    duration: str = ""  # as written: "1w", "7d", "1mo"
    months: int = 0


@frozen(weakref_slot=False)
class During:
    """`during week -3`, `during month 1`: a window over one calendar week or month."""

    kind: ClassVar[str] = "during"

    period: Moment
    span: Span | None = span_field()
    meeting: Name | None = None


@frozen(weakref_slot=False)
class Between:
    """`between -4w and -3w`: a window from the first point to the second (to the last day
    of the second, when it is a calendar week or month)."""

    kind: ClassVar[str] = "between"

    first: Moment
    last: Moment
    span: Span | None = span_field()
    meeting: Name | None = None


@frozen(weakref_slot=False)
class Following:
    """`after propose: ...`: comes after the items of its `after` list, with no date of its own."""

    kind: ClassVar[str] = "following"

    span: Span | None = span_field()


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


Unit = Literal["day", "week", "month"]


@frozen(weakref_slot=False)
class RecurOn:
    """Which day a recurrence falls on: a weekday (`on Tuesday`), a day of the month
    (`on day 1`), or the nth weekday of the month (`on first Monday`; `nth` -1 is "last")."""

    weekday: Weekday | None = None
    day: int | None = None
    nth: int | None = None
    text: str = ""
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Recurrence:
    """`every 2 weeks on Monday from -4w until end`: a meeting that recurs."""

    kind: ClassVar[str] = "recurrence"

    every: int
    unit: Unit
    on: RecurOn | None = None
    start: Moment | None = None
    until: Moment | None = None
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Ongoing:
    """`ongoing`: happens throughout, with no date of its own."""

    kind: ClassVar[str] = "ongoing"

    span: Span | None = span_field()


When = Union[At, On, Within, During, Between, Following, Ongoing]

# --- declarations ------------------------------------------------------------------------


@frozen(weakref_slot=False)
class Include:
    """`include "roles.okrp"`: `target` is the path as written (relative to the including file)."""

    target: Name
    span: Span | None = span_field()

    @property
    def path(self) -> str:
        return self.target.value


@frozen(weakref_slot=False)
class Role:
    """A role of the catalogue: its id, title, other names (`aka`), handle, and the
    `duty:` lines under it."""

    id: Name
    title: str
    aliases: tuple[Name, ...] = ()
    handle: str | None = None
    span: Span | None = span_field()
    duties: tuple[Text, ...] = ()


@frozen(weakref_slot=False)
class FiscalYear:
    """The fiscal calendar: the month (1-12) the year starts in, and how years are named.

    `named_by` is "end" (FY23 ends in 2023, as GitLab does) or "start".
    """

    start_month: int = 2
    named_by: Literal["end", "start"] = "end"
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class CalendarDefaults:
    """What a process that does not write its calendar uses: the month its fiscal year starts,
    how fiscal years are named, and the first day of a calendar week. These are okrdsl's own
    defaults; a configuration file (okrdsl.config) can give others, and a spec's own
    `fiscal year starts ...` or `weeks start ...` line wins over both."""

    start_month: int = 2
    named_by: Literal["end", "start"] = "end"
    weeks_start: Weekday = "monday"


@frozen(weakref_slot=False)
class Quarter:
    """A fiscal quarter as written (`FY23-Q3`): fiscal year number and quarter 1-4."""

    year: int
    number: int
    text: str = ""
    span: Span | None = span_field()

    def __str__(self) -> str:
        from okrdsl.calendar import format_quarter

        return format_quarter(self.year, self.number)


LinkKind = Literal["learnings", "feedback", "video", "link"]


@frozen(weakref_slot=False)
class ProcessLink:
    """A link of the process: `learnings <URL>`, `feedback <URL>`, `video <URL>` or `link <URL> "title"`."""

    kind: LinkKind
    link: Link


Weekends = Literal["keep", "next-monday", "previous-friday"]


@frozen(weakref_slot=False)
class Process:
    """The process block: its title and quarter, the fiscal calendar, what a date that falls
    on a weekend does (`weekends next-monday`), the first day of a calendar week, its links,
    intro lines and notes."""

    title: str
    quarter: Quarter | None
    fiscal_year: FiscalYear = FiscalYear()
    weekends: Weekends = "keep"
    weeks_start: Weekday = "monday"
    links: tuple[ProcessLink, ...] = ()
    intro: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    span: Span | None = span_field()

    def link(self, kind: str) -> Link | None:
        return next((written.link for written in self.links if written.kind == kind), None)


ArtifactKind = Literal["issue", "doc", "video", "channel", "tool", "template", "mr", "page"]
ARTIFACT_KINDS: tuple[ArtifactKind, ...] = ("issue", "doc", "video", "channel", "tool", "template", "mr", "page")


@frozen(weakref_slot=False)
class Artifact:
    """`artifact planning issue "title" <URL>`: a document, issue or channel the process uses.
    `kind` is None when the word written is not a kind okrdsl knows (OKR020)."""

    id: Name
    kind: ArtifactKind | None
    title: str
    link: Link | None = None
    span: Span | None = span_field()

    @property
    def url(self) -> str | None:
        return self.link.url if self.link else None


# --- what happens ---------------------------------------------------------------------------


@frozen(weakref_slot=False)
class Task:
    """A sub-step: who does what, under a step (tasks nest). With no actors (empty
    tuple), the text was written in double quotes: it says what happens, not who does it."""

    actors: tuple[Name, ...]
    text: Text
    tasks: tuple["Task", ...] = ()
    notes: tuple[Text, ...] = ()
    led_by: tuple[Name, ...] = ()
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Step:
    """A dated step: when, who, what; with optional id, `after` dependencies and sub-steps.

    `id` is the id written with `as`; `key` is that id or the one derived from
    the phase and the step's own content (see `okrdsl.ids`).
    """

    kind: ClassVar[str] = "step"

    key: str
    when: When
    actors: tuple[Name, ...]
    text: Text
    id: Name | None = None
    after: tuple[Name, ...] = ()
    tasks: tuple[Task, ...] = ()
    notes: tuple[Text, ...] = ()
    led_by: tuple[Name, ...] = ()
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Meeting:
    """A meeting: once (`when`), or recurring (`when` is a `Recurrence`), or undated."""

    kind: ClassVar[str] = "meeting"

    key: str
    id: Name
    title: str
    when: When | Recurrence | None = None
    after: tuple[Name, ...] = ()
    goal: Text | None = None
    agenda: Link | None = None
    scheduled_by: tuple[Name, ...] = ()
    attendees: tuple[Name, ...] = ()
    fallback: Task | None = None
    notes: tuple[Text, ...] = ()
    span: Span | None = span_field()
    length_minutes: int | None = None  # `length 1h30m` is 90


@frozen(weakref_slot=False)
class Cadence:
    """`every N UNIT [on DAY] [from MOMENT] [until MOMENT]: who does what`; the range defaults to the quarter."""

    kind: ClassVar[str] = "cadence"

    key: str
    every: int
    unit: Unit
    actors: tuple[Name, ...]
    text: Text
    start: Moment | None = None
    until: Moment | None = None
    on: RecurOn | None = None
    id: Name | None = None
    tasks: tuple[Task, ...] = ()
    notes: tuple[Text, ...] = ()
    led_by: tuple[Name, ...] = ()
    span: Span | None = span_field()
    head: Span | None = span_field()  # "every 2 weeks from -2w until end", without the work


Need = Literal["all", "any"]


@frozen(weakref_slot=False)
class ApprovalStage:
    """One stage of an approval: `all` of its roles must approve (`CTO and VPP`, `CTO, VPP`),
    or `any` one of them (`CEO or CoS`)."""

    need: Need
    roles: tuple[Name, ...]
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Approval:
    """One `approval from` line: its stages in order (`A or B, then C`); a stage is asked
    once the one before it has approved."""

    stages: tuple[ApprovalStage, ...]
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Permission:
    """`allow ROLES: what they may do`, with the approvals it needs (every line of them)."""

    kind: ClassVar[str] = "permission"

    key: str
    actors: tuple[Name, ...]
    text: Text
    approvals: tuple[Approval, ...] = ()
    notes: tuple[Text, ...] = ()
    span: Span | None = span_field()
    id: Name | None = None  # `allow PMs as early_krs: ...`

    @property
    def approvers(self) -> tuple[Name, ...]:
        """Every role named in the approvals, in the order written."""
        return tuple(name for approval in self.approvals for stage in approval.stages for name in stage.roles)


Item = Union[Step, Meeting, Cadence, Permission]


@frozen(weakref_slot=False)
class Phase:
    id: Name
    title: str
    intro: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    items: tuple[Item, ...] = ()
    span: Span | None = span_field()


# --- policy and OKR sets ------------------------------------------------------------------


CountKind = Literal["key-results", "aligned-objectives", "aligned-key-results"]


@frozen(weakref_slot=False)
class Count:
    """A number of the cascade for one level: `key results per company objective: 1..3`
    ("key-results"), `objectives aligned to each company objective: 2..3`
    ("aligned-objectives"), `key results aligned to each company objective: at least 2`
    ("aligned-key-results": the key results of the objectives that align to it).
    `low` or `high` is None when that side is open (`at most 3`, `at least 2`)."""

    kind: CountKind
    level: Name
    low: int | None
    high: int | None
    span: Span | None = span_field()


@frozen(weakref_slot=False)
class Band:
    """A score band of the policy: `on-target 85..100`, with the health word it goes with
    when written (`on-target 85..100 as green`); otherwise bands and health words pair in order."""

    name: Name
    low: int
    high: int
    health: Name | None = None
    span: Span | None = span_field()


Rollup = Literal["mean", "lowest"]


@frozen(weakref_slot=False)
class Policy:
    """Numbers and words that `check` enforces; None or () means "use the default" (the
    handbook's numbers and GitLab's words: see `okrdsl.scoring`)."""

    company_objectives: int | None = None
    min_key_results: int | None = None
    max_key_results: int | None = None
    capped_levels: tuple[Name, ...] = ()
    max_capped_objectives: int | None = None
    span: Span | None = span_field()
    key_results_span: Span | None = span_field()
    counts: tuple[Count, ...] = ()
    levels: tuple[Name, ...] = ()
    own_owner: bool = False
    own_owner_span: Span | None = span_field()
    health: tuple[Name, ...] = ()
    bands: tuple[Band, ...] = ()
    bands_span: Span | None = span_field()
    score_rollup: Rollup | None = None


OBJECTIVE_LEVELS = ("company", "shared", "product", "engineering")


@frozen(weakref_slot=False)
class KeyResult:
    """A key result. `owners` are the ones written on its line or, when none is written, its
    objective's: then `owners_inherited` is true. `score` (the graded result, in percent) is
    distinct from `progress` (how far the work has come)."""

    id: Name
    title: str
    owners: tuple[Name, ...] = ()
    target: str | None = None
    progress: float | None = None
    health: str | None = None
    span: Span | None = span_field()
    progress_span: Span | None = span_field()
    health_span: Span | None = span_field()
    score: float | None = None
    score_span: Span | None = span_field()
    links: tuple[Link, ...] = ()
    owners_inherited: bool = False


@frozen(weakref_slot=False)
class Objective:
    """An objective with its key results; `links` are the one ending its line and its `link` lines."""

    id: Name
    level: str
    title: str
    owners: tuple[Name, ...] = ()
    aligns: Name | None = None
    key_results: tuple[KeyResult, ...] = ()
    span: Span | None = span_field()
    links: tuple[Link, ...] = ()
    level_span: Span | None = span_field()


@frozen(weakref_slot=False)
class OkrSet:
    quarter: Quarter | None
    objectives: tuple[Objective, ...] = ()
    span: Span | None = span_field()


# --- a whole file -----------------------------------------------------------------------------


@frozen(weakref_slot=False)
class Spec:
    """Everything one .okrp file says, in the order it says it."""

    path: str
    includes: tuple[Include, ...] = ()
    roles: tuple[Role, ...] = ()
    process: Process | None = None
    artifacts: tuple[Artifact, ...] = ()
    phases: tuple[Phase, ...] = ()
    policy: Policy | None = None
    okr_sets: tuple[OkrSet, ...] = ()
    comments: tuple[Comment, ...] = attrs.field(default=(), eq=False, repr=False)

    def items(self):
        """Every step, meeting, cadence and permission, phase by phase."""
        for phase in self.phases:
            yield from phase.items


# --- what items have in common -------------------------------------------------------------------


def time_of(item: Item) -> When | Recurrence | None:
    """An item's time as written: a step's or a meeting's `when`; None for a cadence (its
    range is `start` and `until`), a permission, or a meeting with no time."""
    return item.when if isinstance(item, (Step, Meeting)) else None


def after_of(item: Item) -> tuple[Name, ...]:
    """The ids an item comes after (`after review`); only steps and meetings have them."""
    return item.after if isinstance(item, (Step, Meeting)) else ()


def placed_in(when: When | Recurrence | None) -> Name | None:
    """The recurring meeting a time places an item in (`at -4w in weekly`), if any."""
    return when.meeting if isinstance(when, (At, During, Between)) else None
