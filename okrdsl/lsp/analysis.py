"""What the language server knows about one open file, from one check of its text.

`analyse(path, text, unsaved)` runs `okrdsl.check.check_text` (so the editor sees
exactly what `okrdsl check` reports, with everything `check` applies) and keeps
the result. The rest is worked out from it when first asked, so a keystroke
costs only the check: the names written in the file and what they stand for
(okrdsl.symbols' scopes and reference walks, across includes), the dates of its
items (okrdsl.schedule), and its outline. Positions here are okrdsl's: 0-based
code-point offsets and `Span`s; okrdsl.lsp.server turns them into the editor's.
Nothing here needs pygls.
"""

from __future__ import annotations

import bisect
import functools
import os
from typing import Iterator

import attrs

from okrdsl import ir
from okrdsl.check import CheckResult, check_text
from okrdsl.diagnostics import Diagnostic
from okrdsl.records import frozen
from okrdsl.resolve import include_path
from okrdsl.source import Source, Span
from okrdsl.symbols import Declared, Scope, role_references, scope_of, text_references, timing_references


@frozen
class Symbol:
    """Something declared: a role, an artifact, an item with an id, a phase, an objective or a
    key result. `span` is its name where it is declared; two symbols are the same declaration
    when their spans start at the same place of the same file."""

    kind: str
    name: str
    span: Span
    node: object = attrs.field(eq=False, repr=False)

    @property
    def identity(self) -> tuple[str, int]:
        return self.span.path, self.span.start


@frozen
class Occurrence:
    """A name written in a file: where, what it stands for (None when nothing declares it),
    and whether this is the declaration itself (a role's id or one of its aliases)."""

    span: Span
    symbol: Symbol | None
    declaration: bool = False


@frozen
class Shown:
    """A diagnostic as the open file shows it: on its own span, or, for a finding in a file it
    includes, on the include line that brings that file in (`span`), with the finding's own
    place in `origin`."""

    diagnostic: Diagnostic
    span: Span
    message: str
    origin: Span | None = None


@frozen
class Outline:
    """One entry of the outline view: a phase, an item, an OKR set, an objective, a key result."""

    name: str
    kind: str
    detail: str
    span: Span
    selection: Span
    children: tuple["Outline", ...] = ()


def analyse(path: str, text: str, unsaved: dict[str, str] | None = None, version: int | None = None) -> "Analysis":
    """Check `text` as the file at `path`, with other files' unsaved text read instead of the disk."""
    return Analysis(os.path.normpath(path), version, check_text(path, text, unsaved=unsaved), text)


class Analysis:
    """One check of one open file, and what follows from it."""

    def __init__(self, key: str, version: int | None, result: CheckResult, text: str | None = None) -> None:
        self.key = key
        self.version = version
        self.text = text  # as the editor has it; None for a file read from disk
        self.result = result
        self.workspace = result.workspace
        loaded = self.workspace.files.get(key)
        self.spec: ir.Spec = loaded.spec if loaded is not None else ir.Spec(path=key)
        self.source: Source | None = self.workspace.sources.get(key)

    # --- diagnostics ------------------------------------------------------------------------

    @functools.cached_property
    def shown(self) -> tuple[Shown, ...]:
        """Every finding of the check that this file should show, in order."""
        shown = []
        for diagnostic in self.result.diagnostics:
            if diagnostic.path == self.key:
                shown.append(Shown(diagnostic, diagnostic.span, diagnostic.message))
                continue
            include = self._include_bringing(diagnostic.path)
            if include is not None:
                where = diagnostic.span
                written = os.path.relpath(where.path, os.path.dirname(self.key))
                shown.append(Shown(diagnostic, include.target.span,
                                   f"{written}:{where.line}:{where.column}: {diagnostic.message}", where))
        return tuple(shown)

    def _include_bringing(self, path: str) -> ir.Include | None:
        """The include of this file that brings in `path`, directly or through its own includes."""
        for include in self.spec.includes:
            target = self.workspace.key(include_path(self.key, include.path))
            if target == path or any(spec.path == path for spec in self.workspace.visible(target)):
                return include
        return None

    @property
    def files(self) -> frozenset[str]:
        """Every file the check read: this one and what it includes."""
        return frozenset(os.path.realpath(path) for path in self.workspace.files)

    # --- names and what they stand for ---------------------------------------------------------

    @functools.cached_property
    def occurrences(self) -> tuple[Occurrence, ...]:
        """Every name written in this file and the files it includes, by file and place."""
        found: list[Occurrence] = []
        for spec in self.workspace.visible(self.key):
            found.extend(occurrences(spec, scope_of(self.workspace.visible(spec.path))))
        return tuple(sorted(found, key=lambda o: (o.span.path, o.span.start)))

    @functools.cached_property
    def _own(self) -> tuple[list[int], list[Occurrence]]:
        own = [o for o in self.occurrences if o.span.path == self.key]
        return [o.span.start for o in own], own

    def at(self, offset: int) -> Occurrence | None:
        """The name written at `offset` in this file (its last character counts too, so that a
        cursor just after a word still finds it)."""
        starts, own = self._own
        index = bisect.bisect_right(starts, offset) - 1
        while index >= 0 and offset - own[index].span.start < 1000:
            if own[index].span.start <= offset <= own[index].span.end:
                return own[index]
            index -= 1
        return None

    def definition(self, offset: int) -> Span | None:
        found = self.at(offset)
        return found.symbol.span if found is not None and found.symbol is not None else None

    def references(self, offset: int, with_declaration: bool = True, others=()) -> list[Span]:
        """Where the name at `offset` is written, here and in what this file includes, and in
        the `others` analyses (other open files, files beside it)."""
        found = self.at(offset)
        if found is None or found.symbol is None:
            return []
        wanted = found.symbol.identity
        spans: dict[tuple[str, int], Span] = {}
        for analysis in (self, *others):
            for occurrence in analysis.occurrences:
                if occurrence.symbol is not None and occurrence.symbol.identity == wanted and (
                        with_declaration or not occurrence.declaration):
                    spans.setdefault((occurrence.span.path, occurrence.span.start), occurrence.span)
        return sorted(spans.values(), key=lambda s: (s.path, s.start))

    @functools.cached_property
    def scope(self) -> Scope:
        return scope_of(self.workspace.visible(self.key))

    # --- dates ----------------------------------------------------------------------------

    @functools.cached_property
    def dates(self):
        """The schedule of this file's items by item key, when its quarter is known; {} otherwise
        (and for a file whose times cannot be dated yet, as it is being typed)."""
        from okrdsl.dates import quarter_for
        from okrdsl.schedule import schedule_spec

        if self.spec.process is None or quarter_for(self.spec) is None:
            return None, {}
        try:
            schedule = schedule_spec(self.spec)
        except Exception:  # noqa: BLE001 - a half-typed spec must not take the editor's hover down
            return None, {}
        entries: dict[str, list] = {}
        for entry in schedule.entries:
            entries.setdefault(entry.item.key, []).append(entry)
        return schedule, entries

    def item_at(self, offset: int) -> ir.Item | None:
        """The item (step, meeting, cadence, permission) whose lines hold `offset`."""
        for phase in self.spec.phases:
            for item in phase.items:
                if item.span is not None and item.span.start <= offset <= item.span.end:
                    return item
        return None

    # --- the outline -------------------------------------------------------------------------

    def outline(self) -> list[Outline]:
        if self.source is None:
            return []
        found = []
        for phase in self.spec.phases:
            children = tuple(self._item_outline(item) for item in phase.items if item.span is not None)
            found.append(Outline(phase.id.value, "phase", phase.title, phase.span, phase.id.span, children))
        for okr_set in self.spec.okr_sets:
            objectives = []
            for objective in okr_set.objectives:
                key_results = tuple(Outline(kr.id.value, "key result", kr.title, kr.span, kr.id.span)
                                    for kr in objective.key_results)
                objectives.append(Outline(objective.id.value, "objective", objective.title, objective.span,
                                          objective.id.span, key_results))
            name = f"okrs for {okr_set.quarter.text}" if okr_set.quarter is not None else "okrs"
            first = self.source.span(okr_set.span.start, self._line_end(okr_set.span.start))
            found.append(Outline(name, "okrs", "", okr_set.span, first, tuple(objectives)))
        return found

    def _item_outline(self, item: ir.Item) -> Outline:
        from okrdsl.schedule import actors_of, text_of, written_time

        head = self.source.span(item.span.start, self._line_end(item.span.start))
        said = " ".join((", ".join(actors_of(item)), text_of(item))).strip()
        name = item.id.value if item.id is not None else _cut(said, 60)
        detail = written_time(item)
        if item.id is not None and not isinstance(item, ir.Meeting):
            detail = f"{detail}: {_cut(said, 60)}" if detail else _cut(said, 60)
        elif isinstance(item, ir.Meeting):
            detail = f"{item.title} {detail}".strip()
        return Outline(name, item.kind, detail, item.span, item.id.span if item.id is not None else head)

    def _line_end(self, offset: int) -> int:
        end = self.source.text.find("\n", offset)
        return len(self.source.text) if end < 0 else end


def occurrences(spec: ir.Spec, scope: Scope) -> Iterator[Occurrence]:
    """Every name a spec declares or refers to, with what it stands for in `scope` (the scope
    of that spec: what it includes, then itself)."""
    for role in spec.roles:
        symbol = Symbol("role", role.id.value, role.id.span, role)
        yield Occurrence(role.id.span, symbol, True)
        for alias in role.aliases:
            if alias.span is not None:
                yield Occurrence(alias.span, symbol, True)
    for artifact in spec.artifacts:
        yield Occurrence(artifact.id.span, _symbol(Declared("artifact", artifact.id, artifact)), True)
    for item in spec.items():
        if item.id is not None and item.id.span is not None:
            yield Occurrence(item.id.span, _symbol(Declared(item.kind, item.id, item)), True)
    objectives: dict[str, Symbol] = {}
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            symbol = Symbol("objective", objective.id.value, objective.id.span, objective)
            objectives.setdefault(objective.id.value, symbol)
            yield Occurrence(objective.id.span, symbol, True)
            for key_result in objective.key_results:
                yield Occurrence(key_result.id.span, Symbol("key result", key_result.id.value, key_result.id.span,
                                                            key_result), True)
    for name in role_references(spec):
        if name.span is not None:
            yield Occurrence(name.span, _symbol(scope.role(name.value)))
    referable = scope.referable()
    for name in text_references(spec):
        if name.span is not None:
            yield Occurrence(name.span, _symbol(referable.get(name.value)))
    for name in timing_references(spec):
        if name.span is not None:
            yield Occurrence(name.span, _symbol(scope.items.get(name.value)))
    for okr_set in spec.okr_sets:
        for objective in okr_set.objectives:
            if objective.aligns is not None and objective.aligns.span is not None:
                yield Occurrence(objective.aligns.span, objectives.get(objective.aligns.value))


def _symbol(declared: Declared | None) -> Symbol | None:
    if declared is None or declared.name.span is None:
        return None
    return Symbol(declared.kind, declared.name.value, declared.name.span, declared.node)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."
