"""How fast okrdsl reads and checks specs, and how much memory it takes.

Run from the repository's root:

    python benchmarks/bench_check.py

It prints figures for the shipped specs and for generated specs of growing
size (phases x steps), the peak memory of one check of the largest, and the
start-up time of the command. Timings are the best of several runs, with the
garbage-collector settings the command line uses. Building the parser takes
longer when the optional `interegular` package is installed (lark then checks
the grammar's terminals for collisions); the benchmark says which.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okrdsl.check import check  # noqa: E402
from okrdsl.cli import tune_gc  # noqa: E402
from okrdsl.grammar import parser  # noqa: E402


def generated(phases: int, steps: int) -> str:
    lines = ['roles', '  PM "Product Manager" aka PMs', '  VPP "VP of Product"', '  ProductOps "Product Operations"',
             'process "Generated" for FY23-Q3', 'artifact planning issue "Planning" <https://example.com/1>']
    for p in range(phases):
        lines.append(f'phase p{p} "Phase {p}"')
        lines.append(f'  meeting m{p} "Meeting {p}" at -12w')
        lines.append('    goal "Agree the plan"')
        lines.append('    scheduled by ProductOps')
        for s in range(steps):
            lines.append(f"  at m{p} + {s}d as s{p}_{s}: PM and VPP review the OKRs in #planning with @ProductOps")
            lines.append("    ProductOps tags @PMs in #planning")
    return "\n".join(lines) + "\n"


def best(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    tune_gc()  # as the command line does
    start = time.perf_counter()
    parser()
    import lark.lexer

    checked = "with" if lark.lexer.has_interegular else "without"
    print(f"grammar load (LALR tables):    {1000 * (time.perf_counter() - start):7.1f} ms ({checked} interegular)")

    specs = ROOT / "specs"
    lines = sum(len(p.read_text().splitlines()) for p in specs.glob("*.okrp"))
    seconds = best(lambda: check([str(specs)]))
    print(f"check specs/ ({lines} lines):     {1000 * seconds:7.1f} ms  ({lines / seconds:,.0f} lines/s)")

    with tempfile.TemporaryDirectory() as folder:
        for phases, steps in ((10, 10), (20, 50), (40, 100)):
            path = Path(folder) / f"gen-{phases}x{steps}.okrp"
            path.write_text(generated(phases, steps), encoding="utf-8")
            count = len(path.read_text().splitlines())
            seconds = best(lambda: check([str(path)]), repeat=3)
            result = check([str(path)])
            assert not result.diagnostics, result.diagnostics[:3]
            print(f"check {phases:>3} phases x {steps:>3} steps ({count:>5} lines): "
                  f"{1000 * seconds:8.1f} ms  ({count / seconds:,.0f} lines/s)")
        tracemalloc.start()
        check([str(path)])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory, check of {count} lines: {peak / 2**20:.1f} MiB (Python allocations)")

    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "okrdsl", "--version"], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    print(f"start-up, okrdsl --version:    {1000 * min(runs):7.1f} ms (median {1000 * statistics.median(runs):.1f} ms)")


if __name__ == "__main__":
    main()
