"""Test options: `--update-golden` rewrites golden files from the current output (the same as
setting OKRDSL_UPDATE_GOLDEN=1); without it, a golden file is only ever compared."""

from __future__ import annotations

import os


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files under tests/golden from the current output")


def pytest_configure(config):
    if config.getoption("--update-golden"):
        os.environ["OKRDSL_UPDATE_GOLDEN"] = "1"
