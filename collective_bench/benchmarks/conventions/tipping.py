"""Critical committed fraction of one model, by bisection over the number of committed agents.

One definition serves both this command and the `committed_minority` leaderboard headline
(`scorers.conventions.critical_fraction_of`): the smallest TESTED committed fraction at which at
least half the episodes tip, censored above the largest tested fraction (reported as 1.0) when
none tips. They differ only in which fractions they test. The task tests a fixed grid (at N=24
the default 0.1,...,0.7 is 2, 4, 7, 9, 12 and 16 agents); this command bisects over every whole
count between 0 and the grid's largest, so it is exact to 1/N. Example: reference/textbook tips
at 6 of 24 agents (0.25), which the grid cannot test, so the grid reports the next tested count,
7 of 24 (0.29); that was the whole 0.29-vs-0.25 difference. Bisection assumes tipping is monotone
in the count (Centola et al., 2018) and needs about log2(N) probes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from inspect_ai import eval

from collective_bench.benchmarks.conventions.spec import COMMITTED_MINORITY
from collective_bench.benchmarks.conventions.tasks import committed_minority
from collective_bench.errors import UserError
from collective_bench.scorers.conventions import critical_fraction_of

MAX_FRACTION = max(COMMITTED_MINORITY.param("fractions").coerce(
    COMMITTED_MINORITY.param("fractions").default))
COMMITTED_CAP = int(COMMITTED_MINORITY.param("max_rounds").default)


@dataclass
class TippingSearch:
    model: str
    n_agents: int
    critical_count: int | None = None
    critical_fraction: float | None = None
    """None when even the largest probed count does not tip (censored above it)."""
    probes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bisect_critical_fraction(
    model: str,
    n_agents: int = 24,
    episodes: int = 2,
    max_rounds: int = COMMITTED_CAP,
    seed: int = 0,
    log_dir: str = "results/tipping",
    model_roles: Mapping[str, str] | None = None,
    display: str = "none",
    max_agents: int | None = None,
) -> TippingSearch:
    """Smallest committed count that tips the population (None if the largest probe does not)."""
    if n_agents < 4:
        raise UserError(f"--n-agents must be at least 4, got {n_agents}")
    search = TippingSearch(model=model, n_agents=n_agents)
    fractions: list[float] = []
    tipped: list[float] = []

    def tips(k: int) -> bool:
        task = committed_minority(fractions=k / n_agents, n_agents=n_agents, episodes=episodes,
                                  max_rounds=max_rounds, seed=seed, max_agents=max_agents)
        log = eval(task, model=model, model_roles=dict(model_roles or {}) or None,
                   log_dir=log_dir, display=display)[0]  # type: ignore[arg-type]
        if log.status != "success" or not log.samples:
            raise UserError(f"probe with {k} committed agents failed: "
                            f"{log.error.message if log.error else log.status}; see {log.location}")
        values = [s.scores["episode_scorer"].value for s in log.samples if s.scores]
        probe = [float(v["tipped"]) for v in values if isinstance(v, dict)]
        fractions.extend([k / n_agents] * len(probe))
        tipped.extend(probe)
        share = sum(probe) / len(probe)
        search.probes.append({"committed": k, "fraction": k / n_agents, "tipped_share": share,
                              "log": log.location})
        return critical_fraction_of([k / n_agents] * len(probe), probe) == k / n_agents

    lo, hi = 0, math.floor(MAX_FRACTION * n_agents + 1e-9)
    if tips(hi):
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if tips(mid):
                hi = mid
            else:
                lo = mid
    found = critical_fraction_of(fractions, tipped)
    if found < 1.0:
        search.critical_fraction = found
        search.critical_count = round(found * n_agents)
    return search
