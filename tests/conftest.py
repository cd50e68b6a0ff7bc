"""Shared test options and fixtures: `--update-golden` rewrites golden files from the current
output (the same as setting OKRDSL_UPDATE_GOLDEN=1; without it, a golden file is only ever
compared), and `browser`, for rendering in headless Chromium (see tests/browser.py)."""

from __future__ import annotations

import os

import pytest

from tests import browser as harness


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files under tests/golden from the current output")


def pytest_configure(config):
    if config.getoption("--update-golden"):
        os.environ["OKRDSL_UPDATE_GOLDEN"] = "1"


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
