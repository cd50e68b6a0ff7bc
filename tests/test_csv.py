"""`okrdsl compile --to csv`: RFC 4180 text, cells neutralised against formulas, one row per
scheduled item (or per key result for a file of OKRs), and an OKR402 warning for what no cell shows.

Golden files: tests/golden/compile/<spec stem>.csv, compared byte for byte (CRLF line ends).
Regenerate after an intended change with
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_csv.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from okrdsl.cli import main
from okrdsl.emit.table import FORMULA_STARTS, KEY_RESULT_COLUMNS, SCHEDULE_COLUMNS, csv_text, neutralised
from okrdsl.emit.targets import FORMATS
from okrdsl.report.safe import shown

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").rglob("*.okrp"))
GOLDEN = Path(__file__).parent / "golden" / "compile"


def run(*args, cwd=ROOT):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*map(str, args)])
    finally:
        os.chdir(old)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def rows_of(data: bytes) -> list[list[str]]:
    """The rows a program reads back: the text as UTF-8, read by the csv module."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def records(data: bytes) -> list[dict]:
    header, *rows = rows_of(data)
    return [dict(zip(header, row)) for row in rows]


def project(tmp_path: Path, name: str, text: str) -> Path:
    """A spec in a project of its own (a folder with .git), beside a copy of roles.okrp."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "roles.okrp").write_text((ROOT / "specs" / "roles.okrp").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_is_a_target_of_compile():
    assert "csv" in FORMATS


# --- every spec of the repository ---------------------------------------------------------


@pytest.mark.parametrize("path", SPECS, ids=relative)
def test_golden(path):
    result = run("compile", relative(path), "--to", "csv")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{path.stem}.csv"
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == golden.read_bytes()


@pytest.mark.parametrize("path", SPECS, ids=relative)
def test_every_spec_is_rfc_4180_utf8_without_a_bom_with_a_header_first(path):
    data = run("compile", relative(path), "--to", "csv").stdout_bytes
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    header, *rows = rows_of(data)
    assert tuple(header) in (SCHEDULE_COLUMNS, KEY_RESULT_COLUMNS)
    assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize("path", [p for p in SPECS if "\nprocess " in p.read_text(encoding="utf-8")], ids=relative)
def test_one_row_per_entry_of_the_schedule(path):
    items = json.loads(run("schedule", relative(path), "--format", "json").stdout)["items"]
    rows = records(run("compile", relative(path), "--to", "csv").stdout_bytes)
    assert len(rows) == len(items)
    for row, item in zip(rows, items):
        assert (row["date"], row["due"], row["phase"], row["kind"]) == \
            (item["date"] or "", item["due"] or "", item["phase"], item["kind"])
        assert row["offset"] in (item["offset"], "'" + item["offset"])


def test_each_occurrence_is_a_row_with_its_number():
    rows = records(run("compile", "specs/examples/weekly-and-fortnightly.okrp", "--to", "csv").stdout_bytes)
    weekly = [row for row in rows if row["id"] == "egroup_weekly"]
    assert [row["occurrence"] for row in weekly] == [str(n) for n in range(1, len(weekly) + 1)]
    assert len(weekly) > 10 and weekly[0]["offset"] == "every week on Tuesday"
    assert all(row["occurrence"] == "" for row in rows if row["kind"] == "step")


def test_cells_of_a_known_spec():
    rows = {row["id"]: row for row in records(run("compile", "specs/fy23-q3.okrp", "--to", "csv").stdout_bytes)}
    assert rows["review"] == {
        "id": "review", "occurrence": "", "date": "2022-07-04", "due": "", "offset": "'-4w", "phase": "kickoff",
        "kind": "step", "actors": "ProductOps",
        "text": "adds the aligned upon Shared R&D OKRs plus any additional Product organization specific OKRs "
                "to #planning",
        "links": "https://gitlab.com/gitlab-com/Product/-/issues/4295 "
                 "https://about.gitlab.com/handbook/product/product-processes/#quad--infra--security-product-group-dris",
    }
    assert rows["alignment"]["actors"] == "VPP; CTO"
    assert rows["one_on_one"]["due"] == "2022-06-27"
    assert rows["session1"]["links"].startswith("https://docs.google.com/")  # the meeting's agenda


def test_the_same_bytes_every_time_and_o_writes_them(tmp_path):
    first = run("compile", "specs/fy23-q3.okrp", "--to", "csv").stdout_bytes
    assert run("compile", "specs/fy23-q3.okrp", "--to", "csv").stdout_bytes == first
    out = tmp_path / "plan.csv"
    assert run("compile", "specs/fy23-q3.okrp", "--to", "csv", "-o", out).exit_code == 0
    assert out.read_bytes() == first


def test_today_adds_a_status_column():
    data = run("compile", "specs/examples/weekly-and-fortnightly.okrp", "--to", "csv", "--today", "2023-02-14")
    header, *rows = rows_of(data.stdout_bytes)
    assert tuple(header) == SCHEDULE_COLUMNS + ("status",)
    assert {row[-1] for row in rows} >= {"overdue", "this week", "next week", ""}


# --- text that a spreadsheet must not run, and text that CSV must quote ------------------------------

TRICKY = (
    'roles\n  PM "Product Manager" aka PMs\n  Ops "Product Operations"\n\n'
    'process "Tricky" for FY24-Q1\n  fiscal year starts February\n\n'
    'artifact sheet doc "Sheet" <https://example.com/?a=1,b=2>\n\n'
    'phase p "Plan"\n'
    '  at -4w as draft: PMs draft "the plan", a naïve 计划 in the #sheet\n'
    '  at -3w: Ops @PM reviews, then =1+1\n'
    + "".join(f'  meeting m{n} "{title}" at -2w\n    scheduled by Ops\n    goal "g"\n'
              for n, title in enumerate([r'=HYPERLINK(\"https://evil.example\",\"x\")', "+SUM(A1)", "-2+3",
                                         "@SUM(1)", "\ttab first", "esc \x1b[31m red"], start=1))
)


def test_cells_read_back_exactly_as_intended(tmp_path):
    path = project(tmp_path, "tricky.okrp", TRICKY)
    result = run("compile", path.name, "--to", "csv", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in records(result.stdout_bytes)}
    assert rows["draft"]["text"] == 'draft "the plan", a naïve 计划 in the #sheet'  # commas, quotes, other alphabets
    assert rows["draft"]["links"] == "https://example.com/?a=1,b=2"
    assert rows["draft"]["actors"] == "PM"  # an alias, as the role it stands for
    assert rows["draft"]["offset"] == "'-4w"  # shown as -4w by a spreadsheet
    assert rows["p/ops-pm-reviews-then-1-1"]["text"] == "'@PM reviews, then =1+1"
    assert [rows[f"m{n}"]["text"] for n in range(1, 7)] == [
        "'=HYPERLINK(\"https://evil.example\",\"x\")", "'+SUM(A1)", "'-2+3", "'@SUM(1)",
        "\\ttab first",  # CSV has no escapes: a control character is written as text output writes it
        "esc \\x1b[31m red",
    ]
    assert '"\'=HYPERLINK(""https://evil.example"",""x"")"' in result.stdout_bytes.decode("utf-8")


def test_csv_text_quotes_what_it_must_and_neutralises_every_cell():
    cells = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", "=1+1", "+1", "-4w", "@CEO", "\tx", "\rx", "naïve", ""]
    text = csv_text(tuple(f"c{n}" for n in range(len(cells))), [cells])
    assert text.startswith("c0,c1,") and text.endswith("\r\n")
    (read,) = rows_of(text.encode("utf-8"))[1:]
    assert read == ['a,b', 'say "hi"', "two\\nlines", "cr\\rhere", "'=1+1", "'+1", "'-4w", "'@CEO", "\\tx", "\\rx",
                    "naïve", ""]


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-4w", "'-4w"), ("@CEO", "'@CEO"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("", ""), ("x=1", "x=1"), ("'=1", "'=1"), (" =1", " =1"),
])
def test_neutralised(cell, expected):
    assert neutralised(cell) == expected


def _dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from("=+-@\t\r\n\",'")),
                min_size=1, max_size=5))
def test_neutralise_then_write_then_read_gives_the_neutralised_text(cells):
    out = io.StringIO(newline="")
    csv.writer(out, dialect="excel", lineterminator="\r\n").writerow([neutralised(cell) for cell in cells])
    (read,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert read == [neutralised(cell) for cell in cells]
    assert not any(_dangerous(cell) for cell in read)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=4))
def test_csv_text_reads_back_as_its_cells_shown_then_neutralised(rows):
    read = rows_of(csv_text(("a", "b"), rows).encode("utf-8"))
    assert read[0] == ["a", "b"]
    assert read[1:] == [[neutralised(shown(cell)) for cell in row] for row in rows]
    assert not any(_dangerous(cell) or re.search("[\x00-\x1f]", cell) for row in read[1:] for cell in row)


# --- without a quarter, and for OKR sets ----------------------------------------------------------------

UNDATED = (
    'include "roles.okrp"\n\nphase p "P"\n'
    "  at -4w on 2022-06-27: PM drafts\n"
    "  every 2 weeks on Monday: PM checks in\n"
    "  ongoing: PM keeps notes\n"
)


def test_without_a_quarter_every_item_is_one_undated_row(tmp_path):
    project(tmp_path, "undated.okrp", UNDATED)
    result = run("compile", "undated.okrp", "--to", "csv", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    rows = records(result.stdout_bytes)
    assert [(r["date"], r["due"], r["occurrence"], r["offset"], r["text"]) for r in rows] == [
        ("", "", "", "'-4w on 2022-06-27", "drafts"),
        ("", "", "", "every 2 weeks on Monday", "checks in"),
        ("", "", "", "ongoing", "keeps notes"),
    ]


def test_a_file_of_okrs_gives_one_row_per_key_result():
    result = run("compile", "specs/fy23-q3-okrs.okrp", "--to", "csv")
    header, *rows = rows_of(result.stdout_bytes)
    assert tuple(header) == KEY_RESULT_COLUMNS
    assert len(rows) == (ROOT / "specs" / "fy23-q3-okrs.okrp").read_text(encoding="utf-8").count("\n    kr ")
    found = {row["id"]: row for row in records(result.stdout_bytes)}
    assert found["C3.2"] == {
        "id": "C3.2", "quarter": "FY23-Q3", "objective": "C3", "level": "company",
        "title": "Hire to the approved R&D headcount plan", "owners": "CTO; VPP",
        "target": "95% of planned R&D hires started", "progress": "35", "score": "", "health": "at-risk", "links": "",
    }
    assert found["E1.1"]["target"] == "'-50% past-SLO vulnerabilities"


def test_a_file_with_a_schedule_and_an_okr_set_gives_the_schedule_and_names_the_okr_set(tmp_path):
    okrs = "\n\npolicy\n  company objectives: 1\n\nokrs for FY23-Q3\n" \
        '  objective C1 company "Grow" owner CEO\n    kr C1.1 "More" progress 10%\n'
    process = 'include "roles.okrp"\n\nprocess "P" for FY23-Q3\n\nphase p "P"\n  at -4w: PM drafts\n'
    project(tmp_path, "both.okrp", process + okrs)
    result = run("compile", "both.okrp", "--to", "csv", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert tuple(rows_of(result.stdout_bytes)[0]) == SCHEDULE_COLUMNS
    assert "both.okrp:12:1: warning: the CSV leaves out OKR sets [OKR402]" in result.stderr


# --- what no cell shows -------------------------------------------------------------------------------------


def test_what_no_cell_shows_is_one_warning_per_kind_at_the_first_of_them():
    result = run("compile", "specs/fy23-q3.okrp", "--to", "csv")
    assert result.exit_code == 0
    warnings = re.findall(r"^(specs/fy23-q3\.okrp:\d+:\d+): warning: the CSV leaves out (.*) \[OKR402\]$",
                          result.stderr, re.MULTILINE)
    assert warnings == [
        ("specs/fy23-q3.okrp:27:12", "who leads a step (`led by`)"),
        ("specs/fy23-q3.okrp:28:5", "sub-steps: 9 in this file, the first here"),
        ("specs/fy23-q3.okrp:32:11", "notes: 11 in this file, the first here"),
        ("specs/fy23-q3.okrp:35:10", "meeting goals: 3 in this file, the first here"),
        ("specs/fy23-q3.okrp:38:15", "meeting attendees: 8 in this file, the first here"),
        ("specs/fy23-q3.okrp:64:16", "the `after` of an item with a date of its own: 7 in this file, the first here"),
        ("specs/fy23-q3.okrp:82:5", "approvals of permissions"),
    ]
    assert "= hint: the actors column holds who schedules a meeting; `okrdsl compile --to json` holds" in result.stderr
    assert result.stdout.startswith("id,occurrence,")  # the warnings go to standard error only


def test_a_file_of_okrs_names_what_its_rows_leave_out():
    result = run("compile", "specs/examples/fy24-q1-ceo-okrs.okrp", "--to", "csv")
    assert result.exit_code == 0
    assert re.findall(r"^\S+: warning: the CSV leaves out ([^:\[]*)", result.stderr, re.MULTILINE) == [
        "objective titles, owners, alignment and links", "link titles ",
    ]


def test_a_catalogue_of_roles_is_a_header_and_a_warning():
    result = run("compile", "specs/roles.okrp", "--to", "csv")
    assert (result.exit_code, result.stdout_bytes) == (0, b"id,occurrence,date,due,offset,phase,kind,actors,text,links\r\n")
    assert result.stderr.startswith("specs/roles.okrp:6:3: warning: the CSV has no rows: this file has no steps, "
                                    "meetings, cadences, permissions or key results [OKR402]")


def test_a_spec_with_errors_writes_no_csv(tmp_path):
    project(tmp_path, "broken.okrp", 'phase kickoff "Kick-off"\n  at -8w: Nobody drafts the OKRs\n')
    result = run("compile", "broken.okrp", "--to", "csv", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
