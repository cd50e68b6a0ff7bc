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
