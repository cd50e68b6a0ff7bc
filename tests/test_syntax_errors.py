"""Malformed inputs: each yields exactly these diagnostics (line, column, code, message)."""

from __future__ import annotations

import re

import pytest

import okrdsl

CASES = [
    pytest.param(
        'phase kickoff "Kick-off"\n  at 8 weeks before: PLT drafts initial OKRs\n',
        [(2, 6, "OKR001", 'unexpected "8": expected a time such as -4w, end+1w, week -2 or session1 + 1w')],
        id="time-in-words",
    ),
    pytest.param(
        "roles\n",
        [(2, 1, "OKR002", "the file ends too early: expected an indented line under it")],
        id="empty-roles-block",
    ),
    pytest.param(
        'roles\n    PM "Product Manager"\n  VPP "VP of Product"\n',
        [(3, 3, "OKR003", "this line is indented by 2 spaces, which matches no line above it")],
        id="dedent-to-nowhere",
    ),
    pytest.param(
        'roles\n  PM "Product Manager\n',
        [(2, 6, "OKR004", "this text has no closing double quote")],
        id="unclosed-quote",
    ),
    pytest.param(
        'artifact ally tol "Ally.io"\n',
        [(1, 15, "OKR020", '"tol" is not a kind of artifact')],
        id="artifact-kind-typo",
    ),
    pytest.param(
        'process "Workflow" for FY23-Q5\n',
        [(1, 24, "OKR023", '"FY23-Q5" is not a fiscal quarter')],
        id="quarter-five",
    ),
    pytest.param(
        'phase p "P"\n  on 2022-02-30: PM does a thing\n',
        [(2, 6, "OKR022", "2022-02-30 is not a date in the calendar")],
        id="february-30",
    ),
    pytest.param(
        'phase p "P"\n  at -4w PM does the thing\n',
        [(2, 10, "OKR001", 'unexpected "PM": expected ":", "after", "as", "in", "on" or an offset such as +1w')],
        id="missing-colon",
    ),
    pytest.param(
        'phase p "P"\n  at -4w:\n',
        [(2, 10, "OKR001", "the line ends too early: expected a role such as ProductOps, or a text in double quotes")],
        id="step-without-actor",
    ),
    pytest.param(
        'phase p "P"\n  meeting m "M" at -2w\n    goal no quotes\n',
        [(3, 10, "OKR001", 'unexpected "no": expected a text in double quotes such as "Planning issue"')],
        id="goal-without-quotes",
    ),
    pytest.param(
        "rolez\n",
        [(1, 1, "OKR001", 'unexpected "rolez": expected include, roles, process, artifact, phase, policy or okrs at the start of the line')],
        id="keyword-typo",
    ),
    pytest.param(
        'phase p "P"\n  at: PM x\n  at -3w: PM y\n  at 5: PM z\n',
        [
            (2, 5, "OKR001", 'unexpected ":": expected a time such as -4w, end+1w, week -2 or session1 + 1w'),
            (4, 6, "OKR001", 'unexpected "5": expected a time such as -4w, end+1w, week -2 or session1 + 1w'),
        ],
        id="two-errors-in-one-file",
    ),
    pytest.param(
        'okrs for FY23-Q3\n  objective C1 company "Grow" owner\n',
        [(2, 36, "OKR001", "the line ends too early: expected a role such as ProductOps, or a text in double quotes")],
        id="owner-without-role",
    ),
    pytest.param(
        'okrs for FY23-Q3\n  objective C1 company "Grow" progress 4%\n',
        [(2, 31, "OKR001", 'unexpected "progress": expected "aligns", "owner" or a link in angle brackets such as '
          '<https://example.com>')],
        id="progress-on-objective",
    ),
    pytest.param(
        'process "W" for FY23-Q3\n  fiscal year starts Febuary\n',
        [(2, 22, "OKR001", 'unexpected "Febuary": expected a month such as February')],
        id="month-typo",
    ),
    pytest.param(
        'phase p "P"\n  every fortnight: PM x\n',
        [(2, 9, "OKR001", 'unexpected "fortnight": expected a whole number or day, week or month')],
        id="cadence-unit",
    ),
    pytest.param(
        "include roles.okrp\n",
        [(1, 9, "OKR001", 'unexpected "roles.okrp": expected a text in double quotes such as "Planning issue"')],
        id="include-without-quotes",
    ),
    pytest.param(
        '\tphase p "P"\n',
        [(1, 2, "OKR003", "the first line of the file is indented")],
        id="indented-first-line",
    ),
    pytest.param(
        'phase p "P"\n  at -4w: PM x\n      PM deeper\n    PM middle\n',
        [(4, 5, "OKR003", "this line is indented by 4 spaces, which matches no line above it")],
        id="dedent-between-levels",
    ),
    pytest.param(
        'process "W" for FY23-Q3\n  weekends skip\n',
        [(2, 12, "OKR001", 'unexpected "skip": expected keep, next-monday or previous-friday')],
        id="weekend-rule",
    ),
    pytest.param(
        'phase p "P"\n  within 1 week after x: PM y\n',
        [(2, 10, "OKR001", 'unexpected "1": expected a duration such as 1w, 3d or 1mo')],
        id="window-in-words",
    ),
    pytest.param(
        'policy\n  key results per objective: one to three\n',
        [(2, 30, "OKR001", 'unexpected "one": expected a whole number')],
        id="policy-in-words",
    ),
    pytest.param(
        'okrs for FY23-Q3\n  objective C1 company "Grow"\n    kr C1.1 "Up" progress forty\n',
        [(3, 27, "OKR001", 'unexpected "forty": expected a percentage such as 40%')],
        id="progress-in-words",
    ),
    pytest.param(
        'artifact ally tool "Ally.io" https://ally.io\n',
        [(1, 30, "OKR001", 'unexpected "https://ally.io": expected a link in angle brackets such as <https://example.com>')],
        id="link-without-brackets",
    ),
    pytest.param(
        'roles\n  PM "Product Manager"\nphase p "P"\n  at -4w assist: PM drafts\n  allow PM assist: edit KRs\n',
        [(4, 10, "OKR001", 'unexpected "assist": okrdsl reads it as "as" followed by "sist"'),
         (5, 12, "OKR001", 'unexpected "assist": okrdsl reads it as "as" followed by "sist"')],
        id="keyword-joined-to-a-word",  # once silently an id "sist"
    ),
    pytest.param(
        'roles\n  PM "Product Manager"\nphase p "P"\n  meeting m "M" at -4w inweekly\n  afterm: PM drafts\n',
        [(4, 24, "OKR001", 'unexpected "inweekly": okrdsl reads it as "in" followed by "weekly"'),
         (5, 3, "OKR001", 'unexpected "afterm": okrdsl reads it as "after" followed by "m"')],
        id="placement-and-after-joined",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_malformed_input(text, expected):
    _, diagnostics = okrdsl.loads(text, "bad.okrp")
    assert [(d.span.line, d.span.column, d.code, d.message) for d in diagnostics] == expected
    assert all(d.span.path == "bad.okrp" for d in diagnostics)


def test_there_are_at_least_twenty_malformed_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize(("word", "written"), [("fortnight", "2 weeks"), ("quarterly", "3 months"),
                                               ("weekly", "week")])
def test_a_period_in_words_after_every_gets_the_form_okrdsl_reads(word, written):
    _, (diagnostic,) = okrdsl.loads(f'roles\n  PM "PM"\nphase p "P"\n  every {word}: PM checks the KRs\n')
    assert (diagnostic.code, diagnostic.hint) == ("OKR001", f"write every {written}")


def test_a_hint_suggests_the_keyword_meant():
    _, (diagnostic,) = okrdsl.loads("rolez\n")
    assert diagnostic.hint == 'did you mean "roles"?'


def test_a_hint_suggests_the_artifact_kind_meant():
    _, (diagnostic,) = okrdsl.loads('artifact ally tol "Ally.io"\n')
    assert diagnostic.hint == "did you mean \"tool\"?"


def test_syntax_errors_are_capped():
    text = 'phase p "P"\n' + "  at 5: PM x\n" * 30
    _, diagnostics = okrdsl.loads(text)
    assert len(diagnostics) == 10
    assert {d.code for d in diagnostics} == {"OKR001"}


def test_no_message_names_a_lark_terminal():
    texts = [case.values[0] for case in CASES]
    for text in texts:
        for diagnostic in okrdsl.loads(text).diagnostics:
            assert "__ANON" not in diagnostic.message
            assert not re.search(r"\b_?[A-Z]+_[A-Z_]+\b|\b(IDENT|STRING|TEXT|LINK|INT|DURATION)\b", diagnostic.message)


def test_a_comment_may_open_the_file_without_a_space():
    spec, diagnostics = okrdsl.loads('#roles for everyone\nroles\n  PM "Product Manager"\n')
    assert diagnostics == ()
    assert [c.text for c in spec.comments] == ["#roles for everyone"]


def test_comments_survive_parsing_with_their_positions():
    text = '# top\nroles  # trailing\n  # inside\n  PM "Product Manager"  # after a role\n# end'
    spec, diagnostics = okrdsl.loads(text)
    assert diagnostics == ()
    assert [(c.text, c.span.line, c.span.column) for c in spec.comments] == [
        ("# top", 1, 1), ("# trailing", 2, 8), ("# inside", 3, 3), ("# after a role", 4, 25), ("# end", 5, 1),
    ]


def test_the_indentation_hint_names_every_level_in_use():
    _, (diagnostic,) = okrdsl.loads('roles\n    PM "Product Manager"\n  VPP "VP of Product"\n')
    assert diagnostic.hint == "indent it by 0 or 4 spaces, like a line above it"


def test_a_line_indented_where_no_block_opens():
    _, (diagnostic,) = okrdsl.loads('roles\n  PM "Product Manager"\n    VPP "VP of Product"\n')
    assert (diagnostic.span.line, diagnostic.code) == (3, "OKR001")
    assert diagnostic.message == "this line is indented deeper than line 2; under a role, only duty: lines are indented"


def test_a_keyword_read_as_a_role_gets_a_hint(tmp_path):
    from okrdsl.check import check

    path = tmp_path / "k.okrp"
    path.write_text('roles\n  VPP "VP of Product"\nphase p "P"\n  at -4w: VPP drafts\n    approval from VPP\n')
    (diagnostic,) = check([str(path)]).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("OKR102", 5, 5)
    assert diagnostic.hint.startswith('"approval" is a keyword, but this line was read as a sub-step')


def test_a_block_emptied_by_an_error_does_not_hide_the_next_block():
    spec, diagnostics = okrdsl.loads(
        'policy\n  company objective: 1\nokrs for FY23-Q3\n  objective C1 company "Grow" owner CEO\n    kr C1.1 "Up" owner CEO\n'
    )
    assert [(d.span.line, d.message) for d in diagnostics] == [(2, 'unexpected "objective": expected "objectives"')]
    assert [o.id.value for o in spec.okr_sets[0].objectives] == ["C1"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('phase p "P"\n  meeting "M" at -6w\n', 'unexpected "M": expected an id for the meeting, such as session1'),
        ('phase p "P"\n  at -4w as : PM x\n', 'unexpected ":": expected an id for the step, such as review'),
        ('phase "Kick-off"\n', 'unexpected "Kick-off": expected an id for the phase, such as kickoff'),
    ],
)
def test_a_missing_id_is_asked_for_as_an_id(text, message):
    (diagnostic,) = okrdsl.loads(text).diagnostics
    assert diagnostic.message == message


def test_a_comment_without_a_space_gets_a_hint():
    (diagnostic,) = okrdsl.loads('roles  #shared catalogue\n  PM "Product Manager"\n').diagnostics
    assert diagnostic.hint == 'a comment starts with "# ", a hash and a space'
