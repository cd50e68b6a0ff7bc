"""Text from a spec made safe to show on a terminal, and how many columns it takes there.

A spec is untrusted: its text (and a file's name) could hold escape sequences
that clear the screen, set the clipboard or hide a link, a newline that a CI
runner reads as a command, or bidirectional controls that show text in an
order other than the one it is read in. Every piece of such text okrdsl prints
for people goes through `shown` first.
"""

from __future__ import annotations

import unicodedata

# Bidirectional controls: embeddings and overrides, isolates, marks.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _unsafe(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20 or 0x7F <= code <= 0x9F  # C0 controls, DEL, C1 controls
        or char in _BIDI
        or char in "\u2028\u2029"  # line and paragraph separators
        or 0xD800 <= code <= 0xDFFF  # lone surrogates: the bytes of a file name that is not UTF-8
    )


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, keep: str = "") -> str:
    """`text` with every control character (C0, DEL, C1), bidirectional control, line
    separator and lone surrogate written as an escape: ESC as `\\x1b`, a newline as `\\n`,
    U+202E as `\\u202e`. Characters in `keep` are left for the caller to deal with."""
    if text.isprintable():  # the common case, fast: every character escaped below is not printable
        return text
    return "".join(_NAMED.get(char, _escape(char)) if _unsafe(char) and char not in keep else char for char in text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def width(text: str) -> int:
    """Terminal columns: accents that combine take none, wide (East Asian, emoji) characters two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
