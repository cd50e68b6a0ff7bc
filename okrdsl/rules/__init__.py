"""Stage 4, rules: checks over a loaded workspace, each with a stable code.

A rule is a function `rule(context) -> Iterable[Diagnostic]` registered with
`@register(Code(...))`. Its Code carries the documentation (`okrdsl explain`).
Rules run only on files that parsed without syntax errors, so they may assume
a complete IR.
"""

from __future__ import annotations

from typing import Callable, Iterable

import attrs

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.resolve import Workspace

Rule = Callable[[Workspace], Iterable[Diagnostic]]

RULES: dict[str, tuple[codes.Code, Rule]] = {}


def register(code: codes.Code):
    def decorate(function: Rule) -> Rule:
        if code.id in RULES or code.id in codes.CODES:
            raise ValueError(f"code {code.id} is registered twice")
        RULES[code.id] = (code, function)
        return function

    return decorate


def all_codes() -> dict[str, codes.Code]:
    """Every code okrdsl can report, from the stages and the rules, by id."""
    found = dict(codes.CODES)
    found.update({code_id: code for code_id, (code, _) in RULES.items()})
    return dict(sorted(found.items()))


def run_rules(workspace: Workspace) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for code, rule in RULES.values():
        for diagnostic in rule(workspace):
            if diagnostic.code != code.id:
                diagnostic = attrs.evolve(diagnostic, code=code.id)
            found.append(diagnostic)
    return found


def error_free(workspace: Workspace):
    """The loaded files whose syntax is clean, as (path, spec) pairs."""
    for path, loaded in workspace.files.items():
        if not any(d.severity is Severity.ERROR and d.code < "OKR100" for d in loaded.diagnostics):
            yield path, loaded.spec
