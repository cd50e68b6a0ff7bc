"""How fast okrdsl starts, reads large specs and checks many files: one table.

    python benchmarks/run.py            # a table, as in docs/performance.md
    python benchmarks/run.py --json     # the same figures as JSON
    python benchmarks/run.py --quick    # fewer repeats and sizes, for a first look

Every figure comes from the `okrdsl` of the environment running this script, run
as a separate process, as a user or a pre-commit hook runs it; each timing is the
best of several runs, with the runs of the things compared taken in turn, so that
a busy machine slows all of them alike. Python keeps the modules it compiles (in
the benchmark's own folder), as it does for an installed okrdsl. Peak memory is
the child's maximum resident set, less that of the same command on an empty
spec, per line.
Files over okrdsl's 5 MiB limit (limits.MAX_FILE_BYTES; the 100,000-step spec is
about 13 MiB) are checked with the limit lifted inside the measuring process:
`okrdsl check` itself refuses them (OKR016).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

OKRDSL = [sys.executable, "-m", "okrdsl"]
FLOOR = [sys.executable, "-c", "import click, lark, attrs"]
LARGE_ROUNDS = 3  # how many runs of each size over 10,000 steps (the smaller ones: every round)

# Run in a child: check one file, print seconds and the peak resident set in KiB. The peak is
# the process's own (VmHWM, where Linux gives it): getrusage's includes the peak of the process
# it was forked from, here the benchmark's own.
_MEASURE = """
import resource, sys, time
import okrdsl.cache, okrdsl.files
okrdsl.files.MAX_FILE_BYTES = okrdsl.cache.MAX_FILE_BYTES = 10 ** 9  # the benchmark's largest sizes
from okrdsl.cli import tune_gc
from okrdsl.check import check_files
tune_gc(one_shot=True)  # as `okrdsl check` does
start = time.perf_counter()
result = check_files([sys.argv[1]], use_cache=False, jobs=1)
seconds = time.perf_counter() - start
assert not result.diagnostics, result.diagnostics[:3]
try:
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(seconds, peak)
"""


def timed(command, cwd=None, expect=(0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in expect:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds


def best_in_turn(commands: dict, repeat: int, cwd=None, before=None) -> dict:
    """The best time of each command, running them in turn `repeat` times."""
    times = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            if before is not None:
                before(name)
            times[name].append(timed(command, cwd))
    return {name: min(values) for name, values in times.items()}


def project(folder: Path) -> Path:
    (folder / ".git").mkdir(parents=True, exist_ok=True)  # a project root, where the cache lives
    return folder


def start_up(work: Path, repeat: int) -> list[dict]:
    specs = project(work / "startup")
    shutil.copytree(ROOT / "specs", specs / "specs")
    subprocess.run([*OKRDSL, "check", "specs"], cwd=specs, capture_output=True)  # fill the cache
    times = best_in_turn({
        "floor": FLOOR,
        "check specs/ --no-cache": [*OKRDSL, "check", "--no-cache", "specs"],
        "check specs/ (cached)": [*OKRDSL, "check", "specs"],
        "--version": [*OKRDSL, "--version"],
    }, repeat, cwd=specs)
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (specs / "specs").rglob("*.okrp"))
    floor = times.pop("floor")
    rows = [{"what": "python -c 'import click, lark, attrs' (the floor)", "ms": floor * 1000, "x_floor": 1.0}]
    for name, seconds in times.items():
        rows.append({"what": f"okrdsl {name}" + (f" ({lines} lines)" if "specs" in name else ""),
                     "ms": seconds * 1000, "x_floor": seconds / floor})
    return rows


def sizes(work: Path, steps_list, repeat: int) -> list[dict]:
    """Each size's best time and least peak memory. The sizes are measured in rounds, each
    running every size once, smallest first, so that a slow minute of the machine slows the
    sizes whose times are compared alike (the machine's speed swings by 10% or more for
    minutes at a time); sizes over 10,000 steps take 10-30 s a run and are measured in
    `LARGE_ROUNDS` rounds spread over the others."""
    empty = work / "empty.okrp"
    empty.write_text(generate(1), encoding="utf-8")
    base_kib = min(_measure(empty)[1] for _ in range(2))
    paths = {steps: _generated(work / f"steps-{steps}.okrp", steps) for steps in steps_list}
    runs = {steps: [] for steps in steps_list}
    for steps in in_rounds(steps_list, repeat):
        runs[steps].append(_measure(paths[steps]))
    rows = []
    for steps in steps_list:
        path = paths[steps]
        with path.open(encoding="utf-8") as text:
            lines = sum(1 for _ in text)
        seconds = min(r[0] for r in runs[steps])
        peak_kib = min(r[1] for r in runs[steps])
        rows.append({"steps": steps, "lines": lines, "mib": path.stat().st_size / 2**20, "seconds": seconds,
                     "runs": len(runs[steps]), "lines_per_s": lines / seconds, "peak_mib": peak_kib / 1024,
                     "bytes_per_line": (peak_kib - base_kib) * 1024 / lines,
                     "over_limit": path.stat().st_size > 5 * 2**20})
    return rows


def _generated(path: Path, steps: int) -> Path:
    """A generated spec of `steps` (seeded by its size), written by a child process: the largest
    would take this process's memory to a hundred MiB, and keep it there."""
    with path.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "generate.py"), "--steps", str(steps),
                        "--seed", str(steps)], stdout=out, check=True)
    return path


def in_rounds(steps_list, repeat: int) -> list[int]:
    """The order in which `sizes` measures: `repeat` rounds of every size, smallest first, but
    sizes over 10,000 steps only in `LARGE_ROUNDS` of them: the first, the last, and spread
    between."""
    count = min(repeat, LARGE_ROUNDS)
    large = {round(i * (repeat - 1) / max(1, count - 1)) for i in range(count)}
    return [steps for turn in range(repeat) for steps in sorted(steps_list)
            if steps <= 10_000 or turn in large]


def _measure(path: Path) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    seconds, kib = done.stdout.split()
    return float(seconds), int(kib)


def many_files(work: Path, count: int, repeat: int) -> list[dict]:
    repo = project(work / "repo")
    (repo / "specs").mkdir()
    for number in range(count):
        (repo / "specs" / f"team-{number:03}.okrp").write_text(generate(60, seed=number), encoding="utf-8")
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (repo / "specs").glob("*.okrp"))
    changed = repo / "specs" / "team-007.okrp"
    original = changed.read_text(encoding="utf-8")
    flip = [0]

    def touch(name):
        if name == "warm, one file changed":
            flip[0] += 1
            changed.write_text(original + f"# edit {flip[0]}\n", encoding="utf-8")

    subprocess.run([*OKRDSL, "check", "specs"], cwd=repo, capture_output=True)  # fill the cache
    times = best_in_turn({
        "one file, cold (--no-cache)": [*OKRDSL, "check", "--no-cache", "specs/team-007.okrp"],
        "warm, one file changed": [*OKRDSL, "check", "specs"],
        "warm, nothing changed": [*OKRDSL, "check", "specs"],
    }, repeat, cwd=repo, before=touch)
    cold = best_in_turn({
        "cold, serial (--no-cache -j 1)": [*OKRDSL, "check", "--no-cache", "-j", "1", "specs"],
        "cold, parallel (--no-cache)": [*OKRDSL, "check", "--no-cache", "specs"],
    }, max(1, repeat // 3), cwd=repo)
    one = times["one file, cold (--no-cache)"]
    rows = [{"what": f"{count} files ({lines:,} lines): {name}", "seconds": seconds, "x_one_file": seconds / one}
            for name, seconds in {**cold, **times}.items()]
    return rows


def others(work: Path, steps: int, repeat: int) -> list[dict]:
    """okrdsl against yamllint and check-jsonschema, on the same content as YAML and JSON."""
    spec = project(work / "others") / "spec.okrp"
    spec.write_text(generate(steps, seed=1), encoding="utf-8")
    compiled = subprocess.run([*OKRDSL, "compile", str(spec), "--to", "json"], capture_output=True, text=True,
                              check=True).stdout
    as_json = spec.with_suffix(".json")
    as_json.write_text(compiled, encoding="utf-8")
    rows = [{"what": f"okrdsl check ({steps:,} steps, .okrp)", "command": [*OKRDSL, "check", "--no-cache", str(spec)],
             "bytes": spec.stat().st_size}]
    try:
        import yaml

        as_yaml = spec.with_suffix(".yaml")
        as_yaml.write_text(yaml.safe_dump(json.loads(compiled), sort_keys=False, width=1000), encoding="utf-8")
        rows.append({"what": "yamllint (the same, as YAML)", "tool": "yamllint",
                     "command": ["yamllint", "-d", "relaxed", str(as_yaml)], "bytes": as_yaml.stat().st_size})
    except ImportError:
        print("skipped yamllint: pyyaml is not installed", file=sys.stderr)
    rows.append({"what": "check-jsonschema (the same, as JSON, against okrdsl's schema)", "tool": "check-jsonschema",
                 "command": ["check-jsonschema", "--schemafile", str(ROOT / "okrdsl" / "data" / "compile.schema.json"),
                             str(as_json)], "bytes": as_json.stat().st_size})
    measured = []
    for row in rows:
        if "tool" in row and shutil.which(row["tool"]) is None:
            print(f"skipped {row['tool']}: not installed (pip install {row['tool']})", file=sys.stderr)
            continue
        row["seconds"] = min(timed(row["command"], expect=(0, 1)) for _ in range(repeat))
        measured.append({"what": row["what"], "seconds": row["seconds"], "mib": row["bytes"] / 2**20})
    return measured


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import lark

    load = ", load average %.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return (f"{cores} cores{' (' + model + ')' if model else ''}, Python {platform.python_version()}, "
            f"lark {lark.__version__}, {platform.system()}{load}")


def table(figures: dict) -> str:
    out = [f"machine: {figures['machine']}", "", "| start-up | ms | x floor |", "|---|---:|---:|"]
    out += [f"| {r['what']} | {r['ms']:.0f} | {r['x_floor']:.2f} |" for r in figures["start_up"]]
    out += ["", "| steps | lines | MiB | runs | seconds | lines/s | peak MiB | bytes/line |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in figures["sizes"]:
        note = " *" if r["over_limit"] else ""
        out.append(f"| {r['steps']:,}{note} | {r['lines']:,} | {r['mib']:.1f} | {r['runs']} | {r['seconds']:.2f} | "
                   f"{r['lines_per_s']:,.0f} | {r['peak_mib']:.0f} | {r['bytes_per_line']:,.0f} |")
    if any(r["over_limit"] for r in figures["sizes"]):
        out.append("")
        out.append("\\* over the 5 MiB file limit: measured with the limit lifted; `okrdsl check` refuses it (OKR016).")
    by_steps = {r["steps"]: r["seconds"] for r in figures["sizes"]}
    if 10_000 in by_steps and 100_000 in by_steps:
        out.append(f"\ntime for 100,000 steps / time for 10,000 steps: {by_steps[100_000] / by_steps[10_000]:.1f}x")
    out += ["", "| many files | seconds | x one file cold |", "|---|---:|---:|"]
    out += [f"| {r['what']} | {r['seconds']:.2f} | {r['x_one_file']:.2f} |" for r in figures["many_files"]]
    out += ["", "| the same content, other tools | MiB | seconds |", "|---|---:|---:|"]
    out += [f"| {r['what']} | {r['mib']:.1f} | {r['seconds']:.2f} |" for r in figures["others"]]
    out += ["", "| target (issue 13) | measured | met |", "|---|---:|---|"]
    out += [f"| {r['target']} | {r['measured']} | {r['met']} |" for r in figures["targets"]]
    return "\n".join(out)


def targets(figures: dict) -> list[dict]:
    """Each target of the speed issue against this run's figures: "yes", "no", or "not measured"."""
    start = {r["what"]: r["x_floor"] for r in figures["start_up"]}
    cold = next((x for what, x in start.items() if "--no-cache" in what), None)
    version = start.get("okrdsl --version")
    by_steps = {r["steps"]: r for r in figures["sizes"]}
    ten = by_steps.get(10_000)
    ratio = by_steps[100_000]["seconds"] / ten["seconds"] if ten and 100_000 in by_steps else None
    largest = by_steps[max(by_steps)] if by_steps else None
    changed = next((r["x_one_file"] for r in figures["many_files"] if "one file changed" in r["what"]), None)
    files = figures["many_files"][0]["what"].split(" (")[0] if figures["many_files"] else "the repository"

    def row(target, value, limit, shown):
        met = "not measured" if value is None else "yes" if value <= limit else "no"
        return {"target": target, "measured": "-" if value is None else shown(value), "met": met}

    return [
        row("cold `okrdsl check specs/` within 1.5x of the floor", cold, 1.5, lambda v: f"{v:.2f}x"),
        row("`okrdsl --version` within 1.2x of the floor", version, 1.2, lambda v: f"{v:.2f}x"),
        row("10,000 steps in under 1 s", ten and ten["seconds"], 1.0, lambda v: f"{v:.2f} s"),
        row("100,000 steps at most 11x the time of 10,000", ratio, 11.0, lambda v: f"{v:.1f}x"),
        row(f"peak memory under 2 KB per line (at {largest['steps']:,} steps)" if largest else
            "peak memory under 2 KB per line", largest and largest["bytes_per_line"], 2048, lambda v: f"{v:,.0f} B"),
        row(f"{files}, one changed, within 1.5x of that file cold", changed, 1.5, lambda v: f"{v:.2f}x"),
    ]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--json", action="store_true", help="print the figures as JSON")
    options.add_argument("--quick", action="store_true", help="fewer repeats and sizes")
    arguments = options.parse_args()
    repeat = 3 if arguments.quick else 7
    steps = (1_000, 10_000) if arguments.quick else (1_000, 10_000, 40_000, 100_000)
    with tempfile.TemporaryDirectory(prefix="okrdsl-bench-") as folder:
        work = Path(folder)
        # okrdsl runs as an installed okrdsl does: compiled once, as pip compiles a wheel's
        # modules when it installs it and Python keeps an editable install's after its first
        # run. Under PYTHONDONTWRITEBYTECODE (set in some development shells) every run would
        # compile okrdsl's source again (about 60 ms), which no user pays and the floor, whose
        # packages were compiled when pip installed them, does not pay either. The compiled
        # modules go to this folder, never into the checkout; the first of each command's
        # runs writes them, and only the best run counts.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        figures = {"machine": machine(), "start_up": start_up(work, repeat * 2),
                   "sizes": sizes(work, steps, repeat),
                   "many_files": many_files(work, 100 if arguments.quick else 500, repeat),
                   "others": others(work, 10_000, max(1, repeat // 2))}
        figures["targets"] = targets(figures)
    print(json.dumps(figures, indent=2) if arguments.json else table(figures))


if __name__ == "__main__":
    main()
