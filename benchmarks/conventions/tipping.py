"""Critical committed fraction of one model, by bisection over the number of committed agents.

The grid of `committed_minority` gives a coarse estimate; this refines it for one model. Each
probe is a real `committed_minority` run (same prompts, same scorer) at one committed count k;
the population "tips" at k when at least half of the probe's episodes tip. Assuming tipping is
monotone in k (Centola et al., 2018), bisection between a count that does not tip and one that
does finds the smallest tipping count in about log2(N/2) probes. Counts are whole agents, so the
answer is exact to 1/N.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from inspect_ai import eval

from benchmarks.conventions.tasks import committed_minority
from collective_bench.errors import UserError

TIPPED_SHARE = 0.5


@dataclass
class TippingSearch:
    model: str
    n_agents: int
    critical_count: int | None = None
    critical_fraction: float | None = None
    probes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bisect_critical_fraction(
    model: str,
    n_agents: int = 24,
    episodes: int = 2,
    max_rounds: int = 25,
    seed: int = 0,
    log_dir: str = "results/tipping",
    model_roles: Mapping[str, str] | None = None,
    display: str = "none",
) -> TippingSearch:
    """Smallest committed count that tips the population (None if even N/2 does not)."""
    if n_agents < 4 or n_agents % 2:
        raise UserError(f"--n-agents must be an even number >= 4, got {n_agents}")
    search = TippingSearch(model=model, n_agents=n_agents)

    def tips(k: int) -> bool:
        task = committed_minority(fractions=k / n_agents, n_agents=n_agents, episodes=episodes,
                                  max_rounds=max_rounds, seed=seed)
        log = eval(task, model=model, model_roles=dict(model_roles or {}) or None,
                   log_dir=log_dir, display=display)[0]  # type: ignore[arg-type]
        if log.status != "success" or not log.samples:
            raise UserError(f"probe with {k} committed agents failed: "
                            f"{log.error.message if log.error else log.status}; see {log.location}")
        values = [s.scores["committed_scorer"].value for s in log.samples if s.scores]
        tipped = [float(v["tipped"]) for v in values if isinstance(v, dict)]
        share = sum(tipped) / len(tipped)
        search.probes.append({"committed": k, "fraction": k / n_agents, "tipped_share": share,
                              "log": log.location})
        return share >= TIPPED_SHARE

    lo, hi = 0, n_agents // 2
    if not tips(hi):
        return search
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tips(mid):
            hi = mid
        else:
            lo = mid
    search.critical_count = hi
    search.critical_fraction = hi / n_agents
    return search
