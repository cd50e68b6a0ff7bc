"""Hypothesis properties: generated valid specs build to exactly what was written,
and no input whatsoever makes the parser raise."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import okrdsl
from okrdsl import ir
from okrdsl.source import normalise_newlines

KEYWORDS = {
    "include", "roles", "process", "artifact", "phase", "policy", "okrs", "aka", "handle", "for", "fiscal",
    "year", "starts", "named", "by", "weekends", "learnings", "feedback", "video", "link", "intro", "note",
    "led", "meeting", "goal", "agenda", "scheduled", "attendees", "fallback", "every", "from", "until",
    "allow", "approval", "as", "after", "at", "on", "within", "ongoing", "start", "end", "and", "company",
    "objectives", "key", "results", "per", "objective", "across", "most", "kr", "owner", "aligns", "to",
    "target", "progress", "health",
}

ident = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True).filter(lambda s: s.lower() not in KEYWORDS)
words = st.text(alphabet=string.ascii_letters + string.digits + " ,.'()&/-", min_size=1, max_size=40).map(
    lambda s: " ".join(s.split())
).filter(lambda s: s and s[0] not in "-,&/" and s.split()[0] != "and")  # these would join actors
quoted = st.text(alphabet=string.ascii_letters + string.digits + " .,:'#@-&", max_size=30)
weeks = st.integers(min_value=0, max_value=12)


@st.composite
def moments(draw):
    kind = draw(st.sampled_from(["start", "end"]))
    amount = draw(weeks)
    days = draw(st.integers(min_value=0, max_value=6))
    sign = draw(st.sampled_from(["-", "+"]))
    written = f"{sign}{amount}w" + (f"+{days}d" if days else "")
    offset = (amount * 7 if sign == "+" else -amount * 7) + days
    text = written if kind == "start" else "end" + (written if written[0] in "+-" else "+" + written)
    return text, kind, offset


@st.composite
def specs(draw):
    role_ids = draw(st.lists(ident, min_size=1, max_size=5, unique_by=str.lower))
    roles = [(rid, draw(quoted)) for rid in role_ids]
    steps = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        moment = draw(moments())
        actors = draw(st.lists(st.sampled_from(role_ids), min_size=1, max_size=3))
        steps.append((moment, actors, draw(words)))
    lines = ["# generated", "roles"]
    lines += [f'  {rid} "{title}"' for rid, title in roles]
    lines += ['', 'phase p "Phase"']
    for (text, _, _), actors, action in steps:
        lines.append(f"  at {text}: {', '.join(actors)} {action}")
    if not steps:
        lines.pop()
    return "\n".join(lines) + "\n", roles, steps


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_generated_specs_build_to_what_was_written(case):
    text, roles, steps = case
    spec, diagnostics = okrdsl.loads(text)
    assert diagnostics == ()
    assert [(r.id.value, r.title) for r in spec.roles] == roles
    built = [item for item in spec.items()]
    assert len(built) == len(steps)
    for step, ((_, anchor, offset), actors, action) in zip(built, steps):
        assert isinstance(step.when, ir.At)
        assert (step.when.moment.anchor, step.when.moment.offset_days) == (anchor, offset)
        assert [a.value for a in step.actors] == actors
        assert step.text.value == action
        line = text.splitlines()[step.span.line - 1]
        assert line[step.span.column - 1:].startswith("at ")


@settings(max_examples=300)
@given(st.text(alphabet=string.printable + "é’\u00a0", max_size=200))
def test_any_text_gives_located_diagnostics_and_never_raises(text):
    _, diagnostics = okrdsl.loads(text, "fuzz.okrp")
    lines = normalise_newlines(text).split("\n")
    for d in diagnostics:
        assert d.code.startswith("OKR")
        assert 1 <= d.span.line <= len(lines) + 1
        assert d.span.column >= 1


@settings(max_examples=100)
@given(specs(), st.integers(min_value=0, max_value=10_000))
def test_a_damaged_spec_never_raises(case, seed):
    text = case[0]
    cut = seed % (len(text) + 1)
    damaged = text[:cut] + "\x00 :: \"" + text[cut:]
    okrdsl.loads(damaged)
