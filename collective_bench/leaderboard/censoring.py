"""Censored values: what the data does say about a quantity that was never reached.

A critical fraction where no tested fraction tipped is reported as 1.0 with a sibling
`critical_fraction_censored` = 1 (scorers.conventions): drawn or printed as 1.0 it would read
as "tips at 100%", when all the run shows is "above the largest fraction tested". A time that
no episode reached is null, shown as a dash or "n/a", when the run shows it is beyond the
rounds played. Both have a known bound, so the site shows "> x" instead, from the rows (the
`<metric>_censored` flag and the tested fractions in `params`) or, for times, from the
episodes (`episode_pages.censored_texts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.view import Cell, fmt_number
from collective_bench.results_schema import ResultRow

FLAG = "_censored"
TESTED = {"critical_fraction": "fractions"}  # metric -> the parameter listing what was tested


@dataclass(frozen=True)
class Censoring:
    from_episodes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(log, metric) -> "> x" read from the episodes (times never reached)."""

    def text(self, run: Run | None, row: ResultRow | None) -> str:
        """"> x" when `row` is censored with a known bound, else ""."""
        if row is None:
            return ""
        flag = run.metric(row.metric + FLAG) if run is not None else None
        if flag is not None and flag.value == 1.0:
            tested = row.params.get(TESTED.get(row.metric, ""))
            values = [v for v in tested if isinstance(v, int | float)] if isinstance(
                tested, list) else []
            if values:
                return f"> {fmt_number(float(max(values)))}"
        if row.value is None:
            return self.from_episodes.get((row.log, row.metric), "")
        return ""

    def cell(self, cell: Cell, run: Run | None, row: ResultRow | None) -> Cell:
        """The cell with "> x" in place of the reported number or dash, and why on hover."""
        text = self.text(run, row)
        if not text or row is None:
            return cell
        return replace(cell, text=text, title=(
            f"censored: never reached within what the run tested ({text}); "
            f"{row.n_episodes} of {row.episodes} episodes"))
