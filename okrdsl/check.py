"""The whole check: discover files, load them with their includes, run the rules."""

from __future__ import annotations

import os

import attrs

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic, Severity, UsageProblem
from okrdsl.files import discover
from okrdsl.resolve import Workspace, load_workspace
from okrdsl.rules import run_rules
from okrdsl.rules.catalogue import resolve_codes
from okrdsl.dates import quarter_for
from okrdsl.link import Linked, link
from okrdsl.schedule import Schedule, schedule_spec
from okrdsl.scoring import Scoring, scoring
from okrdsl.symbols import scope_of


@attrs.frozen
class CheckResult:
    workspace: Workspace
    diagnostics: tuple[Diagnostic, ...]

    @property
    def file_count(self) -> int:
        return self.workspace.file_count


def check(paths, select=(), ignore=(), root: str | None = None, unsaved: dict[str, str] | None = None) -> CheckResult:
    """Check files and folders (folders are searched for *.okrp); every finding is a diagnostic.

    `select` keeps only codes starting with one of its prefixes, and turns on
    the opt-in rules it names (codes.Code.opt_in); `ignore`
    drops codes starting with one of its prefixes. Both take codes, prefixes
    or rule names (a ValueError names one that matches nothing). `root` is the
    project folder that files and their includes must stay in (by default, each
    path's own project: see okrdsl.files.project_root). Neither
    hides an error that kept a file from being read (codes.BLOCKING): with it
    hidden, the check would pass without checking the file. `unsaved` maps
    paths to text that is read instead of what is on disk (an editor's buffers).
    """
    select, ignore = resolve_codes(select), resolve_codes(ignore)
    overlay = {os.path.realpath(path): text for path, text in (unsaved or {}).items()}
    files, problems = discover(paths, root, overlay)
    workspace = load_workspace(files, Workspace(unsaved=overlay))
    workspace.diagnostics.extend(problems)
    found = workspace.all_diagnostics() + run_rules(workspace, select)
    kept = [d for d in found if codes.is_blocking(d) or _selected(d.code, select, ignore)]
    return CheckResult(workspace, tuple(sorted(set(kept), key=Diagnostic.sort_key)))


def check_text(path: str, text: str, select=(), ignore=(), root: str | None = None,
               unsaved: dict[str, str] | None = None) -> CheckResult:
    """Check `text` as the file at `path` would be checked (its includes, the rules, and
    everything `check` applies), without reading `path` from disk: what an editor shows
    for a buffer as it is typed. `unsaved` gives other files' unsaved text by path."""
    return check([path], select, ignore, root, {**(unsaved or {}), path: text})


def _selected(code: str, select, ignore) -> bool:
    if select and not any(code.startswith(prefix) for prefix in select):
        return False
    return not any(code.startswith(prefix) for prefix in ignore)


@attrs.frozen
class Scheduled:
    """What `okrdsl schedule` shows: the schedule (None when the spec could not be read in
    full), and the errors that check finds in the spec and what it includes."""

    schedule: Schedule | None
    errors: tuple[Diagnostic, ...]
    sources: dict


def schedule_file(path: str, quarter: str | None = None, start_month: int | None = None,
                  named_by: str | None = None, root: str | None = None) -> Scheduled:
    """Check one spec, then schedule it. A UsageProblem says why a quarter cannot be used."""
    checked = check([path], root=root)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    loaded = checked.workspace.files.get(checked.workspace.key(path))
    if loaded is None or any(codes.is_blocking(d) and d.path == loaded.spec.path for d in errors):
        return Scheduled(None, errors, checked.workspace.sources)
    if quarter is None and quarter_for(loaded.spec) is None and any(d.path == loaded.spec.path for d in errors):
        return Scheduled(None, errors, checked.workspace.sources)  # its quarter is written, but wrong
    return Scheduled(schedule_spec(loaded.spec, quarter, start_month, named_by), errors, checked.workspace.sources)


@attrs.frozen
class Standing:
    """What `okrdsl status` shows: the file's OKR sets (None when the file could not be read in
    full), the scoring its policy sets, and the errors check finds in it and what it includes."""

    okr_sets: tuple | None
    scoring: Scoring
    errors: tuple[Diagnostic, ...]
    sources: dict


def status_file(path: str, root: str | None = None) -> Standing:
    """Check one spec, then read its OKR sets. A UsageProblem says the file has none."""
    checked = check([path], root=root)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    key = checked.workspace.key(path)
    loaded = checked.workspace.files.get(key)
    if loaded is None or any(codes.is_blocking(d) and d.path == loaded.spec.path for d in errors):
        return Standing(None, scoring(None), errors, checked.workspace.sources)
    if not loaded.spec.okr_sets:
        raise UsageProblem(f"{path} has no OKR set: name a file with an `okrs for QUARTER` block")
    policy = scope_of(checked.workspace.visible(key)).policy
    return Standing(loaded.spec.okr_sets, scoring(policy), errors, checked.workspace.sources)


@attrs.frozen
class Compiled:
    """What `okrdsl compile` works from: the linked spec (None when it has errors, which are
    not compiled), and everything check found in it and what it includes, warnings too."""

    linked: Linked | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict


def compile_file(path: str, quarter: str | None = None, root: str | None = None) -> Compiled:
    """Check one spec and link it, with its schedule when a quarter is known (its own, or
    `quarter`). A UsageProblem says why `quarter` cannot be used."""
    checked = check([path], root=root)
    key = checked.workspace.key(path)
    loaded = checked.workspace.files.get(key)
    if loaded is None or any(d.severity is Severity.ERROR for d in checked.diagnostics):
        return Compiled(None, checked.diagnostics, checked.workspace.sources)
    visible = checked.workspace.visible(key)
    known = quarter is not None or quarter_for(loaded.spec) is not None
    schedule = schedule_spec(loaded.spec, quarter) if known and loaded.spec.process is not None else None
    if quarter is not None and schedule is None:
        raise UsageProblem(f"{path} has no process to date: --quarter dates a process's steps and meetings")
    return Compiled(link(visible, schedule), checked.diagnostics, checked.workspace.sources)
