"""Stage 3, resolve: load the files a check names and everything they include.

A `Workspace` holds each file once, however many files include it, so a file
is checked once. Include paths are relative to the including file.
"""

from __future__ import annotations

import os

import attrs

from okrdsl import codes, ir
from okrdsl.api import Loaded, load_source
from okrdsl.diagnostics import Diagnostic
from okrdsl.files import read_source
from okrdsl.limits import MAX_INCLUDE_DEPTH
from okrdsl.source import Source

_MISSING = (codes.FILE_NOT_FOUND.id, codes.IS_DIRECTORY.id)


@attrs.define
class Workspace:
    """Every loaded file by its path, in the order loaded, with their diagnostics."""

    files: dict[str, Loaded] = attrs.Factory(dict)
    sources: dict[str, Source] = attrs.Factory(dict)
    unreadable: set[str] = attrs.Factory(set)
    _keys: dict[str, str] = attrs.Factory(dict)

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
        spec = self.files[path].spec
        found = (self.key(include_path(path, include.path)) for include in spec.includes)
        return [p for p in found if p in self.files]

    def visible(self, path: str) -> list[ir.Spec]:
        """What a file sees, in reading order: its includes (recursively, each once), then itself."""
        seen: dict[str, None] = {}

        def visit(current: str) -> None:
            if current in seen or current not in self.files:
                return
            seen[current] = None
            for included in self.includes_of(current):
                visit(included)
            # Move the file after what it includes, as if the includes were pasted in.
            del seen[current]
            seen[current] = None

        visit(path)
        return [self.files[p].spec for p in seen]

    def all_diagnostics(self) -> list[Diagnostic]:
        found = [d for loaded in self.files.values() for d in loaded.diagnostics] + self.diagnostics
        return sorted(set(found), key=Diagnostic.sort_key)


def include_path(including: str, written: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(including), written))


def load_workspace(paths, workspace: Workspace | None = None) -> Workspace:
    """Load `paths` (already discovered files) and, recursively, what they include."""
    workspace = workspace or Workspace()
    for path in paths:
        _load(workspace.key(str(path)), workspace, stack=[], named_at=None)
    return workspace


def _load(path: str, workspace: Workspace, stack: list[str], named_at: ir.Include | None) -> None:
    if len(stack) > MAX_INCLUDE_DEPTH:
        workspace.diagnostics.append(Diagnostic(
            codes.INCLUDE_CYCLE.id, codes.INCLUDE_CYCLE.severity,
            f"includes nest more than {MAX_INCLUDE_DEPTH} files deep here", named_at.target.span,
            hint="include the shared files from one place instead of in a chain",
        ))
        return
    if path in stack:
        loop = " -> ".join(stack[stack.index(path):] + [path])
        workspace.diagnostics.append(Diagnostic(
            codes.INCLUDE_CYCLE.id, codes.INCLUDE_CYCLE.severity,
            f"files include each other in a loop: {loop}", named_at.target.span,
            hint="move what both files need into a third file that both include",
        ))
        return
    if path in workspace.files:
        return
    source, problems = read_source(path, named_at.target.span if named_at else None)
    if source is None:
        if not any(p.code in _MISSING for p in problems):
            workspace.unreadable.add(path)
        for problem in problems:
            if named_at is not None and problem.code in _MISSING:
                problem = attrs.evolve(problem, code=codes.INCLUDE_NOT_FOUND.id,
                                       message=f'cannot include "{named_at.path}": ' + problem.message)
            workspace.diagnostics.append(problem)
        return
    loaded = load_source(source)
    workspace.sources[path] = source
    workspace.files[path] = loaded
    for include in loaded.spec.includes:
        _load(workspace.key(include_path(path, include.path)), workspace, stack + [path], include)
