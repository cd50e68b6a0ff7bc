"""The whole check: discover files, load them with their includes, run the rules."""

from __future__ import annotations

import attrs

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic
from okrdsl.files import discover
from okrdsl.resolve import Workspace, load_workspace
from okrdsl.rules import run_rules


@attrs.frozen
class CheckResult:
    workspace: Workspace
    diagnostics: tuple[Diagnostic, ...]

    @property
    def file_count(self) -> int:
        return self.workspace.file_count


def check(paths, select=(), ignore=()) -> CheckResult:
    """Check files and folders (folders are searched for *.okrp); every finding is a diagnostic.

    `select` keeps only codes starting with one of its prefixes; `ignore`
    drops codes starting with one of its prefixes. Neither hides an error that
    kept a file from being read (unreadable, a syntax error, a missing
    include): with it hidden, the check would pass without checking the file.
    """
    files, problems = discover(paths)
    workspace = load_workspace(files)
    workspace.diagnostics.extend(problems)
    found = workspace.all_diagnostics() + run_rules(workspace)
    kept = [d for d in found if codes.is_blocking(d) or _selected(d.code, select, ignore)]
    return CheckResult(workspace, tuple(sorted(set(kept), key=Diagnostic.sort_key)))


def _selected(code: str, select, ignore) -> bool:
    if select and not any(code.startswith(prefix) for prefix in select):
        return False
    return not any(code.startswith(prefix) for prefix in ignore)
