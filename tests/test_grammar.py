"""The grammar itself: conflict-free LALR, and no two terminals that could match the same text
in the same place (lark's strict mode, which needs interegular)."""

from __future__ import annotations

from lark import Lark

from okrdsl.grammar import grammar_text, keywords, parser
from okrdsl.postlex import Postlexer


def test_the_grammar_builds_in_strict_mode():
    Lark(grammar_text(), parser="lalr", lexer="contextual", postlex=Postlexer(), strict=True)


def test_the_parser_is_lalr_and_built_once():
    assert parser() is parser()
    assert parser().options.parser == "lalr"


def test_keywords_are_the_words_the_docs_promise():
    assert {"include", "roles", "process", "artifact", "phase", "policy", "okrs", "meeting", "every",
            "allow", "at", "on", "within", "ongoing", "after", "as", "end", "start"} <= keywords()
