"""The whole check: discover files, load them with their includes, run the rules."""

from __future__ import annotations

import functools
import io
import os
import typing

import attrs

from okrdsl import codes
from okrdsl.config import Config, Settings
from okrdsl.diagnostics import Diagnostic, Severity, UsageProblem
from okrdsl.files import SUFFIX, discover, project_root, read_stream, source_of_text
from okrdsl.ignores import gitignored, matches, tracked
from okrdsl.records import frozen
from okrdsl.source import Span

if typing.TYPE_CHECKING:
    from okrdsl.link import Linked
    from okrdsl.resolve import Workspace
    from okrdsl.schedule import Schedule
    from okrdsl.scoring import Scoring

# The parser, the builder and the rules are imported where they are used: a check whose
# every file is in the result cache (okrdsl.cache) needs none of them.


def resolve_codes(words) -> tuple[str, ...]:
    """okrdsl.rules.catalogue.resolve_codes, which loads every rule: only when there are codes."""
    words = tuple(words)
    if not any(str(word).strip() for word in words):
        return ()
    from okrdsl.rules.catalogue import resolve_codes as resolve

    return resolve(words)


def load_workspace(*args, **kwargs):
    from okrdsl.resolve import load_workspace as load

    return load(*args, **kwargs)


def run_rules(*args, **kwargs):
    from okrdsl.rules import run_rules as run

    return run(*args, **kwargs)


def suppress(*args, **kwargs):
    from okrdsl.suppress import suppress as apply

    return apply(*args, **kwargs)


def all_codes():
    from okrdsl.rules import all_codes as every

    return every()


def _workspace(settings: Settings) -> Workspace:
    from okrdsl.resolve import Workspace

    return Workspace(calendar_for=lambda path: settings.for_path(path).calendar)


STDIN = "-"  # the path that stands for standard input
STDIN_NAME = "<stdin>"  # what messages call it when --stdin-filename does not name it


@frozen
class CheckResult:
    workspace: Workspace
    diagnostics: tuple[Diagnostic, ...]
    settings: Settings = attrs.field(factory=Settings)

    @property
    def file_count(self) -> int:
        return self.workspace.file_count

    @property
    def sources(self) -> dict:
        """The text of every file read, by path (to quote lines of findings)."""
        return self.workspace.sources

    @property
    def read(self) -> frozenset[str]:
        """Every file read (which an output file must not replace)."""
        return frozenset(self.workspace.sources)

    def failing(self, strict: bool | None = None) -> list[Diagnostic]:
        """The findings that fail the check: errors, and warnings where `strict` (the
        command line's) or, when it is None, the configuration of their file says so."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR
                or (strict if strict is not None else self.settings.for_path(d.path).strict)]


def check(paths, select=(), ignore=(), root: str | None = None, settings: Settings | None = None,
          stdin: tuple[str | None, typing.BinaryIO] | None = None, tracked: bool = False,
          unsaved: dict[str, str] | None = None) -> CheckResult:
    """Check files and folders (folders are searched for *.okrp); every finding is a diagnostic.

    `select` keeps only codes starting with one of its prefixes, and turns on
    the opt-in rules it names (codes.Code.opt_in); `ignore`
    drops codes starting with one of its prefixes. Both take codes, prefixes
    or rule names (a ValueError names one that matches nothing), and override the
    configuration's as ruff's do. `settings` gives each file its configuration (by default,
    the nearest configuration file's: see okrdsl.config); a search of a folder leaves out
    what .gitignore files and the configuration's `exclude` name. `root` is the
    project folder that files and their includes must stay in (by default, each
    path's own project: see okrdsl.files.project_root). `stdin` is (name, stream) of a
    spec read from standard input, checked where `paths` holds "-". With `tracked`,
    the files checked are the .okrp files under `paths` that git tracks. `unsaved` maps
    paths to text read instead of the file on disk (an editor's buffers), for the files
    checked and for what they include.

    Neither select, ignore, the configuration nor a suppression comment hides an
    error that kept a file from being read (codes.BLOCKING): with it hidden, the
    check would pass without checking the file.
    """
    select, ignore = resolve_codes(select), resolve_codes(ignore)
    settings = settings or Settings()
    paths = [str(path) for path in paths]
    workspace = _workspace(settings)
    named: list[tuple[str, str]] = []
    problems: list[Diagnostic] = []
    for path, text in (unsaved or {}).items():
        source, unread = source_of_text(os.path.normpath(path), text)
        problems += unread
        if source is not None:
            workspace.given[workspace.key(path)] = source
    if stdin is not None and STDIN in paths:
        name = os.path.normpath(stdin[0]) if stdin[0] else STDIN_NAME
        source, problems = read_stream(name, stdin[1])
        if source is not None:
            workspace.given[workspace.key(name)] = source
            named.append((name, root or project_root(name)))
        paths = [path for path in paths if path != STDIN]
        if not paths:
            paths = None
    if paths is not None:
        if tracked:
            paths, problems = _tracked(paths, settings, problems)
        files, found = discover(paths, root, skip=lambda path, is_folder: _skipped(settings, path, is_folder))
        named += files
        problems += found
    load_workspace(named, workspace)
    workspace.diagnostics.extend(problems)
    found, warnings = suppress(workspace.files, workspace.sources, workspace.all_diagnostics() + run_rules(workspace, _opted_in(settings, select)))
    found += warnings + settings.diagnostics
    workspace.sources.update(settings.sources)
    choose = _Chooser(settings, select, ignore)
    kept = [d for d in found if codes.is_blocking(d) or choose.reports(d)]
    return CheckResult(workspace, tuple(sorted(set(kept), key=Diagnostic.sort_key)), settings)


# Checking files in parallel pays once there are enough of them to cover starting the
# worker processes (measured: benchmarks/run.py, docs/performance.md).
MIN_PARALLEL_FILES = 16


@frozen
class Checked:
    """What `okrdsl check` prints: the findings, the text of the files they are in (to quote
    their lines), every file read (which an output file must not replace), how many files
    were checked, and the configuration (for `failing`, as CheckResult's)."""

    diagnostics: tuple[Diagnostic, ...]
    sources: dict
    read: frozenset[str]
    file_count: int
    settings: Settings = attrs.field(factory=Settings)

    def failing(self, strict: bool | None = None) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR
                or (strict if strict is not None else self.settings.for_path(d.path).strict)]


def check_files(paths, select=(), ignore=(), root: str | None = None, settings: Settings | None = None,
                tracked: bool = False, use_cache: bool = True, jobs: int | None = None) -> Checked:
    """`check` for the command line, one file at a time: each file found is checked with
    what it includes (check_one), its outcome kept in the result cache (okrdsl.cache)
    unless `use_cache` is false, and the files not in the cache checked in `jobs`
    processes (default: one per core, when there are at least MIN_PARALLEL_FILES of them).
    Then the selection is made as `check` makes it. The findings are the same, in the
    same order, with or without the cache and with any number of processes. Standard
    input and unsaved text are `check`'s alone: they are never cached."""
    from okrdsl.cache import Cache, config_digest, folder_for, key

    select, ignore = resolve_codes(select), resolve_codes(ignore)
    settings = settings or Settings()
    paths = [str(path) for path in paths]
    problems: list[Diagnostic] = []
    if tracked:
        paths, problems = _tracked(paths, settings, problems)
    files, found = discover(paths, root, skip=lambda path, is_folder: _skipped(settings, path, is_folder))
    problems += found
    for path, _ in files:
        settings.for_path(path)  # every checked file's configuration is loaded before the opt-in rules are known
    opted = _opted_in(settings, select)
    stores: dict[str, Cache | None] = {}  # by project root: each file's cache is its project's

    def store_for(its_root: str) -> Cache | None:
        if its_root not in stores:
            folder = folder_for(its_root)
            stores[its_root] = Cache(folder) if folder is not None else None
        return stores[its_root]

    version = _version()
    digests: dict[str, str] = {}

    def config_of(path: str) -> str:
        config = settings.for_path(path)
        if id(config) not in digests:
            digests[id(config)] = config_digest(config)
        return digests[id(config)]

    outcomes: list = [None] * len(files)
    pending: list[tuple[int, str, str, str | None]] = []
    for index, (path, its_root) in enumerate(files):
        entry_key = None
        store = store_for(its_root) if use_cache else None
        if store is not None:
            content = store.digest(path)
            if content is not None:
                entry_key = key(version, path, its_root, content, config_of(path), select, ignore, opted)
                outcomes[index] = store.get(entry_key, config_of, store.digest)
        if outcomes[index] is None:
            pending.append((index, path, its_root, entry_key))
    checked = _check_each([(path, its_root, entry_key is not None) for _, path, its_root, entry_key in pending],
                          settings, opted, jobs)
    for (index, _, its_root, entry_key), outcome in zip(pending, checked):
        outcomes[index] = outcome
        if entry_key is not None:
            store_for(its_root).put(entry_key, outcome)
    for store in stores.values():
        if store is not None:
            store.save_stats()
    loaded = set().union(*(outcome.loaded for outcome in outcomes))
    for path in sorted(loaded):
        settings.for_path(path)  # as check does: the configuration of every file read, with its problems
    found = set(problems).union(*(outcome.diagnostics for outcome in outcomes)) | set(settings.diagnostics)
    choose = _Chooser(settings, select, ignore)
    kept = sorted((d for d in found if codes.is_blocking(d) or choose.reports(d)), key=Diagnostic.sort_key)
    counted = set().union(*(outcome.counted for outcome in outcomes))
    # Only files a check loaded are quoted: never a refused or unreadable one.
    sources = _sources({d.path for d in kept} & loaded)
    sources.update(settings.sources)
    return Checked(tuple(kept), sources, frozenset(loaded | set(settings.sources)), len(counted), settings)


def check_one(path: str, root: str, settings: Settings, opted=(), memo: dict | None = None,
              cached: bool = True):
    """The outcome (okrdsl.cache.Outcome) of checking one file with what it includes: every
    finding after its suppressions, before any selection. Unless it is to be `cached`, what
    only the result cache reads is left out: the digests of the files read and of their
    configuration (hashing them, and importing hashlib, was 4 ms of a small check)."""
    from okrdsl.cache import Outcome

    workspace = _workspace(settings)
    load_workspace([(path, root)], workspace, memo)
    found, warnings = suppress(workspace.files, workspace.sources, workspace.all_diagnostics()
                               + run_rules(workspace, opted))
    read, configs = _digests(workspace, settings) if cached else ((), ())
    counted = tuple(workspace.files) + tuple(sorted(workspace.unreadable - set(workspace.files)))
    return Outcome(tuple(sorted(set(found + warnings), key=Diagnostic.sort_key)), read,
                   tuple(workspace.files), counted, configs)


def _digests(workspace: Workspace, settings: Settings) -> tuple[tuple, tuple]:
    """What a cache entry is checked against: the digest of each file a check read (None for an
    include that could not be read), and of each loaded file's configuration."""
    from okrdsl.cache import config_digest, file_digest
    from okrdsl.resolve import include_path

    read = {name: file_digest(name) for name in workspace.files}
    for name, loaded in workspace.files.items():
        for include in loaded.spec.includes:
            target = workspace.key(include_path(name, include.path))
            read.setdefault(target, file_digest(target) if target in workspace.unreadable else None)
    configs = tuple((name, config_digest(settings.for_path(name))) for name in workspace.files)
    return tuple(read.items()), configs


_SHARED: tuple | None = None  # (settings, opted) for forked workers: a Settings is not pickled


def _check_each(files: list[tuple[str, str, bool]], settings: Settings, opted, jobs: int | None) -> list:
    """The outcome of each file (path, project root, whether it is to be cached), in order: in
    worker processes when there are enough files."""
    global _SHARED
    workers = _workers(len(files), jobs)
    if workers > 1:
        import multiprocessing  # only to check in parallel: its import costs as much as a small file's check
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        memo: dict = {}  # files included by many (a roles catalogue) are parsed once
        return [check_one(path, its_root, settings, opted, memo, cached) for path, its_root, cached in files]
    from concurrent.futures import ProcessPoolExecutor

    # Forked workers start with okrdsl imported and the settings of this run.
    _SHARED = (settings, opted)
    try:
        chunk = max(1, len(files) // (workers * 4))
        parts = [files[i:i + chunk] for i in range(0, len(files), chunk)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [outcome for part in pool.map(_check_chunk, parts) for outcome in part]
    finally:
        _SHARED = None


def _check_chunk(files: list[tuple[str, str, bool]]) -> list:
    settings, opted = _SHARED
    memo: dict = {}
    return [check_one(path, its_root, settings, opted, memo, cached) for path, its_root, cached in files]


def _workers(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, min(jobs, count))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, count) if count >= MIN_PARALLEL_FILES else 1


def _sources(paths) -> dict:
    """The text of each file findings are in, to quote their lines."""
    from okrdsl.files import read_source

    found = {}
    for path in sorted(paths):
        source, _ = read_source(path)
        if source is not None:
            found[path] = source
    return found


def _version() -> str:
    import okrdsl

    return okrdsl.__version__


def _tracked(paths, settings: Settings, problems: list[Diagnostic]) -> tuple[list[str], list[Diagnostic]]:
    """The tracked .okrp files under `paths` that no configuration excludes, and a warning
    when there are none (as for a folder without specs)."""
    chosen = [path for path in tracked(paths) if path.endswith(SUFFIX) and os.path.lexists(path)
              and not _excluded(settings, path)]
    if not chosen:
        where = " ".join(paths) or "."
        problems = problems + [Diagnostic(codes.NO_FILES.id, codes.NO_FILES.severity,
                                          f"git tracks no .okrp files in {where}", Span(where, 1, 1, 1, 1),
                                          "check the path, and that the specs are added to git")]
    return chosen, problems


def _excluded(settings: Settings, path: str) -> bool:
    config = settings.for_path(path)
    return matches(config.excluded, config.folder, path)


def _skipped(settings: Settings, path: str, is_folder: bool) -> bool:
    """Whether a folder search leaves out a file or folder: git ignores it, or the
    configuration of the folder it is in excludes it."""
    config = settings.for_path(os.path.dirname(path) or ".")
    return matches(config.excluded, config.folder, path, is_folder) or gitignored(path, is_folder)


def _opted_in(settings: Settings, select) -> tuple[str, ...]:
    """The code prefixes that turn on opt-in rules (codes.Code.opt_in): the command line's
    --select and every loaded configuration's select and extend-select."""
    words = [word for config in settings.loaded() for word in (*(config.select or ()), *config.extend_select)]
    return tuple(select) + (resolve_codes(words) if words else ())


class _Chooser:
    """Which codes are reported for each file: the configuration's select, extend-select and
    ignore, then the command line's (a --select starts afresh, as in ruff), then the
    configuration's per-file-ignores."""

    def __init__(self, settings: Settings, select, ignore) -> None:
        self.settings, self.select, self.ignore = settings, select, ignore
        self._chosen: dict[int, frozenset[str]] = {}
        # With no selection anywhere, no opt-in rule ran and every other code is reported:
        # the stages' codes say which are opt-in, and the rules need not be loaded to know it.
        self.plain = not select and not ignore and not any(
            config.select is not None or config.extend_select or config.ignore or config.per_file_ignores
            for config in settings.loaded())

    @functools.cached_property
    def known(self) -> tuple[str, ...]:
        return tuple(all_codes())

    @functools.cached_property
    def by_default(self) -> frozenset[str]:
        return frozenset(code for code, found in all_codes().items() if not found.opt_in)

    def _pick(self, words) -> set[str]:
        prefixes = resolve_codes(words)
        return {code for code in self.known if any(code.startswith(prefix) for prefix in prefixes)}

    def chosen(self, config: Config) -> frozenset[str]:
        if id(config) not in self._chosen:
            chosen = set(self.by_default) if config.select is None else self._pick(config.select)
            chosen = (chosen | self._pick(config.extend_select)) - self._pick(config.ignore)
            if self.select:
                chosen = self._pick(self.select)
            self._chosen[id(config)] = frozenset(chosen - self._pick(self.ignore))
        return self._chosen[id(config)]

    def reports(self, diagnostic: Diagnostic) -> bool:
        if self.plain:
            stage = codes.CODES.get(diagnostic.code)
            return stage is None or not stage.opt_in
        config = self.settings.for_path(diagnostic.path)
        if diagnostic.code not in self.chosen(config):
            return False
        return not any(diagnostic.code in self._pick(words) and matches((pattern,), config.folder, diagnostic.path)
                       for pattern, words in config.per_file_ignores)


def check_text(path: str, text: str, root: str | None = None, settings: Settings | None = None,
               unsaved: dict[str, str] | None = None) -> CheckResult:
    """Check `text` as if it were the file at `path`, which need not exist: its includes are
    read from beside `path`, inside `path`'s project (or `root`), and its configuration and
    suppressions apply as for the file. `unsaved` gives other files' text by path, read
    instead of the disk. The language server checks an editor's buffer this way, and
    `okrdsl diff --git-driver` the old version of a file that git gives as a temporary file."""
    return check([STDIN], root=root, settings=settings, stdin=(path, io.BytesIO(text.encode("utf-8"))),
                 unsaved=unsaved)


@frozen
class Scheduled:
    """What `okrdsl schedule` shows: the schedule (None when the spec could not be read in
    full), and the errors that check finds in the spec and what it includes."""

    schedule: Schedule | None
    errors: tuple[Diagnostic, ...]
    sources: dict


def schedule_file(path: str, quarter: str | None = None, start_month: int | None = None,
                  named_by: str | None = None, root: str | None = None, settings: Settings | None = None) -> Scheduled:
    """Check one spec, then schedule it. A UsageProblem says why a quarter cannot be used."""
    from okrdsl.dates import quarter_for
    from okrdsl.schedule import schedule_spec

    checked = check([path], root=root, settings=settings)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    loaded = checked.workspace.files.get(checked.workspace.key(path))
    if loaded is None or any(codes.is_blocking(d) and d.path == loaded.spec.path for d in errors):
        return Scheduled(None, errors, checked.workspace.sources)
    if quarter is None and quarter_for(loaded.spec) is None and any(d.path == loaded.spec.path for d in errors):
        return Scheduled(None, errors, checked.workspace.sources)  # its quarter is written, but wrong
    return Scheduled(schedule_spec(loaded.spec, quarter, start_month, named_by), errors, checked.workspace.sources)


@frozen
class Standing:
    """What `okrdsl status` shows: the file's OKR sets (None when the file could not be read in
    full), the scoring its policy sets, and the errors check finds in it and what it includes."""

    okr_sets: tuple | None
    scoring: Scoring
    errors: tuple[Diagnostic, ...]
    sources: dict


def status_file(path: str, root: str | None = None, settings: Settings | None = None) -> Standing:
    """Check one spec, then read its OKR sets. A UsageProblem says the file has none."""
    from okrdsl.scoring import scoring
    from okrdsl.symbols import scope_of

    checked = check([path], root=root, settings=settings)
    errors = tuple(d for d in checked.diagnostics if d.severity is Severity.ERROR)
    key = checked.workspace.key(path)
    loaded = checked.workspace.files.get(key)
    if loaded is None or any(codes.is_blocking(d) and d.path == loaded.spec.path for d in errors):
        return Standing(None, scoring(None), errors, checked.workspace.sources)
    if not loaded.spec.okr_sets:
        raise UsageProblem(f"{path} has no OKR set: name a file with an `okrs for QUARTER` block")
    policy = scope_of(checked.workspace.visible(key)).policy
    return Standing(loaded.spec.okr_sets, scoring(policy), errors, checked.workspace.sources)


@frozen
class Compiled:
    """What `okrdsl compile` works from: the linked spec (None when it has errors, which are
    not compiled), and everything check found in it and what it includes, warnings too."""

    linked: Linked | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict


def compile_file(path: str, quarter: str | None = None, root: str | None = None,
                 settings: Settings | None = None, text: str | None = None,
                 stdin: tuple[str | None, typing.BinaryIO] | None = None) -> Compiled:
    """Check one spec and link it, with its schedule when a quarter is known (its own, or
    `quarter`). A UsageProblem says why `quarter` cannot be used. With `text`, that text
    is checked as if it were the file at `path` (see check_text). With `stdin` (name,
    stream), the spec is read from the stream as `okrdsl check -` reads it, and `path` is
    not used: it is called by the name (--stdin-filename), or <stdin>."""
    from okrdsl.dates import quarter_for
    from okrdsl.link import link
    from okrdsl.schedule import schedule_spec

    if stdin is not None:
        path = os.path.normpath(stdin[0]) if stdin[0] else STDIN_NAME
        checked = check([STDIN], root=root, settings=settings, stdin=stdin)
    elif text is not None:
        checked = check_text(path, text, root, settings)
    else:
        checked = check([path], root=root, settings=settings)
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
