"""Pieces of CommonMark for the handbook page: spec text escaped, links made safe, lists.

A spec is untrusted: a title may hold `*`, `[`, `<script>` or a line break, and a URL
may be `javascript:...`. Every piece of spec text the page shows goes through
`escape`, every URL through `link`, so that the page shows what the spec says and
nothing else (see tests/test_markdown.py, which parses the output with markdown-it-py).
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters that start or end inline Markdown anywhere in a line: code spans, emphasis,
# links and images, raw HTML and autolinks, GFM tables and strikethrough, and the
# backslash itself.
_INLINE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
# What makes a line a block other than a paragraph when it starts it: a heading, a list
# item (`-`, `+`, `1.`, `1)`), a thematic break or setext underline (`-`, `=`).
_BLOCK_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")
# `#` where it may open a heading (at the start) or close one (a last word of only `#`).
_HASH = re.compile(r"^#|(?<=[ \t])#+$")
# Every line break Python knows (str.splitlines), and CommonMark's NUL replacement.
_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# URL schemes a link may have; a URL with any other (javascript:, data:, file:) is shown as text.
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# Kept as they are in a link's destination: printable ASCII but the space, parentheses,
# angle brackets and backslash (which CommonMark would read), and `%`, so that a URL that
# is already percent-encoded stays the same.
_URL_SAFE = "!#$%&'*+,-./:;=?@[]^_`{|}~"


def escape(text: str) -> str:
    """Spec text as CommonMark that renders as that same text, wherever a line or a
    heading puts it: each line break becomes a space, spaces at either end are dropped (a
    paragraph drops them anyway), NUL becomes U+FFFD (as CommonMark reads it), and a
    backslash goes before every character that would otherwise be read as Markdown:
    `` \\ ` * _ [ ] < > | ~ ``, `&` that starts an entity (`&amp;`), `#` at the start or in
    a last word of only `#` (a heading), and at the start `-`, `+`, `=` or the `.` or `)` after a
    number (a list item, a rule, a setext underline).

    >>> escape("a | b *c* <script>")
    'a \\\\| b \\\\*c\\\\* \\\\<script\\\\>'
    >>> escape("# 1. R&D")
    '\\\\# 1. R&D'
    """
    text = _BREAKS.sub(" ", text).replace("\x00", "\ufffd").strip()
    text = _INLINE.sub(lambda m: "\\" + m[0], text)
    text = _HASH.sub(lambda m: "\\" + m[0], text)
    start = _BLOCK_START.match(text)
    if start is not None:
        end = start.end()
        text = text[:end] + "\\" + text[end:] if start[0][0].isdigit() else "\\" + text
    return text


def safe_url(url: str) -> str | None:
    """A URL fit for a link's destination, percent-encoding what CommonMark would read
    (spaces, parentheses, angle brackets, backslashes) and any character that is not
    printable ASCII; None for a URL with a scheme other than SAFE_SCHEMES (`javascript:`),
    read as a browser reads it: with ASCII controls and spaces left out and in any case."""
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    scheme = _SCHEME.match(squeezed)
    if scheme is not None and scheme[1] not in SAFE_SCHEMES:
        return None
    return quote(url.strip(), safe=_URL_SAFE)


def link(text: str | None, url: str) -> str:
    """`[text](url)` with the text escaped and the URL made safe; the URL itself is the text
    when there is none. A URL that is not safe is not linked: text and URL are shown as text."""
    destination = safe_url(url)
    if destination is None:
        return escape(f"{text} ({url})" if text else url)
    return f"[{escape(text if text else url)}]({destination})"


def bold(text: str) -> str:
    """Words of okrdsl's own (never spec text: escape that first) in bold."""
    return f"**{text}**"


def item(marker: str, first: str, children: list[str]) -> list[str]:
    """A list item: its marker (`-`, `1.`) and first line, then its children, indented to
    line up under the first line's text (as CommonMark needs them to belong to the item)."""
    indent = " " * (len(marker) + 1)
    return [f"{marker} {first}"] + [indent + line if line else "" for line in children]
