"""How long the language server works after a keystroke in a 1,000-line file.

Run from the repository's root:

    python benchmarks/lsp_speed.py

After a pause in typing (okrdsl.lsp.server.DELAY), the server checks the
editor's text: `analyse` (check_text: read, parse, build, includes, rules)
and the findings turned into LSP ranges. This prints that server time per
keystroke (best and median of several edits, each a different character typed
into a different line), and how much of it is the parse alone. The debounce
pause itself is not server time and is not counted.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_check import generated  # noqa: E402
from okrdsl.cli import tune_gc  # noqa: E402
from okrdsl.grammar import parser  # noqa: E402
from okrdsl.lsp.analysis import analyse  # noqa: E402
from okrdsl.lsp.positions import to_client  # noqa: E402
from okrdsl.parse import parse  # noqa: E402
from okrdsl.source import Source  # noqa: E402

EDITS = 15


def keystroke(text: str, line: int, char: str) -> str:
    """The text with `char` typed at the end of the step text on `line`."""
    lines = text.split("\n")
    lines[line] = lines[line] + char
    return "\n".join(lines)


def server_time(path: str, text: str) -> float:
    start = time.perf_counter()
    analysis = analyse(path, text)
    source = analysis.source
    for shown in analysis.shown:  # what publish does: every range in UTF-16
        to_client(source, shown.span.start)
        to_client(source, shown.span.end)
    return time.perf_counter() - start


def main() -> None:
    tune_gc()  # as `okrdsl lsp` does (it runs through the same command group)
    parser()
    text = generated(10, 49)
    lines = text.count("\n")
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "big.okrp")
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    step_lines = [n for n, line in enumerate(text.split("\n")) if line.startswith("  at ")]
    server_time(path, text)  # warm up
    times, parses = [], []
    for edit in range(EDITS):
        typed = keystroke(text, step_lines[edit * len(step_lines) // EDITS], "s")
        times.append(server_time(path, typed))
        start = time.perf_counter()
        parse(Source(path, typed))
        parses.append(time.perf_counter() - start)
    print(f"re-check after a keystroke in a {lines:,}-line file, {EDITS} edits:")
    print(f"  server time: best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms")
    print(f"  of which the parse: best {min(parses) * 1000:.0f} ms, median {statistics.median(parses) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
