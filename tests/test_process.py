"""The okrdsl program as a process: Ctrl-C, the terminal's encoding, a reader that goes away."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = str(ROOT / "specs")


def okrdsl(*args, env=None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "okrdsl", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})}, **kwargs,
    )


def test_the_console_script_starts_in_the_entry_module():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"okrdsl": "okrdsl._entry:main"}


def test_reaching_the_entry_point_imports_nothing_heavy():
    code = "import sys, okrdsl._entry; print(sorted(m for m in ('click', 'lark', 'attrs', 'okrdsl.cli') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_the_package_names_are_still_there():
    code = "import okrdsl; print(okrdsl.Severity.ERROR, okrdsl.load.__name__, okrdsl.loads.__name__, okrdsl.Loaded.__name__, okrdsl.Diagnostic.__name__, okrdsl.__version__ != '')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "error load loads Loaded Diagnostic True\n"
    result = subprocess.run([sys.executable, "-c", "import okrdsl; okrdsl.nothing"], capture_output=True, text=True)
    assert result.stderr.splitlines()[-1] == "AttributeError: module 'okrdsl' has no attribute 'nothing'"


# Ctrl-C while a module is being imported: the audit hook sends SIGINT to the process itself as
# the import of `module` begins, so the interrupt lands inside it every time.
INTERRUPT_ON_IMPORT = """
import os, signal, sys
module = sys.argv[1]
def hook(event, args):
    if event == "import" and args[0] == module:
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(hook)
sys.argv = ["okrdsl", "check", "--no-cache", sys.argv[2]]  # with a cache, a check may import no parser
from okrdsl._entry import main
main()
"""


@pytest.mark.parametrize("module", ["click", "attrs", "okrdsl.cli", "okrdsl.lalr", "okrdsl.parse", "okrdsl.report"])
def test_ctrl_c_during_the_imports_is_one_line_and_exit_130(module):
    result = subprocess.run([sys.executable, "-c", INTERRUPT_ON_IMPORT, module, SPECS], capture_output=True, text=True)
    assert (result.returncode, result.stderr, result.stdout) == (130, "okrdsl: interrupted\n", "")


@pytest.mark.parametrize("delay", [0.1, 0.2, 0.4, 0.8])
def test_ctrl_c_at_any_moment_never_prints_a_traceback(delay):
    # Before about 0.02 s the interpreter itself is still starting, before okrdsl's first
    # line can run: nothing okrdsl does can change what Python does then.
    process = okrdsl("check", "--no-cache", SPECS, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    if process.returncode == 130:
        assert err == "okrdsl: interrupted\n"
    else:  # the check finished first
        assert (process.returncode, err) == (0, "") and out.startswith("no problems in ")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_terminal_that_cannot_show_a_character_gets_an_escape_not_a_crash(tmp_path, encoding):
    path = tmp_path / "q.okrp"
    path.write_text('roles\n  PM "PM"\nphase p "P"\n  at -4w: PM x\n  at -4w: ПМ 産品 x\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "okrdsl", "check", "q.okrp"], capture_output=True, cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": encoding},
    )
    assert result.returncode == 1
    assert result.stderr == b""
    assert result.stdout.decode(encoding).splitlines() == [
        'q.okrp:5:11: error: "\\u041f\\u041c" is not a declared role [OKR102]',
        " 5 |   at -4w: \\u041f\\u041c \\u7523\\u54c1 x",
        "   |           ^^",
        "   = hint: declare it in a roles block, or include the role catalogue; for a step that no one is named "
        "as doing, put its whole text in double quotes",
        "1 error, 0 warnings in 1 file",
    ]
    schedule = subprocess.run(
        [sys.executable, "-m", "okrdsl", "schedule", "--quarter", "FY23-Q3", "q.okrp"], capture_output=True, cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": encoding},
    )
    assert schedule.returncode == 1 and b"Traceback" not in schedule.stderr
    assert schedule.stdout.decode(encoding).splitlines()[-1] == "2022-07-04  Mon  -4w   p      \\u041f\\u041c   \\u7523\\u54c1 x"


def closed_early(*args, cwd=None, read_lines=0) -> tuple[int, str]:
    """Run okrdsl with a reader that reads `read_lines` lines of its output, then closes the pipe."""
    process = okrdsl(*args, cwd=cwd)
    for _ in range(read_lines):
        process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    return process.wait(timeout=60), err


def test_a_reader_that_stops_early_does_not_change_the_exit_status(tmp_path):
    # The pipe is closed before okrdsl has printed anything (starting Python takes longer).
    assert closed_early("check", "--no-cache", SPECS) == (0, "")
    assert closed_early("schedule", str(ROOT / "specs" / "fy23-q2.okrp")) == (0, "")
    assert closed_early("rules") == (0, "")
    (tmp_path / "q.okrp").write_text('roles\n  PM "PM"\n  PM "PM"\n', encoding="utf-8")
    assert closed_early("check", "q.okrp", cwd=tmp_path) == (1, "")
    assert closed_early("check", "--exit-zero", "q.okrp", cwd=tmp_path) == (0, "")


def test_a_reader_that_stops_in_the_middle_of_a_long_report(tmp_path):
    # On Linux okrdsl is stopped by EPIPE in the middle of writing; some sandboxes let
    # the write finish instead. The exit code is the check's either way.
    refs = " ".join(f"#a{i}" for i in range(1600))  # 1,600 findings: far more JSON than a pipe holds
    (tmp_path / "q.okrp").write_text(f'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM reads {refs}\n', encoding="utf-8")
    assert closed_early("check", "--format", "json", "q.okrp", cwd=tmp_path, read_lines=1) == (1, "")
    assert closed_early("check", "--format", "json", "--exit-zero", "q.okrp", cwd=tmp_path, read_lines=1) == (0, "")


def test_a_check_collects_no_garbage_and_gives_the_collector_back(monkeypatch):
    import gc

    from click.testing import CliRunner

    import okrdsl.check
    from okrdsl.cli import main

    seen = []
    original = okrdsl.check.check_files

    def observed(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(okrdsl.check, "check_files", observed)
    result = CliRunner().invoke(main, ["check", "--no-cache", SPECS])
    assert result.exit_code == 0 and seen == [False]  # off while the check runs
    assert gc.isenabled()  # on again once the command is done


def test_the_entry_imports_the_command_line_without_the_collector_and_turns_it_back_on(monkeypatch):
    import gc

    import okrdsl.cli
    from okrdsl import _entry

    seen = []

    def command_line(prog_name):
        seen.append(gc.isenabled())

    monkeypatch.setattr(okrdsl.cli, "main", command_line)
    monkeypatch.setattr(gc, "disable", lambda: seen.append("disabled"))
    monkeypatch.setattr(_entry.signal, "signal", lambda *args: None)  # this process keeps its handlers
    _entry.main()
    assert seen == ["disabled", True] and gc.isenabled()  # on again before any command runs
