"""benchmarks/run.py judges each target of the speed issue from the figures of one run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load_run():
    sys.path.insert(0, str(BENCHMARKS))  # run.py imports generate.py beside it
    try:
        spec = importlib.util.spec_from_file_location("okrdsl_benchmark_run", BENCHMARKS / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


run = _load_run()


def _figures(cold=1.4, ten=0.9, hundred=9.5, per_line=1900.0, changed=1.1):
    sizes = [{"steps": 10_000, "seconds": ten, "bytes_per_line": 2500.0},
             {"steps": 100_000, "seconds": hundred, "bytes_per_line": per_line}]
    return {
        "start_up": [{"what": "python -c 'import click, lark, attrs' (the floor)", "x_floor": 1.0},
                     {"what": "okrdsl check specs/ --no-cache (760 lines)", "x_floor": cold},
                     {"what": "okrdsl --version", "x_floor": 1.1}],
        "sizes": sizes,
        "many_files": [{"what": "500 files (90,000 lines): cold, serial (--no-cache -j 1)", "x_one_file": 6.0},
                       {"what": "500 files (90,000 lines): warm, one file changed", "x_one_file": changed}],
    }


def test_every_target_is_met_when_every_figure_is_inside_it():
    verdicts = {row["target"]: (row["measured"], row["met"]) for row in run.targets(_figures())}
    assert verdicts == {
        "cold `okrdsl check specs/` within 1.5x of the floor": ("1.40x", "yes"),
        "`okrdsl --version` within 1.2x of the floor": ("1.10x", "yes"),
        "10,000 steps in under 1 s": ("0.90 s", "yes"),
        "100,000 steps at most 11x the time of 10,000": ("10.6x", "yes"),
        "peak memory under 2 KB per line (at 100,000 steps)": ("1,900 B", "yes"),
        "500 files, one changed, within 1.5x of that file cold": ("1.10x", "yes"),
    }


def test_a_figure_past_its_target_is_not_met():
    rows = run.targets(_figures(cold=1.6, ten=1.2, hundred=14.0, per_line=2100.0, changed=1.6))
    assert [row["met"] for row in rows] == ["no", "yes", "no", "no", "no", "no"]


def test_a_size_not_run_is_not_measured_rather_than_met():
    figures = _figures()
    figures["sizes"] = figures["sizes"][:1]
    rows = {row["target"]: row for row in run.targets(figures)}
    assert rows["100,000 steps at most 11x the time of 10,000"]["met"] == "not measured"
    assert rows["peak memory under 2 KB per line (at 10,000 steps)"]["met"] == "no"
