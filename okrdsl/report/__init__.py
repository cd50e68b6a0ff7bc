"""Diagnostics for people and machines: one function per format, listed in FORMATS.

Each takes the diagnostics, the sources they point into and the number of
files checked, and returns text; the CLI prints it. Nothing here prints.

Only the text format, which `okrdsl check` prints by default, is imported with this
package: each machine format is imported when it is first called (JSON, hashing,
SARIF's URLs and paths cost more to import than a small check takes).
"""

from __future__ import annotations

from importlib import import_module

from okrdsl.report.text import text


def _when_called(module: str, name: str):
    """The function `name` of `module`, imported on its first call."""

    def report(*args, **kwargs):
        return getattr(import_module(module), name)(*args, **kwargs)

    report.__name__ = report.__qualname__ = name
    report.__doc__ = f"{module}.{name}, imported when first called."
    return report


FORMATS = {
    "text": text,
    "json": _when_called("okrdsl.report.machine", "json_lines"),
    "github": _when_called("okrdsl.report.machine", "github"),
    "gitlab": _when_called("okrdsl.report.machine", "gitlab"),
    "sarif": _when_called("okrdsl.report.sarif", "sarif"),
}
