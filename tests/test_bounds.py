"""Hardening: no input crashes okrdsl, reaches Python's recursion limit, or costs more
work or memory than its size warrants. Each case is a shrunk reproducer with the exact
diagnostic; costs are counted (calls, allocated bytes), never timed."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from okrdsl.check import check
from okrdsl.cli import main

HEAD = 'process "W" for FY23-Q3\nroles\n  PM "PM"\nphase p "P"\n'


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.stdout, result.stderr


def write(folder, text, name="t.okrp") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def found(path):
    return [(d.code, d.span.line, d.span.column, d.message) for d in check([path]).diagnostics]


# --- 1. chains of relative times are followed without recursion ---------------------------------


def backwards(n, line):
    """A chain of n items, each timed from the one written below it: resolving the first
    walks the whole chain."""
    return HEAD + "".join(line(k) for k in range(n, 0, -1))


CHAINS = {
    "at": lambda k: f"  at s{k - 1} + 0d as s{k}: PM does {k}\n",
    "within": lambda k: f"  within 1w after s{k - 1} as s{k}: PM does {k}\n",
    "meeting": lambda k: f'  meeting s{k} "M" at s{k - 1} + 0d\n    goal "g"\n    scheduled by PM\n',
    "after": lambda k: f"  at -4w as s{k} after s{k - 1}: PM does {k}\n",
}


@pytest.mark.parametrize("shape", CHAINS)
def test_a_chain_of_5000_relative_times_is_checked_and_scheduled(shape, tmp_path):
    assert sys.getrecursionlimit() < 5000
    path = write(tmp_path, backwards(5000, CHAINS[shape]) + "  at -4w as s0: PM starts\n"
                 "  every week from s4999 + 1d until s5000 + 2w: PM reviews\n")
    assert found(path) == []
    code, out, err = run("schedule", path, "--format", "json")
    assert (code, err) == (0, "")
    dates = {entry["id"]: entry["date"] for entry in json.loads(out)["items"]}
    assert dates["s5000"] == "2022-07-04"  # -4w, through the whole chain


def test_a_loop_of_5000_relative_times_is_one_short_diagnostic(tmp_path):
    path = write(tmp_path, backwards(5000, CHAINS["at"]).replace("s0 + 0d", "s5000 + 0d"))
    assert found(path) == [("OKR203", 5004, 6, "these items are timed relative to each other in a loop: "
                            "s5000 -> s4999 -> s4998 -> s4997 -> s4996 -> s4995 -> s4994 -> ... (4,992 more) "
                            "-> s1 -> s5000")]
    code, _, err = run("check", path)
    assert code == 1 and "[OKR203]" in _ and err == ""


def test_a_loop_of_5000_after_dependencies_is_one_short_diagnostic(tmp_path):
    path = write(tmp_path, backwards(5000, CHAINS["after"]).replace("after s0:", "after s5000:"))
    assert found(path) == [("OKR203", 5004, 22, "these items come after each other in a loop: "
                            "s5000 -> s4999 -> s4998 -> s4997 -> s4996 -> s4995 -> s4994 -> ... (4,992 more) "
                            "-> s1 -> s5000")]


def test_a_step_timed_from_the_end_through_a_long_chain_is_not_after_quarter_end(tmp_path):
    # OKR206 follows the chain to its end, not 50 steps of it.
    path = write(tmp_path, backwards(300, CHAINS["at"]) + "  at end+1w as s0: PM closes\n")
    assert found(path) == []
