"""Every rule's documented examples: the bad one yields its code on the marked line, the good one nothing."""

from __future__ import annotations

import re

import pytest

from okrdsl.check import check
from okrdsl.rules import RULES, all_codes

CODES = all_codes()
WITH_EXAMPLES = [code for code in CODES.values() if code.bad.strip()]


def findings(tmp_path, text):
    path = tmp_path / "example.okrp"
    path.write_text(text, encoding="utf-8")
    return check([str(path)]).diagnostics


@pytest.mark.parametrize("code", WITH_EXAMPLES, ids=lambda c: c.id)
def test_the_bad_example_yields_exactly_its_code_on_the_marked_line(code, tmp_path):
    found = findings(tmp_path, code.bad)
    marked = [n for n, line in enumerate(code.bad.splitlines(), 1) if re.search(rf"#\s*{code.id}\b", line)]
    assert [(d.code, d.span.line) for d in found if d.code == code.id] == [(code.id, line) for line in marked] or (
        not marked and [d.code for d in found] == [code.id]
    ), [f"{d.span}: {d.code} {d.message}" for d in found]


@pytest.mark.parametrize("code", WITH_EXAMPLES, ids=lambda c: c.id)
def test_the_good_example_yields_nothing(code, tmp_path):
    assert [f"{d.span}: {d.code} {d.message}" for d in findings(tmp_path, code.good)] == []


@pytest.mark.parametrize("code", list(RULES), ids=str)
def test_every_rule_documents_a_bad_and_a_good_example(code):
    documented = CODES[code]
    assert documented.summary and documented.doc
    assert documented.bad.strip() and documented.good.strip()
    assert re.search(rf"#\s*{code}\b", documented.bad), "mark the offending line with # CODE"


def test_codes_are_well_formed_and_unique_by_name():
    assert all(re.fullmatch(r"OKR\d{3}", code) for code in CODES)
    names = [code.name for code in CODES.values()]
    assert len(names) == len(set(names))


# --- the catalogue on the command line and in docs/rules.md -----------------------------------

from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from okrdsl.cli import main  # noqa: E402
from okrdsl.rules.catalogue import markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    result = CliRunner().invoke(main, list(args), prog_name="okrdsl", color=False)
    return result.exit_code, result.output


def test_docs_rules_md_is_generated_from_the_registry():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(), (
        "docs/rules.md is stale: run `okrdsl rules --format markdown > docs/rules.md`"
    )


def test_okrdsl_rules_lists_every_code():
    code, output = run("rules")
    assert code == 0
    lines = output.splitlines()
    assert [line.split()[0] for line in lines] == list(CODES)
    assert lines[0].split(None, 3) == ["OKR001", "error", "syntax-error", "The line does not follow the .okrp syntax."]


def test_okrdsl_explain_prints_the_documentation():
    code, output = run("explain", "OKR102")
    assert code == 0
    assert output.startswith("OKR102 unknown-role (error)\n\nA role is named that no roles block declares.\n")
    assert "Bad:\n\n    roles\n      PM \"Product Manager\" aka PMs\n" in output
    assert run("explain", "unknown-role") == (code, output)
    assert run("explain", "okr102") == (code, output)


def test_okrdsl_explain_of_an_unknown_code_is_a_usage_error():
    code, output = run("explain", "OKR999")
    assert code == 2
    assert 'Error: "OKR999" is not an okrdsl code' in output
