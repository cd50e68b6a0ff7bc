"""What people really type: curly quotes, accents, "&" between roles, month abbreviations."""

from __future__ import annotations

import pytest

import okrdsl
from okrdsl.check import check


def test_curly_quotes_are_quotes():
    spec, diagnostics = okrdsl.loads("process \u201cFY25 Q1 workflow\u201d for FY25-Q1\n")
    assert diagnostics == ()
    assert spec.process.title == "FY25 Q1 workflow"


def test_names_may_use_any_letters():
    spec, diagnostics = okrdsl.loads('roles\n  D\u00eda "D\u00eda"\n  \u7523\u54c1 "Product"\nphase p "P"\n  at -4w: D\u00eda tags @\u7523\u54c1\n')
    assert diagnostics == ()
    step = spec.phases[0].items[0]
    assert [a.value for a in step.actors] == ["D\u00eda"]
    assert [r.name.value for r in step.text.refs] == ["\u7523\u54c1"]


@pytest.mark.parametrize("written", ["PLT & VPP", "PLT/VPP", "PLT, VPP", "PLT and VPP", "PLT, and VPP"])
def test_ways_of_joining_actors(written):
    spec, diagnostics = okrdsl.loads(f'phase p "P"\n  at -8w: {written} draft the OKRs\n')
    assert diagnostics == ()
    step = spec.phases[0].items[0]
    assert ([a.value for a in step.actors], step.text.value) == (["PLT", "VPP"], "draft the OKRs")


@pytest.mark.parametrize("month, number", [("Feb", 2), ("february", 2), ("Sept", 9), ("jul", 7)])
def test_months_may_be_abbreviated(month, number):
    spec, diagnostics = okrdsl.loads(f'process "P" for FY25-Q1\n  fiscal year starts {month}\n')
    assert diagnostics == ()
    assert spec.process.fiscal_year.start_month == number


def test_a_quote_left_open_in_the_middle_of_a_line(tmp_path):
    _, (diagnostic,) = okrdsl.loads('roles\n  VPP "VP of Product    aka "VP Product Management"\n')
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR004", 2, 7)
    assert diagnostic.message == "a text in double quotes on this line has no closing quote"


@pytest.mark.parametrize("written, hint", [("On-Track", 'did you mean "on-track"?'), ("on_track", 'did you mean "on-track"?')])
def test_health_typos_get_a_suggestion(tmp_path, written, hint):
    path = tmp_path / "okrs.okrp"
    path.write_text('roles\n  CEO "CEO"\npolicy\n  company objectives: 1\nokrs for FY23-Q3\n'
                    f'  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up" owner CEO health {written}\n')
    (diagnostic,) = check([str(path)]).diagnostics
    assert (diagnostic.code, diagnostic.hint) == ("OKR308", hint)


def test_a_misspelled_keyword_read_as_a_role_is_suggested(tmp_path):
    path = tmp_path / "p.okrp"
    path.write_text('roles\n  ProductOps "Product Operations"\nphase p "P"\n  at -8w: ProductOps drafts\n    lead by ProductOps\n')
    (diagnostic,) = check([str(path)]).diagnostics
    assert (diagnostic.code, diagnostic.hint) == ("OKR102", 'did you mean "led"?')


@pytest.mark.parametrize(
    "text, hint",
    [
        ('phase p "P"\n  meeting session-1 "S" at -4w\n', 'ids cannot contain "-": use "_", as in session_1'),
        ('phase p "P"\n  at 1w: PM x\n', "write -1w for before the quarter starts, +1w for after it starts, or end+1w"),
        ('artifact a doc "A" <https://gitlab.com/a b>\n', "a link cannot contain spaces: write %20 for a space"),
        ('phase p "P"\n  on 2024-02-30: PM x\n', "2024-02 has 29 days"),
    ],
)
def test_hints_for_common_slips(text, hint):
    (diagnostic,) = okrdsl.loads(text).diagnostics
    assert diagnostic.hint == hint


def test_units_may_be_upper_case():
    spec, diagnostics = okrdsl.loads('phase p "P"\n  at -4W+2D: PM x\n')
    assert diagnostics == ()
    assert spec.phases[0].items[0].when.moment.offset_days == -26


def test_progress_and_health_findings_point_at_the_value(tmp_path):
    path = tmp_path / "okrs.okrp"
    path.write_text('roles\n  CEO "CEO"\npolicy\n  company objectives: 1\nokrs for FY23-Q3\n'
                    '  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up" owner CEO progress 150% health green\n')
    found = {d.code: (d.span.line, d.span.column, d.span.end_column) for d in check([str(path)]).diagnostics}
    assert found == {"OKR307": (7, 37, 41), "OKR308": (7, 49, 54)}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_kind_of_line_ending(newline, tmp_path):
    text = newline.join(["roles", "  PM \"Product Manager\"", "phase p \"P\"", "  at -4w: PMM drafts with @PM", ""])
    path = tmp_path / "p.okrp"
    path.write_bytes(text.encode())
    (diagnostic,) = check([str(path)]).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR102", 4, 11)
