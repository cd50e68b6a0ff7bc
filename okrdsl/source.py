"""Source files and positions: the `Source` text of one file and `Span`s into it.

Lines and columns are 1-based and count code points, as Lark reports them;
`end_column` is exclusive. Offsets are 0-based code-point indexes into the
text, so an editor integration can slice the exact range.
"""

from __future__ import annotations

import bisect
import re

import attrs


@attrs.frozen
class Span:
    """Where something stands in a file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def span_field():
    """An attrs field for a node's span: kept, shown, but never compared."""
    return attrs.field(default=None, eq=False, repr=False)


def normalise_newlines(text: str) -> str:
    """Old Mac line endings (a lone carriage return) as newlines; same length, so offsets hold."""
    return _LONE_CR.sub("\n", text)


_LONE_CR = re.compile(r"\r(?!\n)")


@attrs.frozen
class Source:
    """The text of one file, with a table of line starts for position lookups."""

    path: str
    text: str
    line_starts: tuple[int, ...] = attrs.field(init=False, repr=False)

    @line_starts.default
    def _line_starts(self) -> tuple[int, ...]:
        starts = [0]
        for index, char in enumerate(self.text):
            if char == "\n":
                starts.append(index + 1)
        return tuple(starts)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of a 0-based offset."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(self.path, line, column, end_line, end_column, start, end)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
