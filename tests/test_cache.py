"""The result cache of `okrdsl check` (okrdsl/cache.py) and checking files in parallel:
a cached or parallel check reports exactly what a fresh serial one does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent

ROLES = 'roles\n  PM "Product Manager"\n  VPP "VP of Product"\n'
QUARTER = 'include "roles.okrp"\n\nprocess "Q" for FY23-Q3\n\nphase kickoff "Kick-off"\n  at -4w: {who} drafts the OKRs\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "roles.okrp").write_text(ROLES, encoding="utf-8")
    (tmp_path / "q.okrp").write_text(QUARTER.format(who="VPP"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *arguments])
    return result.exit_code, result.stdout


def entries(project: Path) -> list[Path]:
    return sorted(p for p in (project / ".okrdsl_cache").rglob("*.json") if p.name != "stats.json")


def age(*paths: Path, seconds: int = 60) -> None:
    """Make files look modified `seconds` ago, so the cache records their stats (see RACY_SECONDS)."""
    for path in paths:
        past = path.stat().st_mtime_ns - seconds * 10**9
        os.utime(path, ns=(past, past))


def test_a_second_run_reads_the_cache_and_says_the_same(project):
    first = run(".")
    assert first == (0, "no problems in 2 files\n")
    assert len(entries(project)) == 2  # one entry per file found in the folder
    assert run(".") == first


def test_the_cache_folder_ignores_itself_in_git(project):
    run(".")
    assert (project / ".okrdsl_cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(["git", "init", "-q", str(project)], capture_output=True)
    if status.returncode == 0:
        listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                                capture_output=True, text=True).stdout
        assert ".okrdsl_cache" not in listed


def test_a_changed_include_invalidates_the_files_that_include_it(project):
    assert run("q.okrp")[0] == 0
    (project / "roles.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    code, output = run("q.okrp")
    assert code == 1
    assert "[OKR102]" in output and '"VPP"' in output


def test_a_removed_include_is_noticed(project):
    assert run("q.okrp")[0] == 0
    (project / "roles.okrp").unlink()
    code, output = run("q.okrp")
    assert code == 1 and "[OKR100]" in output


def test_an_include_that_appears_is_noticed(project):
    (project / "roles.okrp").unlink()
    assert run("q.okrp")[0] == 1
    (project / "roles.okrp").write_text(ROLES, encoding="utf-8")
    assert run("q.okrp") == (0, "no problems in 2 files\n")


def test_changed_options_are_another_entry(project):
    (project / "q.okrp").write_text(QUARTER.format(who="Nobody"), encoding="utf-8")
    assert "[OKR102]" in run("q.okrp")[1]
    assert run("q.okrp", "--ignore", "OKR102") == (0, "no problems in 2 files\n")
    assert "[OKR102]" in run("q.okrp")[1]


@pytest.mark.parametrize("damage", ["garbage", "empty", "wrong types", "foreign key", "other format"])
def test_a_corrupt_or_foreign_entry_is_ignored(project, damage):
    (project / "q.okrp").write_text(QUARTER.format(who="Nobody"), encoding="utf-8")
    expected = run("q.okrp")
    assert expected[0] == 1
    (entry,) = entries(project)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    if damage == "garbage":
        entry.write_bytes(b"\x80not json{")
    elif damage == "empty":
        entry.write_text("", encoding="utf-8")
    elif damage == "wrong types":
        stored["diagnostics"] = [{"code": 1, "span": "x"}]
        entry.write_text(json.dumps(stored), encoding="utf-8")
    elif damage == "foreign key":  # a clean entry for another file, planted under this file's name
        stored["key"] = "0" * 64
        stored["diagnostics"] = []
        entry.write_text(json.dumps(stored), encoding="utf-8")
    else:
        stored["format"] = 999
        stored["diagnostics"] = []
        entry.write_text(json.dumps(stored), encoding="utf-8")
    assert run("q.okrp") == expected


def test_a_planted_entry_cannot_make_a_report_quote_another_file(project, tmp_path_factory):
    (project / "q.okrp").write_text(QUARTER.format(who="Nobody"), encoding="utf-8")
    run("q.okrp")
    (entry,) = entries(project)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    secret = tmp_path_factory.mktemp("outside") / "secret.okrp"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    stored["loaded"].append(str(secret))  # loaded, but not among the files the entry vouches for
    stored["diagnostics"][0]["span"]["path"] = str(secret)
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert "hunter2" not in run("q.okrp")[1]


def test_no_cache_neither_reads_nor_writes(project):
    assert run("--no-cache", ".") == (0, "no problems in 2 files\n")
    assert not (project / ".okrdsl_cache").exists()
    run(".")
    for entry in entries(project):  # a cache that lies is not read with --no-cache
        stored = json.loads(entry.read_text(encoding="utf-8"))
        stored["diagnostics"] = [{"code": "OKR999", "severity": "error", "message": "planted", "hint": None,
                                  "span": {"path": "q.okrp", "line": 1, "column": 1, "end_line": 1,
                                           "end_column": 2, "start": 0, "end": 1}}]
        entry.write_text(json.dumps(stored), encoding="utf-8")
    assert run("--no-cache", ".") == (0, "no problems in 2 files\n")


def test_a_project_root_that_cannot_be_written_gets_no_cache_and_no_crash(project):
    (project / ".okrdsl_cache").write_text("a file where the cache folder would go", encoding="utf-8")
    assert run(".") == (0, "no problems in 2 files\n")
    assert run(".") == (0, "no problems in 2 files\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_project_root_gets_no_cache(project):
    project.chmod(0o555)
    try:
        assert run(".") == (0, "no problems in 2 files\n")
        assert not (project / ".okrdsl_cache").exists()
    finally:
        project.chmod(0o755)


def test_a_read_only_project_root_as_a_write_error(project, monkeypatch):
    """The same as the test above, for a user (such as root) whom permissions do not stop."""
    import okrdsl.cache

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(okrdsl.cache, "_write_atomic", refused)
    assert run(".") == (0, "no problems in 2 files\n")
    assert entries(project) == []


def test_a_folder_that_is_no_project_gets_no_cache(tmp_path, monkeypatch):
    (tmp_path / "roles.okrp").write_text(ROLES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(".")[0] == 0
    assert not (tmp_path / ".okrdsl_cache").exists()


def _many(project: Path, count: int) -> None:
    for number in range(count):
        who = "VPP" if number % 3 else "Nobody"  # every third file has an unknown role
        body = QUARTER.format(who=who) + ("  at -2w: PM reviews the OKRs\n" if number % 4 else "phase empty \"E\"\n")
        (project / f"q{number:02}.okrp").write_text(body, encoding="utf-8")
    (project / "broken.okrp").write_text('roles\n  PM "Product Manager\n', encoding="utf-8")


def test_parallel_and_serial_give_byte_identical_output(project):
    _many(project, 24)
    serial = run("--no-cache", "--jobs", "1", ".")
    parallel = run("--no-cache", "--jobs", "2", ".")
    assert serial[0] == 1 and "[OKR102]" in serial[1] and "[OKR004]" in serial[1]
    assert parallel == serial
    assert run(".") == serial  # fills the cache (in parallel: 26 files)
    assert run(".") == serial  # from the cache
    for output_format in ("json", "sarif"):
        assert run("--no-cache", "-j", "2", "--format", output_format, ".") == \
            run("--no-cache", "-j", "1", "--format", output_format, ".")


def test_the_command_line_checks_files_in_parallel_as_a_subprocess(project):
    _many(project, 20)
    command = [sys.executable, "-m", "okrdsl", "check", "--no-cache"]
    serial = subprocess.run([*command, "-j", "1", "."], capture_output=True, text=True, cwd=project)
    parallel = subprocess.run([*command, "."], capture_output=True, text=True, cwd=project)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr == ""


@pytest.mark.parametrize("steps", [1, 7, 60])
def test_the_benchmark_generator_makes_specs_that_check_clean(tmp_path, steps):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    (tmp_path / "big.okrp").write_text(generate(steps, seed=steps), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-cache", str(tmp_path / "big.okrp")])
    assert (result.exit_code, result.stdout) == (0, "no problems in 1 file\n")


@pytest.mark.parametrize("folder", ["specs", "tests/fixtures"])
def test_checking_file_by_file_finds_what_one_workspace_does(folder):
    from okrdsl.check import check, check_files

    whole = check([str(ROOT / folder)])
    each = check_files([str(ROOT / folder)], use_cache=False, jobs=1)
    # One difference: a loop of includes is reported from each checked file in it, at the
    # include that closes the loop seen from that file (one workspace reports it once).
    assert [d for d in each.diagnostics if d.code != "OKR101"] == [d for d in whole.diagnostics if d.code != "OKR101"]
    assert set(whole.diagnostics) <= set(each.diagnostics)
    assert each.file_count == whole.file_count


def test_an_include_of_a_folder_or_a_refused_file_is_cached_without_opening_it(project):
    (project / "sub").mkdir()
    (project / "q.okrp").write_text('include "sub"\n' + QUARTER.format(who="VPP"), encoding="utf-8")
    (project / "out.okrp").symlink_to("/proc/self/environ")
    first = run(".")
    assert first[0] == 1 and "[OKR100]" in first[1] and "[OKR107]" in first[1]
    assert run(".") == first


# --- the cache and today's check: configuration, suppressions, standard input -------------


def _counting(monkeypatch) -> list[str]:
    """The files check_one checks afresh (not from the cache), in a serial run."""
    import okrdsl.check

    checked: list[str] = []
    real = okrdsl.check.check_one

    def counted(path, *args, **kwargs):
        checked.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(okrdsl.check, "check_one", counted)
    return checked


def test_a_changed_configuration_invalidates_the_files_it_applies_to(project, monkeypatch):
    checked = _counting(monkeypatch)
    (project / "q.okrp").write_text(QUARTER.format(who="Nobody"), encoding="utf-8")
    first = run("-j", "1", "q.okrp")
    assert "[OKR102]" in first[1] and checked == ["q.okrp"]
    assert run("-j", "1", "q.okrp") == first and checked == ["q.okrp"]  # from the cache
    (project / ".okrdsl.toml").write_text('fiscal-year-start = "January"\n', encoding="utf-8")
    assert run("-j", "1", "q.okrp") == first and checked == ["q.okrp"] * 2  # the calendar changes the build
    (project / ".okrdsl.toml").write_text('fiscal-year-start = "January"\n[per-file-ignores]\n"q.okrp" = ["OKR102"]\n',
                                          encoding="utf-8")
    assert run("-j", "1", "q.okrp") == (0, "no problems in 2 files\n")
    assert run("-j", "1", "q.okrp") == (0, "no problems in 2 files\n")
    assert checked == ["q.okrp"] * 3


def test_a_changed_configuration_of_an_included_file_invalidates_its_includers(project, monkeypatch):
    checked = _counting(monkeypatch)
    (project / "team").mkdir()
    (project / "roles.okrp").rename(project / "team" / "roles.okrp")
    (project / "q.okrp").write_text(QUARTER.replace("roles.okrp", "team/roles.okrp").format(who="VPP"),
                                    encoding="utf-8")
    assert run("-j", "1", "q.okrp") == (0, "no problems in 2 files\n")
    assert run("-j", "1", "q.okrp") == (0, "no problems in 2 files\n")
    assert checked == ["q.okrp"]
    (project / "team" / ".okrdsl.toml").write_text('weeks-start = "sunday"\n', encoding="utf-8")
    assert run("-j", "1", "q.okrp") == (0, "no problems in 2 files\n")
    assert checked == ["q.okrp"] * 2  # q.okrp's key is the same; what roles.okrp was built with is not


SUPPRESSED = ('include "roles.okrp"\n'
              'artifact board tool "Board"  # okrdsl: ignore[unused-artifact] used from Q4\n'
              'phase p "P"\n'
              '  # okrdsl: ignore[OKR103]\n'
              '  at -2w: {who} adds the KRs to #bord\n'
              '    VPP reviews them in #bord\n'
              '  at -1w: PM closes #bord  # okrdsl: ignore[OKR502, OKR9O1]\n'
              '# okrdsl: ignore-file[OKR505]\n')


def _configured(project: Path) -> None:
    """A project with a configuration (select, per-file-ignores, a calendar, strict) and
    suppressions, in folders with their own configuration."""
    (project / ".okrdsl.toml").write_text(
        'extend-select = ["OKR5"]\nstrict = true\nfiscal-year-start = "January"\n'
        '[per-file-ignores]\n"drafts/*.okrp" = ["OKR102"]\n', encoding="utf-8")
    (project / "drafts").mkdir()
    (project / "team").mkdir()
    (project / "team" / ".okrdsl.toml").write_text('ignore = ["OKR103"]\nweeks-start = "sunday"\n', encoding="utf-8")
    for folder in (project, project / "drafts", project / "team"):
        (folder / "roles.okrp").write_text(ROLES, encoding="utf-8")
        for number, who in enumerate(("PM", "Nobody", "VPP")):
            (folder / f"s{number}.okrp").write_text(SUPPRESSED.format(who=who), encoding="utf-8")


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_a_configured_project_with_suppressions_says_the_same_cached_and_in_parallel(project, output_format):
    _configured(project)
    fresh = run("--no-cache", "-j", "1", "--format", output_format, ".")
    assert fresh[0] == 1
    if output_format == "text":
        lines = fresh[1].splitlines()
        assert any("[OKR102]" in line for line in lines) and "[OKR513]" in fresh[1]
        assert not any(line.startswith("drafts/") and "[OKR102]" in line for line in lines)
    for arguments in (["-j", "1"], ["-j", "1"], ["-j", "2", "--no-cache"], ["-j", "2"], ["--select", "OKR1"]):
        expected = fresh if "--select" not in arguments else run("--no-cache", *arguments, "--format", output_format, ".")
        assert run(*arguments, "--format", output_format, ".") == expected


@pytest.mark.parametrize("folder", ["specs", "tests/fixtures"])
@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_the_shipped_specs_and_fixtures_say_the_same_cached_and_in_parallel(folder, output_format, tmp_path):
    import shutil

    shutil.copytree(ROOT / folder, tmp_path / folder, symlinks=True)  # the cache is made in the copy
    (tmp_path / ".git").mkdir()
    command = [sys.executable, "-m", "okrdsl", "check", "--format", output_format, folder]

    def run_with(*arguments: str) -> tuple[int, str, str]:
        done = subprocess.run([*command, *arguments], capture_output=True, text=True, cwd=tmp_path)
        return done.returncode, done.stdout, done.stderr

    fresh = run_with("--no-cache", "-j", "1")
    assert run_with("--no-cache", "-j", "2") == fresh
    assert run_with("-j", "2") == fresh  # fills the cache, or reads it
    assert run_with("-j", "1") == fresh  # reads it
    assert (tmp_path / ".okrdsl_cache").is_dir()


def test_standard_input_is_never_cached(project):
    result = CliRunner().invoke(main, ["check", "-", "--stdin-filename", "q.okrp"], input=QUARTER.format(who="VPP"))
    assert (result.exit_code, result.stdout) == (0, "no problems in 2 files\n")
    assert not (project / ".okrdsl_cache").exists()


def test_the_library_check_neither_reads_nor_writes_the_cache(project):
    from okrdsl.check import check, check_text

    assert check(["."]).diagnostics == ()
    assert check_text("q.okrp", QUARTER.format(who="Nobody")).diagnostics
    assert not (project / ".okrdsl_cache").exists()


def test_tracked_files_are_cached(project):
    if subprocess.run(["git", "init", "-q", "."], capture_output=True).returncode != 0:
        pytest.skip("no git")
    subprocess.run(["git", "add", "q.okrp", "roles.okrp"], check=True)
    first = run("--tracked", ".")
    assert first == (0, "no problems in 2 files\n")
    assert len(entries(project)) == 2
    assert run("--tracked", ".") == first


def test_an_entry_from_another_configuration_is_not_used(project):
    """A clean entry for the same file under another configuration, planted under this key."""
    (project / "q.okrp").write_text(QUARTER.format(who="Nobody"), encoding="utf-8")
    expected = run("q.okrp")
    (entry,) = entries(project)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["diagnostics"] = []
    stored["configs"] = [[path, "0" * 64] for path, _ in stored["configs"]]
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert run("q.okrp") == expected


def test_a_fully_cached_check_imports_neither_the_parser_nor_the_rules(project):
    script = ("import sys\nfrom okrdsl.cli import main\ntry:\n    main(['check', '.'])\nexcept SystemExit:\n    pass\n"
              "print(sorted(name for name in sys.modules if name == 'okrdsl.lalr' or name.startswith('okrdsl.rules')))\n")

    def imported() -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=project)
        return done.stdout.splitlines()[-1]

    assert "okrdsl.lalr" in imported()  # the first run parses, checks, and fills the cache
    assert imported() == "[]"


def test_files_outside_the_current_project_leave_no_cache_in_it(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # in no project
    (elsewhere / "roles.okrp").write_text(ROLES, encoding="utf-8")
    assert run(str(elsewhere)) == (0, "no problems in 1 file\n")
    assert not (project / ".okrdsl_cache").exists() and not (elsewhere / ".okrdsl_cache").exists()
    other = tmp_path_factory.mktemp("other")  # another project: its cache is its own
    (other / ".git").mkdir()
    (other / "roles.okrp").write_text(ROLES, encoding="utf-8")
    assert run(str(other)) == (0, "no problems in 1 file\n")
    assert not (project / ".okrdsl_cache").exists() and len(entries(other)) == 1


# --- the stats: a file whose stat is unchanged is not read again to find its key ---------------


def stats(project: Path) -> dict:
    found = list((project / ".okrdsl_cache").rglob("stats.json"))
    return json.loads(found[0].read_text(encoding="utf-8"))["files"] if found else {}


def test_an_unchanged_file_is_not_read_again(project, monkeypatch):
    import okrdsl.cache

    age(project / "q.okrp", project / "roles.okrp")
    assert run(".") == (0, "no problems in 2 files\n")
    assert sorted(Path(p).name for p in stats(project)) == ["q.okrp", "roles.okrp"]
    read = []
    monkeypatch.setattr(okrdsl.cache, "file_digest", lambda path: read.append(path))
    assert run(".") == (0, "no problems in 2 files\n")
    assert read == []


def test_a_file_rewritten_with_its_old_size_and_time_is_read_again(project):
    age(project / "q.okrp", project / "roles.okrp")
    assert run(".") == (0, "no problems in 2 files\n")
    quarter = project / "q.okrp"
    before = quarter.stat()
    quarter.write_text(QUARTER.format(who="CEO"), encoding="utf-8")  # as long as VPP
    os.utime(quarter, ns=(before.st_atime_ns, before.st_mtime_ns))  # its change time still moves
    code, out = run(".")
    assert code == 1 and '"CEO" is not a declared role [OKR102]' in out


def test_a_file_just_modified_is_not_recorded(project):
    assert run(".") == (0, "no problems in 2 files\n")
    assert stats(project) == {}  # modified within RACY_SECONDS: it may change again in the same tick


@pytest.mark.parametrize("damage", ["{", "[]", '{"format": 1, "files": {"x": [1, 2, 3, 4]}}',
                                    '{"format": 1, "files": {"q.okrp": ["a", 2, 3, 4, "b"]}}'])
def test_damaged_stats_are_ignored(project, damage):
    age(project / "q.okrp", project / "roles.okrp")
    assert run(".") == (0, "no problems in 2 files\n")
    (found,) = (project / ".okrdsl_cache").rglob("stats.json")
    found.write_text(damage, encoding="utf-8")
    (project / "q.okrp").write_text(QUARTER.format(who="CEO"), encoding="utf-8")
    code, out = run(".")
    assert code == 1 and '"CEO" is not a declared role [OKR102]' in out


def test_past_the_limit_only_the_files_of_the_last_check_are_kept(project, monkeypatch):
    import okrdsl.cache

    age(project / "q.okrp", project / "roles.okrp")
    assert run(".")[0] == 0
    (found,) = (project / ".okrdsl_cache").rglob("stats.json")
    stored = json.loads(found.read_text(encoding="utf-8"))
    stored["files"].update({f"/gone/{n}.okrp": [1, 2, 3, 4, "ab"] for n in range(3)})  # deleted since
    found.write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.setattr(okrdsl.cache, "MAX_CACHED_STATS", 2)
    (project / "more.okrp").write_text(ROLES.replace("PM ", "CEO "), encoding="utf-8")
    age(project / "more.okrp")
    assert run(".")[0] == 0
    assert sorted(Path(p).name for p in stats(project)) == ["more.okrp", "q.okrp", "roles.okrp"]


def test_stats_that_cannot_be_written_leave_the_check_as_it_was(project, monkeypatch):
    import okrdsl.cache

    written = okrdsl.cache._write_atomic

    def refused_for_stats(path, text):
        if path.endswith("stats.json"):
            raise PermissionError(13, "Permission denied")
        written(path, text)

    monkeypatch.setattr(okrdsl.cache, "_write_atomic", refused_for_stats)
    age(project / "q.okrp", project / "roles.okrp")
    assert run(".") == (0, "no problems in 2 files\n")
    assert stats(project) == {} and len(entries(project)) == 2
    assert run(".") == (0, "no problems in 2 files\n")
