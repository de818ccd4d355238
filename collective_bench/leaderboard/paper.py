"""Tables for papers and releases: `cbench scores --format markdown|latex` and `cbench compare`.

Numbers are rounded to the precision their interval supports (two significant digits of the
half-width; lm-eval prints value and standard error the same way). The compare table uses
`verdict`, the same rule the site's compare page applies (compare.js mirrors it; a browser test
checks both agree), on the differences of `collective_bench.leaderboard.stats.difference`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from collective_bench.errors import UserError
from collective_bench.leaderboard.cite import tex
from collective_bench.leaderboard.releases import Run
from collective_bench.leaderboard.schema import Schema
from collective_bench.leaderboard.stats import (
    Difference,
    Interval,
    difference,
    half_width,
    verdict_of,
)
from collective_bench.results_schema import ResultRow

DASH = "\u2014"


def decimals_for(spread: float | None, value: float = 0.0) -> int:
    """Decimals that keep two significant digits of `spread`; with no (or a zero) interval,
    three significant digits of the value (at most three decimals)."""
    if spread is None or not math.isfinite(spread) or spread <= 0:
        size = abs(value)
        return 3 if size < 1 or not math.isfinite(size) else max(0, 2 - math.floor(
            math.log10(size)))
    return max(0, 1 - math.floor(math.log10(spread)))


def fmt(x: float | None, places: int) -> str:
    if x is None:
        return DASH
    text = f"{x:.{places}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def score_text(value: float | None, low: float | None, high: float | None,
               interval: str = "pm") -> str:
    """'0.73 ± 0.12' (interval 'pm': the larger half-width) or '0.73 [0.61, 0.85]' ('ci')."""
    if value is None:
        return DASH
    hw = half_width(Interval(value, low, high))
    places = decimals_for(hw, value)
    if hw is None:
        return fmt(value, places)
    if interval == "ci":
        return f"{fmt(value, places)} [{fmt(low, places)}, {fmt(high, places)}]"
    return f"{fmt(value, places)} \u00b1 {fmt(hw, places)}"


HEAD = ("model", "task", "version", "metric", "value", "n")


def score_lines(rows: Sequence[ResultRow], interval: str) -> list[tuple[str, ...]]:
    ordered = sorted(rows, key=lambda r: (r.model, sorted(r.model_roles.items()), r.task,
                                          r.task_version, r.metric, r.log))
    return [(r.model + ("" if not r.model_roles else " [" + ", ".join(
        f"{k}={v}" for k, v in sorted(r.model_roles.items())) + "]"), r.task, r.task_version,
             r.metric, score_text(r.value, r.ci_low, r.ci_high, interval),
             f"{r.n_episodes}/{r.episodes}") for r in ordered]


def markdown(head: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = "|" + "|".join("---:" if h in ("value", "n", "A", "B", "A - B") else "---"
                          for h in head) + "|"
    return "\n".join([row(head), rule, *(row(line) for line in lines)]) + "\n"


def latex(head: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    spec = "".join("r" if h in ("value", "n", "A", "B", "A - B") else "l" for h in head)
    body = [" & ".join(tex(c).replace("\u00b1", "$\\pm$").replace("\u2014", "---")
                       .replace("\u2212", "$-$") for c in line) + r" \\" for line in lines]
    return "\n".join([f"\\begin{{tabular}}{{{spec}}}", r"\toprule",
                      " & ".join(tex(h) for h in head) + r" \\", r"\midrule", *body,
                      r"\bottomrule", r"\end{tabular}"]) + "\n"


def scores_table(rows: Sequence[ResultRow], form: str, interval: str = "pm") -> str:
    """Every row as a paper table (markdown like lm-eval's, or a LaTeX booktabs tabular)."""
    lines = score_lines(rows, interval)
    return markdown(HEAD, lines) if form == "markdown" else latex(HEAD, lines)


@dataclass(frozen=True)
class Comparison:
    task: str
    metric: str
    a: ResultRow | None
    b: ResultRow | None
    diff: Difference | None
    verdict: str


def _interval(row: ResultRow) -> Interval:
    return Interval(row.value, row.ci_low, row.ci_high)


def compare_runs(a: Sequence[Run], b: Sequence[Run], schema: Schema) -> list[Comparison]:
    """Every (task, metric) of either side, with A - B and its verdict."""
    def index(runs: Sequence[Run]) -> dict[tuple[str, str], ResultRow]:
        out: dict[tuple[str, str], ResultRow] = {}
        for run in sorted(runs, key=lambda r: r.first.created):
            for row in run.rows:
                out[(row.task, row.metric)] = row  # the most recent run wins
        return out

    left, right = index(a), index(b)
    out = []
    for key in sorted(set(left) | set(right)):
        ra, rb = left.get(key), right.get(key)
        if ra is not None and rb is not None and ra.task_version != rb.task_version:
            out.append(Comparison(*key, ra, rb, None, "task versions differ"))
            continue
        if ra is not None and rb is not None and ra.protocol != rb.protocol:
            out.append(Comparison(*key, ra, rb, None, "protocols differ"))
            continue
        diff = difference(_interval(ra), _interval(rb)) if ra and rb else None
        out.append(Comparison(*key, ra, rb, diff,
                              verdict_of(diff, schema.metric(key[1]).direction)))
    return out


COMPARE_HEAD = ("task", "metric", "A", "B", "A - B", "verdict")


def comparison_lines(items: Sequence[Comparison]) -> list[tuple[str, ...]]:
    def side(row: ResultRow | None) -> str:
        return DASH if row is None else score_text(row.value, row.ci_low, row.ci_high, "ci")

    return [(c.task, c.metric, side(c.a), side(c.b),
             DASH if c.diff is None else score_text(c.diff.value, c.diff.low, c.diff.high, "ci"),
             c.verdict) for c in items]


def plain(head: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """A fixed-width text table for the terminal."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
              for i, h in enumerate(head)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    return "\n".join(out) + "\n"


def pick_runs(runs: Sequence[Run], model: str, release: str | None) -> list[Run]:
    """The runs of `model` (in `release` if given, else in its newest release with runs)."""
    mine = [r for r in runs if r.model == model]
    if not mine:
        known = ", ".join(sorted({r.model for r in runs})[:8])
        raise UserError(f"no results for model {model!r}; models in these results: {known}")
    if release is not None:
        mine = [r for r in mine if release in (r.release.name, r.release.directory)]
        if not mine:
            raise UserError(f"model {model!r} has no results in release {release!r}")
        return mine
    newest = max(mine, key=lambda r: (r.release.published, r.release.date, r.first.created))
    return [r for r in mine if r.release.directory == newest.release.directory]
