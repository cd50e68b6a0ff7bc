"""Stage 0, configuration: the settings in `[tool.okrdsl]` of a pyproject.toml or in an
.okrdsl.toml, as ruff reads `[tool.ruff]` and ruff.toml.

`load_config(path)` reads one file and gives its `Config` and the diagnostics of what is
wrong in it, each located at the key or value (tomllib gives no positions, so the key's
line is found in the text). A key with a wrong value is left out, and the other keys
still apply. `Settings` finds the configuration of each checked path: the nearest
.okrdsl.toml or pyproject.toml with a `[tool.okrdsl]` table in the path's folder or the
folders above it, up to the top of the git repository. In one folder, .okrdsl.toml wins.
"""

from __future__ import annotations

import functools
import os
import re

from okrdsl import codes
from okrdsl.diagnostics import Diagnostic, UsageProblem
from okrdsl.files import SKIPPED_FOLDERS, read_source
from okrdsl.records import frozen
from okrdsl.source import Source, Span
from okrdsl.words import did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:
    import tomllib

    from okrdsl import ir

CONFIG_FILE = ".okrdsl.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "okrdsl")  # where the settings sit in a pyproject.toml
# gitignore patterns of the folders a search never enters, unless `exclude` says otherwise.
DEFAULT_EXCLUDE = tuple(sorted(f"{name}/" for name in SKIPPED_FOLDERS))
KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "strict",
        "fiscal-year-start", "fiscal-year-naming", "weeks-start")


@frozen
class Config:
    """The settings for the files under one configuration file's folder.

    `path` is the file they came from (None: okrdsl's defaults). Codes are kept as written
    (codes, prefixes or rule names: see rules.catalogue.resolve_codes). `per_file_ignores`
    pairs a gitignore-style pattern with codes; it and `exclude` are relative to `folder`.
    `exclude` None means DEFAULT_EXCLUDE. The calendar fields, when set, are what a
    process uses where it does not say (`calendar`, an ir.CalendarDefaults).

    The calendar fields are kept as the plain pairs ir.CalendarDefaults takes
    (`calendar_given`), and `calendar` is made from them when asked for: reading a
    configuration imports no IR, which a check answered from the result cache never needs
    (importing it costs about 20 ms, a quarter of such a check)."""

    path: str | None = None
    folder: str = "."
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    strict: bool = False
    calendar_given: tuple[tuple[str, int | str], ...] = ()  # (("start_month", 1),), sorted

    @property
    def calendar(self) -> ir.CalendarDefaults:
        return _calendar(self.calendar_given)

    @property
    def excluded(self) -> tuple[str, ...]:
        """Every pattern a folder search leaves out: `exclude` (or the default), then `extend-exclude`."""
        return (DEFAULT_EXCLUDE if self.exclude is None else self.exclude) + self.extend_exclude


@functools.lru_cache(maxsize=64)
def _calendar(given: tuple[tuple[str, int | str], ...]) -> ir.CalendarDefaults:
    from okrdsl import ir

    return ir.CalendarDefaults(**dict(given))


def load_config(path: str) -> tuple[Config | None, list[Diagnostic]]:
    """Read one configuration file. A pyproject.toml without a `[tool.okrdsl]` table is no
    configuration (None, and no diagnostics); one that is not valid TOML is one only when
    its text names tool.okrdsl (so an unrelated broken pyproject.toml is not okrdsl's business)."""
    source, problems = read_source(path)
    if source is None:
        return None, problems
    is_pyproject = os.path.basename(path) == PYPROJECT
    import tomllib  # here, not above: a check in a project without a configuration file needs none

    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        if is_pyproject and "okrdsl" not in source.text:
            return None, []
        return Config(path, os.path.dirname(path) or "."), [_syntax_error(source, error)]
    table: tuple[str, ...] = ()
    if is_pyproject:
        data = data.get("tool", {}).get("okrdsl") if isinstance(data.get("tool"), dict) else None
        if data is None:
            return None, []
        table = TABLE
    reader = _Reader(source, table)
    if not isinstance(data, dict):
        reader.bad("okrdsl", f"[tool.okrdsl] must be a table of settings, not {_kind(data)}", "okrdsl")
        return Config(path, os.path.dirname(path) or "."), reader.diagnostics
    return reader.config(data), reader.diagnostics


def _syntax_error(source: Source, error: tomllib.TOMLDecodeError) -> Diagnostic:
    message = str(error)
    where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    line, column = (int(where.group(1)), int(where.group(2))) if where else (len(source.line_starts), 1)
    what = message[: where.start()] if where else message.replace(" (at end of document)", "")
    line = min(line, len(source.line_starts))
    start = min(source.line_starts[line - 1] + column - 1, len(source.text))
    return _diagnostic(codes.CONFIG_SYNTAX, f"{source.path} is not valid TOML: {what[:1].lower()}{what[1:]}",
                       source.span(start, min(start + 1, len(source.text))),
                       "fix the TOML there; until then okrdsl checks without this configuration")


def _diagnostic(code: codes.Code, message: str, span: Span, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code.id, code.severity, message, span, hint)


def _kind(value) -> str:
    """How a TOML value is called in a message: 'a string ("OKR502")', 'a number (2)'."""
    names = {bool: "true or false", str: "a string", int: "a number", float: "a number",
             list: "a list", dict: "a table"}
    kind = next((name for cls, name in names.items() if isinstance(value, cls)), "a date")
    return kind if isinstance(value, (list, dict, bool)) else f"{kind} ({value!r})".replace("'", '"')


class _Reader:
    """Checks each key of one configuration and locates what is wrong in its text."""

    def __init__(self, source: Source, table: tuple[str, ...]) -> None:
        self.source, self.table = source, table
        self.lines = source.text.split("\n")
        self.diagnostics: list[Diagnostic] = []

    # --- finding a key or a value in the text, which tomllib does not locate ---

    def _section(self, table: tuple[str, ...]) -> tuple[int, int] | None:
        """The lines (start, end) of a `[table]`, or of the top level for ()."""
        start = 0 if not table else None
        for number, line in enumerate(self.lines):
            header = re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
            if header is None:
                continue
            if start is not None:
                return start, number
            if tuple(part.strip().strip("\"'") for part in header.group(1).split(".")) == table:
                start = number + 1
        return (start, len(self.lines)) if start is not None else None

    def _find_key(self, key: str, table: tuple[str, ...]) -> tuple[int, int] | None:
        """(line index, column index) of `key =` in `table`, else of `key` in a parent table."""
        written = re.escape(key)
        pattern = re.compile(rf"""\s*(?:[\w-]+\s*\.\s*)*(?:"{written}"|'{written}'|{written})\s*[.=]""")
        while True:
            section = self._section(table)
            if section is not None:
                for number in range(*section):
                    if pattern.match(self.lines[number]):
                        return number, self.lines[number].index(key)
            if not table:
                return None
            key, table = table[-1], table[:-1]

    def span(self, key: str, table: tuple[str, ...] = (), value: str | None = None) -> Span:
        """The narrowest span for a key (or for `value` quoted after it), else the table's header."""
        found = self._find_key(key, self.table + table)
        if found is None:
            return self.source.span(0, 0)
        line, column = found
        start = self.source.line_starts[line] + column
        if value is not None:
            quoted = re.compile(r"([\"'])" + re.escape(value) + r"\1")
            rest = self.source.text[start:]
            nxt = re.search(r"\n\s*(?:\[|[\w\"'.-]+\s*=)", rest[1:])
            hit = quoted.search(rest[: nxt.start() + 1 if nxt else len(rest)])
            if hit is not None:
                return self.source.span(start + hit.start(), start + hit.end())
        return self.source.span(start, start + len(key))

    def bad(self, key: str, message: str, name: str | None = None, table: tuple[str, ...] = (),
            value: str | None = None, hint: str | None = None) -> None:
        self.diagnostics.append(_diagnostic(codes.BAD_CONFIG_VALUE, message, self.span(name or key, table, value), hint))

    # --- the keys ---

    def config(self, data: dict) -> Config:
        folder = os.path.dirname(self.source.path) or "."
        values: dict = {}
        calendar: dict = {}
        for key, value in data.items():
            if key not in KEYS:
                suggestion = did_you_mean(key, KEYS)
                self.diagnostics.append(_diagnostic(
                    codes.UNKNOWN_CONFIG_KEY, f'"{key}" is not an okrdsl setting', self.span(key),
                    suggestion or "the settings are " + ", ".join(KEYS)))
                continue
            read = getattr(self, "_" + key.replace("-", "_"))(key, value)
            if read is None:
                continue
            if key in ("fiscal-year-start", "fiscal-year-naming", "weeks-start"):
                calendar[{"fiscal-year-start": "start_month", "fiscal-year-naming": "named_by"}.get(key, "weeks_start")] = read
            else:
                values[key.replace("-", "_")] = read
        return Config(self.source.path, folder, calendar_given=tuple(sorted(calendar.items())), **values)

    def _codes(self, key: str, value, table: tuple[str, ...] = (), name: str | None = None) -> tuple[str, ...] | None:
        from okrdsl.rules.catalogue import resolve_codes

        if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
            self.bad(key, f"{key} must be a list of codes, prefixes or rule names, such as [\"OKR502\"], "
                          f"not {_kind(value)}", name, table)
            return None
        for word in value:
            try:
                resolve_codes([word])
            except ValueError:
                self.bad(key, f'"{word}" in {key} matches no okrdsl code or rule', name, table, value=word,
                         hint=_suggest(word) or "`okrdsl rules` lists them")
                return None
        return tuple(value)

    _select = _ignore = _extend_select = _codes

    def _patterns(self, key: str, value) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
            self.bad(key, f'{key} must be a list of gitignore-style patterns, such as ["drafts/"], not {_kind(value)}')
            return None
        return tuple(value)

    _exclude = _extend_exclude = _patterns

    def _per_file_ignores(self, key: str, value) -> tuple | None:
        if not isinstance(value, dict):
            self.bad(key, f'{key} must be a table of patterns and codes, such as {{"drafts/*.okrp" = ["OKR5"]}}, '
                          f"not {_kind(value)}")
            return None
        found = []
        for pattern, words in value.items():
            if not isinstance(words, list) and re.fullmatch(r"[a-z][a-z-]*", pattern):
                # `fiscal-year-start = "January"` written at the end of the file lands in the
                # last table opened, which is often this one
                self.bad(key, f'"{pattern}" is under [tool.okrdsl.per-file-ignores], where each line is a pattern '
                              "and its codes", pattern, (key,),
                         hint="a setting of [tool.okrdsl] goes above the [tool.okrdsl.per-file-ignores] line")
                continue
            read = self._codes(f'per-file-ignores "{pattern}"', words, (key,), name=pattern)
            if read is not None:
                found.append((pattern, read))
        return tuple(found)

    def _strict(self, key: str, value) -> bool | None:
        if not isinstance(value, bool):
            self.bad(key, f"{key} must be true or false, not {_kind(value)}")
            return None
        return value

    def _fiscal_year_start(self, key: str, value) -> int | None:
        from okrdsl.calendar import parse_month

        try:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValueError
            return parse_month(str(value))
        except ValueError:
            self.bad(key, f"{key} must be a month, such as \"February\" or 2, not {_kind(value)}",
                     value=value if isinstance(value, str) else None)
            return None

    def _fiscal_year_naming(self, key: str, value) -> str | None:
        if value not in ("end", "start"):
            self.bad(key, f'{key} must be "end" (FY23 ends in 2023) or "start" (FY23 starts in 2023), '
                          f"not {_kind(value)}", value=value if isinstance(value, str) else None)
            return None
        return value

    def _weeks_start(self, key: str, value) -> str | None:
        from okrdsl.ir import WEEKDAYS

        word = value.strip().lower() if isinstance(value, str) else ""
        day = next((day for day in WEEKDAYS if len(word) >= 3 and day.startswith(word)), None)
        if day is None:
            self.bad(key, f'{key} must be a weekday, such as "monday", not {_kind(value)}',
                     value=value if isinstance(value, str) else None)
        return day


def _suggest(word: str) -> str | None:
    from okrdsl.rules import all_codes

    known = all_codes()
    return did_you_mean(word.upper(), known) or did_you_mean(word.lower(), [c.name for c in known.values()])


def find_config(folder: str) -> str | None:
    """The configuration file nearest to `folder`: .okrdsl.toml, or a pyproject.toml that names
    tool.okrdsl, in it or a folder above it, up to the folder that holds .git (the repository's top)."""
    current = os.path.abspath(folder)
    while True:
        candidate = os.path.join(current, CONFIG_FILE)
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(current, PYPROJECT)
        if os.path.isfile(candidate) and _names_okrdsl(candidate):
            return candidate
        parent = os.path.dirname(current)
        if os.path.lexists(os.path.join(current, ".git")) or parent == current:
            return None
        current = parent


def _names_okrdsl(path: str) -> bool:
    """Whether a pyproject.toml has a [tool.okrdsl] table (or, if not valid TOML, names it)."""
    source, _ = read_source(path)
    if source is None or "okrdsl" not in source.text:
        return False
    import tomllib

    try:
        tool = tomllib.loads(source.text).get("tool")
    except tomllib.TOMLDecodeError:
        return True
    return isinstance(tool, dict) and "okrdsl" in tool


class Settings:
    """The configuration of each path of one check: that of `--config FILE` for all of them,
    okrdsl's defaults with `isolated`, else the nearest configuration file's (found once per
    folder). `diagnostics` and `sources` hold what was wrong in the files read, each once."""

    def __init__(self, config_file: str | None = None, isolated: bool = False) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, Source] = {}
        self._by_folder: dict[str, Config] = {}
        self._by_path: dict[str, Config] = {}
        self._by_file: dict[str | None, Config] = {None: Config()}
        self._fixed: Config | None = Config() if isolated else None
        if config_file is not None and not isolated:
            self._fixed = self._load(config_file)
            if self._fixed.path is None:
                raise UsageProblem(f"{config_file} has no [tool.okrdsl] table: "
                                   "write the settings there, or name an .okrdsl.toml")

    def _load(self, path: str) -> Config:
        shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
        if shown not in self._by_file:
            config, problems = load_config(shown)
            self.diagnostics.extend(problems)
            if problems:
                source, _ = read_source(shown)
                if source is not None:
                    self.sources[shown] = source
            self._by_file[shown] = config or Config()
        return self._by_file[shown]

    def loaded(self) -> list[Config]:
        """Every configuration read so far (for the files of a check, once they are loaded)."""
        return list(self._by_file.values()) + ([self._fixed] if self._fixed is not None else [])

    def for_path(self, path: str) -> Config:
        """The configuration that applies to a file or folder (or to a file read from
        standard input, by the name it is given)."""
        if self._fixed is not None:
            return self._fixed
        config = self._by_path.get(path)
        if config is None:  # a check asks this of each file several times: a stat and a walk up once
            folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
            key = os.path.abspath(folder)
            if key not in self._by_folder:
                found = find_config(folder)
                self._by_folder[key] = self._load(found) if found else Config()
            config = self._by_path[path] = self._by_folder[key]
        return config

    def used(self) -> list[Config]:
        """The configurations found so far, from files."""
        return [config for config in self._by_file.values() if config.path is not None]


def describe(settings: Settings, path: str) -> str:
    """What `okrdsl check --show-settings PATH` prints: where the settings of PATH come from,
    then every setting as it applies (a TOML value, or what its absence means)."""
    import json

    from okrdsl.calendar import MONTHS

    config = settings.for_path(path)
    if config.path is None:
        head = f"{path}: no configuration file; okrdsl's defaults"
    else:
        head = f"{path}: {config.path}" + (" [tool.okrdsl]" if os.path.basename(config.path) == PYPROJECT else "")

    def toml(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value) + "}"
        if isinstance(value, tuple):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        return json.dumps(value)

    calendar = config.calendar
    rows = [
        ("select", "every code" if config.select is None else toml(config.select)),
        ("extend-select", toml(config.extend_select)),
        ("ignore", toml(config.ignore)),
        ("per-file-ignores", toml(config.per_file_ignores) if config.per_file_ignores else "{}"),
        ("exclude", toml(config.exclude if config.exclude is not None else DEFAULT_EXCLUDE)
         + (" (the default)" if config.exclude is None else "")),
        ("extend-exclude", toml(config.extend_exclude)),
        ("strict", toml(config.strict)),
        ("fiscal-year-start", f"{calendar.start_month} ({MONTHS[calendar.start_month - 1].capitalize()})"),
        ("fiscal-year-naming", toml(calendar.named_by)),
        ("weeks-start", toml(calendar.weeks_start)),
    ]
    width = max(len(key) for key, _ in rows)
    return "\n".join([head, *(f"  {key:{width}} = {value}" for key, value in rows)])
