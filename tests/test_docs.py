"""Every example in README.md and docs/ is executed (see tests/doc_examples.py)."""

from __future__ import annotations

import os
import re
import shlex

import pytest
from click.testing import CliRunner

import okrdsl
from okrdsl.cli import main
from tests.doc_examples import ROOT, blocks, commands, pages, prepare

ALL = [block for page in pages() for block in blocks(page)]
OKRP = [b for b in ALL if b.lang == "okrp" and "file" not in b.options]
PAGES = [page for page in pages() if any(b.lang == "console" for b in blocks(page))]


def test_the_docs_have_examples():
    assert len(OKRP) >= 5
    assert PAGES


@pytest.mark.parametrize("block", OKRP, ids=lambda b: b.id)
def test_okrp_example_is_clean(block, tmp_path):
    prepare(tmp_path)
    path = tmp_path / "example.okrp"
    path.write_text(block.body, encoding="utf-8")
    from okrdsl.check import check

    result = check([str(path)])
    assert [f"{d.span}: {d.code} {d.message}" for d in result.diagnostics] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_console_examples_print_what_the_docs_say(page, tmp_path):
    prepare(tmp_path)
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for block in blocks(page):
            if block.lang in ("okrp", "toml", "text") and "file" in block.options:
                target = tmp_path / block.options["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.body, encoding="utf-8")
            if block.lang != "console":
                continue
            for command in commands(block):
                assert command.argv[0] == "okrdsl", f"{block.id}: only okrdsl commands run here"
                result = runner.invoke(main, command.argv[1:], prog_name="okrdsl", catch_exceptions=False, color=False)
                assert result.output.rstrip() == command.output, f"{block.id}: $ {' '.join(command.argv)}"
                if command.exit_code is not None:
                    assert result.exit_code == command.exit_code, f"{block.id}: exit code"
    finally:
        os.chdir(cwd)


MERMAID_PAGES = [page for page in pages() if any(b.lang == "mermaid" for b in blocks(page))]
GENERATED_BY = re.compile(r"<!-- \$ (okrdsl compile .*) -->")


@pytest.mark.parametrize("page", MERMAID_PAGES, ids=lambda p: p.name)
def test_mermaid_examples_are_what_okrdsl_compile_prints(page, tmp_path):
    """A chart in the docs is the output of the command in the comment above it, run with
    the files the page's earlier `okrp file=` blocks wrote."""
    prepare(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for block in blocks(page):
            if block.lang == "okrp" and "file" in block.options:
                (tmp_path / block.options["file"]).write_text(block.body, encoding="utf-8")
            if block.lang != "mermaid":
                continue
            command = GENERATED_BY.fullmatch(block.before)
            assert command, f"{block.id}: a mermaid block follows <!-- $ okrdsl compile ... --> saying what made it"
            argv = shlex.split(command[1])
            result = CliRunner().invoke(main, argv[1:], prog_name="okrdsl", catch_exceptions=False)
            assert result.exit_code == 0, f"{block.id}: {result.output}"
            assert result.stdout == block.body, f"{block.id}: $ {command[1]}"
    finally:
        os.chdir(cwd)


def test_the_api_example_in_the_package_docstring():
    import doctest

    assert doctest.testmod(okrdsl).failed == 0


PYTHON = [b for b in ALL if b.lang == "python"]


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
def test_python_examples_run(block, tmp_path, capsys):
    prepare(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(block.body, block.id, "exec"), {"__name__": "__doc_example__"})
    finally:
        os.chdir(cwd)
    assert "Error" not in capsys.readouterr().out


YAML = [b for b in ALL if b.lang == "yaml"]


@pytest.mark.parametrize("block", YAML, ids=lambda b: b.id)
def test_yaml_examples_parse_and_their_okrdsl_commands_run(block, tmp_path):
    import shlex

    import yaml

    data = yaml.safe_load(block.body)
    assert data
    text = block.body
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook_id in re.findall(r"- id: (\S+)", text):
        assert hook_id in {hook["id"] for hook in hooks}, f"{block.id}: no hook {hook_id}"
    prepare(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for command in re.findall(r"(?:run:|-)\s+(okrdsl [^>\n]*)", text):
            argv = shlex.split(command)
            result = CliRunner().invoke(main, argv[1:], prog_name="okrdsl")
            assert result.exit_code in (0, 1), f"{block.id}: $ {command}\n{result.output}"
    finally:
        os.chdir(cwd)


def test_the_times_table_gives_the_dates_okrdsl_computes():
    """Each row of the table in language.md's times section, written as a step in a phase of
    its own, falls on the date (and is due on the day) the table says, in FY24-Q1."""
    from okrdsl.schedule import schedule_spec

    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    section = text[text.index("\n## times\n"):text.index("\n## actors\n")]
    rows = re.findall(r"^\| `([^`]+)` \| [^\n]* \| ([^|\n]+) \|$", section, re.MULTILINE)
    assert len(rows) >= 40
    spec_text = (
        'roles\n  PM "Product Manager"\n\nprocess "Times" for FY24-Q1\n  fiscal year starts February\n\n'
        'phase helpers "Items the table names"\n'
        '  meeting egroup_weekly "E-Group Weekly" every week on Tuesday\n    scheduled by PM\n    goal "Meet"\n'
        "  at -6w as kickoff: PM kicks off\n"
        '  meeting session1 "Session 1" at -6w\n    scheduled by PM\n    goal "Meet"\n'
        "  at -4w as propose: PM proposes\n"
        "  during week -3 as lock: PM locks\n"
    )
    spec_text += "".join(f'\nphase row{i} "Row {i}"\n  {written}: PM does row {i}\n' for i, (written, _) in enumerate(rows))
    spec, diagnostics = okrdsl.loads(spec_text, "times.okrp")
    assert diagnostics == ()
    entries = {entry.phase: entry for entry in schedule_spec(spec).entries}
    for i, (written, expected) in enumerate(rows):
        entry = entries[f"row{i}"]
        days = re.findall(r"\d{4}-\d{2}-\d{2} \w{3}", expected)
        got = [f"{day} {day:%a}" for day in (entry.date, entry.due) if day is not None]
        assert got == days, f"{written}: the table says {expected.strip()}"
        assert days or expected.strip() == "undated", written


TOML = [b for b in ALL if b.lang == "toml"]


@pytest.mark.parametrize("block", TOML, ids=lambda b: b.id)
def test_toml_examples_parse_and_configure_okrdsl_without_a_mistake(block, tmp_path):
    """A ```toml block parses; one with file=NAME (pyproject.toml or .okrdsl.toml) is a
    configuration okrdsl reads without a diagnostic (one with `mistake` in its options
    must have one), and a pyproject.toml has a [tool.okrdsl] table."""
    import tomllib

    from okrdsl.config import load_config

    if "mistake" not in block.options:
        tomllib.loads(block.body)
    if "file" not in block.options:
        return
    path = tmp_path / os.path.basename(block.options["file"])
    path.write_text(block.body, encoding="utf-8")
    config, diagnostics = load_config(str(path))
    assert config is not None, f"{block.id}: not an okrdsl configuration"
    assert bool(diagnostics) == ("mistake" in block.options), [f"{d.span}: {d.message}" for d in diagnostics]
