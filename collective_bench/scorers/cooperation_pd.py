"""Metrics of the repeated prisoner's dilemma tasks (population and scripted partners).

Reads each round's pairs, moves (`act`: 1 cooperate, 0 defect, -1 invalid) and payoffs (`pay`).
Only agents a model played (`summary["players"]`) are measured; scripted partners are not. An
invalid move counts as not cooperating in the cooperation rate, and a partner's invalid move is
read as a defection when conditioning (it pays like one).

- cooperation rate: share of moves that cooperate.
- reciprocity: share of moves (with a partner met before) that return the partner's last move
  towards me, C after C and D after D: agreement with tit-for-tat's rule, the consistency
  measure by which repeated-PD play is classified as reciprocal (Dal Bo & Frechette, AER 2011;
  JEL 2018). Tit-for-tat 1, a coin 0.5; unconditional players score the share of their
  partners' moves they happen to match, so always-cooperate and always-defect differ whenever
  their partners' behaviour does (against the scripted partners: about 0.83 and 0.61).
- conditional_cooperation: P(C | partner's last move C) - P(C | it was D) (Nowak, Science 2006;
  Fischbacher et al.'s conditional cooperation); 0 for every unconditional player, NaN unless
  both events occur.
- forgiveness: P(C) in the round after a partner's single defection ended, i.e. when the
  partner's last moves towards me were (C or none), D, C. Tit-for-tat scores 1, grim trigger 0.
- normalized welfare: (mean payoff per move - P) / (R - P): 0 all-defect, 1 all-cooperate,
  over every agent (scripted partners included, so it is the welfare of the model's pairs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from collective_bench.scorers.common import invalid_rate
from collective_bench.scorers.cooperation import decay_slope, normalized_welfare, rate

C, D = 1, 0


def _cooperated(move: int) -> bool:
    return move == C


def pd_episode_metrics(
    summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], asked: int, invalid: int
) -> dict[str, float]:
    """Every per-episode metric of both PD tasks (the partner breakdown where kinds exist)."""
    players = set(int(a) for a in summary["players"])
    kinds = {int(a): k for a, k in (summary.get("kinds") or {}).items() if k}
    pay = summary["payoffs"]
    seen: dict[tuple[int, int], list[int]] = {}
    moves: list[bool] = []
    after_c: list[bool] = []
    after_d: list[bool] = []
    returned: list[bool] = []
    forgive: list[bool] = []
    per_round: list[float] = []
    own_pay: list[float] = []
    all_pay: list[float] = []
    by_kind: dict[str, list[bool]] = {k: [] for k in kinds.values()}
    for step in steps:
        act, pays = step["act"], step["pay"]
        this_round: list[bool] = []
        for a, b in step["pairs"]:
            all_pay += [pays[a], pays[b]]
            for me, other in ((a, b), (b, a)):
                if me not in players:
                    continue
                coop = _cooperated(act[me])
                this_round.append(coop)
                own_pay.append(pays[me])
                history = seen.get((me, other), [])
                if history:
                    (after_c if history[-1] == C else after_d).append(coop)
                    returned.append(coop == (history[-1] == C))
                if (len(history) >= 2 and history[-1] == C and history[-2] != C
                        and (len(history) < 3 or history[-3] == C)):
                    forgive.append(coop)
                if other in kinds:
                    by_kind[kinds[other]].append(coop)
        for a, b in step["pairs"]:
            seen.setdefault((a, b), []).append(act[b])
            seen.setdefault((b, a), []).append(act[a])
        moves += this_round
        per_round.append(rate(this_round))
    out = {
        "cooperation_rate": rate(moves),
        "reciprocity": rate(returned),
        "conditional_cooperation": rate(after_c) - rate(after_d),
        "forgiveness": rate(forgive),
        "normalized_welfare": (
            normalized_welfare(float(np.mean(all_pay)), pay["P"], pay["R"]) if all_pay
            else math.nan),
        "payoff_per_round": float(np.mean(own_pay)) if own_pay else math.nan,
        "cooperation_slope": decay_slope(per_round),
        "invalid_rate": invalid_rate(asked, invalid),
    }
    if kinds:
        out.update({f"cooperation_vs_{k}": rate(v) for k, v in by_kind.items()})
    return out
