"""Where okrdsl's documentation lives on the web: the one place reports and schemas take it from.

These are identifiers that reports point people to (a SARIF rule's helpUri, the JSON
Schemas' `$id`); okrdsl itself never fetches anything from them.
"""

from __future__ import annotations

HOME = "https://okrdsl.dev"


def rule_url(code_id: str) -> str:
    """The page that explains a code, as `okrdsl explain` does."""
    return f"{HOME}/rules/{code_id.lower()}"


def schema_id(name: str, major: int) -> str:
    """The `$id` of a shipped JSON Schema, by its name and major version."""
    return f"{HOME}/schema/{major}/{name}.schema.json"
