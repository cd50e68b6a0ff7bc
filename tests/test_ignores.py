"""gitignore-style matching: okrdsl matches plain patterns itself (okrdsl/ignores.py, to
start without importing pathspec), and must say exactly what pathspec's GitIgnoreSpec says."""

from __future__ import annotations

import os

import pathspec
import pytest
from hypothesis import given, settings, strategies as st

from okrdsl.ignores import _plain, verdict

# Names made of the characters plain patterns allow, and of a few that make a pattern not plain.
NAME = st.text(alphabet="ab.-_*", min_size=1, max_size=5)
PATTERN = st.one_of(
    st.builds(lambda anchor, name, folder: anchor + name + folder, st.sampled_from(["", "/"]), NAME,
              st.sampled_from(["", "/"])),
    st.sampled_from(["", "#", "# a comment", "!a", "a/b", "**/a", "a?", "[ab]", "a ", "\\#a", "/", ".", "..", "./",
                     "../", "/.", "*", "/*", "*/", "**", "a\\*"]),
)
# Normalised relative paths, as ignores.relative gives them: no empty, "." or ".." part.
PART = st.text(alphabet="ab.-_*?[]", min_size=1, max_size=5).filter(lambda part: part not in (".", ".."))
PATH = st.lists(PART, min_size=1, max_size=4).map("/".join)


def pathspec_says(patterns, where: str, is_folder: bool):
    return pathspec.GitIgnoreSpec.from_lines(patterns).check_file(where + ("/" if is_folder else "")).include


@settings(max_examples=3000, deadline=None)
@given(st.lists(PATTERN, max_size=4), PATH, st.booleans())
def test_okrdsl_matches_as_pathspec_does(patterns, where, is_folder):
    patterns = tuple(patterns)
    assert verdict(patterns, "/project", "/project/" + where, is_folder) == pathspec_says(patterns, where, is_folder)


@pytest.mark.parametrize("patterns", [
    ("node_modules/", ".venv/", "__pycache__/"),
    ("# build output", "", "build/", "*.pyc", "/dist", "*.egg-info/", ".coverage"),
])
def test_common_patterns_are_matched_without_pathspec(patterns):
    assert _plain(patterns) is not None


@pytest.mark.parametrize("pattern", ["!keep.okrp", "drafts/*.okrp", "**/old", "a?", "[ab].okrp", "a ", "\\#a", "/"])
def test_other_patterns_go_to_pathspec(pattern):
    assert _plain(("build/", pattern)) is None


def _repository(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    repo = tmp_path / "repo"
    (repo / "okrs" / "scratch").mkdir(parents=True)
    (repo / "okrs" / "q3.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    (repo / "okrs" / "scratch" / "try.okrp").write_text('phase p "P"\n  at -1w: Nobody does it\n', encoding="utf-8")
    return repo


def _checked(folder) -> list[str]:
    from okrdsl.check import check
    from okrdsl.ignores import gitignore_of

    gitignore_of.cache_clear()  # read once per process: a command runs once; these tests edit the files between runs

    return sorted({d.span.path.replace("\\", "/").rsplit("repo/", 1)[-1] for d in check([str(folder)]).diagnostics})


def test_git_info_exclude_leaves_files_out_of_a_folder_search_and_a_gitignore_overrides_it(tmp_path):
    repo = _repository(tmp_path)
    assert _checked(repo) == ["okrs/scratch/try.okrp"]
    (repo / ".git" / "info" / "exclude").write_text("# mine\nokrs/scratch/\n", encoding="utf-8")
    assert _checked(repo) == []
    (repo / ".gitignore").write_text("!okrs/scratch/\n", encoding="utf-8")  # .gitignore files come first, as in git
    assert _checked(repo) == ["okrs/scratch/try.okrp"]


def test_a_worktree_reads_the_exclude_file_of_its_repository(tmp_path):
    import subprocess

    repo = _repository(tmp_path)
    (repo / ".git" / "info" / "exclude").write_text("okrs/scratch/\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "add", "-f", "okrs/scratch/try.okrp"], check=True)
    subprocess.run([*git, "commit", "-qm", "specs"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "repo-wt")], check=True)
    assert (tmp_path / "repo-wt" / ".git").is_file()
    from okrdsl.check import check

    assert [d.code for d in check([str(tmp_path / "repo-wt")]).diagnostics] == []


@pytest.mark.parametrize("dot_git, excluded", [
    ("gitdir: ../modules/repo\n", True),  # a submodule: its own git folder holds info/exclude
    ("not a git link\n", False),  # a .git file git would not read: nothing is excluded by it
])
def test_a_git_file_without_a_common_folder_reads_the_exclude_of_the_folder_it_names(tmp_path, dot_git, excluded):
    repo = tmp_path / "repo"
    (repo / "okrs" / "scratch").mkdir(parents=True)
    (repo / "okrs" / "q3.okrp").write_text('roles\n  PM "Product Manager"\n', encoding="utf-8")
    (repo / "okrs" / "scratch" / "try.okrp").write_text('phase p "P"\n  at -1w: Nobody does it\n', encoding="utf-8")
    (repo / ".git").write_text(dot_git, encoding="utf-8")
    (tmp_path / "modules" / "repo" / "info").mkdir(parents=True)
    (tmp_path / "modules" / "repo" / "info" / "exclude").write_text("okrs/scratch/\n", encoding="utf-8")
    assert _checked(repo) == ([] if excluded else ["okrs/scratch/try.okrp"])


@pytest.mark.parametrize("path, folder", [
    ("a/b.okrp", "."), ("a/b.okrp", "a"), ("a", "a"), ("x/b.okrp", "a"), ("/", "/"), ("/a/b", "/"),
    ("a/b", "a/"), ("ab/c", "a"), ("a/../a/b", "a"), (".", "a"),
])
def test_a_path_relative_to_a_folder_is_what_relpath_says(path, folder):
    from okrdsl.ignores import relative

    found = os.path.relpath(os.path.abspath(path), os.path.abspath(folder)).replace(os.sep, "/")
    assert relative(path, folder) == (None if found == ".." or found.startswith("../") else found)
