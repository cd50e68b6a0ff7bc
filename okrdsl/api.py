"""The Python API, in the style of the json module: `loads(text)` and `load(path)`."""

from __future__ import annotations

from typing import NamedTuple

from okrdsl import codes, ir
from okrdsl.build import build, builder
from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.files import read_source
from okrdsl.parse import parse
from okrdsl.source import Source, normalise_newlines
from okrdsl.tree import Tree


class Loaded(NamedTuple):
    """One file's IR and the diagnostics met while reading, parsing and building it."""

    spec: ir.Spec
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def load_source(source: Source, calendar: ir.CalendarDefaults = ir.CalendarDefaults()) -> Loaded:
    """Parse and build one file's text; `calendar` is what its process uses where it does not say.

    Each statement is built as soon as it is parsed and its tree let go of, so a large file's
    whole tree never exists (its peak memory is the IR's, not the tree's). When the parse
    meets a syntax error, what was built is thrown away and the tree that parse returns, with
    the error's line blanked out, is built instead: the diagnostics are the same either way."""
    streaming = builder(source, calendar)
    parsed = parse(source, calendar, on_statement=streaming.statement)
    # the statements' trees stay in the file's tree (emptied, when streamed)
    empty = parsed.tree is not None and not any(isinstance(c, Tree) for c in parsed.tree.children)
    if parsed.streamed:
        spec, built = streaming.finish(parsed.comments), streaming.diagnostics
    else:  # what was streamed is void; the tree is this function's alone: build lets go of it
        del streaming
        spec, built = build(source, parsed.tree, parsed.comments, calendar, consume=True)
    diagnostics = list(parsed.diagnostics) + built
    if empty and not parsed.diagnostics:
        diagnostics.append(Diagnostic(
            codes.EMPTY_FILE.id, codes.EMPTY_FILE.severity,
            f"{source.path} is empty: there is nothing to check",
            source.span(0, 0),
            hint="start with include, roles, process, phase or okrs",
        ))
    return Loaded(spec, tuple(sorted(diagnostics, key=Diagnostic.sort_key)))


def loads(text: str, path: str = "<string>") -> Loaded:
    """Parse and build `text` (includes are not followed)."""
    return load_source(Source(path, normalise_newlines(text)))


def load(path) -> Loaded:
    """Read, parse and build the file at `path` (includes are not followed; see okrdsl.resolve)."""
    source, problems = read_source(str(path))
    if source is None:
        return Loaded(ir.Spec(path=str(path)), tuple(problems))
    return load_source(source)
