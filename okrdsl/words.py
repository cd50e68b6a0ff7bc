"""Small helpers for the words okrdsl says: suggestions and plurals."""

from __future__ import annotations

from typing import Sequence

from okrdsl.limits import MAX_LOOP_SHOWN


def did_you_mean(word: str, choices) -> str | None:
    """'did you mean "PM"?' for the closest of `choices`, or None when none is close.

    Case does not count: `pm` is offered "PM", `ceo` "CEO" (a choice that differs
    only in case comes first)."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    if word.casefold() in folded and folded[word.casefold()] != word:
        return f'did you mean "{folded[word.casefold()]}"?'
    import difflib  # here: the text report imports this module, and a clean check suggests nothing

    matches = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f'did you mean "{folded[matches[0]]}"?' if matches else None


def plural(number: int, word: str) -> str:
    """'1 error', '2 errors'."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def loop_text(path: Sequence[str], start: int = 0) -> str:
    """'a -> b -> a': the names from path[start] to the end, then back to the first.

    A loop longer than MAX_LOOP_SHOWN shows its first names, how many are left
    out and its last name; the cost does not grow with the loop.
    """
    size = len(path) - start
    if size < MAX_LOOP_SHOWN:
        return " -> ".join([*path[start:], path[start]])
    head = list(path[start:start + MAX_LOOP_SHOWN - 3])
    left_out = size - len(head) - 1
    return " -> ".join([*head, f"... ({left_out:,} more)", path[-1], path[start]])
