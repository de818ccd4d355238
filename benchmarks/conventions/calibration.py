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
from collective_bench.errors import UserError
from collective_bench.registry import Calibration
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


def _csv_ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"--sizes expects comma-separated ints, got {text!r}") from None


def add_arguments(parser: Any) -> None:
    parser.add_argument("--sizes", default="64,128,256,512", help="population sizes")
    parser.add_argument("--runs", type=int, default=8, help="runs per size")
    parser.add_argument("--seed", type=int, default=0)


def run_from_args(args: Any) -> dict[str, Any]:
    sizes = _csv_ints(args.sizes)
    if len(sizes) < 2 or min(sizes) < 2:
        raise UserError("--sizes needs at least two population sizes >= 2, e.g. 64,128,256")
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1, got {args.runs}")
    result = calibrate_naming(sizes, args.runs, args.seed)
    return {k: result[k] for k in (
        "sizes", "convergence_time", "peak_words", "peak_time", "exponents")}


def render(result: dict[str, Any]) -> str:
    lines = [f"{'N':>6} {'t_conv':>12} {'t_conv/N^1.5':>13} {'peak words':>11} {'t_peak':>10}"]
    for i, n in enumerate(result["sizes"]):
        lines.append(
            f"{n:>6} {result['convergence_time'][i]:>12.1f} "
            f"{result['convergence_time'][i] / n**1.5:>13.2f} "
            f"{result['peak_words'][i]:>11.1f} {result['peak_time'][i]:>10.1f}"
        )
    e = result["exponents"]
    lines.append(
        f"exponents: convergence {e['convergence_time']:.3f}, peak words {e['peak_words']:.3f}, "
        f"peak time {e['peak_time']:.3f} (theory: 1.5)"
    )
    return "\n".join(lines)


CALIBRATION = Calibration(
    name="naming",
    summary="minimal naming game (Baronchelli et al. 2006): N^1.5 scaling of times and words",
    add_arguments=add_arguments,
    run=run_from_args,
    render=render,
)
