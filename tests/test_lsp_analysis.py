"""The language server's parts that need no editor: positions, check_text, completions, the
keywords they offer, and `okrdsl lsp` without its extra."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, strategies as st

from okrdsl.check import check, check_text
from okrdsl.grammar import keywords
from okrdsl.lsp import assist
from okrdsl.lsp.analysis import analyse
from okrdsl.lsp.positions import from_client, to_client
from okrdsl.source import Source

SPECS = Path(__file__).resolve().parent.parent / "specs"


def test_utf16_columns_count_an_emoji_twice_and_cjk_once():
    source = Source("x", "a\n🎯 目標 PMx\n")
    offset = source.text.index("PMx")
    assert to_client(source, offset) == (1, 6)  # 🎯 is 2 units, the space, 目 and 標, the space
    assert to_client(source, offset, "utf-32") == (1, 5)
    assert to_client(source, offset, "utf-8") == (1, 12)
    assert from_client(source, 1, 6) == offset
    assert from_client(source, 1, 1) == source.text.index("🎯") + 1  # inside the emoji: after it
    assert from_client(source, 1, 99) == source.text.index("\n", 2)  # past the end: the end of the line
    assert from_client(source, 9, 0) == len(source.text)


@given(st.text(alphabet=st.sampled_from("ab é目🎯\n\r"), max_size=40), st.data())
def test_positions_go_to_the_client_and_back(text, data):
    source = Source("x", text.replace("\r", "\r\n"))
    offset = data.draw(st.integers(0, len(source.text)))
    if source.text[offset - 1:offset + 1] == "\r\n":
        offset -= 1  # between \r and \n there is no position an editor can name
    for encoding in ("utf-8", "utf-16", "utf-32"):
        line, column = to_client(source, offset, encoding)
        assert from_client(source, line, column, encoding) == offset


def test_check_text_checks_the_text_given_not_the_disk(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "roles.okrp").write_text((SPECS / "roles.okrp").read_text())
    spec = tmp_path / "plan.okrp"
    spec.write_text('include "roles.okrp"\nphase p "P"\n  at -4w: PM drafts\n')
    assert check([str(spec)]).diagnostics == ()
    typed = 'include "roles.okrp"\nphase p "P"\n  at -4w: PMx drafts\n'
    found = check_text(str(spec), typed).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("OKR102", 3, 11)]
    # An unsaved include is read instead of the disk; so is a new file not saved yet.
    found = check_text(str(tmp_path / "new.okrp"), typed.replace("PMx", "PM"),
                       unsaved={str(tmp_path / "roles.okrp"): "roles\n  VPP \"VP of Product\"\n"}).diagnostics
    assert [(d.code, d.message) for d in found] == [("OKR102", '"PM" is not a declared role')]


def test_a_finding_in_an_include_shows_on_the_include_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "roles.okrp").write_text('roles\n  PM "Product Manager"\n  PM "Product"\n')
    text = 'include "roles.okrp"\nphase p "P"\n  at -4w: PM drafts\n'
    analysis = analyse(str(tmp_path / "plan.okrp"), text)
    assert [(s.diagnostic.code, s.span.line, s.span.column, s.message) for s in analysis.shown] == [
        ("OKR105", 1, 9, "roles.okrp:3:3: " + analysis.result.diagnostics[0].message)]
    assert analysis.shown[0].origin.path == str(tmp_path / "roles.okrp")


def _completions(text: str) -> list[str]:
    offset = text.index("|")
    analysis = analyse(str(SPECS / "typed.okrp"), text.replace("|", ""))
    return [c.label for c in assist.completions(analysis, offset)]


def test_completion_by_place():
    base = ('include "roles.okrp"\nprocess "P" for FY23-Q3\nartifact plan issue "Plan"\nphase p "P"\n'
            '  meeting kick "Kick-off" at -6w\n')
    assert _completions("|") == list(assist.TOP_KEYWORDS)
    assert _completions(base + "  at kick + 1w as review: PM drafts @|\n")[:3] == ["CEO", "CoS", "CTO"]
    assert "Product Managers" not in _completions(base + "  at -1w: PM drafts @|\n")  # @ takes no quotes
    assert _completions(base + "  at -1w: PM drafts #|\n") == ["kick", "plan"]
    assert _completions(base + "  at |\n")[:1] == ["kick"]
    assert _completions(base + "  meeting m \"M\" at -1w\n    length 5|\n") == ["5m", "5h", "5min"]
    assert _completions(base + "  every 2|\n")[:2] == ["2 week", "2 weeks"]
    assert _completions(base + "  at -1w: PM drafts the plan|\n") == []
    assert _completions(base + "  note: the PM and |\n") == []
    assert "VPP" in _completions(base + "  meeting m \"M\" at -1w\n    attendees PM, |\n")


def test_every_completion_keyword_is_a_keyword_of_the_grammar():
    assert assist.check_keywords() == []
    assert {"include", "roles", "at", "meeting", "objective", "kr"} <= keywords()


def test_lsp_without_its_extra_says_how_to_install_it(monkeypatch):
    from okrdsl.cli import main

    monkeypatch.setitem(sys.modules, "pygls", None)  # as if not installed: importing it fails
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == 2
    assert result.output == ("okrdsl: the language server needs pygls, which okrdsl installs only on request: "
                             "pip install 'okrdsl[lsp]'\n")


def test_check_needs_no_pygls():
    import subprocess

    code = "import sys, okrdsl.cli, okrdsl.check; print('pygls' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SPECS.parent)})
    assert out.stdout == "False\n"
