"""Print a large, realistic spec that checks clean, for benchmarks.

    python benchmarks/generate.py --steps 10000 --seed 1 > big.okrp
    okrdsl check big.okrp

The spec has what a real one has, repeated: a roles catalogue, a process for a
quarter, artifacts, phases, each with a meeting, steps written every way the
language allows (relative times, `after`, windows, sub-lines, notes, `@role` and
`#artifact` references), a cadence and a permission, and one OKR set whose
objectives align to each other. Each step takes about two lines. The same
--steps and --seed give the same text.
"""

from __future__ import annotations

import argparse
import random

ROLES = [
    ("CEO", "Chief Executive Officer", ""),
    ("CTO", "Chief Technology Officer", ""),
    ("VPP", "VP of Product", ' aka "VP Product Management"'),
    ("ProductOps", "Product Operations", ""),
    ("Directors", "Product Directors", ""),
    ("GPM", "Group Product Manager", ' aka GPMs, "Group Product Managers"'),
    ("PM", "Product Manager", ' aka PMs, "Product Managers"   handle @gl-product-pm'),
    ("ProductGroup", "Product Group (Quad + Infra + Security DRIs)", ""),
    ("KROwner", "Key Result owner", ' aka "KR owners"'),
]
ACTORS = ["PM", "GPM", "VPP", "ProductOps", "Directors", "CTO"]
ARTIFACTS = [
    ("planning", "issue", "Shared R&D and Product Org OKR Planning", "https://gitlab.com/gitlab-com/Product/-/issues/4295"),
    ("ally", "tool", "Ally.io", ""),
    ("themes", "page", "Annual product investment themes", "https://about.gitlab.com/direction/"),
    ("product_channel", "channel", "#product Slack channel", ""),
]
VERBS = ["reviews", "drafts", "updates", "shares", "aligns", "prepares", "confirms", "tags"]
OBJECTS = ["the proposed OKRs", "the key results", "the planning notes", "the roadmap themes",
           "the retrospective", "the scoring method", "the quarterly plan", "the team's KRs"]
STEPS_PER_PHASE = 50


def generate(steps: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = ["# A generated spec for benchmarks (benchmarks/generate.py).", "", "roles"]
    out += [f'  {role:<13} "{title}"{extra}' for role, title, extra in ROLES]
    out += ["", 'process "Generated Product OKR Workflow" for FY23-Q3',
            "  fiscal year starts February named by end year", ""]
    for name, kind, title, url in ARTIFACTS:
        out.append(f'artifact {name} {kind} "{title}"' + (f" <{url}>" if url else ""))
    phases = max(1, -(-steps // STEPS_PER_PHASE))
    done = 0
    for p in range(phases):
        count = min(STEPS_PER_PHASE, steps - done)
        out += _phase(p, count, rng)
        done += count
    out += _okrs()
    return "\n".join(out) + "\n"


def _phase(p: int, count: int, rng: random.Random) -> list[str]:
    out = ["", f'phase p{p} "Planning round {p + 1}"', ""]
    out += [f'  meeting m{p} "Planning session {p + 1}" at -{6 + p % 3}w',
            '    goal "Agree the OKRs for the quarter"',
            "    scheduled by ProductOps",
            "    attendees VPP, CTO, Directors",
            "    note: bring #planning, #ally, #themes and #product_channel, and invite @ProductGroup", ""]
    last_id = None
    for s in range(count):
        actor = ACTORS[(s + p) % len(ACTORS)]
        other = ACTORS[(s + p + 1) % len(ACTORS)]
        verb, thing = rng.choice(VERBS), rng.choice(OBJECTS)
        artifact = ARTIFACTS[s % len(ARTIFACTS)][0]
        when = f"m{p} + {s}d"  # one step a day after the phase's meeting, so every date follows the one above
        shape = s % 5 if last_id is not None else 0
        if shape == 0:
            last_id = f"s{p}_{s}"
            out.append(f"  at {when} as {last_id}: {actor} {verb} {thing} in #{artifact} with @{other}")
            out.append(f"    {other} comments on item {s} of round {p + 1}")
        elif shape == 1:
            out.append(f"  at {when}: {actor} {verb} {thing}, item {s} of round {p + 1}")
            out.append(f"    note: see #{artifact} for what item {s} needs.")
        elif shape == 2:
            out.append(f"  at {when} as s{p}_{s} after {last_id}: {actor} {verb} {thing} for item {s} of round {p + 1}")
            last_id = f"s{p}_{s}"
            out.append(f"    led by {other}")
        elif shape == 3:
            out.append(f"  within 1w after {last_id}: {actor} {verb} {thing} about item {s} of round {p + 1}")
            out.append(f"    {other} checks item {s} in #{artifact}")
        else:
            out.append(f"  at {when}: {actor} {verb} {thing} with @ProductGroup, item {s}")
            out.append(f"      note: item {s} of round {p + 1} closes in #{artifact}.")
    out += ["", f"  every month: KROwner updates the status of their KRs in round {p + 1}",
            f"  allow PMs: add KRs of their own in round {p + 1}, aligned to the quarter's OKRs",
            "    approval from GPM"]
    return out


def _okrs() -> list[str]:
    out = ["", "okrs for FY23-Q3", ""]
    out += ['  objective C1 company "Deliver customer results" owner CEO',
            '    kr C1.1 "Keep availability at 99.95%" owner CTO target "99.95%" progress 60% health on-track',
            '    kr C1.2 "Remediate S1 vulnerabilities within their SLO" owner CTO progress 40% health needs-attention',
            '  objective C2 company "Grow adoption of the platform" owner CEO',
            '    kr C2.1 "Grow paid monthly active users" owner VPP progress 40% health on-track',
            '  objective C3 company "Operate efficiently as we scale" owner CEO',
            '    kr C3.1 "Keep spend within plan" owner CTO progress 50% health on-track',
            '  objective P1 product "Increase the number of stages each customer uses" owner VPP aligns to C1',
            '    kr P1.1 "Raise stages per organization" owner Directors progress 50% health on-track',
            '    kr P1.2 "Ship the top usability improvements" owner GPM progress 30% health at-risk']
    return out


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--steps", type=int, default=1000, help="how many steps (about two lines each)")
    arguments.add_argument("--seed", type=int, default=0, help="the seed of the wording")
    options = arguments.parse_args()
    print(generate(options.steps, options.seed), end="")


if __name__ == "__main__":
    main()
