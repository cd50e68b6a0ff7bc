"""SARIF 2.1.0, the format GitHub code scanning reads.

Every result carries `partialFingerprints` (the same fingerprints as the GitLab report, which
survive lines moving), and its file as a URI relative to the repository (`uriBaseId`
%SRCROOT%, whose address `originalUriBaseIds` gives). Every rule carries its help, as text
and as Markdown with its examples, a `helpUri`, and tags by category.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from okrdsl.about import HOME, rule_url
from okrdsl.codes import category
from okrdsl.diagnostics import Severity
from okrdsl.files import in_repository, repository
from okrdsl.report.machine import fingerprints
from okrdsl.report.safe import json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE = "%SRCROOT%"


def _location(path: str) -> dict:
    """An artifactLocation: relative to the repository and percent-encoded (space, #, %,
    newline, non-ASCII; a file name's bytes that are not UTF-8 as they are), or, for a file
    outside it, an absolute file URI."""
    relative = in_repository(path)
    if relative is None:
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": BASE}


def _rule(code) -> dict:
    text = code.doc or code.summary
    markdown = f"**{code.summary}**\n\n{code.doc}".rstrip()
    for label, example in (("Bad", code.bad), ("Good", code.good)):
        if example:
            markdown += f"\n\n{label}:\n\n```okrp\n{example.rstrip()}\n```"
    return {
        "id": code.id,
        "name": code.name,
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": text},
        "help": {"text": text + (f"\n\nGood:\n{code.good}" if code.good else ""), "markdown": markdown},
        "helpUri": rule_url(code.id),
        "defaultConfiguration": {"level": _level(code.severity)},
        "properties": {"tags": ["okrdsl", category(code.id)]},
    }


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def sarif(diagnostics, sources, file_count, style=None) -> str:
    from okrdsl import __version__
    from okrdsl.rules import all_codes

    codes = all_codes()
    rule_ids = sorted(codes)
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics)):
        span = d.span
        results.append({
            "ruleId": d.code,
            "ruleIndex": rule_ids.index(d.code),
            "level": _level(d.severity),
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _location(span.path),
                    "region": {
                        "startLine": span.line, "startColumn": span.column,
                        "endLine": span.end_line, "endColumn": max(span.end_column, span.column),
                    },
                },
            }],
            "partialFingerprints": {"okrdsl/v1": fingerprint},
        })
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "okrdsl", "version": __version__, "informationUri": HOME,
                "rules": [_rule(codes[i]) for i in rule_ids],
            }},
            "invocations": [{"executionSuccessful": True}],
            "originalUriBaseIds": {BASE: {"uri": Path(repository()).resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json_text(log)
