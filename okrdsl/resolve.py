"""Stage 3, resolve: load the files a check names and everything they include.

A `Workspace` holds each file once, however many files include it, so a file
is checked once. Include paths are relative to the including file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import attrs

from okrdsl import codes, ir
from okrdsl.api import Loaded, load_source
from okrdsl.diagnostics import Diagnostic
from okrdsl.files import SUFFIX, project_root, read_source, refuse_outside, source_of_text
from okrdsl.limits import MAX_INCLUDE_DEPTH
from okrdsl.records import define
from okrdsl.source import Source

_MISSING = (codes.FILE_NOT_FOUND.id, codes.IS_DIRECTORY.id)


@define
class Workspace:
    """Every loaded file by its path, in the order loaded, with their diagnostics."""

    files: dict[str, Loaded] = attrs.Factory(dict)
    sources: dict[str, Source] = attrs.Factory(dict)
    unreadable: set[str] = attrs.Factory(set)
    _keys: dict[str, str] = attrs.Factory(dict)
    _includes: dict[str, list[str]] = attrs.Factory(dict)  # each loaded file's includes, by key
    # Text already read, by the path it stands for (standard input named with --stdin-filename):
    # it is used instead of the file on disk.
    given: dict[str, Source] = attrs.Factory(dict)
    # The calendar a file's process uses where it does not say (its configuration's), by path.
    calendar_for: Callable[[str], ir.CalendarDefaults] | None = None

    def key(self, path: str) -> str:
        """The path under which a file is (or will be) loaded: the first name it was met by."""
        return self._keys.setdefault(os.path.realpath(path), os.path.normpath(path))

    @property
    def file_count(self) -> int:
        """Files read or tried: loaded ones and ones that could not be read."""
        return len(self.files) + len(self.unreadable - set(self.files))
    diagnostics: list[Diagnostic] = attrs.Factory(list)

    def includes_of(self, path: str) -> list[str]:
        """The paths a file includes, as loaded (missing ones left out)."""
        if path not in self._includes:
            spec = self.files[path].spec
            self._includes[path] = [self.key(include_path(path, include.path)) for include in spec.includes]
        return [p for p in self._includes[path] if p in self.files]

    def visible(self, path: str) -> list[ir.Spec]:
        """What a file sees, in reading order: its includes (depth first, each once), then itself,
        as if the includes were pasted in. Walked without recursion, so any depth is fine."""
        if path not in self.files:
            return []
        order: list[str] = []
        seen = {path}
        pending = [(path, iter(self.includes_of(path)))]
        while pending:
            current, includes = pending[-1]
            included = next(includes, None)
            if included is None:
                pending.pop()
                order.append(current)
            elif included not in seen:
                seen.add(included)
                pending.append((included, iter(self.includes_of(included))))
        return [self.files[p].spec for p in order]

    def all_diagnostics(self) -> list[Diagnostic]:
        found = [d for loaded in self.files.values() for d in loaded.diagnostics] + self.diagnostics
        return sorted(set(found), key=Diagnostic.sort_key)


def include_path(including: str, written: str) -> str:
    """Where an include points: relative to the including file (a NUL is kept out of OS calls)."""
    return os.path.normpath(os.path.join(os.path.dirname(including), written.replace("\0", "\\0")))


def load_workspace(paths, workspace: Workspace | None = None, memo: dict | None = None) -> Workspace:
    """Load `paths` (already discovered files, each a path or a (path, project root) pair)
    and, depth first, what they include, refusing includes that leave the project.

    `memo` (a dict, kept by the caller) shares loaded files between workspaces: a file with
    the same path, text and calendar is parsed and built once, however many checks include it."""
    workspace = workspace or Workspace()
    for entry in paths:
        path, root = entry if isinstance(entry, tuple) else (str(entry), None)
        _load_tree(workspace.key(path), workspace, root, memo)
    return workspace


def _load_tree(top: str, workspace: Workspace, root: str | None, memo: dict | None = None) -> None:
    """Load `top` and its includes, walking the include graph with an explicit stack."""
    chain: list[tuple[str, Iterator[ir.Include]]] = []
    on_chain: set[str] = set()

    def enter(path: str, named_at: ir.Include | None) -> None:
        if named_at is not None and (problem := _refused(chain[-1][0], named_at, path, root)) is not None:
            workspace.diagnostics.append(problem)
            return
        if path in on_chain:
            paths = [p for p, _ in chain]
            loop = " -> ".join(paths[paths.index(path):] + [path])
            workspace.diagnostics.append(Diagnostic(
                codes.INCLUDE_CYCLE.id, codes.INCLUDE_CYCLE.severity,
                f"files include each other in a loop: {loop}", named_at.target.span,
                hint="move what both files need into a third file that both include",
            ))
            return
        if len(chain) > MAX_INCLUDE_DEPTH:
            workspace.diagnostics.append(Diagnostic(
                codes.INCLUDE_CYCLE.id, codes.INCLUDE_CYCLE.severity,
                f"includes nest more than {MAX_INCLUDE_DEPTH} files deep here", named_at.target.span,
                hint="include the shared files from one place instead of in a chain",
            ))
            return
        if path in workspace.files or path in workspace.unreadable:
            return
        loaded = _read(path, workspace, named_at, memo)
        if loaded is not None:
            chain.append((path, iter(loaded.spec.includes)))
            on_chain.add(path)

    enter(top, None)
    while chain:
        path, includes = chain[-1]
        include = next(includes, None)
        if include is None:
            chain.pop()
            on_chain.discard(path)
        else:
            enter(workspace.key(include_path(path, include.path)), include)


def _refused(including: str, include: ir.Include, path: str, root: str | None) -> Diagnostic | None:
    """Why an include may not be read: a NUL in its path, a file outside the project, or
    one that is not a .okrp file (a folder is left to read_source to name). None when it may."""
    span = include.target.span
    if "\0" in include.path:
        return Diagnostic(codes.INCLUDE_NOT_FOUND.id, codes.INCLUDE_NOT_FOUND.severity,
                          "cannot include a path that holds a NUL character", span,
                          hint="write the file's name without control characters")
    outside = refuse_outside(path, root or project_root(including), span=span, written=include.path)
    if outside is None and not include.path.endswith(SUFFIX) and not os.path.isdir(path):
        return Diagnostic(codes.FILE_REFUSED.id, codes.FILE_REFUSED.severity,
                          f'cannot include "{include.path}": okrdsl includes only {SUFFIX} files', span,
                          hint=f"name a {SUFFIX} file, such as \"roles{SUFFIX}\"")
    return outside


def _read(path: str, workspace: Workspace, named_at: ir.Include | None, memo: dict | None = None) -> Loaded | None:
    if path in workspace.given:
        source, problems = workspace.given[path], []
    else:
        source, problems = read_source(path, named_at.target.span if named_at else None)
    if source is None:
        if not any(p.code in _MISSING for p in problems):
            workspace.unreadable.add(path)
        for problem in problems:
            if named_at is not None and problem.code in _MISSING:
                problem = attrs.evolve(problem, code=codes.INCLUDE_NOT_FOUND.id,
                                       message=f'cannot include "{named_at.path}": ' + problem.message)
            workspace.diagnostics.append(problem)
        return None
    calendar = workspace.calendar_for(path) if workspace.calendar_for else None
    remembered = (path, source.text, calendar)
    loaded = memo.get(remembered) if memo is not None else None
    if loaded is None:
        loaded = load_source(source, calendar) if calendar is not None else load_source(source)
        if memo is not None:
            memo[remembered] = loaded
    workspace.sources[path] = source
    workspace.files[path] = loaded
    return loaded
