"""gitignore-style matching: okrdsl matches plain patterns itself (okrdsl/ignores.py, to
start without importing pathspec), and must say exactly what pathspec's GitIgnoreSpec says."""

from __future__ import annotations

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
