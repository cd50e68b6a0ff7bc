"""The fast parse (okrdsl/lalr.py) yields exactly lark's tree, token for token, or gives way to
lark's parser: on every file of the repository, every okrp example of the docs, and
generated, mutated and random texts."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Token as LarkToken
from lark import Tree as LarkTree

from okrdsl import lalr
from okrdsl import parse as parse_module
from okrdsl.grammar import build_parser, fast_parser, grammar_text, parser
from okrdsl.lalr import FastParser, for_lark
from okrdsl.parse import _comments, _comments_in, parse
from okrdsl.source import Source
from okrdsl.tree import Token, Tree, from_lark
from tests import doc_examples
from tests.fuzzing import PIECES, hostile_specs, mutated_specs
from tests.test_properties import specs

ROOT = Path(__file__).resolve().parent.parent
TOKEN_FIELDS = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")


def differences(expected, got, where: str = "") -> list[str]:
    """Where two parse results differ, lark's (`expected`) and okrdsl's: node names, children,
    each token's every field."""
    if isinstance(expected, LarkTree):
        if not isinstance(got, Tree) or got.data != expected.data or type(got.data) is not str:
            return [f"{where}: {expected!r:.80} became {got!r:.80}"]
        if len(got.children) != len(expected.children):
            return [f"{where}/{expected.data}: {len(expected.children)} children became {len(got.children)}"]
        found = []
        for index, (left, right) in enumerate(zip(expected.children, got.children)):
            found += differences(left, right, f"{where}/{expected.data}[{index}]")
        return found
    if isinstance(expected, LarkToken):
        if not isinstance(got, Token):
            return [f"{where}: {expected!r} became {got!r}"]
        return [f"{where}: {field} of {expected!r} is {getattr(got, field)!r}, not {getattr(expected, field)!r}"
                for field in TOKEN_FIELDS if getattr(got, field) != getattr(expected, field)]
    return [] if got == expected else [f"{where}: {expected!r} became {got!r}"]


def lark_parse(text: str):
    """lark's tree for `text`, or the exception it raises."""
    try:
        return parser().parse(text)
    except Exception as error:  # noqa: BLE001 - each error is compared as it is
        return error


def assert_same_as_lark(text: str, *, must_be_fast: bool = False) -> bool:
    """The fast parse of `text` is lark's tree with lark's comments, or it gives up exactly
    where lark raises (and perhaps elsewhere, unless `must_be_fast`). Whether it was fast."""
    text = text if text.endswith("\n") else text + "\n"
    expected = lark_parse(text)
    done = fast_parser().parse(text)
    if isinstance(expected, Exception):
        assert done is None, f"the fast parse read what lark refuses ({expected!r:.200})"
        return False
    if done is None:
        assert not must_be_fast, "the fast parse gave up on a text lark reads"
        return False
    tree, commented = done
    assert differences(expected, tree) == []
    assert differences(expected, from_lark(expected)) == []  # lark's tree, where lark's parser runs
    assert _comments_in(commented) == _comments(from_lark(expected))
    return True


def repository_texts() -> dict[str, str]:
    texts = {}
    for folder in ("specs", "tests", "docs", "examples", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.okrp")):
            if "node_modules" not in path.parts:
                texts[str(path.relative_to(ROOT))] = path.read_bytes().decode("utf-8", errors="replace")
    for page in doc_examples.pages():
        for block in doc_examples.blocks(page):
            if block.lang == "okrp":
                texts[block.id] = block.body
    return texts


TEXTS = repository_texts()


def test_the_shipped_parser_is_driven_fast():
    assert isinstance(fast_parser(), FastParser)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_file_of_the_repository_parses_to_lark_s_tree(name):
    assert_same_as_lark(TEXTS[name])


def test_the_fast_parse_reads_every_valid_file_of_the_repository():
    """Not always giving way: every spec, example and fixture lark reads is read fast."""
    readable = [name for name, text in TEXTS.items()
                if not isinstance(lark_parse(text if text.endswith("\n") else text + "\n"), Exception)]
    assert len(readable) > 40
    for name in readable:
        assert assert_same_as_lark(TEXTS[name], must_be_fast=True), name


@pytest.mark.parametrize("hot", [0, 10**9])
def test_scanners_branch_by_branch_and_compiled_find_the_same_tokens(monkeypatch, hot):
    """A state's scanner tries its branches one by one until it has served okrdsl.lalr.HOT
    tokens, then is compiled to one regex: both ways, every file parses to lark's tree."""
    monkeypatch.setattr(lalr, "HOT", hot)
    fast = for_lark(parser())
    for name, text in TEXTS.items():
        text = text if text.endswith("\n") else text + "\n"
        expected = lark_parse(text)
        done = fast.parse(text)
        if isinstance(expected, Exception):
            assert done is None, name
        else:
            assert done is not None and differences(expected, done[0]) == [], name


# Latin letters and signs, and characters that match others when case is ignored (the long s
# matches s, the Kelvin sign k), spaces of other kinds, curly quotes.
CHARACTERS = [chr(code) for code in range(0x250)] + list("\u017f\u212a\u2007\u202f\u201c\u201d\u0130\u0131")


def test_each_guard_holds_every_character_its_terminal_may_begin_with():
    """A compiled scanner skips a branch where the next character is not among those its terminal
    can begin with (lalr._starts_of); they agree with lalr._may_start_with, read another way."""
    tables = fast_parser()
    assert {"_NL", "STRING", "SIGN", "WEEKDAY"} <= tables._starts.keys()
    for name, (chars, ignore_case) in tables._starts.items():
        guard = re.compile(tables._guarded(name))
        regexp = tables._terminals[name].regexp
        assert not [c for c in CHARACTERS if lalr._may_start_with(regexp, {c}) and not guard.match(c)], name
    assert lalr._starts_of(r"\d+") is None and lalr._starts_of("a?") is None  # many, or none at all
    assert lalr._starts_of("(?i:mon|tue)") == ("mt", True)


def test_a_parser_built_from_the_grammar_is_driven_alike():
    """The parser built from the grammar (when the shipped tables are stale) is driven fast too,
    to its own tree (its node names are tokens, where the loaded tables' are strings)."""
    built = build_parser(grammar_text())
    fast = for_lark(built)
    assert fast is not None
    text = (ROOT / "specs" / "fy23-q3.okrp").read_text(encoding="utf-8")
    assert differences(built.parse(text), fast.parse(text)[0]) == []


def test_parse_takes_the_fast_way_on_a_valid_file(monkeypatch):
    class Refusing:
        def parse(self, text):
            raise AssertionError("lark's parser ran on a valid file")

    monkeypatch.setattr(parse_module, "parser", lambda: Refusing())
    parsed = parse(Source("ok.okrp", '# roles\nroles\n  PM "Product Manager"  # the PM\n'))
    assert parsed.diagnostics == ()
    assert parsed.comments == ((0, "# roles"), (38, "# the PM"))


@pytest.mark.parametrize("text", [
    "roles\n  PM \"Product Manager\" aka\u00a0x\n",  # a no-break space between words: fine
    "  roles\n",  # the first line indented
    "roles\n  PM \"P\"\n \u00a0QA \"Q\"\n",  # a no-break space in the indentation
    "roles\n    PM \"P\"\n  QA \"Q\"\n",  # a dedent to no level
    'phase p "P"\n  at -4w assist: PM drafts\n',  # a keyword joined to the next word
    "roles\n  PM \"P\" ~\n",  # a character no terminal matches
    "roles\n",  # the end of the file too early
    'phase p "P"\n  at -4w: PM drafts\n   ',  # spaces at the very end
    "phase\tp \"P\"\n\tat -4w: PM drafts\n",  # tabs
    'phase p "P"\r\n  at -4w: PM drafts # a comment\r\n\r\n# another\r\n',  # Windows newlines, comments
])
def test_edge_cases_are_lark_s(text):
    assert_same_as_lark(text)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(specs())
def test_generated_specs_parse_fast_to_lark_s_tree(case):
    text, _, _ = case
    assert assert_same_as_lark(text, must_be_fast=True)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(mutated_specs())
def test_mutated_specs_parse_to_lark_s_tree_or_give_way(files):
    assert_same_as_lark(files["fuzz.okrp"].decode("utf-8", errors="replace"))


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(hostile_specs())
def test_hostile_specs_parse_to_lark_s_tree_or_give_way(files):
    assert_same_as_lark(files["fuzz.okrp"].decode("utf-8", errors="replace"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(alphabet=string.printable + "é’\u00a0\u2007", max_size=12),
                max_size=30))
def test_random_texts_parse_to_lark_s_tree_or_give_way(pieces):
    assert_same_as_lark("".join(pieces))


def test_a_file_with_old_mac_line_endings_reads_as_one_with_newlines():
    from okrdsl.check import check_text
    from okrdsl.source import normalise_newlines

    assert normalise_newlines("a\rb\r\nc\n") == "a\nb\r\nc\n"
    plain = "roles\n  PM \"Product Manager\"\nphase p \"P\"\n  at -1w: Nobody does it\n"
    assert normalise_newlines(plain) is plain  # most files have no carriage return: nothing made
    found = {text: [(d.code, d.span.line, d.span.column, d.message) for d in check_text("a.okrp", text).diagnostics]
             for text in (plain, plain.replace("\n", "\r"), plain.replace("\n", "\r\n"))}
    assert found[plain] == found[plain.replace("\n", "\r")] == found[plain.replace("\n", "\r\n")] != []
