"""The JSON Schema (draft 2020-12) of `okrdsl compile --to json`, made from the classes it describes.

`okrdsl schema` prints the copy shipped in the package (okrdsl/data/compile.schema.json);
`python -m okrdsl.schema` writes it anew after a change to the IR or the document, and a
test fails while the shipped copy differs from what this module makes. Each attrs class
is one definition, described by its docstring; a union of tagged classes is a `oneOf`
told apart by `kind` (a `const` in each member, and a `discriminator` annotation as
OpenAPI reads it); a field that holds a span is allowed but never required, because
spans are written only with `--with-spans`.
"""

from __future__ import annotations

import datetime
import inspect
import json
import sys
import types
import typing
from pathlib import Path

import attrs

from okrdsl import ir
from okrdsl.emit.document import SCHEMA_ID, SCHEMA_VERSION, Document
from okrdsl.serial import TAGGED, omitted, field_names
from okrdsl.source import Span

SHIPPED = Path(__file__).parent / "data" / "compile.schema.json"


class _Maker:
    def __init__(self) -> None:
        self.definitions: dict[str, dict] = {}

    def of(self, hint) -> dict:
        """The schema of a type hint."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is ir.Name:
            return {"$ref": "#/$defs/Name"}
        if attrs.has(hint):
            return {"$ref": f"#/$defs/{self.define(hint)}"}
        if origin in (typing.Union, types.UnionType):
            return self.union(args)
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is tuple:
            return {"type": "array", "items": self.of(args[0])}
        simple = {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
                  float: {"type": "number"}, datetime.date: {"type": "string", "format": "date"}}
        if hint in simple:
            return dict(simple[hint])
        raise TypeError(f"no schema for {hint!r}")

    def union(self, args: tuple) -> dict:
        members = [a for a in args if a is not type(None)]
        nullable = len(members) < len(args)
        if all(attrs.has(m) and isinstance(getattr(m, "kind", None), str) for m in members) and len(members) > 1:
            found = {"oneOf": [self.of(m) for m in members], "discriminator": {"propertyName": "kind"}}
        elif len(members) == 1:
            found = self.of(members[0])
        else:
            found = {"anyOf": [self.of(m) for m in members]}
        return {"anyOf": [found, {"type": "null"}]} if nullable else found

    def define(self, cl: type) -> str:
        name = cl.__name__
        if name in self.definitions:
            return name
        self.definitions[name] = {}  # taken, for classes that hold themselves (Task)
        hints = typing.get_type_hints(cl)
        names = field_names(cl, with_spans=True)
        properties, required = {}, []
        tagged = _is_tagged(cl)
        if tagged:
            properties["kind"] = {"const": cl.kind}
            required.append("kind")
        for field in attrs.fields(cl):
            if field.name not in names:
                continue
            properties[names[field.name]] = self.of(hints[field.name])
            if not omitted(field, with_spans=False):
                required.append(names[field.name])
        self.definitions[name] = {
            "type": "object",
            "description": " ".join(inspect.cleandoc(cl.__doc__ or name).split()),
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        return name


def _is_tagged(cl: type) -> bool:
    """Whether instances of `cl` are written with their `kind`: members of the tagged unions."""
    return any(cl in typing.get_args(union) for union in TAGGED)


def make() -> dict:
    """The schema of the compiled document."""
    maker = _Maker()
    maker.define(Span)
    maker.definitions["Name"] = {
        "description": "An id or a reference as written: its text, or with --with-spans {value, span}.",
        "oneOf": [
            {"type": "string"},
            {"type": "object", "properties": {"value": {"type": "string"}, "span": {"$ref": "#/$defs/Span"}},
             "required": ["value"], "additionalProperties": False},
        ],
    }
    root = maker.define(Document)
    body = maker.definitions.pop(root)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"okrdsl compiled spec, schema version {SCHEMA_VERSION}",
        **body,
        "$defs": dict(sorted(maker.definitions.items())),
    }


def text() -> str:
    return json.dumps(make(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SHIPPED.write_text(text(), encoding="utf-8")
    sys.stdout.write(f"wrote {SHIPPED}\n")
