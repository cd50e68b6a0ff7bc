"""Item ids: derived ones come from an item's own content; permissions may be given one with `as`."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import okrdsl
from okrdsl import ir
from okrdsl.check import check
from okrdsl.ids import content_hash, derive_keys, slug

ROLES = 'roles\n  PM "Product Manager" aka PMs\n  VPP "VP of Product"\n  CEO "CEO"\n  Manager "Manager"\n'


def keys(body: str) -> list[str]:
    spec, diagnostics = okrdsl.loads(ROLES + 'phase p "P"\n' + body, "t.okrp")
    assert [d.code for d in diagnostics] == []
    return [item.key for item in spec.items()]


def test_the_derived_ids_of_a_small_spec():
    assert keys(
        "  at -4w: PM drafts the OKRs for the quarter\n"
        "  at -3w as review: VPP reviews them\n"
        '  at -2w: "The OKRs are put into GitLab, at last"\n'
        "  every 2 weeks: PM, VPP update the status of their KRs\n"
        "  allow PMs: create KRs of their own\n"
        "    approval from Manager\n"
        "  allow PMs as early: start before the others\n"
        '  meeting sync "Sync" at -1w\n'
    ) == [
        "p/pm-drafts-the-okrs-for",
        "review",
        "p/the-okrs-are-put-into",
        "p/pm-update-the-status-of",
        "p/allow-pms-create-krs-of-their",
        "early",
        "sync",
    ]


def test_words_are_made_plain_ascii_and_an_empty_slug_is_a_hash():
    assert slug("step", ("Día",), "Überprüft die #OKRs (R&D), café!") == "dia-uberpruft-die-okrs-r-d"
    assert slug("permission", ("CEO",), "reviews the quarter's OKRs") == "allow-ceo-reviews-the-quarters-okrs"
    assert slug("step", ("産品",), "確認する") == content_hash("step", ("産品",), "確認する")
    assert len(slug("step", ("PM",), "x" * 500)) == 60
    assert keys("  at -4w: PM — drafts  the   OKRs\n") == ["p/pm-drafts-the-okrs"]


def test_items_that_share_a_slug_are_told_apart_by_their_own_content():
    first, second = "PM drafts the OKRs for the company", "PM drafts the OKRs for the team"
    hashes = [content_hash("step", ("PM",), text.split(" ", 1)[1]) for text in (first, second)]
    assert keys(f"  at -4w: {first}\n  at -3w: {second}\n") == [f"p/pm-drafts-the-okrs-for-{h}" for h in hashes]
    assert keys(f"  at -3w: {second}\n  at -5w: {first}\n") == [f"p/pm-drafts-the-okrs-for-{h}" for h in reversed(hashes)]


def test_only_items_that_say_the_same_thing_are_counted_in_written_order():
    assert keys("  at -4w: PM drafts the OKRs\n  at -2w: PM drafts the OKRs\n  at -1w: PM   drafts the OKRs\n") == [
        "p/pm-drafts-the-okrs", "p/pm-drafts-the-okrs-2", "p/pm-drafts-the-okrs-3"]
    # A step and a cadence are different things, even when they say the same words.
    step, cadence = content_hash("step", ("PM",), "drafts the OKRs"), content_hash("cadence", ("PM",), "drafts the OKRs")
    assert keys("  at -4w: PM drafts the OKRs\n  every week: PM drafts the OKRs\n") == [
        f"p/pm-drafts-the-okrs-{step}", f"p/pm-drafts-the-okrs-{cadence}"]


def test_a_derived_id_never_meets_a_written_or_another_derived_one():
    # The text of the second step slugs to what the counter would give the third.
    assert keys("  at -4w: PM drafts the OKRs\n  at -3w: PM drafts the OKRs 2\n  at -2w: PM drafts the OKRs\n"
                "  at -1w as pm: PM drafts\n") == [
        "p/pm-drafts-the-okrs", "p/pm-drafts-the-okrs-2", "p/pm-drafts-the-okrs-2-2", "pm"]


def test_derive_keys_is_pure():
    spec, _ = okrdsl.loads(ROLES + 'phase p "P"\n  at -4w: PM drafts\n  at -3w: PM drafts\n', "t.okrp")
    items = spec.phases[0].items
    assert derive_keys("p", items) == derive_keys("p", items) == ("p/pm-drafts", "p/pm-drafts-2")


# --- stability: the property the ids are for ---------------------------------------------------

ACTORS = ("PM", "VPP", "CEO")
WORDS = ("drafts", "reviews", "the", "OKRs", "KRs", "plan", "of", "team", "company", "status")


@st.composite
def items(draw):
    kind = draw(st.sampled_from(["step", "cadence", "permission"]))
    actor = draw(st.sampled_from(ACTORS))
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7)))
    time = draw(st.integers(min_value=1, max_value=9))
    return kind, actor, text, time


def line(item) -> str:
    kind, actor, text, time = item
    if kind == "step":
        return f"  at -{time}w: {actor} {text}\n"
    if kind == "cadence":
        return f"  every {time} weeks: {actor} {text}\n"
    return f"  allow {actor}: {text}\n"


def ids_by_content(written: list) -> dict:
    return {(kind, actor, text): key for (kind, actor, text, _), key in zip(written, keys("".join(map(line, written))))}


def distinct(found: list) -> list:
    seen, kept = set(), []
    for item in found:
        if item[:3] not in seen:
            seen.add(item[:3])
            kept.append(item)
    return kept


def slug_of(item) -> str:
    kind, actor, text, _ = item
    return slug(kind, (actor,), text)


@settings(max_examples=150, deadline=None)
@given(st.lists(items(), min_size=1, max_size=8).map(distinct), items(), st.data())
def test_inserting_removing_reordering_or_retiming_leaves_other_ids_unchanged(written, new, data):
    before = ids_by_content(written)
    assume(new[:3] not in before)
    # Inserting an item with other content anywhere, when its slug is its own (see test above
    # for one that shares a slug: both then carry their hash).
    if slug_of(new) not in {slug_of(item) for item in written}:
        place = data.draw(st.integers(min_value=0, max_value=len(written)))
        after = ids_by_content(written[:place] + [new] + written[place:])
        assert {content: after[content] for content in before} == before
    # Removing one whose slug is its own.
    gone = data.draw(st.integers(min_value=0, max_value=len(written) - 1))
    if [slug_of(item) for item in written].count(slug_of(written[gone])) == 1:
        after = ids_by_content(written[:gone] + written[gone + 1:])
        assert after == {content: key for content, key in before.items() if content != written[gone][:3]}
    # Re-timing any item, this one or another: no id changes.
    moved = data.draw(st.integers(min_value=0, max_value=len(written) - 1))
    kind, actor, text, time = written[moved]
    retimed = written[:moved] + [(kind, actor, text, time % 9 + 1)] + written[moved + 1:]
    assert ids_by_content(retimed) == before
    # Reordering: no id changes.
    assert ids_by_content(data.draw(st.permutations(written))) == before


# --- `as ID` on a permission -----------------------------------------------------------------------


def findings(tmp_path, body: str, **options) -> list[tuple[int, str]]:
    path = tmp_path / "t.okrp"
    path.write_text(ROLES + 'phase p "P"\n' + body, encoding="utf-8")
    return [(d.span.line, d.code) for d in check([str(path)], **options).diagnostics if d.code != "OKR501"]


def test_a_permission_may_be_given_an_id():
    spec, diagnostics = okrdsl.loads(ROLES + 'phase p "P"\n  allow PMs, "VPP" and CEO as early_krs: create KRs\n', "t.okrp")
    permission = spec.phases[0].items[0]
    assert list(diagnostics) == []
    assert isinstance(permission, ir.Permission)
    assert (permission.id.value, permission.key, [a.value for a in permission.actors], permission.text.value) == (
        "early_krs", "early_krs", ["PMs", "VPP", "CEO"], "create KRs")
    assert (permission.id.span.line, permission.id.span.column) == (7, 31)


def test_a_permissions_id_can_be_referred_to_and_followed(tmp_path):
    body = ("  allow PMs as early_krs: create KRs early\n    approval from Manager\n"
            "  at -2w: PM reads #early_krs\n  after early_krs: PM drafts early KRs\n")
    assert findings(tmp_path, body) == []


def test_a_permissions_id_is_checked_like_a_steps(tmp_path):
    body = "  at -4w as early: PM drafts\n  allow PMs as early: create KRs\n  allow PMs as end: close KRs\n"
    assert findings(tmp_path, body) == [(8, "OKR105"), (9, "OKR028")]
    assert findings(tmp_path, "  at -2w: PM reads #erly\n  allow PMs as early: create KRs\n") == [(7, "OKR103")]


def test_as_after_an_actor_is_still_text_in_a_step():
    spec, diagnostics = okrdsl.loads(ROLES + 'phase p "P"\n  at -4w: PM assigns the KRs\n  at -3w: PM as the owner drafts\n'
                                     "  every week: PM, VPP assist\n  allow PM: as a team, plan\n", "t.okrp")
    assert list(diagnostics) == []
    assert [item.text.value for item in spec.items()] == ["assigns the KRs", "as the owner drafts", "assist", "as a team, plan"]
    assert [item.id for item in spec.items()] == [None] * 4
