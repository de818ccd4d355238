"""Coverage and width of the 95% intervals at the episode counts runs use (n = 3, 5, 8, 16).

Prints, per kind of data, the share of intervals that contain the true mean (coverage), their
mean width and the share of zero-width intervals, for the v0.1.0 percentile bootstrap
(`scorers.stats.mean_ci`) beside the interval `scorers.stats.estimate` now uses for the kind,
and, for reference, the alternatives that were considered. Target for the new methods: coverage
>= 0.93 in every cell and never a zero-width interval from a finite sample; a cell that misses
the target says BELOW.

- binary (0/1 per episode, p = 0.5, 0.8, 0.9, 1.0): coverage is exact, summed over the binomial
  distribution of the count (every method's interval depends on the data only through the count;
  the bootstrap is run on one sample per count with the production seed). A last line per n
  gives each method's worst coverage over p in (0, 1) (999 values).
- bounded ([0, 1] values): Beta distributions plus one with 90% of episodes exactly at 1 (the
  shape of a rate that most episodes max out), simulated.
- real (skewed continuous): lognormal (sigma 0.5 and 1), exponential and normal, simulated.

Then the episode counts at which a binary headline's interval is at most +/- 0.15 (95%).

Run from the repository root: `.venv/bin/python perf/interval_coverage.py [--reps N]`
(default 2,000 replications per cell, seeded; the Monte Carlo standard error of a coverage near
0.95 is then 0.005). About 10 CPU-minutes, most of it the old bootstrap; `--episodes-only`
prints just the last table.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collective_bench.scorers.stats import estimate, mean_ci, score_interval  # noqa: E402

NS = (3, 5, 8, 16)
TARGET = 0.93
SEED = 15
Interval = tuple[float, float]
Method = Callable[[np.ndarray], Interval]


def old(x: np.ndarray) -> Interval:
    est = mean_ci(list(x))
    return est.ci_low, est.ci_high


def new(kind: str) -> Method:
    def method(x: np.ndarray) -> Interval:
        est = estimate(x, kind)
        return est.ci_low, est.ci_high
    return method


def wilson(x: np.ndarray) -> Interval:
    ci = stats.binomtest(int(x.sum()), x.size).proportion_ci(method="wilson")
    return float(ci.low), float(ci.high)


def jeffreys(x: np.ndarray) -> Interval:
    k, n = int(x.sum()), x.size
    low = 0.0 if k == 0 else float(stats.beta.ppf(0.025, k + 0.5, n - k + 0.5))
    high = 1.0 if k == n else float(stats.beta.ppf(0.975, k + 0.5, n - k + 0.5))
    return low, high


def t_clipped(x: np.ndarray) -> Interval:
    if np.all(x == x[0]):
        return float(x[0]), float(x[0])
    ci = stats.ttest_1samp(x, popmean=0.0).confidence_interval()
    return max(float(ci.low), 0.0), min(float(ci.high), 1.0)


BINARY: dict[str, Method] = {"bootstrap (old)": old, "wilson": wilson, "jeffreys": jeffreys,
                             "wilson-cc (new)": new("binary")}
BOUNDED: dict[str, Method] = {"bootstrap (old)": old, "t clipped": t_clipped,
                              "score on mean (new)": new("bounded")}
REAL: dict[str, Method] = {"bootstrap (old)": old, "student t (new)": new("real")}
NEW = {"wilson-cc (new)", "score on mean (new)", "student t (new)"}


def header(methods: dict[str, Method]) -> None:
    cells = "".join(f"{name:>24}" for name in methods)
    print(f"{'data':<26}{'n':>3}{cells}")
    print(f"{'':<29}" + "".join(f"{'cover  width  zero':>24}" for _ in methods))


def line(label: str, n: int, results: list[tuple[str, float, float, float]]) -> None:
    cells = []
    for name, cover, width, zero in results:
        flag = "*" if name in NEW and (cover < TARGET or zero > 0) else " "
        cells.append(f"{cover:>8.3f}{flag}{width:>7.3f}{zero:>7.3f} ")
    print(f"{label:<26}{n:>3}" + "".join(f"{c:>24}" for c in cells))


def binary_exact(methods: dict[str, Method]) -> None:
    print("\nbinary: exact coverage over the binomial count")
    header(methods)
    worst_p = np.linspace(0.001, 0.999, 999)
    for n in NS:
        intervals = {name: [f(np.array([1.0] * k + [0.0] * (n - k))) for k in range(n + 1)]
                     for name, f in methods.items()}
        for p in (0.5, 0.8, 0.9, 1.0):
            pmf = stats.binom.pmf(np.arange(n + 1), n, p)
            results = []
            for name, iv in intervals.items():
                cover = sum(w for w, (lo, hi) in zip(pmf, iv, strict=True) if lo <= p <= hi)
                width = sum(w * (hi - lo) for w, (lo, hi) in zip(pmf, iv, strict=True))
                zero = sum(w for w, (lo, hi) in zip(pmf, iv, strict=True) if hi - lo <= 0)
                results.append((name, float(cover), float(width), float(zero)))
            line(f"p = {p}", n, results)
        results = []
        for name, iv in intervals.items():
            lows = np.array([lo for lo, _ in iv])[:, None]
            highs = np.array([hi for _, hi in iv])[:, None]
            pmf = stats.binom.pmf(np.arange(n + 1)[:, None], n, worst_p[None, :])
            cover = (pmf * ((lows <= worst_p) & (worst_p <= highs))).sum(axis=0)
            results.append((name, float(cover.min()), math.nan, math.nan))
        line("worst p in (0, 1)", n, results)


def simulate(title: str, methods: dict[str, Method],
             data: list[tuple[str, float, Callable[[np.random.Generator, int], np.ndarray]]],
             reps: int) -> None:
    print(f"\n{title}: {reps} simulated samples per cell")
    header(methods)
    for label, mu, draw in data:
        for n in NS:
            rng = np.random.default_rng([SEED, n, len(label)])
            samples = [draw(rng, n) for _ in range(reps)]
            results = []
            for name, f in methods.items():
                iv = np.array([f(x) for x in samples])
                defined = ~np.isnan(iv).any(axis=1)
                cover = np.mean((iv[defined, 0] <= mu) & (mu <= iv[defined, 1]))
                width = np.mean(iv[defined, 1] - iv[defined, 0])
                zero = np.mean(iv[defined, 1] - iv[defined, 0] <= 0)
                results.append((name, float(cover), float(width), float(zero)))
            line(label, n, results)


def episode_counts() -> None:
    """Smallest n whose 95% interval reaches at most 0.15 from the observed share."""
    print("\nepisodes for a binary headline's 95% interval to reach at most 0.15 from the "
          "estimate\n(k = round(n p) successes; 'either side': the longer side <= 0.15; "
          "'total': width <= 0.30;\n'expected': the longer side averaged over the count's "
          "binomial distribution at p)")
    columns = (("cc", "wilson-cc either side"), ("total", "wilson-cc total"),
               ("expected", "wilson-cc expected"), ("wilson", "wilson either side"))
    print(f"{'p':>6}" + "".join(f"{label:>24}" for _, label in columns))
    for p in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0):
        found = [_first_n_within(partial(_half, p, method=method)) for method, _ in columns]
        print(f"{p:>6}" + "".join(f"{n:>24}" for n in found))


def _half(p: float, n: int, method: str) -> float:
    """The interval's reach from the share at the count nearest n p (see `episode_counts`)."""
    k = round(n * p)
    if method == "wilson":
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        return float(max(ci.high - k / n, k / n - ci.low))
    if method == "expected":
        pmf = stats.binom.pmf(np.arange(n + 1), n, p)
        halves = [max(hi - j / n, j / n - lo)
                  for j in range(n + 1) for lo, hi in [score_interval(j / n, n)]]
        return float(np.dot(pmf, halves))
    lo, hi = score_interval(k / n, n)
    return (hi - lo) / 2 if method == "total" else max(hi - k / n, k / n - lo)


def _first_n_within(half: Callable[[int], float], limit: int = 300) -> int:
    """Smallest n from which every larger n (up to `limit`) is within 0.15 (rounding k = n p
    can make the width jump back above it once or twice)."""
    ok = [half(n) <= 0.15 for n in range(1, limit + 1)]
    for n in range(limit, 0, -1):
        if not ok[n - 1]:
            return n + 1
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000, help="simulated samples per cell")
    parser.add_argument("--episodes-only", action="store_true",
                        help="print only the episode-count table (seconds)")
    args = parser.parse_args()
    if args.episodes_only:
        episode_counts()
        return
    reps = args.reps
    start = time.perf_counter()
    print("coverage of nominal 95% intervals (cover = share containing the true mean, "
          "width = mean width, zero = share of zero-width intervals;\n"
          f"* marks a new method below the {TARGET} target or with a zero-width interval)")
    binary_exact(BINARY)
    simulate("bounded", BOUNDED, [
        ("beta(2,2), mean 0.5", 0.5, lambda r, n: r.beta(2, 2, n)),
        ("beta(4,1), mean 0.8", 0.8, lambda r, n: r.beta(4, 1, n)),
        ("beta(9,1), mean 0.9", 0.9, lambda r, n: r.beta(9, 1, n)),
        ("beta(.5,.5), mean 0.5", 0.5, lambda r, n: r.beta(0.5, 0.5, n)),
        ("90% at 1 else beta(2,2)", 0.95,
         lambda r, n: np.where(r.random(n) < 0.9, 1.0, r.beta(2, 2, n))),
    ], reps)
    simulate("real", REAL, [
        ("lognormal(0, 0.5)", math.exp(0.125), lambda r, n: r.lognormal(0, 0.5, n)),
        ("lognormal(0, 1)", math.exp(0.5), lambda r, n: r.lognormal(0, 1, n)),
        ("exponential(1)", 1.0, lambda r, n: r.exponential(1.0, n)),
        ("normal(0, 1)", 0.0, lambda r, n: r.normal(0, 1, n)),
    ], reps)
    episode_counts()
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
