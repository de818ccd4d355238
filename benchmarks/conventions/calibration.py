"""Calibration of the conventions family against the minimal naming game's known scaling laws.

Baronchelli et al. (2006): in a well-mixed population of N agents the convergence time, the peak
total number of words and the time of that peak all grow as N^1.5 (convergence at about
1.3-1.6 N^1.5 interactions). If the direct driver reproduces these, the engine's matching,
seeding and stepping are sound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.conventions.minimal import MinimalNamingGame, MinimalState, speaker_policy
from collective_bench.driver_direct import run_direct
from collective_bench.seeds import derive_seed


@dataclass(frozen=True)
class MinimalRun:
    convergence_time: int
    peak_words: int
    peak_time: int


def run_minimal(n_agents: int, seed: int) -> MinimalRun:
    """One minimal naming game to convergence, tracking the peak of the total word count."""
    peak = [0, 0]

    def track(state: MinimalState, record: dict[str, Any]) -> None:
        if state.total_words > peak[0]:
            peak[0], peak[1] = state.total_words, state.t

    trajectory = run_direct(
        MinimalNamingGame(n_agents), seed, lambda _agent: speaker_policy, track, keep_steps=False
    )
    return MinimalRun(int(trajectory.summary["steps"]), peak[0], peak[1])


def fit_exponent(sizes: Sequence[float], values: Sequence[float]) -> float:
    """Slope of log(value) against log(size): the scaling exponent."""
    slope, _ = np.polyfit(np.log(sizes), np.log(values), 1)
    return float(slope)


def calibrate_naming(sizes: Sequence[int], runs: int, seed: int = 0) -> dict[str, Any]:
    """Mean convergence time, peak words and peak time per size, and their fitted exponents."""
    conv, peak, peak_t = [], [], []
    for n in sizes:
        results = [run_minimal(n, derive_seed("calibrate-naming", seed, n, r)) for r in range(runs)]
        conv.append(float(np.mean([r.convergence_time for r in results])))
        peak.append(float(np.mean([r.peak_words for r in results])))
        peak_t.append(float(np.mean([r.peak_time for r in results])))
    return {
        "sizes": list(sizes),
        "convergence_time": conv,
        "peak_words": peak,
        "peak_time": peak_t,
        "exponents": {
            "convergence_time": fit_exponent(sizes, conv),
            "peak_words": fit_exponent(sizes, peak),
            "peak_time": fit_exponent(sizes, peak_t),
        },
        "convergence_time_over_n15": [c / n**1.5 for c, n in zip(conv, sizes, strict=True)],
    }
