"""The multi-file fixtures, and proof that every code okrdsl can report is triggered somewhere."""

from __future__ import annotations

import contextlib

import os
import re
from pathlib import Path

import okrdsl
from okrdsl.check import check
from okrdsl.diagnostics import UsageProblem
from okrdsl.limits import MAX_FILE_BYTES, MAX_LINE_CHARS
from okrdsl.rules import all_codes

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
MARK = re.compile(rb"#\s*(OKR\d{3})\b")


def marked() -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(FIXTURES.rglob("*.okrp")):
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            for match in MARK.finditer(line):
                found.add((os.path.relpath(path, HERE), number, match.group(1).decode()))
    return found


def test_each_fixture_yields_exactly_its_marked_findings(monkeypatch):
    monkeypatch.chdir(HERE)
    result = check(["fixtures"])
    got = {(d.span.path, d.span.line, d.code) for d in result.diagnostics}
    assert got == marked()


def test_the_include_messages(monkeypatch):
    monkeypatch.chdir(HERE)
    messages = {d.code: d.message for d in check(["fixtures/includes", "fixtures/duplicates"]).diagnostics}
    assert messages["OKR100"] in (
        'cannot include "missing.okrp": no such file or folder: fixtures/includes/missing.okrp',
        'cannot include "../includes": fixtures/includes is a folder, not a .okrp file',
    )
    assert messages["OKR105"] == 'role "PM" is declared twice: the role at fixtures/duplicates/roles.okrp:3:3 has the same id'
    assert messages["OKR106"] == 'alias "PMs" of role "PgM" is already an alias of role "PM" (fixtures/duplicates/roles.okrp:3:28)'


def triggered_elsewhere(tmp_path) -> set[str]:
    """Codes that need a path rather than a file's content."""
    codes = {d.code for d in check([str(tmp_path / "missing.okrp")]).diagnostics}
    (tmp_path / "no-specs").mkdir()
    codes |= {d.code for d in check([str(tmp_path / "no-specs")]).diagnostics}
    codes |= {d.code for d in okrdsl.load(tmp_path).diagnostics}
    fifo = tmp_path / "pipe.okrp"
    os.mkfifo(fifo)
    codes |= {d.code for d in okrdsl.load(fifo).diagnostics}
    (tmp_path / "large.okrp").write_bytes(b"# x\n" * (MAX_FILE_BYTES // 4 + 1))
    (tmp_path / "long.okrp").write_text("# " + "x" * MAX_LINE_CHARS + "\n", encoding="utf-8")
    codes |= {d.code for d in check([str(tmp_path / "large.okrp"), str(tmp_path / "long.okrp")]).diagnostics}
    for number, text in enumerate(('[tool.okrdsl]\nignore = "OKR502"\nstricct = true\n', "[tool.okrdsl\n")):
        project = tmp_path / f"configured{number}"
        project.mkdir()
        (project / "pyproject.toml").write_text(text, encoding="utf-8")
        (project / "q.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
        codes |= {d.code for d in check([str(project)]).diagnostics}
    return codes | compiled(tmp_path)


def compiled(tmp_path) -> set[str]:
    """Codes that an output of `okrdsl compile` gives: a step with a sub-step, in every target."""
    from okrdsl.check import compile_file
    from okrdsl.emit import Options
    from okrdsl.emit.targets import FORMATS

    path = tmp_path / "compiled.okrp"
    path.write_text('roles\n  PM "Product Manager"\n\nphase p "P"\n  at -4w: PM drafts\n    PM asks\n', encoding="utf-8")
    linked = compile_file(str(path)).linked
    found = set()
    for emit in FORMATS.values():
        with contextlib.suppress(UsageProblem):  # a target that needs dates refuses a spec with no quarter
            found |= {d.code for d in emit(linked, Options()).diagnostics}
    return found


def test_every_code_is_triggered_by_a_fixture_or_an_example(tmp_path):
    from_fixtures = {code for _, _, code in marked()}
    from_examples = set()
    for code in all_codes().values():
        if code.bad:
            from_examples |= {d.code for d in okrdsl.loads(code.bad).diagnostics}
            path = tmp_path / f"{code.id}.okrp"
            path.write_text(code.bad, encoding="utf-8")
            switched_on = ("OKR",) if code.opt_in else ()  # an opt-in rule runs only when selected
            from_examples |= {d.code for d in check([str(path)], select=switched_on).diagnostics}
    covered = from_fixtures | from_examples | triggered_elsewhere(tmp_path)
    assert sorted(set(all_codes()) - covered) == []


def test_a_fifo_is_refused_rather_than_read(tmp_path):
    fifo = tmp_path / "pipe.okrp"
    os.mkfifo(fifo)
    (diagnostic,) = okrdsl.load(fifo).diagnostics
    assert (diagnostic.code, diagnostic.message) == ("OKR014", f"{fifo} is not a regular file")
