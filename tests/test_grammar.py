"""The grammar itself: conflict-free LALR, and no two terminals that could match the same text
in the same place (lark's strict mode, which needs interegular)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lark import Lark

from okrdsl.grammar import (_fast_tables, build_parser, grammar_text, keywords, lark_release, load_tables, parser,
                            tables_current, tables_path, write_tables)
from okrdsl.postlex import Postlexer

ROOT = Path(__file__).resolve().parent.parent


def test_the_grammar_builds_in_strict_mode():
    Lark(grammar_text(), parser="lalr", lexer="contextual", postlex=Postlexer(), strict=True)


def test_the_parser_is_lalr_and_built_once():
    assert parser() is parser()
    assert parser().options.parser == "lalr"


def test_keywords_are_the_words_the_docs_promise():
    assert {"include", "roles", "process", "artifact", "phase", "policy", "okrs", "meeting", "every",
            "allow", "at", "on", "within", "ongoing", "after", "as", "end", "start"} <= keywords()


# The analysed parser ships as okrdsl/data/parser.json and okrdsl/parser_tables.py (see okrdsl/grammar.py).
MODULE = ROOT / "okrdsl" / "parser_tables.py"


def test_the_shipped_parser_tables_are_current(tmp_path):
    """Fails when grammar/okrp.lark changed and the tables were not made again: run
    `python -m okrdsl.grammar` and commit okrdsl/data/parser.json and okrdsl/parser_tables.py."""
    shipped = json.loads(tables_path().read_text(encoding="utf-8").split("\n")[0])
    assert shipped["grammar"] == grammar_text(), "stale tables: run python -m okrdsl.grammar"
    made = write_tables(tmp_path / "parser.json")
    if shipped["lark"] == lark_release():
        assert made.read_bytes() == tables_path().read_bytes(), "stale tables: run python -m okrdsl.grammar"
        assert (tmp_path / "parser_tables.py").read_bytes() == MODULE.read_bytes(), "stale tables: run python -m okrdsl.grammar"
        assert load_tables(grammar_text()) is not None
        assert tables_current()
    else:  # another lark release (the lowest the pin allows, in CI): the tables are built instead
        assert load_tables(grammar_text()) is None
        assert parser().parse('roles\n  PM "Product Manager"\n') is not None


def test_the_tables_parse_as_the_grammar_does(tmp_path):
    built = build_parser(grammar_text())
    loaded = load_tables(grammar_text(), write_tables(tmp_path / "parser.json"))
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "specs").glob("*.okrp"))]
    texts += [p.read_bytes().decode("utf-8", errors="replace")
              for p in sorted((ROOT / "tests" / "fixtures").rglob("*.okrp"))]
    parsed = 0
    for text in texts:
        try:
            expected = built.parse(text)
        except Exception as error:  # noqa: BLE001 - a fixture with a syntax error fails alike
            with pytest.raises(type(error)):
                loaded.parse(text)
            continue
        assert loaded.parse(text) == expected
        parsed += 1
    assert parsed >= 10
    assert [t.name for t in loaded.terminals] == [t.name for t in built.terminals]


def test_tables_made_from_another_grammar_or_damaged_are_not_used(tmp_path):
    assert load_tables(grammar_text() + "\n// edited\n") is None
    assert _fast_tables(grammar_text() + "\n// edited\n") is None
    damaged = tmp_path / "parser.json"
    damaged.write_text(tables_path().read_text(encoding="utf-8")[:1000], encoding="utf-8")
    assert load_tables(grammar_text(), damaged) is None
    header, lark = tables_path().read_text(encoding="utf-8").splitlines()
    other = json.loads(header)
    other["lark"] = "0.1"
    damaged.write_text(json.dumps(other) + "\n" + lark + "\n", encoding="utf-8")
    assert load_tables(grammar_text(), damaged) is None
    damaged.write_text(header + "\n" + lark[:1000] + "\n", encoding="utf-8")
    assert load_tables(grammar_text(), damaged) is None
    assert load_tables(grammar_text(), tmp_path / "missing.json") is None


def test_the_lark_release_is_read_without_importing_lark():
    import lark

    assert lark_release() == ".".join(lark.__version__.split(".")[:2])


def test_a_header_whose_tables_do_not_read_gives_way_to_lark_s_parser(monkeypatch):
    import okrdsl.grammar
    from okrdsl.lalr import FastParser

    monkeypatch.setattr(okrdsl.grammar, "_fast_tables", lambda text: {"terminals": [["X", "?"]]})
    okrdsl.grammar.fast_parser.cache_clear()
    try:
        fast = okrdsl.grammar.fast_parser()
        assert isinstance(fast, FastParser)  # over lark's own parser's tables
        assert fast.parse('roles\n  PM "Product Manager"\n') is not None
    finally:
        okrdsl.grammar.fast_parser.cache_clear()
