"""The catalogue of diagnostic codes for the stages before the rules.

Codes are stable forever: a released code is never renumbered or reused.
OKR0xx: reading and syntax. OKR1xx: references and includes. OKR2xx: time
and ordering. OKR3xx: OKR structure. OKR4xx: output limits. OKR5xx: hygiene
warnings. The rules of
`okrdsl.rules` register their own codes in the same numbering.
"""

from __future__ import annotations

from okrdsl.diagnostics import Severity
from okrdsl.limits import MAX_FILE_BYTES, MAX_LINE_CHARS
from okrdsl.records import frozen


@frozen
class Code:
    """A diagnostic code: its id, short name, default severity and one-line summary.

    `doc` explains the problem; `bad` and `good` are examples (tests run them).
    An `opt_in` code is reported only when `--select` names it (by code, prefix or name).
    """

    id: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""
    bad: str = ""
    good: str = ""
    opt_in: bool = False


E, W = Severity.ERROR, Severity.WARNING

# What each hundred of codes is about, as the module docstring says; reports use it as a tag.
CATEGORIES = {"0": "reading", "1": "references", "2": "time", "3": "okrs", "4": "output", "5": "hygiene"}


def category(code_id: str) -> str:
    """The category of a code by its hundreds digit: OKR102 is "references"."""
    return CATEGORIES.get(code_id[3:4], "other")

SYNTAX_ERROR = Code(
    "OKR001", "syntax-error", E, "The line does not follow the .okrp syntax.",
    doc="The parser met a word or symbol it did not expect at that point; the message says what it expected.",
    bad='roles\n  PLT "Product Leadership Team"\nphase kickoff "Kick-off"\n  at 8 weeks before: PLT drafts initial OKRs  # OKR001\n',
    good='roles\n  PLT "Product Leadership Team"\nphase kickoff "Kick-off"\n  at -8w: PLT drafts initial OKRs\n',
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
    bad='roles\n    PM "Product Manager"\n  VPP "VP of Product"  # OKR003\n',
    good='roles\n  PM "Product Manager"\n  VPP "VP of Product"\n',
)
UNCLOSED_QUOTE = Code(
    "OKR004", "unclosed-quote", E, "A quoted text has no closing double quote on its line.",
    bad='roles\n  PM "Product Manager  # OKR004\n',
    good='roles\n  PM "Product Manager"\n',
)
FILE_NOT_FOUND = Code("OKR010", "file-not-found", E, "The path does not exist.")
NOT_UTF8 = Code("OKR011", "not-utf8", E, "The file is not UTF-8 text.")
EMPTY_FILE = Code("OKR012", "empty-file", W, "The file holds nothing but blank lines and comments.")
IS_DIRECTORY = Code("OKR013", "is-a-directory", E, "A folder was given where a file was expected.")
UNREADABLE = Code("OKR014", "unreadable-file", E, "The file could not be read (permissions, or not a regular file).")
NO_FILES = Code(
    "OKR015", "no-spec-files", W, "A folder given to check holds no .okrp files.",
    doc="Usually a wrong path in a CI job or hook: the check would pass without checking anything.",
)
FILE_TOO_LARGE = Code(
    "OKR016", "file-too-large", E, f"The file is larger than okrdsl reads ({MAX_FILE_BYTES // (1024 * 1024)} MiB).",
    doc="A spec is a page of text; a file this large is almost surely not one, and reading it would cost "
        "memory out of proportion. okrdsl does not read it.",
)
LINE_TOO_LONG = Code(
    "OKR017", "line-too-long", E, f"A line is longer than okrdsl reads ({MAX_LINE_CHARS:,} characters).",
    doc="No line of a spec needs to be this long; okrdsl does not parse a file holding one, "
        "so that a stray generated line cannot cost minutes or gigabytes.",
)
UNKNOWN_KIND = Code(
    "OKR020", "unknown-artifact-kind", E, "An artifact's kind is not one okrdsl knows.",
    doc="Kinds are: issue, doc, video, channel, tool, template, mr, page.",
    bad='roles\n  PM "Product Manager"\nartifact ally tol "Ally.io"  # OKR020\nphase p "P"\n  at -2w: PM adds the KRs to #ally\n',
    good='roles\n  PM "Product Manager"\nartifact ally tool "Ally.io"\nphase p "P"\n  at -2w: PM adds the KRs to #ally\n',
)
INVALID_DATE = Code(
    "OKR022", "invalid-date", E, "A date does not exist in the calendar.",
    bad='roles\n  PM "Product Manager"\nphase p "P"\n  on 2022-02-30: PM closes their KRs  # OKR022\n',
    good='roles\n  PM "Product Manager"\nphase p "P"\n  on 2022-02-28: PM closes their KRs\n',
)
INVALID_QUARTER = Code(
    "OKR023", "invalid-quarter", E, "A quarter is not written as FY<year>-Q<1 to 4>.",
    bad='process "Workflow" for FY23-Q5  # OKR023\n',
    good='process "Workflow" for FY23-Q3\n',
)
DUPLICATE_BLOCK = Code(
    "OKR024", "duplicate-block", E, "A file has a second process header or policy block.",
    doc="A file describes one process and has one policy; a second block would silently replace the first.",
    bad='process "Q3 workflow" for FY23-Q3\nprocess "Q4 workflow" for FY23-Q4  # OKR024\n',
    good='process "Q3 workflow" for FY23-Q3\n',
)
REPEATED_SETTING = Code(
    "OKR025", "repeated-setting", E, "A setting that takes one value is given twice.",
    doc="A key result has one progress, a meeting one goal, a policy one number of company objectives: "
        "okrdsl would have to pick one, so it asks you to.",
    bad='roles\n  CEO "CEO"\npolicy\n  company objectives: 1\nokrs for FY23-Q3\n  objective C1 company "Grow" owner CEO\n'
        '    kr C1.1 "Up 10%" owner CEO progress 10% progress 20%  # OKR025\n',
    good='roles\n  CEO "CEO"\npolicy\n  company objectives: 1\nokrs for FY23-Q3\n  objective C1 company "Grow" owner CEO\n'
         '    kr C1.1 "Up 10%" owner CEO progress 20%\n',
)
OUT_OF_RANGE = Code(
    "OKR026", "out-of-range", E, "A number is outside what okrdsl can schedule.",
    doc="Offsets reach at most 10 years (520w) from their anchor, cadences repeat every 1 to 1000 days, "
        "weeks or months, fiscal years run from 1900 to 2999, and no number has more than 9 digits.",
    bad='roles\n  KROwner "Key Result owner"\nphase scoring "Scoring"\n  every 0 weeks: KROwner updates their KRs  # OKR026\n',
    good='roles\n  KROwner "Key Result owner"\nphase scoring "Scoring"\n  every 2 weeks: KROwner updates their KRs\n',
)
BAD_RECURRENCE = Code(
    "OKR027", "bad-recurrence", E, "A recurrence's day does not fit how often it repeats.",
    doc="A weekday fits `every week` (`every 2 weeks on Monday`); a day of the month or a week of the month fits "
        "`every month` (`every month on day 1`, `every month on first Tuesday`). Days 29 to 31 fall on the last "
        "day of a shorter month.",
    bad='roles\n  KROwner "Key Result owner"\nphase scoring "Scoring"\n'
        '  every month on Tuesday: KROwner updates their KRs  # OKR027\n',
    good='roles\n  KROwner "Key Result owner"\nphase scoring "Scoring"\n'
         '  every month on first Tuesday: KROwner updates their KRs\n',
)
RESERVED_ID = Code(
    "OKR028", "reserved-id", E, "An item's id is a word that times use (start, end, middle, week, month).",
    doc="`at middle + 1w` means a week after the middle of the quarter, so a step called middle could never be "
        "named in a time.",
    bad='roles\n  PM "Product Manager"\nphase p "P"\n  at -4w as middle: PM drafts the OKRs  # OKR028\n',
    good='roles\n  PM "Product Manager"\nphase p "P"\n  at -4w as draft: PM drafts the OKRs\n',
)
MIXED_APPROVAL = Code(
    "OKR030", "mixed-approval", E, 'An approval mixes "or" with "and" or a comma.',
    doc='`approval from CEO or CoS` needs any one of them; `approval from CTO and VPP` (or `CTO, VPP`) needs all of '
        'them; `..., then HeadOfPMO` asks one group after another. `CEO or CoS and CTO` could be read two ways, so '
        'okrdsl asks which one you mean.',
    bad='roles\n  CEO "CEO"\n  CoS "Chief of Staff"\n  CTO "CTO"\n  PM "Product Manager"\nphase p "P"\n'
        '  allow PM: create KRs of their own\n    approval from CEO or CoS and CTO  # OKR030\n',
    good='roles\n  CEO "CEO"\n  CoS "Chief of Staff"\n  CTO "CTO"\n  PM "Product Manager"\nphase p "P"\n'
         '  allow PM: create KRs of their own\n    approval from CEO or CoS, then CTO\n',
)
CONFIG_SYNTAX = Code(
    "OKR040", "config-syntax-error", E, "A configuration file is not valid TOML.",
    doc="okrdsl reads its settings from `[tool.okrdsl]` in pyproject.toml or from .okrdsl.toml "
        "(docs/configuration.md). A file it cannot read as TOML is reported where TOML stopped reading it; "
        "the check then runs without it, and fails.",
)
UNKNOWN_CONFIG_KEY = Code(
    "OKR041", "unknown-config-key", E, "A configuration file has a key okrdsl does not know.",
    doc="A misspelt key would otherwise be ignored without a word, and the setting you meant would not apply. "
        "The keys are listed in docs/configuration.md.",
)
BAD_CONFIG_VALUE = Code(
    "OKR042", "bad-config-value", E, "A configuration key has a value okrdsl cannot use.",
    doc="A value of the wrong type (a string where a list of codes is expected), a code or rule that does not "
        "exist, a month or weekday okrdsl does not know: the key is not applied, and the check fails.",
)
# Suppression comments (okrdsl.suppress).
BLANKET_SUPPRESSION = Code(
    "OKR511", "blanket-suppression", W, "A suppression comment names no code.",
    doc="`# okrdsl: ignore` without codes would hide every finding of its line, today's and tomorrow's, so it "
        "hides nothing: name the codes, `# okrdsl: ignore[OKR502]`.",
    bad='roles\n  PM "Product Manager"\nartifact board tool "Board"\n'
        'phase p "P"\n  at -2w: PM adds the KRs to #board  # okrdsl: ignore  # OKR511\n',
    good='roles\n  PM "Product Manager"\nartifact board tool "Board"  # okrdsl: ignore[OKR502] used from Q4\n'
         'phase p "P"\n  at -2w: PM adds the KRs\n',
)
UNUSED_SUPPRESSION = Code(
    "OKR512", "unused-suppression", W, "A suppression comment names a code that is not reported there.",
    doc="The finding it was written for is gone (or was never on that line), so the comment only misleads; "
        "remove it, or the code from it. Errors that keep a file from being read (syntax errors, a missing "
        "include) cannot be suppressed at all.",
    bad='roles\n  PM "Product Manager"\nphase p "P"\n  at -2w: PM adds the KRs  # okrdsl: ignore[OKR502]  # OKR512\n',
    good='roles\n  PM "Product Manager"\nphase p "P"\n  at -2w: PM adds the KRs\n',
)
UNKNOWN_SUPPRESSION = Code(
    "OKR513", "unknown-suppression", W, "A suppression comment names a code or word okrdsl does not know.",
    doc="`# okrdsl:` starts a suppression: `ignore[CODES]` for a line or block, `ignore-file[CODES]` for a file. "
        "A misspelt code or word would suppress nothing without a word.",
    bad='roles\n  PM "Product Manager"\nphase p "P"\n  at -2w: PM adds the KRs  # okrdsl: ignore[OKR999]  # OKR513\n',
    good='roles\n  PM "Product Manager"\nphase p "P"\n  at -2w: PM adds the KRs\n',
)
NOT_IN_OUTPUT = Code(
    "OKR402", "not-in-output", W, "The chosen output of `okrdsl compile` cannot show part of the spec.",
    doc="Each output shows what its format can hold: a CSV row per scheduled item, a chart of dated items. "
        "What it cannot show is named here, never dropped without a word; the JSON output holds everything.",
)
INCLUDE_NOT_FOUND = Code(
    "OKR100", "include-not-found", E, "An included file cannot be read.",
    doc="The path of an include is relative to the file that includes it.",
)
INCLUDE_CYCLE = Code(
    "OKR101", "include-cycle", E, "Files include each other in a loop.",
)
FILE_REFUSED = Code(
    "OKR107", "refused-file", E, "An include or a linked file names a file okrdsl does not read.",
    doc="okrdsl reads only .okrp files inside the project: the nearest folder above the checked path that holds "
        ".git or pyproject.toml, or the folder given with --root. An include or a symbolic link that leaves it "
        "(through .., an absolute path or the link) is refused, and so is an include of a file that is not a "
        ".okrp file. Nothing of a refused file is read or shown, so a spec cannot print a file from elsewhere "
        "on the machine (a CI secret, say) into a job log.",
)

CODES: dict[str, Code] = {
    code.id: code
    for code in (
        SYNTAX_ERROR, UNEXPECTED_END, BAD_INDENT, UNCLOSED_QUOTE,
        FILE_NOT_FOUND, NOT_UTF8, EMPTY_FILE, IS_DIRECTORY, UNREADABLE, NO_FILES, FILE_TOO_LARGE, LINE_TOO_LONG,
        UNKNOWN_KIND, INVALID_DATE, INVALID_QUARTER, DUPLICATE_BLOCK, REPEATED_SETTING, OUT_OF_RANGE,
        BAD_RECURRENCE, RESERVED_ID, MIXED_APPROVAL, CONFIG_SYNTAX, UNKNOWN_CONFIG_KEY, BAD_CONFIG_VALUE,
        BLANKET_SUPPRESSION, UNUSED_SUPPRESSION, UNKNOWN_SUPPRESSION,
        INCLUDE_NOT_FOUND, INCLUDE_CYCLE, FILE_REFUSED, NOT_IN_OUTPUT,
    )
}


# Errors that keep a file from being read in full: the rules skip such a file,
# and --select/--ignore, the configuration and suppression comments cannot hide them (the check would pass unchecked).
BLOCKING = frozenset({
    SYNTAX_ERROR.id, UNEXPECTED_END.id, BAD_INDENT.id, UNCLOSED_QUOTE.id,
    FILE_NOT_FOUND.id, NOT_UTF8.id, IS_DIRECTORY.id, UNREADABLE.id, FILE_TOO_LARGE.id, LINE_TOO_LONG.id,
    INCLUDE_NOT_FOUND.id, INCLUDE_CYCLE.id, FILE_REFUSED.id,
    # A configuration that cannot be read in full: the check would run with settings nobody chose.
    CONFIG_SYNTAX.id, UNKNOWN_CONFIG_KEY.id, BAD_CONFIG_VALUE.id,
})


def is_blocking(diagnostic) -> bool:
    return diagnostic.code in BLOCKING and diagnostic.severity is Severity.ERROR
