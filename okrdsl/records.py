"""How okrdsl declares its records (IR nodes, diagnostics, results): attrs classes.

`frozen` and `define` are attrs' own, with one difference: the `__repr__` of every class
is the one function below, not one that attrs writes out as source and compiles for each
class as it is made. Making a class costs attrs about half a millisecond, a third of it
the repr, and a check makes some sixty classes before it reads a file: this is about
8 ms of every `okrdsl check` (docs/performance.md). The repr reads the same: the class
name and each field shown as attrs shows it (`Name(value='PM')`; a field declared with
`repr=False`, such as a span, left out).
"""

from __future__ import annotations

import attrs


def frozen(maybe_cls=None, /, **options):
    """`attrs.frozen`, with the shared repr."""
    return _declare(attrs.frozen, maybe_cls, options)


def define(maybe_cls=None, /, **options):
    """`attrs.define`, with the shared repr."""
    return _declare(attrs.define, maybe_cls, options)


def _declare(declare, maybe_cls, options: dict):
    def make(cls):
        made = declare(cls, repr=False, **options)
        if "__repr__" not in cls.__dict__:  # a class that writes its own keeps it
            made.__repr__ = _repr
        return made

    return make if maybe_cls is None else make(maybe_cls)


def _repr(self) -> str:
    shown = ", ".join(f"{field.name}={getattr(self, field.name)!r}" for field in attrs.fields(type(self)) if field.repr)
    return f"{type(self).__qualname__.rsplit('>.', 1)[-1]}({shown})"
