"""The fast parse: lark's analysed tables and tree shapes, driven by one tight loop.

Lark's LALR parser with its contextual lexer and okrdsl.postlex.Postlexer spent most
of a large file's parse in generic machinery: a generator per stage, a method call and
a regex match per ignored space, a rule object hashed per reduction. `FastParser`
does the same work in one loop over the same analysed tables, and yields the tree
lark's parser would, token for token (type, value and every position), as
okrdsl.tree's `Tree` and `Token`:

- Lexing follows lark's ContextualLexer exactly: in each parser state, the terminals
  the state accepts (with the ignored ones and the postlexer's _NL), in lark's order
  (priority, longest possible match, longest literal, name), as one regex alternation
  whose first matching branch wins. A keyword that a regex terminal of the same
  priority also matches is not a branch of its own, as in lark: the regex's token is
  retyped when its text is the keyword (a dict lookup here, a regex in lark). Which
  branches each state's lexer has, and what it retypes, is worked out when the tables
  are made (`_lexers_of`), not on every run. A state's scanner first tries its
  branches one by one (str.startswith for a keyword, each regex terminal's own
  pattern, compiled once for all states); once it has served `HOT` tokens it is
  compiled to lark's alternation, shared by the states with the same branches. A
  small check compiles only the terminals' own patterns; a large file runs on the
  alternations. Either way, a regex branch whose first characters are few and known
  (`_starts_of`, worked out when the tables are made) is skipped at once where the
  next character is not one of them, rather than tried in full.
- Runs of ignored spaces are skipped by the same regex as the token after them, when
  no other terminal can begin with a character the ignored pattern begins with
  (worked out from the terminals' regexes, see `_may_start_with`).
- Indentation becomes _INDENT / _DEDENT as okrdsl.postlex.Postlexer makes them.
- The LALR loop shifts and reduces over lark's parse table. Each reduction builds its
  tree as lark's ParseTreeBuilder would (`_builds` reads how from lark's callbacks: the
  rule's name, a ?rule's single child, the _rules spliced in), so the tree's shape is
  lark's. An inlined _rule's reduction gives its parent the list of its children, not a
  tree that lark makes only for the parent to take apart (half of a large file's nodes).

`tables_of` reads all this from a lark parser as plain data: okrdsl.grammar ships it as
okrdsl/parser_tables.py, so a run with no syntax error never loads lark's own parser.

Whatever this loop does not expect (a character no terminal matches, a token the
state does not accept, an indentation error, a joined word, an early end) makes it
give up: `parse` returns None and the caller runs lark's parser, which raises the
error that okrdsl.parse turns into a diagnostic. Errors are rare; valid files are
the hot path. A parser set up in any way this module does not know (another lexer,
lexer callbacks, flags, other tree builders) is never driven here: `for_lark` returns None.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from okrdsl.limits import MAX_DEPTH
from okrdsl.postlex import indent_width, no_break_space
from okrdsl.tree import Token, Tree

if TYPE_CHECKING:
    from lark import Lark

try:  # the regex parser, to see which characters a terminal can begin with (when tables are made)
    from re import _parser as _sre_parse  # Python 3.11+
    from re import _constants as _sre
except ImportError:  # pragma: no cover - older Pythons name it sre_parse
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


# A state's scanner is compiled to one regex once it has served HOT tokens. Compiling one
# costs 0.5-1 ms and the compiled alternation saves about 1 us a token over trying the
# branches one by one: it pays back after about a thousand tokens. At 64, a check of the
# shipped specs (760 lines) spent about 10 ms compiling scanners it then hardly used.
HOT = 1000


class _Found:
    """What a scanner that tries branch by branch found: the parts of a re.Match the loop reads."""

    __slots__ = ("lastgroup", "_value", "_end")

    def __init__(self, name: str, value: str, end: int):
        self.lastgroup = name
        self._value = value
        self._end = end

    def __getitem__(self, _name: str) -> str:
        return self._value

    def end(self) -> int:
        return self._end


class _GiveUp(Exception):
    """The fast loop met something only lark's parser knows how to report."""


class _ListenerFailed(Exception):
    """An error raised by a statement listener: it is the caller's, never a reason to give up."""

    def __init__(self, error: BaseException):
        super().__init__(error)
        self.error = error


def _heard(callback, on_statement):
    """lark's reduce `callback` for a statement rule, telling `on_statement` of the tree it makes."""
    def reduce(children):
        tree = callback(children)
        try:
            on_statement(tree)
        except Exception as error:
            raise _ListenerFailed(error) from error
        return tree

    return reduce


def _top_level(rules, start: str) -> frozenset[str]:
    """The rules whose trees are the children of the `start` rule's tree: those it names, or
    names through rules lark inlines (`_statement`, a `*` of them). Each must occur only there,
    or a listener would hear of a nested one as a statement (ValueError: not driven here)."""
    by_origin: dict[str, list] = {}
    for rule in rules:
        by_origin.setdefault(rule.origin.name, []).append(rule)
    found: set[str] = set()
    inlined = {start}
    todo = [start]
    while todo:
        for rule in by_origin.get(todo.pop(), ()):
            if rule.options.expand1:
                raise ValueError("a ?rule on the way to a statement")
            for symbol in rule.expansion:
                if symbol.is_term or symbol.name in inlined:
                    continue
                if symbol.name.startswith("_"):
                    inlined.add(symbol.name)
                    todo.append(symbol.name)
                else:
                    found.add(symbol.name)
    for rule in rules:
        if rule.origin.name not in inlined and any(not s.is_term and s.name in found for s in rule.expansion):
            raise ValueError(f"{rule.origin.name} holds a statement")
    return frozenset(found)


def for_lark(lark: Lark) -> FastParser | None:
    """A fast parser for `lark`, or None when it is set up in a way this module does not drive."""
    try:
        return FastParser(tables_of(lark))
    except (AttributeError, KeyError, TypeError, ValueError, AssertionError, re.error):
        return None


def tables_of(lark: Lark) -> dict:
    """What `FastParser` needs of lark's analysed parser, as plain data (JSON): okrdsl.grammar
    ships it, so a run reads a few lists instead of loading lark's parser. ValueError (or
    another error of reading `lark`) when the parser is set up in a way this module does not
    drive: another lexer, lexer callbacks, flags, a reduction lark builds in a way unknown here."""
    from lark.lexer import PatternRE, PatternStr, _regexp_has_newline
    from lark.parsers.lalr_analysis import Shift

    from okrdsl.postlex import Postlexer

    conf = lark.lexer_conf
    if (lark.options.parser != "lalr" or lark.options.lexer != "contextual"
            or not isinstance(lark.options.postlex, Postlexer) or conf.callbacks or conf.g_regex_flags
            or conf.use_bytes or conf.re_module is not re or lark.options.transformer is not None):
        raise ValueError("a parser set up another way")
    terminals = list(conf.terminals)
    if any(type(t.pattern) not in (PatternRE, PatternStr) for t in terminals):
        raise ValueError("a terminal of another kind")
    newline_types = sorted(t.name for t in terminals if _regexp_has_newline(t.pattern.to_regexp()))
    if "_NL" not in newline_types:
        raise ValueError("the loop counts lines in every _NL token")
    ignore = frozenset(conf.ignore)
    parser = lark.parser.parser.parser
    table = parser.parse_table
    callbacks = parser.callbacks
    if any(isinstance(key, str) for key in callbacks):
        raise ValueError("callbacks on tokens")
    builds = {rule: _builds(callback) for rule, callback in callbacks.items()}
    _spliced_only(callbacks, builds)
    # A shift (or goto) is the next state, a number >= 0; a reduction is ~(its index in "reductions").
    reductions: dict = {}
    states = []
    for state in range(len(table.states)):  # KeyError: states not numbered 0..n-1
        mine = {}
        for name, (action, argument) in table.states[state].items():
            if action is Shift:
                mine[name] = argument
            else:
                mine[name] = ~reductions.setdefault(argument, len(reductions))
        states.append(mine)
    tables = {
        "terminals": [[t.name, t.pattern.type, t.pattern.value, t.pattern.to_regexp(), t.priority,
                       t.pattern.max_width, sorted(t.pattern.flags)] for t in terminals],
        # The characters a regex terminal's token can begin with, where they are few: [chars,
        # whether case is ignored]. A scanner skips the branch at any other (see `_guarded`).
        "starts": {t.name: [*starts] for t in terminals
                   if isinstance(t.pattern, PatternRE) and (starts := _starts_of(t.pattern.to_regexp())) is not None},
        "ignore": sorted(ignore),
        "always": sorted(lark.options.postlex.always_accept),
        "newline": newline_types,
        "skip": _ignored_prefix({t.name: t for t in terminals}, ignore, frozenset(newline_types)),
        "start": table.start_states["start"],
        "end": table.end_states["start"],
        "states": states,
        "reductions": [[len(rule.expansion), rule.origin.name, *builds[rule]] for rule in reductions],
        "statements": sorted(_top_level(list(callbacks), "start")),
    }
    return {**tables, **_lexers_of(FastParser(tables), states)}


def _lexers_of(parser: FastParser, states: list) -> dict:
    """Each state's lexer (its branches in order, and the keywords its regexes retype), worked
    out once here rather than on every run: "lexers" lists the different ones, and
    "state_lexers" gives each state's index in it (-1: a lexer the loop does not drive)."""
    lexers: list = []
    index: dict = {}
    state_lexers = []
    for actions in states:
        try:
            branches, retypes = parser._lexer_spec(frozenset(actions))
        except _GiveUp:
            state_lexers.append(-1)
            continue
        key = (branches, tuple(sorted((name, tuple(sorted(words.items()))) for name, words in retypes.items())))
        if key not in index:
            index[key] = len(lexers)
            lexers.append([list(branches), retypes])
        state_lexers.append(index[key])
    return {"lexers": lexers, "state_lexers": state_lexers}


def _builds(callback) -> list:
    """How lark's reduce `callback` makes its tree: [the tree's name, whether one child stands for
    the tree (a ?rule), which children it keeps ([index, whether its children are spliced in
    (an inlined _rule)]) or None for all of them as they are]. lark wraps them in that order:
    its child filter, then a ?rule's single child, then the tree."""
    from lark import Tree as LarkTree
    from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild

    keep = None
    if type(callback) is ChildFilterLALR_NoPlaceholders:
        keep = [[index, bool(spliced)] for index, spliced in callback.to_include]
        callback = callback.node_builder
    expand_single = isinstance(callback, ExpandSingleChild)
    if expand_single:
        callback = callback.node_builder
    if not (isinstance(callback, functools.partial) and callback.func is LarkTree and len(callback.args) == 1
            and not callback.keywords):
        raise ValueError("a reduction lark builds in a way unknown here")
    return [str(callback.args[0]), expand_single, keep]


def _spliced_only(rules, builds: dict) -> None:
    """ValueError unless every inlined rule (a name that starts with "_") is spliced into its
    parent wherever it occurs, and is no ?rule: then its reduction needs no tree of its own
    (`_reducer` gives the list of its children), as lark's never outlives the parent's filter."""
    for rule in rules:
        name, expand_single, keep = builds[rule]
        if name.startswith("_") and expand_single:
            raise ValueError(f"{name} is an inlined ?rule")
        spliced = {index for index, splice in keep or () if splice}
        for index, symbol in enumerate(rule.expansion):
            if not symbol.is_term and symbol.name.startswith("_") and index not in spliced:
                raise ValueError(f"{symbol.name} is kept whole in {name}")


def _children(children):
    return children


def _reducer(name: str, expand_single: bool, keep):
    """The reduce callback `_builds` describes, doing what lark's does; for an inlined rule
    (`_spliced_only`), the list its parent splices in, not a tree."""
    inlined = name.startswith("_")
    if keep is not None:
        pairs = tuple((index, bool(spliced)) for index, spliced in keep)

        def build(children):  # lark's ChildFilterLALR_NoPlaceholders, then ExpandSingleChild
            kept = []
            for index, spliced in pairs:
                if not spliced:
                    kept.append(children[index])
                elif kept:
                    kept += children[index]
                else:
                    kept = children[index]
            if inlined:
                return kept
            return kept[0] if expand_single and len(kept) == 1 else Tree(name, kept)

        return build
    if inlined:
        return _children
    if expand_single:
        def single(children):  # lark's ExpandSingleChild
            return children[0] if len(children) == 1 else Tree(name, children)

        return single
    return functools.partial(Tree, name)


class _Terminal:
    """One terminal of the tables: a keyword (`literal`) or a regex, and how lark ranks it."""

    __slots__ = ("name", "literal", "keyword", "value", "regexp", "priority", "max_width", "flags")

    def __init__(self, name, kind, value, regexp, priority, max_width, flags):
        if kind not in ("str", "re"):
            raise ValueError("a terminal of another kind")
        self.name, self.value, self.regexp = name, value, regexp
        self.keyword = kind == "str"
        self.literal = value if self.keyword and not flags else None
        self.priority, self.max_width, self.flags = priority, max_width, tuple(flags)


class FastParser:
    """Parses text to the tree lark's parser makes, from the tables `tables_of` read from
    it; see the module docstring."""

    def __init__(self, tables: dict):
        self._terminals = {row[0]: _Terminal(*row) for row in tables["terminals"]}
        self._ignore = frozenset(tables["ignore"])
        self._always = frozenset(tables["always"])
        self._newline_types = frozenset(tables["newline"])
        if "_NL" not in self._newline_types:
            raise ValueError("the loop counts lines in every _NL token")
        self._skip = tables["skip"]
        self._starts = {name: (frozenset(chars), ignore_case) for name, (chars, ignore_case)
                        in tables.get("starts", {}).items()}
        self._start, self._end = tables["start"], tables["end"]
        # Each state's actions, as the tables hold them (used as read: turning 634 states into
        # other dicts took 2-3 ms of every check): a shift (or goto) is the next state, a
        # reduction -1 - its index in `_reductions`, each (minus how many values it takes, the
        # callback that makes its tree, the rule's name).
        self._table: list[dict[str, int]] = tables["states"]
        self._reductions = [(-size, _reducer(*builds), origin) for size, origin, *builds in tables["reductions"]]
        # The rules of the start rule's children (include, phase, ...): a listener hears of each
        # as soon as it is reduced (`parse`).
        statements = frozenset(tables["statements"])
        self._statement_reductions = [index for index, (_, _, origin) in enumerate(self._reductions)
                                      if origin in statements]
        self._lexers: list = [None] * len(self._table)  # state -> (match, retypes), made on first use
        # Each state's lexer as the tables work it out (`_lexers_of`; tables without them, as
        # `tables_of` has before it adds them, parse nothing: IndexError, and lark's parser runs).
        self._shipped, self._state_lexers = tables.get("lexers", []), tables.get("state_lexers", [])
        self._by_index: dict[int, tuple] = {}
        self._scanners: dict[tuple[str, ...], object] = {}
        self._embeds: dict[tuple[str, str], bool] = {}

    def keywords(self) -> frozenset[str]:
        """Every word the grammar uses as a keyword somewhere."""
        return frozenset(t.value for t in self._terminals.values() if t.keyword and t.value.isalpha())

    # --- the lexer of a state, as lark's ContextualLexer makes it -------------------------

    def _lexer(self, state: int) -> tuple:
        index = self._state_lexers[state]
        if index < 0:
            raise _GiveUp
        lexer = self._by_index.get(index)
        if lexer is None:
            branches, retypes = self._shipped[index]
            branches = tuple(branches)
            scanner = self._scanners.get(branches)
            if scanner is None:
                scanner = self._scanners[branches] = self._branch_by_branch(branches)
            lexer = self._by_index[index] = (scanner, retypes)
        self._lexers[state] = lexer
        return lexer

    def _lexer_spec(self, accepts: frozenset[str]) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
        """The branches of the lexer of a state that accepts `accepts`, in order, and the
        keywords its regex terminals' tokens are retyped to (_GiveUp: not driven here)."""
        names = (accepts | self._ignore | self._always) & self._terminals.keys()
        # lark's BasicLexer order: the first matching branch of the alternation wins.
        ordered = sorted((self._terminals[n] for n in names),
                         key=lambda t: (-t.priority, -t.max_width, -len(t.value), t.name))
        regexes = [t for t in ordered if not t.keyword]
        literals = [t for t in ordered if t.keyword]
        embedded = set()
        retypes: dict[str, dict[str, str]] = {}
        for regex in regexes:  # lark's _create_unless
            unless: dict[str, str] = {}
            for literal in literals:
                if literal.priority != regex.priority or not self._embedded(regex, literal):
                    continue
                if literal.flags:
                    raise _GiveUp  # a keyword with flags: lark fullmatches a regex; not driven here
                unless.setdefault(literal.value, literal.name)
                embedded.add(literal.name)
            if unless:
                retypes[regex.name] = unless
        branches = tuple(t.name for t in ordered
                         if t.name not in embedded and not (self._skip and t.name in self._ignore))
        return branches, retypes

    def _branch_by_branch(self, branches: tuple[str, ...]):
        """A scanner that tries the branches one by one (a keyword by str.startswith, a regex
        terminal by its own pattern, compiled once for all states), as the alternation would.
        Once it has served `HOT` tokens it is replaced by the compiled alternation: a large file
        pays one compile for speed, a small one none."""
        tries = []
        for name in branches:
            terminal = self._terminals[name]
            if terminal.literal is not None:
                tries.append((name, terminal.literal, None, None))
            else:
                chars, ignore_case = self._starts.get(name, (None, True))
                tries.append((name, None, re.compile(terminal.regexp).match, None if ignore_case else chars))
        skip = re.compile(self._skip).match if self._skip else None
        uses = 0

        def scan(text: str, pos: int):
            nonlocal uses
            uses += 1
            if uses > HOT:
                self._compile(branches, scan)
            if skip is not None:
                pos = skip(text, pos).end()
            for name, literal, match, starts in tries:
                if literal is not None:
                    if text.startswith(literal, pos):
                        return _Found(name, literal, pos + len(literal))
                elif starts is None or text[pos:pos + 1] in starts:
                    found = match(text, pos)
                    if found is not None:
                        return _Found(name, found.group(), found.end())
            return None

        return scan

    def _compile(self, branches: tuple[str, ...], replaced) -> None:
        """Put the compiled alternation of `branches` in the place of the scanner `replaced`."""
        alternation = "|".join(f"{self._guarded(name)}(?P<{name}>{self._terminals[name].regexp})" for name in branches)
        scanner = self._scanners[branches] = re.compile(self._skip + f"(?:{alternation})").match
        for places in (self._lexers, self._by_index):
            for key, lexer in (enumerate(places) if isinstance(places, list) else list(places.items())):
                if lexer is not None and lexer[0] is replaced:
                    places[key] = (scanner, lexer[1])

    def _guarded(self, name: str) -> str:
        """A lookahead for the characters a branch can begin with, if they are known: where the
        next character is another, the regex engine leaves the branch at once instead of
        working through it (_NL, first in every state and begun by an optional comment, was
        tried in full before every token: the guards make a large file's parse 8% faster)."""
        if name not in self._starts:
            return ""
        chars, ignore_case = self._starts[name]
        ranged = "".join(sorted(re.escape(char) for char in chars))
        return f"(?=(?i:[{ranged}]))" if ignore_case else f"(?=[{ranged}])"

    def _embedded(self, regex, literal) -> bool:
        """Whether the keyword `literal` is what `regex` matches at its start (lark's test)."""
        key = (regex.name, literal.name)
        if key not in self._embeds:
            match = re.match(regex.regexp, literal.value)
            self._embeds[key] = bool(match) and match.group(0) == literal.value
        return self._embeds[key]

    # --- the loop -----------------------------------------------------------------------

    def parse(self, text: str, on_statement=None):
        """(lark's tree for `text`, its _NL tokens that hold a "#"), or None where lark's parser
        must run (it raises the error). The _NL tokens are where okrdsl.parse finds comments.

        `on_statement(tree)`, if given, is called with each top-level statement's tree (a child
        of the start rule's tree) as soon as it is reduced, in order, while the rest of the file
        is still to be read: a caller that builds and empties each one never holds a large
        file's whole tree. When the parse then gives up (None), what it heard is void."""
        try:
            return self._parse(text, self._listening(on_statement) if on_statement is not None else None)
        except _ListenerFailed as failed:
            raise failed.error from None
        except (_GiveUp, KeyError, IndexError, ValueError, re.error):
            return None

    def _listening(self, on_statement) -> list:
        """The reductions, those of each statement rule calling `on_statement` with the tree
        made: a copy (the shared list is untouched, and the per-token loop pays nothing)."""
        reductions = list(self._reductions)
        for index in self._statement_reductions:
            size, callback, origin = reductions[index]
            reductions[index] = (size, _heard(callback, on_statement), origin)
        return reductions

    def _parse(self, text: str, reductions: list | None = None):
        table = self._table
        reductions = self._reductions if reductions is None else reductions
        lexers = self._lexers
        newline_types = self._newline_types
        ignore = self._ignore
        stack = [self._start]
        values: list = []
        push_state = stack.append
        push_value = values.append
        new_token = Token
        str_new = str.__new__

        def feed(token, kind):
            while True:
                action = table[stack[-1]][kind]  # KeyError: a token this state does not accept
                if action >= 0:
                    push_state(action)
                    push_value(token)
                    return
                size, callback, origin = reductions[~action]
                if size:
                    children = values[size:]
                    del stack[size:]
                    del values[size:]
                else:
                    children = []
                push_value(callback(children))
                push_state(table[stack[-1]][origin])

        end = len(text)
        pos = 0
        line = 1
        line_start = 0
        levels = [0]
        last = None  # the Postlexer's `last`: the token a joined word would go on
        commented = []
        while pos < end:
            state = stack[-1]
            match, retypes = lexers[state] or self._lexer(state)
            found = match(text, pos)
            if found is None:
                raise _GiveUp  # no terminal here, or only ignored characters up to the end
            kind = found.lastgroup
            value = found[kind]
            pos = found.end()
            start = pos - len(value)
            if kind in retypes:
                kind = retypes[kind].get(value, kind)
            if kind != "_NL":
                column = start - line_start + 1
                if kind in newline_types and "\n" in value:
                    token_line = line
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
                    if kind in ignore:
                        continue
                    token = new_token(kind, value, start, token_line, column, line, pos - line_start + 1, pos)
                elif kind in ignore:
                    continue
                else:  # new_token(...), inline: most tokens take this way
                    token = str_new(Token, value)
                    token.type = kind
                    token.start_pos = start
                    token.value = value
                    token.line = token.end_line = line
                    token.column = column
                    token.end_column = column + pos - start
                    token.end_pos = pos
                if last is None:
                    if column > 1:
                        raise _GiveUp  # the first line is indented
                elif start == last.end_pos and (value[:1].isalnum() or value[:1] == "_") \
                        and last.value.isalpha() and last.type == last.value.upper():
                    raise _GiveUp  # a joined word (okrdsl.postlex._joined)
                last = token
                # feed(token, kind), inline: most tokens take this way.
                while True:
                    action = table[state][kind]
                    if action >= 0:
                        push_state(action)
                        push_value(token)
                        break
                    size, callback, origin = reductions[~action]
                    if size:
                        children = values[size:]
                        del stack[size:]
                        del values[size:]
                    else:
                        children = []
                    push_value(callback(children))
                    state = table[stack[-1]][origin]
                    push_state(state)
                continue
            column = start - line_start + 1
            token_line = line
            line += value.count("\n")
            line_start = start + value.rindex("\n") + 1
            end_column = pos - line_start + 1
            token = new_token(kind, value, start, token_line, column, line, end_column, pos)
            if "#" in value:
                commented.append(token)
            feed(token, kind)
            # The Postlexer's indentation, for the line this _NL token ends on.
            indent = value[value.rindex("\n") + 1:]
            if indent.count(" ") == len(indent):  # only spaces, or none: the common case
                width = len(indent)
            else:
                if "#" in indent:
                    indent = indent[: indent.index("#")]
                if no_break_space().search(indent) is not None:
                    raise _GiveUp
                width = indent_width(indent)
            if width > levels[-1]:
                if len(levels) > MAX_DEPTH:
                    raise _GiveUp
                levels.append(width)
                feed(new_token("_INDENT", indent, pos, line, end_column, line, end_column, pos), "_INDENT")
                continue
            if width not in levels:
                raise _GiveUp
            while width < levels[-1]:
                levels.pop()
                feed(new_token("_DEDENT", "", pos, line, end_column, line, end_column, pos), "_DEDENT")
            last = token
        if last is not None:
            offset, line, column = last.end_pos, last.end_line, last.end_column
        else:
            offset, line, column = 0, 1, 1
        while len(levels) > 1:
            levels.pop()
            feed(new_token("_DEDENT", "", offset, line, column, line, column, offset), "_DEDENT")
        # The end of the input: reduce until the start rule is complete (lark's feed_token(is_end=True)).
        end_state = self._end
        while True:
            action = table[stack[-1]]["$END"]
            if action >= 0:
                raise _GiveUp
            size, callback, origin = reductions[~action]
            if size:
                children = values[size:]
                del stack[size:]
                del values[size:]
            else:
                children = []
            push_value(callback(children))
            push_state(table[stack[-1]][origin])
            if stack[-1] == end_state:
                return values[-1], commented


def _ignored_prefix(terminals: dict, ignore: frozenset[str], newline_types: frozenset[str]) -> str:
    """A regex that skips ignored runs before a token, or "" where that could change a match:
    only when no other terminal can begin with a character an ignored one begins with."""
    from lark.lexer import PatternStr

    ignored = [terminals[n] for n in ignore if n in terminals]
    if not ignored or any(t.name in newline_types for t in ignored):
        return ""
    starts: set[str] = set()
    for terminal in ignored:
        first = _starts_of(terminal.pattern.to_regexp())
        if first is None or first[1]:  # not known, or matched ignoring case (what folds to what is not asked)
            return ""
        starts |= set(first[0])
    others = [t for t in terminals.values() if t.name not in ignore]
    for terminal in others:
        if isinstance(terminal.pattern, PatternStr) and not terminal.pattern.flags:
            if terminal.pattern.value[:1] in starts:
                return ""
        elif _may_start_with(terminal.pattern.to_regexp(), starts):
            return ""
    return "(?>" + "|".join(f"(?:{t.pattern.to_regexp()})" for t in sorted(ignored, key=lambda t: t.name)) + ")*"


# --- which characters a terminal's regex can begin with ---------------------------------------

# What sre's categories hold, as the regex engine decides it for a str pattern.
_CATEGORIES = {
    "CATEGORY_UNI_DIGIT": str.isdecimal, "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_UNI_SPACE": str.isspace, "CATEGORY_SPACE": str.isspace,
    "CATEGORY_UNI_WORD": lambda c: c.isalnum() or c == "_", "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
}


def _category(category, char: str) -> bool | None:
    name = str(category)
    negated = "_NOT_" in name
    test = _CATEGORIES.get(name.replace("_NOT_", "_"))
    return None if test is None else test(char) != negated


def _in_set(items, char: str, ignore_case: bool) -> bool:
    """Whether a character class ([...]) holds `char`; True where unsure."""
    chars = {char, char.lower(), char.upper()} if ignore_case else {char}
    negate = False
    hit = False
    for op, argument in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            hit = hit or chr(argument) in chars
        elif op is _sre.RANGE:
            hit = hit or any(argument[0] <= ord(c) <= argument[1] for c in chars)
        elif op is _sre.CATEGORY:
            inside = _category(argument, char)
            if inside is None:
                return True
            hit = hit or inside
        else:
            return True
    return hit != negate if not (negate and ignore_case) else True


def _starts(items, char: str, ignore_case: bool) -> tuple[bool, bool]:
    """(whether the sequence `items` may begin with `char`, whether it may match nothing)."""
    for op, argument in items:
        may, empty = _item_starts(op, argument, char, ignore_case)
        if may:
            return True, False
        if not empty:
            return False, False
    return False, True


def _item_starts(op, argument, char: str, ignore_case: bool) -> tuple[bool, bool]:
    if op is _sre.LITERAL:
        return (chr(argument) == char or ignore_case and chr(argument).lower() == char.lower()), False
    if op is _sre.NOT_LITERAL:
        return True, False
    if op is _sre.ANY:
        return True, False
    if op is _sre.IN:
        return _in_set(argument, char, ignore_case), False
    if op is _sre.BRANCH:
        results = [_starts(branch, char, ignore_case) for branch in argument[1]]
        return any(r[0] for r in results), any(r[1] for r in results)
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, items = argument
        return _starts(items, char, ignore_case or bool(add_flags & re.IGNORECASE))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _starts(argument, char, ignore_case)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        low, _high, items = argument
        may, empty = _starts(items, char, ignore_case)
        return may, empty or low == 0
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
        return False, True  # matches no character; a lookahead only narrows what follows
    return True, True  # anything else: unsure, so "may"


def _may_start_with(regex: str, chars: set[str]) -> bool:
    """Whether `regex` may match a text that begins with one of `chars` (True where unsure)."""
    parsed = _sre_parse.parse(regex)
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    for char in chars:
        may, empty = _starts(list(parsed), char, ignore_case)
        if may or empty:
            return True
    return False


# At most this many characters make a branch's guard (okrdsl.lalr.FastParser._guarded).
MAX_STARTS = 64


def _starts_of(regex: str) -> tuple[str, bool] | None:
    """The characters a match of `regex` must begin with, sorted, and whether case is ignored
    in matching them, when they are known and at most MAX_STARTS (else None: any may begin
    it, or the regex may match nothing). Conservative: a character it is unsure of is in."""
    parsed = _sre_parse.parse(regex)
    found = _first_of(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    if found is None:
        return None
    chars, ignore_case, empty = found
    if empty or not chars or len(chars) > MAX_STARTS:
        return None
    return "".join(sorted(chars)), ignore_case


def _first_of(items, ignore_case: bool) -> tuple[set[str], bool, bool] | None:
    """(the characters the sequence `items` can begin with, whether any is matched ignoring
    case, whether it may match nothing), or None where that is not known."""
    chars: set[str] = set()
    ignored = False
    for op, argument in items:
        found = _first_of_item(op, argument, ignore_case)
        if found is None:
            return None
        more, more_ignored, empty = found
        chars |= more
        ignored = ignored or more_ignored
        if not empty:
            return chars, ignored, False
    return chars, ignored, True


def _first_of_item(op, argument, ignore_case: bool):
    if op is _sre.LITERAL:
        return {chr(argument)}, ignore_case, False
    if op is _sre.IN:
        chars = set()
        for kind, value in argument:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < MAX_STARTS:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:  # a negated class, a category (\d, \w): many characters
                return None
        return chars, ignore_case, False
    if op is _sre.BRANCH:
        chars, ignored, empty = set(), False, False
        for branch in argument[1]:
            found = _first_of(branch, ignore_case)
            if found is None:
                return None
            chars |= found[0]
            ignored, empty = ignored or found[1], empty or found[2]
        return chars, ignored, empty
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, items = argument
        return _first_of(items, ignore_case or bool(add_flags & re.IGNORECASE))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _first_of(argument, ignore_case)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        low, _high, items = argument
        found = _first_of(items, ignore_case)
        return None if found is None else (found[0], found[1], found[2] or low == 0)
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
        return set(), False, True  # matches no character: what follows begins the match
    return None  # anything else (., a back reference): not known
