"""What okrdsl reads, and what it refuses: includes and links stay inside the project, only
regular files are read, sizes are bounded, and no folder or include depth reaches Python's
recursion limit. Each test is a reproducer from the hardening issue, shrunk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdsl.check import check
from okrdsl.cli import main
from okrdsl.limits import MAX_FILE_BYTES, MAX_INCLUDE_DEPTH, MAX_LINE_CHARS

SECRET = "okrdsl-test-secret-4f9c2a"


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty git project, the current folder."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def okrdsl_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    """okrdsl as CI runs it: its own process, with a secret in its environment."""
    env = {**os.environ, "OKRDSL_CI_TOKEN": SECRET}
    return subprocess.run([sys.executable, "-m", "okrdsl", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("written", ["/proc/self/environ", "/etc/passwd", "../../../../../../../../etc/passwd"])
def test_an_include_outside_the_project_is_refused_unread(project, written):
    (project / "q.okrp").write_text(f'include "{written}"\n', encoding="utf-8")
    result = okrdsl_cli("check", "q.okrp", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f'q.okrp:1:9: error: cannot include "{written}": it is outside the project ({project}), '
        "and okrdsl reads only files inside it [OKR107]"
    )
    assert SECRET not in result.stdout + result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_a_committed_link_to_the_environment_is_refused_by_a_folder_check(project):
    (project / "specs").mkdir()
    os.symlink("/proc/self/environ", project / "specs" / "leak.okrp")
    result = okrdsl_cli("check", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        f"specs/leak.okrp:1:1: error: specs/leak.okrp links to a file outside the project ({project}), "
        "and okrdsl reads only files inside it [OKR107]\n"
        "   = hint: keep shared .okrp files inside the project, or name a wider project folder with --root\n"
        "1 error, 0 warnings in 0 files\n"
    )
    assert SECRET not in result.stdout + result.stderr


def test_a_link_named_on_the_command_line_or_included_is_refused_too(project, tmp_path):
    outside = tmp_path / "elsewhere.okrp"
    outside.write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    os.symlink(outside, project / "linked.okrp")
    (project / "q.okrp").write_text('include "linked.okrp"\n', encoding="utf-8")
    messages = {d.message for d in check(["q.okrp", "linked.okrp"]).diagnostics}
    assert messages == {
        f'cannot include "linked.okrp": it is outside the project ({project}), and okrdsl reads only files inside it',
        f"linked.okrp links to a file outside the project ({project}), and okrdsl reads only files inside it",
    }


def test_root_widens_the_project(project, tmp_path):
    (tmp_path / "shared.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    (project / "q.okrp").write_text('include "../shared.okrp"\nphase p "P"\n  at -2w: PM drafts the OKRs\n',
                                    encoding="utf-8")
    assert [d.code for d in check(["q.okrp"]).diagnostics] == ["OKR107"]
    assert check(["q.okrp"], root=str(tmp_path)).diagnostics == ()
    assert run("check", "--root", str(tmp_path), "q.okrp") == (0, "no problems in 2 files\n")


def test_links_inside_the_project_are_followed(project):
    (project / "shared").mkdir()
    (project / "shared" / "roles.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    os.symlink("shared/roles.okrp", project / "roles.okrp")
    (project / "q.okrp").write_text('include "roles.okrp"\nphase p "P"\n  at -2w: PM drafts the OKRs\n',
                                    encoding="utf-8")
    assert check(["q.okrp"]).diagnostics == ()


def test_the_project_is_the_nearest_folder_with_git_or_pyproject(tmp_path, monkeypatch):
    from okrdsl.files import project_root

    (tmp_path / "repo" / "team" / "specs").mkdir(parents=True)
    (tmp_path / "repo" / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert project_root("repo/team/specs/q.okrp") == str(tmp_path / "repo")
    assert project_root("repo/team/specs") == str(tmp_path / "repo")
    # No marker above: the folder named, or the named file's own folder; never the current
    # folder, which a CI job may have set anywhere above the specs (even at /).
    (tmp_path / "loose").mkdir()
    assert project_root("loose/q.okrp") == str(tmp_path / "loose")
    assert project_root("loose") == str(tmp_path / "loose")


def test_a_linked_folder_that_leaves_the_project_is_refused_not_searched(project, tmp_path):
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (tmp_path / "elsewhere" / "deep" / "s.okrp").write_text(f"bad line {SECRET}\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", project / "specs")
    os.symlink("/", project / "rootlink")
    code, output = run("check", "specs", "rootlink")
    assert code == 1
    assert SECRET not in output
    assert [line for line in output.splitlines() if not line.startswith(" ")] == [
        f"rootlink:1:1: error: rootlink links to a folder outside the project ({project}), "
        "and okrdsl reads only files inside it [OKR107]",
        f"specs:1:1: error: specs links to a folder outside the project ({project}), "
        "and okrdsl reads only files inside it [OKR107]",
        "2 errors, 0 warnings in 0 files",
    ]


def test_root_also_bounds_a_folder_search(project):
    (project / "inner").mkdir()
    (project / "outer.okrp").write_text(f"bad line {SECRET}\n", encoding="utf-8")
    code, output = run("check", "--root", "inner", ".")
    assert code == 1 and SECRET not in output
    assert output.splitlines()[0].endswith("is outside the project (inner), and okrdsl reads only files inside it [OKR107]")


def test_without_a_project_marker_a_check_from_far_above_stays_in_the_folder_named(tmp_path, monkeypatch):
    (tmp_path / "x" / "specs").mkdir(parents=True)
    os.symlink("/proc/self/environ", tmp_path / "x" / "specs" / "leak.okrp")
    monkeypatch.chdir("/")
    code, output = run("check", str(tmp_path / "x" / "specs"))
    assert code == 1 and "OKR107" in output and "PATH=" not in output


def test_an_include_of_a_file_that_is_not_a_spec_is_refused(project):
    (project / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (project / "q.okrp").write_text('include ".env"\n', encoding="utf-8")
    code, output = run("check", "q.okrp")
    assert code == 1
    assert output.splitlines()[0] == 'q.okrp:1:9: error: cannot include ".env": okrdsl includes only .okrp files [OKR107]'
    assert SECRET not in output


def test_a_nul_in_an_include_is_a_finding_not_a_crash(project):
    (project / "q.okrp").write_text('include "a\0b.okrp"\nphase p "P"\n', encoding="utf-8")
    code, output = run("check", "q.okrp")
    assert code == 1
    assert "q.okrp:1:9: error: cannot include a path that holds a NUL character [OKR100]" in output
    code, output = run("schedule", "q.okrp")
    assert code == 1
    assert "NUL character [OKR100]" in output
    assert "internal error" not in output and "embedded null byte" not in output


def test_folders_nested_a_thousand_deep_are_searched(project):
    levels = [project]
    for _ in range(1000):  # one level at a time: pathlib's mkdir(parents=True) itself recurses
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    (levels[-1] / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    try:
        result = check(["."])
        assert (result.file_count, result.diagnostics) == (1, ())
    finally:  # shutil.rmtree, which pytest cleans up with, recurses too deep for this tree
        (levels[-1] / "q.okrp").unlink()
        for level in reversed(levels[1:]):
            level.rmdir()


def test_a_long_include_chain_is_loaded_without_recursion(project):
    count = 980
    for index in range(count):
        include = f'include "f{index + 1}.okrp"\n' if index + 1 < count else ""
        (project / f"f{index}.okrp").write_text(include + f'roles\n  R{index} "Role {index}"\n', encoding="utf-8")
    code, output = run("check", ".")
    assert code == 1, output
    assert "internal error" not in output
    deep = [line for line in output.splitlines() if "[OKR101]" in line]
    assert deep and all(f"includes nest more than {MAX_INCLUDE_DEPTH} files deep here" in line for line in deep)


def test_an_unreadable_folder_is_reported_not_skipped(project, monkeypatch):
    (project / "open").mkdir()
    (project / "open" / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    (project / "locked").mkdir()
    real = os.scandir

    def scandir(path="."):  # root reads every folder, so refuse one as a user without access would see it
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, output = run("check", "--strict", ".")
    assert code == 1
    assert output.splitlines()[0] == "locked:1:1: error: the folder locked could not be read: Permission denied [OKR014]"


def test_an_unreadable_file_named_on_the_command_line_is_okr014(project, monkeypatch):
    (project / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    real = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("q.okrp"):
            raise PermissionError(13, "Permission denied", path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    code, output = run("check", "q.okrp")
    assert (code, output) == (1, "q.okrp:1:1: error: q.okrp could not be read: Permission denied [OKR014]\n"
                                 "1 error, 0 warnings in 1 file\n")


def test_a_file_over_the_size_limit_is_not_read(project):
    (project / "big.okrp").write_bytes(b"# filler\n" * (MAX_FILE_BYTES // 9 + 1))
    code, output = run("check", "big.okrp")
    assert code == 1
    assert output.splitlines()[0] == (
        "big.okrp:1:1: error: big.okrp is 5.0 MiB; okrdsl reads files of up to 5.0 MiB [OKR016]"
    )


def test_a_line_over_the_length_limit_stops_the_file_before_parsing(project):
    (project / "long.okrp").write_text('roles\n  PM "' + "x" * 1_000_000 + "\n", encoding="utf-8")
    code, output = run("check", "long.okrp")
    assert code == 1
    assert output == (
        f"long.okrp:2:{MAX_LINE_CHARS + 1}: error: line 2 is 1,000,006 characters long; "
        f"okrdsl reads lines of up to {MAX_LINE_CHARS:,} [OKR017]\n"
        "   = hint: break the text over several lines or steps; okrdsl did not check this file\n"
        "1 error, 0 warnings in 1 file\n"
    )


def test_a_bad_byte_after_an_old_mac_line_ending_is_placed_on_its_line(project):
    (project / "mac.okrp").write_bytes(b"roles\r\x80")
    code, output = run("check", "mac.okrp")
    assert code == 1
    assert output.splitlines()[0] == (
        "mac.okrp:2:1: error: mac.okrp is not UTF-8 text (byte 0x80 at line 2, column 1) [OKR011]"
    )


def _limited(megabytes: int):
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024, megabytes * 1024 * 1024))

    return limit


@pytest.mark.parametrize(("size", "code"), [(4_000_000, "OKR017"), (10_000_000, "OKR016")])
def test_one_huge_line_is_refused_within_bounded_memory(project, size, code):
    # Before the limits, one 1 MB line with an unclosed quote took 1.8 GB inside the parser.
    (project / "huge.okrp").write_bytes(b'roles\n  PM "' + b"x" * size + b"\n")
    result = subprocess.run([sys.executable, "-m", "okrdsl", "check", "huge.okrp"], cwd=project,
                            capture_output=True, text=True, timeout=120, preexec_fn=_limited(400))
    assert result.returncode == 1, result.stderr
    assert f"[{code}]" in result.stdout
    assert len(result.stdout) < 1000


def test_docs_security_md_states_the_limits_in_force():
    from okrdsl import limits

    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    stated = [
        f"| size of a file | {limits.MAX_FILE_BYTES // (1024 * 1024)} MiB |",
        f"| length of a line | {limits.MAX_LINE_CHARS:,} characters |",
        f"| digits in a number | {limits.MAX_NUMBER_DIGITS} |",
        f"| an offset or a window | {limits.MAX_OFFSET_WEEKS} weeks",
        f"every 1 to {limits.MAX_EVERY:,} days",
        f"| nesting of sub-steps | {limits.MAX_DEPTH} levels |",
        f"| a chain of includes | {limits.MAX_INCLUDE_DEPTH} files |",
        f"| syntax errors reported per file | {limits.MAX_SYNTAX_ERRORS} ",
        f"| occurrences of one cadence | {limits.MAX_OCCURRENCES:,} |",
        f"| occurrences in a whole schedule | {limits.MAX_TOTAL_OCCURRENCES:,};",
        f"| items named in a loop message | {limits.MAX_LOOP_SHOWN} |",
        f"per check | {limits.MAX_SUGGESTION_WORK:,};",
        f"| {limits.MAX_FINDINGS_PER_LINE}, {limits.MAX_FINDINGS_PER_FILE} |",
        f"around the caret | {limits.SOURCE_WINDOW} |",
        f"message or hint (text output) | {limits.MAX_MESSAGE_CHARS};",
    ]
    assert [line for line in stated if line not in text] == []


def test_a_file_name_that_reads_as_a_ci_command_cannot_start_a_line(project):
    (project / "::error file=README.md,line=1::pwned.okrp").write_text('phase k "K"\n  at -1w: CEO x\n', encoding="utf-8")
    (project / "##vso[task.setvariable variable=x]1.okrp").write_text('phase k "K"\n  at -1w: CEO x\n', encoding="utf-8")
    code, output = run("check", ".")
    assert code == 1
    assert not [line for line in output.splitlines() if line.startswith(("::", "##"))]
    assert output.splitlines()[0] == ('./##vso[task.setvariable variable=x]1.okrp:2:11: error: '
                                      '"CEO" is not a declared role [OKR102]')


def test_a_schedule_title_that_reads_as_a_ci_command_cannot_start_a_line(project):
    (project / "q.okrp").write_text('process "::error::pwned" for FY23-Q3\n', encoding="utf-8")
    code, output = run("schedule", "q.okrp")
    assert output.splitlines()[0].startswith("\\x3a:error::pwned: FY23-Q3")


def test_a_file_name_that_is_not_utf8_is_written_in_every_format(project):
    import json

    name = os.fsdecode(b"e\xff.okrp")
    (project / name).write_text('roles\n  A "a"\nphase p "P"\n  at -1w: B x\n', encoding="utf-8")
    for output_format in ("text", "json", "github", "gitlab", "sarif"):
        code, output = run("check", "--format", output_format, ".")
        assert code == 1, (output_format, output)
        assert "internal error" not in output
    assert {f["path"] for f in json.loads(run("check", "--format", "json", ".")[1])} == {"e\\xff.okrp"}


def test_a_message_quoting_a_huge_name_is_cut(project):
    name = "R" + "x" * 9000
    (project / "q.okrp").write_text(f'roles\n  {name} "r"\nphase p "P"\n  at -1w: {name}y drafts\n', encoding="utf-8")
    code, output = run("check", "q.okrp")
    assert code == 1
    assert max(len(line) for line in output.splitlines()) < 500
    assert "\u2026" in output


def test_an_unreadable_path_named_on_the_command_line_is_okr014_not_a_usage_error(project, monkeypatch):
    (project / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # as a user without read access sees it
    real = os.lstat

    def lstat(path, *args, **kwargs):
        if str(path).endswith("hidden.okrp"):
            raise PermissionError(13, "Permission denied", path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", lstat)
    code, output = run("check", "q.okrp", "locked/hidden.okrp")
    assert code == 1
    assert output.splitlines()[0] == "locked/hidden.okrp:1:1: error: locked/hidden.okrp could not be read: Permission denied [OKR014]"


def test_output_that_cannot_be_written_is_said_on_standard_error(project):
    (project / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "okrdsl", "check", "q.okrp"], cwd=project, stdout=full,
                                capture_output=False, stderr=subprocess.PIPE, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, "okrdsl: cannot write the output: No space left on device\n")
    closed = subprocess.run([sys.executable, "-m", "okrdsl", "check", "q.okrp"], cwd=project, stdout=None,
                            stderr=subprocess.PIPE, text=True, timeout=60, close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode == 0 and "internal error" not in closed.stderr


def test_a_mention_of_an_unknown_role_is_not_offered_a_keyword(project):
    (project / "q.okrp").write_text('roles\n  CEO "c"\nphase k "K"\n  at -1w: CEO x @Zed\n', encoding="utf-8")
    code, output = run("check", "q.okrp")
    assert "did you mean" not in output and "= hint: declare it in a roles block" in output


def test_running_out_of_memory_is_said_plainly(project, monkeypatch):
    import okrdsl.check

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(okrdsl.check, "check_files", exhausted)
    code, output = run("check", ".")
    assert code == 2
    assert output.startswith("okrdsl: out of memory: the specs checked together are too large for this machine")


def test_a_file_found_by_several_names_is_checked_once(project):
    from okrdsl.files import _real_path, discover

    specs = project / "specs"
    specs.mkdir()
    (specs / "a.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    os.symlink("a.okrp", specs / "b.okrp")  # a link to the file beside it
    os.symlink("specs", project / "same")  # a link to its folder
    names = ["specs", "specs/a.okrp", str(specs / "a.okrp"), "same/a.okrp", "same/b.okrp", "specs/../specs/a.okrp",
             "./specs/b.okrp"]
    files, problems = discover(names)
    assert ([path for path, _ in files], problems) == (["specs/a.okrp"], [])
    folders: dict[str, str] = {}  # each folder resolved once, and each answer what realpath gives
    assert [_real_path(name, folders) for name in names[1:]] == [os.path.realpath(name) for name in names[1:]]
    os.chdir(specs)
    assert _real_path("a.okrp", {}) == os.path.realpath("a.okrp")
