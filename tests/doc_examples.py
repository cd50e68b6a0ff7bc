"""Runs the examples in README.md and docs/*.md, so that they cannot rot.

Conventions for fenced blocks in the docs:

- ```okrp              a complete file that must check with no problems.
- ```okrp layout=free  the same, in a layout `okrdsl fmt` would change on purpose
                       (comments at odd places, say); other okrp blocks are formatted.
- ```okrp file=NAME    a file written as NAME into the example folder, where
                       later console blocks of the same page can use it. It
                       may hold mistakes on purpose.
- ```python            run as a script in the example folder; must not raise.
- ```yaml              parsed; its hook ids must exist and its okrdsl commands must run.
- ```toml              parsed with tomllib. With file=NAME (a pyproject.toml or an
                       .okrdsl.toml, in a subfolder too) it is also written into the
                       example folder, and must be an okrdsl configuration without a
                       mistake, unless its options say `mistake=yes`.
- ```text file=NAME    written into the example folder (a .gitignore, say).
- ```console           lines starting with "$ okrdsl" are commands; the lines
                       after one, up to the next command, are its exact output.
                       "# exit N" as the last output line states the exit code.
- ```mermaid           a chart, which must follow a line `<!-- $ okrdsl compile ... -->`
                       (hidden where the page is shown): the block is exactly what
                       that command prints on standard output.

Each page runs in a fresh folder holding a copy of specs/roles.okrp as
roles.okrp, so examples can `include "roles.okrp"`; commands naming specs/
run against a copy of the repository's specs folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@attrs.frozen
class Block:
    page: str
    line: int
    lang: str
    options: dict
    body: str
    before: str = ""  # the line just above the opening fence

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        info = match.group(1).split()
        lang = info[0] if info else ""
        options = dict(part.split("=", 1) for part in info[1:] if "=" in part)
        line = text.count("\n", 0, match.start()) + 1
        before = text[:match.start()].rstrip("\n").rpartition("\n")[2]
        found.append(Block(str(page.relative_to(ROOT)), line, lang, options, match.group(2), before))
    return found


def prepare(folder: Path) -> None:
    shutil.copy(ROOT / "specs" / "roles.okrp", folder / "roles.okrp")
    shutil.copytree(ROOT / "specs", folder / "specs")


@attrs.frozen
class Command:
    argv: list[str]
    output: str
    exit_code: int | None


def commands(block: Block) -> list[Command]:
    found: list[Command] = []
    current: list[str] | None = None
    output: list[str] = []

    def flush():
        if current is None:
            return
        exit_code = None
        if output and re.fullmatch(r"# exit \d+", output[-1]):
            exit_code = int(output.pop()[len("# exit "):])
        found.append(Command(current, "\n".join(output).rstrip(), exit_code))

    for line in block.body.splitlines():
        if line.startswith("$ "):
            flush()
            current, output = shlex.split(line[2:]), []
        elif current is not None:
            output.append(line.rstrip())
    flush()
    return found
