"""Reading .okrp files from disk: every way a read can fail becomes a diagnostic.

okrdsl reads what anyone who can push to a repository can change, in CI jobs
whose logs many people read. So it reads only regular files, at most
`limits.MAX_FILE_BYTES` of them, and, for a check, only inside the project: the
nearest folder above a checked path that holds one of `ROOT_MARKERS` (or the
folder given with `--root`). A file outside it, reached by an include or by a
symbolic link, is refused before it is opened, so nothing of it can be shown.
Outputs (`okrdsl compile -o`) are written whole or not at all (`write_atomic`).
"""

from __future__ import annotations

import contextlib
import os
import stat

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic
from okrdsl.limits import MAX_FILE_BYTES, MAX_LINE_CHARS
from okrdsl.source import Source, Span, normalise_newlines

SUFFIX = ".okrp"
# Folders a search never enters: version control, virtual environments, caches.
SKIPPED_FOLDERS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
})
# What marks the top folder of a project.
ROOT_MARKERS = (".git", "pyproject.toml")


def _problem(path: str, code: codes.Code, message: str, hint: str | None = None, span: Span | None = None) -> Diagnostic:
    return Diagnostic(code.id, code.severity, message, span or Span(path, 1, 1, 1, 1), hint)


def project_root(path: str) -> str:
    """The project a checked path belongs to: the nearest folder at or above it that holds
    .git or pyproject.toml; failing that, the folder named (or the named file's folder).
    Symbolic links in `path` are not followed."""
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) and not os.path.islink(absolute) else os.path.dirname(absolute)
    current = folder
    while True:
        if any(os.path.lexists(os.path.join(current, marker)) for marker in ROOT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return folder


def is_inside(path: str, root: str) -> bool:
    """Whether `path`, with every symbolic link resolved, lies in the folder `root`."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def refuse_outside(path: str, root: str, span: Span | None = None, written: str | None = None) -> Diagnostic | None:
    """OKR107 when `path` leaves `root` (through .., an absolute path or a link), else None.

    The message names the path as written and the project; it never shows the target."""
    if is_inside(path, root):
        return None
    if written is not None:
        what = f'cannot include "{written}": it is'
    else:
        kind = "folder" if os.path.isdir(path) else "file"
        what = f"{path} links to a {kind}" if os.path.islink(path.rstrip(os.sep) or path) else f"{path} is"
    return _problem(
        span.path if span else path, codes.FILE_REFUSED,
        f"{what} outside the project ({root}), and okrdsl reads only files inside it",
        hint="keep shared .okrp files inside the project, or name a wider project folder with --root",
        span=span,
    )


def read_source(path: str, span: Span | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Read one file as UTF-8. `span`, if given, is where the path was named (an include).

    Only a regular file is read, and only up to the size limit; a file with a line
    over the length limit is not returned, so it is never parsed or quoted."""
    where = span.path if span else path
    if "\0" in path:
        return None, [_problem(where, codes.FILE_NOT_FOUND, f"no such file: {path!r} holds a NUL character",
                               hint="write the file's name without control characters", span=span)]
    try:
        # Non-blocking, so that a named pipe is refused below instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, [_problem(where, codes.FILE_NOT_FOUND, f"no such file or folder: {path}", span=span)]
    except IsADirectoryError:
        return None, [_is_folder(where, path, span)]
    except OSError as error:
        return None, [_problem(where, codes.UNREADABLE, f"{path} could not be read: {error.strerror}", span=span)]
    kind = os.fstat(descriptor)
    if not stat.S_ISREG(kind.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(kind.st_mode):
            return None, [_is_folder(where, path, span)]
        return None, [_problem(where, codes.UNREADABLE, f"{path} is not a regular file", span=span)]
    with os.fdopen(descriptor, "rb") as file:
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            return None, [_problem(where, codes.UNREADABLE, f"{path} could not be read: {error.strerror}", span=span)]
    return decode_source(path, data, kind.st_size)


def read_stream(name: str, stream) -> tuple[Source | None, list[Diagnostic]]:
    """Read text from a binary stream (standard input) as if it were the file `name`: the same
    size, encoding and line limits as read_source, and never more than the limit is read."""
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [_problem(name, codes.UNREADABLE, f"{name} could not be read: {error.strerror or error}")]
    return decode_source(name, data or b"")


def decode_source(path: str, data: bytes, size: int = 0) -> tuple[Source | None, list[Diagnostic]]:
    """The text of `data` (read from `path`, `size` bytes long on disk) as a Source, unless it
    is larger than the limit, not UTF-8, or has a line longer than the limit."""
    if len(data) > MAX_FILE_BYTES or size > MAX_FILE_BYTES:
        size = max(len(data), size)
        what = _size(size) if size > len(data) or len(data) <= MAX_FILE_BYTES else f"over {_size(MAX_FILE_BYTES)}"
        return None, [_problem(
            path, codes.FILE_TOO_LARGE,
            f"{path} is {what}; okrdsl reads files of up to {_size(MAX_FILE_BYTES)}",
            hint="split it into files that include a shared one, or check that this is the file you meant",
        )]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = normalise_newlines(data[: error.start].decode("utf-8", errors="replace"))
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return None, [_problem(
            path, codes.NOT_UTF8,
            f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}, column {column})",
            hint="save the file as UTF-8 in your editor",
            span=Span(path, line, column, line, column + 1, len(before), len(before) + 1),
        )]
    return source_of_text(path, text)


def source_of_text(path: str, text: str) -> tuple[Source | None, list[Diagnostic]]:
    """A `Source` for text that is already decoded (an editor's unsaved buffer, or a file
    just read), held to the same limits as a file on disk: its size, and its longest line.
    A byte order mark is dropped, and lone carriage returns become newlines."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_FILE_BYTES:
        return None, [_problem(
            path, codes.FILE_TOO_LARGE,
            f"{path} is {_size(size)}; okrdsl reads files of up to {_size(MAX_FILE_BYTES)}",
            hint="split it into files that include a shared one, or check that this is the file you meant",
        )]
    if text.startswith("\ufeff"):
        text = text[1:]
    source = Source(path, normalise_newlines(text))
    too_long = _first_long_line(source)
    if too_long is not None:
        return None, [too_long]
    return source, []


def _is_folder(where: str, path: str, span: Span | None) -> Diagnostic:
    return _problem(where, codes.IS_DIRECTORY, f"{path} is a folder, not a .okrp file",
                    hint="name a file, such as specs/roles.okrp", span=span)


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def _first_long_line(source: Source) -> Diagnostic | None:
    """OKR017 at the first character past the limit of the first line longer than it."""
    starts = source.line_starts
    for number, start in enumerate(starts, 1):
        end = starts[number] - 1 if number < len(starts) else len(source.text)
        if end - start > MAX_LINE_CHARS:
            return _problem(
                source.path, codes.LINE_TOO_LONG,
                f"line {number} is {end - start:,} characters long; okrdsl reads lines of up to {MAX_LINE_CHARS:,}",
                hint="break the text over several lines or steps; okrdsl did not check this file",
                span=source.span(start + MAX_LINE_CHARS, start + MAX_LINE_CHARS + 1),
            )
    return None


GLOB_CHARACTERS = frozenset("*?[")


def expand(paths) -> tuple[list[str], list[Diagnostic]]:
    """`paths` with each quoted glob (`'specs/**/*.okrp'`: glob characters, and no file or
    folder of that name) replaced by the folders and .okrp files it matches, in sorted order."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = str(raw)
        if "\0" in path or not GLOB_CHARACTERS & set(path) or os.path.lexists(path):
            found.append(path)
            continue
        import glob  # only for a pattern

        matched = [p for p in sorted(glob.glob(path, recursive=True)) if os.path.isdir(p) or p.endswith(SUFFIX)]
        if not matched:
            problems.append(_problem(path, codes.FILE_NOT_FOUND, f"no such file or folder: {path} matches nothing",
                                     hint="check the pattern; ** matches any number of folders"))
        found.extend(matched)
    return found, problems


def discover(paths, root: str | None = None, skip=None) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """The .okrp files named by `paths`, each with its project root: files as given (a
    quoted glob is expanded: see expand), folders searched (without following links to
    folders, and without reading a linked file outside the project).

    `skip(path, is_folder)` says whether a search leaves a file or folder out (.gitignore,
    a configuration's exclude); by default it leaves out SKIPPED_FOLDERS. A file named
    on the command line is never left out. A file named twice (or by two paths, such as
    relative and absolute) is listed once.
    """
    paths, problems = expand(paths)
    found: list[tuple[str, str]] = []
    for path in paths:
        if "\0" in path:
            problems.append(_problem(path.replace("\0", "\\0"), codes.FILE_NOT_FOUND,
                                     "no such file or folder: the path holds a NUL character"))
            continue
        its_root = root or project_root(path)
        try:
            os.lstat(path)
        except FileNotFoundError:
            problems.append(_problem(path, codes.FILE_NOT_FOUND, f"no such file or folder: {path}"))
            continue
        except OSError as error:  # a folder on the way cannot be searched
            problems.append(_problem(path, codes.UNREADABLE, f"{path} could not be read: {error.strerror or error}",
                                     hint="check the permissions of the folders on its path"))
            continue
        if os.path.isdir(path):
            refused = refuse_outside(path, its_root)
            if refused is not None:
                problems.append(refused)
                continue
            inside, trouble = _walk(path, its_root, skip)
            problems.extend(trouble)
            if not inside and not trouble:
                problems.append(_problem(path, codes.NO_FILES, f"no .okrp files in {path}",
                                         hint="check the path: nothing was checked here"))
            found.extend((p, its_root) for p in inside)
        else:
            refused = refuse_outside(path, its_root)
            if refused is not None:
                problems.append(refused)
            else:
                found.append((path, its_root))
    unique: dict[str, tuple[str, str]] = {}
    real_folders: dict[str, str] = {}
    for path, its_root in found:
        unique.setdefault(_real_path(path, real_folders), (os.path.normpath(path), its_root))
    return list(unique.values()), problems


def _real_path(path: str, real_folders: dict[str, str]) -> str:
    """os.path.realpath(path), its folder resolved once for all the files found in it
    (`real_folders` keeps them): a file that is not itself a link is what its name is in
    its folder's real path. realpath looks at each folder on the way, and a search finds
    hundreds of files in a few folders."""
    if os.path.islink(path):
        return os.path.realpath(path)
    folder, name = os.path.split(path)
    if folder not in real_folders:
        real_folders[folder] = os.path.realpath(folder or os.curdir)
    return os.path.join(real_folders[folder], name)


def _walk(top: str, root: str, skip=None) -> tuple[list[str], list[Diagnostic]]:
    """The .okrp files under `top` in sorted order, walked without recursion (any depth);
    links to folders are not entered, what `skip` names is left out, and a linked file
    that leaves `root` is refused."""
    if skip is None:
        def skip(path: str, is_folder: bool) -> bool:
            return is_folder and os.path.basename(path) in SKIPPED_FOLDERS

    found: list[str] = []
    problems: list[Diagnostic] = []
    pending = [os.path.normpath(top)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(_problem(folder, codes.UNREADABLE, f"the folder {folder} could not be read: "
                                     f"{error.strerror or error}", hint="check its permissions"))
            continue
        subfolders = []
        for entry in entries:
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                if not skip(entry.path, True):
                    subfolders.append(os.path.normpath(entry.path))
            elif entry.name.endswith(SUFFIX) and not skip(entry.path, False):
                path = os.path.normpath(entry.path)
                refused = refuse_outside(path, root) if entry.is_symlink() else None
                if refused is not None:
                    problems.append(refused)
                else:
                    found.append(path)
        pending.extend(reversed(subfolders))  # depth first, in name order, as os.walk lists them
    return found, problems



def temporary_beside(path: str, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file in the folder of `path`, created for this process alone (O_EXCL, mode 0600, as
    tempfile.mkstemp makes it, without importing tempfile and the modules it brings): its open
    descriptor and its path. Raises OSError."""
    folder = os.path.dirname(os.path.abspath(path))
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name in {folder}")


def write_atomic(path: str, text: str, durable: bool = True) -> None:
    """Write `text` (UTF-8) to `path` all at once: into a temporary file beside it, then renamed
    over it, so that a reader never sees half a file and a failure leaves `path` as it was.
    `durable`: on the disk before the rename (fsync), as a user's file should be; the result
    cache does without, as an entry lost to a crash costs only a check. Raises OSError (a
    folder that does not exist, no permission, a full disk)."""
    handle, temporary = temporary_beside(path, ".okrdsl-", ".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if os.path.exists(path):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def in_repository(path: str) -> str | None:
    """`path` relative to the repository okrdsl runs in (the project of the current folder:
    see project_root), with forward slashes, as code scanning and Code Quality reports
    place findings; None for a path outside it."""
    root = repository()
    if not is_inside(path, root):
        return None
    return os.path.relpath(os.path.realpath(path), os.path.realpath(root)).replace(os.sep, "/")


def repository() -> str:
    """The folder reports give paths relative to: the project of the current folder."""
    return project_root(os.getcwd())
