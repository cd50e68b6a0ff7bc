"""The catalogue of diagnostic codes for the stages before the rules.

Codes are stable forever: a released code is never renumbered or reused.
OKR0xx: reading and syntax. OKR1xx: references and includes. OKR2xx: time
and ordering. OKR3xx: OKR structure. OKR4xx: output limits. The rules of
`okrdsl.rules` register their own codes in the same numbering.
"""

from __future__ import annotations

import attrs

from okrdsl.diagnostics import Severity


@attrs.frozen
class Code:
    """A diagnostic code: its id, short name, default severity and one-line summary.

    `doc` explains the problem; `bad` and `good` are examples (tests run them).
    """

    id: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""
    bad: str = ""
    good: str = ""


E, W = Severity.ERROR, Severity.WARNING

SYNTAX_ERROR = Code(
    "OKR001", "syntax-error", E, "The line does not follow the .okrp syntax.",
    doc="The parser met a word or symbol it did not expect at that point; the message says what it expected.",
    bad='phase kickoff "Kick-off"\n  at 8 weeks before: PLT drafts initial OKRs\n',
    good='phase kickoff "Kick-off"\n  at -8w: PLT drafts initial OKRs\n',
)
UNEXPECTED_END = Code(
    "OKR002", "unexpected-end", E, "The file ends in the middle of a construct.",
    doc="Something was started but not finished before the end of the file, such as a block header with nothing under it.",
    bad="roles\n",
    good='roles\n  PM "Product Manager"\n',
)
BAD_INDENT = Code(
    "OKR003", "bad-indentation", E, "A line's indentation matches no enclosing block.",
    doc="A block's lines must share one indentation; a line that goes back out must line up with an outer line.",
    bad='roles\n    PM "Product Manager"\n  VPP "VP of Product"\n',
    good='roles\n  PM "Product Manager"\n  VPP "VP of Product"\n',
)
UNCLOSED_QUOTE = Code(
    "OKR004", "unclosed-quote", E, "A quoted text has no closing double quote on its line.",
    bad='roles\n  PM "Product Manager\n',
    good='roles\n  PM "Product Manager"\n',
)
FILE_NOT_FOUND = Code("OKR010", "file-not-found", E, "The path does not exist.")
NOT_UTF8 = Code("OKR011", "not-utf8", E, "The file is not UTF-8 text.")
EMPTY_FILE = Code("OKR012", "empty-file", W, "The file holds nothing but blank lines and comments.")
IS_DIRECTORY = Code("OKR013", "is-a-directory", E, "A folder was given where a file was expected.")
UNREADABLE = Code("OKR014", "unreadable-file", E, "The file could not be read (permissions or a device error).")
UNKNOWN_KIND = Code(
    "OKR020", "unknown-artifact-kind", E, "An artifact's kind is not one okrdsl knows.",
    doc="Kinds are: issue, doc, video, channel, tool, template, mr, page.",
    bad='artifact ally tol "Ally.io"\n',
    good='artifact ally tool "Ally.io"\n',
)
UNKNOWN_LEVEL = Code(
    "OKR021", "unknown-objective-level", E, "An objective's level is not one okrdsl knows.",
    doc="Levels are: company, shared, product, engineering.",
    bad='okrs for FY23-Q3\n  objective C1 compnay "Deliver customer results"\n',
    good='okrs for FY23-Q3\n  objective C1 company "Deliver customer results"\n',
)
INVALID_DATE = Code(
    "OKR022", "invalid-date", E, "A date does not exist in the calendar.",
    bad='phase p "P"\n  on 2022-02-30: PM does a thing\n',
    good='phase p "P"\n  on 2022-02-28: PM does a thing\n',
)
INVALID_QUARTER = Code(
    "OKR023", "invalid-quarter", E, "A quarter is not written as FY<year>-Q<1 to 4>.",
    bad='process "Workflow" for FY23-Q5\n',
    good='process "Workflow" for FY23-Q3\n',
)
INCLUDE_NOT_FOUND = Code(
    "OKR100", "include-not-found", E, "An included file cannot be read.",
    doc="The path of an include is relative to the file that includes it.",
)
INCLUDE_CYCLE = Code(
    "OKR101", "include-cycle", E, "Files include each other in a loop.",
)

CODES: dict[str, Code] = {
    code.id: code
    for code in (
        SYNTAX_ERROR, UNEXPECTED_END, BAD_INDENT, UNCLOSED_QUOTE,
        FILE_NOT_FOUND, NOT_UTF8, EMPTY_FILE, IS_DIRECTORY, UNREADABLE,
        UNKNOWN_KIND, UNKNOWN_LEVEL, INVALID_DATE, INVALID_QUARTER,
        INCLUDE_NOT_FOUND, INCLUDE_CYCLE,
    )
}

# --- time: raised while resolving times to dates (okrdsl.schedule) ----------------------

UNKNOWN_ANCHOR = Code(
    "OKR103", "unknown-reference", E, "A reference names no artifact, meeting or step of the spec.",
    doc="Times such as `session1 + 1w`, `after` lists and `#id` references in text must name an id "
        "declared in the spec: an artifact, a meeting, or a step given an id with `as`.",
    bad='phase p "P"\n  meeting session1 "Session 1" at -6w\n  at sesion1 + 1w: PM follows up\n',
    good='phase p "P"\n  meeting session1 "Session 1" at -6w\n  at session1 + 1w: PM follows up\n',
)
TIME_LOOP = Code(
    "OKR203", "time-loop", E, "Items are timed relative to each other in a loop.",
    doc="A time relative to another item must lead back, in the end, to the quarter's start, its end "
        "or a date; a chain that comes back to where it started has no date.",
    bad='phase p "P"\n  meeting a "A" at b + 1w\n  meeting b "B" at a - 1w\n',
    good='phase p "P"\n  meeting a "A" at -4w\n  meeting b "B" at a - 1w\n',
)
CODES.update({UNKNOWN_ANCHOR.id: UNKNOWN_ANCHOR, TIME_LOOP.id: TIME_LOOP})
