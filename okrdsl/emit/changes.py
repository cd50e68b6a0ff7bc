"""The outputs of `okrdsl diff`: what changed between two specs, for people (text), for
tools (json) and for a merge request's description (markdown). One registry, FORMATS,
which also gives `okrdsl diff --format` its choices. Each is `(Changes, style) -> str`.
"""

from __future__ import annotations

import difflib

from okrdsl.diff import SECTIONS, Change, Changes, Field
from okrdsl.emit.markdown import escape, item as list_item
from okrdsl.report.safe import json_text, line_start, shown

SIGNS = {"added": "+", "removed": "-", "renamed": ">", "changed": "~"}
COLOURS = {"added": "green", "removed": "red", "renamed": "cyan", "changed": "yellow"}
HEADINGS = {"process": "Process", "include": "Includes", "role": "Roles", "artifact": "Artifacts",
            "phase": "Phases", "item": "Steps, meetings, cadences and permissions", "policy": "Policy",
            "okrs": "OKRs"}
SHORT = 60  # a value at most this long, on one line, is shown as `old -> new`


def summary(changes: Changes) -> str:
    """`12 changes: 3 added, 2 removed, 1 renamed, 6 changed`, or `no changes`."""
    total = len(changes.changes)
    if not total:
        return "no changes"
    parts = [f"{count} {kind}" for kind, count in changes.counts().items() if count]
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(parts)


def name(change: Change) -> str:
    """`step kickoff/plt-drafts-initial-okrs-aligned`, `role CProdO -> VPP`."""
    if change.kind == "renamed" or (change.kind == "changed" and change.old_id != change.new_id):
        return f"{change.what} {change.old_id} -> {change.new_id}"
    return f"{change.what} {change.id}" if change.id != change.what else change.what


def _in_order(changes: Changes) -> list[Change]:
    return sorted(changes.changes, key=lambda c: SECTIONS.index(c.section))


# --- text ----------------------------------------------------------------------------------------


def to_text(changes: Changes, style=None) -> str:
    """For people: a header, then one line per change (`+` added, `-` removed, `>` renamed,
    `~` changed) with its fields indented under it, then a count."""
    paint = style or (lambda text, **_: text)
    lines = [paint(f"--- {shown(changes.old_path)}", bold=True), paint(f"+++ {shown(changes.new_path)}", bold=True)]
    for change in _in_order(changes):
        lines.append(paint(f"{SIGNS[change.kind]} {change.kind} {shown(name(change))}", fg=COLOURS[change.kind]))
        for field in change.fields:
            lines += ["    " + line for line in _text_field(field, paint, change.kind in ("added", "removed"))]
    lines.append(summary(changes))
    return "\n".join(line_start(line) for line in lines)


def _text_field(field: Field, paint, whole: bool) -> list[str]:
    """A field of a thing added or removed (`whole`) as its value; of a thing changed, as
    `old -> new` when both are short, else as the lines that differ."""
    old, new = field.old, field.new
    if old == new:  # a fact about the change, the same on both sides
        whole, new = True, None
    if whole:
        value = (new if old is None else old).split("\n")
        if len(value) == 1:
            return [f"{field.name}: {shown(value[0])}"]
        return [f"{field.name}:"] + ["  " + shown(line) for line in value]
    if old is not None and new is not None and "\n" not in old + new and len(old) <= SHORT and len(new) <= SHORT:
        return [f"{field.name}: {shown(old)} -> {shown(new)}"]
    lines = [f"{field.name}:"]
    for sign, line in _line_diff(old or "", new or ""):
        lines.append(paint(f"  {sign} {shown(line)}", fg="red" if sign == "-" else "green"))
    return lines


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The lines that differ: `-` old ones, `+` new ones, in order."""
    a, b = old.split("\n") if old else [], new.split("\n") if new else []
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            found += [("-", line) for line in a[i1:i2]] + [("+", line) for line in b[j1:j2]]
    return found


# --- json ----------------------------------------------------------------------------------------


def to_json(changes: Changes, style=None) -> str:
    """For tools: `{"old": path, "new": path, "equal": bool, "counts": {...}, "changes": [...]}`;
    each change has kind, what, section, old_id, new_id, its fields (name, old, new) and
    where it is written on each side (path, line, column; null on a side it is absent from)."""
    return json_text({
        "old": changes.old_path,
        "new": changes.new_path,
        "equal": not changes,
        "counts": changes.counts(),
        "changes": [{
            "kind": change.kind, "what": change.what, "section": change.section,
            "old_id": change.old_id, "new_id": change.new_id,
            "fields": [{"name": f.name, "old": f.old, "new": f.new} for f in change.fields],
            "old_at": _where(change.old_span), "new_at": _where(change.new_span),
        } for change in _in_order(changes)],
    })


def _where(span) -> dict | None:
    return None if span is None else {"path": span.path, "line": span.line, "column": span.column}


# --- markdown ------------------------------------------------------------------------------------


def to_markdown(changes: Changes, style=None) -> str:
    """For a merge request's description: a heading, the count, then a section per part of
    the spec with a list item per change and its fields under it. Spec text is escaped."""
    lines = [f"### Changes from `{_code(changes.old_path)}` to `{_code(changes.new_path)}`", "",
             f"**{summary(changes)}**"]
    ordered = _in_order(changes)
    for section in SECTIONS:
        here = [change for change in ordered if change.section == section]
        if not here:
            continue
        lines += ["", f"#### {HEADINGS[section]}", ""]
        for change in here:
            whole = change.kind in ("added", "removed")
            children = [child for field in change.fields for child in _markdown_field(field, whole)]
            lines += list_item("-", " ".join(filter(None, (f"**{change.kind}**", change.what, _ids(change)))), children)
    return "\n".join(lines)


def _ids(change: Change) -> str:
    if change.old_id is not None and change.new_id is not None and change.old_id != change.new_id:
        return f"`{_code(change.old_id)}` → `{_code(change.new_id)}`"
    return f"`{_code(change.id)}`" if change.id != change.what else ""


def _code(text: str) -> str:
    """Text inside a code span: backticks and line breaks cannot end it early."""
    return shown(text).replace("`", "'")


def _markdown_field(field: Field, whole: bool) -> list[str]:
    old, new = field.old, field.new
    if old == new:  # a fact about the change, the same on both sides
        whole, new = True, None
    if old is not None and new is not None and "\n" not in old + new and len(old) <= SHORT and len(new) <= SHORT:
        return list_item("-", f"{escape(field.name)}: {escape(old)} → {escape(new)}", [])
    if whole:
        values = (new if old is None else old).split("\n")
        if len(values) == 1:
            return list_item("-", f"{escape(field.name)}: {escape(values[0])}", [])
        return list_item("-", f"{escape(field.name)}:", [line for v in values for line in list_item("-", escape(v), [])])
    children = [line for sign, text in _line_diff(old or "", new or "")
                for line in list_item("-", "~~" + escape(text) + "~~" if sign == "-" else escape(text), [])]
    return list_item("-", f"{escape(field.name)}:", children)


FORMATS = {"text": to_text, "json": to_json, "markdown": to_markdown}
