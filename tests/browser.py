"""Rendering in a real browser: Debian's Chromium, driven headless by Playwright.

Tests take the `browser` fixture (tests/conftest.py) and call:

- `browser.render_mermaid(text) -> Rendered`: the text rendered by the mermaid bundle of
  tests/npm/node_modules, as a page embedding it would (`<pre class="mermaid">`, then
  `mermaid.run()`), with the gantt chart's counts and mermaid's error, if any;
- `browser.open_page(html) -> Page`: any HTML page loaded from a file, with its console
  and page errors, a PNG screenshot, its DOM, and `count(selector)`.

Pages are files (file://), and a page may fetch nothing from the network: every other
request is refused and listed in `Page.blocked`. Chromium starts once per test session;
each page gets a fresh browser context and is closed at the end of its test.

Where Chromium (`/usr/bin/chromium`, or `$OKRDSL_CHROMIUM`) or the mermaid bundle
(`npm ci` in tests/npm, or `$OKRDSL_MERMAID_JS`) is missing, the tests that need it are
skipped, except under CI (`$CI` set), where they fail: a render test must never pass
unseen.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import attrs
import pytest

NPM = Path(__file__).resolve().parent / "npm"
CHROMIUM = Path(os.environ.get("OKRDSL_CHROMIUM") or "/usr/bin/chromium")
MERMAID_JS = Path(
    os.environ.get("OKRDSL_MERMAID_JS") or NPM / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
)

# Playwright adds --headless, --no-sandbox and a new empty --user-data-dir itself; these
# keep Chromium from reaching for the network this machine does not have.
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
LOCAL = ("file:", "data:", "blob:", "about:")


def unavailable(reason: str):
    """Skip the test for `reason`; under CI, fail it instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def missing_chromium() -> str | None:
    if not CHROMIUM.is_file():
        return f"Chromium not found at {CHROMIUM}; install Debian's chromium package (apt-get install chromium)"
    return None


def missing_mermaid() -> str | None:
    if not MERMAID_JS.is_file():
        return f"the mermaid bundle is not at {MERMAID_JS}; run `npm ci` in {NPM}"
    return None


@attrs.define
class Page:
    """A loaded page, open until the end of the test."""

    path: Path  # the HTML file loaded
    screenshot: Path  # a PNG of the whole page, taken once it was ready
    console_errors: list[str]  # console.error messages, as they come
    page_errors: list[str]  # exceptions no script caught
    blocked: list[str]  # URLs of network requests the page tried, all refused
    _page: Any = attrs.field(repr=False)

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors

    @property
    def dom(self) -> str:
        """The document as it stands now, serialised."""
        return self._page.content()

    def count(self, selector: str) -> int:
        """How many elements match a CSS selector."""
        return self._page.locator(selector).count()

    def text(self, selector: str) -> list[str]:
        """The text of each element matching a CSS selector."""
        return self._page.locator(selector).all_text_contents()

    def picture(self, selector: str, path: Path) -> None:
        """A PNG of the first element matching a CSS selector, written to `path`."""
        self._page.locator(selector).first.screenshot(path=str(path))

    def attributes(self, selector: str, name: str) -> list[str | None]:
        """The value of attribute `name` on each element matching a CSS selector (None where absent)."""
        return self._page.locator(selector).evaluate_all("(nodes, name) => nodes.map(n => n.getAttribute(name))", name)


@attrs.frozen
class Rendered:
    """What mermaid made of a text."""

    svg: str  # the <svg> mermaid drew (its error diagram, for text it could not parse)
    task_count: int  # gantt bars, milestones not counted
    milestone_count: int
    section_count: int
    labels: tuple[str, ...]  # the text on or beside each bar and milestone, in drawing order
    error: str | None  # mermaid's message for text it could not parse, else None
    page: Page


class Browser:
    """One test's use of the session's Chromium; pages are written into `folder`."""

    def __init__(self, chromium, folder: Path):
        self._chromium = chromium
        self._folder = folder
        self._contexts: list[Any] = []

    def open_page(self, html_text: str, *, ready: str | None = None) -> Page:
        """Load `html_text` from a file and wait until it has loaded and painted, and
        then, if given, until the JavaScript expression `ready` is true."""
        path = self._folder / f"page-{len(self._contexts) + 1}.html"
        path.write_text(html_text, encoding="utf-8")
        context = self._chromium.new_context(service_workers="block")
        self._contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        blocked: list[str] = []

        def refuse(route):
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", refuse)
        page = context.new_page()
        console_errors: list[str] = []
        page_errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        if ready:
            page.wait_for_function(ready)
        # Two animation frames: whatever the load event started has been laid out and painted.
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        screenshot = path.with_suffix(".png")
        page.screenshot(path=str(screenshot), full_page=True)
        return Page(path, screenshot, console_errors, page_errors, blocked, page)

    def render_mermaid(self, text: str) -> Rendered:
        """Render a mermaid diagram with the bundle from tests/npm."""
        if reason := missing_mermaid():
            unavailable(reason)
        page = self.open_page(MERMAID_PAGE.format(
            text=html.escape(text, quote=False), bundle=html.escape(MERMAID_JS.as_uri()),
        ), ready="window.mermaidDone !== undefined")
        outcome = page._page.evaluate("window.mermaidDone")
        svg = page._page.locator("pre.mermaid svg")
        error = None
        if outcome != "ok":
            error = outcome.removeprefix("error: ")
        elif page.count("pre.mermaid svg .error-text"):
            error = " ".join(page.text("pre.mermaid svg .error-text"))
        return Rendered(
            svg=svg.first.evaluate("node => node.outerHTML") if svg.count() else "",
            task_count=page.count("pre.mermaid svg rect.task:not(.milestone)"),
            milestone_count=page.count("pre.mermaid svg rect.task.milestone"),
            section_count=page.count("pre.mermaid svg text.sectionTitle"),
            labels=tuple(label.strip() for label in page.text(TASK_LABELS)),
            error=error,
            page=page,
        )

    def close(self) -> None:
        for context in self._contexts:
            context.close()


TASK_LABELS = ", ".join(
    f"pre.mermaid svg text.{kind}" for kind in ("taskText", "taskTextOutsideLeft", "taskTextOutsideRight")
)

# As an emitted HTML page would embed a chart. mermaid.run() renders its error diagram
# ("Syntax error in text") into the <pre> for text it cannot parse, and rejects.
MERMAID_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mermaid</title></head>
<body>
<pre class="mermaid">{text}</pre>
<script src="{bundle}"></script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
mermaid.run({{querySelector: "pre.mermaid"}}).then(
  () => {{ window.mermaidDone = "ok"; }},
  (error) => {{ window.mermaidDone = "error: " + ((error && error.message) || String(error)); }},
);
</script>
</body></html>
"""


def launch(playwright):
    """Start Debian's Chromium headless, as the session's one browser."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)

