"""Editor files: the TextMate grammar (generated from the Lark grammar's keywords, and run with
VS Code's own tokenizer on the specs) and the VS Code extension.

The tokenizer tests need `npm ci` in tests/npm (vscode-tmgrammar-test, vscode-textmate,
vscode-oniguruma); without it they are skipped, except under CI (`$CI` set), where they fail.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

import okrdsl
from okrdsl.grammar import keywords
from okrdsl.symbols import role_references, text_references

ROOT = Path(__file__).resolve().parent.parent
NPM = ROOT / "tests" / "npm"
GRAMMAR = ROOT / "editors" / "okrp.tmLanguage.json"
VSCODE = ROOT / "editors" / "vscode"
SPECS = sorted((ROOT / "specs").rglob("*.okrp"))
tmgrammar = runpy.run_path(str(ROOT / "editors" / "tmgrammar.py"), run_name="tmgrammar")


def _needs(tool: Path) -> None:
    if shutil.which("node") is None or not tool.exists():
        reason = f"{tool.relative_to(ROOT)} or node is missing: run `npm ci` in tests/npm"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
        pytest.skip(reason)


def test_the_grammar_files_are_generated_from_the_lark_keywords():
    assert tmgrammar["main"](["--check"]) == 0, "run python editors/tmgrammar.py"
    assert GRAMMAR.read_text() == (VSCODE / "syntaxes" / "okrp.tmLanguage.json").read_text()


def test_every_lark_keyword_is_coloured_and_every_opening_word_is_a_keyword():
    known = keywords()
    opening = (tmgrammar["STATEMENTS"] + tmgrammar["TIMED"] + tmgrammar["PERMISSION"] + tmgrammar["TEXTS"]
               + tuple(word for words in tmgrammar["ROLE_LISTS"] for word in words.split()))
    assert set(opening) <= known
    coloured = json.loads(GRAMMAR.read_text())["repository"]["head"]["patterns"]
    pattern = next(p["match"] for p in coloured if p.get("name") == "keyword.other.okrp")
    assert all(word in pattern.split("(?:", 1)[1].split(")")[0].split("|") for word in known)


def test_scopes_of_keywords_times_roles_strings_links_and_comments():
    _needs(NPM / "node_modules" / ".bin" / "vscode-tmgrammar-test")
    tests = sorted((ROOT / "tests" / "data" / "tmgrammar").glob("*.test.okrp"))
    run = subprocess.run([str(NPM / "node_modules" / ".bin" / "vscode-tmgrammar-test"), "-g", str(GRAMMAR),
                          *map(str, tests)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def _tokens(paths) -> dict[str, list]:
    _needs(NPM / "node_modules" / "vscode-textmate")
    run = subprocess.run(["node", str(NPM / "tokenize.js"), str(GRAMMAR), *map(str, paths)],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def _scopes(tokens, line: int, column: int) -> list[str]:
    for at, start, end, scopes in tokens:
        if at == line and start <= column < end:
            return scopes
    return []


def test_on_every_spec_the_grammar_colours_what_the_parser_reads():
    """Every comment the parser sets aside is a comment, every role the parser reads is a
    role, every #reference a reference, and every item line opens with a keyword."""
    tokenized = _tokens(SPECS)
    checked = 0
    for path in SPECS:
        tokens = tokenized[str(path)]
        spec = okrdsl.load(path).spec
        for comment in spec.comments:
            assert "comment.line.number-sign.okrp" in _scopes(tokens, comment.span.line - 1, comment.span.column - 1), \
                f"{path.name}:{comment.span}"
        for name in role_references(spec):
            scopes = _scopes(tokens, name.span.line - 1, name.span.column - 1)
            assert any(s.startswith("variable.other.role") for s in scopes), (str(name.span), name.value, scopes)
            checked += 1
        for name in text_references(spec):
            assert "variable.other.reference.okrp" in _scopes(tokens, name.span.line - 1, name.span.column - 1)
        for item in spec.items():
            scopes = _scopes(tokens, item.span.line - 1, item.span.column - 1)
            assert "keyword.control.okrp" in scopes, (str(item.span), scopes)
    assert checked > 100


def test_the_vscode_extension_declares_the_language_the_grammar_and_the_server():
    package = json.loads((VSCODE / "package.json").read_text())
    language = package["contributes"]["languages"][0]
    assert language["id"] == "okrp" and language["extensions"] == [".okrp"]
    assert (VSCODE / language["configuration"]).is_file()
    grammar = package["contributes"]["grammars"][0]
    assert grammar["scopeName"] == "source.okrp" and (VSCODE / grammar["path"]).is_file()
    assert (VSCODE / package["main"]).is_file()
    assert "vscode-languageclient" in package["dependencies"]
    configuration = json.loads((VSCODE / "language-configuration.json").read_text())
    assert configuration["comments"]["lineComment"] == "#"
    assert configuration["indentationRules"]["increaseIndentPattern"]
    client = (VSCODE / "extension.js").read_text()
    assert '"lsp"' in client and "vscode-languageclient/node" in client
    ignored = (VSCODE / ".gitignore").read_text().split()
    assert "node_modules/" in ignored and "*.vsix" in ignored
