"""`okrdsl compile --to csv`: a table for a spreadsheet, one row per scheduled item.

A spec with steps, meetings, cadences or permissions gives its schedule: one row per
entry of `okrdsl schedule` (one per occurrence of a cadence or recurring meeting), with
the columns of SCHEDULE_COLUMNS (and `status` after them with `--today`). A spec with
none of those but an OKR set gives one row per key result instead (KEY_RESULT_COLUMNS):
a file of OKRs is a table of key results to whoever opens it in a spreadsheet.

The text is RFC 4180 (CRLF line ends, a field with a comma, quote or line end in double
quotes, quotes doubled), UTF-8 without a byte order mark, header row first. Every cell is
`shown` (CSV has no escapes of its own, so a control character from the spec is written as
text output writes it, `\\x1b`), then `neutralised` against spreadsheet formulas. What a row
cannot show is named in one OKR402 warning per kind of thing, at the first of them.
"""

from __future__ import annotations

import csv
import io

from okrdsl import ir
from okrdsl.diagnostics import Diagnostic
from okrdsl.emit import Emitted, Options, not_shown
from okrdsl.emit.agenda import status
from okrdsl.link import Linked
from okrdsl.report.safe import shown

SCHEDULE_COLUMNS = ("id", "occurrence", "date", "due", "offset", "phase", "kind", "actors", "text", "links")
KEY_RESULT_COLUMNS = ("id", "quarter", "objective", "level", "title", "owners", "target", "progress", "score",
                      "health", "links")
NAMES = "; "  # between role ids in a cell: an id never holds it, so a reader can split on it
URLS = " "  # between URLs in a cell: a URL never holds a space

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_HINT = "`okrdsl compile --to json` holds everything the spec says"


def neutralised(cell: str) -> str:
    """`cell` with a single quote before it when it begins with a character that makes a
    spreadsheet read it as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return), as
    OWASP's CSV injection advice says; any other cell as it is.

    This is the one place the rule is kept, and it holds for every cell alike: an offset
    `-4w` is written `'-4w`, which a spreadsheet shows as -4w, and a text `=1+1` stays text.
    A program that reads the CSV sees the quote, and drops it from a cell that starts with
    `'` followed by one of FORMULA_STARTS.
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(header: tuple[str, ...], rows) -> str:
    """The header, then each row, as RFC 4180 text; every cell `shown`, then `neutralised`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralised(shown(cell)) for cell in row])
    return out.getvalue()


def to_csv(linked: Linked, options: Options) -> Emitted:
    """The CSV of a linked spec: its key results when it has OKR sets and nothing to schedule,
    otherwise its schedule (a header alone when it lists nothing)."""
    spec = linked.spec
    by_key_result = bool(spec.okr_sets) and next(spec.items(), None) is None
    if by_key_result:
        text = csv_text(KEY_RESULT_COLUMNS, _key_result_rows(linked))
    else:
        header = SCHEDULE_COLUMNS + (("status",) if options.today is not None else ())
        text = csv_text(header, _schedule_rows(linked, options))
    return Emitted(text, _left_out(linked, by_key_result))


def _schedule_rows(linked: Linked, options: Options):
    for entry in linked.listed:
        row = [
            entry.item.key,
            str(entry.occurrence) if entry.occurrence is not None else "",
            entry.date.isoformat() if entry.date else "",
            entry.due.isoformat() if entry.due else "",
            entry.written,
            entry.phase,
            entry.kind,
            NAMES.join(_role_ids(linked, entry.actors)),
            entry.text,
            URLS.join(link.url for link in linked.links(entry.item)),
        ]
        if options.today is not None:
            row.append(status(entry, options.today))
        yield row


def _key_result_rows(linked: Linked):
    for okr_set in linked.spec.okr_sets:
        quarter = str(okr_set.quarter) if okr_set.quarter else ""
        for objective in okr_set.objectives:
            for kr in objective.key_results:
                yield [kr.id.value, quarter, objective.id.value, objective.level, kr.title,
                       NAMES.join(_role_ids(linked, kr.owners)), kr.target or "", _number(kr.progress),
                       _number(kr.score), kr.health or "", URLS.join(dict.fromkeys(link.url for link in kr.links))]


def _number(value: float | None) -> str:
    """A percent as a spreadsheet reads a number: `67`, `33.5`; empty when not known."""
    return "" if value is None else f"{value:.15g}"


def _role_ids(linked: Linked, names) -> list[str]:
    """The roles named, each by its id (an alias as the role it stands for), once each."""
    ids = []
    for name in names:
        role = linked.role(name)
        ids.append(role.id.value if role is not None else str(name))
    return list(dict.fromkeys(ids))


# --- what the rows leave out --------------------------------------------------------------


def _left_out(linked: Linked, by_key_result: bool) -> tuple[Diagnostic, ...]:
    """One OKR402 warning per kind of thing that belongs to a row but that no cell shows, at the
    first of them (in the order written), with how many there are."""
    spec = linked.spec
    # What frames the rows (the process's and phases' titles, the role catalogue, artifact
    # titles, the policy) is not a row's content, and a table is not expected to hold it: only
    # what belongs to a row and has no column is named, and a file that gives no row at all.
    kinds: list[tuple[str, str | None, list]] = []
    if not spec.okr_sets and next(spec.items(), None) is None:
        first = min((n.span for n in (*spec.roles, *spec.artifacts, spec.process, *spec.phases, spec.policy)
                     if n is not None and n.span is not None), key=lambda s: (s.line, s.column), default=None)
        if first is not None:
            return (not_shown(first, "the CSV has no rows: this file has no steps, meetings, cadences, permissions "
                                     "or key results", _HINT),)
    kinds.extend(_item_parts(linked))
    if by_key_result:
        objectives = [o for okr_set in spec.okr_sets for o in okr_set.objectives]
        kinds += [
            ("objective titles, owners, alignment and links", "the objective column holds an objective's id",
             objectives),
            ("objectives with no key results", "a row is a key result", [o for o in objectives if not o.key_results]),
            ("link titles", "the links column holds URLs only",
             [link for o in objectives for kr in o.key_results for link in kr.links if link.title]),
        ]
    else:
        kinds.append(("OKR sets", "a file with OKR sets and no steps, meetings, cadences or permissions "
                      "gives one row per key result", list(spec.okr_sets)))
    found = []
    for what, why, nodes in kinds:
        spans = sorted((s for s in (node.span for node in nodes) if s is not None), key=lambda s: (s.line, s.column))
        if spans:
            count = f": {len(nodes)} in this file, the first here" if len(nodes) > 1 else ""
            found.append(not_shown(spans[0], f"the CSV leaves out {what}{count}", f"{why}; {_HINT}" if why else _HINT))
    return tuple(sorted(found, key=Diagnostic.sort_key))


def _item_parts(linked: Linked) -> list[tuple[str, str | None, list]]:
    """The parts of steps, meetings, cadences and permissions that a row has no column for."""
    spec = linked.spec
    items = list(spec.items())
    meetings = [i for i in items if isinstance(i, ir.Meeting)]
    worked = [i for i in items if isinstance(i, (ir.Step, ir.Cadence))]
    notes = list(spec.process.notes if spec.process else ()) + [n for p in spec.phases for n in p.notes]
    notes += [n for i in items for n in i.notes]
    parts = [
        ("sub-steps", None, [t for i in worked for t in _tasks(i.tasks)]),
        ("notes", None, notes),
        ("who leads a step (`led by`)", None, [n for i in worked for n in i.led_by]),
        ("meeting goals", None, [m.goal for m in meetings if m.goal is not None]),
        ("meeting attendees", "the actors column holds who schedules a meeting",
         [n for m in meetings if m.scheduled_by for n in m.attendees]),
        ("meeting lengths", None, [m for m in meetings if m.length_minutes is not None]),
        ("meeting fallbacks", None, [m.fallback for m in meetings if m.fallback is not None]),
        ("agenda titles", "the links column holds URLs only",
         [m.agenda for m in meetings if m.agenda is not None and m.agenda.title]),
        ("approvals of permissions", None, [a for i in items if isinstance(i, ir.Permission) for a in i.approvals]),
        ("the `after` of an item with a date of its own", "the offset column holds its time",
         [n for i in items if isinstance(i, (ir.Step, ir.Meeting)) and not isinstance(i.when, ir.Following)
          for n in i.after]),
    ]
    if linked.schedule is not None:
        parts.append((f"cadences and recurring meetings with no occurrence in {linked.schedule.name}",
                      "a row is one occurrence", [i for i in items if not linked.entries(i)]))
    return parts


def _tasks(tasks: tuple[ir.Task, ...]) -> list[ir.Task]:
    """Sub-steps and the sub-steps under them, in the order written."""
    return [found for task in tasks for found in (task, *_tasks(task.tasks))]

