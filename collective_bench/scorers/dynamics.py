"""Per-episode dynamics: the quantity each task is about, step by step, from the step records.

`DYNAMICS[task](summary, steps) -> {series name: [value per x]}` is pure (no I/O, no plotting): the
leaderboard aggregates the series across episodes and draws them. `SPECS[task]` says how to read
the series: the x axis, each series' label and range, and (for categorical x) the tick names.

Step-record formats change as the games evolve (the naming game may record one pair per
interaction instead of one round per step), so every function reads only the keys its docstring
names, groups records by their `round`/`month`/`generation` key instead of by position, skips
records without the keys it needs, and returns NaN (never a made-up 0) for an x where nothing
defines the value. A missing x returns an empty list: the plot then shows nothing for the episode.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Summary = Mapping[str, Any]
Steps = Sequence[Mapping[str, Any]]
SeriesFn = Callable[[Summary, Steps], dict[str, list[float]]]

IDLE = -2  # an agent not matched in a naming-game round (graph topologies)
NAN = math.nan


def _ints(values: Any) -> list[int]:
    """The integer entries of a list (booleans and anything else dropped); [] if not a list."""
    if not isinstance(values, list | tuple):
        return []
    return [int(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            and not (isinstance(v, float) and math.isnan(v))]


def _grouped(steps: Steps, key: str, want: str) -> list[tuple[int, list[Mapping[str, Any]]]]:
    """Records holding `want`, grouped by their integer `key` (round, month, ...) in order.

    Records without `key` get the position of the record (1-based), so a format that drops the
    round number still plots, one x per record.
    """
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for position, step in enumerate(steps, start=1):
        if not isinstance(step, Mapping) or want not in step:
            continue
        x = step.get(key, position)
        if isinstance(x, bool) or not isinstance(x, int | float):
            continue
        groups.setdefault(int(x), []).append(step)
    return sorted(groups.items())


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else NAN


def naming_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per round (records grouped by `round`): `majority_share`, the share of the round's plays
    naming its most-named label (an invalid play, -1, counts as a play against it; unmatched
    agents, -2, are not plays), and `labels_in_use`, the distinct labels named.

    Reads `round` and `act` (the label index each agent played: a per-agent list, or the pair's
    two plays when a record holds one interaction).
    """
    share: list[float] = []
    in_use: list[float] = []
    for _, records in _grouped(steps, "round", "act"):
        plays = [a for r in records for a in _ints(r["act"]) if a != IDLE]
        named = Counter(a for a in plays if a >= 0)
        share.append(max(named.values()) / len(plays) if named else (0.0 if plays else NAN))
        in_use.append(float(len(named)) if plays else NAN)
    return {"majority_share": share, "labels_in_use": in_use}


def committed_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per round: `alternative_share`, the share of the round's plays naming the alternative
    (label index 1), as the tipping rule counts it (committed agents included).

    Reads `round` and `act` (see `naming_series`).
    """
    out: list[float] = []
    for _, records in _grouped(steps, "round", "act"):
        plays = [a for r in records for a in _ints(r["act"]) if a != IDLE]
        out.append(sum(1 for a in plays if a == 1) / len(plays) if plays else NAN)
    return {"alternative_share": out}


def commons_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per month: `stock`, the fish in the lake at the start of the month (harvest records'
    `stock`), then the stock left after the last month (its `after`): months + 1 points for a
    lake that survived, fewer for one that collapsed. `stock` as a share of `capacity` would hide
    the unit, so it stays in fish.

    Reads `month`, `stock`, `after` of records whose `phase` is "harvest" (or have no phase).
    """
    harvests = [s for s in steps if isinstance(s, Mapping) and "stock" in s
                and s.get("phase", "harvest") == "harvest"]
    stock = [float(v) for s in harvests for v in [s["stock"]]
             if isinstance(v, int | float) and not isinstance(v, bool)]
    if harvests and isinstance(harvests[-1].get("after"), int | float):
        stock.append(float(harvests[-1]["after"]))
    return {"stock": stock}


def public_goods_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per round: `contribution`, the mean valid contribution / endowment (an invalid answer,
    -1, is not a contribution and is left out, as in the contribution rate).

    Reads `summary["endowment"]`, and `round`, `phase` ("contribute"), `contrib` of each record.
    """
    endowment = summary.get("endowment")
    if not isinstance(endowment, int | float) or endowment <= 0:
        return {"contribution": []}
    out = []
    for _, records in _grouped(steps, "round", "contrib"):
        records = [r for r in records if r.get("phase", "contribute") == "contribute"]
        if not records:
            continue
        valid = [c for r in records for c in _ints(r["contrib"]) if c >= 0]
        out.append(_mean(valid) / endowment if valid else NAN)
    return {"contribution": out}


def pd_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per round: `cooperation`, the share of valid moves that cooperate (act 1; 0 defects,
    -1 is invalid) among the agents a model played (`summary["players"]`; all agents if absent):
    scripted partners are not measured.

    Reads `summary["players"]`, and `round`, `act` (one move per agent) of each record.
    """
    players = set(_ints(summary.get("players"))) or None
    out = []
    for _, records in _grouped(steps, "round", "act"):
        moves = [m for r in records for i, m in enumerate(_ints(r["act"]))
                 if (players is None or i in players) and m >= 0]
        out.append(sum(1 for m in moves if m == 1) / len(moves) if moves else NAN)
    return {"cooperation": out}


def donor_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per generation: `donation`, the mean valid donation percent / 100 over the generation's
    rounds, and `resources`, the mean resources at the generation's last round.

    Reads `generation`, `phase` ("donate"), `percent` (-1 invalid) and `resources`.
    """
    donation, resources = [], []
    for _, records in _grouped(steps, "generation", "percent"):
        records = [r for r in records if r.get("phase", "donate") == "donate"]
        if not records:
            continue
        given = [p for r in records for p in _ints(r["percent"]) if p >= 0]
        donation.append(_mean(given) / 100 if given else NAN)
        last = records[-1].get("resources")
        held = [float(v) for v in last if isinstance(v, int | float)] if isinstance(
            last, list) else []
        resources.append(_mean(held))
    return {"donation": donation, "resources": resources}


def opinion_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per round, from round 0 (`summary["initial_opinions"]`): `mean` opinion, `spread` (the
    population standard deviation) and `extreme_share` (share at either end of the scale, |3|).
    Invalid opinions (not integers) are left out.

    Reads `summary["initial_opinions"]` and `round`, `op` (one opinion per agent, -3..3).
    """
    rounds = [_ints(summary.get("initial_opinions"))]
    rounds += [[o for r in records for o in _ints(r["op"])]
               for _, records in _grouped(steps, "round", "op")]
    if not rounds[0]:
        rounds = rounds[1:]
    out: dict[str, list[float]] = {"mean": [], "spread": [], "extreme_share": []}
    for ops in rounds:
        m = _mean([float(o) for o in ops])
        out["mean"].append(m)
        out["spread"].append(math.sqrt(_mean([(o - m) ** 2 for o in ops])) if ops else NAN)
        out["extreme_share"].append(_mean([float(abs(o) >= 3) for o in ops]))
    return out


def _profile(answers: Any, items: Mapping[str, Any], values: Sequence[str]) -> list[float]:
    """One answer sheet's ten-value profile: mean answer per value (NaN where none)."""
    if not isinstance(answers, Mapping):
        return [NAN] * len(values)
    out = []
    for value in values:
        got = [float(v) for k, v in answers.items()
               if items.get(k) == value and isinstance(v, int | float)]
        out.append(_mean(got))
    return out


def value_drift_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per value (x = `summary["values"]`): the population's mean profile at the first sitting
    (`pre`) and the last (`post`); a value with no answered item is NaN.

    Reads `summary["values"]`, `summary["items"]` (item -> value) and records with `kind` "sit":
    `sitting` and `answers` (one item -> answer mapping per agent, null for a missing sheet).
    """
    values = [str(v) for v in summary.get("values") or []]
    items = summary.get("items") or {}
    sittings = sorted((int(s["sitting"]), s["answers"]) for s in steps
                      if isinstance(s, Mapping) and s.get("kind") == "sit"
                      and isinstance(s.get("sitting"), int) and isinstance(s.get("answers"), list))
    if not values or not isinstance(items, Mapping) or len(sittings) < 2:
        return {"pre": [], "post": []}

    def population(sheets: list[Any]) -> list[float]:
        profiles = [_profile(a, items, values) for a in sheets]
        return [_mean([p[j] for p in profiles if not math.isnan(p[j])])
                for j in range(len(values))]

    return {"pre": population(sittings[0][1]), "post": population(sittings[-1][1])}


def conformity_series(summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """Per majority size k (x = `summary["ks"]`): `conformity`, the share of unanimous-wrong-
    majority trials answered with the majority's option, over subjects that answered right
    alone (the conformity rate's rule).

    Reads `summary["ks"]` and `cond`, `k`, `answers`, `alone`, `correct`, `majority`.
    """
    ks = _ints(summary.get("ks"))
    hits: dict[int, list[float]] = {k: [] for k in ks}
    for s in steps:
        if not isinstance(s, Mapping) or s.get("cond") != "wrong" or s.get("k") not in hits:
            continue
        for answer, alone in zip(_ints(s.get("answers")), _ints(s.get("alone")), strict=False):
            if answer >= 0 and alone == s.get("correct"):
                hits[int(s["k"])].append(float(answer == s.get("majority")))
    return {"conformity": [_mean(hits[k]) for k in ks]}


@dataclass(frozen=True)
class Panel:
    key: str
    label: str
    low: float | None = None  # fixed y range when the quantity has one (a share: 0..1)
    high: float | None = None


@dataclass(frozen=True)
class Spec:
    """How to read one task's series: x axis label, panels, and how the x values are named."""

    fn: SeriesFn
    x_label: str
    panels: tuple[Panel, ...]
    x: str = "step"  # "step": 1, 2, ... (opinions: 0, 1, ...); "ks": summary["ks"];
    # "values": summary["values"] as category names
    start: int = 1
    group: str = ""  # a summary key whose value differs between a run's episodes by design
    # (committed fraction, group size): episodes are aggregated per value, never mixed


SHARE = (0.0, 1.0)
_NAMING = Spec(naming_series, "round", (Panel("majority_share", "majority-label share", *SHARE),
                                         Panel("labels_in_use", "labels in use", 0.0)))
_COMMONS = Spec(commons_series, "month", (Panel("stock", "fish in the lake", 0.0),))
_PG = Spec(public_goods_series, "round", (Panel("contribution", "contribution / endowment",
                                                *SHARE),), group="group_size")
_PD = Spec(pd_series, "round", (Panel("cooperation", "cooperation share", *SHARE),))
_OPINIONS = Spec(opinion_series, "round", (Panel("mean", "mean opinion", -3.0, 3.0),
                                            Panel("spread", "opinion spread (SD)", 0.0),
                                            Panel("extreme_share", "share at |3|", *SHARE)),
                 start=0)

SPECS: dict[str, Spec] = {
    "naming_game": _NAMING,
    "naming_game_binary": _NAMING,
    "committed_minority": Spec(committed_series, "round",
                               (Panel("alternative_share", "alternative share", *SHARE),),
                               group="committed_fraction"),
    "commons": _COMMONS,
    "commons_talk": _COMMONS,
    "public_goods": _PG,
    "public_goods_punish": _PG,
    "repeated_pd": _PD,
    "repeated_pd_partners": _PD,
    "donor_game": Spec(donor_series, "generation",
                       (Panel("donation", "donation share", *SHARE),
                        Panel("resources", "resources at end", 0.0))),
    "opinion_dynamics": _OPINIONS,
    "echo_chambers": _OPINIONS,
    "value_drift": Spec(value_drift_series, "value",
                        (Panel("pre", "mean answer, first sitting", 1.0, 6.0),
                         Panel("post", "mean answer, last sitting", 1.0, 6.0)), x="values"),
    "conformity": Spec(conformity_series, "majority size k",
                       (Panel("conformity", "conformity rate", *SHARE),), x="ks"),
}

DYNAMICS: dict[str, SeriesFn] = {name: spec.fn for name, spec in SPECS.items()}


def x_values(spec: Spec, summary: Summary, length: int) -> list[float] | list[str]:
    """The x of each point of an episode's series of `length` points."""
    if spec.x == "ks":
        return [float(k) for k in _ints(summary.get("ks"))][:length]
    if spec.x == "values":
        return [str(v) for v in summary.get("values") or []][:length]
    return [float(spec.start + i) for i in range(length)]


def episode_series(task: str, summary: Summary, steps: Steps) -> dict[str, list[float]]:
    """The task's series of one episode ({} for a task without dynamics or a broken record)."""
    fn = DYNAMICS.get(task)
    if fn is None or not isinstance(summary, Mapping) or not isinstance(steps, list):
        return {}
    try:
        return fn(summary, steps)
    except (KeyError, TypeError, ValueError, IndexError):
        return {}  # a record this version cannot read: no plot rather than a wrong one
