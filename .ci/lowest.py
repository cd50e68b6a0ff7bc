"""Print pip constraints that hold every runtime dependency of pyproject.toml at the lowest
version its pin allows (`click>=8.2` gives `click==8.2`), so that CI can run the tests
against them and the pins stay honest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
for requirement in project["project"]["dependencies"]:
    name, lowest = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", requirement).groups()
    print(f"{name}=={lowest}")
