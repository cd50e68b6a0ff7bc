"""Stage 1, parse: text to a Lark tree, with syntax errors as diagnostics.

When the parser stumbles, the offending line (and the lines indented under
it) is blanked out and the file parsed again, so one run reports up to
`MAX_SYNTAX_ERRORS` errors and still yields a tree of everything else.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import TYPE_CHECKING

import attrs

from okrdsl import codes, ir
from okrdsl.calendar import WEEKDAY_NUMBERS, FiscalCalendar, format_quarter, parse_month, parse_quarter, week_start
from okrdsl.diagnostics import Diagnostic
from okrdsl.grammar import describe_expected, fast_parser, keyword_hint, parser
from okrdsl.limits import MAX_DEPTH, MAX_SYNTAX_ERRORS
from okrdsl.postlex import COMMENT, IndentationError_, JoinedWord, indent_width, no_break_space
from okrdsl.records import frozen
from okrdsl.words import plural
from okrdsl.source import Source
from okrdsl.tree import Tree, from_lark

if TYPE_CHECKING:  # lark is imported only to explain a syntax error
    from lark.exceptions import UnexpectedCharacters

MAX_PARSES = 3 * MAX_SYNTAX_ERRORS  # each error costs a parse; echoes of blanked lines cost one more


@frozen
class Parsed:
    """A file's tree, comments and syntax errors. `streamed`: each top-level statement's tree
    went to parse's `on_statement` as it was read (the tree holds those statements, as the
    listener left them); else the listener heard nothing that counts and the tree is whole."""

    tree: Tree | None
    comments: tuple[tuple[int, str], ...]
    diagnostics: tuple[Diagnostic, ...]
    streamed: bool = False


def parse(source: Source, calendar: ir.CalendarDefaults = ir.CalendarDefaults(), on_statement=None) -> Parsed:
    """Parse one file; `calendar` is what its process uses where it does not say (for hints).

    `on_statement(tree)` hears of each top-level statement (include, roles, phase...) as soon
    as it is parsed, on the fast way's first try, so that a caller can build and let go of it
    while the rest is read. If that try gives up (a syntax error), everything it heard is void:
    the result is not `streamed` and its tree is whole, as without a listener."""
    text = source.text if source.text.endswith("\n") else source.text + "\n"
    diagnostics: list[Diagnostic] = []
    blanked: set[int] = set()
    for attempt in range(MAX_PARSES):
        fast = fast_parser()
        listener = on_statement if attempt == 0 else None
        done = fast.parse(text, listener) if fast is not None else None
        if done is not None:  # the hot path: a file lark's parser would read without an error
            tree, commented = done
            return Parsed(tree, _comments_in(commented), tuple(diagnostics), streamed=listener is not None)
        from lark.exceptions import UnexpectedInput  # lark is imported only to explain an error

        try:  # lark's parser, for what it says about the error
            tree = from_lark(parser().parse(text))
            return Parsed(tree, _comments(tree), tuple(diagnostics))
        except (UnexpectedInput, IndentationError_, JoinedWord) as error:
            diagnostic = _diagnose(source, text, error, calendar)
            cascade = _is_cascade(error) and _after_blanked(text, diagnostic.span.line, blanked)
            if not cascade:
                diagnostics.append(diagnostic)
            line = diagnostic.span.line
            if cascade and _wants_block(error):
                line = _line_above(text, line)
            if len(diagnostics) >= MAX_SYNTAX_ERRORS:
                last = diagnostics[-1]
                diagnostics[-1] = attrs.evolve(last, message=last.message + f" (okrdsl stops after {MAX_SYNTAX_ERRORS} "
                                               "syntax errors in a file)")
                return Parsed(None, (), tuple(diagnostics))
            if line in blanked:
                return Parsed(None, (), tuple(diagnostics))
            text = _blank_statement(text, line, blanked)
    return Parsed(None, (), tuple(diagnostics))


def _comments(tree: Tree) -> tuple[tuple[int, str], ...]:
    """(offset, text) of every comment: they live in the newline tokens, which the tree keeps."""
    newlines = []
    stack = [tree]
    while stack:
        for child in stack.pop().children:
            if isinstance(child, Tree):
                stack.append(child)
            elif child.type == "_NL":
                newlines.append(child)
    return _comments_in(newlines)


def _comments_in(newlines) -> tuple[tuple[int, str], ...]:
    """(offset, text) of the comments in some _NL tokens (the fast parse hands over those with a "#")."""
    found = []
    for token in newlines:
        found.extend((token.start_pos + m.start(), m.group().rstrip()) for m in COMMENT.finditer(token.value))
    return tuple(sorted(found))


def _after_blanked(text: str, line: int, blanked: set[int]) -> bool:
    """Whether a blanked line sits between `line` and the last line above it that holds something."""
    above = _line_above(text, line)
    return any(above < number < line for number in blanked) or line in blanked


def _is_cascade(error: Exception) -> bool:
    """Whether an error is only the echo of a line blanked out earlier.

    Blanking a block's only line leaves its header with nothing under it; the
    parser then stumbles at the end of the block or of the file. Such an error
    is not reported; its statement is blanked in turn.
    """
    from lark.exceptions import UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedEOF):
        return True
    return isinstance(error, UnexpectedToken) and (error.token.type in ("_DEDENT", "$END") or _wants_block(error))


def _wants_block(error: Exception) -> bool:
    """A header whose block was blanked out: the parser wanted only an indented line."""
    from lark.exceptions import UnexpectedToken

    return isinstance(error, UnexpectedToken) and set(error.accepts or error.expected) <= {"_INDENT"}


def _line_above(text: str, line: int) -> int:
    """The last line before `line` that holds something (the header left without its block)."""
    lines = text.split("\n")
    index = line - 2
    while index > 0 and not lines[index].strip():
        index -= 1
    return index + 1


def _blank_statement(text: str, line: int, blanked: set[int]) -> str:
    """Replace line `line` and the lines indented under it with blank lines."""
    lines = text.split("\n")
    index = min(line, len(lines)) - 1
    # A syntax error reported at a line that is all blank (an unexpected end of
    # a block) belongs to the statement above it.
    while index > 0 and not lines[index].strip():
        index -= 1
    first = lines[index]
    width = indent_width(first[: len(first) - len(first.lstrip())])
    end = index + 1
    while end < len(lines):
        body = lines[end]
        stripped = body.lstrip()
        if stripped and not stripped.startswith("#") and indent_width(body[: len(body) - len(stripped)]) <= width:
            break
        end += 1
    for number in range(index, end):
        # Spaces of the same length keep every offset of the file unchanged.
        lines[number] = "".join(c if c == "\r" else " " for c in lines[number])
        blanked.add(number + 1)
    blanked.add(line)
    return "\n".join(lines)


def _diagnose(source: Source, text: str, error: Exception, calendar: ir.CalendarDefaults) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    offset = getattr(error, "pos_in_stream", None)
    if isinstance(error, UnexpectedToken):
        offset = error.token.start_pos
    if offset is not None and offset < len(text):
        unclosed = _unclosed_quote(text, offset)
        if unclosed is not None:
            start, end = unclosed
            message = ("this text has no closing double quote" if start == offset
                       else "a text in double quotes on this line has no closing quote")
            return _at(source, start, end, codes.UNCLOSED_QUOTE, message,
                       hint='each text in double quotes ends with " on the same line')
    if isinstance(error, JoinedWord):
        keyword = error.keyword
        word = text[keyword.start_pos:].split(None, 1)[0].rstrip(":,;")
        return _at(source, keyword.start_pos, keyword.start_pos + len(word), codes.SYNTAX_ERROR,
                   f'unexpected "{word}": okrdsl reads it as "{keyword.value}" followed by "{word[len(keyword.value):]}"',
                   hint=f'put a space after "{keyword.value}" if that is what you mean, or write another word')
    if isinstance(error, IndentationError_):
        offset, _, _ = error.where
        odd = no_break_space().search(text, 0, offset) if error.first else None
        if error.character or odd is not None:
            offset, character = (offset, error.character) if odd is None else (odd.start(), odd.group())
            return _at(source, offset, offset + 1, codes.BAD_INDENT,
                       f"this line is indented with {describe_character(character)}",
                       hint="indent with normal spaces; a no-break space has no width to line up by")
        if error.too_deep:
            return _at(source, offset, offset, codes.BAD_INDENT,
                       f"this line is nested more than {MAX_DEPTH} levels deep", hint="flatten the sub-steps")
        if error.width and len(error.levels) == 1 and error.levels[0] == 0 and error.first:
            return _at(source, offset, offset, codes.BAD_INDENT,
                       "the first line of the file is indented", hint="start it at the beginning of the line")
        levels = " or ".join(str(level) for level in error.levels)
        return _at(source, offset, offset, codes.BAD_INDENT,
                   f"this line is indented by {plural(error.width, 'space')}, which matches no line above it",
                   hint=f"indent it by {levels} spaces, like a line above it")
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_characters(source, text, error, calendar)
    if isinstance(error, UnexpectedToken) and error.token.type == "$END" or isinstance(error, UnexpectedEOF):
        offset = len(source.text)
        expected = describe_expected(getattr(error, "expected", ()) or ())
        return _at(source, offset, offset, codes.UNEXPECTED_END,
                   f"the file ends too early: expected {expected}")
    assert isinstance(error, UnexpectedToken)
    token = error.token
    start = token.start_pos if token.start_pos is not None else len(source.text)
    end = token.end_pos if token.end_pos is not None and token.type not in ("_NL", "_INDENT", "_DEDENT") else start
    accepted = error.accepts or error.expected
    invisible = _invisible(source, text, start, accepted)
    if invisible is not None:
        return invisible
    under_role = _under_role(source, text, start, token.value, accepted)
    if under_role is not None:
        return under_role
    expected = _id_wanted(text, start, accepted) or describe_expected(accepted)
    if token.type == "_NL":
        return _at(source, start, end, codes.SYNTAX_ERROR, f"the line ends too early: expected {expected}")
    if token.type == "_INDENT":
        above = _line_above(text, source.position(start)[0])
        return _at(source, start, end, codes.SYNTAX_ERROR,
                   f"this line is indented deeper than line {above}, which does not open a block",
                   hint=f"line it up with line {above}, or with a line further up")
    if token.type == "_DEDENT":
        return _at(source, start, end, codes.SYNTAX_ERROR, f"the indented block ends too early: expected {expected}")
    # Show the whole word the token starts (a URL lexes as a name, then ":").
    word = text[start:].split(None, 1)[0].rstrip(":,;") if text[start:].strip() else token.value
    word = word if len(word) >= len(token.value) else token.value
    return _at(source, start, start + len(word), codes.SYNTAX_ERROR,
               f"unexpected {_quoted(word)}: expected {expected}",
               hint=keyword_hint(token.value, accepted) or _shape_hint(text, start, word, accepted, calendar))


def _unclosed_quote(text: str, offset: int) -> tuple[int, int] | None:
    """(start, end) of the rest of the line from its first quote, if the line's
    straight double quotes (outside a comment) do not pair up."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start:line_end if line_end >= 0 else len(text)].rstrip("\r")
    code = re.sub(r'\\.', "  ", line)
    # A comment starts at the first "# " after the last quote (searching for it from each "# "
    # to the end of the line would cost the square of the line's length).
    after_quotes = code.rfind('"') + 1
    comment = re.compile(r"#\s").search(code, after_quotes)
    code = code[: comment.start()] if comment else code
    if code.count('"') % 2 == 0:
        return None
    if text[offset:offset + 1] == '"' and code[offset - line_start:].count('"') % 2 == 1:
        return offset, line_start + len(code.rstrip())
    first = code.index('"')
    return line_start + first, line_start + len(code.rstrip())


def _unexpected_characters(source: Source, text: str, error: UnexpectedCharacters,
                           calendar: ir.CalendarDefaults) -> Diagnostic:
    offset = error.pos_in_stream
    char = text[offset] if offset < len(text) else ""
    invisible = _invisible(source, text, offset, error.allowed or ())
    if invisible is not None:
        return invisible
    rest_of_line = text[offset:].split("\n", 1)[0]
    word = rest_of_line.split()[0].rstrip(":,;") or char if rest_of_line.split() else char
    under_role = _under_role(source, text, offset, word, error.allowed or ())
    if under_role is not None:
        return under_role
    expected = _id_wanted(text, offset, error.allowed or ()) or describe_expected(error.allowed or ())
    return _at(source, offset, offset + max(1, len(word)), codes.SYNTAX_ERROR,
               f"unexpected {_quoted(word)}: expected {expected}",
               hint=keyword_hint(word, error.allowed or ()) or _shape_hint(text, offset, word, error.allowed or (),
                                                                          calendar))


def _invisible(source: Source, text: str, offset: int, expected) -> Diagnostic | None:
    """A syntax error at a character people cannot see (a space other than a plain one, a
    control character), named with the caret on it."""
    char = text[offset] if offset < len(text) else ""
    if not (char.isspace() and char not in " \t\r\n" or char and not char.isprintable() and not char.isspace()):
        return None
    spacing = char.isspace() or unicodedata.category(char) == "Cf"
    return _at(source, offset, offset + 1, codes.SYNTAX_ERROR,
               f"{describe_character(char)} cannot stand here: expected "
               + (_id_wanted(text, offset, expected) or describe_expected(expected)),
               hint="replace it with a normal space" if spacing else "remove it: it is a character that cannot be seen")


def _under_role(source: Source, text: str, start: int, word: str, expected) -> Diagnostic | None:
    """A line indented under a role that is not a `duty:` line (only those go there)."""
    if set(expected) != {"DUTY"} or word.startswith("duty"):
        return None
    above = _line_above(text, source.position(start)[0])
    return _at(source, start, start + max(1, len(word.split()[0]) if word.split() else 1), codes.SYNTAX_ERROR,
               f"this line is indented deeper than line {above}; under a role, only duty: lines are indented",
               hint=f"line it up with line {above}, or write duty: and what the role does")


_IDS = {
    "meeting": "an id for the meeting, such as session1",
    "phase": "an id for the phase, such as kickoff",
    "artifact": "an id for the artifact, such as planning",
    "objective": "an id for the objective, such as C1",
    "kr": "an id for the key result, such as C1.1",
    "as": "an id for the step, such as review",
}


def _id_wanted(text: str, start: int, expected) -> str | None:
    """When the parser wants a name right after `meeting`, `phase`, `as`...: say it wants an id."""
    if set(expected) - {"_NL"} != {"IDENT"}:
        return None
    before = text[text.rfind("\n", 0, start) + 1:start].split()
    return _IDS.get(before[-1]) if before else None


LINK_PLACES = ("a link can end an artifact, objective or key result line, follow agenda, learnings, feedback or "
               'video, or stand on a line of its own, link <URL> "title", under the process, an objective or a '
               "key result")


def _shape_hint(text: str, start: int, word: str, expected, calendar: ir.CalendarDefaults) -> str | None:
    """Hints for common slips that are not misspelled keywords."""
    line_before = text[text.rfind("\n", 0, start) + 1:start]
    if re.search(r"\b(week|month)\s+(end|middle)?[+-]?\d*$", line_before) and word[:1] in "+-":
        return ("a calendar week or month takes no offset: count from the quarter instead (end-3w-1d), "
                "or give the week an id (during week end-3 as w) and count from it (end of w + 1d)")
    if word.startswith("-") and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        line = text[text.rfind("\n", 0, start) + 1:start]
        if "STRING" in set(expected) and re.fullmatch(r"\s+\w+", line):  # a role of a roles block
            written = line.strip() + word.split()[0]
            return (f'a role\'s id cannot contain "-": write {written.replace("-", "_")} and add the name '
                    f'as an alias, "aka {written}"; an alias may hold hyphens')
        return 'ids cannot contain "-": use "_", as in session_1'
    if re.fullmatch(r"0+([dw]|mo)", word, re.IGNORECASE) and "SIGN" in set(expected):
        return "write start for the quarter's first day, or end for its last"
    if re.fullmatch(r"\d+([dw]|mo)", word, re.IGNORECASE) and "SIGN" in set(expected):
        return f"write -{word} for before the quarter starts, +{word} for after it starts, or end+{word}"
    line = text[text.rfind("\n", 0, start) + 1:text.find("\n", start) if "\n" in text[start:] else len(text)]
    window = re.search(r"\bat\s+(\S+?)\s*(?:\.\.|\bto\b)\s*([^\s:]+)", line)
    if window and (word.startswith("..") or word == "to"):
        return f"for a window from one time to another, write between {window[1]} and {window[2]}"
    if word.lower() in RECURRENCE_WORDS and re.search(r"\bevery\s*$", text[text.rfind("\n", 0, start) + 1:start]):
        return f"write every {RECURRENCE_WORDS[word.lower()]}"
    week_of = re.search(r"\bweek\s+of\s+(\d{4}-\d{2}-\d{2})", line)
    if week_of and word == "of":
        return week_of_hint(text, week_of[1], calendar)
    if re.fullmatch(r"<[^<>\s]+>", word) and "LINK" not in set(expected):
        return LINK_PLACES
    if word.startswith("<") and ">" in text[start:text.find("\n", start)]:
        return "a link cannot contain spaces: write %20 for a space"
    if word.startswith("#"):
        return 'a comment starts with "# ", a hash and a space'
    if word.startswith("\u201c") or word.startswith("\u2018"):
        return 'use straight double quotes (")'
    return None


_CHARACTER_NAMES = {
    "\u00a0": "a non-breaking space",
    "\u2007": "a figure space",
    "\u202f": "a narrow non-breaking space",
    "\u200b": "a zero-width space",
    "\ufeff": "a zero-width no-break space",
    "\u3000": "an ideographic space",
    "\x00": "a null character",
}


def describe_character(char: str) -> str:
    """A character people cannot see, by name and code point: 'a non-breaking space (U+00A0)'."""
    name = _CHARACTER_NAMES.get(char) or unicodedata.name(char, "").lower() or "a control character"
    if not name.startswith(("a ", "an ")):
        name = ("an " if name[0] in "aeiou" else "a ") + name
    return f"{name} (U+{ord(char):04X})"


def _quoted(word: str) -> str:
    short = word if len(word) <= 30 else word[:27] + "..."
    return short if word.startswith('"') else f'"{short}"'


def _at(source: Source, start: int, end: int, code: codes.Code, message: str, hint: str | None = None) -> Diagnostic:
    start = min(start, len(source.text))
    end = min(max(end, start), len(source.text))
    return Diagnostic(code.id, code.severity, message, source.span(start, end), hint)


# Words people write after `every` for a period, and how okrdsl writes it.
RECURRENCE_WORDS = {"fortnight": "2 weeks", "fortnightly": "2 weeks", "biweekly": "2 weeks", "bi-weekly": "2 weeks",
                    "quarter": "3 months", "quarterly": "3 months", "daily": "day", "weekly": "week",
                    "monthly": "month"}


def week_of_hint(text: str, written: str, calendar: ir.CalendarDefaults = ir.CalendarDefaults()) -> str:
    """The hint for `week of DATE`: the `week N` that holds the date, when the file's
    process names its quarter in a form that can be read here; its calendar is the one the
    file writes, else `calendar` (okrdsl's defaults, or the configuration's)."""
    general = "write week N: week 0 is the week that holds the quarter's first day, week -1 the one before"
    quarter = re.search(r'^process\s+"[^"\n]*"\s+for\s+(\S+)', text, re.MULTILINE)
    month = re.search(r"^\s+fiscal\s+year\s+starts\s+(\w+)(?:\s+named\s+by\s+(end|start))?", text, re.MULTILINE)
    weeks = re.search(r"^\s+weeks\s+start\s+(\w+)", text, re.MULTILINE)
    try:
        day = datetime.date.fromisoformat(written)
        fiscal = FiscalCalendar(parse_month(month[1]) if month else calendar.start_month,
                                (month[2] or calendar.named_by) if month else calendar.named_by)
        year, number = parse_quarter(quarter[1]) if quarter else (None, None)
        first_weekday = next(d for d in WEEKDAY_NUMBERS if weeks and d.startswith(weeks[1].lower()[:3])) \
            if weeks else calendar.weeks_start
    except (ValueError, TypeError, StopIteration):
        return general
    if year is None:
        return general
    start = fiscal.quarter_start(year, number)
    index = (week_start(day, first_weekday) - week_start(start, first_weekday)).days // 7
    shown = f"week {index:+d}" if index > 0 else f"week {index}"
    return f"write {shown}: {written} is in {shown} of {format_quarter(year, number)}, counted from the week " \
           f"that holds its first day ({start})"
