"""Formatting shared by every page: numbers, costs, scores with CIs, provenance fields, slugs.

Formatting lives here, not in the templates, so it is plain Python that tests can call and the
templates stay layouts with no logic to get wrong. The rules that matter for trust:

* a missing or undefined number is shown as an em dash, never as 0;
* unknown cost is "unknown", never a made-up $0;
* every number's full precision is kept in `data-value` (for sorting); the hover title shows
  four significant digits, the downloads every digit;
* every score links to its provenance (versions, commit, log and its hash), so it can be traced.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from collective_bench.leaderboard.releases import Release
from collective_bench.leaderboard.stats import is_pvalue
from collective_bench.results_schema import ResultRow

DASH = "\u2014"
REFERENCE_PREFIX = "reference/"


@dataclass(frozen=True)
class Cell:
    """One table cell: the visible text, the sort value (empty for null) and the hover title."""

    text: str
    value: str
    title: str
    rank: str = ""
    href: str = ""  # the score's provenance (its run on the model page), when linked


@dataclass(frozen=True)
class Field:
    label: str
    text: str
    title: str = ""
    mono: bool = False


def is_baseline(model: str) -> bool:
    """Reference policies are the scripted baselines LLM scores are read against (DESIGN.md)."""
    return model.startswith(REFERENCE_PREFIX)


def slug(text: str) -> str:
    """A file-name-safe, collision-free name: readable part + hash of the exact text.

    Names come from results (a model name may hold '/', '..', HTML or anything else), so the
    readable part keeps only [a-z0-9-] and the hash keeps distinct names distinct.
    """
    readable = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"
    return f"{readable}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def fmt_number(x: float | None) -> str:
    """Short display form; small magnitudes keep two significant digits instead of rounding to 0."""
    if x is None:
        return DASH
    size = abs(x)
    if size >= 100:
        return f"{x:.0f}"
    if size >= 0.01 or x == 0:
        return f"{x:.2f}"
    return f"{x:.2g}"


def fmt_cost(cost: float | None) -> str:
    if cost is None:
        return "unknown"
    return f"${cost:.2f}" if cost >= 1 else f"${cost:.4f}"


def sort_value(x: float | int | None) -> str:
    return "" if x is None else repr(x)


def score_text(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return DASH
    text = fmt_number(value)
    if low is not None and high is not None:
        text += f" [{fmt_number(low)}, {fmt_number(high)}]"
    return text


def score_cell(row: ResultRow | None, rank: str = "") -> Cell:
    """ "0.73 [0.61, 0.85]", with n episodes and full precision on hover."""
    if row is None:
        return Cell(DASH, "", "not reported by this run")
    count = f"n = {row.n_episodes} of {row.episodes} episodes"
    if row.value is None:
        return Cell(DASH, "", f"undefined: no episode defines it ({count})")
    if is_pvalue(row.metric):  # a test's outcome, not an estimate: no interval (stats.py)
        return Cell(f"p = {fmt_number(row.value)}", sort_value(row.value),
                    f"p-value {row.value:.4g}; {count}", rank)
    title = f"{row.value:.4g}; {count}"  # 4 significant digits: never a 17-digit float
    if row.ci_low is not None and row.ci_high is not None:
        title = f"{row.value:.4g}, 95% CI [{row.ci_low:.4g}, {row.ci_high:.4g}]; {count}"
    return Cell(score_text(row.value, row.ci_low, row.ci_high), sort_value(row.value), title, rank)


def roles_text(roles: dict[str, str]) -> str:
    return ", ".join(f"{role}: {model}" for role, model in sorted(roles.items()))


def _short(label: str, text: str | None, keep: int, missing: str) -> Field:
    if text is None:
        return Field(label, missing)
    shown = text if len(text) <= keep else text[:keep] + "\u2026"
    return Field(label, shown, text, mono=True)


def provenance_fields(row: ResultRow, release: Release, superseded: int = 0) -> tuple[Field, ...]:
    """Where a run's numbers came from, in the order a reader checks them."""
    invalid = DASH if row.invalid_rate is None else f"{row.invalid_rate:.1%}"
    rel = f"{release.name} ({release.date})" if release.published else \
        f"{release.name} (unreleased runs)"
    return (
        Field("release", rel),
        Field("suite version", release.suite_version, mono=True),
        Field("model roles", roles_text(row.model_roles) or "none"),
        Field("task version", row.task_version, mono=True),
        Field("harness version", row.harness_version or "unknown", mono=True),
        _short("git commit", row.git_commit, 12, "not a git checkout"),
        Field("date", row.created, mono=True),
        Field("episodes", str(row.episodes)),
        Field("seed", str(row.seed), mono=True) if row.seed is not None
        else Field("seed", "not recorded"),
        Field("invalid moves", invalid, "share of agent moves still invalid after one re-ask"),
        Field("log file", row.log, mono=True),
        _short("log sha256", row.log_sha256, 12, "unknown"),
        Field("tokens", f"{row.input_tokens:,} in / {row.output_tokens:,} out"),
        Field("cost", fmt_cost(row.cost_usd)),
        Field("runs", f"latest of {superseded + 1} logs (older: superseded)"
              if superseded else "single log"),
        *((Field("source", f"published runs, not played by this harness: their authors' "
                 f"recorded moves imported with cbench import and scored by our scorers. "
                 f"{row.source}"),) if row.source else ()),
    )
