"""gitignore-style patterns, as git and ruff read them: .gitignore files, and the `exclude`,
`extend-exclude` and `per-file-ignores` patterns of a configuration (relative to its folder).

Matching is the `pathspec` package's (its GitIgnoreSpec), so `*.okrp`, `drafts/`,
`/top-only.okrp`, `**/old/*.okrp` and `!keep.okrp` mean what they mean to git.

Importing pathspec costs about as much as checking a small spec, and most patterns
never need it: okrdsl's own default excludes (`node_modules/`, `.venv/`) and the lines
of a typical .gitignore (`build/`, `*.pyc`, `/dist`, comments) each name one file or
folder, with at most `*` in the name. Such patterns are matched here, name by name
(_plain); any other pattern (`!`, `?`, `[...]`, `**`, a `/` inside, a space, a
backslash) sends the whole list to pathspec. tests/test_ignores.py checks, on
generated patterns and paths, that both always agree.
"""

from __future__ import annotations

import functools
import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pathspec

GITIGNORE = ".gitignore"


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec  # here, not above: its import costs about as much as checking a small spec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


# One name, with `*` for any characters but `/`, perhaps anchored (`/dist`), perhaps a folder
# only (`build/`): nothing that means more to git than what _plain matches.
_PLAIN = re.compile(r"/?(?!\.\.?/?$)(?!.*\*\*)[A-Za-z0-9_.*-]+/?")


@functools.lru_cache(maxsize=256)
def _plain(patterns: tuple[str, ...]) -> tuple[tuple, tuple] | None:
    """The patterns when every one is plain (see above; blank lines and comments are skipped
    as git skips them), else None: the names without a `*`, as sets by where they apply
    ((anchored, folders only, names)), and each one with a `*` as (regex, anchored, folders
    only). A folder search asks this of every file, and most patterns (`node_modules/`,
    `.venv/`) are names: one set lookup per part of the path, not a regex per pattern."""
    names: dict[tuple[bool, bool], set[str]] = {}
    wildcards = []
    for pattern in patterns:
        if not pattern or pattern.startswith("#"):
            continue
        if _PLAIN.fullmatch(pattern) is None:
            return None
        name, anchored, folders_only = pattern.strip("/"), pattern.startswith("/"), pattern.endswith("/")
        if "*" in name:
            wildcards.append((re.compile("[^/]*".join(map(re.escape, name.split("*")))), anchored, folders_only))
        else:
            names.setdefault((anchored, folders_only), set()).add(name)
    return tuple((anchored, folders_only, frozenset(named)) for (anchored, folders_only), named in names.items()), \
        tuple(wildcards)


def _plain_verdict(plain, where: str, is_folder: bool) -> bool | None:
    """What git says of `where` (relative to the patterns' folder, normalised) under plain
    patterns: ignored when a pattern names it or a folder above it, else no verdict."""
    parts = where.split("/")
    folders = parts if is_folder else parts[:-1]
    names, wildcards = plain
    for anchored, folders_only, named in names:
        candidates = folders if folders_only else parts
        if not named.isdisjoint(candidates[:1] if anchored else candidates):
            return True
    for name, anchored, folders_only in wildcards:
        candidates = folders if folders_only else parts
        if any(name.fullmatch(part) for part in (candidates[:1] if anchored else candidates)):
            return True
    return None


def relative(path: str, folder: str) -> str | None:
    """`path` relative to `folder`, with forward slashes; None when it is not under it."""
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    inside = folder if folder.endswith(os.sep) else folder + os.sep
    if path != folder and path.startswith(inside):  # most paths: a folder search asks this of every file it meets
        return path[len(inside):].replace(os.sep, "/")
    found = os.path.relpath(path, folder)
    if found == ".." or found.startswith(".." + os.sep) or os.path.isabs(found):
        return None
    return found.replace(os.sep, "/")


def verdict(patterns: tuple[str, ...], folder: str, path: str, is_folder: bool = False) -> bool | None:
    """True when the last pattern that matches `path` (relative to `folder`) ignores it, False
    when it is a `!` pattern that keeps it, None when none matches or `path` is outside `folder`."""
    if not patterns:  # what an empty GitIgnoreSpec says of every path
        return None
    where = relative(path, folder)
    if where is None or where == ".":
        return None
    plain = _plain(patterns)
    if plain is not None:
        return _plain_verdict(plain, where, is_folder)
    return _spec(patterns).check_file(where + ("/" if is_folder else "")).include


def matches(patterns: tuple[str, ...], folder: str, path: str, is_folder: bool = False) -> bool:
    return bool(patterns) and verdict(patterns, folder, path, is_folder) is True


@functools.lru_cache(maxsize=1024)
def gitignore_of(folder: str, name: str = GITIGNORE) -> tuple[str, ...]:
    """The patterns of `folder`'s .gitignore (none when it has none, or it cannot be read)."""
    try:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as file:
            return tuple(file.read(1024 * 1024).splitlines())
    except OSError:
        return ()


def _first_line(path: str) -> str | None:
    """The first line of a small file git keeps (.git as a file, commondir), or None if unreadable."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.readline().strip()
    except OSError:
        return None


def info_exclude_of(top: str) -> tuple[str, ...]:
    """The patterns of the repository's own exclude file, `.git/info/exclude` (for a worktree,
    the one of the repository it belongs to): what a person ignores in one clone only."""
    found = _exclude_file(top)
    return gitignore_of(*found) if found is not None else ()


@functools.lru_cache(maxsize=64)
def _exclude_file(top: str) -> tuple[str, str] | None:
    """(folder, name) of the exclude file of the repository at `top`: found once per
    repository (a folder search asks for it of every file), as gitignore_of reads it once."""
    dot_git = os.path.join(top, ".git")
    git_dir = dot_git
    if os.path.isfile(dot_git):  # a worktree or submodule: "gitdir: PATH"
        first = _first_line(dot_git)
        if first is None or not first.startswith("gitdir:"):
            return None
        git_dir = os.path.join(top, first[len("gitdir:"):].strip())
        common = _first_line(os.path.join(git_dir, "commondir"))
        if common is not None:  # a worktree; a submodule's own git folder holds its info/exclude
            git_dir = os.path.join(git_dir, common)
    return os.path.join(git_dir, "info"), "exclude"


def git_top(folder: str) -> str | None:
    """The top of the git repository `folder` is in (the folder holding .git), or None."""
    current = os.path.abspath(folder)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@functools.lru_cache(maxsize=1024)
def _deciders(folder: str) -> tuple[str | None, tuple[str, ...]]:
    """For what is in the absolute `folder`: the top of its git repository (None outside git),
    and the folders whose .gitignore may have a say, from that top (outside git, its project:
    files.project_root) down to `folder`. Worked out once per folder, as gitignore_of reads
    each .gitignore once: a folder search asks it of every file."""
    from okrdsl.files import project_root

    repository = git_top(folder)
    top = repository or project_root(folder)
    folders = []
    current = folder
    while True:
        folders.append(current)
        if current == top or os.path.dirname(current) == current:
            break
        current = os.path.dirname(current)
    return repository, tuple(reversed(folders))


def gitignored(path: str, is_folder: bool = False) -> bool:
    """Whether git would ignore `path`: the .gitignore files from the top of its repository
    (outside git, its project: files.project_root) down to its folder decide, the deepest
    one that has a say winning; where none has a say, the repository's .git/info/exclude, as
    in git."""
    absolute = os.path.abspath(path)
    repository, folders = _deciders(os.path.dirname(absolute))
    decided = verdict(info_exclude_of(repository), repository, absolute, is_folder) if repository else None
    for folder in folders:
        said = verdict(gitignore_of(folder), folder, absolute, is_folder)
        if said is not None:
            decided = said
    return bool(decided)


def tracked(paths) -> list[str]:
    """The files under `paths` that git tracks, staged ones included (`git ls-files`), as
    paths relative to the current folder. Runs git without a shell; a UsageProblem says
    why it could not (git is missing, or this is not a git repository)."""
    import subprocess

    from okrdsl.diagnostics import UsageProblem

    command = ["git", "--literal-pathspecs", "ls-files", "-z", "--cached", "--", *(paths or ["."])]
    try:
        run = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise UsageProblem(f"--tracked asks git which files it tracks, and git could not be run: {error}") from None
    if run.returncode != 0:
        said = run.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise UsageProblem("--tracked asks git which files it tracks, and git said: "
                           + (said[0] if said else f"exit status {run.returncode}"))
    names = run.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return sorted({os.path.normpath(name) for name in names if name})
