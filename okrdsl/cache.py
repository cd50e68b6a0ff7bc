"""The result cache of `okrdsl check`: what each checked file was found to hold, kept
between runs in `.okrdsl_cache/` at the project root, as ruff keeps `.ruff_cache/`.

A checked file's findings depend on its text, on the text of every file it includes
(directly or not), on okrdsl's version, on the command line's --select and --ignore
(which turn opt-in rules on), on the project root, and on the configuration of each
of those files (its calendar defaults change how a file is built; its select, ignore
and per-file-ignores what is reported). An entry is found by a key made of the
version, the file's path, root and content, the selection and the file's own
configuration; it lists every file the check read (with the SHA-256 of its bytes),
every include it could not find, and the configuration of every file it loaded, and
is used only while all of them are unchanged. It holds what the file's check found
after inline suppressions and before any selection, which the caller applies.

To find a file's key without reading it, the cache also keeps what each file's bytes
hashed to when last read, by the file's stat (`Stats`: modification and change times,
size, inode), as git's index does: a file whose stat is what it was is taken to hold the
same bytes. Writing a file moves its change time, which no tool can set back. A file
modified within `RACY_SECONDS` of being read is not recorded (it may change again within
the same tick of the file system's clock), so it is read next time.

Entries are plain JSON, never pickle: a cache folder can be committed or planted,
so an entry is data that is checked before use, and one that is corrupt, foreign
(another key, another version) or malformed is ignored. Writes are atomic (a
temporary file renamed into place). A project root that cannot be written gets no
cache, and the check goes on: the cache never makes a check fail.
"""

from __future__ import annotations

import functools
import os
import stat
import time

import attrs

from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.limits import MAX_CACHED_STATS, MAX_FILE_BYTES
from okrdsl.records import frozen
from okrdsl.source import Span

FOLDER = ".okrdsl_cache"
FORMAT = 1
_SPAN_INTS = ("line", "column", "end_line", "end_column", "start", "end")


def config_digest(config) -> str:
    """The SHA-256 of a canonical JSON of a configuration (okrdsl.config.Config, attrs):
    every value that can change what a file's check builds or reports."""
    import json  # where used: a check under --no-cache imports no json (1.5 ms)

    values = attrs.asdict(config, recurse=True)
    return digest(json.dumps(values, sort_keys=True, default=str).encode("utf-8"))


@frozen
class Outcome:
    """What checking one file (with what it includes) found: every diagnostic, the files it
    depends on (path and digest of their bytes; None for an include that could not be
    read), the files it loaded (the only ones a report may quote), and the files the
    check counts."""

    diagnostics: tuple[Diagnostic, ...]
    read: tuple[tuple[str, str | None], ...]
    loaded: tuple[str, ...]
    counted: tuple[str, ...]
    configs: tuple[tuple[str, str], ...] = ()  # each loaded file's configuration (config_digest)


def digest(data: bytes) -> str:
    import hashlib  # here: its import takes 3 ms, which a check under --no-cache does without

    return hashlib.sha256(data).hexdigest()


def file_digest(path: str) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read as a regular file
    (opened without blocking, so that a named pipe is not waited on)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # a folder, a pipe, a device
            os.close(descriptor)
            return None
        with os.fdopen(descriptor, "rb") as file:
            return digest(file.read(MAX_FILE_BYTES + 1))
    except OSError:
        return None


def key(version: str, path: str, root: str, content: str, config: str, select, ignore, opted) -> str:
    """The one place a cache key is made: from okrdsl's version, the checked file's path (as
    findings name it), its project root, its content's digest, its configuration's digest
    (config_digest), the command line's --select and --ignore (resolved) and the prefixes
    that turn opt-in rules on."""
    import json

    parts = {"format": FORMAT, "version": version, "path": path, "root": _real(root),
             "content": content, "config": config, "select": list(select), "ignore": list(ignore),
             "opted": list(opted)}
    return digest(json.dumps(parts, sort_keys=True).encode("utf-8"))


@functools.lru_cache(maxsize=64)
def _real(root: str) -> str:
    """A project root with its links resolved: asked once per checked file, the same few roots."""
    return os.path.realpath(root)


class Cache:
    """Entries in `folder` (created on the first write, with a .gitignore of `*`)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.writable = True
        self._stats: Stats | None = None
        self._digests: dict[str, str | None] = {}

    def digest(self, path: str) -> str | None:
        """file_digest(path), read once a run (an entry checks the file it is for, and a file
        many include, a roles catalogue, is read by every entry of those), and not at all
        while the file's stat is what it was when last read (`Stats`)."""
        if path not in self._digests:
            if self._stats is None:
                self._stats = Stats(self.folder)
            self._digests[path] = self._stats.digest(path)
        return self._digests[path]

    def save_stats(self) -> None:
        """Keep the stats of the files read for the next run; any failure to write is ignored
        (no stats, the same results), as `put`'s."""
        if self._stats is None or not self._stats.changed or not self.writable:
            return
        try:
            self._prepare()
            self._stats.save()
        except OSError:
            self.writable = False

    def _entry_path(self, entry_key: str) -> str:
        return os.path.join(self.folder, f"v{FORMAT}", entry_key[:2], entry_key + ".json")

    def get(self, entry_key: str, config_of, digest_of=file_digest) -> Outcome | None:
        """The outcome stored under `entry_key`, if it is well formed, is really for this key,
        every file it read is unchanged (`digest_of(path)` gives its file_digest now), and every
        file it loaded still has the configuration it had (`config_of(path)` gives its
        config_digest now); None otherwise."""
        import json

        try:
            with open(self._entry_path(entry_key), encoding="utf-8") as file:
                stored = json.load(file)
            outcome = _outcome(stored, entry_key)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if outcome is None:
            return None
        for path, expected in outcome.read:
            if digest_of(path) != expected:
                return None
        for path, expected in outcome.configs:
            if config_of(path) != expected:
                return None
        return outcome

    def put(self, entry_key: str, outcome: Outcome) -> None:
        """Store an outcome; any failure to write is ignored (no cache, same results)."""
        import json

        if not self.writable:
            return
        stored = {"format": FORMAT, "key": entry_key,
                  "read": [list(pair) for pair in outcome.read], "loaded": list(outcome.loaded),
                  "counted": list(outcome.counted), "configs": [list(pair) for pair in outcome.configs],
                  "diagnostics": [_diagnostic_json(d) for d in outcome.diagnostics]}
        try:
            self._prepare()
            target = self._entry_path(entry_key)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _write_atomic(target, json.dumps(stored, separators=(",", ":")))
        except OSError:
            self.writable = False

    def _prepare(self) -> None:
        ignore = os.path.join(self.folder, ".gitignore")
        if not os.path.exists(ignore):
            os.makedirs(self.folder, exist_ok=True)
            _write_atomic(ignore, "# Made by okrdsl: its result cache is not for version control.\n*\n")


def _write_atomic(path: str, text: str) -> None:
    from okrdsl.files import write_atomic

    write_atomic(path, text, durable=False)


def _diagnostic_json(d: Diagnostic) -> dict:
    span = d.span
    return {"code": d.code, "severity": d.severity.value, "message": d.message, "hint": d.hint,
            "span": {"path": span.path, **{name: getattr(span, name) for name in _SPAN_INTS}}}


def _outcome(stored, entry_key: str) -> Outcome | None:
    """An Outcome from stored JSON, every field checked for its type; None if anything is off."""
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != entry_key:
        return None
    read = tuple((_text(path), None if sha is None else _text(sha)) for path, sha in stored["read"])
    loaded = tuple(_text(path) for path in stored["loaded"])
    counted = tuple(_text(path) for path in stored["counted"])
    configs = tuple((_text(path), _text(sha)) for path, sha in stored["configs"])
    if not set(loaded) <= {path for path, sha in read if sha is not None}:
        return None  # a report quotes only files whose bytes the entry vouches for
    if set(loaded) != {path for path, _ in configs}:
        return None  # every loaded file's configuration is vouched for
    diagnostics = []
    for item in stored["diagnostics"]:
        span = item["span"]
        ints = [span[name] for name in _SPAN_INTS]
        if not all(type(value) is int for value in ints):
            return None
        hint = item["hint"]
        diagnostics.append(Diagnostic(_text(item["code"]), Severity(item["severity"]), _text(item["message"]),
                                      Span(_text(span["path"]), *ints), None if hint is None else _text(hint)))
    return Outcome(tuple(diagnostics), read, loaded, counted, configs)


RACY_SECONDS = 2  # a file modified this close to when it was read is read again next time


class Stats:
    """What each file read through this cache hashed to, by its stat, kept in the cache folder
    (`stats.json`): `digest(path)` is file_digest(path), without reading a file whose stat is
    unchanged since it was recorded. A stats file that is malformed is ignored."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, f"v{FORMAT}", "stats.json")
        self.known = self._load()
        self.changed = False
        self._seen: set[str] = set()

    def _load(self) -> dict[str, list]:
        import json

        try:
            with open(self.path, encoding="utf-8") as file:
                stored = json.load(file)
            if not isinstance(stored, dict) or stored.get("format") != FORMAT:
                return {}
            return {path: mark for path, mark in stored["files"].items()
                    if isinstance(mark, list) and len(mark) == 5 and all(type(n) is int for n in mark[:4])
                    and isinstance(mark[4], str)}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def digest(self, path: str) -> str | None:
        """file_digest(path): recorded if the file was not modified just now, not read at all if
        its stat is the one recorded."""
        absolute = os.path.abspath(path)
        self._seen.add(absolute)
        try:
            found = os.stat(absolute)  # before the read: a change after it shows in the next stat
        except (OSError, ValueError):
            return file_digest(path)
        mark = [found.st_mtime_ns, found.st_ctime_ns, found.st_size, found.st_ino]
        known = self.known.get(absolute)
        if known is not None and known[:4] == mark and stat.S_ISREG(found.st_mode):
            return known[4]
        content = file_digest(path)
        recent = time.time_ns() - RACY_SECONDS * 10**9
        if content is not None and found.st_mtime_ns < recent:
            self.known[absolute] = [*mark, content]
            self.changed = True
        return content

    def save(self) -> None:
        """Write the stats down (OSError when they cannot be)."""
        import json

        if len(self.known) > MAX_CACHED_STATS:
            self.known = {path: mark for path, mark in self.known.items() if path in self._seen}
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        _write_atomic(self.path, json.dumps({"format": FORMAT, "files": self.known}, separators=(",", ":")))
        self.changed = False


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def folder_for(root: str) -> str | None:
    """Where the cache of a checked file lives: `.okrdsl_cache` in its project folder (--root,
    or the project the file is in: files.project_root), only if that folder holds .git or
    pyproject.toml, so that no run leaves a cache folder in a folder that is not a project,
    nor in the current project for files outside it."""
    from okrdsl.files import ROOT_MARKERS

    base = root
    if not any(os.path.lexists(os.path.join(base, marker)) for marker in ROOT_MARKERS):
        return None
    return os.path.join(base, FOLDER)
