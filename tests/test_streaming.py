"""Each statement is built while the file is still being parsed (okrdsl.api.load_source with
parse's `on_statement`): the IR and the diagnostics are exactly those of building the whole
tree, on every file of the repository and on generated, mutated and broken texts (a syntax
error late in a file makes the parse give up after some statements were streamed); and the
streaming really happens, one statement's tree at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark

from okrdsl import api, codes, lalr
from okrdsl.build import builder
from okrdsl.parse import parse
from okrdsl.source import Source, normalise_newlines
from okrdsl.tree import Tree
from tests.fuzzing import PIECES, mutated_specs
from tests.test_fast_parse import TEXTS
from tests.test_properties import specs

ROOT = Path(__file__).resolve().parent.parent


def whole(text: str, path: str = "t.okrp") -> api.Loaded:
    """load_source as it was before streaming: parse hears no listener, the whole tree is built."""
    real = parse
    with mock.patch.object(api, "parse", lambda source, calendar, on_statement=None: real(source, calendar)):
        return api.load_source(Source(path, normalise_newlines(text)))


def assert_streamed_as_whole(text: str, path: str = "t.okrp") -> None:
    got = api.load_source(Source(path, normalise_newlines(text)))
    expected = whole(text, path)
    assert got.spec == expected.spec
    assert got.diagnostics == expected.diagnostics


def generated(steps: int, seed: int = 1) -> str:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate(steps, seed=seed)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_file_of_the_repository_streams_to_the_same_ir_and_diagnostics(name):
    assert_streamed_as_whole(TEXTS[name], name if name.endswith(".okrp") else "doc.okrp")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "   \n# c\n"])
def test_the_empty_file_warning_still_comes(text):
    loaded = api.loads(text, "empty.okrp")
    assert [d.code for d in loaded.diagnostics] == [codes.EMPTY_FILE.id]
    assert loaded.diagnostics == whole(text, "empty.okrp").diagnostics


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(specs())
def test_generated_specs_stream_to_the_same_ir(case):
    assert_streamed_as_whole(case[0])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(mutated_specs())
def test_mutated_specs_stream_to_the_same_ir_and_diagnostics(files):
    assert_streamed_as_whole(files["fuzz.okrp"].decode("utf-8", errors="replace"))


BROKEN_ENDINGS = ['roles\n  PM "P" ~\n', "roles\n", 'phase q "Q"\n  at -4w assist: PM drafts\n',
                  'phase q "Q"\n    at -4w: PM drafts\n  at -3w: PM reviews\n', "process\n", "okrs for FY23-Q9\n"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(sorted(n for n in TEXTS if n.startswith("specs/"))),
       st.sampled_from(BROKEN_ENDINGS) | st.sampled_from(PIECES).map(lambda piece: piece + "\n"))
def test_a_syntax_error_after_streamed_statements_gives_the_whole_tree_s_diagnostics(name, ending):
    text = TEXTS[name].rstrip("\n") + "\n\n" + ending
    parsed = parse(Source("t.okrp", text), on_statement=lambda tree: None)
    if not parsed.streamed:  # what was heard is void: the tree is whole
        assert parsed.tree is None or all(c.children for c in parsed.tree.children if isinstance(c, Tree))
    assert_streamed_as_whole(text)


def test_an_error_late_in_a_large_file_voids_what_was_built():
    text = generated(200) + 'roles\n  Late "Late" ~\n'
    statements = []
    streaming = builder(Source("t.okrp", text))
    parsed = parse(Source("t.okrp", text), on_statement=lambda tree: (statements.append(tree.data),
                                                                       streaming.statement(tree)))
    assert not parsed.streamed and len(statements) > 5
    loaded = api.load_source(Source("t.okrp", text))
    assert [d.code for d in loaded.diagnostics] == [codes.SYNTAX_ERROR.id]
    assert loaded.spec == whole(text).spec and loaded.diagnostics == whole(text).diagnostics


def test_the_listener_hears_each_statement_once_in_order():
    text = generated(300)
    heard: list[Tree] = []
    parsed = parse(Source("t.okrp", text), on_statement=heard.append)
    assert parsed.streamed
    statements = [c for c in parsed.tree.children if isinstance(c, Tree)]
    assert len(heard) == len(statements) > 6
    assert all(a is b for a, b in zip(heard, statements))
    without = parse(Source("t.okrp", text))  # fmt's way: no listener, lark's whole tree
    assert not without.streamed
    assert [c.data for c in without.tree.children if isinstance(c, Tree)] == [t.data for t in heard]
    assert all(c.children for c in without.tree.children if isinstance(c, Tree))


def test_only_one_statement_s_tree_is_alive_at_a_time():
    """When the parser tells of a statement, each one before it has been built and emptied."""
    text = generated(300)
    source = Source("t.okrp", text)
    streaming = builder(source)
    heard: list[Tree] = []

    def statement(tree):
        assert all(not earlier.children for earlier in heard)
        assert tree.children
        heard.append(tree)
        streaming.statement(tree)

    parsed = parse(source, on_statement=statement)
    assert parsed.streamed and len(heard) > 6
    assert all(not tree.children for tree in heard)
    assert streaming.finish(parsed.comments) == whole(text).spec


def test_a_large_file_s_peak_memory_is_well_below_its_whole_tree_s():
    source = Source("big.okrp", generated(2000, seed=2))

    def peak(load) -> int:
        tracemalloc.start()
        try:
            load()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    streamed = peak(lambda: api.load_source(source))
    unstreamed = peak(lambda: whole(source.text))
    assert streamed < 0.75 * unstreamed, (streamed, unstreamed)


def test_a_listener_s_own_error_is_raised_not_taken_for_a_syntax_error():
    def failing(tree):
        raise KeyError("a bug in the listener")

    with pytest.raises(KeyError, match="a bug in the listener"):
        parse(Source("t.okrp", 'roles\n  PM "P"\n'), on_statement=failing)


def test_statements_are_the_start_rule_s_children_found_through_inlined_rules():
    flat = Lark('start: _s*\n_s: a | b\na: "x"\nb: "y" c\nc: "z"\n', parser="lalr")
    assert lalr._top_level(flat.rules, "start") == {"a", "b"}
    nested = Lark('start: _s*\n_s: a | b\na: "x"\nb: "y" a\n', parser="lalr")
    with pytest.raises(ValueError, match="b holds a statement"):  # a nested `a` is no statement
        lalr._top_level(nested.rules, "start")
