"""`okrdsl compile --to json`: the whole model as one versioned JSON document.

The document is a `Document` written by the cattrs converter of `okrdsl.serial`; its
JSON Schema (`okrdsl schema`, okrdsl/data/compile.schema.json) is made from these
same classes by `okrdsl.schema`, so the two cannot drift apart. The same spec gives
the same bytes: nothing in it comes from the clock or the machine.
"""

from __future__ import annotations

import datetime
import json
from typing import Literal

from okrdsl import ir
from okrdsl.about import schema_id
from okrdsl.emit import Emitted, Options
from okrdsl.link import Linked
from okrdsl.records import frozen
from okrdsl.report.safe import json_text
from okrdsl.serial import converter

# Semantic versioning of the document: a minor version adds fields or kinds, a major
# version changes or removes them. A reader checks the major version.
SCHEMA_VERSION = "1.0.0"
SCHEMA_ID = schema_id("compile", int(SCHEMA_VERSION.partition(".")[0]))

ItemKind = Literal["step", "meeting", "cadence", "permission"]


@frozen
class Generator:
    """The program that wrote the document."""

    name: str
    version: str


@frozen
class Period:
    """The fiscal quarter the dates are for, with its first and last day."""

    quarter: str
    start: datetime.date
    end: datetime.date


@frozen
class Dated:
    """One entry of the schedule: an item, or one occurrence (counted from 1) of a cadence or
    recurring meeting. `id` is the item's id; `written` its time as written; `date` and `due`
    are null for what has no date (`ongoing`, a permission, an item placed only `after`
    another); `after` lists the ids it comes after."""

    id: str
    occurrence: int | None
    kind: ItemKind
    phase: str
    date: datetime.date | None
    due: datetime.date | None
    written: str
    after: tuple[str, ...] = ()


@frozen
class Document:
    """What `okrdsl compile --to json` writes: the spec's own model (`spec`), the files it
    includes in reading order (`includes`), and, when a quarter is known, the quarter
    (`period`) and every dated entry (`schedule`)."""

    schema_version: str
    generator: Generator
    spec: ir.Spec
    includes: tuple[ir.Spec, ...]
    period: Period | None
    schedule: tuple[Dated, ...]


def document(linked: Linked) -> Document:
    """The document of a linked spec."""
    import okrdsl

    schedule = linked.schedule
    period = Period(schedule.name, schedule.start, schedule.end) if schedule is not None else None
    entries = tuple(
        Dated(entry.item.key, entry.occurrence, entry.kind, entry.phase, entry.date, entry.due,
              entry.written, entry.after)
        for entry in (schedule.entries if schedule is not None else ())
    )
    return Document(SCHEMA_VERSION, Generator("okrdsl", okrdsl.__version__), linked.spec, linked.includes,
                    period, entries)


def to_json(linked: Linked, options: Options) -> Emitted:
    data = converter(options.with_spans).unstructure(document(linked))
    return Emitted(json_text(data) + "\n")


def read(text: str) -> Document:
    """A document read back from its JSON (spans, when written, are read too)."""
    return converter(True).structure(json.loads(text), Document)
