"""Fuzzing okrdsl at the command line: generators of hostile projects, and the properties
every command must keep on them.

tests/test_fuzz.py runs a fixed-seed sample of each generator in CI;
benchmarks/fuzz.py runs many more and prints counts. The properties: a command
never prints a traceback or "internal error", never hangs, exits with 0, 1 or 2,
and every position it reports lies inside the file it names.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
from pathlib import Path

import attrs
from click.testing import CliRunner
from hypothesis import strategies as st

from okrdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPECS = {path.name: path.read_bytes() for path in sorted((ROOT / "specs").glob("*.okrp"))}
HANG_SECONDS = 60  # far beyond any real run here: past it, the command is taken to hang
COMMANDS_PER_PROJECT = 7  # what check_project runs, at most

# Pieces a mutation may insert: keywords, times, odd characters, and the attacks of the
# hardening issue (escape sequences, bidi overrides, huge numbers, paths that leave).
PIECES = [
    "roles", "phase", "meeting", "include", "process", "okrs", "objective", "kr", "policy", "artifact",
    " at ", " on ", " after ", " within ", " every ", " as x", " as y", "ongoing", "aligns to", "owner",
    "-4w", "end+1w", "x + 1w", "-999999999999999w", "9" * 5000, "2022-02-30", "FY23-Q5", "progress 1e999%",
    " week -2", " week end+1", " month 0", " month -3", " during week 0", " during month 1", " between -4w and -3w",
    " between week 2 and week -2", " in weekly", " in x", " middle", " end of x", " -3mo", " 9999mo", "after x: PM y",
    ' meeting weekly "W" every week on Tuesday', " every month on first Monday", " every 2 weeks on day 31",
    " every month on last Sunday", "  weeks start Sunday", " on Tuesday",
    "\x1b[2J", "\x1b]8;;https://example.com\x07", "\x1b]52;c;aGk=\x07", "\x07", "\u202e", "\u00a0", "\t",
    '"', "#", "@", ":", "\n", "\n  ", "\n    ", "\r", "\r\n", "\x00", "\ufeff", "\U0001f600", "\u4e2d\u6587",
    'include "/etc/passwd"', 'include "/proc/self/environ"', 'include "../../../etc/hostname"',
    'include "roles.okrp"', 'include "fuzz.okrp"', "  " * 60 + "x",
]


@attrs.frozen
class Run:
    """One command's result."""

    args: tuple[str, ...]
    exit_code: int
    output: str


class Hang(Exception):
    pass


@contextlib.contextmanager
def _hang_guard():
    def alarm(signum, frame):
        raise Hang(f"a command ran longer than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str) -> Run:
    with _hang_guard():
        result = CliRunner().invoke(main, list(args), color=False, catch_exceptions=True)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\nTraceback: {type(result.exception).__name__}: {result.exception}"
    return Run(tuple(args), result.exit_code, output)


def write_project(folder: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> None:
    """A git project in `folder` holding `files`, and symbolic links name -> target."""
    (folder / ".git").mkdir(exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, target in (links or {}).items():
        with contextlib.suppress(OSError):
            os.symlink(target, folder / name)


def problems_with(run: Run, folder: Path) -> list[str]:
    """What is wrong with one run: an empty list when it kept every property."""
    found = []
    if run.exit_code not in (0, 1, 2):
        found.append(f"exit code {run.exit_code}")
    for sign in ("Traceback", "internal error"):
        if sign in run.output:
            found.append(f"{sign!r} in the output")
    if "--format" in run.args and run.args[run.args.index("--format") + 1] == "json" and run.args[0] == "check":
        start = run.output.find("[")
        try:
            findings = json.loads(run.output[start:]) if start >= 0 else []
        except ValueError:
            return found + ["check --format json printed something that is not JSON"]
        found += [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} lies outside the file"
                  for f in findings if not _inside(folder, f)]
    return found


def _inside(folder: Path, finding: dict) -> bool:
    path = folder / finding["path"]
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    except OSError:
        return (finding["line"], finding["column"]) == (1, 1)  # a path-level finding
    lines = text.split("\n")
    for line, column in ((finding["line"], finding["column"]), (finding["end_line"], finding["end_column"])):
        if not 1 <= line <= len(lines) or not 1 <= column <= len(lines[line - 1]) + 2:
            return False
    return True


def check_project(files: dict[str, bytes], links: dict[str, str] | None = None) -> list[str]:
    """Run check (text and JSON), schedule and fmt --diff on a project; every property broken, as text."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder, files, links)
        previous = os.getcwd()
        os.chdir(folder)
        try:
            runs = [invoke("check", "."), invoke("check", "--format", "json", ".")]
            runs += [invoke("schedule", name) for name in sorted(files)[:3]]
            runs += [invoke("schedule", "--format", "json", name) for name in sorted(files)[:1]]
            runs.append(invoke("fmt", "--diff", "."))  # formats every file that parses, and writes nothing
            return [f"{' '.join(r.args)}: {p}" for r in runs for p in problems_with(r, folder)]
        finally:
            os.chdir(previous)


# The generators -------------------------------------------------------------------------

random_bytes = st.binary(max_size=3000).map(lambda data: {"fuzz.okrp": data})
random_text = st.text(max_size=1500).map(lambda text: {"fuzz.okrp": text.encode("utf-8", errors="surrogatepass")})


@st.composite
def mutated_specs(draw):
    """One of the shipped specs (with the role catalogue beside it), cut, spliced and salted."""
    name = draw(st.sampled_from(sorted(SPECS)))
    text = SPECS[name].decode("utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "duplicate", "swap"]))
        if operation == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=80)):]
        elif operation == "duplicate":
            text = text[:at] + text[at:at + draw(st.integers(min_value=1, max_value=400))] * 2 + text[at + 400:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return {"roles.okrp": SPECS["roles.okrp"], "fuzz.okrp": text.encode("utf-8", errors="surrogatepass")}


HEAD = 'include "roles.okrp"\nprocess "Fuzz" for FY23-Q3\nphase p "P"\n'


@st.composite
def hostile_specs(draw):
    """The shapes of the hardening issue, at random sizes: chains of relative times and
    `after`, alignment chains, long lines, huge numbers, many findings on one line, many
    cadences, deep nesting."""
    size = draw(st.integers(min_value=1, max_value=3000))
    shape = draw(st.sampled_from(["time-chain", "after-chain", "aligns", "long-line", "number", "findings",
                                  "cadences", "nesting"]))
    if shape == "time-chain":
        body = "".join(f"  at s{i + 1} + 1d as s{i}: PM drafts step {i}\n" for i in range(size))
        body += f"  at -8w as s{size}: PM starts\n"
    elif shape == "after-chain":
        body = "".join(f"  at -2w as a{i} after a{i + 1}: PM drafts step {i}\n" for i in range(size))
    elif shape == "aligns":
        objectives = "".join(f'  objective O{i} product "Objective {i}" owner PM aligns to O{i + 1}\n'
                             f'    kr O{i}.1 "Result" owner PM\n' for i in range(min(size, 800)))
        return {"roles.okrp": SPECS["roles.okrp"], "fuzz.okrp": ('include "roles.okrp"\nokrs for FY23-Q3\n' + objectives).encode()}
    elif shape == "long-line":
        body = "  at -2w: PM " + draw(st.sampled_from(['"', "x ", "\x1b[2J ", "@CEO "])) * size * 4 + "\n"
    elif shape == "number":
        body = f"  at -{'9' * size}w: PM drafts\n  every {'9' * size} weeks: PM updates\n"
    elif shape == "findings":
        body = "  at -2w: " + ", ".join(["Nobody"] * size) + " drafts\n"
    elif shape == "cadences":
        body = "".join(f"  every day from -12w until end+12w: PM checks in {i}\n" for i in range(min(size, 400)))
    else:
        body = "".join("  " * (i + 1) + f"PM does {i}\n" for i in range(min(size, 200)))
        body = "  at -2w: PM starts\n" + body
    return {"roles.okrp": SPECS["roles.okrp"], "fuzz.okrp": (HEAD + body).encode()}


@st.composite
def include_graphs(draw):
    """Files that include each other at random, with loops, includes that leave the project,
    and links inside and outside it."""
    count = draw(st.integers(min_value=1, max_value=6))
    targets = [f"f{i}.okrp" for i in range(count)] + [
        "missing.okrp", "../outside.okrp", "/etc/passwd", "sub", "sub/inner.okrp", "link.okrp", "out.okrp", "f0.okrp\x00",
    ]
    files = {}
    for i in range(count):
        includes = draw(st.lists(st.sampled_from(targets), max_size=4))
        files[f"f{i}.okrp"] = ("".join(f'include "{t}"\n' for t in includes) + 'roles\n  PM "Product Manager"\n').encode()
    files["sub/inner.okrp"] = b'include "../f0.okrp"\n'
    links = {"link.okrp": "f0.okrp", "out.okrp": "/proc/self/environ"}
    if draw(st.booleans()):
        links["loop.okrp"] = "loop.okrp"
    return files, links
