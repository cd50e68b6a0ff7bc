"""`okrdsl compile` and `okrdsl schema`: the JSON document, its schema, atomic output, exit codes.

Golden files: tests/golden/compile/. Regenerate after an intended change with
    python -m pytest tests/test_compile.py --update-golden
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import attrs
import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import okrdsl
from okrdsl import ir, schema, serial
from okrdsl.check import compile_file
from okrdsl.cli import main
from okrdsl.emit.document import SCHEMA_VERSION, read
from okrdsl.emit.targets import FORMATS
from tests.golden import matches

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").rglob("*.okrp"))
SHIPPED = json.loads(schema.SHIPPED.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SHIPPED, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def compile_(*args, cwd=ROOT):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, ["compile", *map(str, args)])
    finally:
        os.chdir(old)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the schema ---------------------------------------------------------------------------


def test_the_shipped_schema_is_made_from_the_classes_it_describes():
    assert schema.SHIPPED.read_text(encoding="utf-8") == schema.text(), \
        "okrdsl/data/compile.schema.json is stale: run python -m okrdsl.schema"


def test_the_schema_is_a_valid_draft_2020_12_schema_with_an_absolute_id():
    jsonschema.Draft202012Validator.check_schema(SHIPPED)
    assert SHIPPED["$id"].startswith("https://")
    assert SHIPPED["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_okrdsl_schema_prints_the_shipped_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == SHIPPED


def test_a_time_is_told_apart_by_its_kind_alone():
    time = SHIPPED["$defs"]["Step"]["properties"]["when"]
    assert time["discriminator"] == {"propertyName": "kind"}
    kinds = [SHIPPED["$defs"][ref["$ref"].rpartition("/")[2]]["properties"]["kind"]["const"] for ref in time["oneOf"]]
    assert kinds == ["at", "on", "within", "during", "between", "following", "ongoing"]


# --- every spec of the repository ------------------------------------------------------------


@pytest.mark.parametrize("path", SPECS, ids=relative)
@pytest.mark.parametrize("spans", [False, True], ids=["plain", "with-spans"])
def test_every_spec_compiles_to_json_that_the_schema_accepts(path, spans):
    result = compile_(relative(path), "--to", "json", *(["--with-spans"] if spans else []))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert errors == []
    assert document["schema_version"] == SCHEMA_VERSION
    assert ("span" in document["spec"]["phases"][0]) is spans if document["spec"]["phases"] else True


@pytest.mark.parametrize("path", SPECS, ids=relative)
def test_every_spec_compiles_to_its_golden_json(path):
    matches(f"compile/{path.stem}.json", compile_(relative(path), "--to", "json").stdout)


def test_golden_files_are_named_by_stem_so_stems_are_unique():
    assert len({path.stem for path in SPECS}) == len(SPECS)


@pytest.mark.parametrize("path", SPECS, ids=relative)
def test_json_read_back_gives_the_same_model(path):
    text = compile_(relative(path), "--to", "json", "--with-spans").stdout
    spec, _ = okrdsl.load(relative(path))
    document = read(text)
    assert document.spec == spec
    assert [s.span for s in document.spec.phases] == [s.span for s in spec.phases]


def test_json_is_the_same_bytes_every_time():
    first = compile_("specs/fy23-q3.okrp", "--to", "json").stdout_bytes
    assert compile_("specs/fy23-q3.okrp", "--to", "json").stdout_bytes == first


def test_json_dates_every_item_and_each_occurrence_of_what_recurs():
    document = json.loads(compile_("specs/examples/weekly-and-fortnightly.okrp", "--to", "json").stdout)
    assert document["period"] == {"quarter": "FY24-Q1", "start": "2023-02-01", "end": "2023-04-30"}
    occurrences = [d for d in document["schedule"] if d["occurrence"] is not None]
    assert occurrences and [d["occurrence"] for d in occurrences if d["id"] == occurrences[0]["id"]][:3] == [1, 2, 3]


def test_a_spec_without_a_quarter_has_no_period_and_no_schedule():
    document = json.loads(compile_("specs/roles.okrp", "--to", "json").stdout)
    assert (document["period"], document["schedule"]) == (None, [])
    assert document["spec"]["roles"][0]["id"] == "CEO"


def test_quarter_dates_the_spec_for_another_quarter():
    document = json.loads(compile_("specs/fy23-q3.okrp", "--to", "json", "--quarter", "FY24-Q1").stdout)
    assert document["period"] == {"quarter": "FY24-Q1", "start": "2023-02-01", "end": "2023-04-30"}


FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.okrp"))


@pytest.mark.parametrize("path", FIXTURES, ids=relative)
def test_every_fixture_compiles_to_every_target_or_says_why(path):
    """A fixture with mistakes on purpose is not compiled (exit 1, nothing written); any other
    compiles to every target, or is refused with a usage error (exit 2); never a traceback."""
    has_errors = compile_file(relative(path)).linked is None
    for target in FORMATS:
        result = compile_(relative(path), "--to", target)
        assert "internal error" not in result.stderr
        if has_errors:
            assert (result.exit_code, result.stdout) == (1, "")
        else:
            assert result.exit_code in (0, 2), result.stderr
            assert result.exit_code == 0 or result.stdout == ""


# --- the IR round trip, for any IR -----------------------------------------------------------

names = st.builds(ir.Name, st.text(min_size=1, max_size=8))
texts = st.builds(ir.Text, st.text(max_size=20))
moments = st.builds(ir.Moment, anchor=st.sampled_from(["start", "end", "middle"]), offset_days=st.integers(-400, 400),
                    text=st.text(max_size=6), offset_months=st.integers(-12, 12),
                    calendar=st.sampled_from([None, "week", "month"]))
days = st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))
times = st.one_of(
    st.builds(ir.At, moment=moments, date=st.none() | days, meeting=st.none() | names),
    st.builds(ir.On, st.none() | days),
    st.builds(ir.Within, days=st.integers(0, 99), after=moments, duration=st.text(max_size=4)),
    st.builds(ir.During, period=moments, meeting=st.none() | names),
    st.builds(ir.Between, first=moments, last=moments),
    st.builds(ir.Following),
    st.builds(ir.Ongoing),
)
recurrences = st.builds(ir.Recurrence, every=st.integers(1, 9), unit=st.sampled_from(["day", "week", "month"]),
                        on=st.none() | st.builds(ir.RecurOn, weekday=st.sampled_from(ir.WEEKDAYS)),
                        start=st.none() | moments, until=st.none() | moments)
actors = st.lists(names, max_size=3).map(tuple)
items = st.one_of(
    st.builds(ir.Step, key=st.text(min_size=1, max_size=8), when=times, actors=actors, text=texts,
              id=st.none() | names, after=actors),
    st.builds(ir.Meeting, key=st.text(min_size=1, max_size=8), id=names, title=st.text(max_size=9),
              when=st.none() | times | recurrences, goal=st.none() | texts, length_minutes=st.none() | st.integers(1, 600)),
    st.builds(ir.Cadence, key=st.text(min_size=1, max_size=8), every=st.integers(1, 9),
              unit=st.sampled_from(["day", "week", "month"]), actors=actors, text=texts),
    st.builds(ir.Permission, key=st.text(min_size=1, max_size=8), actors=actors, text=texts,
              approvals=st.lists(st.builds(ir.Approval, st.lists(st.builds(
                  ir.ApprovalStage, st.sampled_from(["all", "any"]), actors), min_size=1, max_size=2).map(tuple)),
                  max_size=2).map(tuple)),
)
specs = st.builds(
    ir.Spec, path=st.text(min_size=1, max_size=10),
    roles=st.lists(st.builds(ir.Role, id=names, title=st.text(max_size=9), aliases=actors,
                             handle=st.none() | st.text(max_size=6)), max_size=2).map(tuple),
    phases=st.lists(st.builds(ir.Phase, id=names, title=st.text(max_size=9),
                              items=st.lists(items, max_size=4).map(tuple)), max_size=3).map(tuple),
    okr_sets=st.lists(st.builds(ir.OkrSet, quarter=st.none() | st.builds(ir.Quarter, st.integers(1, 99), st.integers(1, 4)),
                                objectives=st.lists(st.builds(
                                    ir.Objective, id=names, level=st.sampled_from(["company", "team"]),
                                    title=st.text(max_size=9), owners=actors,
                                    key_results=st.lists(st.builds(
                                        ir.KeyResult, id=names, title=st.text(max_size=9),
                                        progress=st.none() | st.floats(0, 100), score=st.none() | st.floats(0, 100),
                                        health=st.none() | st.text(max_size=5)), max_size=2).map(tuple)),
                                    max_size=2).map(tuple)), max_size=1).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(specs)
def test_any_ir_survives_json_and_back(spec):
    data = json.loads(json.dumps(serial.to_data(spec)))
    assert serial.from_data(data, ir.Spec) == spec
    schema_of_spec = {**SHIPPED, "$ref": "#/$defs/Spec"}
    for key in ("type", "properties", "required", "additionalProperties", "description", "title"):
        schema_of_spec.pop(key, None)
    assert list(jsonschema.Draft202012Validator(schema_of_spec).iter_errors(data)) == []


# --- output, errors and exit codes -------------------------------------------------------------

BROKEN = 'phase kickoff "Kick-off"\n  at -8w: Nobody drafts the OKRs\n'


def test_a_spec_with_errors_is_not_compiled_and_o_leaves_no_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "broken.okrp").write_text(BROKEN, encoding="utf-8")
    result = compile_("broken.okrp", "--to", "json", "-o", "out.json", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'broken.okrp:2:11: error: "Nobody" is not a declared role [OKR102]' in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "broken.okrp"]


def test_o_leaves_an_existing_file_as_it_was_when_the_spec_has_errors(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "broken.okrp").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "out.json").write_text("yesterday's\n", encoding="utf-8")
    assert compile_("broken.okrp", "--to", "json", "-o", "out.json", cwd=tmp_path).exit_code == 1
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "yesterday's\n"


def test_o_writes_the_whole_output_and_nothing_else(tmp_path):
    out = tmp_path / "fy23-q3.json"
    result = compile_("specs/fy23-q3.okrp", "--to", "json", "-o", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_bytes() == compile_("specs/fy23-q3.okrp", "--to", "json").stdout_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["fy23-q3.json"]


def test_an_output_that_cannot_be_written_is_exit_2_with_a_message(tmp_path):
    result = compile_("specs/fy23-q3.okrp", "--to", "json", "-o", tmp_path / "missing" / "out.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("okrdsl: cannot write ") and "No such file or directory" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_target_lists_the_targets():
    result = compile_("specs/fy23-q3.okrp", "--to", "pdf")
    assert result.exit_code == 2
    assert "Invalid value for '--to': 'pdf' is not" in result.stderr
    assert all(f"'{target}'" in result.stderr for target in FORMATS)


def test_a_quarter_that_cannot_be_read_is_a_usage_error():
    result = compile_("specs/fy23-q3.okrp", "--to", "json", "--quarter", "FY23-Q5")
    assert result.exit_code == 2
    assert "Q5" in result.stderr


def test_the_document_classes_are_frozen_attrs():
    from okrdsl.emit import document

    for cl in (document.Document, document.Dated, document.Period, document.Generator):
        assert attrs.has(cl) and cl.__setattr__ is not object.__setattr__


def test_inserting_a_step_above_another_keeps_every_id(tmp_path):
    """What the published ids promise: a new step at -9w, above the others, renames none of them."""
    spec = (ROOT / "specs" / "fy23-q3.okrp").read_text(encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / "roles.okrp").write_text((ROOT / "specs" / "roles.okrp").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "q.okrp").write_text(spec, encoding="utf-8")
    before = json.loads(compile_("q.okrp", "--to", "json", cwd=tmp_path).stdout)
    first = spec.index("\n  at ", spec.index("\nphase ")) + 1
    (tmp_path / "q.okrp").write_text(spec[:first] + "  at -9w: ProductOps opens the planning issue\n" + spec[first:],
                                     encoding="utf-8")
    after = json.loads(compile_("q.okrp", "--to", "json", cwd=tmp_path).stdout)

    def ids(document):
        return [item["id"] for phase in document["spec"]["phases"] for item in phase["items"]]

    assert [i for i in ids(after) if i != "kickoff/productops-opens-the-planning-issue"] == ids(before)
    assert len(ids(after)) == len(ids(before)) + 1


@pytest.mark.parametrize("target", ["q.okrp", "roles.okrp", "./sub/../q.okrp"])
def test_o_never_overwrites_the_spec_or_a_file_it_includes(tmp_path, target):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    roles = (ROOT / "specs" / "roles.okrp").read_text(encoding="utf-8")
    spec = 'include "roles.okrp"\n\nprocess "Q" for FY23-Q3\n\nphase p "P"\n  at -4w: PM drafts the OKRs\n'
    (tmp_path / "roles.okrp").write_text(roles, encoding="utf-8")
    (tmp_path / "q.okrp").write_text(spec, encoding="utf-8")
    result = compile_("q.okrp", "--to", "json", "-o", target, cwd=tmp_path)
    assert result.exit_code == 2
    assert "is a spec okrdsl has just read: writing the output there would replace it" in result.stderr
    assert (tmp_path / "q.okrp").read_text(encoding="utf-8") == spec
    assert (tmp_path / "roles.okrp").read_text(encoding="utf-8") == roles


def test_o_dash_is_standard_output(tmp_path):
    result = compile_("specs/roles.okrp", "--to", "json", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["spec"]["roles"]
    assert not (ROOT / "-").exists()


def test_stamp_is_for_ics_only():
    result = compile_("specs/fy23-q3.okrp", "--to", "json", "--stamp", "2023-01-02T09:00:00Z")
    assert result.exit_code == 2
    assert "Invalid value for --stamp: it sets the events' DTSTAMP of --to ics, and this is --to json" in result.stderr


def test_a_spec_with_errors_says_that_nothing_was_written(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "broken.okrp").write_text(BROKEN, encoding="utf-8")
    result = compile_("broken.okrp", "--to", "csv", "-o", "out.csv", cwd=tmp_path)
    assert result.stderr.splitlines()[-1] == (
        "okrdsl: out.csv was not written: the spec has 1 error (fix them, then compile again)")


def test_a_spec_on_standard_input_compiles_as_the_file_would(tmp_path):
    text = (ROOT / "specs" / "fy23-q3.okrp").read_text(encoding="utf-8")
    from_file = CliRunner().invoke(main, ["compile", str(ROOT / "specs" / "fy23-q3.okrp"), "--to", "csv"])
    named = CliRunner().invoke(main, ["compile", "-", "--to", "csv", "--stdin-filename",
                                      str(ROOT / "specs" / "fy23-q3.okrp")], input=text)
    assert (named.exit_code, named.stdout) == (0, from_file.stdout)
    # without a name, it is <stdin> in the current folder, where its include is not found
    os.chdir(tmp_path)
    try:
        unnamed = CliRunner().invoke(main, ["compile", "-", "--to", "json"], input=text)
    finally:
        os.chdir(ROOT)
    assert unnamed.exit_code == 1
    assert unnamed.stderr.startswith('<stdin>:5:9: error: cannot include "roles.okrp"')


def test_stdin_filename_names_only_standard_input():
    result = CliRunner().invoke(main, ["compile", str(ROOT / "specs" / "fy23-q3.okrp"), "--to", "json",
                                       "--stdin-filename", "x.okrp"])
    assert result.exit_code == 2
    assert "Invalid value for --stdin-filename: it names the spec read from standard input: give - as SPEC" \
        in result.stderr


@pytest.mark.parametrize("target", ["json", "markdown", "ics", "gitlab-issue", "mermaid"])
def test_today_is_refused_by_a_target_that_marks_no_day(target):
    result = compile_(ROOT / "specs" / "fy23-q3.okrp", "--to", target, "--today", "2022-07-01")
    assert result.exit_code == 2
    assert ("Invalid value for --today: it marks the day in --to csv and --to html, and this is --to "
            + target) in result.stderr
