"""Look-alike names (OKR507): Unicode's confusables skeleton, and the warning it drives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from okrdsl.check import check
from okrdsl.confusables import describe_difference, skeleton

ROOT = Path(__file__).resolve().parent.parent


def test_look_alikes_share_a_skeleton_and_different_names_do_not():
    assert skeleton("CEO") == skeleton("\u0421\u0415\u041e")  # Cyrillic ES, IE, O
    assert skeleton("PMs") == skeleton("PM\u0455")  # Cyrillic dze
    assert skeleton("KR1") == skeleton("KRl")  # digit one and small L
    assert skeleton("CEO") != skeleton("CFO")
    assert skeleton("PM") != skeleton("pm")  # case is visible, so it is not a look-alike


def test_the_difference_names_each_odd_character_once():
    assert describe_difference("\u0421\u0415\u041e\u041e", "CEO") == (
        "\u0421 (U+0421 CYRILLIC CAPITAL LETTER ES), \u0415 (U+0415 CYRILLIC CAPITAL LETTER IE), "
        '\u041e (U+041E CYRILLIC CAPITAL LETTER O) in "\u0421\u0415\u041e\u041e"'
    )


def test_the_difference_is_named_whichever_name_comes_first():
    # The plain name declared after its look-alike: the odd letters are the other name's.
    assert describe_difference("VPP", "V\u0420P") == '\u0420 (U+0420 CYRILLIC CAPITAL LETTER ER) in "V\u0420P"'


def test_a_look_alike_in_a_quarter_of_a_role_from_the_catalogue(tmp_path):
    (tmp_path / "roles.okrp").write_text('roles\n  CEO "Chief Executive Officer"\n', encoding="utf-8")
    (tmp_path / "q.okrp").write_text(
        'include "roles.okrp"\nroles\n  \u0421EO "Chief Executive Officer"\nphase p "P"\n'
        "  at -2w as review: CEO reviews the OKRs\n  at -1w as r\u0435view: \u0421EO approves them\n",
        encoding="utf-8",
    )
    found = [(d.span.line, d.span.column, d.message) for d in check([str(tmp_path / "q.okrp")]).diagnostics
             if d.code == "OKR507"]
    assert found == [
        (3, 3, f'role "\u0421EO" looks like role "CEO" ({tmp_path / "roles.okrp"}:2:3) but is spelled with other '
               "characters: \u0421 (U+0421 CYRILLIC CAPITAL LETTER ES) in \"\u0421EO\""),
        (6, 13, f'step "r\u0435view" looks like step "review" ({tmp_path / "q.okrp"}:5:13) but is spelled with '
                "other characters: \u0435 (U+0435 CYRILLIC SMALL LETTER IE) in \"r\u0435view\""),
    ]


def test_the_shipped_specs_have_no_look_alikes():
    assert [d for d in check([str(ROOT / "specs")]).diagnostics if d.code == "OKR507"] == []


def test_plain_letters_that_look_alike_are_named_too():
    assert describe_difference("CIO", "ClO") == 'I in "CIO" and l in "ClO"'


def test_each_character_maps_as_the_whole_table_says():
    # okrdsl decodes the line of each character it meets (confusables.prototype); decoded
    # all at once, the table must say the same of every character, mapped or not.
    from okrdsl.confusables import prototype

    table = {}
    for line in (ROOT / "okrdsl" / "data" / "confusables.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            source, *target = line.split()
            assert chr(int(source, 16)) not in table and target, line  # each once, never to nothing
            table[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target)
    assert len(table) > 6000
    for char, expected in table.items():
        assert prototype(char) == expected
    for code in [*range(0x250), *range(0x370, 0x530), 0x2028, 0xFEFF, 0x1D400, 0x10FFFF]:
        assert prototype(chr(code)) == table.get(chr(code))


def test_the_ascii_characters_mapped_are_those_of_the_file():
    from okrdsl.confusables import _ASCII, prototype

    assert _ASCII == {chr(c): prototype(chr(c)) for c in range(128) if prototype(chr(c)) is not None}


@given(st.text(st.characters(max_codepoint=127), max_size=12))
def test_an_ascii_name_has_the_skeleton_the_file_gives(name):
    import unicodedata

    from okrdsl.confusables import prototype

    slow = unicodedata.normalize("NFD", "".join(prototype(c) or c for c in name))
    assert skeleton(name) == slow
