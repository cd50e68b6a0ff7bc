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


def test_sizes_are_measured_in_rounds_so_a_slow_minute_slows_every_size_alike():
    order = run.in_rounds((100_000, 1_000, 10_000), repeat=7)
    assert order == [1_000, 10_000, 100_000, 1_000, 10_000, 1_000, 10_000, 1_000, 10_000, 100_000,
                     1_000, 10_000, 1_000, 10_000, 1_000, 10_000, 100_000]
    assert run.in_rounds((10_000, 100_000), repeat=2) == [10_000, 100_000, 10_000, 100_000]
    assert run.in_rounds((10_000, 100_000), repeat=1) == [10_000, 100_000]


def test_the_table_says_how_many_runs_each_size_took_the_best_of():
    figures = _figures()
    figures["machine"] = "test"
    for row in figures["start_up"]:
        row["ms"] = 100 * row["x_floor"]
    for row, runs in zip(figures["sizes"], (7, 3)):
        row.update(lines=20_000 * runs, mib=1.0, runs=runs, lines_per_s=20_000.0, peak_mib=50.0, over_limit=False)
    figures["many_files"] = [dict(row, seconds=1.0) for row in figures["many_files"]]
    figures["others"] = []
    figures["targets"] = run.targets(figures)
    table = run.table(figures)
    assert "| steps | lines | MiB | runs | seconds |" in table
    assert "| 10,000 | 140,000 | 1.0 | 7 | 0.90 |" in table
    assert "| 100,000 | 60,000 | 1.0 | 3 | 9.50 |" in table
    assert "time for 100,000 steps / time for 10,000 steps: 10.6x" in table


def test_the_sizes_are_generated_in_a_child_as_the_generator_would_print_them(tmp_path):
    """The benchmark's own memory stays small: a child's peak, as getrusage gives it, includes
    the peak of the process it was forked from."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    written = run._generated(tmp_path / "steps-40.okrp", 40)
    assert written.read_text(encoding="utf-8") == generate(40, seed=40)
