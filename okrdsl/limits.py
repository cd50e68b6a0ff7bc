"""Every limit okrdsl enforces, in one place, with why it exists.

A spec is untrusted input: anyone who can push to a repository can change the
files `okrdsl check` reads in CI. Each limit keeps one kind of input from
costing more time, memory or output than its size warrants; going past one is a
located diagnostic (its code is named beside it), never a crash. docs/security.md
lists them for users.
"""

from __future__ import annotations

# Reading (OKR016, OKR017): checked before parsing, so the parser never sees a
# file or a line whose cost would grow out of proportion.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_CHARS = 10_000
MAX_NUMBER_DIGITS = 9  # a number written with more digits is OKR026; 999,999,999 is far past any limit below

# Structure.
MAX_DEPTH = 50  # nesting of sub-steps (OKR003)
MAX_INCLUDE_DEPTH = 100  # a chain of includes (OKR101)
MAX_SYNTAX_ERRORS = 10  # per file; recovery stops there

# Time (OKR026): what the calendar can schedule.
MAX_OFFSET_WEEKS = 520  # ten years either side of an anchor
MAX_OFFSET_DAYS = MAX_OFFSET_WEEKS * 7
MAX_MEETING_MINUTES = 24 * 60  # a meeting's `length` (OKR026): at most a day
MAX_EVERY = 1000  # a cadence repeats every 1 to 1000 days, weeks or months

# The schedule: one cadence (OKR207) and a whole spec (OKR401).
MAX_OCCURRENCES = 1000
MAX_TOTAL_OCCURRENCES = 20_000

# Rules: names compared for "did you mean" hints in one check. Past it, a hint says what to
# do without a suggestion, so many unknown names among many declared ones stay cheap.
MAX_SUGGESTION_WORK = 100_000

# Output: findings shown in text, per line and per file; the rest are counted on a closing line.
MAX_FINDINGS_PER_LINE = 10
MAX_FINDINGS_PER_FILE = 200
MAX_MESSAGE_CHARS = 400  # a message or hint in text output; a longer one (quoting a huge name) is cut
SOURCE_WINDOW = 100  # characters of a long source line shown around the caret
MAX_LOOP_SHOWN = 10  # names of a loop (OKR203, OKR305) a message shows; the rest are counted

# The result cache: files whose stats it keeps (okrdsl.cache.Stats). Past it, only the files
# of the last check are kept, so the records of deleted or renamed files do not pile up.
MAX_CACHED_STATS = 100_000
