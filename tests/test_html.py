"""`okrdsl compile --to html`: the timeline page (golden files), what it shows of every spec,
and what headless Chromium makes of it (tests/browser.py): no error, no request, a mark per
dated entry, today's line where today is, user text shown as text.

Golden files: tests/golden/compile/<stem>.html; rewrite with OKRDSL_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from okrdsl.emit.timeline import DAY, MARGIN
from tests.fuzzing import mutated_specs
from tests.golden import matches
from tests.test_compile import ROOT, SPECS, compile_, relative
from tests.test_mermaid import CHARTED, schedule_items

PNG = b"\x89PNG\r\n\x1a\n"


def page_of(*args, cwd=ROOT) -> str:
    result = compile_(*args, "--to", "html", cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", SPECS, ids=relative)
def test_every_spec_matches_its_golden_page(path):
    page = page_of(relative(path))
    matches(f"compile/{path.stem}.html", page)
    assert page.startswith("<!doctype html>\n") and page.count("<html") == 1
    # Self-contained: nothing to load, nothing to run.
    assert "<script" not in page and " src=" not in page and "url(" not in page and "@import" not in page
    assert not re.search(r"<link\b", page)


@pytest.mark.parametrize("path", CHARTED, ids=relative)
def test_a_page_shows_every_entry_of_the_schedule(path):
    items = schedule_items(path)
    page = page_of(relative(path))
    dated = [item for item in items if item["date"] is not None]
    assert page.count('<g class="mark ') == len(dated)
    assert sorted(re.findall(r'<g class="mark [^"]*" data-date="([^"]+)"', page)) == sorted(i["date"] for i in dated)
    undated = [item for item in items if item["date"] is None]
    assert ("<h2>Not on the timeline</h2>" in page) == bool(undated)
    if undated:
        section = page[page.index('<section id="undated">'):]
        assert section.count("<tr><td>") == len(undated)


def test_the_page_has_no_warnings_for_what_it_lists_as_undated():
    result = compile_("specs/fy22-q4.okrp", "--to", "html")
    assert result.exit_code == 0
    assert "OKR402" not in result.stderr
    assert "ongoing" in result.stdout and "a permission" in result.stdout


def test_the_page_title_is_the_process_and_its_quarter():
    page = page_of("specs/fy23-q3.okrp")
    assert "<title>FY23 Q3 Product OKR Workflow (FY23-Q3)</title>" in page
    assert "<h1>FY23 Q3 Product OKR Workflow (FY23-Q3)</h1>" in page


def test_hover_text_gives_date_time_as_written_who_and_what():
    page = page_of("specs/fy23-q3.okrp")
    assert ("<title>#4: 2022-06-20 (Mon) to 2022-06-27 (Mon)\nwithin 1w after session1\nProduct Operations\n"
            "CTO and VPP discuss Shared R&amp;D OKRs 1:1</title>") in page
    assert "<title>#1: 2022-06-06 (Mon)\n-8w\nProduct Leadership Team\ndrafts initial OKRs" in page


def test_an_okr_set_is_a_tree_with_owners_progress_score_and_health():
    page = page_of("specs/examples/fy24-q1-ceo-okrs.okrp")
    assert "<title>OKRs for FY24-Q1</title>" in page
    assert page.count('<tr class="objective ') == 3 and page.count('<tr class="key-result ') == 5
    row = re.search(r'<tr class="key-result good"><td class="depth-2">C1\.1</td>.*?</tr>', page)[0]
    assert "Chief Executive Officer (inherited)" in row and "88%" in row and ">on-target<" in row
    assert '<span class="health good">on-track</span>' in row
    assert '<tr class="level poor"><td class="depth-0">company level</td>' in page
    assert "77.5%" in page  # the company level's mean score, as okrdsl status rolls it up
    assert '<a href="https://gitlab.com/gitlab-com/gitlab-OKRs/-/work_items/9">Net retention dashboard</a>' in page
    assert '<section id="timeline">' not in page


def test_a_spec_with_a_process_and_an_okr_set_gets_both(tmp_path):
    roles = (ROOT / "specs/roles.okrp").read_text(encoding="utf-8")
    process = (ROOT / "specs/fy23-q3.okrp").read_text(encoding="utf-8").replace('include "roles.okrp"', "")
    okrs = (ROOT / "specs/fy23-q3-okrs.okrp").read_text(encoding="utf-8").replace('include "roles.okrp"', "")
    (tmp_path / "both.okrp").write_text(roles + process + okrs, encoding="utf-8")
    page = page_of("both.okrp", cwd=tmp_path)
    assert '<section id="timeline">' in page and '<section class="okrs">' in page
    assert page.count('<g class="mark ') == 19


def test_a_process_no_quarter_dates_lists_every_item_as_undated():
    import okrdsl
    from okrdsl.emit import Options
    from okrdsl.emit.timeline import to_html
    from okrdsl.link import link

    spec = okrdsl.loads('roles\n  PM "Product Manager"\n\nprocess "P" for FY23-Q3\n\nphase p "Drafting"\n'
                        "  at -4w: PM drafts\n  ongoing: PM listens\n", "p.okrp").spec
    page = to_html(link([spec], None), Options()).text
    assert "No quarter is known" in page and '<g class="mark' not in page
    assert page.count("<td>Drafting</td><td>Product Manager</td>") == 2


TITLES = """\
roles
  PO "Product Operations <img src=x onerror=alert(2)>"

process "Plan <script>alert(1)</script> & \\"quotes\\" 'too'" for FY23-Q3

phase kickoff "Kick-off <b>bold</b>"
  at -4w: PO adds <script>alert(3)</script> & more
"""


def test_user_text_is_escaped(tmp_path):
    (tmp_path / "titles.okrp").write_text(TITLES, encoding="utf-8")
    page = page_of("titles.okrp", cwd=tmp_path)
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


# --- in a browser -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHARTED, ids=relative)
def test_the_timeline_draws_a_mark_per_dated_entry(browser, path):
    dated = [item for item in schedule_items(path) if item["date"] is not None]
    page = browser.open_page(page_of(relative(path)))
    assert page.errors == [] and page.blocked == []
    assert page.count("svg .mark") == len(dated)
    assert page.count("svg .mark title") == len(dated)
    assert page.count("script") == 0
    png = page.screenshot.read_bytes()
    assert png.startswith(PNG) and len(png) > 10_000


def test_the_okr_page_renders(browser):
    page = browser.open_page(page_of("specs/examples/fy24-q1-ceo-okrs.okrp"))
    assert page.errors == [] and page.blocked == []
    assert page.count("table.okr-tree tbody tr") == 1 + 3 + 5
    assert page.text("table.okr-tree .health.poor") == ["at-risk", "at-risk", "at-risk"]
    assert page.screenshot.read_bytes().startswith(PNG)


def test_a_script_in_a_title_is_shown_as_text(browser, tmp_path):
    (tmp_path / "titles.okrp").write_text(TITLES, encoding="utf-8")
    page = browser.open_page(page_of("titles.okrp", cwd=tmp_path))
    assert page.errors == [] and page.blocked == []
    assert page.count("script") == 0 and page.count("img") == 0 and page.count("b") == 0
    title = "Plan <script>alert(1)</script> & \"quotes\" 'too' (FY23-Q3)"
    assert page.text("h1") == [title] and page.text("title")[0] == title
    assert page.text("table.entries td")[4:6] == ["Product Operations <img src=x onerror=alert(2)>",
                                                  "adds <script>alert(3)</script> & more"]


def test_today_is_a_line_on_its_own_day(browser):
    page = browser.open_page(compile_("specs/fy23-q3.okrp", "--to", "html", "--today", "2022-07-04").stdout)
    assert page.attributes("line.today", "data-date") == ["2022-07-04"]
    today = page.attributes("line.today", "x1")[0]
    # The step dated 2022-07-04 (-4w) is a dot in the middle of that day: the line goes through it.
    assert page.attributes('.mark[data-date="2022-07-04"] circle', "cx") == [today]
    start = page.attributes("svg[data-start]", "data-start")[0]
    assert start == "2022-06-06"
    assert int(today) == MARGIN + 28 * DAY + DAY // 2  # 2022-06-06 + 28 days
    assert page.text("p.period") == ["FY23-Q3: 2022-08-01 to 2022-10-31, today 2022-07-04"]


def test_no_today_no_line_and_a_far_today_is_a_note():
    assert 'class="today"' not in page_of("specs/fy23-q3.okrp")
    far = compile_("specs/fy23-q3.okrp", "--to", "html", "--today", "2030-01-01").stdout
    assert 'class="today"' not in far and "Today (2030-01-01) is too far from these dates to draw." in far


def test_the_quarter_is_bounded_by_its_first_and_last_day():
    page = page_of("specs/fy23-q3.okrp")
    start = int(re.search(r'class="quarter-start" data-date="2022-08-01" x1="(\d+)"', page)[1])
    end = int(re.search(r'class="quarter-end" data-date="2022-10-31" x1="(\d+)"', page)[1])
    assert end - start == 92 * DAY  # August to October: 92 days, the line after the last


@settings(max_examples=100, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
       .filter(lambda t: '"' not in t and "\\" not in t and t.strip() == t and t))
def test_any_title_is_shown_as_written(title):
    import okrdsl
    from okrdsl.emit import Options
    from okrdsl.emit.timeline import to_html
    from okrdsl.link import link
    from okrdsl.schedule import schedule_spec

    loaded = okrdsl.loads(f'roles\n  PM "Product Manager"\n\nprocess "{title}" for FY23-Q3\n\nphase p "{title}"\n'
                          "  at -4w: PM drafts\n", "t.okrp")
    if not loaded.ok:
        return
    page = to_html(link([loaded.spec], schedule_spec(loaded.spec)), Options()).text
    shown = html.unescape(re.search(r"<h1>(.*)</h1>", page)[1])
    assert shown == f"{loaded.spec.process.title} (FY23-Q3)"
    assert "<script" not in page.replace("&lt;script", "")
    lane = re.search(r'<text class="lane-title"[^>]*>(.*?)</text>', page)[1]
    assert html.unescape(lane) == loaded.spec.phases[0].title and "<" not in lane


@settings(max_examples=40, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_specs())
def test_any_spec_compiles_to_a_page_or_its_errors(files):
    import tempfile

    from tests.fuzzing import invoke, problems_with, write_project

    with tempfile.TemporaryDirectory() as tmp:
        write_project(Path(tmp), files)
        run = invoke("compile", str(Path(tmp) / "fuzz.okrp"), "--to", "html")
        assert problems_with(run, Path(tmp)) == []
        assert run.exit_code in (0, 1)


def test_the_table_shows_what_each_item_says_besides_its_text(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "q.okrp").write_text(
        'roles\n  PM "Product Manager"\n  VPP "VP of Product"\n\nprocess "Q" for FY23-Q3\n\n'
        'artifact board tool "Board" <https://example.com/board>\nartifact evil tool "Evil" <javascript:alert(1)>\n\n'
        'phase p "P"\n  at -4w: PM drafts the OKRs in #board and #evil\n    VPP reviews them\n    note: keep it short\n'
        '  allow PM: change a KR\n    approval from VPP\n', encoding="utf-8")
    page = page_of("q.okrp", "--to", "html", cwd=tmp_path)
    assert ('<ul class="details"><li>VP of Product: reviews them</li><li>Note: keep it short</li>'
            '<li><a href="https://example.com/board">Board</a></li><li>Evil (javascript:alert(1))</li></ul>') in page
    assert "<li>With approval from VP of Product</li>" in page
    assert 'href="javascript' not in page
