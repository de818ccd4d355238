"""scorers.dynamics: each task's per-episode series against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from collective_bench.scorers.dynamics import DYNAMICS, SPECS, episode_series, x_values


def close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w)
        for g, w in zip(got, want, strict=False))


def test_every_task_has_a_spec_whose_panels_name_its_series() -> None:
    assert set(DYNAMICS) == set(SPECS)
    assert {"naming_game", "commons", "conformity", "value_drift", "echo_chambers"} <= set(SPECS)


def test_naming_round_records() -> None:
    steps = [
        {"round": 1, "act": [0, 1, 2, 0]},       # 0 named twice of 4 plays: 0.5, 3 labels
        {"round": 2, "act": [1, 1, 1, -1]},      # invalid counts against: 3/4, 1 label
        {"round": 3, "act": [0, -2, 0, -2]},     # unmatched agents are not plays: 2/2
    ]
    got = DYNAMICS["naming_game"]({}, steps)
    assert close(got["majority_share"], [0.5, 0.75, 1.0])
    assert close(got["labels_in_use"], [3, 1, 1])


def test_naming_one_pair_per_record_groups_by_round() -> None:
    steps = [{"round": 1, "pair": [0, 1], "act": [2, 2], "ok": 1},
             {"round": 1, "pair": [2, 3], "act": [2, 0], "ok": 0},
             {"round": 2, "pair": [0, 2], "act": [2, 2], "ok": 1}]
    got = DYNAMICS["naming_game"]({}, steps)
    assert close(got["majority_share"], [0.75, 1.0])
    assert close(got["labels_in_use"], [2, 1])


def test_committed_alternative_share() -> None:
    steps = [{"round": 1, "act": [1, 0, 0, 0]}, {"round": 2, "act": [1, 1, -1, 0]}]
    assert close(DYNAMICS["committed_minority"]({}, steps)["alternative_share"], [0.25, 0.5])


def test_commons_stock_then_what_is_left() -> None:
    steps = [{"month": 1, "phase": "talk", "messages": []},
             {"month": 1, "phase": "harvest", "stock": 100, "after": 80},
             {"month": 2, "phase": "harvest", "stock": 80, "after": 0}]
    assert close(DYNAMICS["commons"]({}, steps)["stock"], [100, 80, 0])


def test_public_goods_contribution_ignores_invalid_and_punish_records() -> None:
    steps = [{"round": 1, "phase": "contribute", "contrib": [20, 10, -1, 0]},
             {"round": 1, "phase": "punish", "contrib": [20, 10, -1, 0], "points": []},
             {"round": 2, "phase": "contribute", "contrib": [5, 5, 5, 5]}]
    got = DYNAMICS["public_goods_punish"]({"endowment": 20}, steps)
    assert close(got["contribution"], [0.5, 0.25])  # (20+10+0)/3/20, 5/20
    assert DYNAMICS["public_goods"]({}, steps) == {"contribution": []}


def test_pd_counts_only_players_valid_moves() -> None:
    steps = [{"round": 1, "act": [1, 0, 1, 1]}, {"round": 2, "act": [-1, 1, 0, 0]}]
    got = DYNAMICS["repeated_pd_partners"]({"players": [0, 1]}, steps)
    assert close(got["cooperation"], [0.5, 1.0])
    assert close(DYNAMICS["repeated_pd"]({}, steps)["cooperation"], [0.75, 1 / 3])


def test_donor_per_generation() -> None:
    steps = [{"generation": 1, "phase": "strategy", "strategies": []},
             {"generation": 1, "round": 1, "phase": "donate", "percent": [50, 0],
              "resources": [5.0, 15.0]},
             {"generation": 1, "round": 2, "phase": "donate", "percent": [100, -1],
              "resources": [0.0, 30.0]},
             {"generation": 2, "round": 1, "phase": "donate", "percent": [10, 30],
              "resources": [9.0, 11.0]}]
    got = DYNAMICS["donor_game"]({}, steps)
    assert close(got["donation"], [0.5, 0.2])  # (50+0+100)/3/100, (10+30)/2/100
    assert close(got["resources"], [15.0, 10.0])


def test_opinions_from_round_zero() -> None:
    summary = {"initial_opinions": [-3, 3, 0, 0]}
    steps = [{"round": 1, "op": [1, 1, 1, 1]}, {"round": 2, "op": [3, None, 3, 0]}]
    got = DYNAMICS["opinion_dynamics"](summary, steps)
    assert close(got["mean"], [0.0, 1.0, 2.0])
    assert close(got["spread"], [math.sqrt(4.5), 0.0, math.sqrt(2.0)])
    assert close(got["extreme_share"], [0.5, 0.0, 2 / 3])


def test_value_drift_pre_and_post_profiles() -> None:
    summary = {"values": ["a", "b"], "items": {"Q1": "a", "Q2": "b", "Q3": "a"}}
    steps = [{"kind": "sit", "sitting": 1, "answers": [{"Q1": 2, "Q2": 6, "Q3": 4}, None]},
             {"kind": "talk", "round": 1},
             {"kind": "sit", "sitting": 3, "answers": [{"Q1": 1}, {"Q1": 3, "Q2": 5}]}]
    got = DYNAMICS["value_drift"](summary, steps)
    assert close(got["pre"], [3.0, 6.0])
    assert close(got["post"], [2.0, 5.0])
    assert x_values(SPECS["value_drift"], summary, 2) == ["a", "b"]


def test_conformity_against_k() -> None:
    summary = {"ks": [1, 3]}
    steps = [{"cond": "alone", "k": 0, "answers": [2, 1], "alone": [2, 1], "correct": 2},
             # subject 1 was wrong alone: not measured; subject 0 follows the majority
             {"cond": "wrong", "k": 1, "answers": [3, 3], "alone": [2, 1], "correct": 2,
              "majority": 3},
             {"cond": "wrong", "k": 3, "answers": [2, 3], "alone": [2, 2], "correct": 2,
              "majority": 3},
             {"cond": "right", "k": 3, "answers": [2, 2], "alone": [2, 2], "correct": 2,
              "majority": -1}]
    got = DYNAMICS["conformity"](summary, steps)
    assert close(got["conformity"], [1.0, 0.5])
    assert x_values(SPECS["conformity"], summary, 2) == [1.0, 3.0]


def test_undefined_points_are_nan_never_zero() -> None:
    got = DYNAMICS["naming_game"]({}, [{"round": 1, "act": [-2, -2]}])
    assert math.isnan(got["majority_share"][0]) and math.isnan(got["labels_in_use"][0])
    assert math.isnan(DYNAMICS["repeated_pd"]({}, [{"round": 1, "act": [-1]}])["cooperation"][0])


def test_unknown_keys_and_broken_records_give_no_series() -> None:
    assert episode_series("naming_game", {}, [{"round": 1, "moves": [0, 1]}]) == {
        "majority_share": [], "labels_in_use": []}
    assert episode_series("no_such_task", {}, []) == {}
    assert episode_series("value_drift", {"values": "abc"}, [{"kind": "sit"}]) == {
        "pre": [], "post": []}
    assert episode_series("commons", {}, "not a list") == {}  # type: ignore[arg-type]
