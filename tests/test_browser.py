"""The browser harness (tests/browser.py) sees what a browser shows: a mermaid gantt
chart's bars, mermaid's syntax error, an HTML page's marks, screenshot and errors."""

from __future__ import annotations

GANTT = """\
gantt
    title FY23-Q3 OKRs
    dateFormat YYYY-MM-DD
    section Kick-off
    Draft OKRs :draft, 2022-07-04, 2022-07-08
    Review with the CEO :review, after draft, 3d
    section Scoring
    Shared R&D session :milestone, m1, 2022-07-06, 0d
    Score the KRs :score, 2022-07-11, 2022-07-15
"""

# The second task has no colon before its dates: mermaid cannot parse it.
BROKEN_GANTT = """\
gantt
    dateFormat YYYY-MM-DD
    section Kick-off
    Draft OKRs :draft, 2022-07-04, 2022-07-08
    Review with the CEO 2022-07-11, 2022-07-15
"""

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_gantt_chart_renders_its_sections_tasks_and_milestone(browser):
    rendered = browser.render_mermaid(GANTT)
    assert rendered.error is None
    assert rendered.svg.startswith("<svg")
    assert "Syntax error" not in rendered.svg
    assert (rendered.section_count, rendered.task_count, rendered.milestone_count) == (2, 3, 1)
    assert sorted(rendered.labels) == ["Draft OKRs", "Review with the CEO", "Score the KRs", "Shared R&D session"]
    assert rendered.page.errors == []
    assert rendered.page.blocked == []


def test_a_broken_gantt_chart_is_a_syntax_error(browser):
    rendered = browser.render_mermaid(BROKEN_GANTT)
    assert rendered.error is not None
    assert "Parse error on line 5" in rendered.error
    # What a reader of the page would see: mermaid's error diagram.
    assert "Syntax error in text" in rendered.svg
    assert rendered.task_count == 0


def test_a_page_with_four_svg_rects(browser):
    page = browser.open_page("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>marks</title></head>
<body><svg width="200" height="60" xmlns="http://www.w3.org/2000/svg">
  <rect class="bar" x="0" y="10" width="40" height="20" fill="teal"/>
  <rect class="bar" x="50" y="10" width="40" height="20" fill="teal"/>
  <rect class="bar" x="100" y="10" width="40" height="20" fill="teal"/>
  <rect class="milestone" x="150" y="10" width="20" height="20" fill="orange"/>
</svg></body></html>
""")
    assert page.count("svg rect") == 4
    assert page.count("svg rect.bar") == 3
    assert page.errors == []
    assert page.blocked == []
    png = page.screenshot.read_bytes()
    assert png.startswith(PNG) and len(png) > 1000
    assert "<rect" in page.dom


def test_a_script_that_throws_is_reported(browser):
    page = browser.open_page("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>throws</title></head>
<body><script>
console.error("drawing failed: no tasks");
document.body.append(undefinedTimeline.render());
</script></body></html>
""")
    assert page.console_errors == ["drawing failed: no tasks"]
    assert len(page.page_errors) == 1
    assert "undefinedTimeline is not defined" in page.page_errors[0]


def test_a_page_fetches_nothing_from_the_network(browser):
    page = browser.open_page("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>remote</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>
<body><img src="http://example.com/logo.png" alt=""></body></html>
""")
    assert sorted(page.blocked) == ["http://example.com/logo.png", "https://cdn.example.com/style.css"]
