"""The grammar ships inside the wheel, and an installed (non-editable) okrdsl parses specs
from any folder."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (found,) = out.glob("okrdsl-*.whl")
    return found


def test_the_wheel_contains_the_grammar(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "okrdsl/grammar/okrp.lark" in names
    grammar = zipfile.ZipFile(wheel).read("okrdsl/grammar/okrp.lark").decode()
    assert grammar == (ROOT / "grammar" / "okrp.lark").read_text(encoding="utf-8")
    # The analysed parser too, so that no installed okrdsl builds its tables at run time.
    assert zipfile.ZipFile(wheel).read("okrdsl/data/parser.json") == (ROOT / "okrdsl" / "data" / "parser.json").read_bytes()
    assert zipfile.ZipFile(wheel).read("okrdsl/parser_tables.py") == (ROOT / "okrdsl" / "parser_tables.py").read_bytes()


def test_an_installed_wheel_checks_specs_from_another_folder(wheel, tmp_path):
    # A fresh environment that sees the packages installed here (through a .pth file,
    # which adds the folders but not their own .pth files, so the editable okrdsl stays
    # out of sight). pip installs the wheel offline, with its dependencies: a missing or
    # unsatisfiable requirement fails here, wherever the tests run.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    inner = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    Path(inner, "outer-packages.pth").write_text("".join(f"{p}\n" for p in sorted(outer)), encoding="utf-8")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True,
    )
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import okrdsl, sys; "
        f"spec, d = okrdsl.load({str(ROOT / 'specs' / 'fy23-q3.okrp')!r}); "
        "print(okrdsl.__file__); print(len(spec.phases), d); "
        "from okrdsl.grammar import grammar_text, lark_release, load_tables; "
        "print(load_tables(grammar_text()) is not None, lark_release())"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", script], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    location, summary, from_tables = result.stdout.splitlines()
    assert str(env_dir) in location
    assert summary == "2 ()"
    # The wheel's own tables are used, with the lark release they were made by (else built, as designed).
    header = (ROOT / "okrdsl" / "data" / "parser.json").read_text(encoding="utf-8").split("\n")[0]
    made_by = json.loads(header)["lark"]
    used, release = from_tables.split()
    assert used == str(release == made_by)
