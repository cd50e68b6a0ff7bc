"""`okrdsl check` from the command line: output, exit codes, and every way a file can be bad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.output


def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def test_clean_specs_exit_zero():
    code, output = run("check", "--no-cache", str(ROOT / "specs"))  # no cache left in the checkout
    assert code == 0
    assert output.startswith("no problems in ")


def test_a_syntax_error_is_located_with_the_line_and_a_caret(tmp_path):
    path = write(tmp_path, "bad.okrp", 'phase p "P"\n  at 8 weeks: PM x\n')
    code, output = run("check", path)
    assert code == 1
    assert output == (
        f'{path}:2:6: error: unexpected "8": expected a time such as -4w, end+1w, week -2 or session1 + 1w [OKR001]\n'
        " 2 |   at 8 weeks: PM x\n"
        "   |      ^\n"
        "1 error, 0 warnings in 1 file\n"
    )


def test_a_hint_is_printed_under_the_caret(tmp_path):
    path = write(tmp_path, "bad.okrp", 'artifact ally tol "Ally.io"\n')
    code, output = run("check", "--select", "OKR020", path)
    assert code == 1
    assert output.splitlines()[1:4] == [
        ' 1 | artifact ally tol "Ally.io"',
        "   |               ^^^",
        "   = hint: did you mean \"tool\"?",
    ]


def test_a_missing_path(tmp_path):
    code, output = run("check", str(tmp_path / "nope.okrp"))
    assert code == 1
    assert output.splitlines()[0] == f"{tmp_path / 'nope.okrp'}:1:1: error: no such file or folder: {tmp_path / 'nope.okrp'} [OKR010]"


def test_an_empty_file_is_a_warning(tmp_path):
    path = write(tmp_path, "empty.okrp", "")
    code, output = run("check", path)
    assert code == 0
    assert output.splitlines() == [
        f"{path}:1:1: warning: {path} is empty: there is nothing to check [OKR012]",
        "   = hint: start with include, roles, process, phase or okrs",
        "0 errors, 1 warning in 1 file",
    ]
    assert run("check", "--strict", path)[0] == 1


def test_a_file_of_comments_only_is_empty_too(tmp_path):
    path = write(tmp_path, "empty.okrp", "# nothing yet\n\n   # still nothing\n")
    assert "OKR012" in run("check", path)[1]


def test_a_file_that_is_not_utf8(tmp_path):
    path = write(tmp_path, "latin1.okrp", 'roles\n  PM "Caf\xe9 manager"\n'.encode("latin-1"))
    code, output = run("check", path)
    assert code == 1
    assert output.splitlines()[0] == (
        f"{path}:2:10: error: {path} is not UTF-8 text (byte 0xe9 at line 2, column 10) [OKR011]"
    )


def test_an_include_of_a_folder(tmp_path):
    (tmp_path / "shared").mkdir()
    path = write(tmp_path, "q.okrp", 'include "shared"\n')
    code, output = run("check", path)
    assert code == 1
    assert output.splitlines()[0] == (
        f'{path}:1:9: error: cannot include "shared": {tmp_path / "shared"} is a folder, not a .okrp file [OKR100]'
    )


def test_a_missing_include(tmp_path):
    path = write(tmp_path, "q.okrp", 'include "roles.okrp"\n')
    code, output = run("check", path)
    assert code == 1
    assert output.splitlines()[0] == (
        f'{path}:1:9: error: cannot include "roles.okrp": no such file or folder: {tmp_path / "roles.okrp"} [OKR100]'
    )


def test_an_include_loop(tmp_path):
    a = write(tmp_path, "a.okrp", 'include "b.okrp"\n')
    write(tmp_path, "b.okrp", 'include "a.okrp"\n')
    code, output = run("check", a)
    assert code == 1
    b = str(tmp_path / "b.okrp")
    assert output.splitlines()[0] == (
        f"{b}:1:9: error: files include each other in a loop: {a} -> {b} -> {a} [OKR101]"
    )


def test_an_included_file_is_checked_once(tmp_path):
    write(tmp_path, "roles.okrp", "roles\n  PM \"Product Manager\n")
    a = write(tmp_path, "a.okrp", 'include "roles.okrp"\n')
    b = write(tmp_path, "b.okrp", 'include "roles.okrp"\n')
    code, output = run("check", a, b, str(tmp_path / "roles.okrp"))
    assert code == 1
    assert output.count("[OKR004]") == 1
    assert output.splitlines()[-1] == "1 error, 0 warnings in 3 files"


def test_folders_are_searched_for_okrp_files(tmp_path):
    write(tmp_path, "a/one.okrp", "roles\n  PM \"PM\"\n")
    write(tmp_path, "a/b/two.okrp", "roles\n  VPP \"VPP\"\n")
    write(tmp_path, "a/notes.txt", "not a spec")
    code, output = run("check", str(tmp_path / "a"))
    assert (code, output) == (0, "no problems in 2 files\n")


def test_exit_zero_and_select_and_ignore(tmp_path):
    path = write(tmp_path, "bad.okrp", 'roles\n  PM "PM"\nphase p "P"\n  at -4w: PMM drafts\n')
    assert run("check", "--exit-zero", path)[0] == 0
    assert run("check", "--ignore", "OKR102", path)[0] == 0
    assert run("check", "--ignore", "unknown-role,OKR501", path) == (0, "no problems in 1 file\n")
    assert run("check", "--select", "OKR1", path)[0] == 1
    assert run("check", "--select", "OKR3", path)[0] == 0


def test_select_and_ignore_never_hide_what_kept_a_file_from_being_read(tmp_path):
    path = write(tmp_path, "bad.okrp", 'roles\n  PM "Product Manager\n')
    code, output = run("check", "--select", "OKR3", "--ignore", "OKR0", path)
    assert code == 1
    assert "[OKR004]" in output


def test_a_folder_without_specs_is_a_warning(tmp_path):
    (tmp_path / "empty").mkdir()
    code, output = run("check", str(tmp_path / "empty"))
    assert code == 0
    assert output.splitlines()[0] == f"{tmp_path / 'empty'}:1:1: warning: no .okrp files in {tmp_path / 'empty'} [OKR015]"
    assert run("check", "--strict", str(tmp_path / "empty"))[0] == 1


def test_one_file_named_two_ways_is_checked_once(tmp_path, monkeypatch):
    write(tmp_path, "a.okrp", 'roles\n  PM "Product Manager\n')
    monkeypatch.chdir(tmp_path)
    code, output = run("check", ".", str(tmp_path), "a.okrp")
    assert output.count("[OKR004]") == 1
    assert output.splitlines()[-1] == "1 error, 0 warnings in 1 file"


def test_an_unreadable_file_is_counted(tmp_path):
    path = write(tmp_path, "latin1.okrp", "roles\n  PM \"Caf\xe9\"\n".encode("latin-1"))
    assert run("check", path)[1].splitlines()[-1] == "1 error, 0 warnings in 1 file"


def test_a_usage_error_exits_two():
    code, output = run("check", "--no-such-option")
    assert code == 2
    assert "No such option" in output


def test_version():
    code, output = run("--version")
    assert code == 0
    assert output.startswith("okrdsl, version ")


def test_python_dash_m_runs_the_cli_without_a_traceback(tmp_path):
    path = write(tmp_path, "bad.okrp", "\x00\x01 roles\n")
    result = subprocess.run([sys.executable, "-m", "okrdsl", "check", path], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "[OKR001]" in result.stdout


def test_the_commands_kept_elsewhere_are_the_ones_okrdsl_commands_defines():
    import okrdsl.commands  # noqa: F401 - its commands add themselves to the group
    from okrdsl.cli import ELSEWHERE

    assert set(main.commands) == {"check", *ELSEWHERE}
    assert main.list_commands(None) == sorted(main.commands)


def test_help_documents_the_exit_codes():
    code, output = run("check", "--help")
    assert code == 0
    assert "0  no errors found (warnings alone pass, unless --strict)" in output and "2  usage error" in output


def test_an_internal_error_is_one_line_and_exit_two(monkeypatch, tmp_path):
    import okrdsl.check

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(okrdsl.check, "check_files", explode)
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "okrdsl: internal error: RuntimeError: boom" in result.output
    assert "Traceback" not in result.output


def test_the_format_choices_are_the_registered_formats():
    from okrdsl.report import FORMATS

    option = next(p for p in main.commands["check"].params if p.name == "output_format")
    assert list(option.type.choices) == list(FORMATS)


def test_a_closed_pipe_is_not_an_error():
    result = subprocess.run(
        f"{sys.executable} -m okrdsl schedule {ROOT / 'specs' / 'fy23-q2.okrp'} | head -1",
        shell=True, capture_output=True, text=True,
    )
    assert result.stdout.startswith("FY23 Q2 Product OKR Workflow")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_limits_give_messages_not_crashes(tmp_path):
    deep = ['roles', '  PM "PM"', 'phase p "P"', '  at -4w: PM a'] + ["  " * (i + 1) + f"PM level {i}" for i in range(1, 80)]
    code, output = run("check", write(tmp_path, "deep.okrp", "\n".join(deep) + "\n"))
    assert code == 1 and "this line is nested more than 50 levels deep [OKR003]" in output
    for i in range(150):
        write(tmp_path, f"chain/f{i}.okrp", f'include "f{i + 1}.okrp"\n' if i < 149 else 'roles\n  PM "PM"\n')
    code, output = run("check", str(tmp_path / "chain" / "f0.okrp"))
    assert code == 1 and "includes nest more than 100 files deep here [OKR101]" in output
    code, output = run("check", write(tmp_path, "far.okrp", 'process "P" for FY0002-Q1\nphase p "P"\n  at -999999w: PM x\n'))
    assert code == 1 and "internal error" not in output
    assert '"FY0002-Q1" is out of range: okrdsl dates fiscal years 1900 to 2999 [OKR026]' in output
    assert "-999999w is more than 10 years away from its anchor [OKR026]" in output


def test_carets_line_up_under_wide_and_combining_characters(tmp_path):
    path = write(tmp_path, "wide.okrp", 'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM tags 産品 then PMM\n    PMM x\n')
    code, output = run("check", "--select", "OKR102", path)
    lines = output.splitlines()
    assert lines[1:3] == [" 5 |     PMM x", "   |     ^^^"]
    path = write(tmp_path, "emoji.okrp", 'roles\n  PM "PM"\nphase p "🚀 P"\n  at -4w: PM x\n  at -4w: 🚀 x\n')
    output = run("check", path)[1].splitlines()
    assert output[1:3] == [" 5 |   at -4w: 🚀 x", "   |           ^^^^"]  # "🚀 x": the emoji takes two columns


def test_explain_a_group_lists_its_codes():
    code, output = run("explain", "OKR1")
    assert code == 2
    assert '"OKR1" is a group of codes (OKR100, OKR101, OKR102, OKR103, OKR104, OKR105, OKR106, OKR107): explain one of them' in output


def _complete(words: str, env=None) -> list[str]:
    """What okrdsl's shell completion offers for the last word of `words`, as bash asks it."""
    environ = {**os.environ, "_OKRDSL_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    result = subprocess.run([sys.executable, "-m", "okrdsl"], env=environ, capture_output=True, text=True, check=True)
    return [line.partition(",")[2] for line in result.stdout.splitlines()]


def test_explain_completes_codes_and_rule_names():
    assert _complete("okrdsl explain OKR10") == [f"OKR10{n}" for n in range(8)]
    assert "unknown-role" in _complete("okrdsl explain unknown-r")


def test_select_completes_the_last_code_of_a_list():
    assert _complete("okrdsl check --select OKR1,unused-r") == ["OKR1,unused-role"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_of_each_shell_is_printed(shell):
    result = subprocess.run([sys.executable, "-m", "okrdsl"], env={**os.environ, "_OKRDSL_COMPLETE": f"{shell}_source"},
                            capture_output=True, text=True, check=True)
    assert "_OKRDSL_COMPLETE" in result.stdout


def test_a_today_that_is_no_date_says_why():
    code, output = run("schedule", str(ROOT / "specs" / "fy23-q3.okrp"), "--today", "2026-13-01")
    assert code == 2
    assert '"2026-13-01" is not a date (month must be in 1..12): write it as YYYY-MM-DD' in output
