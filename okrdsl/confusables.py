"""Look-alike names: Unicode's confusables skeleton (UTS #39, section 4).

Two names with the same skeleton look alike on screen (Latin "CEO" and
Cyrillic "СЕО") though okrdsl, like any program, reads them as different. The
mappings come from Unicode's confusables.txt, shipped in okrdsl/data and read
once, the first time a skeleton is asked for.

Each line is decoded only when a name holds its character: decoding all 6,300
took about 6 ms of every check, for names that hold a few dozen characters. A name
in plain ASCII, as most are, does not need the file at all: the eight ASCII
characters it maps are written out below (`_ASCII`; a test holds them to the file).
"""

from __future__ import annotations

import functools
import os
import unicodedata


@functools.cache
def _lines() -> dict[str, str]:
    """The mappings as shipped, split but not decoded: each code point's prototype by the
    code point, both in upper-case hexadecimal as the file writes them ("05AD": "0596")."""
    # Beside this module, as grammar._tables_file finds the parser's tables: importlib.resources
    # would import pathlib and zipfile for one file that an installed okrdsl always has on disk.
    with open(os.path.join(os.path.dirname(__file__), "data", "confusables.txt"), encoding="utf-8") as file:
        text = file.read()
    return dict(line.split(" ", 1) for line in text.split("\n") if line and line[0] != "#")


@functools.lru_cache(maxsize=8192)
def prototype(char: str) -> str | None:
    """What `char` maps to in confusables.txt, or None when it is not mapped."""
    target = _lines().get(f"{ord(char):04X}")
    return None if target is None else "".join(chr(int(code, 16)) for code in target.split())


# What confusables.txt maps each ASCII character to; the other 120 it leaves as they are.
_ASCII = {'"': "''", "%": "\u00ba/\u2080", "0": "O", "1": "l", "I": "l", "`": "'", "m": "rn", "|": "l"}


@functools.lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """The form of `name` that every look-alike of it shares."""
    if name.isascii():  # NFD leaves ASCII as it is
        mapped = "".join(_ASCII.get(char, char) for char in name)
    else:
        mapped = "".join(char if (found := prototype(char)) is None else found
                         for char in unicodedata.normalize("NFD", name))
    return unicodedata.normalize("NFD", mapped)


def describe_difference(name: str, other: str) -> str:
    """The characters that make two look-alike names differ, named, and which name holds
    them: 'С (U+0421 CYRILLIC CAPITAL LETTER ES) in "СЕО"'. Only characters that are not
    plain ASCII are named (of a pair such as С and C, the Cyrillic one)."""
    parts = []
    for word, against in ((name, other), (other, name)):
        odd = [char for char in dict.fromkeys(word) if char not in against and (not char.isascii() or not char.isprintable())]
        if odd:
            listed = ", ".join(f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'an unnamed character')})"
                               for char in odd[:3])
            parts.append(f'{listed}{f" and {len(odd) - 3} more" if len(odd) > 3 else ""} in "{word}"')
    if not parts:  # plain letters that look alike, such as I (capital i) and l (small L)
        pairs = [(a, b) for a, b in zip(name, other) if a != b]
        parts = [", ".join(f"{a} in \"{name}\" and {b} in \"{other}\"" for a, b in pairs[:3])]
    return "; ".join(parts)
