"""OKR307, OKR308, OKR311 and OKR312: progress, scores and health of key results, against
the words and score bands of the spec's policy (GitLab's by default, see okrdsl.scoring)."""

from __future__ import annotations

from okrdsl.diagnostics import Severity
from okrdsl.rules import Context, Finding, rule
from okrdsl.rules.okrs import either, key_results
from okrdsl.scoring import scoring
from okrdsl.words import did_you_mean

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule("OKR307", "progress-out-of-range", ERROR)
def progress_out_of_range(context: Context):
    """A key result's progress or score is above 100%.

    Progress and score both run from 0% to 100%.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO progress 140%  # OKR307

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO progress 100%
    """
    for file, objective, key_result in key_results(context):
        if key_result.progress is not None and not 0 <= key_result.progress <= 100:
            yield Finding(key_result.progress_span, f'key result "{key_result.id.value}" is {key_result.progress:.10g}% '
                          "done; progress runs from 0% to 100%")
        if key_result.score is not None and not 0 <= key_result.score <= 100:
            yield Finding(key_result.score_span, f'key result "{key_result.id.value}" scores {key_result.score:.10g}%; '
                          "a score runs from 0% to 100%")


@rule("OKR308", "unknown-health", ERROR)
def unknown_health(context: Context):
    """A key result's health is not one of the policy's health words (on-track, needs-attention or at-risk).

    Health is separate from progress: how confident the owner is that the key
    result will be met, as GitLab's work items record it. An organisation with
    other words declares them in the policy, best first: `health green, yellow, red`.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO health ontrack  # OKR308

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" owner CEO health on-track
    """


    for file, objective, key_result in key_results(context):
        words = scoring(file.scope.policy).health
        if key_result.health is not None and key_result.health not in words:
            yield Finding(key_result.health_span, f'"{key_result.health}" is not a health status',
                          did_you_mean(key_result.health, words) or "use " + either(words))


@rule("OKR311", "bad-score-bands", ERROR)
def bad_score_bands(context: Context):
    """The policy's score bands do not cover 0 to 100 exactly once, or pair with an unknown health word.

    `score bands on-target 85..100, off-target 70..84, at-risk 0..69` (the
    default) gives every score from 0% to 100% one band. Bands go best first,
    and pair with the health words in order, unless written `as WORD`.

    Bad:
        policy
          score bands on-target 80..100, off-target 70..84, at-risk 0..69  # OKR311

    Good:
        policy
          score bands on-target 85..100, off-target 70..84, at-risk 0..69
    """
    for file in context.files():
        policy = file.spec.policy
        if policy is None or not policy.bands:
            continue
        words = scoring(policy).health
        for band in policy.bands:
            if band.low > band.high or band.high > 100:
                yield Finding(band.span, f'band "{band.name.value}" runs from {band.low} to {band.high}: '
                              "a band runs upward within 0..100", f"write it as LOW..HIGH, such as {min(band.low, band.high)}..{min(max(band.low, band.high), 100)}")
            if band.health is not None and band.health.value not in words:
                yield Finding(band.health.span, f'"{band.health.value}" is not one of the health words ({", ".join(words)})',
                              did_you_mean(band.health.value, words) or "use " + either(words))
        ordered = sorted((b for b in policy.bands if b.low <= b.high <= 100), key=lambda b: (b.low, b.high))
        reach = -1  # the highest score covered so far
        for place, band in enumerate(ordered):
            if band.low <= reach:
                other = max(ordered[:place], key=lambda b: b.high)
                yield Finding(band.span, f'bands "{other.name.value}" ({other.low}..{other.high}) and "{band.name.value}" '
                              f"({band.low}..{band.high}) overlap from {band.low} to {min(reach, band.high)}",
                              "give each score one band")
            elif band.low > reach + 1:
                yield Finding(policy.bands_span, _no_band(reach + 1, band.low - 1),
                              "every score from 0 to 100 needs a band")
            reach = max(reach, band.high)
        if reach < 100:
            yield Finding(policy.bands_span, _no_band(reach + 1, 100),
                          "every score from 0 to 100 needs a band")


def _no_band(low: int, high: int) -> str:
    return f"a score of {low}% falls in no band" if low == high else f"scores from {low}% to {high}% fall in no band"


@rule("OKR312", "score-disagrees-with-health", WARNING)
def score_disagrees_with_health(context: Context):
    """A key result's score falls in a band whose health is not the health it states.

    Bands and health words pair up, best first (on-target with on-track,
    off-target with needs-attention, at-risk with at-risk), or as the policy
    maps them with `as`. A score of 40% with health on-track usually means one
    of the two was not updated.

    Bad:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" score 40% health on-track  # OKR312

    Good:
        roles
          CEO "Chief Executive Officer"
        policy
          company objectives: 1
        okrs for FY23-Q3
          objective C1 company "Deliver customer results" owner CEO
            kr C1.1 "Raise paid GMAU by 10%" score 40% health at-risk
    """
    for file, objective, key_result in key_results(context):
        rules = scoring(file.scope.policy)
        band = rules.band(key_result.score)
        if band is None or band.health is None or key_result.health not in rules.health or key_result.health == band.health:
            continue
        yield Finding(key_result.score_span, f"score {key_result.score:.10g}% is {band.name}, "
                      f"but health says {key_result.health}",
                      f"a score that is {band.name} goes with health {band.health}: update the health or the score")
