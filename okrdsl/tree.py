"""Reading a Lark tree: its tokens and subtrees by kind, and quoted text."""

from __future__ import annotations

import re
from typing import Iterator

from lark import Token, Tree

_LAYOUT = {"_NL", "_INDENT", "_DEDENT"}
_ESCAPED = re.compile(r"\\(.)")


def tokens_of(tree: Tree, kind: str) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token) and c.type == kind]


def token_of(tree: Tree, kind: str) -> Token | None:
    for child in tree.children:
        if isinstance(child, Token) and child.type == kind:
            return child
    return None


def trees_of(tree: Tree, data: str) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data == data]


def tree_of(tree: Tree, data: str) -> Tree | None:
    for child in tree.children:
        if isinstance(child, Tree) and child.data == data:
            return child
    return None


def all_tokens(tree: Tree):
    for child in tree.children:
        if isinstance(child, Tree):
            yield from all_tokens(child)
        elif child.type not in _LAYOUT:
            yield child


def edge_tokens(tree: Tree) -> tuple[Token, Token] | None:
    """The first and the last token of a tree that is not layout (a newline, an indent), or
    None: a span's ends, found without listing every token in between."""
    first = _edge(tree, forward=True)
    return None if first is None else (first, _edge(tree, forward=False))


def _edge(tree: Tree, forward: bool) -> Token | None:
    stack = [iter(tree.children if forward else reversed(tree.children))]
    while stack:
        for child in stack[-1]:
            if isinstance(child, Tree):
                stack.append(iter(child.children if forward else reversed(child.children)))
                break
            if child.type not in _LAYOUT:
                return child
        else:
            stack.pop()
    return None


def children(tree: Tree, consume: bool = False) -> Iterator[Tree | Token]:
    """The children of `tree`, in order. When `consume`, the tree lets go of each one as it is
    given, so a statement's subtree is freed once it is built: a large file's Lark tree and
    its IR are then never both whole at once (the tree is left empty)."""
    if not consume:
        yield from tree.children
        return
    given, tree.children = tree.children, []
    given.reverse()
    while given:
        yield given.pop()


def unquote(token: Token) -> str:
    if token.value.startswith("\u201c"):
        return token.value[1:-1]
    inside = token.value[1:-1]
    return _ESCAPED.sub(r"\1", inside) if "\\" in inside else inside


