"""Hover texts and completions for an open file, worked out from its `Analysis`.

Both are pure functions of the analysis and a 0-based code-point offset, and give
plain data (Markdown, `Completion`s); okrdsl.lsp.server turns them into LSP
messages.
"""

from __future__ import annotations

import os
import re

import attrs

from okrdsl import ir
from okrdsl.diagnostics import Severity
from okrdsl.grammar import keywords
from okrdsl.lsp.analysis import Analysis, Symbol
from okrdsl.records import frozen
from okrdsl.source import Span

# --- hover ------------------------------------------------------------------------------------


def hover(analysis: Analysis, offset: int) -> tuple[str, Span | None] | None:
    """Markdown about what is at `offset`, and the span it is about: a name (what it stands
    for), else the item written there (its date); then any finding there, with its rule."""
    parts: list[str] = []
    span: Span | None = None
    found = analysis.at(offset)
    if found is not None and found.symbol is not None:
        parts.append(describe(analysis, found.symbol))
        span = found.span
    elif found is None:
        item = analysis.item_at(offset)
        if item is not None:
            parts.append(_item(analysis, item))
    for shown in analysis.shown:
        if shown.span.start <= offset <= max(shown.span.end, shown.span.start + 1):
            parts.append(finding(shown.diagnostic.code, shown.message, shown.diagnostic.hint))
            span = span or shown.span
    return ("\n\n---\n\n".join(parts), span) if parts else None


def describe(analysis: Analysis, symbol: Symbol) -> str:
    node = symbol.node
    if isinstance(node, ir.Role):
        lines = [f"**{node.id.value}** (role): {node.title}"]
        if node.aliases:
            lines.append("aka " + ", ".join(alias.value if " " not in alias.value else f'"{alias.value}"'
                                            for alias in node.aliases))
        if node.handle:
            lines.append(f"handle `{node.handle}`")
        lines.append(_declared_in(analysis, symbol))
        return "\n\n".join(lines)
    if isinstance(node, ir.Artifact):
        lines = [f"**{node.id.value}** ({node.kind or 'artifact'}): {node.title}"]
        if node.link is not None:
            lines.append(f"<{node.link.url}>")
        lines.append(_declared_in(analysis, symbol))
        return "\n\n".join(lines)
    if isinstance(node, ir.Objective):
        owners = ", ".join(owner.value for owner in node.owners)
        return f"**{node.id.value}** ({node.level} objective): {node.title}" + (f"\n\nowner {owners}" if owners else "")
    if isinstance(node, ir.KeyResult):
        return f"**{node.id.value}** (key result): {node.title}"
    if isinstance(node, (ir.Step, ir.Meeting, ir.Cadence, ir.Permission)):
        return _item(analysis, node)
    return f"**{symbol.name}** ({symbol.kind})"


def _declared_in(analysis: Analysis, symbol: Symbol) -> str:
    where = os.path.relpath(symbol.span.path, os.path.dirname(analysis.key))
    return f"declared in {where}, line {symbol.span.line}"


def _item(analysis: Analysis, item: ir.Item) -> str:
    """An item's kind, id, what it says, its time as written, and its date for the quarter."""
    from okrdsl.schedule import actors_of, text_of, written_time

    schedule, entries = analysis.dates
    found = entries.get(item.key, [])
    written = found[0].written if found else written_time(item)
    name = f"**{item.id.value}** ({item.kind})" if item.id is not None else f"({item.kind})"
    said = text_of(item) if isinstance(item, ir.Meeting) else " ".join((", ".join(actors_of(item)), text_of(item)))
    lines = [f"{name}: {_cut(said.strip(), 120)}"]
    if written:
        lines.append(f"written `{written}`")
    dated = [entry for entry in found if entry.date is not None]
    if schedule is not None and dated:
        lines.append(_dates(dated) + f" in {schedule.name}")
    elif schedule is not None and written:
        lines.append(f"no date in {schedule.name}" + (" yet: fix the errors of this file first"
                                                      if _has_errors(analysis) else ""))
    elif schedule is None and written:
        lines.append("no quarter to date it: write `process \"...\" for FY23-Q3`")
    return "\n\n".join(lines)


def _dates(entries) -> str:
    first = entries[0]
    if len(entries) > 1:
        return f"{len(entries)} dates, {_day(first.date)} to {_day(entries[-1].date)}"
    if first.due is not None and first.due != first.date:
        return f"from {_day(first.date)}, due {_day(first.due)}"
    return f"on {_day(first.date)}"


def _day(day) -> str:
    return f"{day.strftime('%A')} {day.isoformat()}"


def _has_errors(analysis: Analysis) -> bool:
    return any(shown.diagnostic.severity is Severity.ERROR for shown in analysis.shown)


def finding(code: str, message: str, hint: str | None) -> str:
    """A finding with its rule: the code, the rule's name and summary, and the hint."""
    from okrdsl.rules import all_codes

    known = all_codes().get(code)
    head = f"**{code}** {known.name}: {known.summary}" if known is not None else f"**{code}**"
    return "\n\n".join(part for part in (head, message, f"hint: {hint}" if hint else "") if part)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


# --- completion -------------------------------------------------------------------------------


@frozen
class Completion:
    """One proposal: what is shown, what it is (role, artifact, step, meeting, keyword, unit),
    a detail (a role's title), the text put in when it differs from the label, and the offset
    where the text it replaces starts (the cursor is where it ends)."""

    label: str
    kind: str
    detail: str = ""
    insert: str | None = None
    start: int | None = None


# Words that open a line, at the top of a file and inside a block; a test checks each first
# word against the grammar's keywords, so the two cannot drift apart.
TOP_KEYWORDS = ("include", "roles", "process", "artifact", "phase", "policy", "okrs")
BLOCK_KEYWORDS = (
    "at", "on", "within", "during", "between", "after", "ongoing", "meeting", "every", "allow",
    "intro:", "note:", "led by", "goal", "agenda", "scheduled by", "attendees", "fallback:", "length",
    "approval from", "duty:", "objective", "kr", "link", "fiscal year starts", "weekends", "weeks start",
    "learnings", "feedback", "video", "levels", "health", "score bands", "score of objectives:",
    "company objectives:", "key results per objective:",
)
DURATION_UNITS = (("w", "weeks"), ("d", "days"), ("mo", "months"))
LENGTH_UNITS = (("m", "minutes"), ("h", "hours"), ("min", "minutes"))
EVERY_UNITS = ("week", "weeks", "day", "days", "month", "months")
ANCHORS = ("start", "end", "middle", "week", "month")

_ROLE_LIST = re.compile(r"(?:\b(?:led by|scheduled by|attendees|owner|approval from|allow)\s+|[:,/&]\s*|\band\s+|\bor\s+|"
                        r"\bthen\s+)$")
_TIME_WORD = re.compile(r"\b(?:at|after|between|and|in|of|within\s+\S+\s+after|from|until)\s+$")
_TIME_LINE = re.compile(r"\s*(?:at|on|within|during|between|after|meeting|every)\b")


def completions(analysis: Analysis, offset: int) -> list[Completion]:
    """What may be written at `offset`, judged from the text of its line before it."""
    if analysis.source is None:
        return []
    text = analysis.source.text
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    start = offset - len(re.search(r"[\w.\-]*$", before).group())
    return [attrs.evolve(c, start=c.start if c.start is not None else start) for c in _proposals(analysis, before, offset)]


def _proposals(analysis: Analysis, before: str, offset: int) -> list[Completion]:
    word = re.search(r"[\w.\-]*$", before).group()
    head = before[: len(before) - len(word)]
    if head.endswith("#"):
        return _referables(analysis)
    if head.endswith("@"):
        return _roles(analysis, quoted=False)
    number = re.search(r"(?<![\w])[+-]?(\d+)[a-z]*$", before)
    if number is not None:
        return _units(before, number.group(1), offset - (len(before) - number.start(1)))
    if re.search(r"\bevery\s+\d+\s+$", head):
        return [Completion(unit, "unit") for unit in EVERY_UNITS]
    if not head.strip():
        keywords_here = TOP_KEYWORDS if not head else BLOCK_KEYWORDS
        found = [Completion(phrase, "keyword", "", phrase + " ") for phrase in keywords_here]
        return found + (_roles(analysis) if head else [])
    if _FREE_TEXT.match(before):
        return []
    in_head = _TIME_LINE.match(before) and ":" not in before
    if in_head and _TIME_WORD.search(head):
        return _items(analysis) + [Completion(anchor, "keyword") for anchor in ANCHORS]
    if _ROLE_LIST.search(head) and not (in_head and not head.rstrip().endswith(":")):
        return _roles(analysis)
    return []


_FREE_TEXT = re.compile(r"\s*(?:note|intro|duty|goal)\b")


def _roles(analysis: Analysis, quoted: bool = True) -> list[Completion]:
    found = []
    for name, declared in analysis.scope.role_names.items():
        if " " in name and not quoted:
            continue
        insert = f'"{name}"' if (" " in name or "/" in name) and quoted else None
        role = declared.node
        detail = role.title if name == role.id.value else f"{role.title} (alias of {role.id.value})"
        found.append(Completion(name, "role", detail, insert))
    return found


def _referables(analysis: Analysis) -> list[Completion]:
    found = []
    for name, declared in analysis.scope.referable().items():
        node = declared.node
        detail = node.title if isinstance(node, (ir.Artifact, ir.Meeting)) else _said(node)
        found.append(Completion(name, declared.kind, detail))
    return found


def _said(node) -> str:
    """What a step, cadence or permission says, for a completion's detail."""
    return _cut(node.text.value, 60) if isinstance(node, (ir.Step, ir.Cadence, ir.Permission)) else ""


def _items(analysis: Analysis) -> list[Completion]:
    return [Completion(name, declared.kind, declared.node.title if isinstance(declared.node, ir.Meeting)
                       else _said(declared.node))
            for name, declared in analysis.scope.items.items()]


def _units(before: str, digits: str, start: int) -> list[Completion]:
    """Units after a number: of a duration (-4w), a meeting's length (50m), a recurrence (every 2 weeks)."""
    if re.search(r"\bevery\s+\S*$", before):
        return [Completion(f"{digits} {unit}", "unit", start=start) for unit in EVERY_UNITS]
    units = LENGTH_UNITS if re.search(r"\blength\s+\S*$", before) else DURATION_UNITS
    return [Completion(digits + unit, "unit", detail, start=start) for unit, detail in units]


def check_keywords() -> list[str]:
    """The completion keywords whose first word the grammar does not know (none, when in step)."""
    known = keywords()
    return [word for word in TOP_KEYWORDS + BLOCK_KEYWORDS if word.split(" ")[0].rstrip(":") not in known]
