"""What `okrdsl check` imports to start: only what the default run uses (issue 13, and
docs/performance.md). A module named here costs milliseconds on every run of a pre-commit
hook or an editor's check; a change that imports one again on this path fails here."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import okrdsl
from okrdsl.grammar import tables_current
from okrdsl.version import __version__

ROOT = Path(__file__).resolve().parent.parent

# Run `okrdsl check ARGS` as the console script does, then print which of the modules
# named on the command line were imported.
IMPORTED = """
import sys
modules, sys.argv = sys.argv[1].split(","), ["okrdsl", *sys.argv[2:]]
from okrdsl._entry import main
try:
    main()
except SystemExit:
    pass
print("imported:", " ".join(sorted(name for name in modules if name in sys.modules)))
"""

# Never on the default path: lark (the fast parse reads the shipped tables; lark's parser is
# loaded only to explain a syntax error), the version from package metadata (email and csv
# come with it), the machine formats, pathspec for plain patterns, TOML where no
# configuration names okrdsl, what only a parallel check or a score roll-up needs, the
# schedule of a quarter, tempfile (the cache makes its own temporary files), pathlib (with
# urllib and ipaddress), the standard library's calendar, textwrap (a rule's documentation
# is read only when asked for), difflib (only a mistake is given a suggestion) and the other
# commands (okrdsl.commands: only `check` is built). Under --no-cache, not hashlib (3 ms)
# nor json (1.5 ms) either: nothing is digested or stored for the result cache, and the fast
# parser's tables are a Python module.
# Under another lark release than the one that made the shipped tables (CI's run at the lowest
# versions the pins allow), lark builds the parser on every run, and imports what it needs.
CURRENT = tables_current()
NEVER = ("lark", "importlib.metadata", "email", "csv", "okrdsl.report.machine", "okrdsl.report.sarif", "pathspec",
         "tomllib", "multiprocessing", "concurrent.futures", "statistics", "okrdsl.schedule", "tempfile",
         "pathlib", "calendar", "textwrap", "difflib", "okrdsl.commands")
# What building the parser imports, with json to read the stale tables first.
LARK_BRINGS = ("lark", "tempfile", "textwrap", "hashlib", "json")


def imported(cwd: Path, *args: str, modules=NEVER) -> list[str]:
    done = subprocess.run([sys.executable, "-c", IMPORTED, ",".join(modules), *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    line = done.stdout.splitlines()[-1]
    assert line.startswith("imported:"), done.stdout + done.stderr
    found = line.split()[1:]
    return found if CURRENT else [name for name in found if name not in LARK_BRINGS]


@pytest.fixture
def project(tmp_path) -> Path:
    """A git project as most are: a pyproject.toml that is not okrdsl's, a .gitignore of plain
    patterns, and the example specs."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "team-okrs"\nversion = "1.0"\n', encoding="utf-8")
    (tmp_path / ".gitignore").write_text("# made by hand\n__pycache__/\n*.pyc\n/build\n.venv/\n", encoding="utf-8")
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    return tmp_path


def test_a_default_check_imports_only_what_it_uses(project):
    assert imported(project, "check", "specs", "--no-cache", modules=(*NEVER, "hashlib", "json")) == []
    assert imported(project, "check", "specs") == []  # with the result cache: written here, read next time
    assert imported(project, "check", "specs") == []


def test_a_check_answered_from_the_cache_imports_neither_the_parser_nor_the_ir(project):
    modules = ("okrdsl.parse", "okrdsl.ir", "okrdsl.rules")
    assert imported(project, "check", "specs", modules=modules) == sorted(modules)  # fills the cache
    assert imported(project, "check", "specs", modules=modules) == []


def test_what_a_check_does_not_use_by_default_is_still_imported_when_it_is_used(project):
    # The guard above can fail: each of these does import what it needs.
    (project / ".gitignore").write_text("!keep.okrp\n", encoding="utf-8")
    assert imported(project, "check", "specs", "--no-cache", modules=("pathspec",)) == ["pathspec"]
    (project / "pyproject.toml").write_text("[tool.okrdsl]\nstrict = false\n", encoding="utf-8")
    assert imported(project, "check", "specs", "--no-cache", modules=("tomllib",)) == ["tomllib"]
    assert imported(project, "check", "specs", "--no-cache", "--format", "sarif",
                    modules=("okrdsl.report.sarif",)) == ["okrdsl.report.sarif"]
    if CURRENT:  # (else lark's parser brings them anyway)
        assert imported(project, "check", "specs", modules=("hashlib", "json")) == ["hashlib", "json"]  # the cache


# Run `okrdsl ARGS`, then say whether lark's own parser was loaded (see okrdsl/grammar.py).
LOADED = """
import sys
sys.argv = ["okrdsl", *sys.argv[1:]]
from okrdsl._entry import main
try:
    main()
except SystemExit:
    pass
import okrdsl.grammar
print("lark's parser loaded:", okrdsl.grammar.parser.cache_info().currsize == 1)
"""


def lark_parser_loaded(cwd: Path, *args: str) -> bool:
    done = subprocess.run([sys.executable, "-c", LOADED, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[-1] == "lark's parser loaded: True"


def test_only_a_syntax_error_loads_lark_s_parser(project):
    # A clean check reads the fast parser's half of the shipped tables alone (unless they are
    # for another lark release: lark's parser is then built, and driven by the fast loop).
    assert lark_parser_loaded(project, "check", "specs", "--no-cache") is not CURRENT
    (project / "specs" / "draft.okrp").write_text('roles\n  PM "Product Manager"\nphase\n', encoding="utf-8")
    assert lark_parser_loaded(project, "check", "specs", "--no-cache")


def test_the_version_needs_neither_the_pipeline_nor_package_metadata(project):
    modules = ("importlib.metadata", "lark", "okrdsl.check")
    assert imported(project, "--version", modules=modules) == []


def test_the_version_is_written_once_and_the_package_metadata_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"] == {"path": "okrdsl/version.py"}
    # The installed metadata is made from okrdsl/version.py when okrdsl is installed: a
    # version changed since needs `pip install -e .` again.
    assert importlib.metadata.version("okrdsl") == __version__ == okrdsl.__version__
