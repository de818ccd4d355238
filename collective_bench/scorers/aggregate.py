"""From per-episode values to a task's reported estimates, one rule per metric.

Most metrics are a mean over episodes with the interval of their kind (`stats.estimate`).
A few are statistics of the whole set of episodes (a Kaplan-Meier median, a critical
fraction, a bias): the task names those in `special`, each a function of all episodes. The
task's declaration passes `per_metric(...)` as its aggregate, so the log's metrics, the result
rows and the leaderboard all come from this one function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from collective_bench.scorers.stats import Estimate, estimate

Episodes = Sequence[Mapping[str, float]]
Special = Callable[[Episodes], Estimate]


class Declared(Protocol):
    """What aggregation needs of a metric declaration (`collective_bench.spec.Metric`)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def bounds(self) -> tuple[float, float] | None: ...

    @property
    def per(self) -> str | None: ...


def per_metric(metrics: Sequence[Declared], special: Mapping[str, Special] | None = None,
               ) -> Callable[[Episodes], dict[str, Estimate]]:
    """The aggregate of a task: every declared metric, by its kind or its special rule."""
    rules = dict(special or {})
    unknown = set(rules) - {m.name for m in metrics}
    if unknown:
        raise ValueError(f"special rules for undeclared metrics: {sorted(unknown)}")

    def aggregate(episodes: Episodes) -> dict[str, Estimate]:
        out = {}
        for m in metrics:
            if m.per:  # one value per parameter value, named <name><value>, as the run had
                names = sorted({k for e in episodes for k in e
                                if k.startswith(m.name) and k[len(m.name):].isdigit()},
                               key=lambda k: int(k[len(m.name):]))
                for name in names:
                    out[name] = estimate([e.get(name, float("nan")) for e in episodes],
                                         m.kind, m.bounds)
            elif m.name in rules:
                out[m.name] = rules[m.name](episodes)
            else:
                missing = [i for i, e in enumerate(episodes) if m.name not in e]
                if missing:
                    raise ValueError(f"metric {m.name!r} is declared but episode {missing[0]} "
                                     "has no value for it (NaN means undefined)")
                out[m.name] = estimate([e[m.name] for e in episodes], m.kind, m.bounds)
        return out

    return aggregate
