"""How okrdsl declares its records (IR nodes, diagnostics, results): attrs classes.

`frozen` and `define` are attrs' own, with one difference: `__repr__`, `__eq__`, `__ne__`
and `__hash__` are the functions below, made for each class from its fields, not methods
that attrs writes out as source and compiles for each class as it is made. Making a class
costs attrs about half a millisecond, more than half of it for those four, and a check
makes some sixty classes before it reads a file: this is about 13 ms of every `okrdsl
check` (docs/performance.md). They behave as attrs' do: the repr shows the class name and
each field as attrs shows it (`Name(value='PM')`; a field declared with `repr=False`, such
as a span, left out); two records are equal when they are of the same class and their
fields compared by eq are equal; a frozen record hashes those fields; a mutable one
(`define`) is not hashable.
"""

from __future__ import annotations

import operator

import attrs


def frozen(maybe_cls=None, /, **options):
    """`attrs.frozen`, with the methods below."""
    return _declare(attrs.frozen, maybe_cls, options, hashable=True)


def define(maybe_cls=None, /, **options):
    """`attrs.define`, with the methods below (not hashable, as attrs makes a mutable class)."""
    return _declare(attrs.define, maybe_cls, options, hashable=False)


def _declare(declare, maybe_cls, options: dict, hashable: bool):
    def make(cls):
        made = declare(cls, repr=False, eq=False, **options)
        own = cls.__dict__  # a class that writes one of these keeps its own
        if "__repr__" not in own:
            made.__repr__ = _repr
        if "__eq__" not in own:
            fields = attrs.fields(made)
            made.__eq__ = _equal(_getter([f.name for f in fields if f.eq]))
            made.__ne__ = _not_equal
            made.__hash__ = (_hash(_getter([f.name for f in fields if f.hash or (f.hash is None and f.eq)]),
                                   made.__qualname__) if hashable else None)
        return made

    return make if maybe_cls is None else make(maybe_cls)


def _getter(names: list[str]):
    """A function giving a record's values of `names`, as one tuple (operator.attrgetter, in C)."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        name = names[0]
        return lambda record: (getattr(record, name),)
    return operator.attrgetter(*names)


def _equal(values):
    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    return __eq__


def _not_equal(self, other):
    equal = self.__eq__(other)
    return equal if equal is NotImplemented else not equal


def _hash(values, salt: str):
    kind = hash(salt)  # equal records of two classes with the same fields hash apart

    def __hash__(self):
        return hash((kind, values(self)))

    return __hash__


def _repr(self) -> str:
    shown = ", ".join(f"{field.name}={getattr(self, field.name)!r}" for field in attrs.fields(type(self)) if field.repr)
    return f"{type(self).__qualname__.rsplit('>.', 1)[-1]}({shown})"
