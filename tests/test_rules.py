"""Every rule's documented examples: the bad one yields its code on the marked line, the good one nothing."""

from __future__ import annotations

import os
import re

import pytest

from okrdsl.check import check
from okrdsl.rules import RULES, all_codes

CODES = all_codes()
WITH_EXAMPLES = [code for code in CODES.values() if code.bad.strip()]


def findings(tmp_path, text, select=()):
    path = tmp_path / "example.okrp"
    path.write_text(text, encoding="utf-8")
    return check([str(path)], select=select).diagnostics


def switched_on(code) -> tuple[str, ...]:
    """What turns a code's rule on: nothing for most; for an opt-in one, a selection of every code."""
    return ("OKR",) if code.opt_in else ()


@pytest.mark.parametrize("code", WITH_EXAMPLES, ids=lambda c: c.id)
def test_the_bad_example_yields_exactly_its_code_on_the_marked_line(code, tmp_path):
    found = findings(tmp_path, code.bad, switched_on(code))
    marked = [n for n, line in enumerate(code.bad.splitlines(), 1) if re.search(rf"#\s*{code.id}\b", line)]
    got = [(d.code, d.span.line) for d in found]
    if marked:
        assert got == [(code.id, line) for line in marked], [f"{d.span}: {d.code} {d.message}" for d in found]
    else:  # an error at the end of the file, where no comment can stand
        assert [d.code for d in found] == [code.id], [f"{d.span}: {d.code} {d.message}" for d in found]


@pytest.mark.parametrize("code", WITH_EXAMPLES, ids=lambda c: c.id)
def test_the_good_example_yields_nothing(code, tmp_path):
    assert [f"{d.span}: {d.code} {d.message}" for d in findings(tmp_path, code.good, switched_on(code))] == []


@pytest.mark.parametrize("code", list(RULES), ids=str)
def test_every_rule_documents_a_bad_and_a_good_example(code):
    documented = CODES[code]
    assert documented.summary and documented.doc
    assert documented.bad.strip() and documented.good.strip()
    assert re.search(rf"#\s*{code}\b", documented.bad), "mark the offending line with # CODE"


def test_an_opt_in_rule_is_silent_unless_selected(tmp_path):
    opt_in = [code for code in CODES.values() if code.opt_in]
    assert [code.id for code in opt_in] == ["OKR510"]
    for code in opt_in:
        assert findings(tmp_path, code.bad) == ()
        for select in (code.id, code.id[:4], code.name):
            assert [d.code for d in findings(tmp_path, code.bad, (select,))] == [code.id]


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


# --- behaviour beyond the examples ------------------------------------------------------


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_broken_catalogue_is_one_error_not_one_per_role_use(tmp_path):
    write(tmp_path, "roles.okrp", 'roles\n  PM "Product Manager\n  VPP "VP of Product"\n')
    quarter = write(tmp_path, "q.okrp", 'include "roles.okrp"\nphase p "P"\n  at -4w: PM drafts\n  at -3w: VPP reviews\n')
    assert [(d.code, d.span.path) for d in check([quarter]).diagnostics] == [("OKR004", str(tmp_path / "roles.okrp"))]


def test_the_files_own_policy_wins_over_an_included_one(tmp_path):
    write(tmp_path, "pol.okrp", "policy\n  company objectives: 1\n")
    okrs = write(tmp_path, "okrs.okrp", 'include "pol.okrp"\nroles\n  CEO "CEO"\npolicy\n  company objectives: 2\n'
                 'okrs for FY23-Q3\n'
                 '  objective C1 company "A" owner CEO\n    kr C1.1 "a" owner CEO\n'
                 '  objective C2 company "B" owner CEO\n    kr C2.1 "b" owner CEO\n')
    assert check([okrs]).diagnostics == ()


def test_the_company_objectives_message_names_the_policy(tmp_path):
    okrs = write(tmp_path, "okrs.okrp", 'roles\n  CEO "CEO"\npolicy\n  company objectives: 2\nokrs for FY23-Q3\n'
                 '  objective C1 company "A" owner CEO\n    kr C1.1 "a" owner CEO\n')
    (diagnostic,) = check([okrs]).diagnostics
    assert diagnostic.message == f"this OKR set has 1 company objective; the policy at {okrs}:3:1 asks for exactly 2"
    assert diagnostic.hint is None


def test_without_a_policy_the_message_says_whose_number_it_is(tmp_path):
    okrs = write(tmp_path, "okrs.okrp", 'roles\n  CEO "CEO"\nokrs for FY23-Q3\n'
                 '  objective C1 company "A" owner CEO\n    kr C1.1 "a" owner CEO\n')
    (diagnostic,) = check([okrs]).diagnostics
    assert diagnostic.message == "this OKR set has 1 company objective; it should have exactly 3, the default"


def test_the_tenth_syntax_error_says_okrdsl_stopped():
    import okrdsl

    _, diagnostics = okrdsl.loads('phase p "P"\n' + "  at 5: PM x\n" * 12)
    assert diagnostics[-1].message.endswith("(okrdsl stops after 10 syntax errors in a file)")


def test_references_across_includes(tmp_path):
    write(tmp_path, "shared.okrp", 'artifact planning issue "Planning" <https://example.com/1>\n')
    quarter = write(tmp_path, "q.okrp", 'include "shared.okrp"\nroles\n  PM "PM"\nphase p "P"\n  at -4w: PM updates #planning\n')
    assert check([quarter, str(tmp_path / "shared.okrp")]).diagnostics == ()  # used from the quarter: no OKR502
    write(tmp_path, "shared.okrp", 'artifact planning issue "Planning <https://example.com/1>\n')
    found = [(d.code, os.path.basename(d.path)) for d in check([quarter]).diagnostics]
    assert found == [("OKR004", "shared.okrp")]  # and no OKR103 for #planning while the include is broken


def test_alignment_looks_in_the_objectives_own_set(tmp_path):
    okrs = write(tmp_path, "okrs.okrp", 'roles\n  CEO "CEO"\npolicy\n  company objectives: 1\n'
                 'okrs for FY23-Q2\n  objective C1 company "A" owner CEO\n    kr C1.1 "a" owner CEO\n'
                 'okrs for FY23-Q3\n  objective C2 company "B" owner CEO\n    kr C2.1 "b" owner CEO\n'
                 '  objective R1 shared "C" owner CEO aligns to C1\n    kr R1.1 "c" owner CEO\n')
    (diagnostic,) = check([okrs]).diagnostics
    assert (diagnostic.code, diagnostic.span.line) == ("OKR104", 11)


def test_a_value_error_does_not_switch_the_rules_off(tmp_path):
    path = write(tmp_path, "p.okrp", 'roles\n  PM "PM"\nartifact ally tol "Ally"\nphase p "P"\n  at -4w: PMM x in #ally for @PM\n')
    assert [d.code for d in check([path]).diagnostics] == ["OKR020", "OKR102"]
    assert [d.code for d in check([path], ignore=("OKR020",)).diagnostics] == ["OKR102"]


def test_a_time_from_an_undated_item(tmp_path):
    path = write(tmp_path, "p.okrp", 'roles\n  PM "PM"\nphase p "P"\n  meeting m "M"\n    goal "g"\n    scheduled by PM\n'
                 "  at m + 1w: PM x\n")
    (diagnostic,) = check([path]).diagnostics
    assert (diagnostic.code, diagnostic.message) == ("OKR103", 'meeting "m" has no date, so no time can count from it')


def test_a_goal_may_mention_roles(tmp_path):
    path = write(tmp_path, "p.okrp", 'roles\n  PM "PM"\nphase p "P"\n  meeting m "M" at -4w\n    goal "ask @CEOO"\n'
                 "    scheduled by PM\n")
    (diagnostic,) = check([path]).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR102", 5, 16)


def test_the_opt_in_rule_on_the_command_line(tmp_path):
    spec = write(tmp_path, "q.okrp", 'roles\n  PM "Product Manager"\nphase p "P"\n  at -4w: PM drafts the OKRs\n'
                                     "  at -3w as review: PM reviews them\n")
    assert run("check", spec) == (0, "no problems in 1 file\n")
    code, output = run("check", "--select", "OKR5", "--format", "json", spec)
    assert code == 0
    assert [(d["line"], d["code"], d["message"]) for d in __import__("json").loads(output)] == [
        (4, "OKR510", 'step "p/pm-drafts-the-okrs" has no id of its own, so rewording it changes its id')]
    assert [line for line in run("rules")[1].splitlines() if "[opt-in]" in line] == [
        "OKR510  warning  item-without-id              A step, cadence or permission has no id written with `as`. [opt-in]"]


def test_a_repeated_item_is_reported_at_its_words_once_per_copy_and_only_word_for_word(tmp_path):
    text = ('roles\n  PM "Product Manager" aka PMs\nphase p "P"\n'
            '  at -4w: PM drafts the KRs\n'
            '  at -4w:  PM drafts   the KRs\n'        # white space does not count
            '  at -3w: PM drafts the KRs\n'           # another time: another step
            '  at -4w: PM drafts the KRs\n    note: for the second team\n'  # more under it: another step
            '  every week: PM updates progress\n  every week: PM updates progress\n'
            '  allow PMs: add KRs\n  allow PMs: add KRs\n  allow PMs: add KRs\n'
            'phase q "Q"\n  at -4w: PM drafts the KRs\n')  # another phase
    found = [(d.span.line, d.span.column, d.span.end_column, d.message, d.hint)
             for d in findings(tmp_path, text) if d.code == "OKR515"]
    hint = "remove one of them; if both are meant, say how they differ (a time, a role, the words)"
    assert found == [(5, 15, 31, "this step repeats the one on line 4 word for word", hint),
                     (10, 18, 34, "this cadence repeats the one on line 9 word for word", hint),
                     (12, 14, 21, "this permission repeats the one on line 11 word for word", hint),
                     (13, 14, 21, "this permission repeats the one on line 11 word for word", hint)]
