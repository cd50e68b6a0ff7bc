"""A parse tree (`Tree`, `Token`) and reading one: its tokens and subtrees by kind, and quoted text.

The classes are okrdsl's own, shaped as lark's (`data` and `children`; a token is a str
with lark's positions), so that a check of a file without a syntax error never imports
lark: okrdsl.lalr builds these from the shipped tables. Where lark's parser runs (to
explain a syntax error, or to read what the fast parse gives way on), `from_lark`
turns its tree into these, so every stage after the parse sees one kind of tree.
"""

from __future__ import annotations

import re
from typing import Iterator


class Token(str):
    """A word of a file as the parser read it: its terminal (`type`, such as IDENT or "AT"),
    its text, and where it stands (1-based lines and columns, 0-based offsets), as lark's."""

    __slots__ = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")

    def __new__(cls, type: str, value: str, start_pos: int | None = None, line: int | None = None,
                column: int | None = None, end_line: int | None = None, end_column: int | None = None,
                end_pos: int | None = None) -> Token:
        token = str.__new__(cls, value)
        token.type, token.value, token.start_pos = type, value, start_pos
        token.line, token.column, token.end_line, token.end_column, token.end_pos = (
            line, column, end_line, end_column, end_pos)
        return token

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Token) and self.type != other.type:
            return False
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __reduce__(self):
        return (Token, (self.type, self.value, self.start_pos, self.line, self.column, self.end_line,
                        self.end_column, self.end_pos))

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class Tree:
    """A rule's node: its name (`data`, such as "step") and its children, trees and tokens."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list) -> None:
        self.data = data
        self.children = children

    def __eq__(self, other: object) -> bool:
        try:
            return self.data == other.data and self.children == other.children  # type: ignore[attr-defined]
        except AttributeError:
            return False

    def __hash__(self) -> int:
        return hash((self.data, tuple(self.children)))

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


def from_lark(tree):
    """lark's tree (or token) as okrdsl's, field for field."""
    from lark import Token as LarkToken

    def convert(node):
        if isinstance(node, LarkToken):
            return Token(node.type, node.value, node.start_pos, node.line, node.column, node.end_line,
                         node.end_column, node.end_pos)
        return Tree(str(node.data), [])

    top = convert(tree)
    stack = [(tree, top)] if isinstance(top, Tree) else []
    while stack:  # without recursion: a tree is as deep as the file's blocks are nested
        given, made = stack.pop()
        for child in given.children:
            mine = convert(child)
            made.children.append(mine)
            if isinstance(mine, Tree):
                stack.append((child, mine))
    return top

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


def by_kind(tree: Tree) -> dict[str, list]:
    """The children of a tree by kind (a subtree's rule name, a token's type), each kind's in
    order: for a node read for several kinds, one pass over its children instead of one each."""
    found: dict[str, list] = {}
    for child in tree.children:
        kind = child.data if isinstance(child, Tree) else child.type
        if kind in found:
            found[kind].append(child)
        else:
            found[kind] = [child]
    return found


def first(kinds: dict[str, list], kind: str):
    """The first child of a `kind` in a by_kind() grouping, or None."""
    found = kinds.get(kind)
    return found[0] if found else None


def all_tokens(tree: Tree) -> list[Token]:
    """Every token of a tree that is not layout (a newline, an indent), in order."""
    found = []
    for child in tree.children:
        if isinstance(child, Tree):
            found += all_tokens(child)
        elif child.type not in _LAYOUT:
            found.append(child)
    return found


def edge_tokens(tree: Tree) -> tuple[Token, Token] | None:
    """The first and the last token of a tree that is not layout (a newline, an indent), or
    None: a span's ends, found without listing every token in between."""
    first = _edge(tree, forward=True)
    return None if first is None else (first, _edge(tree, forward=False))


def _edge(tree: Tree, forward: bool) -> Token | None:
    # Recursive, as deep as the tree (sub-steps nest at most limits.MAX_DEPTH deep); the
    # first or last child is most often the token itself.
    for child in tree.children if forward else reversed(tree.children):
        if isinstance(child, Tree):
            found = _edge(child, forward)
            if found is not None:
                return found
        elif child.type not in _LAYOUT:
            return child
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


