"""Fixtures shared by the test modules: `browser`, for rendering in headless Chromium
(see tests/browser.py)."""

from __future__ import annotations

import pytest

from tests import browser as harness


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, started once for the whole session (skipped, or under CI failed,
    where it is not installed)."""
    if reason := harness.missing_chromium():
        harness.unavailable(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        harness.unavailable("playwright is not installed; pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def browser(chromium, tmp_path):
    """This test's pages, written into its tmp_path and closed when it ends."""
    used = harness.Browser(chromium, tmp_path)
    yield used
    used.close()
