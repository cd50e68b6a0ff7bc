"""check's output formats, each read by the consumer that will read it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from okrdsl.cli import main
from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.report.machine import github
from okrdsl.source import Span

DATA = Path(__file__).parent / "data"
BROKEN = (
    'roles\n  PM "Product Manager"\n'
    'artifact planning issue "Planning, 50%: the issue" <planning>\n'
    'phase kickoff "Kick-off"\n'
    "  at -4w: PMM drafts the OKRs in #planning for @PM\n"
)


@pytest.fixture
def broken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("specs").mkdir()
    Path("specs/q3.okrp").write_text(BROKEN, encoding="utf-8")
    return "specs/q3.okrp"


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.output


def test_json(broken):
    code, output = run("check", "--format", "json", broken)
    assert code == 1
    assert json.loads(output) == [
        {"path": "specs/q3.okrp", "line": 3, "column": 52, "end_line": 3, "end_column": 62, "severity": "warning",
         "code": "OKR506", "message": "<planning> is not a web address", "hint": "write it in full, starting with https://"},
        {"path": "specs/q3.okrp", "line": 5, "column": 11, "end_line": 5, "end_column": 14, "severity": "error",
         "code": "OKR102", "message": '"PMM" is not a declared role', "hint": "did you mean \"PM\"?"},
    ]


def test_json_findings_follow_the_shipped_schema(broken):
    from importlib.resources import files

    schema = json.loads(files("okrdsl").joinpath("data", "findings.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    findings = json.loads(run("check", "--format", "json", broken)[1])
    assert len(findings) == 2
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(findings)) == []
    assert list(jsonschema.Draft202012Validator(schema).iter_errors([{**findings[0], "code": "E501"}])) != []


def test_json_when_clean_is_an_empty_list(tmp_path):
    path = tmp_path / "ok.okrp"
    path.write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    assert run("check", "--format", "json", str(path)) == (0, "[]\n")


def test_github_workflow_commands(broken):
    code, output = run("check", "--format", "github", broken)
    assert code == 1
    assert output.splitlines() == [
        "::warning file=specs/q3.okrp,line=3,col=52,endLine=3,endColumn=62,title=okrdsl OKR506::"
        "<planning> is not a web address (hint: write it in full, starting with https%3A//)".replace("%3A", ":"),
        "::error file=specs/q3.okrp,line=5,col=11,endLine=5,endColumn=14,title=okrdsl OKR102::"
        "\"PMM\" is not a declared role (hint: did you mean \"PM\"?)",
    ]


def test_github_escapes_what_workflow_commands_would_misread():
    diagnostic = Diagnostic("OKR001", Severity.ERROR, "100% wrong\nsecond line", Span("a,b:c%.okrp", 1, 2, 1, 3))
    assert github([diagnostic], {}, 1) == (
        "::error file=a%2Cb%3Ac%25.okrp,line=1,col=2,endLine=1,endColumn=3,title=okrdsl OKR001::100%25 wrong%0Asecond line"
    )


def test_gitlab_code_quality(broken):
    code, output = run("check", "--format", "gitlab", broken)
    assert code == 1
    report = json.loads(output)
    assert [(i["check_name"], i["severity"], i["location"]) for i in report] == [
        ("okrdsl:OKR506", "minor", {"path": "specs/q3.okrp", "lines": {"begin": 3, "end": 3}}),
        ("okrdsl:OKR102", "major", {"path": "specs/q3.okrp", "lines": {"begin": 5, "end": 5}}),
    ]
    assert all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"} for i in report)
    assert report[1]["description"] == '"PMM" is not a declared role [OKR102]'
    assert len({i["fingerprint"] for i in report}) == 2


def test_gitlab_fingerprints_survive_lines_moving(broken):
    before = json.loads(run("check", "--format", "gitlab", broken)[1])
    Path(broken).write_text("# a new comment on top\n" + BROKEN, encoding="utf-8")
    after = json.loads(run("check", "--format", "gitlab", broken)[1])
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert [i["location"]["lines"]["begin"] for i in after] == [4, 6]


def test_sarif_is_valid_sarif_2_1_0(broken):
    code, output = run("check", "--format", "sarif", broken)
    assert code == 1
    log = json.loads(output)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    run_ = log["runs"][0]
    assert run_["tool"]["driver"]["name"] == "okrdsl"
    rules = run_["tool"]["driver"]["rules"]
    assert all({"id", "shortDescription", "fullDescription", "help"} <= set(rule) for rule in rules)
    (result,) = [r for r in run_["results"] if r["ruleId"] == "OKR102"]
    assert rules[result["ruleIndex"]]["id"] == "OKR102"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "specs/q3.okrp", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 14},
    }
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}}
    assert run_["invocations"] == [{"executionSuccessful": True}]


def test_sarif_has_what_github_code_scanning_reads(broken):
    """The fields GitHub's SARIF upload documents: tool name and rules with help, a message,
    a location and a ruleId per result, and partialFingerprints to follow results over time."""
    run_ = json.loads(run("check", "--format", "sarif", broken)[1])["runs"][0]
    for rule in run_["tool"]["driver"]["rules"]:
        assert rule["helpUri"] == f"https://okrdsl.dev/rules/{rule['id'].lower()}"
        assert rule["help"]["markdown"].startswith(f"**{rule['shortDescription']['text']}**")
        assert rule["properties"]["tags"][0] == "okrdsl"
    (unknown_role,) = [r for r in run_["tool"]["driver"]["rules"] if r["id"] == "OKR102"]
    assert unknown_role["properties"]["tags"] == ["okrdsl", "references"]
    assert "Bad:\n\n```okrp\n" in unknown_role["help"]["markdown"]
    for result in run_["results"]:
        assert {"ruleId", "message", "locations", "partialFingerprints"} <= set(result)
        assert len(result["partialFingerprints"]["okrdsl/v1"]) == 64


def test_sarif_fingerprints_survive_lines_moving_and_match_gitlab(broken):
    before = json.loads(run("check", "--format", "sarif", broken)[1])["runs"][0]["results"]
    Path(broken).write_text("# a new comment on top\n" + BROKEN, encoding="utf-8")
    after = json.loads(run("check", "--format", "sarif", broken)[1])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    gitlab = json.loads(run("check", "--format", "gitlab", broken)[1])
    assert [r["partialFingerprints"]["okrdsl/v1"] for r in after] == [i["fingerprint"] for i in gitlab]


@pytest.mark.parametrize("output_format", ["gitlab", "sarif"])
def test_an_absolute_argument_still_gives_paths_relative_to_the_repository(broken, output_format):
    Path(".git").mkdir()
    os.chdir("specs")  # run from a folder of the repository, naming the spec by its absolute path
    output = json.loads(run("check", "--format", output_format, str(Path("q3.okrp").resolve()))[1])
    if output_format == "gitlab":
        assert {i["location"]["path"] for i in output} == {"specs/q3.okrp"}
    else:
        locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in output["runs"][0]["results"]]
        assert {loc["uri"] for loc in locations} == {"specs/q3.okrp"}


def test_sarif_rule_ids_and_uris_are_stable_between_runs(broken):
    first, second = (json.loads(run("check", "--format", "sarif", broken)[1]) for _ in range(2))
    assert first == second


def test_text_is_the_default_and_ends_with_a_summary(broken):
    code, output = run("check", broken)
    assert code == 1
    assert output.splitlines()[-1] == "1 error, 1 warning in 1 file"
    assert run("check", "--strict", "--select", "OKR5", broken)[0] == 1
    assert run("check", "--select", "OKR5", broken)[0] == 0


def test_colour_only_on_a_terminal(broken):
    plain = CliRunner().invoke(main, ["check", broken], color=False).output
    coloured = CliRunner().invoke(main, ["check", broken], color=True).output
    assert "\x1b[" not in plain and "\x1b[" in coloured


def test_output_file_gets_the_report_and_the_terminal_the_text_and_exit_code(broken):
    code, output = run("check", "--format", "sarif", "--output-file", "okrdsl.sarif", broken)
    assert code == 1
    assert output.splitlines()[0] == 'specs/q3.okrp:3:52: warning: <planning> is not a web address [OKR506]'
    assert output.splitlines()[-1] == "1 error, 1 warning in 1 file"
    log = json.loads(Path("okrdsl.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["OKR506", "OKR102"]


def test_an_output_file_that_cannot_be_written_is_exit_2_and_nothing_is_left(broken):
    code, output = run("check", "--format", "gitlab", "--output-file", "missing/report.json", broken)
    assert code == 2
    assert output.startswith("okrdsl: cannot write missing/report.json: No such file or directory")
    assert sorted(p.name for p in Path(".").iterdir()) == ["specs"]


@pytest.mark.parametrize(("choice", "environ", "wanted"), [
    ("auto", {}, None),  # a terminal only: click decides
    ("auto", {"NO_COLOR": "1"}, False),
    ("auto", {"FORCE_COLOR": "1"}, True),
    ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ("auto", {"TERM": "dumb"}, False),
    ("auto", {"NO_COLOR": ""}, None),  # set but empty counts as not set (no-color.org)
    ("always", {"NO_COLOR": "1", "TERM": "dumb"}, True),
    ("never", {"FORCE_COLOR": "1"}, False),
])
def test_colour_follows_the_option_then_the_environment(choice, environ, wanted):
    from okrdsl.cli import colour_wanted

    assert colour_wanted(choice, environ) is wanted


def test_color_always_colours_a_pipe_and_never_a_terminal(broken):
    always = CliRunner().invoke(main, ["--color", "always", "check", broken], color=False).output
    never = CliRunner().invoke(main, ["--color", "never", "check", broken], color=True).output
    assert "\x1b[" in always and "\x1b[" not in never


def test_statistics_count_each_code_most_first_then_the_summary(broken):
    Path(broken).write_text(BROKEN + "  at -3w: PMM checks the OKRs\n", encoding="utf-8")
    code, output = run("check", "--statistics", broken)
    assert code == 1
    assert output.splitlines() == [
        "2  OKR102  error    unknown-role",
        "1  OKR506  warning  not-a-web-link",
        "2 errors, 1 warning in 1 file",
    ]


def test_quiet_prints_the_findings_without_the_summary(broken):
    code, output = run("check", "-q", broken)
    assert code == 1
    assert output.splitlines()[0].startswith("specs/q3.okrp:3:52: warning:")
    assert "in 1 file" not in output
    assert run("check", "-q", "--statistics", broken)[1].splitlines() == [
        "1  OKR102  error    unknown-role", "1  OKR506  warning  not-a-web-link"]


def test_quiet_on_a_clean_check_prints_nothing(tmp_path):
    path = tmp_path / "ok.okrp"
    path.write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    assert run("check", "-q", "--ignore", "OKR501", str(path)) == (0, "")


def test_an_output_file_is_never_a_spec_just_checked(broken):
    code, output = run("check", "--format", "json", "--output-file", broken, broken)
    assert code == 2
    assert "is a spec okrdsl has just read" in output
    assert Path(broken).read_text(encoding="utf-8") == BROKEN
