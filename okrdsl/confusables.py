"""Look-alike names: Unicode's confusables skeleton (UTS #39, section 4).

Two names with the same skeleton look alike on screen (Latin "CEO" and
Cyrillic "СЕО") though okrdsl, like any program, reads them as different. The
mappings come from Unicode's confusables.txt, shipped in okrdsl/data and read
once, the first time a skeleton is asked for.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources


@functools.cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("okrdsl").joinpath("data", "confusables.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            source, *target = line.split()
            table[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target)
    return table


@functools.lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """The form of `name` that every look-alike of it shares."""
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", name))
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
