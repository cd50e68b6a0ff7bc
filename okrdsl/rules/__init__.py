"""Stage 4, rules: checks over a loaded workspace, each with a stable code.

A rule is a generator `rule(context)` yielding `Finding`s, registered with
`@rule("OKR123", "short-name", Severity.ERROR)`. Its docstring is its
documentation: a summary line, an explanation, then a `Bad:` and a `Good:`
example (indented .okrp text). In the bad example, a comment `# OKR123`
marks the line the finding must be on; tests run both examples, and
docs/rules.md is generated from them. A rule registered with `opt_in=True`
runs only when `--select` names its code, a prefix of it or its name.

Rules run only on files that were read in full (no error of codes.BLOCKING);
a value error such as an unknown artifact kind leaves a None or an unknown
word in the IR, which rules must tolerate.
Codes never change once released.
"""

from __future__ import annotations

import functools
import importlib
from typing import Callable, Iterable, Iterator

import attrs

from okrdsl import codes, ir
from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.limits import MAX_SUGGESTION_WORK
from okrdsl.records import define, frozen
from okrdsl.resolve import Workspace
from okrdsl.source import Span
from okrdsl.symbols import Scope, scope_of
from okrdsl.words import did_you_mean


@frozen
class Finding:
    """What a rule yields: the code is added by the registry."""

    span: Span
    message: str
    hint: str | None = None


@frozen
class File:
    """A file that loaded without errors. `visible` is what it sees in reading order (its
    includes, then itself). `complete` is false when something it includes is missing or
    broken: its scope then lacks names, so "not declared" would mislead. `items` are the
    spec's steps, meetings, cadences and permissions (ir.Spec.items), listed once: most
    rules walk them all."""

    path: str
    spec: ir.Spec
    scope: Scope
    complete: bool = True
    visible: tuple[ir.Spec, ...] = ()
    items: tuple[ir.Item, ...] = ()


@define
class Context:
    workspace: Workspace
    _cache: dict = attrs.Factory(dict)
    _suggestion_work: int = MAX_SUGGESTION_WORK

    def files(self) -> Iterator[File]:
        """The files that loaded without errors, each with its scope."""
        for path, loaded in self.workspace.files.items():
            if any(codes.is_blocking(d) for d in loaded.diagnostics):
                continue
            if path not in self._cache:
                visible = tuple(self.workspace.visible(path))
                self._cache[path] = File(path, loaded.spec, scope_of(list(visible)), self._complete(path), visible,
                                         tuple(loaded.spec.items()))
            yield self._cache[path]

    def _complete(self, path: str) -> bool:
        """Whether every file `path` includes, directly or not, loaded without errors."""
        seen, stack = set(), [path]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            loaded = self.workspace.files.get(current)
            if loaded is None or any(codes.is_blocking(d) for d in loaded.diagnostics):
                return False
            included = self.workspace.includes_of(current)
            if len(included) < len(loaded.spec.includes):
                return False
            stack.extend(included)
        return True

    def suggest(self, word: str, choices) -> str | None:
        """'did you mean "PM"?' for the closest of `choices`, while the check's budget of
        comparisons (limits.MAX_SUGGESTION_WORK) lasts; None after, and the rule gives its
        general hint. Without it, N unknown names among N declared ones cost N * N."""
        if len(choices) > self._suggestion_work:
            return None
        self._suggestion_work -= len(choices)
        return did_you_mean(word, choices)

    def names(self, file: File, found: Callable[[ir.Spec], Iterable[ir.Name]]) -> tuple[ir.Name, ...]:
        """`found(file.spec)` (symbols.role_references, text_references, ...), walked once per
        check: several rules ask the same of every item of a file."""
        return self.memo((found, file.path), lambda: tuple(found(file.spec)))

    def memo(self, key, compute):
        """A per-check cache for work several rules share (such as a file's schedule)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


Rule = Callable[[Context], Iterable[Finding]]

# Each rule by its code: (severity, opt-in, short name, the function). Its Code, with the texts
# read from the docstring, is made only when asked for (all_codes): a check needs none of them.
RULES: dict[str, tuple[Severity, bool, str, Rule]] = {}
_MODULES = ("references", "time", "recurring", "okrs", "alignment", "scores", "hygiene")


def parse_docstring(doc: str) -> tuple[str, str, str, str]:
    """(summary, explanation, bad example, good example) of a rule's docstring."""
    import inspect  # here, with textwrap: only the texts of a code need them
    import textwrap

    text = inspect.cleandoc(doc)
    head, _, rest = text.partition("\nBad:\n")
    bad, _, good = rest.partition("\nGood:\n")
    summary, _, explanation = head.partition("\n")
    return (summary.strip(), " ".join(explanation.split()),
            textwrap.dedent(bad).strip("\n") + "\n", textwrap.dedent(good).strip("\n") + "\n")


def rule(code_id: str, name: str, severity: Severity, opt_in: bool = False):
    def decorate(function: Rule) -> Rule:
        if code_id in RULES or code_id in codes.CODES:
            raise ValueError(f"code {code_id} is registered twice")
        RULES[code_id] = (severity, opt_in, name, function)
        return function

    return decorate


def _load_rules() -> None:
    for module in _MODULES:
        importlib.import_module(f"okrdsl.rules.{module}")


def all_codes() -> dict[str, codes.Code]:
    """Every code okrdsl can report, from the stages and the rules, by id."""
    _load_rules()
    found = dict(codes.CODES)
    found.update({code_id: _code(code_id) for code_id in RULES})
    return dict(sorted(found.items()))


def code_names() -> dict[str, str]:
    """Every code's short name by its id (what a suppression may name), without reading the
    rules' docstrings as all_codes does."""
    _load_rules()
    names = {code_id: code.name for code_id, code in codes.CODES.items()}
    names.update({code_id: name for code_id, (_, _, name, _) in RULES.items()})
    return names


@functools.cache
def _code(code_id: str) -> codes.Code:
    """A rule's Code, its texts read from the rule's docstring."""
    severity, opt_in, name, function = RULES[code_id]
    summary, explanation, bad, good = parse_docstring(function.__doc__ or "")
    return codes.Code(code_id, name, severity, summary, explanation, bad, good, opt_in)


def run_rules(workspace: Workspace, select: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Every finding of the rules; an opt-in rule runs only when a prefix in `select` matches its code."""
    _load_rules()
    context = Context(workspace)
    found: list[Diagnostic] = []
    for code_id, (severity, opt_in, _, function) in RULES.items():
        if opt_in and not any(code_id.startswith(prefix) for prefix in select):
            continue
        for finding in function(context):
            found.append(Diagnostic(code_id, severity, finding.message, finding.span, finding.hint))
    return found
