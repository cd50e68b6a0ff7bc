"""The Lark grammar, loaded once, and the words that describe its terminals to people."""

from __future__ import annotations

import difflib
import functools
import importlib.resources
from pathlib import Path

from lark import Lark, Token

GRAMMAR_NAME = "okrp.lark"


def grammar_text() -> str:
    """The text of grammar/okrp.lark: from the installed wheel, or from the source tree."""
    packaged = importlib.resources.files("okrdsl").joinpath("grammar", GRAMMAR_NAME)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # An editable install or a source checkout: the grammar sits beside the package.
    return (Path(__file__).resolve().parent.parent / "grammar" / GRAMMAR_NAME).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    from okrdsl.postlex import Postlexer

    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        postlex=Postlexer(),
        propagate_positions=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
    )


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
    matches = difflib.get_close_matches(word, wanted, n=1, cutoff=0.6)
    return f'did you mean "{matches[0]}"?' if matches else None


@functools.lru_cache(maxsize=1)
def keywords() -> frozenset[str]:
    """Every word the grammar uses as a keyword somewhere."""
    return frozenset(t.pattern.value for t in parser().terminals
                     if t.pattern.type == "str" and t.pattern.value.isalpha())
