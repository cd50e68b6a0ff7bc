"""okrdsl's version, written here and nowhere else.

pyproject.toml takes it from this file (`[tool.hatch.version]`), so the package's
metadata says the same; `okrdsl --version`, `okrdsl.__version__`, reports and the
result cache read it here, without importlib.metadata, whose import alone costs
more than a small check (tests/test_startup.py keeps it off the path of a check).
"""

__version__ = "0.1.0"
