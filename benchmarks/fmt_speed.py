"""How long `okrdsl fmt` takes next to `okrdsl check`, on a generated spec of about 10,000 lines.

Run from the repository's root:

    python benchmarks/fmt_speed.py [LINES]

The issue's bar: formatting takes no more than twice as long as checking. Formatting
parses the file, prints it, then parses and builds the result again to prove it means
the same and is stable; checking parses, builds, resolves and runs every rule. Both
are timed in-process (best of several runs, with the command line's garbage-collector
settings), as the work of one file: `check.check([path])` and `fmt.format_file(path)`.
The spec is written in a scrambled layout with comments, so that fmt has work to do.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okrdsl.check import check  # noqa: E402
from okrdsl.cli import tune_gc  # noqa: E402
from okrdsl.fmt import format_file  # noqa: E402
from okrdsl.grammar import parser  # noqa: E402


def generated(lines: int) -> str:
    """A spec of about `lines` lines, indented by four, with trailing comments and odd spacing."""
    out = ["# generated", "roles", '    PM   "Product Manager"   aka PMs', '    VPP "VP of Product"',
           '    ProductOps "Product Operations"  # runs it', 'process "Generated" for FY23-Q3',
           'artifact planning issue "Planning" <https://example.com/1>']
    phase = 0
    while len(out) < lines:
        out.append(f'phase p{phase} "Phase {phase}"')
        out.append(f'    meeting m{phase} "Meeting {phase}" at -12w')
        out.append('        goal   "Agree the plan"')
        out.append("        scheduled by ProductOps")
        for step in range(50):
            out.append(f"    at m{phase} + {step}d as s{phase}_{step} : PM and VPP review the OKRs in #planning   # {step}")
            out.append("        ProductOps tags @PMs in #planning")
        phase += 1
    return "\n".join(out) + "\n"


def best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tune_gc()
    parser()  # built once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.okrp"
        text = generated(lines)
        path.write_text(text, encoding="utf-8")
        (Path(folder) / "pyproject.toml").write_text("")
        result = check([str(path)])
        assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics[:3]
        formatted = format_file(str(path))
        assert formatted.changed and not formatted.diagnostics
        checking = best(lambda: check([str(path)]))
        formatting = best(lambda: format_file(str(path)))
    print(f"spec: {text.count(chr(10)):,} lines, {len(text.encode()):,} bytes")
    print(f"okrdsl check: {checking:.2f}s")
    print(f"okrdsl fmt:   {formatting:.2f}s  ({formatting / checking:.2f}x check; the bar is 2x)")


if __name__ == "__main__":
    main()
