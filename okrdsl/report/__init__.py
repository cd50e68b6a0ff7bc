"""Diagnostics for people and machines: one function per format, listed in FORMATS.

Each takes the diagnostics, the sources they point into and the number of
files checked, and returns text; the CLI prints it. Nothing here prints.
"""

from __future__ import annotations

from okrdsl.report.machine import github, gitlab, json_lines
from okrdsl.report.sarif import sarif
from okrdsl.report.text import text

FORMATS = {
    "text": text,
    "json": json_lines,
    "github": github,
    "gitlab": gitlab,
    "sarif": sarif,
}
