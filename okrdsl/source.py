"""Source files and positions: the `Source` text of one file and `Span`s into it.

Lines and columns are 1-based and count code points, as Lark reports them;
`end_column` is exclusive. Offsets are 0-based code-point indexes into the
text, so an editor integration can slice the exact range.
"""

from __future__ import annotations

import bisect
import re

import attrs

from okrdsl.records import frozen


@frozen(weakref_slot=False)  # about five a line of a large file: 8 bytes each less
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
    return _LONE_CR.sub("\n", text) if "\r" in text else text  # most files have none: no regex over them


_LONE_CR = re.compile(r"\r(?!\n)")
_NEWLINE = re.compile("\n")


@frozen
class Source:
    """The text of one file, with a table of line starts for position lookups."""

    path: str
    text: str
    line_starts: tuple[int, ...] = attrs.field(init=False, repr=False)
    # The line numbers as int objects that every span of the file shares: a large file has
    # about five spans a line, and each would otherwise hold two ints of its own (28 bytes each).
    # Made with the first span, after the parse: not while the parse's tree takes its memory.
    _numbers: list[int] = attrs.field(init=False, repr=False, eq=False, factory=list)

    @line_starts.default
    def _line_starts(self) -> tuple[int, ...]:
        return (0, *(found.end() for found in _NEWLINE.finditer(self.text)))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of a 0-based offset."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        starts, numbers = self.line_starts, self._numbers
        if not numbers:
            numbers.extend(range(len(starts) + 1))
        line = bisect.bisect_right(starts, start)
        column = start - starts[line - 1] + 1
        if starts[line - 1] <= end and (line == len(starts) or end < starts[line]):  # most end on the line they start on
            number = numbers[line]
            return Span(self.path, number, column, number, end - starts[line - 1] + 1, start, end)
        end_line = bisect.bisect_right(starts, end)
        return Span(self.path, numbers[line], column, numbers[end_line],
                    end - starts[end_line - 1] + 1, start, end)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")
