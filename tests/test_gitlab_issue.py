"""`okrdsl compile --to gitlab-issue`: the body of a GitLab planning issue.

Golden files: tests/golden/compile/<stem>.gitlab.md. Regenerate after an intended change with
    OKRDSL_UPDATE_GOLDEN=1 python -m pytest tests/test_gitlab_issue.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import okrdsl
from okrdsl.cli import main
from okrdsl.emit import Options
from okrdsl.emit.gitlab import to_gitlab_issue
from okrdsl.link import link

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").rglob("*.okrp"))
GOLDEN = Path(__file__).parent / "golden" / "compile"
TASK = re.compile(r"^ *- \[ \] ", re.MULTILINE)


def run(*args, cwd=ROOT):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [*map(str, args)])
    finally:
        os.chdir(old)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def issue(path: str, *options, cwd=ROOT) -> str:
    result = run("compile", path, "--to", "gitlab-issue", *options, cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", [p for p in SPECS if p.name != "roles.okrp"], ids=relative)
def test_gitlab_issue_golden(path):
    text = issue(relative(path))
    golden = GOLDEN / f"{path.stem}.gitlab.md"
    if os.environ.get("OKRDSL_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_seeds_planning_steps_are_these_lines():
    lines = issue("specs/fy23-q3.okrp").splitlines()
    for line in [
        "## OKR Kick-off by the Product and Engineering Leadership Teams",
        "- [ ] 2022-06-06 (-8w) **Product Leadership Team** drafts initial OKRs aligned to the #themes, in "
        "preparation for Shared R&D OKR planning with Engineering (led by **Product Operations**)",
        "  - [ ] **Product Operations** leads this effort with the #pre_planning",
        "- [ ] 2022-06-20 (-6w) **Product Operations** Meeting: Shared R&D Objectives for OKRs - session 1 — "
        "[agenda](https://docs.google.com/document/d/1_BY9U0Fdin0Qke8UvmEJjGPDsNV-NXYW840wLjlpEsY/edit#)",
        "- [ ] 2022-06-20 to 2022-06-27 (within 1w after session1) **Product Operations** Meeting: CTO and VPP "
        "discuss Shared R&D OKRs 1:1",
        "- [ ] 2022-07-04 (-4w) **Product Operations** adds the aligned upon Shared R&D OKRs plus any additional "
        "Product organization specific OKRs to #planning",
        "  - [ ] **VP of Product** reviews the proposed OKRs with the `@CEO`",
        "    - Note: It is recommended for Product Managers to review and activate their #product_group to begin "
        "ideation on their Q4 KRs at this time.",
        "- [ ] 2022-07-18 (-2w) @gl-product-pm add any additional KRs to #ally",
        "- @gl-product-pm may create KRs not aligned to the existing quarter's OKRs, as long as it doesn't conflict "
        "with or create bandwidth challenges with the approved Shared R&D and Product organization OKRs for the "
        "quarter (approval from **A Product Manager's manager** and **Product Group (Quad + Infra + Security DRIs)**)",
    ]:
        assert line in lines


def test_every_scheduled_item_is_one_task_and_each_sub_step_a_nested_one():
    text = issue("specs/fy23-q3.okrp")
    schedule = json.loads(run("schedule", "specs/fy23-q3.okrp", "--format", "json").stdout)
    tasks = TASK.findall(text)
    dated = [item for item in schedule["items"] if item["kind"] != "permission"]
    assert sum(1 for t in tasks if t == "- [ ] ") == len(dated) == 19
    assert sum(1 for t in tasks if t.startswith("  ")) == 9
    assert not re.search(r"^- \[ \].*may create KRs", text, re.MULTILINE)  # a permission is no task


def test_markdown_it_reads_the_same_tasks():
    markdown_it = pytest.importorskip("markdown_it")
    text = issue("specs/fy23-q3.okrp")
    items = [t for t in markdown_it.MarkdownIt("commonmark").parse(text) if t.type == "list_item_open"]
    assert len(items) == len(re.findall(r"^ *- ", text, re.MULTILINE))


def test_a_cadence_is_one_task_that_lists_its_dates():
    lines = issue("specs/examples/weekly-and-fortnightly.okrp").splitlines()
    assert ("- [ ] (every 2 weeks on Monday) **Key Result owner** checks in on the progress and health of their KRs "
            "in #ally: 2023-02-06, 2023-02-20, 2023-03-06, 2023-03-20, 2023-04-03, 2023-04-17") in lines
    assert any(line.startswith("- [ ] (every week on Tuesday) **Chief of Staff to the CEO** Meeting: E-Group Weekly: "
                               "2023-01-03, 2023-01-10, ") for line in lines)


def test_without_a_quarter_a_task_gives_its_time_alone():
    # The grammar asks every process for its quarter, so only the library meets this case.
    spec, _ = okrdsl.loads((ROOT / "specs/examples/weekly-and-fortnightly.okrp").read_text(encoding="utf-8"), "w.okrp")
    lines = to_gitlab_issue(link([spec], None), Options()).text.splitlines()
    assert "- [ ] (-5w) **Chief Executive Officer** shares top goals in #okrs" in lines
    assert "- [ ] (between -3w and -2w in egroup_weekly) **E-Group** propose OKRs for their functions" in lines
    assert ("- [ ] (every 2 weeks on Monday) **Key Result owner** checks in on the progress and health of their KRs "
            "in #ally") in lines
    assert not any(re.match(r"- \[ \] \d", line) for line in lines)


def test_a_spec_with_neither_process_nor_okrs_is_an_empty_issue_with_a_warning():
    result = run("compile", "specs/roles.okrp", "--to", "gitlab-issue")
    assert result.exit_code == 0
    assert result.stdout == "" and "so the issue is empty [OKR402]" in result.stderr


def test_an_owner_with_a_handle_is_named_by_it(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "team-okrs.okrp").write_text(
        'roles\n  Team "The team" handle @gl-team\n\npolicy\n  company objectives: 1\n\nokrs for FY24-Q1\n'
        '  objective K1 company "Ship" owner Team\n'
        '    kr K1.1 "Ship it" target "3 releases" progress 40%\n', encoding="utf-8")
    lines = issue("team-okrs.okrp", cwd=tmp_path).splitlines()
    assert lines[:5] == ["## OKRs for FY24-Q1", "", "### K1 company: Ship — @gl-team", "",
                         "- [ ] K1.1 Ship it — @gl-team (target: 3 releases) — progress 40%"]


def test_a_key_result_is_a_task_under_its_objective():
    text = issue("specs/fy23-q3-okrs.okrp")
    lines = text.splitlines()
    heading = lines.index("### C1 company: Deliver customer results with a reliable and secure GitLab.com — "
                          "**Chief Executive Officer**")
    assert lines[heading + 2] == ("- [ ] C1.1 Keep GitLab.com availability at or above 99.95% in every month of the "
                                  "quarter — **Chief Technology Officer** (target: 99.95% monthly availability) — "
                                  "progress 67%, health on-track")
    assert len(TASK.findall(text)) == 18


HOSTILE = """\
roles
  PM      "Product Manager" aka gl-product-pm handle @gl-product-pm
  Lead    "Team lead"
  all     "Everyone"
  someone "Someone"

process "Escapes | in a <title>" for FY24-Q1
  fiscal year starts February

phase p "# Not a heading"
  at -2w: PM writes [ ] and [x] boxes, a <b>tag</b> & an &amp; entity, a | pipe, `code` and *stars*
  at -1w: Lead tells @all and @someone, but asks @gl-product-pm and mails pm@example.com
  at start: Lead files #123 and !45 ~label $x$ _under_ snake_case
"""


def test_user_text_cannot_break_the_list_or_notify_anyone(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "hostile.okrp").write_text(HOSTILE, encoding="utf-8")
    lines = issue("hostile.okrp", cwd=tmp_path).splitlines()
    assert lines[0] == r"# Escapes \| in a \<title\>"
    assert r"## \# Not a heading" not in lines and "## # Not a heading" in lines
    assert (r"- [ ] 2023-01-18 (-2w) @gl-product-pm writes \[ \] and \[x\] boxes, a \<b\>tag\</b\> & an \&amp; "
            r"entity, a \| pipe, \`code\` and \*stars\*") in lines
    assert ("- [ ] 2023-01-25 (-1w) **Team lead** tells `@all` and `@someone`, but asks @gl-product-pm and mails "
            "pm@example.com") in lines
    assert r"- [ ] 2023-02-01 (start) **Team lead** files #123 and \!45 \~label \$x\$ \_under\_ snake_case" in lines
    assert len([line for line in lines if line.startswith("- [ ] ")]) == 3


def test_a_handle_gitlab_would_read_otherwise_gives_way_to_the_title(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "odd.okrp").write_text(HOSTILE.replace("handle @gl-product-pm", "handle @gl-product-pm."),
                                       encoding="utf-8")
    text = issue("odd.okrp", cwd=tmp_path)
    assert r"- [ ] 2023-01-18 (-2w) **Product Manager** writes \[ \]" in text
