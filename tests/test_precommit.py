"""The real pre-commit runs the okrdsl-check and okrdsl-fmt hooks of .pre-commit-hooks.yaml (pre-commit try-repo).

pre-commit installs okrdsl from this checkout into an isolated environment, as a
user's pre-commit would; that takes a few seconds and PyPI for the dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = 'include "roles.okrp"\n\nphase kickoff "Kick-off"\n  at -8w: PLT drafts initial OKRs\n'
BAD = 'include "roles.okrp"\n\nphase kickoff "Kick-off"\n  at -8w: PLTT drafts initial OKRs\n'


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def run_hook(repo: Path, home: Path, all_files: bool = True, hook: str = "okrdsl-check") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "okrdsl tests", "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "okrdsl tests", "GIT_COMMITTER_EMAIL": "tests@example.com",
        "NO_COLOR": "1",
    }
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--color", "never"]
        + (["--all-files"] if all_files else []),
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )


@pytest.fixture
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / "specs" / "roles.okrp", tmp_path / "roles.okrp")
    return tmp_path


def test_the_hook_passes_on_a_good_spec_and_fails_on_a_bad_one(repo, precommit_home):
    (repo / "q3.okrp").write_text(GOOD, encoding="utf-8")
    (repo / "notes.txt").write_text("PLTT is not checked: only .okrp files are", encoding="utf-8")
    passed = run_hook(repo, precommit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "okrdsl check" in passed.stdout and "Passed" in passed.stdout

    (repo / "q3.okrp").write_text(BAD, encoding="utf-8")
    failed = run_hook(repo, precommit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert 'q3.okrp:4:11: error: "PLTT" is not a declared role [OKR102]' in failed.stdout
    assert "did you mean \"PLT\"?" in failed.stdout


def test_the_hook_checks_what_includes_a_changed_catalogue(repo, precommit_home):
    (repo / "q3.okrp").write_text(GOOD, encoding="utf-8")
    assert run_hook(repo, precommit_home).returncode == 0
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "specs"],
                   cwd=repo, check=True)
    roles = (repo / "roles.okrp").read_text(encoding="utf-8")
    (repo / "roles.okrp").write_text("\n".join(l for l in roles.splitlines() if not l.lstrip().startswith("PLT ")) + "\n")
    failed = run_hook(repo, precommit_home, all_files=False)  # only roles.okrp is staged
    assert failed.returncode == 1, failed.stdout
    assert 'q3.okrp:4:11: error: "PLT" is not a declared role [OKR102]' in failed.stdout


def test_an_untracked_broken_scratch_file_does_not_block_a_commit(repo, precommit_home):
    """The hook checks what git tracks (staged files included), not the working tree: a
    scratch file nobody added, or one in a gitignored folder, cannot fail an unrelated commit."""
    (repo / "q3.okrp").write_text(GOOD, encoding="utf-8")
    (repo / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    (repo / "scratch").mkdir()
    (repo / "scratch" / "try.okrp").write_text(BAD, encoding="utf-8")
    subprocess.run(["git", "add", "q3.okrp", "roles.okrp", ".gitignore"], cwd=repo, check=True)
    (repo / "draft.okrp").write_text(BAD, encoding="utf-8")  # untracked, and not ignored
    env = {**os.environ, "PRE_COMMIT_HOME": str(precommit_home), "NO_COLOR": "1"}
    passed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "okrdsl-check", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout and "draft.okrp" not in passed.stdout

    subprocess.run(["git", "add", "draft.okrp"], cwd=repo, check=True)  # staged: now it is checked
    failed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "okrdsl-check", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert 'draft.okrp:4:11: error: "PLTT" is not a declared role [OKR102]' in failed.stdout


def test_the_fmt_hook_rewrites_staged_specs_and_then_passes(repo, precommit_home):
    messy = 'include "roles.okrp"\nphase kickoff "Kick-off"\n    at -8w : PLT drafts initial OKRs   # first\n'
    (repo / "q3.okrp").write_text(messy, encoding="utf-8")
    (repo / "roles.okrp").write_text(ROOT.joinpath("specs", "roles.okrp").read_text(encoding="utf-8"), encoding="utf-8")
    failed = run_hook(repo, precommit_home, hook="okrdsl-fmt")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "okrdsl fmt" in failed.stdout and "files were modified by this hook" in failed.stdout
    assert (repo / "q3.okrp").read_text(encoding="utf-8") == (
        'include "roles.okrp"\n\nphase kickoff "Kick-off"\n  at -8w: PLT drafts initial OKRs  # first\n')
    passed = run_hook(repo, precommit_home, hook="okrdsl-fmt")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
