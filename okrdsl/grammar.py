"""The Lark grammar, loaded once, and the words that describe its terminals to people.

Building the LALR tables from grammar/okrp.lark takes a few hundred milliseconds,
more than everything else a small check does. So the analysed parser ships in the
package, made by `python -m okrdsl.grammar` from the grammar, in two files:

- okrdsl/parser_tables.py holds what okrdsl.lalr's fast parser needs, as a Python
  module of plain values (`FAST`): a check imports it from Python's compiled cache in
  half a millisecond, where reading it as JSON took importing json as well (2.5 ms);
- okrdsl/data/parser.json holds lark's own serialised parser (JSON, never a pickle),
  which `parser()` loads only when a file has a syntax error to explain (or for
  `okrdsl fmt`).

Each begins with a header that records the text of the grammar it was made from
(compared whole: no hash, and so no hashlib to import, which alone takes 3 ms) and the
lark version that made it: when either differs from what is installed (a grammar
edited in a source checkout, another lark release), the tables are built from the
grammar as before, so okrdsl is never wrong, only slower until the files are made
again. tests/test_grammar.py fails while they are stale.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lark is imported where its parser is loaded or built
    from pathlib import Path  # pathlib (with urllib and ipaddress: 4 ms) only where a Path is asked for

    from lark import Lark, Token

GRAMMAR_NAME = "okrp.lark"
TABLES_NAME = "parser.json"
TABLES_MODULE = "parser_tables"  # okrdsl/parser_tables.py
TABLES_FORMAT = 6

# How the grammar is turned into a parser. Positions come from the tokens (build.py
# reads them there), so lark does not propagate them to every tree node: that alone
# cost about 45% of the parse.
OPTIONS = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": False,
    "maybe_placeholders": False,
    "keep_all_tokens": True,
}


_HERE = os.path.dirname(os.path.realpath(__file__))


def _grammar_file() -> str:
    packaged = os.path.join(_HERE, "grammar", GRAMMAR_NAME)
    if os.path.isfile(packaged):
        return packaged
    # An editable install or a source checkout: the grammar sits beside the package.
    return os.path.join(os.path.dirname(_HERE), "grammar", GRAMMAR_NAME)


def _tables_file() -> str:
    return os.path.join(_HERE, "data", TABLES_NAME)


def _tables_module_file() -> str:
    return os.path.join(_HERE, TABLES_MODULE + ".py")


def grammar_path() -> Path:
    """Where grammar/okrp.lark is: in the installed wheel, or in the source tree."""
    from pathlib import Path

    return Path(_grammar_file())


def grammar_text() -> str:
    """The text of grammar/okrp.lark."""
    with open(_grammar_file(), encoding="utf-8") as file:
        return file.read()


def tables_path() -> Path:
    from pathlib import Path

    return Path(_tables_file())


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    text = grammar_text()
    return load_tables(text) or build_parser(text)


@functools.lru_cache(maxsize=1)
def fast_parser():
    """okrdsl.lalr's loop over the shipped tables' header, or over `parser()`'s tables when
    they are stale (None if that parser is set up in a way the loop does not drive)."""
    from okrdsl.lalr import for_lark

    tables = _fast_tables(grammar_text())
    return (_fast_from(tables) if tables is not None else None) or for_lark(parser())


def _fast_tables(text: str) -> dict | None:
    """The fast parser's shipped tables (okrdsl/parser_tables.py), if they were made from the
    grammar `text` with these options by this lark release (None when missing or stale)."""
    try:
        from okrdsl import parser_tables
    except (ImportError, SyntaxError):
        return None
    tables = getattr(parser_tables, "FAST", None)
    return tables if _made_for(getattr(parser_tables, "HEADER", None), text) and isinstance(tables, dict) else None


def _fast_from(tables: dict):
    """The fast parser of current tables, or None when they do not read as tables (then
    lark's parser is loaded, and driven by the same loop)."""
    from okrdsl.lalr import FastParser

    try:
        return FastParser(tables)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def build_parser(text: str) -> Lark:
    """The parser analysed from the grammar's text (the slow way)."""
    from lark import Lark

    from okrdsl.postlex import Postlexer

    return Lark(text, postlex=Postlexer(), **OPTIONS)


_VERSION = re.compile(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def lark_release() -> str | None:
    """major.minor of the installed lark: its serialised tables keep their form within one.
    Read from lark's source, as a check that meets no syntax error never imports lark; None
    when it cannot be read there (the shipped tables are then not trusted: lark builds them)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("lark")
        if spec is None or spec.origin is None:
            return None
        with open(spec.origin, encoding="utf-8") as file:
            found = _VERSION.search(file.read())
    except (OSError, ValueError, ImportError):
        return None
    return ".".join(found.group(1).split(".")[:2]) if found else None


def _header(text: str, path: Path | None = None) -> dict | None:
    """The first line of the shipped tables, if they were made from the grammar `text` with
    these options by this lark release (None when missing, damaged or stale)."""
    import json  # where used: a check that meets no syntax error imports no json (1.5 ms)

    try:
        with open(path or _tables_file(), encoding="utf-8") as file:
            header = json.loads(file.readline())
    except (OSError, ValueError):
        return None
    return header if _made_for(header, text) else None


def _made_for(header, text: str) -> bool:
    """Whether a header says its tables were made from the grammar `text`, with these options,
    by the installed lark release, in the format this module reads."""
    return (isinstance(header, dict) and header.get("format") == TABLES_FORMAT and header.get("grammar") == text
            and lark_release() is not None and header.get("lark") == lark_release()
            and header.get("options") == OPTIONS)


def tables_current() -> bool:
    """Whether the shipped tables serve the installed grammar and lark release (else lark
    builds the parser on every run: see the module docstring)."""
    text = grammar_text()
    return _header(text) is not None and _fast_tables(text) is not None


def load_tables(text: str, path: Path | None = None) -> Lark | None:
    """The parser from the shipped tables, or None when they are missing, unreadable, or were
    made from another grammar, with other options or by another lark release."""
    import json

    from lark import Lark

    from okrdsl.postlex import Postlexer

    try:
        if _header(text, path) is None:
            return None
        with open(path or _tables_file(), encoding="utf-8") as file:
            file.readline()
            saved = json.loads(file.readline(), object_hook=_decode_object)
        return Lark._load_from_dict(saved["data"], saved["memo"], postlex=Postlexer())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_tables(path: Path | None = None, module: Path | None = None) -> Path:
    """Analyse the grammar and write the tables that `parser()` and `fast_parser()` load
    (`python -m okrdsl.grammar`): lark's to `path` (okrdsl/data/parser.json), the fast
    parser's to `module` (okrdsl/parser_tables.py; beside `path` when only that is given).
    Returns `path`."""
    import json
    from pprint import pformat

    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    from okrdsl.lalr import tables_of
    from okrdsl.postlex import Postlexer

    text = grammar_text()
    data, memo = build_parser(text).memo_serialize([TerminalDef, Rule])
    data["options"] = {name: value for name, value in data["options"].items() if name != "postlex"}
    data["parser"]["parser"] = _canonical(data["parser"]["parser"])
    lark = {"data": _encode(data), "memo": _encode(memo)}
    # The fast parser's tables, read from the parser as it is loaded (its states numbered canonically).
    loaded = json.loads(json.dumps(lark), object_hook=_decode_object)
    fast = tables_of(Lark._load_from_dict(loaded["data"], loaded["memo"], postlex=Postlexer()))
    header = {"format": TABLES_FORMAT, "grammar": text, "lark": lark_release(), "options": OPTIONS}
    from okrdsl.files import write_atomic

    target = path or tables_path()
    if module is None:
        module = os.path.join(os.path.dirname(target), TABLES_MODULE + ".py") if path else _tables_module_file()
    write_atomic(str(target), "".join(json.dumps(part, separators=(",", ":"), sort_keys=True) + "\n"
                                      for part in (header, lark)))
    write_atomic(str(module), _TABLES_MODULE_DOC + f"HEADER = {pformat(header, width=100)}\n\n"
                              f"FAST = {pformat(fast, width=100)}\n")
    return target


_TABLES_MODULE_DOC = '''"""The fast parser's tables (okrdsl.lalr), made by `python -m okrdsl.grammar` from
grammar/okrp.lark with lark's analysis: do not edit. Plain values in a module, so that a check
reads them from Python's compiled cache (see okrdsl/grammar.py). HEADER says what they were made
from; okrdsl.grammar uses them only while it holds.
"""

'''


def _canonical(table: dict) -> dict:
    """The serialised LALR table with its states and tokens numbered in a fixed order (lark
    numbers them in the order of sets hashed by identity), so the same grammar gives the same
    file: tokens by name, states in the order a breadth-first walk from the start meets them."""
    names = table["tokens"]
    token_number = {old: new for new, old in enumerate(sorted(names, key=names.__getitem__))}
    states = table["states"]
    starts = table["start_states"]
    number: dict[int, int] = {}
    queue: list[int] = []
    for state in [starts[name] for name in sorted(starts)] + [table["end_states"][name] for name in sorted(starts)]:
        if state not in number:
            number[state] = len(number)
            queue.append(state)
    for state in queue:
        for token in sorted(states[state], key=names.__getitem__):
            action, argument = states[state][token]
            if action == 0 and argument not in number:  # a shift (or a goto) to a state not yet met
                number[argument] = len(number)
                queue.append(argument)
    for state in states:  # unreachable states, if lark ever made any: kept, after the rest
        number.setdefault(state, len(number))
    return {
        "tokens": {token_number[old]: names[old] for old in sorted(names, key=token_number.__getitem__)},
        "states": {number[state]: {token_number[token]: (action, number[argument] if action == 0 else argument)
                                   for token, (action, argument) in sorted(actions.items(),
                                                                           key=lambda item: names[item[0]])}
                   for state, actions in sorted(states.items(), key=lambda item: number[item[0]])},
        "start_states": {name: number[state] for name, state in starts.items()},
        "end_states": {name: number[state] for name, state in table["end_states"].items()},
    }


_PAIRS = "__pairs__"


def _encode(value):
    """lark's serialised form as JSON: a dict keyed by numbers (parse states) becomes its pairs."""
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {_PAIRS: [[key, _encode(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot save {type(value).__name__} in the parser tables")


def _decode_object(value: dict):
    """The inverse of `_encode`, for one JSON object as json.load meets it (inside out)."""
    if len(value) == 1 and _PAIRS in value:
        return {key: item for key, item in value[_PAIRS]}
    return value


# What each terminal is, in words a product manager understands. Keywords not
# listed here are shown as themselves, in quotes.
TERMINAL_WORDS = {
    "IDENT": "a name such as ProductOps",
    "STRING": 'a text in double quotes such as "Planning issue"',
    "LINK": "a link in angle brackets such as <https://example.com>",
    "HANDLE": "a handle such as @gl-product-pm",
    "QUARTER": "a quarter such as FY23-Q3",
    "MONTH": "a month such as February",
    "YEAR_END": '"end" or "start"',
    "WEEKEND_RULE": "keep, next-monday or previous-friday",
    "UNIT": "day, week or month",
    "DATE": "a date such as 2021-09-20",
    "DURATION": "a duration such as 1w, 3d or 1mo",
    "WEEKDAY": "a weekday such as Tuesday",
    "ORDINAL": "first, second, third, fourth or last",
    "INT": "a whole number",
    "PERCENT": "a percentage such as 40%",
    "HEALTH": "a health status such as on-track",
    "ALIAS_WORD": "a role's name such as E-group",
    "LENGTH": "a length such as 50m, 1h or 1h30m",
    "OR": '"or"',
    "THEN": '"then"',
    "SIGN": "an offset such as +1w",
    "AND": '"and"',
    "TEXT": "some text",
    "_NL": "the end of the line",
    "_INDENT": "an indented line under it",
    "_DEDENT": "a line with less indentation",
    "$END": "the end of the file",
}

# Sets of terminals that together mean one thing: when the parser expects all of
# a set, say the one thing instead of listing them.
EXPECTATIONS = (
    ({"IDENT", "ALIAS_WORD", "STRING"}, 'a role such as ProductOps, or a text in double quotes'),
    ({"IDENT", "ALIAS_WORD"}, "a role such as ProductOps"),
    ({"SIGN", "START", "END", "MIDDLE", "WEEK", "CALENDAR_MONTH", "IDENT"},
     "a time such as -4w, end+1w, week -2 or session1 + 1w"),
    ({"SIGN", "START", "END", "IDENT"}, "a time such as -4w, end+1w or session1 + 1w"),
    ({"SIGN", "INT", "END", "MIDDLE"}, "a number such as -2, 0 or +1, or end+1"),
    ({"AT", "ON", "WITHIN", "DURING", "BETWEEN", "AFTER", "ONGOING", "MEETING", "EVERY", "ALLOW"},
     "a step (at -4w: ...), a meeting, a cadence (every month: ...) or a permission (allow ...)"),
    ({"AT", "ON", "WITHIN", "ONGOING", "MEETING", "EVERY", "ALLOW"},
     "a step (at -4w: ...), a meeting, a cadence (every month: ...) or a permission (allow ...)"),
    ({"INCLUDE", "ROLES", "PROCESS", "ARTIFACT", "PHASE", "POLICY", "OKRS"},
     "include, roles, process, artifact, phase, policy or okrs at the start of the line"),
    ({"GOAL", "AGENDA", "SCHEDULED", "ATTENDEES", "FALLBACK", "NOTE"},
     "a meeting detail: goal, agenda, scheduled by, attendees, fallback or note"),
)


def describe_token(token: Token | None) -> str:
    """How to name the thing the parser stumbled on."""
    if token is None or token.type == "$END":
        return "the end of the file"
    if token.type == "_NL":
        return "the end of the line"
    if token.type == "_INDENT":
        return "an indented line"
    if token.type == "_DEDENT":
        return "the end of the indented block"
    text = str(token)
    if len(text) > 30:
        text = text[:27] + "..."
    return f'"{text}"'


def describe_expected(expected) -> str:
    """Words for a set of terminal names the parser would have accepted."""
    names = set(expected) - {"_NL", "$END"} if len(set(expected)) > 1 else set(expected)
    phrases = []
    for group, phrase in EXPECTATIONS:
        if group <= names:
            phrases.append(phrase)
            names -= group
    names -= {"_DEDENT"} if phrases else set()
    literals = parser().terminals
    by_name = {t.name: t for t in literals}
    def punctuation_first(name: str):
        terminal = by_name.get(name)
        literal = terminal is not None and terminal.pattern.type == "str" and not terminal.pattern.value.isalpha()
        return (not literal, name in TERMINAL_WORDS, name)

    for name in sorted(names, key=punctuation_first):
        if name in TERMINAL_WORDS:
            phrases.append(TERMINAL_WORDS[name])
            continue
        terminal = by_name.get(name)
        if terminal is not None and terminal.pattern.type == "str":
            phrases.append(f'"{terminal.pattern.value}"')
        else:
            phrases.append(name.lower())
    phrases = list(dict.fromkeys(phrases))
    if not phrases:
        return "something else"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def keyword_hint(word: str, expected) -> str | None:
    """'did you mean "roles"?' when a word is close to a keyword the parser expected."""
    by_name = {t.name: t for t in parser().terminals}
    wanted = [by_name[n].pattern.value for n in expected if n in by_name and by_name[n].pattern.value in keywords()]
    import difflib  # here: only a syntax error asks

    matches = difflib.get_close_matches(word, wanted, n=1, cutoff=0.6)
    return f'did you mean "{matches[0]}"?' if matches else None


@functools.lru_cache(maxsize=1)
def keywords() -> frozenset[str]:
    """Every word the grammar uses as a keyword somewhere."""
    fast = fast_parser()
    if fast is not None:  # without loading lark's parser
        return fast.keywords()
    return frozenset(t.pattern.value for t in parser().terminals
                     if t.pattern.type == "str" and t.pattern.value.isalpha())


if __name__ == "__main__":
    print(f"wrote {write_tables()}")
