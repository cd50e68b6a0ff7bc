"""Output is safe to show and to log: a spec (or a file's name) cannot reach the terminal or a
CI runner with a control character, however it is written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from okrdsl.cli import main
from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.report.machine import github
from okrdsl.report.safe import shown
from okrdsl.source import Span

# Every character a terminal or a CI runner could act on, or that reorders text as shown.
UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029"
)

HOSTILE = (
    'roles\n  PM "PM"\n  産品 "Product"\n'
    'process "Q3\x1b[2J planning\u202e\u200f\u061c\x85" for FY23-Q3\n'
    'artifact doc doc "Doc" <\x1b]8;;https://evil.example\x07here\x1b]8;;\x07>\n'
    'phase 計画 "Plan"\n'
    '  at -4w as a: 産品 writes \x1b]52;c;ZXZpbA==\x07 the \u2066OKRs\u2069 in #doc\n'
    '  at -5w after a: PM approves \u202eit\x7f\n'
)


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.output


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def unsafe(output: str) -> set[str]:
    """The lines (not the line breaks between them) hold no unsafe character."""
    return {c for line in output.split("\n") for c in line if c in UNSAFE}


def test_check_escapes_controls_in_lines_messages_and_hints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "q3.okrp", HOSTILE)
    code, output = run("check", "--select", "OKR201,OKR506", "q3.okrp")
    assert code == 1
    assert output == (
        "q3.okrp:5:24: warning: <\\x1b]8;;https://evil.example\\x07here\\x1b]8;;\\x07> is not a web address [OKR506]\n"
        ' 5 | artifact doc doc "Doc" <\\x1b]8;;https://evil.example\\x07here\\x1b]8;;\\x07>\n'
        "   |                        " + "^" * 50 + "\n"
        "   = hint: write it in full, starting with https://\n"
        'q3.okrp:8:3: error: the step "PM approves \\u202eit\\x7f" falls on 2022-06-27,'
        ' before step "a" above it (2022-07-04) [OKR201]\n'
        " 8 |   at -5w after a: PM approves \\u202eit\\x7f\n"
        "   |   ^^^^^^\n"
        "   = hint: move it above, or check its time\n"
        "1 error, 1 warning in 1 file\n"
    )
    assert unsafe(run("check", "q3.okrp")[1]) == set()


def test_carets_stand_under_the_spot_as_it_is_shown(tmp_path):
    path = write(tmp_path, "d.okrp", 'artifact doc doc "\x1b[2J\u2067\t" <nope\x07>\n')
    code, output = run("check", "--select", "OKR506", path)
    assert output.splitlines()[:3] == [
        f"{path}:1:27: warning: <nope\\x07> is not a web address [OKR506]",
        ' 1 | artifact doc doc "\\x1b[2J\\u2067 " <nope\\x07>',  # a tab is a space, as before
        "   | " + " " * 34 + "^" * 10,
    ]


def test_schedule_escapes_its_heading_and_cells_and_keeps_columns_aligned(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "q3.okrp", HOSTILE)
    result = CliRunner().invoke(main, ["schedule", "q3.okrp"], color=False)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Q3\\x1b[2J planning\\u202e\\u200f\\u061c\\x85: FY23-Q3, 2022-08-01 to 2022-10-31",
        "",
        "Date        Day  When  Phase  Who   What",
        "2022-06-27  Mon  -5w   計画   PM    approves \\u202eit\\x7f",
        "2022-07-04  Mon  -4w   計画   産品  writes \\x1b]52;c;ZXZpbA==\\x07 the \\u2066OKRs\\u2069 in #doc",
    ]
    assert unsafe(result.output) == set()


def test_the_table_aligns_columns_as_they_are_shown():
    import datetime

    from okrdsl.emit.agenda import table
    from okrdsl.schedule import Entry, Schedule

    day = datetime.date(2022, 7, 4)
    entries = (
        Entry("a", "step", "p\x1b", day, None, "-4w", ("PM\u202e",), "x"),
        Entry("b", "step", "p", day, None, "-4w", ("PM",), "y"),
    )
    assert table(Schedule("T", 2023, 3, day, day, entries)).splitlines()[2:] == [
        "Date        Day  When  Phase  Who       What",
        "2022-07-04  Mon  -4w   p\\x1b  PM\\u202e  x",
        "2022-07-04  Mon  -4w   p      PM        y",
    ]


def test_a_file_name_cannot_start_a_workflow_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "x\n::error file=README.md,line=1::pwned\n.okrp"
    write(tmp_path, name, 'roles\n  PM "PM"\n  PM "PM"\n')
    code, output = run("check", name)
    assert code == 1
    assert output.splitlines()[0] == (
        "x\\n::error file=README.md,line=1::pwned\\n.okrp:3:3: error: role \"PM\" is declared twice:"
        " the role at x\\n::error file=README.md,line=1::pwned\\n.okrp:2:3 has the same id [OKR105]"
    )
    assert not any(line.startswith("::") for line in output.splitlines())
    code, output = run("check", "--format", "github", name)
    assert output.startswith("::error file=x%0A%3A%3Aerror file=README.md%2Cline=1%3A%3Apwned%0A.okrp,line=3,")
    assert len(output.splitlines()) == 1


def test_a_file_name_in_the_schedule_heading_and_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "x\n::error::pwned\x1b[2J.okrp"
    write(tmp_path, name, 'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM x\n')
    result = CliRunner().invoke(main, ["schedule", "--quarter", "FY23-Q3", name], color=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "x\\n::error::pwned\\x1b[2J.okrp: FY23-Q3, 2022-08-01 to 2022-10-31"
    code, output = run("schedule", name)
    assert code == 2
    assert output.splitlines()[-1] == (
        "Error: x\\n::error::pwned\\x1b[2J.okrp names no quarter: add `process \"...\" for FY23-Q3` or give --quarter"
    )
    (tmp_path / "folder\x1b[2J").mkdir()
    code, output = run("schedule", "folder\x1b[2J")
    assert code == 2 and "folder\\x1b[2J is a folder" in output and "\x1b" not in output


def test_github_escapes_controls_the_runner_does_not_unescape():
    diagnostic = Diagnostic("OKR001", Severity.ERROR, "a\x1b]8;;u\x07b\u202ec\r\nd", Span("p\x1b.okrp", 1, 2, 1, 3))
    assert github([diagnostic], {}, 1) == (
        "::error file=p\\x1b.okrp,line=1,col=2,endLine=1,endColumn=3,title=okrdsl OKR001::a\\x1b]8;;u\\x07b\\u202ec%0D%0Ad"
    )


def test_sarif_uris_are_percent_encoded(tmp_path, monkeypatch):
    import jsonschema

    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs dir").mkdir()
    write(tmp_path, "specs dir/a b#%\né.okrp", 'roles\n  PM "PM"\n  PM "PM"\n')
    outside = tmp_path.parent / f"{tmp_path.name} #out"
    outside.mkdir()
    write(outside, "q3.okrp", 'roles\n  PM "PM"\n  PM "PM"\n')
    code, output = run("check", "--format", "sarif", "specs dir", str(outside / "q3.okrp"))
    assert code == 1
    log = json.loads(output)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str) == []
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris == [f"file://{tmp_path.parent}/{tmp_path.name}%20%23out/q3.okrp", "specs%20dir/a%20b%23%25%0A%C3%A9.okrp"]


def text_module(monkeypatch, **limits):
    """okrdsl.report.text (its package exports a function of the same name), with lower limits."""
    import importlib

    module = importlib.import_module("okrdsl.report.text")
    for name, value in limits.items():
        monkeypatch.setattr(module, name, value)
    return module


def test_a_long_line_is_shown_as_a_window_around_the_caret(tmp_path, monkeypatch):
    text_module(monkeypatch, SOURCE_WINDOW=30)
    refs = " ".join(f"#r{i}" for i in range(8))
    path = write(tmp_path, "q.okrp", f'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM reads \x1b[2J {refs}\n')
    code, output = run("check", "--select", "OKR103", path)
    assert code == 1
    shown_lines = [line for line in output.splitlines() if line.startswith(("   |", " 4 |"))]
    assert shown_lines[:4] == [
        " 4 | …reads \\x1b[2J #r0 #r1 #r2 #r…",
        "   |                 ^^",
        " 4 | …s \\x1b[2J #r0 #r1 #r2 #r3 #r…",
        "   |                 ^^",
    ]
    assert shown_lines[-2:] == [
        " 4 | … #r1 #r2 #r3 #r4 #r5 #r6 #r7",
        "   |                            ^^",
    ]


def test_the_window_keeps_the_caret_under_the_spot_and_its_width_bounded(monkeypatch):
    text = text_module(monkeypatch)
    line = "x = " + "\x1b\u202e産é\u0301 " * 60
    for start in range(0, len(line) + 1, 7):
        for end in (start, start + 1, start + 3, len(line)):
            before, under, after = text._window(line, start, end)
            assert text.width(before + under + after) <= text.SOURCE_WINDOW
            assert len(before + under + after) <= 2 * text.SOURCE_WINDOW  # a combining accent takes no column
            low = next(low for low in range(start + 1) if (low > 0) * "…" + shown(line[low:start]) == before)
            cut = next(cut for cut in range(start, end + 1) if shown(line[start:cut]) == under)
            assert cut > start or min(end, len(line)) == start
            high = next(high for high in range(cut, len(line) + 1) if shown(line[cut:high]) + (high < len(line)) * "…" == after)
            assert high - low >= 10  # context, not the spot alone


def test_findings_are_capped_per_line_and_per_file_and_the_summary_counts_them_all(tmp_path, monkeypatch):
    text_module(monkeypatch, MAX_FINDINGS_PER_LINE=2, MAX_FINDINGS_PER_FILE=3)
    spec = 'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM reads #a #b #c\n  at -4w: PM reads #d\n  at -4w: PM reads #e #f\n'
    write(tmp_path, "q.okrp", spec)
    monkeypatch.chdir(tmp_path)
    code, output = run("check", "--select", "OKR103", "q.okrp")
    assert code == 1
    heads = [line for line in output.splitlines() if not line.startswith(" ")]
    assert heads == [
        'q.okrp:4:21: error: "#a" is not a declared artifact, meeting or step [OKR103]',
        'q.okrp:4:24: error: "#b" is not a declared artifact, meeting or step [OKR103]',
        "q.okrp:4: ... and 1 more finding on this line",
        'q.okrp:5:21: error: "#d" is not a declared artifact, meeting or step [OKR103]',
        "q.okrp: ... and 2 more findings in this file",
        "6 errors, 0 warnings in 1 file",
    ]
    assert len(json.loads(run("check", "--format", "json", "q.okrp")[1])) == 6
    assert run("check", "--format", "github", "q.okrp")[1].count("::error") == 6


def test_many_findings_on_one_long_line_print_little(tmp_path, monkeypatch):
    refs = " ".join(f"#a{i}" for i in range(1400))  # a line of 8,708 characters, under the line limit
    write(tmp_path, "q.okrp", f'roles\n  PM "PM"\nphase p "P"\n  at -4w: PM reads {refs}\n')
    monkeypatch.chdir(tmp_path)
    code, output = run("check", "q.okrp")
    assert code == 1
    assert len(output) < 4000
    assert output.splitlines()[-2:] == ["q.okrp:4: ... and 1390 more findings on this line", "1400 errors, 0 warnings in 1 file"]
    assert all(len(line) < 150 for line in output.splitlines())
    assert len(json.loads(run("check", "--format", "json", "q.okrp")[1])) == 1400


def test_the_docs_give_the_output_limits_that_limits_py_sets():
    from okrdsl import limits

    section = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8").split("### Safe output")[1]
    section = " ".join(section.split())
    assert f"longer than {limits.SOURCE_WINDOW} characters, {limits.SOURCE_WINDOW} are shown" in section
    assert f"At most {limits.MAX_FINDINGS_PER_LINE} findings are shown for one line and {limits.MAX_FINDINGS_PER_FILE} for one file" in section


def test_json_formats_write_controls_as_json_escapes_and_keep_their_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "q3.okrp", HOSTILE)
    for fmt in ("json", "gitlab", "sarif"):
        code, output = run("check", "--format", fmt, "q3.okrp")
        assert code == 1 and unsafe(output) == set(), fmt
    findings = json.loads(run("check", "--format", "json", "--select", "OKR201", "q3.okrp")[1])
    assert findings[0]["message"].startswith('the step "PM approves \u202eit\x7f" falls on')
    assert 'PM approves \\u202eit\\u007f' in run("check", "--format", "json", "--select", "OKR201", "q3.okrp")[1]
    result = CliRunner().invoke(main, ["schedule", "--format", "json", "q3.okrp"])
    assert unsafe(result.stdout) == set()
    assert json.loads(result.stdout)["title"] == "Q3\x1b[2J planning\u202e\u200f\u061c\x85"
