"""Derived ids: the id of a step, cadence or permission written without `as ID`.

An id is published (`okrdsl schedule --format json`, and later calendar UIDs and
diffs), so it is made from the item's own content, never from its place or its
time: `PHASE/SLUG`, where SLUG is

- for a step or cadence, its first actor and the first WORDS_AFTER_ACTOR words
  of its text (`kickoff/plt-drafts-initial-okrs-aligned`); for a step written
  in double quotes, which has no actor, the first WORDS_WITHOUT_ACTOR words;
- for a permission, `allow-`, then the same (`collaboration/allow-pms-create-krs-not-aligned`).

Words are cut at white space; each is lowercased, turned to ASCII (Unicode NFKD,
apostrophes dropped, then whatever else is not a-z or 0-9 made `-`: `Día` gives
`dia`, `quarter's` gives `quarters`, `#ally` gives `ally`), and a word with nothing left does not count. A SLUG with nothing left
at all (a text in Chinese, say) is the item's content hash.

Two items of a phase whose SLUGs are the same but whose content differs each get
`-` and a hash of their own content (kind, every actor, the whole text), so each
one's id still depends on nothing but itself. Only items whose content is the same
in full fall back to a counter in the order written: the first keeps the id, the
next get `-2`, `-3`. The `/` never appears in a written id, so a derived id never
meets one.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from typing import Sequence

from okrdsl import ir

WORDS_AFTER_ACTOR = 4
WORDS_WITHOUT_ACTOR = 5
MAX_SLUG_CHARS = 60
HASH_CHARS = 6

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def derive_keys(phase: str, items: Sequence[ir.Item]) -> tuple[str, ...]:
    """The key of each item of a phase, in order: its written id, or the one derived
    from its content as the module docstring says. Pure: the same items give the same keys."""
    contents = [None if _written(item) else _content(item) for item in items]
    slugs = [None if content is None else slug(*content) for content in contents]
    texts_by_slug: dict[str, set[tuple]] = {}
    for slug_, content in zip(slugs, contents):
        if slug_ is not None:
            texts_by_slug.setdefault(slug_, set()).add(content)
    keys, seen = [], Counter()
    for item, slug_, content in zip(items, slugs, contents):
        if slug_ is None:
            keys.append(_written(item))
            continue
        key = f"{phase}/{slug_}"
        if len(texts_by_slug[slug_]) > 1:
            key = f"{key}-{content_hash(*content)}"
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return _unique(keys)


def slug(kind: str, actors: tuple[str, ...], text: str) -> str:
    """The readable part of a derived id: `plt-drafts-initial-okrs-aligned`, `allow-pms-create-krs-not-aligned`."""
    words = [w for w in (_ascii(word) for word in actors[:1]) if w]
    limit = WORDS_AFTER_ACTOR if words else WORDS_WITHOUT_ACTOR
    words += itertools.islice(filter(None, map(_ascii, text.split())), limit)  # only the words kept
    made = "-".join(words)[:MAX_SLUG_CHARS].strip("-")
    if not made:
        made = content_hash(kind, actors, text)
    return f"allow-{made}" if kind == "permission" else made


def content_hash(kind: str, actors: tuple[str, ...], text: str) -> str:
    """A short hash of an item's whole content; white space between words does not count."""
    import hashlib  # here: its import takes 3 ms, and most items have a slug

    whole = "\0".join((kind, *actors, " ".join(text.split())))
    return hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]


def _ascii(word: str) -> str:
    word = word.replace("'", "")
    if not word.isascii():  # NFKD leaves ASCII as it is
        word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    word = word.lower()
    if word.isalnum():  # ASCII letters and digits only, as most words are: nothing to replace
        return word
    return _NOT_SLUG.sub("-", word).strip("-")


def _written(item: ir.Item) -> str | None:
    given = item.id
    return given.value if given is not None else None


def _content(item: ir.Item) -> tuple[str, tuple[str, ...], str]:
    kind = type(item).__name__.lower()
    return kind, tuple(actor.value for actor in item.actors), item.text.value


def _unique(keys: list[str]) -> tuple[str, ...]:
    """Keys made unique in the rare case that a derived one is spelled like another
    (a text that ends in `-2`, say): a later one gets the next free `-N`."""
    taken: set[str] = set()
    unique = []
    for key in keys:
        candidate, number = key, 1
        while "/" in key and candidate in taken:
            number += 1
            candidate = f"{key}-{number}"
        taken.add(candidate)
        unique.append(candidate)
    return tuple(unique)
