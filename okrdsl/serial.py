"""The IR as JSON data and back, with cattrs: one converter for every attrs class.

- Every node that is one of several kinds (a time, an item, a meeting's time) is written
  with its `kind` ("at", "within", "step", "meeting", ...), taken from the class's `kind`,
  so that a reader, and the JSON Schema, tell them apart by that word alone.
- A `Name` is written as its text (`"ProductOps"`); with spans, as `{"value", "span"}`.
- Spans are left out unless `with_spans`; comments are always left out (a formatter's
  business, not the model's). Neither takes part in equality, so data read back into the
  IR gives an equal IR.
- Dates are ISO 8601 (`2022-07-04`); tuples are lists; every field is written, even at
  its default, so that the shape of a node never depends on its values.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

import attrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import JsonConverter, make_converter
from cattrs.strategies import configure_tagged_union

from okrdsl import ir
from okrdsl.source import Span

# The unions of the IR whose members carry a `kind`, and so are written tagged.
MEETING_WHEN = typing.Union[ir.When, ir.Recurrence]
TAGGED = (ir.When, MEETING_WHEN, ir.Item)
ITEMS = typing.get_args(ir.Item)


@functools.cache
def converter(with_spans: bool = False) -> JsonConverter:
    """The converter for IR nodes (and any attrs class built of them), with or without spans."""
    made = make_converter()
    made.register_unstructure_hook_factory(attrs.has, lambda cl: _unstructure_fn(cl, made, with_spans))
    made.register_structure_hook_factory(attrs.has, lambda cl: _structure_fn(cl, made))
    if with_spans:
        made.register_unstructure_hook(ir.Name, lambda name: {"value": name.value, "span": made.unstructure(name.span)})
    else:
        made.register_unstructure_hook(ir.Name, lambda name: name.value)
    made.register_structure_hook(ir.Name, _name_from)
    for union in TAGGED:
        configure_tagged_union(union, made, tag_generator=lambda cl: cl.kind, tag_name="kind")
        made.register_unstructure_hook(union, lambda node: {"kind": node.kind, **made.unstructure(node, type(node))})
        _allow_none(union, made)
    return made


def _allow_none(union, made: JsonConverter) -> None:
    """The same union, or None (`Meeting.when`): null, or the tagged member."""
    optional = typing.Optional[union]
    made.register_unstructure_hook(optional, lambda value: None if value is None else made.unstructure(value, union))
    made.register_structure_hook(optional, lambda data, _: None if data is None else made.structure(data, union))


def omitted(field: attrs.Attribute, with_spans: bool) -> bool:
    """Whether a field is left out of the data: comments always, spans unless asked for."""
    if field.name == "comments":
        return True
    return not with_spans and field.type in (Span, Span | None, typing.Optional[Span])


def _overrides(cl: type, with_spans: bool = True) -> dict:
    """How the fields of `cl` are written: an item's `key` is its "id" (written or derived), and
    the id written with `as` its "written_id"; spans and comments are left out (see omitted)."""
    attrs.resolve_types(cl)
    found = {f.name: override(omit=True) for f in attrs.fields(cl) if omitted(f, with_spans)}
    if cl in ITEMS:
        found.update(key=override(rename="id"), id=override(rename="written_id"))
    return found


def field_names(cl: type, with_spans: bool = False) -> dict[str, str]:
    """The JSON name of each field of `cl` that is written, by field name."""
    overrides = _overrides(cl, with_spans)
    return {f.name: overrides[f.name].rename if f.name in overrides and overrides[f.name].rename else f.name
            for f in attrs.fields(cl) if not (f.name in overrides and overrides[f.name].omit)}


def _unstructure_fn(cl: type, made: JsonConverter, with_spans: bool):
    return make_dict_unstructure_fn(cl, made, **_overrides(cl, with_spans))


def _structure_fn(cl: type, made: JsonConverter):
    keep = {name: value for name, value in _overrides(cl).items() if not value.omit}
    return make_dict_structure_fn(cl, made, **keep)


def _name_from(data: Any, _type) -> ir.Name:
    if isinstance(data, str):
        return ir.Name(data)
    return ir.Name(data["value"], converter(True).structure(data.get("span"), Span | None))


def to_data(node, with_spans: bool = False, as_type=None):
    """A node as JSON-ready data (dicts, lists, strings, numbers)."""
    return converter(with_spans).unstructure(node, unstructure_as=as_type)


def from_data(data, cl):
    """A node of class `cl` read back from the data `to_data` gave."""
    return converter().structure(data, cl)
