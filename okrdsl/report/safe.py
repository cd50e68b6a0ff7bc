"""Text from a spec made safe to show on a terminal, and how many columns it takes there.

A spec is untrusted: its text (and a file's name) could hold escape sequences
that clear the screen, set the clipboard or hide a link, a newline that a CI
runner reads as a command, or bidirectional controls that show text in an
order other than the one it is read in. Every piece of such text okrdsl prints
for people goes through `shown` first, and every JSON document through `json_text`.
"""

from __future__ import annotations

import re
import unicodedata

from okrdsl.limits import MAX_MESSAGE_CHARS

# C0 controls, DEL and C1 controls; bidirectional controls (marks, embeddings and
# overrides, isolates); line and paragraph separators; lone surrogates (the bytes of a
# file name that is not UTF-8). A pattern, compiled by `re` when first used: compiling its
# ranges beyond Latin-1 takes half a millisecond, and most runs print only printable text.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str, keep: str = "") -> str:
    """`text` with every control character (C0, DEL, C1), bidirectional control, line
    separator and lone surrogate written as an escape: ESC as `\\x1b`, a newline as `\\n`,
    U+202E as `\\u202e`. Characters in `keep` are left for the caller to deal with."""
    if text.isprintable():  # the common case, fast: every character escaped below is not printable
        return text
    return re.sub(_UNSAFE, lambda m: m[0] if m[0] in keep else _NAMED.get(m[0]) or _escape(m[0]), text)


def shown_path(path: str) -> str:
    """A file's name, `shown`, and never the start of a CI command: a name that begins with
    `::` (a GitHub Actions workflow command) or `##` (an Azure Pipelines one) gets `./` before it."""
    safe = shown(path)
    return "./" + safe if safe.startswith(_COMMANDS) else safe


def line_start(text: str) -> str:
    """Text that begins an output line, with its first character escaped if it would make the
    line a CI command (`::error ...`, `##vso[...]`)."""
    return _escape(text[0]) + text[1:] if text.startswith(_COMMANDS) else text


def clipped(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A message or hint cut to `limit` characters, with `…` where it is cut, so that a
    long value a spec quotes (a name of thousands of characters) cannot flood the output."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_COMMANDS = ("::", "##")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text(data) -> str:
    """`data` as indented JSON, other alphabets as they are, but what `shown` escapes as a
    JSON escape (`\\u009b`, `\\u202e`), so that JSON read on a terminal is safe too. (json
    escapes C0 controls in strings itself; outside strings JSON holds only ASCII.)"""
    import json  # here, not above: the text report, which imports this module, needs none

    text = json.dumps(data, indent=2, ensure_ascii=False)
    return re.sub(_UNSAFE, _json_escape, text)


def _json_escape(match: re.Match) -> str:
    char = match[0]
    if char < " ":
        return char  # already escaped by json, as part of an escape such as \n
    if "\udc80" <= char <= "\udcff":  # a byte of a file name that is not UTF-8: the text \xff
        return f"\\\\x{ord(char) - 0xDC00:02x}"
    return f"\\u{ord(char):04x}"


def width(text: str) -> int:
    """Terminal columns: accents that combine take none, wide (East Asian, emoji) characters two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
