"""SARIF 2.1.0, the format GitHub code scanning reads."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from okrdsl.diagnostics import Severity
from okrdsl.report.safe import json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A repository-relative URI where the path is under the current folder, percent-encoded
    (space, #, %, newline, non-ASCII) as an absolute one is; a file name's bytes that are
    not UTF-8 are encoded as they are."""
    absolute = Path(path).resolve()
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        return absolute.as_uri()
    return quote(os.fsencode(relative.as_posix()), safe="/")


def sarif(diagnostics, sources, file_count, style=None) -> str:
    from okrdsl import __version__
    from okrdsl.rules import all_codes

    codes = all_codes()
    rule_ids = sorted(codes)
    rules = [
        {
            "id": code.id,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "fullDescription": {"text": code.doc or code.summary},
            "help": {"text": (code.doc or code.summary) + (f"\n\nGood:\n{code.good}" if code.good else "")},
            "defaultConfiguration": {"level": "error" if code.severity is Severity.ERROR else "warning"},
        }
        for code in (codes[i] for i in rule_ids)
    ]
    results = []
    for d in diagnostics:
        span = d.span
        results.append({
            "ruleId": d.code,
            "ruleIndex": rule_ids.index(d.code),
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(span.path)},
                    "region": {
                        "startLine": span.line, "startColumn": span.column,
                        "endLine": span.end_line, "endColumn": max(span.end_column, span.column),
                    },
                },
            }],
        })
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "okrdsl", "version": __version__, "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json_text(log)
