"""Golden files: the expected output of a command, kept under tests/golden and compared byte
for byte. They are rewritten only on request: `pytest --update-golden` or OKRDSL_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def updating() -> bool:
    return bool(os.environ.get("OKRDSL_UPDATE_GOLDEN"))


def matches(name: str, text: str) -> None:
    """Assert that `text` is the golden file `name` (a path under tests/golden), or rewrite it when updating."""
    path = GOLDEN / name
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no golden file {name}: run pytest --update-golden and read the diff"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs: if the change is intended, run pytest --update-golden"
