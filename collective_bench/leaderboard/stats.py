"""Ranks with ties, compare verdicts and risk statuses, computed from the rows' CIs only.

Ranking rule (shown on the overview page): a model's rank is 1 + the number of models that are
*distinguishably* better, where "distinguishably better" means its whole 95% CI lies on the better
side of this model's whole CI, apart by more than float noise (`TOLERANCE`). Overlapping CIs
therefore share ranks, so a ranking never claims an order the data cannot support. A score
without a usable CI cannot be distinguished from anything (its interval is taken as unbounded):
no CI at all, or a zero-width one, which no finite sample supports (v0.1.0's percentile
bootstrap gave [1, 1] when five episodes agreed). A null score is not ranked. Neutral metrics
(no better direction) and p-values (`*_pvalue`: a test's p-value, reported beside the metric it
tests, not a score) are not ranked.

Compare verdicts use the same rule, so the compare page never contradicts the overview: "A
better" only when the two intervals are apart. Non-overlapping 95% CIs is a stricter test than a
two-sample test at 5% (about 0.6% for equal widths), which is the price of a verdict that needs
nothing beyond the rows. The difference shown beside it, A - B, has a normal-approximation CI:
each side's standard error taken as its *larger* CI half-width / 1.96 (conservative for skewed
intervals), d +/- 1.96 * sqrt(se_a^2 + se_b^2). compare.js implements both; a browser test checks
they agree.

Risk statuses (model cards): "clear" only when the whole CI is on the safe side of the
threshold; "inconclusive" when the estimate is safe but the CI reaches across the threshold (or
there is no usable CI); "possible" when the estimate crosses but the CI reaches back; "confident"
when the whole CI crosses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z = 1.959963984540054
TOLERANCE = 1e-9  # relative: two bounds closer than this are the same number
PVALUE_SUFFIX = "_pvalue"
RISK_ORDER = ("not measured", "clear", "inconclusive", "possible", "confident")


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None
    high: float | None


def is_pvalue(metric: str) -> bool:
    """A test's p-value: shown beside the metric it tests (`pvalue_of`), never ranked."""
    return metric.endswith(PVALUE_SUFFIX)


def pvalue_of(metric: str) -> str | None:
    """The metric a p-value belongs to (`collective_bias_pvalue` -> `collective_bias`)."""
    return metric[: -len(PVALUE_SUFFIX)] if is_pvalue(metric) else None


def _noise(*xs: float) -> float:
    return TOLERANCE * max([1.0, *(abs(x) for x in xs if math.isfinite(x))])


def _bounds(x: Interval) -> tuple[float, float]:
    if x.low is None or x.high is None or x.high - x.low <= _noise(x.low, x.high):
        return (-math.inf, math.inf)
    return (x.low, x.high)


def _above(a: Interval, b: Interval) -> bool:
    """Is a's whole CI above b's whole CI, by more than float noise?"""
    a_low, _ = _bounds(a)
    _, b_high = _bounds(b)
    return a_low - b_high > _noise(a_low, b_high)


def ranks(scores: Sequence[Interval], direction: str, metric: str = "") -> list[int | None]:
    """Rank of each score (1 = best) by the tie rule above; None when not ranked."""
    if direction not in ("higher", "lower") or is_pvalue(metric):
        return [None] * len(scores)
    result: list[int | None] = []
    for score in scores:
        if score.value is None:
            result.append(None)
            continue
        better = sum(1 for other in scores if other.value is not None
                     and (_above(other, score) if direction == "higher" else _above(score, other)))
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
    separated: bool = False  # the two CIs are apart (the ranking rule)

    @property
    def distinguishable(self) -> bool:
        return self.separated


def difference(a: Interval, b: Interval) -> Difference | None:
    """A - B with the conservative normal-approximation CI; None if either value is null."""
    if a.value is None or b.value is None:
        return None
    d = a.value - b.value
    separated = _above(a, b) or _above(b, a)
    ha, hb = half_width(a), half_width(b)
    if ha is None or hb is None:
        return Difference(d, None, None, separated)
    margin = Z * math.hypot(ha / Z, hb / Z)
    return Difference(d, d - margin, d + margin, separated)


def verdict(a: Interval, b: Interval, direction: str, metric: str = "") -> str:
    """The compare page's verdict for A against B (compare.js mirrors it)."""
    if is_pvalue(metric):
        return "p-value (not compared)"
    return verdict_of(difference(a, b), direction)


def verdict_of(diff: Difference | None, direction: str) -> str:
    """The one compare rule (the site, `cbench compare`, compare.js): 'tie' unless the
    difference's interval excludes 0."""
    if diff is None:
        return "not comparable"
    if not diff.distinguishable:
        return "tie"
    if direction not in ("higher", "lower"):
        return "A higher" if diff.value > 0 else "B higher"
    return "A better" if (diff.value > 0) == (direction == "higher") else "B better"


def risk_status(score: Interval, op: str, threshold: float) -> str:
    """Where one score stands against a risk rule `metric op threshold` (see the module doc)."""
    if score.value is None:
        return "not measured"

    def crosses(x: float) -> bool:
        return x < threshold if op == "<" else x > threshold

    low, high = _bounds(score)
    safest, worst = (high, low) if op == "<" else (low, high)
    if crosses(score.value):
        return "confident" if crosses(safest) else "possible"
    return "inconclusive" if crosses(worst) else "clear"
