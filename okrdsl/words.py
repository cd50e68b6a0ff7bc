"""Small helpers for the words okrdsl says: suggestions and plurals."""

from __future__ import annotations

import difflib


def did_you_mean(word: str, choices) -> str | None:
    """'did you mean "PM"?' for the closest of `choices`, or None when none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean "{matches[0]}"?' if matches else None


def plural(number: int, word: str) -> str:
    """'1 error', '2 errors'."""
    return f"{number} {word}{'' if number == 1 else 's'}"
