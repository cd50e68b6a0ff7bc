"""The targets of `okrdsl compile --to`: one registry, which also gives the CLI its choices.

Each target is a function `(Linked, Options) -> Emitted` (see okrdsl.emit).
"""

from __future__ import annotations

from okrdsl.emit.document import to_json
from okrdsl.emit.mermaid import to_mermaid
from okrdsl.emit.timeline import to_html

FORMATS = {
    "json": to_json,
    "mermaid": to_mermaid,
    "html": to_html,
}
