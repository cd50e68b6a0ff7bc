"""An OKR set's policy words and numbers, with their defaults, and how scores and health roll up.

The defaults are GitLab's: health on-track, needs-attention, at-risk (best first);
score bands on-target 85..100, off-target 70..84, at-risk 0..69 (paired with the
health words in order); objectives scored by the mean of their key results; and
the levels company, shared, product and engineering, with product and
engineering side by side under shared R&D. `check` and `okrdsl status` both read
them from here.
"""

from __future__ import annotations

from typing import Iterable, Literal

import attrs

from okrdsl import ir
from okrdsl.records import frozen

HEALTH = ("on-track", "needs-attention", "at-risk")
BANDS = (("on-target", 85, 100), ("off-target", 70, 84), ("at-risk", 0, 69))
ROLLUP: ir.Rollup = "mean"
# Product and engineering objectives sit side by side, under shared R&D ones.
LEVEL_RANKS = {"company": 0, "shared": 1, "product": 2, "engineering": 2}
COMPANY_OBJECTIVES = 3
Tone = Literal["good", "fair", "poor"]
KEY_RESULTS = (1, 3)


@frozen
class Band:
    """A score band with the health word it goes with (None when the policy pairs it with none)."""

    name: str
    low: int
    high: int
    health: str | None

    def holds(self, score: float) -> bool:
        """Whether `score` is in this band. Bands are whole percents, so 70..84 holds 84.5 too:
        up to, not including, 85 (but no band holds more than 100)."""
        return self.low <= score < self.high + 1 and score <= 100


@frozen
class Scoring:
    """The words and numbers in force for one OKR set: the policy's, or the defaults."""

    health: tuple[str, ...] = HEALTH
    bands: tuple[Band, ...] = tuple(Band(name, low, high, word) for (name, low, high), word in zip(BANDS, HEALTH))
    rollup: ir.Rollup = ROLLUP
    ranks: dict = attrs.field(factory=lambda: dict(LEVEL_RANKS), eq=False)  # a dict: kept out of eq and hash

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(self.ranks)

    def band(self, score: float | None) -> Band | None:
        """The first band that holds `score`, None for a score that none holds."""
        if score is None:
            return None
        return next((band for band in self.bands if band.holds(score)), None)

    def worst(self, words: Iterable[str | None]) -> str | None:
        """The worst of some health words (the one declared last); unknown words are left out."""
        known = [w for w in words if w in self.health]
        return max(known, key=self.health.index) if known else None

    def tone(self, health: str | None) -> Tone | None:
        """How a health word looks: "good" for the best word, "poor" for the worst, "fair"
        for any between; None for no health, or a word the policy does not list."""
        if health not in self.health:
            return None
        place = self.health.index(health)
        return "good" if place == 0 else "poor" if place == len(self.health) - 1 else "fair"

    def roll(self, scores: Iterable[float | None]) -> float | None:
        """The score of a group: the mean, or the lowest, of the scores given."""
        given = [s for s in scores if s is not None]
        if not given:
            return None
        if self.rollup == "lowest":
            return min(given)
        import statistics  # here: `okrdsl check` loads this module for its rules, and never rolls up

        return statistics.fmean(given)


def scoring(policy: ir.Policy | None) -> Scoring:
    """What `policy` sets, the defaults for what it leaves out."""
    policy = policy or ir.Policy()
    health = tuple(n.value for n in policy.health) or HEALTH
    if policy.bands:
        bands = tuple(Band(b.name.value, b.low, b.high, b.health.value if b.health else
                           (health[place] if place < len(health) else None))
                      for place, b in enumerate(policy.bands))
    else:
        bands = tuple(Band(name, low, high, health[place] if place < len(health) else None)
                      for place, (name, low, high) in enumerate(BANDS))
    ranks = {n.value: place for place, n in enumerate(policy.levels)} if policy.levels else dict(LEVEL_RANKS)
    return Scoring(health, bands, policy.score_rollup or ROLLUP, ranks)


@frozen
class Status:
    """Where something stands: progress, score, its band, and health (None when not known)."""

    progress: float | None
    score: float | None
    band: str | None
    health: str | None


def key_result_status(key_result: ir.KeyResult, rules: Scoring) -> Status:
    band = rules.band(key_result.score)
    return Status(key_result.progress, key_result.score, band.name if band else None, key_result.health)


def rolled_up(parts: list[Status], rules: Scoring) -> Status:
    """The status of a group from its parts: mean progress, the policy's score roll-up, its
    band, and the worst health."""
    progress = [p.progress for p in parts if p.progress is not None]
    score = rules.roll(p.score for p in parts)
    band = rules.band(score)
    import statistics

    return Status(statistics.fmean(progress) if progress else None, score, band.name if band else None,
                  rules.worst(p.health for p in parts))
