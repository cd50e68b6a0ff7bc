"""Fuzzing at the command line, a fixed-seed sample (benchmarks/fuzz.py runs more): on any
project, check and schedule never print a traceback or "internal error", never hang, exit
with 0, 1 or 2, and report positions inside the files."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.fuzzing import check_project, hostile_specs, include_graphs, mutated_specs, random_bytes, random_text



def sample(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@sample(60)
@given(random_bytes)
def test_random_bytes(files):
    assert check_project(files) == []


@sample(60)
@given(random_text)
def test_random_unicode(files):
    assert check_project(files) == []


@sample(120)
@given(mutated_specs())
def test_mutations_of_the_shipped_specs(files):
    assert check_project(files) == []


@sample(40)
@given(hostile_specs())
def test_hostile_shapes(files):
    assert check_project(files) == []


@sample(60)
@given(include_graphs())
def test_include_graphs_and_links(case):
    files, links = case
    assert check_project(files, links) == []
