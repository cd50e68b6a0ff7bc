"""The shipped specs: each parses and builds cleanly, and FY23-Q3's IR matches its golden file.

Regenerate the golden file after an intended change with:
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_specs.py
"""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import attrs
import pytest

import okrdsl
from okrdsl.check import check
from okrdsl.source import Span

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").rglob("*.okrp"))
GOLDEN = Path(__file__).parent / "golden"
SEED = ROOT.parent / "shared" / "seed" / "000_be770d0dc90f5663.txt"


def to_data(value):
    """The IR as plain data, spans written as 'line:col-line:col'."""
    if isinstance(value, Span):
        return f"{value.line}:{value.column}-{value.end_line}:{value.end_column}"
    if attrs.has(type(value)):
        data = {"node": type(value).__name__}
        data.update({f.name: to_data(getattr(value, f.name)) for f in attrs.fields(type(value))})
        return data
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_every_quarter_of_the_seed_is_shipped():
    names = {path.name for path in SPECS}
    assert {"roles.okrp", "fy22-q4.okrp", "fy23-q1.okrp", "fy23-q2.okrp", "fy23-q3.okrp", "fy23-q3-okrs.okrp",
            "fy24-q1-ceo-okrs.okrp"} <= names


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spec_loads_without_diagnostics(path):
    spec, diagnostics = okrdsl.load(path)
    assert diagnostics == ()
    assert spec.roles or spec.process or spec.okr_sets


def test_check_on_the_specs_folder_is_clean():
    """The folder is checked with the folders below it: the quarters and specs/examples/."""
    result = check([str(ROOT / "specs")])
    assert result.diagnostics == ()
    assert result.file_count == len(SPECS)


@pytest.mark.parametrize("name", ["fy23-q3.okrp", "roles.okrp"])
def test_golden_ir(name):
    spec, _ = okrdsl.load(ROOT / "specs" / name)
    data = to_data(attrs.evolve(spec, path=f"specs/{name}"))
    data["comments"] = to_data(spec.comments)
    golden = GOLDEN / (name.replace(".okrp", ".ir.json"))
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    text = re.sub(re.escape(str(ROOT) + os.sep), "", text)
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.skipif(not SEED.exists(), reason="the seed page is not beside this checkout")
def test_every_url_of_the_seed_page_is_in_the_specs():
    seed = SEED.read_text(encoding="utf-8")
    urls = set(re.findall(r"\]\(([^)\s]+)\s*\)", seed)) | set(re.findall(r'src="([^"]+)"', seed))
    urls.discard("TBD")
    text = "".join(path.read_text(encoding="utf-8") for path in SPECS)
    assert sorted(url for url in urls if url not in text) == []
    assert len(urls) >= 30


def test_quarters_name_their_own_leaders():
    def actors(name):
        spec, _ = okrdsl.load(ROOT / "specs" / name)
        found = set()
        for item in spec.items():
            found.update(a.value for a in getattr(item, "actors", ()))
            found.update(a.value for a in getattr(item, "scheduled_by", ()))
            found.update(a.value for a in getattr(item, "attendees", ()))
            found.update(r.name.value for r in getattr(getattr(item, "text", None), "refs", ()) if r.kind == "role")
            for task in getattr(item, "tasks", ()):
                found.update(a.value for a in task.actors)
                found.update(r.name.value for r in task.text.refs if r.kind == "role")
        return found

    for name in ("fy22-q4.okrp", "fy23-q1.okrp"):
        assert "CProdO" in actors(name), name
    for name in ("fy23-q2.okrp", "fy23-q3.okrp"):
        assert "VPP" in actors(name) and "CProdO" not in actors(name), name


def test_fy22_q4_meetings_are_on_the_handbook_dates():
    spec, _ = okrdsl.load(ROOT / "specs" / "fy22-q4.okrp")
    dates = [item.when.date for item in spec.items() if type(item).__name__ == "Meeting"]
    assert dates == [datetime.date(2021, 9, 20), datetime.date(2021, 9, 22), datetime.date(2021, 9, 27)]
