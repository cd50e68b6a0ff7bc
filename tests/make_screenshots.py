"""Make the pictures of docs/images from the shipped specs, with the browser harness:

    python -m tests.make_screenshots

Run it by hand after a change to the HTML page, look at the pictures, and commit them; the
tests never rewrite them. It needs Chromium, as the browser tests do (tests/browser.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from okrdsl.cli import main
from tests import browser as harness

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
# (picture, spec, what to picture): the timeline of docs/outputs.md.
PICTURES = [("timeline-fy23-q3.png", "specs/fy23-q3.okrp", "#timeline")]


def html_of(spec: str) -> str:
    result = CliRunner().invoke(main, ["compile", str(ROOT / spec), "--to", "html"])
    if result.exit_code != 0:
        raise SystemExit(f"okrdsl compile {spec} --to html failed:\n{result.output}")
    return result.stdout


def main_() -> None:
    if reason := harness.missing_chromium():
        raise SystemExit(reason)
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        chromium = harness.launch(playwright)
        browser = harness.Browser(chromium, Path(folder))
        try:
            for name, spec, selector in PICTURES:
                page = browser.open_page(html_of(spec))
                if page.errors or page.blocked:
                    raise SystemExit(f"{spec}: {page.errors or page.blocked}")
                page.picture(selector, IMAGES / name)
                print(f"wrote {(IMAGES / name).relative_to(ROOT)}", file=sys.stderr)
        finally:
            browser.close()
            chromium.close()


if __name__ == "__main__":
    main_()
