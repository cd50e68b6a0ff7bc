"""Stage 2, build, for OKR sets and the policy: objectives, key results, links, scores,
health words, score bands and cascade counts, as a part of the builder (okrdsl.build._Builder)."""

from __future__ import annotations

import itertools

from okrdsl import ir
from okrdsl.tree import Token, Tree, children, token_of, tokens_of, tree_of, trees_of, unquote


class OkrBuilder:
    """The builder's methods for OKR sets and the policy; they use its `report`, `number`,
    `name`, `span`, `single`, `repeated`, `role_lists`, `link` and `consume`."""

    def policy(self, tree: Tree) -> ir.Policy:
        self.single(tree, "company_objectives", "objectives_cap", "levels", "own_owner",
                    "health_words", "score_bands", "score_rollup")
        company = tree_of(tree, "company_objectives")
        general = [t for t in trees_of(tree, "key_results_per_objective") if token_of(t, "IDENT") is None]
        self.repeated(general)
        counts = [t for t in tree.children if isinstance(t, Tree) and t.data in _COUNTS and t not in general]
        for _, same in itertools.groupby(sorted(counts, key=_count_key), key=_count_key):
            self.repeated(list(same))
        per_objective = general[0] if general else None
        cap = tree_of(tree, "objectives_cap")
        bounds = [self.number(t, hint=_DIGITS) for t in tokens_of(per_objective, "INT")] if per_objective is not None else []
        bands = tree_of(tree, "score_bands")
        rollup = tree_of(tree, "score_rollup")
        own = tree_of(tree, "own_owner")
        return ir.Policy(
            company_objectives=self.number(token_of(company, "INT"), hint=_DIGITS) if company is not None else None,
            min_key_results=bounds[0] if bounds else None,
            max_key_results=bounds[-1] if bounds else None,
            capped_levels=self.names(cap) if cap is not None else (),
            max_capped_objectives=self.number(token_of(cap, "INT"), hint=_DIGITS) if cap is not None else None,
            span=self.span(tree),
            key_results_span=self.span(per_objective) if per_objective is not None else None,
            counts=tuple(self.count(t) for t in counts),
            levels=self.names(tree_of(tree, "levels")),
            own_owner=own is not None,
            own_owner_span=self.span(own) if own is not None else None,
            health=tuple(self.name(t) for t in _tokens_under(tree, "health_words", "HEALTH")),
            bands=tuple(self.band(t) for t in trees_of(bands, "band")) if bands is not None else (),
            bands_span=self.span(bands) if bands is not None else None,
            score_rollup=token_of(rollup, "ROLLUP").value if rollup is not None else None,
        )

    def count(self, tree: Tree) -> ir.Count:
        """`key results per LEVEL objective: 1..3`, `objectives aligned to each LEVEL objective: at least 2`."""
        if tree.data == "key_results_per_objective":
            kind, numbers, shape = "key-results", tokens_of(tree, "INT"), "count_range"
        else:
            counted = tree.children[0].data
            kind = "aligned-objectives" if counted == "counted_objectives" else "aligned-key-results"
            count = tree_of(tree, "count_range") or tree_of(tree, "count_at_least") or tree_of(tree, "count_at_most")
            numbers, shape = tokens_of(count, "INT"), count.data
        values = [self.number(t, hint=_DIGITS) for t in numbers]
        low = None if shape == "count_at_most" else values[0]
        high = None if shape == "count_at_least" else values[-1]
        return ir.Count(kind, self.name(token_of(tree, "IDENT")), low, high, self.span(tree))

    def band(self, tree: Tree) -> ir.Band:
        words = tokens_of(tree, "HEALTH")
        low, high = (self.number(t, hint="a score band runs within 0..100") for t in tokens_of(tree, "INT"))
        return ir.Band(self.name(words[0]), low if low is not None else 0, high if high is not None else 0,
                       self.name(words[1]) if len(words) > 1 else None, self.span(tree))

    def percent(self, token: Token, what: str) -> float | None:
        """A percentage such as 40% or 12.5%; None for a whole part too large (reported)."""
        whole = token.value.rstrip("%").split(".")[0]
        if self.number(token, end=len(whole), hint=f"{what} runs from 0% to 100%") is None:
            return None
        return float(token.value.rstrip("%"))

    def okr_set(self, tree: Tree) -> ir.OkrSet:
        quarter, span = self.quarter(token_of(tree, "QUARTER")), self.span(tree)
        objectives = tuple(self.objective(t) for t in children(tree, self.consume)  # let go of as built
                           if isinstance(t, Tree) and t.data == "objective")
        return ir.OkrSet(quarter, objectives, span)

    def okr_links(self, tree: Tree) -> tuple[ir.Link, ...]:
        """The link ending an objective's or key result's line, then its `link` lines."""
        ending = [ir.Link(t.value[1:-1], None, self.span(t)) for t in tree.children
                  if isinstance(t, Token) and t.type == "LINK"]
        return tuple(ending) + tuple(self.link(t) for t in trees_of(tree, "link"))

    def objective(self, tree: Tree) -> ir.Objective:
        ident, level = tokens_of(tree, "IDENT")
        self.single(tree, "owner", "aligns")
        aligns = tree_of(tree, "aligns")
        owners = self.role_lists(tree, "owner")
        return ir.Objective(
            id=self.name(ident),
            level=level.value,
            title=unquote(token_of(tree, "STRING")),
            owners=owners,
            aligns=self.name(token_of(aligns, "IDENT")) if aligns is not None else None,
            key_results=tuple(self.key_result(t, owners) for t in trees_of(tree, "key_result")),
            span=self.span(tree),
            links=self.okr_links(tree),
            level_span=self.span(level),
        )

    def key_result(self, tree: Tree, inherited: tuple[ir.Name, ...] = ()) -> ir.KeyResult:
        """A key result; one without an owner of its own takes its objective's (`inherited`)."""
        self.single(tree, "owner", "target", "progress", "score", "health")
        target = tree_of(tree, "target")
        progress, score, health = (next(iter(_tokens_under(tree, data, kind)), None)
                                   for data, kind in (("progress", "PERCENT"), ("score", "PERCENT"), ("health", "HEALTH")))
        owners = self.role_lists(tree, "owner")
        return ir.KeyResult(
            id=self.name(token_of(tree, "IDENT")),
            title=unquote(token_of(tree, "STRING")),
            owners=owners or inherited,
            owners_inherited=not owners and bool(inherited),
            target=unquote(token_of(target, "STRING")) if target is not None else None,
            progress=self.percent(progress, "progress") if progress is not None else None,
            score=self.percent(score, "a score") if score is not None else None,
            health=health.value if health is not None else None,
            span=self.span(tree),
            progress_span=self.span(progress) if progress is not None else None,
            score_span=self.span(score) if score is not None else None,
            health_span=self.span(health) if health is not None else None,
            links=self.okr_links(tree),
        )


_DIGITS = "write a number of at most 9 digits"
_COUNTS = ("key_results_per_objective", "aligned_count")


def _tokens_under(tree: Tree, data: str, kind: str) -> list[Token]:
    """The `kind` tokens of the first `data` line under `tree` (none when there is no such line)."""
    found = tree_of(tree, data)
    return tokens_of(found, kind) if found is not None else []


def _count_key(tree: Tree) -> tuple[str, str]:
    """What a cascade number counts and for which level: two lines with the same key repeat a setting."""
    return (str(tree.children[0].data) if tree.data == "aligned_count" else "key-results", token_of(tree, "IDENT").value)
