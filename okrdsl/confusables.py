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
    """The characters of `name` that are not plain ASCII where `other` differs, named:
    'С (U+0421 CYRILLIC CAPITAL LETTER ES), Е (U+0415 CYRILLIC CAPITAL LETTER IE)'."""
    odd = []
    for char in dict.fromkeys(name):
        if char not in other and (not char.isascii() or not char.isprintable()):
            odd.append(f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'an unnamed character')})")
    return ", ".join(odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
