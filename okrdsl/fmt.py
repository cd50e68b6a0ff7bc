"""Stage fmt: a spec's text in the one canonical layout, with every comment kept and its
meaning unchanged (`okrdsl fmt`).

The formatter prints the parse tree, not the IR: the IR is about meaning and drops what
a reader sees (the order of blocks, repeated `roles` blocks, curly quotes, actor
separators, `weeks` for `week`, where a comment stands). The Lark tree keeps every token,
and the newline tokens hold the blank lines and comments between statements, so printing
the tree's tokens with canonical spacing loses nothing but white space.

The layout:

- two spaces of indentation per block; one space between tokens, none before `,` and
  `:`, none around `..` and `/`, and times written as `-4w`, `end+1w`, `week end+1`,
  `session1 + 1w` (a sign sticks to its number, and to `start`, `end` or `middle`);
- free text (after `:`, or an actor's text) kept as written, apart from its ends;
- texts in double quotes written with straight quotes, escaping only `"` and `\\`;
- the ids of a `roles` table and of a run of `artifact` lines (no blank line between
  them) in aligned columns, as are a role's titles when something follows them;
- one blank line between top-level blocks (consecutive `include` or `artifact` lines
  keep what was written); elsewhere a run of blank lines becomes one, and none at the
  start or end of the file;
- a comment that ends a line stays on it, two spaces after the text; a comment on a line
  of its own goes with the statement below it, at that statement's indentation, unless
  it was indented deeper, under the block above, where it stays at the end of that
  block;
- the file's line endings (LF or CRLF, after its first line) are kept.

`format_source(source)` gives the formatted text and the syntax errors that stopped it
(then the text is the source's own). Before giving a text, it checks that the text
parses to the same IR with the same comments, and that formatting it again changes
nothing; if not, it raises `FormatError`: that is a bug in okrdsl, and nothing must be
written.
"""

from __future__ import annotations

import functools

from okrdsl.diagnostics import Diagnostic, Severity
from okrdsl.limits import MAX_LINE_CHARS
from okrdsl.postlex import indent_width
from okrdsl.records import define, frozen
from okrdsl.report.safe import width
from okrdsl.source import Source
from okrdsl.tree import Token, Tree, from_lark

INDENT = "  "
COMMENT_GAP = "  "
# Top-level statements that may follow each other with no blank line between them.
_ONE_LINERS = frozenset({"include", "artifact"})
_LAYOUT = frozenset({"_NL", "_INDENT", "_DEDENT"})
_NO_SPACE_BEFORE = frozenset({"COMMA", "COLON", "SLASH", "__ANON_3"})
_NO_SPACE_AFTER = frozenset({"SLASH", "__ANON_3"})
_ANCHOR_WORDS = frozenset({"START", "END", "MIDDLE"})


class FormatError(Exception):
    """Formatting would change what a file means, or is not stable: a bug in okrdsl."""


def format_source(source: Source) -> tuple[str, tuple[Diagnostic, ...]]:
    """The canonical text of `source`, or its own text and the syntax errors that stop it.

    Raises FormatError when the result would not mean the same (see the module docstring)."""
    from okrdsl.build import build

    parsed, tree = _parse(source)
    errors = tuple(d for d in parsed.diagnostics if d.severity is Severity.ERROR)
    if errors or tree is None:
        return source.text, errors
    newline = "\r\n" if _crlf(source.text) else "\n"
    text = print_tree(tree, newline)
    if text == source.text:
        return text, ()
    again, again_tree = _parse(Source(source.path, text))
    if again_tree is None or again.diagnostics:
        first = again.diagnostics[0] if again.diagnostics else None
        raise FormatError(f"the formatted text of {source.path} does not parse"
                          + (f" (line {first.span.line}: {first.message})" if first else ""))
    before, _ = build(source, parsed.tree, parsed.comments)
    after, _ = build(Source(source.path, text), again.tree, again.comments)
    if before != after:
        raise FormatError(f"formatting {source.path} would change what it means")
    if [c for _, c in parsed.comments] != [c for _, c in again.comments]:
        raise FormatError(f"formatting {source.path} would change its comments")
    if print_tree(again_tree, newline) != text:
        raise FormatError(f"formatting {source.path} is not stable: formatting it again changes it")
    return text, ()


def _crlf(text: str) -> bool:
    """Whether the file's first line ends in CRLF: its line ending, as black decides it."""
    end = text.find("\n")
    return end > 0 and text[end - 1] == "\r"


def _parse(source: Source):
    """The parse and a concrete tree (every token kept) of `source`."""
    from okrdsl.grammar import parser
    from okrdsl.parse import parse

    parsed = parse(source)
    if parsed.tree is None or parser().options.keep_all_tokens:
        return parsed, parsed.tree
    text = source.text if source.text.endswith("\n") else source.text + "\n"
    return parsed, from_lark(_concrete_parser().parse(text))


@functools.lru_cache(maxsize=1)
def _concrete_parser():
    """A parser that keeps every token, built only when the shared one drops some."""
    from lark import Lark

    from okrdsl.grammar import grammar_text
    from okrdsl.postlex import Postlexer

    return Lark(grammar_text(), parser="lalr", lexer="contextual", postlex=Postlexer(),
                propagate_positions=True, maybe_placeholders=False, keep_all_tokens=True)


# --- what the printer makes ---------------------------------------------------------------


@define
class _Line:
    """A statement's line: its tokens (each with the rule it stands in) and trailing comment."""

    depth: int
    tree: Tree
    tokens: list
    comment: str | None
    group: int = 0  # which roles block a role belongs to


@frozen
class _Comment:
    depth: int
    text: str


_BLANK = "blank"


def print_tree(tree: Tree, newline: str = "\n") -> str:
    """The canonical text of a concrete parse tree (see the module docstring)."""
    printer = _Printer()
    printer.start(tree)
    return printer.render(newline)


class _Printer:
    def __init__(self) -> None:
        self.records: list = []
        self.pending: list = []  # blank lines and (width, comment) waiting for the next statement
        self.widths: list[int] = []  # the written indentation of the open statements, by depth
        self.depth: int | None = None  # of the last statement printed
        self.top: str | None = None  # the kind of the last top-level statement
        self.next_width = 0  # the written indentation of the next line

    def start(self, tree: Tree) -> None:
        for child in tree.children:
            if isinstance(child, Token):
                if child.type == "_NL":  # comments and blank lines that open the file
                    parts = child.value.split("\n")
                    self._between(parts[:-1])
                    self.next_width = indent_width(parts[-1])
            else:
                self.statement(child, 0, 0)
        self.flush(0, None)

    def statement(self, tree: Tree, depth: int, group: int) -> None:
        tokens: list = []
        for child in tree.children:
            if isinstance(child, Token):
                if child.type == "_NL":
                    self.line(tree, depth, tokens, child, group)
                elif child.type not in _LAYOUT:
                    tokens.append((child, tree.data))
            elif any(isinstance(c, Token) and c.type == "_NL" for c in child.children):
                self.statement(child, depth + 1, id(tree))
            else:
                _flatten(child, tokens)

    def line(self, tree: Tree, depth: int, tokens: list, newline: Token, group: int) -> None:
        parts = newline.value.split("\n")
        self.flush(depth, tree)
        trailing = parts[0].strip()
        self.records.append(_Line(depth, tree, tokens, trailing or None, group))
        self.widths[depth:] = [self.next_width]
        self.depth = depth
        if depth == 0:
            self.top = tree.data
        self._between(parts[1:-1])
        self.next_width = indent_width(parts[-1].rstrip("\r"))

    def _between(self, lines: list[str]) -> None:
        for text in lines:
            if "#" not in text:
                self.pending.append(_BLANK)
                continue
            start = text.index("#")
            self.pending.append((indent_width(text[:start]), text[start:].rstrip()))

    def flush(self, depth: int, tree: Tree | None) -> None:
        """Place the comments and blank lines met since the last statement, before one at `depth`
        (`tree` None: the end of the file)."""
        above = self.depth
        items: list = []
        for item in self.pending:
            if item is _BLANK:
                items.append(_BLANK)
                continue
            written, text = item
            level = depth
            if above is not None and depth <= above:
                level = max((k for k in range(depth, above + 1) if self.widths[k] <= written), default=depth)
            items.append(_Comment(level, text))
        self.pending = []
        if above is None or tree is None:
            items = _strip(items, leading=above is None, trailing=tree is None)
        elif depth == 0 and not (self.top == tree.data and tree.data in _ONE_LINERS):
            head = next((i for i, item in enumerate(items) if isinstance(item, _Comment) and item.depth == 0), len(items))
            items = _strip(items[:head], trailing=True) + [_BLANK] + _strip(items[head:], leading=True)
        for item in items:
            if not (item is _BLANK and self.records and self.records[-1] is _BLANK):
                self.records.append(item)

    def render(self, newline: str) -> str:
        columns = _columns(self.records)
        out = []
        for record in self.records:
            if record is _BLANK:
                out.append("")
            elif isinstance(record, _Comment):
                out.append(INDENT * record.depth + record.text)
            else:
                text = INDENT * record.depth + _cells(record, columns.get(id(record)))
                if len(text) > MAX_LINE_CHARS:  # padding must not make a line okrdsl refuses to read
                    text = INDENT * record.depth + _join(record.tokens)
                out.append(text + COMMENT_GAP + record.comment if record.comment else text)
        return "".join(line + newline for line in out)


def _strip(items: list, leading: bool = False, trailing: bool = False) -> list:
    start, end = 0, len(items)
    while leading and start < end and items[start] is _BLANK:
        start += 1
    while trailing and end > start and items[end - 1] is _BLANK:
        end -= 1
    return items[start:end]


def _flatten(tree: Tree, tokens: list) -> None:
    for child in tree.children:
        if isinstance(child, Tree):
            _flatten(child, tokens)
        elif child.type not in _LAYOUT:
            tokens.append((child, tree.data))


# --- one line ---------------------------------------------------------------------------------


def _join(tokens: list) -> str:
    """Tokens with canonical spacing: see the module docstring."""
    out: list[str] = []
    previous = before = None
    for token, _ in tokens:
        if previous is not None:
            out.append(_space(before, previous, token))
        out.append(_token(token))
        before, previous = previous, token
    return "".join(out)


def _space(before: Token | None, previous: Token, token: Token) -> str:
    if token.type in _NO_SPACE_BEFORE or previous.type in _NO_SPACE_AFTER:
        return ""
    if token.type == "SIGN":
        return "" if previous.type in _ANCHOR_WORDS or previous.type == "DURATION" else " "
    if previous.type == "SIGN":
        # `session1 + 1w`: a sign after a named item stands apart; elsewhere it sticks.
        return " " if before is not None and before.type == "IDENT" else ""
    return " "


def _token(token: Token) -> str:
    if token.type == "STRING":
        return quote(token)
    return token.value


def quote(token: Token) -> str:
    """A text in double quotes, as straight quotes with only `"` and `\\` escaped."""
    from okrdsl.tree import unquote

    text = unquote(token)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- aligned columns --------------------------------------------------------------------------


def _cells(line: _Line, widths: tuple[int, ...] | None) -> str:
    """A line, with its first cells padded to `widths` when it is a row of a table."""
    if widths is None:
        return _join(line.tokens)
    cells = _split(line)
    out = []
    for index, cell in enumerate(cells[:-1]):
        pad = widths[index] - width(cell) if index < len(widths) and cells[index + 1] else 0
        out.append(cell + " " * pad)
    if cells[-1]:
        out.append(cells[-1])
    return " ".join(out)


def _split(line: _Line) -> list[str]:
    """A table row's cells: a role's id, title and the rest; an artifact's keyword, id, kind and the rest."""
    tokens = line.tokens
    head = 2 if line.tree.data == "role" else 3
    return [_token(token) for token, _ in tokens[:head]] + [_join(tokens[head:])]


def _columns(records: list) -> dict[int, tuple[int, ...]]:
    """The widths of the columns of each table row, by the row's id(): the rows of a roles
    block, and each run of artifact lines that no blank line or other statement breaks."""
    tables: dict[tuple, list[_Line]] = {}
    run = 0
    for record in records:
        if isinstance(record, _Line) and record.tree.data == "role":
            tables.setdefault(("role", record.group), []).append(record)
        elif isinstance(record, _Line) and record.tree.data == "artifact" and record.depth == 0:
            tables.setdefault(("artifact", run), []).append(record)
        elif not isinstance(record, _Comment):
            run += 1
    columns: dict[int, tuple[int, ...]] = {}
    for (kind, _), rows in tables.items():
        cells = [_split(row) for row in rows]
        if kind == "role":
            ids = max(width(c[0]) for c in cells)
            titles = max((width(c[1]) for c in cells if c[2]), default=0)
            widths = (ids, titles)
        else:
            widths = (0, max(width(c[1]) for c in cells), max(width(c[2]) for c in cells))
        for row in rows:
            columns[id(row)] = widths
    return columns


# --- files ------------------------------------------------------------------------------------

BOM = "\ufeff"


@frozen
class Formatted:
    """One file through fmt: its `source` as read (None when it could not be read), the
    formatted `text` (None when errors stopped it: `diagnostics`), and whether the file
    opened with a byte order mark, which a rewrite keeps."""

    path: str
    source: Source | None
    text: str | None
    diagnostics: tuple[Diagnostic, ...] = ()
    bom: bool = False

    @property
    def changed(self) -> bool:
        return self.text is not None and self.source is not None and self.text != self.source.text

    def written(self) -> str:
        """What to write back: the formatted text, with the file's byte order mark if it had one."""
        return (BOM if self.bom else "") + (self.text or "")


def format_file(path: str) -> Formatted:
    """Read and format one file (see files.read_source for what is refused); raises FormatError."""
    from okrdsl.files import read_source

    source, problems = read_source(path)
    if source is None:
        return Formatted(path, None, None, tuple(problems))
    text, diagnostics = format_source(source)
    return Formatted(path, source, None if diagnostics else text, diagnostics, _has_bom(path))


def format_text(text: str, path: str = "-") -> Formatted:
    """Format a spec given as text (standard input), named `path` in messages."""
    from okrdsl.source import normalise_newlines

    bom = text.startswith(BOM)
    source = Source(path, normalise_newlines(text[1:] if bom else text))
    formatted, diagnostics = format_source(source)
    return Formatted(path, source, None if diagnostics else formatted, diagnostics, bom)


def _has_bom(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(3) == BOM.encode("utf-8")
    except OSError:
        return False


def unified_diff(formatted: Formatted) -> str:
    """What fmt would change in a file, as a unified diff that `git apply` takes."""
    import difflib

    if not formatted.changed:
        return ""
    path = formatted.path.replace("\\", "/")
    lines = difflib.unified_diff(formatted.source.text.splitlines(keepends=True),
                                 formatted.text.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
