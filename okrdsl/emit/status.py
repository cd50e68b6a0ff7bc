"""An OKR set's standing as a tree for people or as JSON for tools (`okrdsl status`).

Each key result shows its owners, progress, score, the score's band and its
health; each objective and each level shows the same rolled up from what is
under it (see `okrdsl.scoring`). Formats are listed in FORMATS, which also gives
the command its choices.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from okrdsl import ir
from okrdsl.records import frozen
from okrdsl.report.safe import json_text, line_start, shown, width
from okrdsl.scoring import Scoring, Status, key_result_status, rolled_up

_TONE_COLOURS = {"good": "green", "fair": "yellow", "poor": "red"}


@frozen
class Node:
    """One row of the tree: a level, an objective or a key result, with its status."""

    kind: str  # "level", "objective" or "key result"
    id: str
    title: str
    status: Status
    owners: tuple[str, ...] = ()
    owners_inherited: bool = False
    node: object = None
    children: tuple["Node", ...] = ()


def tree(okr_set: ir.OkrSet, rules: Scoring) -> tuple[Node, ...]:
    """The OKR set's levels (the policy's order, then any unknown level as written), each
    with its objectives and their key results, every one with its status rolled up."""
    order = list(rules.levels) + [o.level for o in okr_set.objectives if o.level not in rules.levels]
    levels = []
    for level in dict.fromkeys(order):
        objectives = tuple(_objective(o, rules) for o in okr_set.objectives if o.level == level)
        if objectives:
            levels.append(Node("level", level, "", rolled_up([o.status for o in objectives], rules),
                               children=objectives))
    return tuple(levels)


def _objective(objective: ir.Objective, rules: Scoring) -> Node:
    key_results = tuple(
        Node("key result", kr.id.value, kr.title, key_result_status(kr, rules), tuple(o.value for o in kr.owners),
             kr.owners_inherited, kr)
        for kr in objective.key_results
    )
    return Node("objective", objective.id.value, objective.title, rolled_up([k.status for k in key_results], rules),
                tuple(o.value for o in objective.owners), node=objective, children=key_results)


def _walk(nodes, depth: int = 0):
    for node in nodes:
        yield depth, node
        yield from _walk(node.children, depth + 1)


def one_decimal(value: float) -> float:
    """A percentage as people round it, half up: a roll-up of 66.25 shows 66.3, not the 66.2
    that Python's round() gives (it rounds halves to the even digit)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def percent(value: float | None) -> str:
    return "" if value is None else f"{one_decimal(value):g}%"


def table(okr_sets, rules: Scoring, style=lambda text, **_: text) -> str:
    """One block per OKR set: the tree of levels, objectives and key results, indented, with
    owners ("(inherited)" when a key result takes its objective's), progress, score, band,
    health and title. Every text from the spec is `shown` safely."""
    header = ["OKR", "Owner", "Progress", "Score", "Band", "Health", "Title"]
    blocks = []
    for okr_set in okr_sets:
        rows, healths = [], []
        for depth, node in _walk(tree(okr_set, rules)):
            owners = ", ".join(node.owners) + (" (inherited)" if node.owners_inherited else "")
            status = node.status
            rows.append(["  " * depth + node.id, owners, percent(status.progress), percent(status.score),
                         status.band or "", status.health or "", node.title])
            healths.append(status.health)
        rows = [[shown(cell) for cell in row] for row in rows]
        widths = [max(width(row[i]) for row in [header] + rows) for i in range(len(header) - 1)]

        def line(cells):
            return ("  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths)) + "  " + cells[-1]).rstrip()

        quarter = str(okr_set.quarter) if okr_set.quarter else "OKR set"
        lines = [line_start(shown(f"{quarter}: scores roll up as the {rules.rollup}, health as the worst")), "",
                 style(line(header), bold=True)]
        for row, health in zip(rows, healths):
            tone = rules.tone(health)
            lines.append(style(line(row), fg=_TONE_COLOURS[tone]) if tone else line(row))
        if not rows:
            lines.append("(this OKR set has no objectives)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def to_json(okr_sets, rules: Scoring, style=None) -> str:
    """{"okr_sets": [{"quarter", "score_rollup", "health_words", "levels": [{"level", STATUS,
    "objectives": [{"id", "level", "title", "owners", "aligns", "links", STATUS, "key_results":
    [{"id", "title", "owners", "owners_inherited", "target", "links", STATUS}]}]}]}]}, where
    STATUS is "progress", "score", "band" and "health" (null when not known)."""
    data = []
    for okr_set in okr_sets:
        levels = []
        for level in tree(okr_set, rules):
            objectives = []
            for objective in level.children:
                written: ir.Objective = objective.node
                objectives.append({
                    "id": objective.id, "level": written.level, "title": objective.title,
                    "owners": list(objective.owners), "aligns": written.aligns.value if written.aligns else None,
                    "links": _links(written.links), **_status(objective.status),
                    "key_results": [{
                        "id": kr.id, "title": kr.title, "owners": list(kr.owners),
                        "owners_inherited": kr.owners_inherited, "target": kr.node.target,
                        "links": _links(kr.node.links), **_status(kr.status),
                    } for kr in objective.children],
                })
            levels.append({"level": level.id, **_status(level.status), "objectives": objectives})
        data.append({"quarter": str(okr_set.quarter) if okr_set.quarter else None, "score_rollup": rules.rollup,
                     "health_words": list(rules.health), "levels": levels})
    return json_text({"okr_sets": data})


def _status(status: Status) -> dict:
    rounded = (lambda v: None if v is None else one_decimal(v))
    return {"progress": rounded(status.progress), "score": rounded(status.score), "band": status.band,
            "health": status.health}


def _links(links) -> list[dict]:
    return [{"url": link.url, "title": link.title} for link in links]


FORMATS = {"table": table, "json": to_json}
