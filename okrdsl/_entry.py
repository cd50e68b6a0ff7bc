"""Where the `okrdsl` program starts: the console script and `python -m okrdsl` call `main`.

Two things come before anything else is imported. Ctrl-C stops quietly with
`okrdsl: interrupted` and exit code 130 from the first moment: importing click
and lark takes a while, and Python's own handler would print a traceback from
wherever the import had got to. And printing never fails on a character the
terminal's encoding lacks (a role named in Cyrillic on a cp1252 console): it
is written as an escape such as `\\u0420` instead.

This module imports only the standard library, and `okrdsl/__init__.py`
imports nothing eagerly, so reaching `main` is quick.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


def _interrupted(signum, frame) -> None:
    # Write and leave at once: raising here could land in an import, a finaliser or
    # a flush, and what is still buffered for a closed or stalled pipe would block.
    with contextlib.suppress(OSError):  # standard error closed: the exit status still says it
        os.write(2, b"okrdsl: interrupted\n")
    os._exit(INTERRUPTED)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # Importing click and the command line makes tens of thousands of objects that all live
    # until the process ends: the collector's passes over them find nothing (2-4 ms of every
    # run). Each command sets the collector as it needs once it starts (okrdsl.cli.tune_gc).
    gc.disable()
    try:
        from okrdsl.cli import main as cli
    finally:
        gc.enable()

    try:
        cli(prog_name="okrdsl")  # also under `python -m okrdsl`: usage lines, and _OKRDSL_COMPLETE
    finally:
        # The work is done: a Ctrl-C now must not turn its exit status into a death by
        # signal (Python puts the default handler back for its own shutdown).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
