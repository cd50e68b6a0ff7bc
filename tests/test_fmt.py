"""okrdsl fmt: golden cases in black's style (tests/fmt/*.okrp: an input, the marker line, the
expected output), the properties every formatting keeps (stable, same IR, same comments, same
item ids) over every spec of the repository and over generated ones, and the command line."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import okrdsl
from okrdsl.cli import main
from okrdsl.fmt import FormatError, format_source, print_tree
from okrdsl.parse import parse
from okrdsl.source import Source, normalise_newlines
from tests.doc_examples import ROOT, blocks, pages
from tests.golden import updating
from tests.test_properties import specs

CASES = Path(__file__).parent / "fmt"
MARKER = re.compile(r"^# ---- output ----\r?\n", re.MULTILINE)
CASE_FILES = sorted(CASES.glob("*.okrp"))


def fmt(text: str, path: str = "t.okrp") -> str:
    formatted, diagnostics = format_source(Source(path, normalise_newlines(text)))
    assert diagnostics == ()
    return formatted


def case(path: Path) -> tuple[str, str]:
    text = path.read_bytes().decode("utf-8")
    match = MARKER.search(text)
    assert match, f"{path.name}: no marker line"
    return text[: match.start()], text[match.end():]


# --- golden cases --------------------------------------------------------------------------


def test_there_are_enough_cases():
    assert len(CASE_FILES) >= 25


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_golden_case(path):
    source, expected = case(path)
    formatted = fmt(source, path.name)
    if updating():
        marker = MARKER.search(path.read_bytes().decode("utf-8")).group()
        path.write_bytes((source + marker + formatted).encode("utf-8"))
        expected = formatted
    assert formatted == expected, f"{path.name} differs: if the change is intended, run pytest --update-golden"
    assert fmt(expected, path.name) == expected
    assert_same_meaning(source, expected)


def test_the_canonical_case_does_not_change():
    source, expected = case(CASES / "canonical.okrp")
    assert source == expected


def test_crlf_stays_crlf_and_lf_stays_lf():
    source, expected = case(CASES / "crlf.okrp")
    assert "\r\n" in source and expected.count("\r\n") == expected.count("\n")
    assert "\r" not in fmt(source.replace("\r\n", "\n"))


# --- properties ---------------------------------------------------------------------------


def comments(text: str) -> list[str]:
    return [comment for _, comment in parse(Source("t.okrp", normalise_newlines(text))).comments]


def item_keys(text: str) -> list[str]:
    return [item.key for item in okrdsl.loads(text, "t.okrp").spec.items()]


def assert_same_meaning(before: str, after: str) -> None:
    assert okrdsl.loads(before, "t.okrp").spec == okrdsl.loads(after, "t.okrp").spec
    assert sorted(comments(before)) == sorted(comments(after))
    assert item_keys(before) == item_keys(after)


def repository_specs() -> list[tuple[str, str]]:
    """Every .okrp text of the repository that parses: specs, test fixtures, the fmt cases, and
    the docs' okrp examples."""
    found = []
    for path in sorted([*ROOT.glob("specs/**/*.okrp"), *ROOT.glob("tests/**/*.okrp")]):
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        found.append((str(path.relative_to(ROOT)), text))
    found += [(block.id, block.body) for page in pages() for block in blocks(page) if block.lang == "okrp"]
    return [(name, text) for name, text in found
            if parse(Source(name, normalise_newlines(text))).diagnostics == ()]


REPOSITORY = repository_specs()


def test_most_of_the_repository_parses():
    assert len(REPOSITORY) > 100


@pytest.mark.parametrize("name, text", REPOSITORY, ids=[name for name, _ in REPOSITORY])
def test_formatting_a_repository_spec_keeps_its_meaning_and_is_stable(name, text):
    formatted = fmt(text, name)
    assert fmt(formatted, name) == formatted
    assert_same_meaning(text, formatted)


@st.composite
def scrambled(draw, with_comments=True):
    """A generated spec in its canonical layout, and the same spec scrambled: any indentation
    unit, tabs, trailing white space, blank lines, LF or CRLF, and (`with_comments`) comments
    on their own lines and after lines."""
    canonical = fmt(draw(specs())[0])
    unit = draw(st.sampled_from([" ", "   ", "    ", "\t", "        "]))
    extra = ["", "   "] + ([f"{unit * draw(st.integers(0, 3))}# note"] if with_comments else [])
    tails = ["", "  ", "\t"] + (["  # trailing", " #\tt"] if with_comments else [])
    out = []
    for number, line in enumerate(canonical.splitlines()):
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        if with_comments or not body:  # without comments, only blank lines after a blank line
            for _ in range(draw(st.integers(0, 2))):
                out.append(draw(st.sampled_from(extra)) if out else "# note")
        out.append(unit * depth + body + draw(st.sampled_from(tails)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(out) + newline, canonical.replace("\n", newline)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(scrambled())
def test_any_layout_formats_to_the_same_meaning(texts):
    text, _ = texts
    formatted = fmt(text)
    assert fmt(formatted) == formatted
    assert_same_meaning(text, formatted)
    assert comments(text) == comments(formatted)
    assert ("\r\n" in text) == ("\r\n" in formatted)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(scrambled(with_comments=False))
def test_scrambling_without_comments_is_undone(texts):
    text, canonical = texts
    assert fmt(text) == canonical


# --- the shipped specs and the docs are formatted ------------------------------------------


def test_the_shipped_specs_are_formatted():
    result = CliRunner().invoke(main, ["fmt", "--check", str(ROOT / "specs")])
    assert result.exit_code == 0, result.output
    assert "would reformat" not in result.output


DOC_OKRP = [b for page in pages() for b in blocks(page) if b.lang == "okrp" and "file" not in b.options
            and b.options.get("layout") != "free"]


@pytest.mark.parametrize("block", DOC_OKRP, ids=lambda b: b.id)
def test_the_docs_examples_are_formatted(block):
    assert fmt(block.body) == block.body


def test_the_formatting_section_shows_what_fmt_makes():
    by_name = {b.options.get("file"): b.body for b in blocks(ROOT / "docs" / "cli.md") if b.lang == "okrp"}
    assert fmt(by_name["messy.okrp"]) == by_name["tidy.okrp"]


# --- the command line -----------------------------------------------------------------------

MESSY = 'roles\n    PM   "Product Manager"   # the one\nphase p "P"\n    at -4w : PM drafts\n'
TIDY = 'roles\n  PM "Product Manager"  # the one\n\nphase p "P"\n  at -4w: PM drafts\n'
BROKEN = 'roles\n  PM "Product Manager\n'


def run(*args, input=None):
    return CliRunner().invoke(main, ["fmt", *args], input=input, catch_exceptions=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fmt_rewrites_files_in_place(project):
    (project / "a.okrp").write_text(MESSY)
    (project / "b.okrp").write_text(TIDY)
    result = run()
    assert result.exit_code == 0
    assert result.output == "reformatted a.okrp\n1 file reformatted, 1 file left unchanged\n"
    assert (project / "a.okrp").read_text() == TIDY
    assert run().output == "2 files left unchanged\n"


def test_check_lists_the_files_that_would_change_and_changes_nothing(project):
    (project / "a.okrp").write_text(MESSY)
    (project / "b.okrp").write_text(TIDY)
    result = run("--check", ".")
    assert result.exit_code == 1
    assert result.output == "would reformat a.okrp\n1 file would be reformatted, 1 file already formatted\n"
    assert (project / "a.okrp").read_text() == MESSY
    os.remove(project / "a.okrp")
    assert run("--check").exit_code == 0


def test_diff_prints_a_unified_diff_and_changes_nothing(project):
    (project / "a.okrp").write_text(MESSY)
    result = run("--diff", "a.okrp")
    assert result.exit_code == 0
    assert result.output.startswith("--- a/a.okrp\n+++ b/a.okrp\n@@ -1,4 +1,5 @@\n roles\n"
                                    '-    PM   "Product Manager"   # the one\n+  PM "Product Manager"  # the one\n')
    assert (project / "a.okrp").read_text() == MESSY
    assert run("--diff", "--check", "a.okrp").exit_code == 1


def test_dash_reads_standard_input_and_prints_the_result(project):
    result = CliRunner().invoke(main, ["fmt", "-"], input=MESSY)
    assert result.exit_code == 0 and result.stdout == TIDY
    result = CliRunner().invoke(main, ["fmt", "--check", "-"], input=MESSY)
    assert result.exit_code == 1 and result.stdout == ""
    result = CliRunner().invoke(main, ["fmt", "-", "--stdin-filename", "specs/q3.okrp"], input=BROKEN)
    assert result.exit_code == 1 and result.stdout == ""
    assert "specs/q3.okrp:2:6: error: this text has no closing double quote [OKR004]" in result.stderr


def test_a_file_with_syntax_errors_is_reported_and_left_untouched(project):
    (project / "bad.okrp").write_text(BROKEN)
    (project / "a.okrp").write_text(MESSY)
    before = os.stat(project / "bad.okrp").st_mtime_ns
    result = run()
    assert result.exit_code == 1
    assert "bad.okrp:2:6: error: this text has no closing double quote [OKR004]" in result.output
    assert result.output.endswith("1 file reformatted, 1 file with errors left untouched\n")
    assert (project / "bad.okrp").read_text() == BROKEN and os.stat(project / "bad.okrp").st_mtime_ns == before
    assert (project / "a.okrp").read_text() == TIDY


def test_mode_line_endings_and_bom_are_kept(project):
    path = project / "a.okrp"
    path.write_bytes(b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    os.chmod(path, 0o640)
    assert run("a.okrp").exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + TIDY.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in project.iterdir() if p.name.startswith(".okrdsl-")] == []


def test_a_link_is_written_through(project):
    (project / "real.okrp").write_text(MESSY)
    (project / "link.okrp").symlink_to("real.okrp")
    assert run("link.okrp").exit_code == 0
    assert (project / "link.okrp").is_symlink() and (project / "real.okrp").read_text() == TIDY


def test_a_formatting_that_would_change_the_meaning_writes_nothing(project, monkeypatch):
    import okrdsl.fmt

    (project / "a.okrp").write_text(MESSY)
    monkeypatch.setattr(okrdsl.fmt, "print_tree", lambda tree, newline="\n": print_tree(tree, newline).replace("PM drafts", "PM writes"))
    result = run("a.okrp")
    assert result.exit_code == 2
    assert "okrdsl: internal error: formatting a.okrp would change what it means; it was left untouched" in result.output
    assert (project / "a.okrp").read_text() == MESSY
    with pytest.raises(FormatError):
        okrdsl.fmt.format_source(Source("a.okrp", MESSY))


def test_an_unstable_formatting_writes_nothing(project, monkeypatch):
    import okrdsl.fmt

    (project / "a.okrp").write_text(MESSY)
    calls = []

    def flaky(tree, newline="\n"):
        calls.append(1)
        return print_tree(tree, newline) + "\n" * len(calls)

    monkeypatch.setattr(okrdsl.fmt, "print_tree", flaky)
    result = run("a.okrp")
    assert result.exit_code == 2 and "is not stable" in result.output
    assert (project / "a.okrp").read_text() == MESSY


def test_the_help_gives_the_exit_codes():
    result = CliRunner().invoke(main, ["fmt", "--help"])
    assert "0  nothing to change, or the files were rewritten" in result.output
    assert "1  --check found files to change" in result.output
    assert "2  usage error" in result.output


def test_aligning_never_makes_a_line_too_long_to_read():
    from okrdsl.limits import MAX_LINE_CHARS

    title = "t" * (MAX_LINE_CHARS - 20)
    text = f'roles\n  A "{title}" aka X\n  {"B" * 30} "b" aka Y\n'
    formatted = fmt(text)
    assert max(len(line) for line in formatted.splitlines()) <= MAX_LINE_CHARS
    assert formatted.splitlines()[1] == f'  A "{title}" aka X'
    assert fmt(formatted) == formatted
