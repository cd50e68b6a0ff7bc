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

Entries are plain JSON, never pickle: a cache folder can be committed or planted,
so an entry is data that is checked before use, and one that is corrupt, foreign
(another key, another version) or malformed is ignored. Writes are atomic (a
temporary file renamed into place). A project root that cannot be written gets no
cache, and the check goes on: the cache never makes a check fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat

import attrs

from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.limits import MAX_FILE_BYTES
from okrdsl.source import Span

FOLDER = ".okrdsl_cache"
FORMAT = 1
_SPAN_INTS = ("line", "column", "end_line", "end_column", "start", "end")


def config_digest(config) -> str:
    """The SHA-256 of a canonical JSON of a configuration (okrdsl.config.Config, attrs):
    every value that can change what a file's check builds or reports."""
    values = attrs.asdict(config, recurse=True)
    return digest(json.dumps(values, sort_keys=True, default=str).encode("utf-8"))


@attrs.frozen
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
    parts = {"format": FORMAT, "version": version, "path": path, "root": os.path.realpath(root),
             "content": content, "config": config, "select": list(select), "ignore": list(ignore),
             "opted": list(opted)}
    return digest(json.dumps(parts, sort_keys=True).encode("utf-8"))


class Cache:
    """Entries in `folder` (created on the first write, with a .gitignore of `*`)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.writable = True

    def _entry_path(self, entry_key: str) -> str:
        return os.path.join(self.folder, f"v{FORMAT}", entry_key[:2], entry_key + ".json")

    def get(self, entry_key: str, config_of) -> Outcome | None:
        """The outcome stored under `entry_key`, if it is well formed, is really for this key,
        every file it read is unchanged, and every file it loaded still has the configuration
        it had (`config_of(path)` gives its config_digest now); None otherwise."""
        try:
            with open(self._entry_path(entry_key), encoding="utf-8") as file:
                stored = json.load(file)
            outcome = _outcome(stored, entry_key)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if outcome is None:
            return None
        for path, expected in outcome.read:
            if file_digest(path) != expected:
                return None
        for path, expected in outcome.configs:
            if config_of(path) != expected:
                return None
        return outcome

    def put(self, entry_key: str, outcome: Outcome) -> None:
        """Store an outcome; any failure to write is ignored (no cache, same results)."""
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
    import tempfile  # only when writing: it imports shutil, random and the compressors

    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


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
