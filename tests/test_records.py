"""okrdsl.records: attrs classes whose repr is one shared function, reading as attrs' own."""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrdsl import ir
from okrdsl.records import define, frozen
from okrdsl.source import Span


def test_the_shared_repr_reads_as_attrs_repr():
    @frozen
    class Ours:
        value: str
        parts: tuple = ()
        span: object = attrs.field(default=None, repr=False)

    @attrs.frozen
    class Ours2:  # attrs' own repr, for comparison
        value: str
        parts: tuple = ()
        span: object = attrs.field(default=None, repr=False)

    assert repr(Ours("a", (Ours("b"),), span=1)) == "Ours(value='a', parts=(Ours(value='b', parts=()),))"
    assert repr(Ours("a", (Ours("b"),), span=1)).replace("Ours", "Ours2") == repr(Ours2("a", (Ours2("b"),), span=1))


def test_an_ir_node_shows_its_fields_but_not_its_span():
    span = Span("a.okrp", 1, 1, 1, 3)
    assert repr(ir.Name("PM", span)) == "Name(value='PM')"
    assert repr(span) == "Span(path='a.okrp', line=1, column=1, end_line=1, end_column=3, start=0, end=0)"


def test_a_class_that_writes_its_own_repr_keeps_it():
    @define
    class Own:
        value: int = 0

        def __repr__(self) -> str:
            return "own"

    assert repr(Own()) == "own"


def test_the_classes_keep_what_attrs_makes_for_them():
    @frozen
    class Point:
        x: int
        y: int = 0

    assert Point(1) == Point(1, 0) and hash(Point(1)) == hash(Point(1, 0))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Point(1).x = 2


def test_equality_and_hash_read_the_fields_compared_as_attrs_does():
    here, there = Span("a.okrp", 1, 1, 1, 3), Span("b.okrp", 9, 9, 9, 11)
    assert ir.Name("PM", here) == ir.Name("PM", there)  # a span takes no part
    assert hash(ir.Name("PM", here)) == hash(ir.Name("PM", there))
    assert ir.Name("PM") != ir.Name("GPM") and not ir.Name("PM") != ir.Name("PM")
    assert ir.Comment("PM") != ir.Name("PM")  # another class, the same field values
    assert ir.Name("PM").__eq__("PM") is NotImplemented
    assert {ir.Name("PM", here), ir.Name("PM", there), ir.Name("GPM")} == {ir.Name("PM"), ir.Name("GPM")}


@given(st.lists(st.tuples(st.sampled_from(["PM", "GPM", "CEO"]), st.integers(1, 3)), max_size=6))
def test_equal_records_hash_alike(pairs):
    """As attrs' own eq and hash, for any records: equal ones hash alike."""
    records = [ir.Ref("role", ir.Name(name, Span("a.okrp", line, 1, line, 3))) for name, line in pairs]
    for one in records:
        for other in records:
            assert (one == other) == (one.name.value == other.name.value)
            assert one != other or hash(one) == hash(other)


def test_a_mutable_record_is_not_hashable():
    @define
    class Counter:
        count: int = 0

    assert Counter(1) == Counter(1) and Counter(1) != Counter(2)
    with pytest.raises(TypeError):
        hash(Counter())
