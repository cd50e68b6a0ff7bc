"""Positions as the editor counts them: LSP lines are 0-based, and its columns count code
units of the encoding agreed at start-up (UTF-16 unless the client offers another), while
okrdsl counts code points. An emoji is one code point but two UTF-16 units."""

from __future__ import annotations

from typing import Literal

from okrdsl.source import Source

Encoding = Literal["utf-8", "utf-16", "utf-32"]


def units(text: str, encoding: Encoding = "utf-16") -> int:
    """How many code units `text` takes in `encoding`."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def to_client(source: Source, offset: int, encoding: Encoding = "utf-16") -> tuple[int, int]:
    """The 0-based (line, column in code units) of a 0-based code-point offset."""
    offset = max(0, min(offset, len(source.text)))
    line, column = source.position(offset)
    start = source.line_starts[line - 1]
    return line - 1, units(source.text[start:start + column - 1], encoding)


def from_client(source: Source, line: int, column: int, encoding: Encoding = "utf-16") -> int:
    """The 0-based code-point offset of an LSP position; a column past the end of its line
    (or one inside a character's code units) lands at the end of that line (or character)."""
    if line < 0:
        return 0
    if line >= len(source.line_starts):
        return len(source.text)
    start = source.line_starts[line]
    text = source.line_text(line + 1)
    counted = 0
    for index, char in enumerate(text):
        if counted >= column:
            return start + index
        counted += units(char, encoding)
    return start + len(text)
