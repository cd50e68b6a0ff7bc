"""Reading a Lark tree: its tokens and subtrees by kind, and quoted text."""

from __future__ import annotations

import re

from lark import Token, Tree

_LAYOUT = {"_NL", "_INDENT", "_DEDENT"}


def tokens_of(tree: Tree, kind: str) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token) and c.type == kind]


def token_of(tree: Tree, kind: str) -> Token | None:
    found = tokens_of(tree, kind)
    return found[0] if found else None


def trees_of(tree: Tree, data: str) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data == data]


def tree_of(tree: Tree, data: str) -> Tree | None:
    found = trees_of(tree, data)
    return found[0] if found else None


def all_tokens(tree: Tree):
    for child in tree.children:
        if isinstance(child, Tree):
            yield from all_tokens(child)
        elif child.type not in _LAYOUT:
            yield child


def unquote(token: Token) -> str:
    if token.value.startswith("\u201c"):
        return token.value[1:-1]
    return re.sub(r"\\(.)", r"\1", token.value[1:-1])


