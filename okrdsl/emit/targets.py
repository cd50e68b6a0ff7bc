"""The targets of `okrdsl compile --to`: one registry, which also gives the CLI its choices.

Each target is a function `(Linked, Options) -> Emitted` (see okrdsl.emit).
"""

from __future__ import annotations

from okrdsl.emit.document import to_json
from okrdsl.emit.gitlab import to_gitlab_issue
from okrdsl.emit.handbook import to_markdown
from okrdsl.emit.ics import to_ics
from okrdsl.emit.mermaid import to_mermaid
from okrdsl.emit.table import to_csv
from okrdsl.emit.timeline import to_html

FORMATS = {
    "json": to_json,
    "markdown": to_markdown,
    "csv": to_csv,
    "ics": to_ics,
    "gitlab-issue": to_gitlab_issue,
    "mermaid": to_mermaid,
    "html": to_html,
}

# The targets that mark a day given with --today: csv adds a status column, html draws the
# day across the timeline. The others hold no "today", and refuse the option rather than
# ignore it.
MARKS_TODAY = ("csv", "html")
