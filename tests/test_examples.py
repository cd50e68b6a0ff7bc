"""The example specs of specs/examples/: each checks clean, and its schedule matches its golden file.

They show the time forms people write (calendar weeks and months, windows,
steps ordered only by `after`, recurring meetings), so their schedules are the
behaviour the docs promise. Regenerate the golden files after an intended
change with:
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_examples.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdsl.check import check
from okrdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
ALL = sorted((ROOT / "specs" / "examples").glob("*.okrp"))
# The processes, which have a schedule (the OKR set is tested in tests/test_okrs.py).
EXAMPLES = [path for path in ALL if "\nprocess " in "\n" + path.read_text(encoding="utf-8")]
GOLDEN = Path(__file__).parent / "golden" / "examples"


def schedule(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["schedule", str(path.relative_to(ROOT)), *args], color=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(autouse=True)
def in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_there_are_three_processes_an_okr_set_and_a_readme():
    assert [path.name for path in EXAMPLES] == [
        "company-weeks.okrp", "team-quarter-end.okrp", "weekly-and-fortnightly.okrp"]
    assert [path.name for path in ALL if path not in EXAMPLES] == ["fy24-q1-ceo-okrs.okrp"]
    readme = (ROOT / "specs" / "examples" / "README.md").read_text(encoding="utf-8")
    assert all(path.name in readme for path in ALL)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_checks_clean(path):
    result = check([str(path)])
    assert [f"{d.span}: {d.code} {d.message}" for d in result.diagnostics] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_schedule_golden(path):
    output = schedule(path)
    golden = GOLDEN / f"{path.stem}.schedule.txt"
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_json_holds_the_rows_of_the_table(path):
    data = json.loads(schedule(path, "--format", "json"))
    assert (data["quarter"], data["start"], data["end"]) == ("FY24-Q1", "2023-02-01", "2023-04-30")
    rows = schedule(path).splitlines()[3:]
    assert len(data["items"]) == len(rows)
    for item, row in zip(data["items"], rows):
        assert row.startswith(item["date"] or "undated"), (item, row)
        assert item["offset"] in row
        if item["date"] is None:
            assert item["after"] and item["offset"] == "after " + ", ".join(item["after"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_moves_with_the_quarter(path):
    """In FY24-Q2 every item counted from the quarter moves; none keeps its FY24-Q1 date."""
    q1 = json.loads(schedule(path, "--format", "json"))["items"]
    q2 = json.loads(schedule(path, "--format", "json", "--quarter", "FY24-Q2"))["items"]
    once = sorted(item["id"] for item in q1 if "#" not in item["id"])  # recurring items may happen more or less often
    assert sorted(item["id"] for item in q2 if "#" not in item["id"]) == once
    before = {item["id"]: item["date"] for item in q1}
    moved = [item for item in q2 if item["date"] is not None and item["id"] in before]
    assert moved and all(item["date"] != before[item["id"]] for item in moved)
    title = schedule(path).split(": FY24-Q1")[0]
    assert schedule(path, "--quarter", "FY24-Q2").startswith(f"{title}: FY24-Q2, 2023-05-01 to 2023-07-31\n")
