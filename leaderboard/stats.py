"""Ranks with ties, and the difference of two scores, computed from the rows' CIs only.

Ranking rule (shown on the overview page): a model's rank is 1 + the number of models that are
*distinguishably* better, where "distinguishably better" means its whole 95% CI lies on the better
side of this model's whole CI (no overlap). Overlapping CIs therefore share ranks, so a ranking
never claims an order the data cannot support. A score without a CI cannot be distinguished from
anything (its interval is taken as unbounded); a null score is not ranked. Neutral metrics (no
better direction) are not ranked.

Differences (compare page): the rows hold no bootstrap samples, so the CI of a difference A - B is a
normal approximation: each side's standard error is taken as its *larger* CI half-width / 1.96
(conservative for skewed bootstrap CIs), and d +/- 1.96 * sqrt(se_a^2 + se_b^2). The difference is
called distinguishable only when that interval excludes 0. compare.js implements the same formula;
a browser test checks they agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None
    high: float | None


def _bounds(x: Interval) -> tuple[float, float]:
    if x.low is None or x.high is None:
        return (-math.inf, math.inf)
    return (x.low, x.high)


def ranks(scores: Sequence[Interval], direction: str) -> list[int | None]:
    """Rank of each score (1 = best) by the tie rule above; None when not ranked."""
    if direction not in ("higher", "lower"):
        return [None] * len(scores)
    result: list[int | None] = []
    for score in scores:
        if score.value is None:
            result.append(None)
            continue
        low, high = _bounds(score)
        better = 0
        for other in scores:
            if other.value is None:
                continue
            o_low, o_high = _bounds(other)
            if (o_low > high) if direction == "higher" else (o_high < low):
                better += 1
        result.append(1 + better)
    return result


def half_width(x: Interval) -> float | None:
    if x.value is None or x.low is None or x.high is None:
        return None
    return max(x.high - x.value, x.value - x.low, 0.0)


@dataclass(frozen=True)
class Difference:
    value: float
    low: float | None
    high: float | None

    @property
    def distinguishable(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def difference(a: Interval, b: Interval) -> Difference | None:
    """A - B with the conservative normal-approximation CI; None if either value is null."""
    if a.value is None or b.value is None:
        return None
    d = a.value - b.value
    ha, hb = half_width(a), half_width(b)
    if ha is None or hb is None:
        return Difference(d, None, None)
    margin = Z * math.hypot(ha / Z, hb / Z)
    return Difference(d, d - margin, d + margin)
