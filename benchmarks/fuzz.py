"""A longer fuzzing run than the tests' fixed-seed sample, with counts.

Run from the repository's root:

    python benchmarks/fuzz.py                 # 500 projects per generator
    python benchmarks/fuzz.py --examples 2000 --seed 7

Each generator of tests/fuzzing.py builds projects (random bytes, random text,
mutations of the shipped specs, hostile shapes, include graphs with links); on
each, `okrdsl check` (text and JSON) and `okrdsl schedule` run, and every broken
property is counted and shown: a traceback or "internal error", an exit code
other than 0, 1 or 2, a position outside its file, or a run past the hang limit.
Exit 1 when anything was found.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings  # noqa: E402

from tests import fuzzing  # noqa: E402

GENERATORS = {
    "random bytes": fuzzing.random_bytes.map(lambda files: (files, None)),
    "random unicode": fuzzing.random_text.map(lambda files: (files, None)),
    "mutated specs": fuzzing.mutated_specs().map(lambda files: (files, None)),
    "hostile shapes": fuzzing.hostile_specs().map(lambda files: (files, None)),
    "include graphs": fuzzing.include_graphs(),
}


def fuzz(strategy, examples: int, seed: int) -> tuple[int, list[list[str]]]:
    found: list[list[str]] = []
    count = 0

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hypothesis_seed(seed)
    @given(strategy)
    def one(case):
        nonlocal count
        files, links = case
        count += 1
        problems = fuzzing.check_project(files, links)
        if problems:
            found.append(problems)

    one()
    return count, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="projects per generator")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=sorted(GENERATORS), help="run one generator")
    options = parser.parse_args()
    total = 0
    print(f"{'generator':<16} {'projects':>9} {'commands':>9} {'problems':>9} {'seconds':>8}")
    for name, strategy in GENERATORS.items():
        if options.only and name != options.only:
            continue
        started = time.perf_counter()
        count, found = fuzz(strategy, options.examples, options.seed)
        elapsed = time.perf_counter() - started
        total += len(found)
        print(f"{name:<16} {count:>9} {count * fuzzing.COMMANDS_PER_PROJECT:>9} {len(found):>9} {elapsed:>8.1f}")
        for problems in found[:5]:
            print("    " + "\n    ".join(p[:200] for p in problems))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
