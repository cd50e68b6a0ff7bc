"""Stage 2, build: a Lark tree to the IR of one file.

The builder never raises on user input: a value it cannot use (an unknown
artifact kind, a date that does not exist) becomes a diagnostic, and the node
is still built so that later stages see as much of the file as possible.
References stay names here; `okrdsl.resolve` looks them up.
"""

from __future__ import annotations

import itertools
import re
from typing import Iterator

from okrdsl import codes, ir
from okrdsl.build_okrs import OkrBuilder
from okrdsl.build_time import TIME_WORDS, WHEN_KINDS, TimeBuilder, weekday_named
from okrdsl.calendar import parse_month, parse_quarter
from okrdsl.diagnostics import Diagnostic
from okrdsl.grammar import keywords
from okrdsl.ids import derive_keys
from okrdsl.limits import MAX_MEETING_MINUTES, MAX_NUMBER_DIGITS
from okrdsl.source import Source, Span
from okrdsl.tree import Token, Tree, all_tokens, by_kind, children, edge_tokens, first, token_of, tokens_of, tree_of, trees_of, unquote
from okrdsl.words import did_you_mean

# `@role`, `#id` or `@"a role named with spaces"`, not inside a word: groups 1 and 2 the sign and
# the name, or 3 and 4. Written to begin with the sign itself, outside any group (each sign
# captured by a lookbehind), so that the regex engine skips to the next @ or # at C speed
# instead of trying the pattern at every character: twice as fast over a large file's texts.
_REF = re.compile(r'[@#](?<![\w@#&].)(?:(?<=([@#]))([^\W\d][\w\-]*(?:\.\w+)*)|(?<=(@))"([^"\r\n]+)")')
_ROLE_NAMES = ("IDENT", "ALIAS_WORD", "STRING")
_LENGTH = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?")


def build(source: Source, tree: Tree | None, comments=(),
          calendar: ir.CalendarDefaults = ir.CalendarDefaults(),
          consume: bool = False) -> tuple[ir.Spec, list[Diagnostic]]:
    """Build the IR of one parsed file; returns the spec and the build diagnostics. A process
    that does not write its fiscal year or the first day of its weeks gets `calendar`'s.

    With `consume`, the tree lets go of each statement once it is built and is left empty
    (okrdsl.tree.children): for a caller that holds the only reference to it, so that the
    tree and the IR of a large file do not take their memory at the same time."""
    builder = _Builder(source, calendar, consume)
    spec = builder.spec(tree, comments)
    return spec, builder.diagnostics


def builder(source: Source, calendar: ir.CalendarDefaults = ir.CalendarDefaults()) -> _Builder:
    """A builder to feed one top-level statement tree at a time (`statement`, as okrdsl.parse
    hears of them) and then `finish`; its `diagnostics` are build()'s. It empties each
    statement's tree once built, so a large file's tree never exists whole."""
    return _Builder(source, calendar, consume=True)


def _references(text: str):
    """Each `@role` and `#id` in a text: (where it starts, with its `@` or `#`; where it ends;
    where its name starts; "role" or "item"; the name)."""
    for match in _REF.finditer(text):
        group = 2 if match.group(2) is not None else 4  # @"CoS to the CEO": a role named with spaces
        value = match.group(group).rstrip("-") if group == 2 else match.group(group)
        end = match.start(group) + len(value) + (group == 4)  # past the closing quote of @"..."
        yield match.start(), end, match.start(group), "role" if match.group(group - 1) == "@" else "item", value


def text_parts(text: str) -> Iterator[str | ir.Ref]:
    """A free text cut into its plain runs (str) and its references (`ir.Ref`, without
    spans), in order, as the builder reads them: for an emitter that writes each reference
    its own way."""
    done = 0
    for start, end, _, kind, value in _references(text):
        if start > done:
            yield text[done:start]
        yield ir.Ref(kind, ir.Name(value))
        done = end
    if done < len(text):
        yield text[done:]


class _Builder(TimeBuilder, OkrBuilder):
    def __init__(self, source: Source, calendar: ir.CalendarDefaults = ir.CalendarDefaults(),
                 consume: bool = False) -> None:
        self.source = source
        self.defaults = calendar
        self.consume = consume
        self.diagnostics: list[Diagnostic] = []
        self._words: dict[str, str] = {}
        # the file's IR so far, statement by statement
        self._fields: dict[str, list] = {"includes": [], "roles": [], "artifacts": [], "phases": [], "okr_sets": []}
        self._process: ir.Process | None = None
        self._policy: ir.Policy | None = None

    def shared(self, word: str) -> str:
        """One str object for every place a file writes the same name or time (`ProductOps`
        as the actor of a thousand steps, `-4w`): a large file's IR holds each once."""
        return self._words.setdefault(word, word)

    # --- positions and diagnostics ---

    def span(self, node: Tree | Token) -> Span:
        if isinstance(node, Token):
            return self.between(node, node)
        edges = edge_tokens(node)
        if edges is None:
            return self.source.span(0, 0)
        return self.between(*edges)

    def between(self, first: Token, last: Token) -> Span:
        """The span from the start of `first` to the end of `last`, read from the positions the
        parser gave the tokens (a large file makes about five spans a line: no lookups)."""
        return Span(self.source.path, first.line, first.column, last.end_line, last.end_column,
                    first.start_pos, last.end_pos)

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
            self.repeated(trees_of(tree, data))

    def repeated(self, lines: list[Tree]) -> None:
        """Report every line of `lines` after the first: they set the same thing."""
        for repeat in lines[1:]:
            leading = itertools.takewhile(lambda t: t.value in keywords(), all_tokens(repeat))
            word = " ".join(t.value for t in leading)
            self.report(codes.REPEATED_SETTING, repeat, f'"{word}" is given more than once here',
                        hint="keep one; okrdsl will not guess which one you meant")

    def role_lists(self, tree: Tree, data: str) -> tuple[ir.Name, ...]:
        """The roles of every `data` line under `tree` (owner, scheduled by, attendees, ...)."""
        return self.roles_of(trees_of(tree, data))

    def roles_of(self, lines: list[Tree]) -> tuple[ir.Name, ...]:
        return tuple(n for t in lines for n in self.role_names(tree_of(t, "role_list")))

    def role_names(self, tree: Tree | None) -> tuple[ir.Name, ...]:
        """The roles named by a list: ids, aliases (`E-group`), quoted aliases ("CoS to the CEO")."""
        if tree is None:
            return ()
        return tuple(self.role_name(t) for t in tree.children if isinstance(t, Token) and t.type in _ROLE_NAMES)

    def role_name(self, token: Token) -> ir.Name:
        """A role as written: a quoted name without its quotes, the span still on the quotes."""
        return ir.Name(self.shared(unquote(token) if token.type == "STRING" else token.value), self.between(token, token))

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
        return ir.Name(self.shared(token.value), self.between(token, token))

    def names(self, tree: Tree | None) -> tuple[ir.Name, ...]:
        return tuple(self.name(t) for t in tokens_of(tree, "IDENT")) if tree is not None else ()

    def text(self, token: Token) -> ir.Text:
        """Free text (the rest of a line), with its @role and #id references."""
        return ir.Text(token.value, self.refs(token.value, token.start_pos), self.between(token, token))

    def quoted_text(self, token: Token) -> ir.Text:
        """A quoted text that may hold references too (a meeting's goal)."""
        return ir.Text(unquote(token), self.refs(token.value[1:-1], token.start_pos + 1), self.between(token, token))

    def refs(self, text: str, offset: int) -> tuple[ir.Ref, ...]:
        if "@" not in text and "#" not in text:  # most texts name nothing: no regex for them
            return ()
        found = []
        for _, _, start, kind, value in _references(text):
            found.append(ir.Ref(kind, ir.Name(self.shared(value), self.source.span(offset + start, offset + start + len(value)))))
        return tuple(found)

    def link(self, tree: Tree, title: bool = True) -> ir.Link:
        token = token_of(tree, "LINK")
        written = token_of(tree, "STRING") if title else None
        return ir.Link(token.value[1:-1], unquote(written) if written else None, self.span(token))

    def notes(self, tree: Tree, kind: str = "note") -> tuple[ir.Text, ...]:
        return self.texts_of(trees_of(tree, kind))

    def texts_of(self, lines: list[Tree]) -> tuple[ir.Text, ...]:
        return tuple(self.text(token_of(t, "TEXT")) for t in lines)

    # --- the file ---

    def spec(self, tree: Tree | None, comments) -> ir.Spec:
        for child in children(tree, self.consume) if tree is not None else ():
            if isinstance(child, Tree):
                self.statement(child)
        return self.finish(comments)

    def statement(self, child: Tree) -> None:
        """Build one top-level statement (a child of the file's tree) into the spec so far;
        with `consume`, its tree is left empty."""
        fields = self._fields
        if child.data == "include":
            target = token_of(child, "STRING")
            fields["includes"].append(ir.Include(ir.Name(unquote(target), self.span(target)), self.span(child)))
        elif child.data == "roles":
            fields["roles"].extend(self.role(t) for t in trees_of(child, "role"))
        elif child.data == "process":
            self._process = self.once(self._process, self.process(child), "process header")
        elif child.data == "artifact":
            fields["artifacts"].append(self.artifact(child))
        elif child.data == "phase":
            fields["phases"].append(self.phase(child))
        elif child.data == "policy":
            self._policy = self.once(self._policy, self.policy(child), "policy block")
        elif child.data == "okrs":
            fields["okr_sets"].append(self.okr_set(child))
        if self.consume:
            child.children = []

    def finish(self, comments) -> ir.Spec:
        """The spec of the statements built, with the file's comments ((offset, text) pairs)."""
        kept = tuple(ir.Comment(text, self.source.span(start, start + len(text))) for start, text in comments)
        return ir.Spec(
            path=self.source.path,
            process=self._process,
            policy=self._policy,
            comments=kept,
            **{key: tuple(value) for key, value in self._fields.items()},
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
        aliases = [self.role_name(alias.children[0]) for group in trees_of(tree, "aliases")
                   for alias in trees_of(group, "alias")]
        self.single(tree, "handle")
        handle = next((token_of(t, "HANDLE").value for t in trees_of(tree, "handle")), None)
        return ir.Role(self.name(token_of(tree, "IDENT")), unquote(token_of(tree, "STRING")),
                       tuple(aliases), handle, self.span(tree), duties=self.notes(tree, "duty"))

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
        defaults = self.defaults
        fiscal = ir.FiscalYear(defaults.start_month, defaults.named_by)
        fiscal_tree = tree_of(tree, "fiscal_year")
        if fiscal_tree is not None:
            month = parse_month(token_of(fiscal_tree, "MONTH").value)
            naming = tree_of(fiscal_tree, "naming")
            named_by = token_of(naming, "YEAR_END").value if naming is not None else defaults.named_by
            fiscal = ir.FiscalYear(month, named_by, self.span(fiscal_tree))
        weekends = tree_of(tree, "weekends")
        weeks_start = tree_of(tree, "weeks_start")
        links = tuple(
            ir.ProcessLink(str(child.data), self.link(child))
            for child in tree.children
            if isinstance(child, Tree) and child.data in ("learnings", "feedback", "video", "link")
        )
        return ir.Process(
            title=unquote(token_of(tree, "STRING")),
            quarter=self.quarter(token_of(tree, "QUARTER")),
            fiscal_year=fiscal,
            weekends=token_of(weekends, "WEEKEND_RULE").value if weekends is not None else "keep",
            weeks_start=weekday_named(token_of(weeks_start, "WEEKDAY").value) if weeks_start is not None else defaults.weeks_start,
            links=links,
            intro=self.notes(tree, "intro"),
            notes=self.notes(tree),
            span=self.span(tree),
        )

    def artifact(self, tree: Tree) -> ir.Artifact:
        ident, kind = tokens_of(tree, "IDENT")
        self.one_of(kind, ir.ARTIFACT_KINDS, codes.UNKNOWN_KIND, "a kind of artifact")
        link = self.link(tree, title=False) if token_of(tree, "LINK") else None
        known = kind.value if kind.value in ir.ARTIFACT_KINDS else None
        return ir.Artifact(self.name(ident), known, unquote(token_of(tree, "STRING")), link, self.span(tree))

    # --- phases ---

    def phase(self, tree: Tree) -> ir.Phase:
        phase_id = self.name(token_of(tree, "IDENT"))
        # what is read of the phase's own lines comes first: the items may be let go of as built
        title, intro, notes, span = unquote(token_of(tree, "STRING")), self.notes(tree, "intro"), self.notes(tree), self.span(tree)
        build = {"step": self.step, "meeting": self.meeting, "cadence": self.cadence, "permission": self.permission}
        items = [build[child.data](child) for child in children(tree, self.consume)
                 if isinstance(child, Tree) and child.data in build]
        keys = derive_keys(phase_id.value, items)  # from each item's content, not its place: see okrdsl.ids
        for item, key in zip(items, keys):
            if item.key != key:
                # Each item was made just above and is this builder's alone until the phase is
                # made: its key is set in place, as attrs' own __init__ sets a frozen field
                # (attrs.evolve, a copy per item, was a tenth of building a large phase).
                object.__setattr__(item, "key", key)
        return ir.Phase(phase_id, title, intro, notes, tuple(items), span)

    def work(self, tree: Tree, kinds: dict[str, list] | None = None) -> dict:
        """What steps, cadences and tasks share: actors, text, sub-steps, notes, led by. `kinds`:
        the tree's by_kind(), where the caller has it (one pass over the children, as a large
        file has thousands of these)."""
        kinds = by_kind(tree) if kinds is None else kinds
        passive = first(kinds, "STRING")  # `at -2w: "OKRs are put into GitLab"`: no actor
        return {
            "actors": self.role_names(first(kinds, "actors")),
            "text": self.quoted_text(passive) if passive is not None else self.text(first(kinds, "TEXT")),
            "tasks": tuple(self.task(t) for t in kinds.get("task", ())),
            "notes": self.texts_of(kinds.get("note", ())),
            "led_by": self.roles_of(kinds.get("led_by", ())),
        }

    def task(self, tree: Tree) -> ir.Task:
        return ir.Task(span=self.span(tree), **self.work(tree))

    def item_id(self, tree: Tree) -> ir.Name | None:
        return self.id_of(tree_of(tree, "item_id"))

    def id_of(self, found: Tree | None) -> ir.Name | None:
        """The id an `item_id` subtree (`as ID`) gives, if any."""
        return self.reserved(self.name(token_of(found, "IDENT"))) if found is not None else None

    def reserved(self, name: ir.Name) -> ir.Name:
        """An item's id, reported (OKR028) when it is a word that times use, which no time could name."""
        if name.value.lower() in TIME_WORDS:
            self.diagnostics.append(Diagnostic(
                codes.RESERVED_ID.id, codes.RESERVED_ID.severity,
                f'"{name.value}" cannot be an id: in a time, {name.value.lower()} means '
                f"{TIME_WORDS[name.value.lower()]}", name.span, hint=f"choose another id, such as {name.value}_step"))
        return name

    def after(self, tree: Tree) -> tuple[ir.Name, ...]:
        return self.names(tree_of(tree, "after"))

    def step(self, tree: Tree) -> ir.Step:
        when_tree = tree.children[0]
        when = self.when(when_tree) if when_tree.data in WHEN_KINDS else ir.Following(self.span(when_tree))
        kinds = by_kind(tree)
        return ir.Step(key="", when=when, id=self.id_of(first(kinds, "item_id")), after=self.names(first(kinds, "after")),
                       span=self.span(tree), **self.work(tree, kinds))

    def meeting(self, tree: Tree) -> ir.Meeting:
        self.single(tree, "goal", "agenda", "fallback", "length")
        when_tree = next((c for c in tree.children if isinstance(c, Tree) and c.data in WHEN_KINDS), None)
        recurrence = tree_of(tree, "recurrence")
        goal = tree_of(tree, "goal")
        agenda = tree_of(tree, "agenda")
        fallback = tree_of(tree, "fallback")
        length = tree_of(tree, "length")
        meeting_id = self.reserved(self.name(token_of(tree, "IDENT")))
        return ir.Meeting(
            key=meeting_id.value,
            id=meeting_id,
            title=unquote(token_of(tree, "STRING")),
            when=(self.when(when_tree) if when_tree is not None
                  else self.recurrence(recurrence) if recurrence is not None else None),
            after=self.after(tree),
            goal=self.quoted_text(token_of(goal, "STRING")) if goal is not None else None,
            agenda=self.link(agenda) if agenda is not None else None,
            scheduled_by=self.role_lists(tree, "scheduled_by"),
            attendees=self.role_lists(tree, "attendees"),
            fallback=self.task(fallback) if fallback is not None else None,
            notes=self.notes(tree),
            span=self.span(tree),
            length_minutes=self.length(token_of(length, "LENGTH")) if length is not None else None,
        )

    def length(self, token: Token) -> int | None:
        """A meeting's length in minutes (`1h30m` is 90); None, reported, outside 1 minute to MAX_MEETING_MINUTES."""
        hours, minutes = _LENGTH.match(token.value).groups()
        hint = f"a meeting lasts from 1m to {MAX_MEETING_MINUTES // 60}h"
        if any(self.number(token, *m.span(), hint=hint) is None for m in re.finditer(r"\d+", token.value)):
            return None
        total = (int(hours) * 60 if hours else 0) + (int(minutes) if minutes else 0)
        if not 1 <= total <= MAX_MEETING_MINUTES:
            self.report(codes.OUT_OF_RANGE, token, f'a meeting cannot last "{token.value}"', hint=hint)
            return None
        return total

    def cadence(self, tree: Tree) -> ir.Cadence:
        recurrence = self.recurrence(tree_of(tree, "recurrence"))
        given = self.item_id(tree)
        head = [t for t in itertools.takewhile(lambda t: t.type != "COLON", all_tokens(tree))]
        return ir.Cadence(
            head=self.between(head[0], head[-1]),
            key="", every=recurrence.every, unit=recurrence.unit, id=given,
            start=recurrence.start, until=recurrence.until, on=recurrence.on,
            span=self.span(tree), **self.work(tree),
        )

    def permission(self, tree: Tree) -> ir.Permission:
        return ir.Permission(
            key="",
            actors=self.role_names(tree_of(tree, "actors")),
            text=self.text(token_of(tree, "TEXT")),
            approvals=tuple(self.approval(t) for t in trees_of(tree, "approval")),
            notes=self.notes(tree),
            span=self.span(tree),
            id=self.item_id(tree),
        )

    def approval(self, tree: Tree) -> ir.Approval:
        """`approval from A or B, then C and D`: stages split at `then`; in a stage, `or` means any
        one, `and` or a comma all. A stage that mixes them is reported (OKR030) and read as all."""
        stages, current = [], []
        for token in list(tree.children[2:]) + [None]:
            if token is None or isinstance(token, Token) and token.type == "THEN":
                if current and current[-1].type == "COMMA":
                    current.pop()  # the comma of ", then"
                stages.append(self.approval_stage(current))
                current = []
            elif isinstance(token, Token) and token.type != "_NL":
                current.append(token)
        return ir.Approval(tuple(stages), self.span(tree))

    def approval_stage(self, tokens: list[Token]) -> ir.ApprovalStage:
        roles = [t for t in tokens if t.type in _ROLE_NAMES]
        joins = [t for t in tokens if t.type not in _ROLE_NAMES]
        any_one = [t for t in joins if t.type == "OR"]
        every = [t for t in joins if t.type != "OR"]
        if any_one and every:
            words = " ".join(t.value for t in tokens)
            self.diagnostics.append(Diagnostic(
                codes.MIXED_APPROVAL.id, codes.MIXED_APPROVAL.severity,
                f'"{words}" mixes "or" with "and" or a comma, so it is unclear who must approve',
                self.between(tokens[0], tokens[-1]),
                hint='use "or" for any one of them, "and" or commas for all of them, '
                     'and ", then" to ask one group after another'))
        span = self.between(tokens[0], tokens[-1]) if tokens else None
        return ir.ApprovalStage("any" if any_one and not every else "all",
                                tuple(self.role_name(t) for t in roles), span)

