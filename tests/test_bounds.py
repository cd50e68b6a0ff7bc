"""Hardening: no input crashes okrdsl, reaches Python's recursion limit, or costs more
work or memory than its size warrants. Each case is a shrunk reproducer with the exact
diagnostic; costs are counted (calls, allocated bytes), never timed."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from okrdsl.check import check
from okrdsl.cli import main

HEAD = 'process "W" for FY23-Q3\nroles\n  PM "PM"\nphase p "P"\n'


def run(*args):
    result = CliRunner().invoke(main, list(args), color=False)
    return result.exit_code, result.stdout, result.stderr


def write(folder, text, name="t.okrp") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def found(path):
    return [(d.code, d.span.line, d.span.column, d.message) for d in check([path]).diagnostics]


# --- 1. chains of relative times are followed without recursion ---------------------------------


def backwards(n, line):
    """A chain of n items, each timed from the one written below it: resolving the first
    walks the whole chain."""
    return HEAD + "".join(line(k) for k in range(n, 0, -1))


CHAINS = {
    "at": lambda k: f"  at s{k - 1} + 0d as s{k}: PM does {k}\n",
    "within": lambda k: f"  within 1w after s{k - 1} as s{k}: PM does {k}\n",
    "meeting": lambda k: f'  meeting s{k} "M" at s{k - 1} + 0d\n    goal "g"\n    scheduled by PM\n',
    "after": lambda k: f"  at -4w as s{k} after s{k - 1}: PM does {k}\n",
}


@pytest.mark.parametrize("shape", CHAINS)
def test_a_chain_of_5000_relative_times_is_checked_and_scheduled(shape, tmp_path):
    assert sys.getrecursionlimit() < 5000
    path = write(tmp_path, backwards(5000, CHAINS[shape]) + "  at -4w as s0: PM starts\n"
                 "  every week from s4999 + 1d until s5000 + 2w: PM reviews\n")
    assert found(path) == []
    code, out, err = run("schedule", path, "--format", "json")
    assert (code, err) == (0, "")
    dates = {entry["id"]: entry["date"] for entry in json.loads(out)["items"]}
    assert dates["s5000"] == "2022-07-04"  # -4w, through the whole chain


def test_a_loop_of_5000_relative_times_is_one_short_diagnostic(tmp_path):
    path = write(tmp_path, backwards(5000, CHAINS["at"]).replace("s0 + 0d", "s5000 + 0d"))
    assert found(path) == [("OKR203", 5004, 6, "these items are timed relative to each other in a loop: "
                            "s5000 -> s4999 -> s4998 -> s4997 -> s4996 -> s4995 -> s4994 -> ... (4,992 more) "
                            "-> s1 -> s5000")]
    code, _, err = run("check", path)
    assert code == 1 and "[OKR203]" in _ and err == ""


def test_a_loop_of_5000_after_dependencies_is_one_short_diagnostic(tmp_path):
    path = write(tmp_path, backwards(5000, CHAINS["after"]).replace("after s0:", "after s5000:"))
    assert found(path) == [("OKR203", 5004, 22, "these items come after each other in a loop: "
                            "s5000 -> s4999 -> s4998 -> s4997 -> s4996 -> s4995 -> s4994 -> ... (4,992 more) "
                            "-> s1 -> s5000")]


def test_a_step_timed_from_the_end_through_a_long_chain_is_not_after_quarter_end(tmp_path):
    # OKR206 follows the chain to its end, not 50 steps of it.
    path = write(tmp_path, backwards(300, CHAINS["at"]) + "  at end+1w as s0: PM closes\n")
    assert found(path) == []


# --- 2. the rules' work grows with the spec, not faster ------------------------------------------


def objectives(n, aligns):
    return ("roles\n  CEO \"CEO\"\npolicy\n  company objectives: 0\n  objectives across shared: at most 100000\n"
            "okrs for FY23-Q3\n" + "".join(f'  objective O{k} shared "o" owner CEO aligns to {aligns(k)}\n'
                                           f'    kr O{k}.1 "k" owner CEO\n' for k in range(n, 0, -1)))


SHAPES = {
    "alignment chain": lambda n: objectives(n, lambda k: f"O{k - 1}" if k > 1 else "C0"),
    "alignment loop": lambda n: objectives(n, lambda k: f"O{k - 1}" if k > 1 else f"O{n}"),
    "relative-time chain": lambda n: backwards(n, CHAINS["at"]) + "  at -4w as s0: PM starts\n",
    "relative-time loop": lambda n: backwards(n, CHAINS["at"]).replace("s0 + 0d", f"s{n} + 0d"),
    "chain from the end": lambda n: backwards(n, CHAINS["at"]) + "  at end+1w as s0: PM closes\n",
    "meeting chain": lambda n: backwards(n, CHAINS["meeting"]) + "  at -4w as s0: PM starts\n",
    "after chain": lambda n: backwards(n, CHAINS["after"]) + "  at -4w as s0: PM starts\n",
    "after loops": lambda n: backwards(n, CHAINS["after"]) + "  at -4w as s0 after " + ", ".join(
        f"s{k}" for k in range(1, n + 1)) + ": PM starts\n",
    "duplicate ids": lambda n: HEAD + "  at -4w as s: PM does it\n" * n,
    "unknown names": lambda n: HEAD + "".join(f"  at -4w as step{k}: PM{k} does #thing{k}\n"
                                              f"  at x{k} + 1d after y{k}: PM does it\n" for k in range(n)),
}


def rule_work(text, tmp_path) -> int:
    """Lines of Python run by the rules over `text` (in okrdsl and in what it calls)."""
    from okrdsl.resolve import load_workspace
    from okrdsl.rules import run_rules

    workspace = load_workspace([write(tmp_path, text)])
    lines = 0

    def trace(frame, event, arg):
        nonlocal lines
        lines += 1
        return trace

    before = sys.gettrace()
    sys.settrace(trace)
    try:
        run_rules(workspace)
    finally:
        sys.settrace(before)
    return lines


@pytest.mark.parametrize("shape", SHAPES)
def test_ten_times_the_spec_is_at_most_twelve_times_the_rules_work(shape, tmp_path):
    small, large = (rule_work(SHAPES[shape](n), tmp_path) for n in (150, 1500))
    assert large <= 12 * small, f"{shape}: {small:,} lines of work at 150, {large:,} at 1500"


def test_an_alignment_loop_is_reported_once_at_its_first_objective(tmp_path):
    path = write(tmp_path, objectives(3, lambda k: f"O{k - 1}" if k > 1 else "O3"))
    assert found(path) == [("OKR304", 7, 47, 'shared objective "O3" aligns to shared objective "O2": it must align '
                            "to a higher level"),
                           ("OKR305", 7, 47, "these objectives align to each other in a loop: O3 -> O2 -> O1 -> O3"),
                           ("OKR304", 9, 47, 'shared objective "O2" aligns to shared objective "O1": it must align '
                            "to a higher level"),
                           ("OKR304", 11, 47, 'shared objective "O1" aligns to shared objective "O3": it must align '
                            "to a higher level")]


# --- 3. a whole schedule is bounded, not just each cadence ----------------------------------------


def test_a_thousand_daily_cadences_stop_at_the_total_limit(tmp_path):
    # Each cadence differs, so none repeats another (OKR515) and only the limit is found.
    path = write(tmp_path, HEAD + "".join(f"  every day: PM checks dashboard {n}\n" for n in range(1000)))
    # 92 days in FY23-Q3: the 218th cadence takes the total past 20,000.
    assert found(path) == [("OKR401", 4 + 218, 3, "the cadences and recurring meetings of this spec happen 92,000 times in all, more than "
                            "the 20,000 a schedule lists; the schedule stops at this cadence")]
    code, out, err = run("schedule", path, "--format", "json")
    assert code == 1
    assert err.startswith(f"{path}:222:3: error: the cadences and recurring meetings of this spec happen 92,000 times")
    assert len(json.loads(out)["items"]) == 20_000


def test_steps_after_the_limit_are_still_scheduled(tmp_path):
    import okrdsl
    from okrdsl.schedule import schedule_spec

    spec, _ = okrdsl.loads(HEAD + "  every day from -1000d until -1d: PM checks\n" * 21 + "  at -1w as last: PM closes\n")
    entries = schedule_spec(spec).entries
    assert len(entries) == 20_001 and any(entry.key == "last" for entry in entries)


# --- 4. numbers of any length are read without crashing -----------------------------------------

BIG = "9" * 4301
TOO_LARGE = "the number 99999... (4,301 digits) is too large"
OKRS = 'roles\n  CEO "CEO"\npolicy\n  company objectives: 1\nokrs for FY23-Q3\n  objective C1 company "G" owner CEO\n'


@pytest.mark.parametrize("text, where, hint", [
    (HEAD + f"  at -{BIG}w: PM x\n", (5, 7), "okrdsl schedules offsets of up to 520w"),
    (HEAD + f"  at -1w as a: PM y\n  at a + 1w + {BIG}d: PM x\n", (6, 15), "okrdsl schedules offsets of up to 520w"),
    (HEAD + f"  every {BIG} weeks: PM x\n", (5, 9), "repeat every 1 to 1000 weeks"),
    (HEAD + f"  at -1w as a: PM y\n  within {BIG}d after a: PM x\n", (6, 10), "okrdsl schedules windows of up to 520w"),
    (f"policy\n  company objectives: {BIG}\n", (2, 23), "write a number of at most 9 digits"),
    (f"policy\n  key results per objective: 1..{BIG}\n", (2, 33), "write a number of at most 9 digits"),
    (f"policy\n  objectives across shared: at most {BIG}\n", (2, 37), "write a number of at most 9 digits"),
    (OKRS + f'    kr C1.1 "U" owner CEO progress {BIG}.5%\n', (7, 36), "progress runs from 0% to 100%"),
    (f'process "W" for FY{BIG}-Q3\n', (1, 19), "write the fiscal year and quarter 1 to 4, such as FY23-Q3"),
    (f'process "W" for FY23-Q{BIG}\n', (1, 23), "write the fiscal year and quarter 1 to 4, such as FY23-Q3"),
], ids=["offset", "relative-offset", "every", "within", "company-objectives", "key-results", "cap", "progress",
        "fiscal-year", "quarter-number"])
def test_a_number_of_4301_digits_is_out_of_range_at_its_digits(text, where, hint, tmp_path):
    import okrdsl

    spec, diagnostics = okrdsl.loads(text)  # still built
    (diagnostic,) = [d for d in diagnostics if d.code == "OKR026"]
    span = diagnostic.span
    assert (span.line, span.column, span.end_column - span.column) == (*where, 4301)
    assert (diagnostic.message, diagnostic.hint) == (TOO_LARGE, hint)
    code, out, err = run("check", write(tmp_path, text))
    assert code == 1 and "[OKR026]" in out and "internal error" not in err


def test_a_number_too_large_is_not_reported_twice_and_leaves_its_item_undated(tmp_path):
    path = write(tmp_path, HEAD + f"  at -{BIG}w as a: PM x\n  at a + 1d: PM y\n")
    assert [(code, line) for code, line, _, _ in found(path)] == [("OKR026", 5)]
    code, out, _ = run("schedule", path, "--format", "json")
    assert code == 1 and [item["date"] for item in json.loads(out)["items"]] == [None, None]


def test_a_large_progress_is_a_number_not_infinity(tmp_path):
    path = write(tmp_path, OKRS + '    kr C1.1 "U" owner CEO progress 999999999.5%\n')
    assert found(path) == [("OKR307", 7, 36, 'key result "C1.1" is 999999999.5% done; progress runs from 0% to 100%')]


# --- 5. odd characters in text ------------------------------------------------------------------


def test_a_nul_in_quoted_text_and_free_text_is_kept_as_written():
    import okrdsl

    spec, diagnostics = okrdsl.loads('include "\0"\nroles\n  PM "P\0M"\nphase p "P"\n  at -1w: PM x\0y\n')
    assert diagnostics == ()
    assert (spec.includes[0].path, spec.roles[0].title, next(spec.items()).text.value) == ("\0", "P\0M", "x\0y")


# --- 6. no-break spaces, and characters nobody can see ---------------------------------------------


def test_a_no_break_space_between_words_of_a_line_is_a_space():
    import okrdsl

    spec, diagnostics = okrdsl.loads(HEAD + "  at\u00a0-2w:\u202fPM\u00a0and\u00a0PM reviews\u2007the\u00a0OKRs\u00a0\n")
    assert diagnostics == ()
    (step,) = spec.items()
    assert [a.value for a in step.actors] == ["PM", "PM"]
    assert step.text.value == "reviews\u2007the\u00a0OKRs"  # kept as written


@pytest.mark.parametrize("text, expected", [
    (HEAD + " \u00a0at -2w: PM reviews\n",
     ("OKR003", 5, 2, "this line is indented with a non-breaking space (U+00A0)",
      "indent with normal spaces; a no-break space has no width to line up by")),
    ("\u202froles\n  PM \"PM\"\n",
     ("OKR003", 1, 1, "this line is indented with a narrow non-breaking space (U+202F)",
      "indent with normal spaces; a no-break space has no width to line up by")),
    (HEAD + "  at -2w:\u2003PM reviews\n",
     ("OKR001", 5, 10, "an em space (U+2003) cannot stand here: expected a role such as ProductOps, or a text in double quotes",
      "replace it with a normal space")),
    (HEAD + "  at -2w\0: PM reviews\n",
     ("OKR001", 5, 9, 'a null character (U+0000) cannot stand here: expected ":", "after", "as", "in", "on" or an offset '
      "such as +1w", "remove it: it is a character that cannot be seen")),
], ids=["indented-with-nbsp", "first-line", "em-space", "nul"])
def test_a_character_that_cannot_stand_somewhere_is_named_with_the_caret_on_it(text, expected):
    import okrdsl

    (diagnostic,) = okrdsl.loads(text).diagnostics
    span = diagnostic.span
    assert (diagnostic.code, span.line, span.column, diagnostic.message, diagnostic.hint) == expected
    assert span.end_column == span.column + 1


# --- 7. the cost of a construct grows with its text, no faster ---------------------------------------

CONSTRUCTS = {
    "unclosed quote": lambda n: 'roles\n  PM "Product' + " word" * (n // 5) + "\n",
    "quotes and hashes": lambda n: 'roles\n  PM "P' + "# " * (n // 2) + '"x"\n',
    "long free text": lambda n: HEAD + "  at -4w: PM " + "word " * (n // 5) + "\n",
    "many lines": lambda n: HEAD + "".join(f"  at -4w: PM does thing {k} in #x\n" for k in range(n // 30)),
    "many syntax errors": lambda n: HEAD + "  at 5: PM x\n" * (n // 13),
    "deep sub-steps": lambda n: HEAD + "  at -4w: PM x\n" + "".join(
        "  " * (2 + k % 60) + "PM y\n" for k in range(n // 80)),
}


def peak_memory(text) -> int:
    import tracemalloc

    import okrdsl

    okrdsl.loads('roles\n  PM "PM"\n')  # the parser is built once, outside the measure
    tracemalloc.start()
    try:
        okrdsl.loads(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_ten_times_the_text_is_at_most_twelve_times_the_memory(construct):
    small, large = (peak_memory(CONSTRUCTS[construct](n)) for n in (1_000, 10_000))
    assert large <= 12 * max(small, 50_000), f"{construct}: {small:,} bytes at 1,000 characters, {large:,} at 10,000"


def test_an_unclosed_quote_on_a_line_of_10000_characters_costs_little_memory():
    # The lexer's patterns kept a backtracking stack of about 1 KB a character: 10 MB here.
    assert peak_memory(CONSTRUCTS["unclosed quote"](10_000)) < 1_000_000
