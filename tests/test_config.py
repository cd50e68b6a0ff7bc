"""Configuration ([tool.okrdsl], .okrdsl.toml), suppression comments, which files a check
reads (.gitignore, exclude, quoted globs, --tracked) and standard input: exact messages and
positions, through the command line as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdsl.cli import main
from okrdsl.config import load_config

ROOT = Path(__file__).resolve().parent.parent
ROLES = 'roles\n  PM "Product Manager"\n  VPP "VP of Product"\n'  # a catalogue: no warnings of its own
# Two warnings: an unused artifact (OKR502, 2:10) and a meeting without a goal (OKR505, 4:11).
SPEC = ('include "roles.okrp"\nartifact board tool "Board"\nphase p "P"\n  meeting m "M" at -3w\n'
        '    scheduled by PM\n  at -2w: PM adds the KRs\n')
OKR502 = 'q.okrp:2:10: warning: artifact "board" is declared but never referred to [OKR502]'
OKR505 = 'q.okrp:4:11: warning: meeting "m" has no goal [OKR505]'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A git repository holding the role catalogue roles.okrp, the current folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "roles.okrp").write_text(ROLES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args, input=None):
    result = CliRunner().invoke(main, ["check", *args], prog_name="okrdsl", input=input, color=False)
    return result.exit_code, result.output


def heads(output: str) -> list[str]:
    """The `path:line:col: severity: message [CODE]` lines of a text report."""
    return [line for line in output.splitlines() if (": error: " in line or ": warning: " in line) and "[OKR" in line]


# --- configuration ---------------------------------------------------------------------------


def test_pyproject_settings_apply_and_the_command_line_overrides_them(project):
    (project / "q.okrp").write_text(SPEC, encoding="utf-8")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.okrdsl]\nignore = ["OKR502"]\n')
    assert heads(run()[1]) == [OKR505]
    assert heads(run("--select", "OKR502")[1]) == [OKR502]  # --select starts afresh, as in ruff: the config's ignore goes
    assert heads(run("--ignore", "OKR505")[1]) == []  # --ignore adds to the config's
    assert heads(run("--isolated")[1]) == [OKR502, OKR505]


def test_the_nearest_configuration_wins_and_okrdsl_toml_wins_in_its_folder(project):
    (project / "pyproject.toml").write_text('[tool.okrdsl]\nignore = ["OKR505"]\n')
    (project / "q.okrp").write_text(SPEC, encoding="utf-8")
    sub = project / "team"
    sub.mkdir()
    (sub / "q.okrp").write_text(SPEC.replace('"roles.okrp"', '"../roles.okrp"'), encoding="utf-8")
    (sub / ".okrdsl.toml").write_text('ignore = ["OKR5"]\nstrict = true\n')
    (sub / "pyproject.toml").write_text('[tool.okrdsl]\nselect = ["OKR505"]\n')
    code, output = run(".")
    assert (code, heads(output)) == (0, [OKR502])
    assert run("--show-settings", "team")[1].splitlines()[0] == "team: team/.okrdsl.toml"
    assert run("--show-settings", "q.okrp")[1].splitlines()[:4] == [
        "q.okrp: pyproject.toml [tool.okrdsl]",
        "  select             = every code",
        "  extend-select      = []",
        '  ignore             = ["OKR505"]',
    ]
    code, output = run("--config", "team/pyproject.toml", ".")
    assert heads(output) == [OKR505, "team/" + OKR505]


def test_strict_from_the_configuration_and_no_strict_on_the_command_line(project):
    (project / "q.okrp").write_text(SPEC, encoding="utf-8")
    (project / ".okrdsl.toml").write_text("strict = true\n")
    assert run()[0] == 1
    assert run("--no-strict")[0] == 0


def test_per_file_ignores_are_gitignore_patterns_relative_to_the_configuration(project):
    (project / "drafts" / "old").mkdir(parents=True)
    for folder, include in (("drafts", "../roles.okrp"), ("drafts/old", "../../roles.okrp"), (".", "roles.okrp")):
        (project / folder / "q.okrp").write_text(SPEC.replace('"roles.okrp"', f'"{include}"'), encoding="utf-8")
    (project / ".okrdsl.toml").write_text('[per-file-ignores]\n"drafts/*.okrp" = ["unused-artifact"]\n'
                                          '"q.okrp" = ["OKR505"]\n')
    # drafts/*.okrp is anchored and * stops at a slash, as in .gitignore; q.okrp matches at any depth.
    assert heads(run()[1]) == ["drafts/old/" + OKR502, OKR502]


@pytest.mark.parametrize("text, expected", [
    ('[tool.okrdsl]\nignore = ["OKR502"]\nstricct = true\n',
     ['pyproject.toml:3:1: error: "stricct" is not an okrdsl setting [OKR041]', '   = hint: did you mean "strict"?']),
    ('[tool.okrdsl]\nignore = "OKR502"\n',
     ['pyproject.toml:2:1: error: ignore must be a list of codes, prefixes or rule names, such as ["OKR502"], '
      'not a string ("OKR502") [OKR042]']),
    ('[tool.okrdsl]\nselect = [\n  "OKR1",\n  "OKR777",\n]\n',
     ['pyproject.toml:4:3: error: "OKR777" in select matches no okrdsl code or rule [OKR042]']),
    ('[tool.okrdsl]\nstrict = "yes"\n',
     ['pyproject.toml:2:1: error: strict must be true or false, not a string ("yes") [OKR042]']),
    ('[tool.okrdsl]\nfiscal-year-start = 13\n',
     ['pyproject.toml:2:1: error: fiscal-year-start must be a month, such as "February" or 2, not a number (13) [OKR042]']),
    ('[tool.okrdsl]\nfiscal-year-naming = "middle"\n',
     ['pyproject.toml:2:22: error: fiscal-year-naming must be "end" (FY23 ends in 2023) or "start" (FY23 starts in '
      '2023), not a string ("middle") [OKR042]']),
    ('[tool.okrdsl]\nweeks-start = "someday"\n',
     ['pyproject.toml:2:15: error: weeks-start must be a weekday, such as "monday", not a string ("someday") [OKR042]']),
    ('[tool.okrdsl]\nexclude = "drafts/"\n',
     ['pyproject.toml:2:1: error: exclude must be a list of gitignore-style patterns, such as ["drafts/"], '
      'not a string ("drafts/") [OKR042]']),
    ('[tool.okrdsl.per-file-ignores]\n"drafts/*" = ["OKR5O1"]\n',
     ['pyproject.toml:2:15: error: "OKR5O1" in per-file-ignores "drafts/*" matches no okrdsl code or rule [OKR042]']),
    ('[tool.okrdsl]\nignore = ["OKR502"\n',
     ['pyproject.toml:3:1: error: pyproject.toml is not valid TOML: unclosed array [OKR040]']),
])
def test_a_wrong_configuration_is_located_and_fails_the_check(project, text, expected):
    (project / "pyproject.toml").write_text(text)
    code, output = run()
    assert code == 1
    lines = output.splitlines()
    assert [line for line in lines if line.startswith("pyproject.toml")] == [expected[0]]
    for line in expected[1:]:
        assert line in lines


def test_a_configuration_error_cannot_be_ignored(project):
    (project / ".okrdsl.toml").write_text("ignor = []\n")
    assert run("--ignore", "OKR041")[0] == 1
    assert heads(run("--ignore", "OKR041")[1])[0] == '.okrdsl.toml:1:1: error: "ignor" is not an okrdsl setting [OKR041]'


def test_an_unrelated_pyproject_is_not_a_configuration(project):
    (project / "pyproject.toml").write_text("[project\nname = broken\n")
    assert run() == (0, "no problems in 1 file\n")
    assert load_config(str(project / "pyproject.toml")) == (None, [])


def test_the_calendar_defaults_apply_where_the_spec_does_not_say(project):
    (project / ".okrdsl.toml").write_text('fiscal-year-start = "January"\nweeks-start = "sunday"\n')
    spec = 'include "roles.okrp"\nprocess "P" for FY23-Q3\nphase p "P"\n  at start: PM starts\n'
    (project / "q.okrp").write_text(spec, encoding="utf-8")

    def first_date(*args):
        result = CliRunner().invoke(main, ["schedule", "q.okrp", "--format", "json", *args])
        assert result.exit_code == 0, result.output
        import json

        return json.loads(result.output)["items"][0]["date"]

    assert first_date() == "2023-07-01"  # FY23 starting in January: Q3 starts on 1 July 2023
    assert first_date("--fiscal-start", "February") == "2022-08-01"  # the command line wins
    assert first_date("--isolated") == "2022-08-01"
    (project / "q.okrp").write_text(spec.replace('for FY23-Q3\n', 'for FY23-Q3\n  fiscal year starts March\n'))
    assert first_date() == "2022-09-01"  # the spec's own line wins


# --- suppression comments --------------------------------------------------------------------


def test_suppressions_end_of_line_line_above_block_and_file(project):
    (project / "q.okrp").write_text(
        'include "roles.okrp"\n'
        'artifact board tool "Board"  # okrdsl: ignore[unused-artifact] used from Q4\n'
        'phase p "P"\n'
        '  # okrdsl: ignore[OKR103]\n'
        '  at -2w: PM adds the KRs to #bord\n'
        '    VPP reviews them in #bord\n'
        '  at -1w: PM closes #bord\n'
        '  meeting m "M" at -1w\n'
        '    scheduled by PM\n'
        '# okrdsl: ignore-file[OKR505]\n', encoding="utf-8")
    # The comment above the step covers it and the line under it, not the next step.
    assert heads(run()[1]) == ['q.okrp:7:22: error: "#bord" is not a declared artifact, meeting or step [OKR103]']


def test_bare_unused_and_unknown_suppressions_are_warnings(project):
    (project / "q.okrp").write_text(
        'include "roles.okrp"  # okrdsl: ignore\n'
        'phase p "P"\n'
        '  at -2w: PM adds the KRs  # okrdsl: ignore[OKR502, OKR9O1]\n'
        '  at -1w: VPP closes them  # okrdsl: ignroe[OKR502]\n', encoding="utf-8")
    code, output = run("--select", "OKR511,OKR512,OKR513")
    assert code == 0
    assert heads(output) == [
        'q.okrp:1:23: warning: "# okrdsl: ignore" names no code, so it suppresses nothing [OKR511]',
        'q.okrp:3:45: warning: OKR502 is not reported on this line, so its suppression does nothing [OKR512]',
        'q.okrp:3:53: warning: "OKR9O1" is not an okrdsl code or rule, so it suppresses nothing [OKR513]',
        'q.okrp:4:28: warning: "# okrdsl: ignroe" is not a suppression okrdsl knows [OKR513]',
    ]


def test_a_suppression_cannot_hide_a_syntax_error(project):
    (project / "q.okrp").write_text('phase p "P"\n  at 8 weeks before: PM drafts  # okrdsl: ignore[OKR001]\n')
    code, output = run("q.okrp")
    assert code == 1
    assert heads(output) == ['q.okrp:2:6: error: unexpected "8": expected a time such as -4w, end+1w, week -2 or '
                             'session1 + 1w [OKR001]']


# --- which files a check reads ---------------------------------------------------------------


def test_a_folder_search_respects_gitignore_and_exclude_but_a_named_file_is_checked(project):
    for folder in ("scratch", "legacy", "specs"):
        (project / folder).mkdir()
        (project / folder / "x.okrp").write_text("phase broken\n", encoding="utf-8")
    (project / "specs" / "x.okrp").write_text('include "../roles.okrp"\n', encoding="utf-8")
    (project / ".gitignore").write_text("scratch/\n")
    (project / "pyproject.toml").write_text('[tool.okrdsl]\nextend-exclude = ["legacy/"]\nignore = ["OKR501"]\n')
    assert run() == (0, "no problems in 2 files\n")
    assert heads(run("scratch/x.okrp")[1])[0].startswith("scratch/x.okrp:1:13: error: the line ends too early")


def test_a_quoted_glob_is_expanded(project):
    (project / "specs" / "deep").mkdir(parents=True)
    (project / "specs" / "deep" / "a.okrp").write_text('include "../../roles.okrp"\n')
    (project / "specs" / "notes.md").write_text("not a spec")
    assert run("--ignore", "OKR501", "specs/**/*.okrp") == (0, "no problems in 2 files\n")
    code, output = run("specs/**/*.okrq")
    assert (code, heads(output)) == (1, ["specs/**/*.okrq:1:1: error: no such file or folder: specs/**/*.okrq "
                                         "matches nothing [OKR010]"])


def test_tracked_checks_what_git_tracks_and_nothing_untracked(project):
    (project / "scratch.okrp").write_text("phase broken\n", encoding="utf-8")
    subprocess.run(["git", "add", "roles.okrp"], check=True)
    code, output = run("--tracked", "--ignore", "OKR501")
    assert (code, output) == (0, "no problems in 1 file\n")


# --- standard input --------------------------------------------------------------------------


def test_stdin_without_a_name_resolves_includes_from_the_current_folder(project):
    code, output = run("-", input='include "roles.okrp"\nphase p "P"\n  at -2w: PMM adds the KRs\n')
    assert code == 1
    assert heads(output) == ['<stdin>:3:11: error: "PMM" is not a declared role [OKR102]']


def test_stdin_filename_names_it_and_finds_its_includes_and_configuration(project):
    (project / "team").mkdir()
    text = 'include "../roles.okrp"\nphase p "P"\n  at -2w: PMM adds the KRs\n'
    code, output = run("-", "--stdin-filename", "team/q.okrp", input=text)
    assert (code, heads(output)) == (1, ['team/q.okrp:3:11: error: "PMM" is not a declared role [OKR102]'])
    assert run("-", "--stdin-filename", "team/q.okrp", "--ignore", "OKR102", input=text) == (
        0, "no problems in 2 files\n")
    (project / "team" / ".okrdsl.toml").write_text('[per-file-ignores]\n"q.okrp" = ["OKR102"]\n')
    assert run("-", "--stdin-filename", "team/q.okrp", input=text)[0] == 0  # its configuration is team's


def test_stdin_obeys_the_limits_and_the_include_hardening(project):
    from okrdsl.limits import MAX_FILE_BYTES

    code, output = run("-", input="# x\n" * (MAX_FILE_BYTES // 4 + 1))
    assert heads(output) == ["<stdin>:1:1: error: <stdin> is over 5.0 MiB; okrdsl reads files of up to 5.0 MiB [OKR016]"]
    code, output = run("-", input='include "../../../etc/passwd.okrp"\n')
    assert code == 1 and "[OKR107]" in output and "outside the project" in output


def test_stdin_filename_needs_a_dash(project):
    code, output = run("--stdin-filename", "q.okrp", "roles.okrp")
    assert code == 2 and "give - as the path too" in output


def test_the_week_of_hint_counts_weeks_in_the_configured_fiscal_year(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.okrdsl]\nfiscal-year-start = "January"\n', encoding="utf-8")
    (tmp_path / "t.okrp").write_text('roles\n  CoS "Chief of Staff"\n\nprocess "T" for FY26-Q1\n\n'
                                     'phase p "P"\n  at week of 2025-12-15: CoS opens the issue\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "t.okrp")])
    assert result.exit_code == 1
    assert ("= hint: write week -2: 2025-12-15 is in week -2 of FY26-Q1, counted from the week that holds "
            "its first day (2026-01-01)") in result.output


def test_a_setting_written_under_per_file_ignores_says_where_it_landed(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.okrdsl]\nignore = ["OKR502"]\n\n[tool.okrdsl.per-file-ignores]\n"drafts/*.okrp" = ["OKR5"]\n'
        'fiscal-year-start = "January"\n', encoding="utf-8")
    (tmp_path / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    output = CliRunner().invoke(main, ["check", str(tmp_path / "q.okrp")]).output
    assert ('pyproject.toml:6:1: error: "fiscal-year-start" is under [tool.okrdsl.per-file-ignores], where each '
            "line is a pattern and its codes [OKR042]") in output
    assert "= hint: a setting of [tool.okrdsl] goes above the [tool.okrdsl.per-file-ignores] line" in output
