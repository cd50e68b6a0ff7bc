"""Turns indentation into _INDENT / _DEDENT tokens.

The grammar's _NL token swallows blank lines and comment lines, so comments
never reach the parser as tokens of their own; they stay inside the _NL
tokens, which the tree keeps, and okrdsl.parse takes them out from there.
The postlexer keeps no state between runs, so one parser serves every thread.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from okrdsl.limits import MAX_DEPTH

if TYPE_CHECKING:  # lark is imported only where lark's parser runs (okrdsl.lalr does this work on the hot path)
    from lark import Token

TAB_WIDTH = 4
COMMENT = re.compile(r"#[^\r\n]*")
_NO_BREAK_SPACE = "[\u00a0\u2007\u202f]"  # a space between words, but no width to indent by


def no_break_space() -> re.Pattern:
    """The pattern of a no-break space, compiled when first asked for (`re` keeps it): a class
    beyond Latin-1 takes half a millisecond to compile, and indentation is almost always
    plain spaces."""
    return re.compile(_NO_BREAK_SPACE)


class IndentationError_(Exception):
    """Raised (and turned into a diagnostic by okrdsl.parse) for a dedent to no known level.

    `where` is the (offset, line, column) of the first character of the line.
    """

    def __init__(self, where: tuple[int, int, int], width: int, levels: list[int], first: bool = False,
                 too_deep: bool = False, character: str = ""):
        super().__init__("inconsistent dedent")
        self.character = character  # a character indentation cannot be made of, at `where`
        self.first = first
        self.too_deep = too_deep
        self.where = where
        self.width = width
        self.levels = levels


class JoinedWord(Exception):
    """Raised (and turned into a diagnostic by okrdsl.parse) where a keyword and the word after
    it touch: `at -4w assist:` would otherwise read as `as sist`, an id the writer never meant."""

    def __init__(self, keyword: Token, rest: Token):
        super().__init__("a keyword joined to the word after it")
        self.keyword = keyword
        self.rest = rest


def _joined(keyword: Token | None, token: Token) -> bool:
    """Whether `token` goes on the word that the keyword token before it began (`as` + `sist`).
    A keyword's token type is its word in capitals (Lark names `"as"` AS)."""
    return (keyword is not None and keyword.value.isalpha() and keyword.type == keyword.value.upper()
            and token.start_pos == keyword.end_pos and (token.value[:1].isalnum() or token.value[:1] == "_"))


def _after(token: Token) -> tuple[int, int, int]:
    """(offset, line, column) just past a token."""
    return token.end_pos, token.end_line, token.end_column


def _marker(kind: str, value: str, where: tuple[int, int, int]) -> Token:
    from lark import Token

    offset, line, column = where
    return Token(kind, value, offset, line, column, line, column, offset)


def indent_width(text: str) -> int:
    return len(text.expandtabs(TAB_WIDTH))


class Postlexer:
    always_accept = ("_NL",)

    def process(self, stream):
        levels = [0]
        last = None
        for token in stream:
            if token.type != "_NL":
                if last is None and token.column > 1:
                    raise IndentationError_((token.start_pos, token.line, token.column),
                                            token.column - 1, [0], first=True)
                if _joined(last, token):
                    raise JoinedWord(last, token)
                last = token
                yield token
                continue
            yield token
            indent = token.value.rsplit("\n", 1)[-1]
            if "#" in indent:
                indent = indent[: indent.index("#")]
            odd = no_break_space().search(indent)
            if odd is not None:
                offset = token.end_pos - len(token.value.rsplit("\n", 1)[-1]) + odd.start()
                raise IndentationError_((offset, token.end_line, odd.start() + 1), 0, list(levels),
                                        character=odd.group())
            width = indent_width(indent)
            after = _after(token)
            if width > levels[-1]:
                if len(levels) > MAX_DEPTH:
                    raise IndentationError_(after, width, list(levels), too_deep=True)
                levels.append(width)
                yield _marker("_INDENT", indent, after)
                continue
            if width not in levels:
                raise IndentationError_(after, width, list(levels))
            while width < levels[-1]:
                levels.pop()
                yield _marker("_DEDENT", "", after)
            last = token
        end = _after(last) if last is not None else (0, 1, 1)
        while len(levels) > 1:
            levels.pop()
            yield _marker("_DEDENT", "", end)
