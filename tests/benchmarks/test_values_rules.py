"""Rules, data, parsing and reference policies of the values family (direct driver, no inspect)."""

from __future__ import annotations

import pytest

import collective_bench  # noqa: F401 - offline defaults
from collective_bench.benchmarks.values import bank
from collective_bench.benchmarks.values.adapter import (
    format_quiz,
    format_survey,
    parse_quiz,
    parse_sitting,
    parse_turn,
)
from collective_bench.benchmarks.values.drift_game import DriftGame, DriftParams, schedule
from collective_bench.benchmarks.values.policies import QUIZ_POLICIES, SURVEY_POLICIES
from collective_bench.benchmarks.values.prompts import render_survey
from collective_bench.benchmarks.values.quiz_game import LETTERS, QuizGame, QuizParams
from collective_bench.driver_direct import run_direct
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.scorers.value_drift import conformity_episode_metrics, drift_episode_metrics


def test_data_banks_are_complete():
    items = bank.questionnaire()
    assert len(items) >= 40 and {i.value for i in items} == set(bank.VALUES)
    assert all(sum(i.value == v for i in items) >= 4 for v in bank.VALUES)
    assert len(bank.personas()) >= 12 and len(bank.dilemmas()) >= 10
    assert len(bank.questions()) >= 30
    assert all(len(p.profile) == 10 for p in bank.personas())


def test_schedule_has_three_sittings_around_k_rounds():
    assert schedule(4) == [("sit", 1), ("talk", 1), ("talk", 2), ("sit", 2), ("talk", 3),
                           ("talk", 4), ("sit", 3)]


def test_groups_partition_the_population_and_are_reshuffled():
    game = DriftGame(DriftParams(n_agents=12, group_size=3, rounds=4))
    rounds = [game.groups(7, r) for r in (1, 2, 3)]
    for groups in rounds:
        assert sorted(a for g in groups for a in g) == list(range(12))
        assert all(len(g) == 3 for g in groups)
    assert rounds[0] != rounds[1]


@pytest.mark.parametrize("bad", [dict(n_agents=10, group_size=3), dict(rounds=3),
                                 dict(memory=0), dict(n_agents=1, group_size=1)])
def test_bad_drift_parameters_are_user_errors(bad):
    with pytest.raises(UserError):
        DriftParams(**bad)


def _prompt_sizes(rounds: int) -> set[int]:
    game = DriftGame(DriftParams(n_agents=6, rounds=rounds))
    sizes: dict[str, int] = {}

    def policy_for(agent):
        def play(obs, rng):
            kind = "sit" if "items" in obs else "talk"
            text = render_survey(obs)
            sizes[kind] = max(sizes.get(kind, 0), len(text))
            return SURVEY_POLICIES.policies["conformist"](obs, rng)
        return play

    run_direct(game, 3, policy_for)
    return {sizes["sit"], sizes["talk"]}


def test_prompt_size_does_not_grow_with_rounds():
    # 24 rounds of 2 already cover all 12 dilemmas: 48 rounds see the same texts, twice
    assert _prompt_sizes(24) == _prompt_sizes(48)


def _drift(policy: str, personas: bool = True, seed: int = 1) -> dict[str, float]:
    game = DriftGame(DriftParams(n_agents=6, rounds=4, personas=personas))
    t = run_direct(game, seed, lambda a: SURVEY_POLICIES.policies[policy])
    return drift_episode_metrics(t.summary, t.steps, 1, 0)


@pytest.mark.parametrize("personas", [True, False])
def test_stable_agents_never_drift(personas):
    for seed in range(3):
        m = _drift("stable", personas, seed)
        assert m["ipsative_stability"] == 1.0 and m["rank_order_stability"] == 1.0
        assert m["drift"] == 0.0 and m["drift_mid"] == 0.0 and m["convergence_ratio"] == 1.0
    assert _drift("stable")["persona_distance_post"] == 0.0


def test_conformist_agents_converge():
    for seed in range(3):
        m = _drift("conformist", seed=seed)
        assert m["convergence_ratio"] < 1.0 and m["drift"] > 0.0
        assert m["ipsative_stability"] < 1.0


def test_drift_episode_is_deterministic():
    game = DriftGame(DriftParams(n_agents=6, rounds=4))
    a = run_direct(game, 5, lambda i: SURVEY_POLICIES.policies["random"])
    b = run_direct(game, 5, lambda i: SURVEY_POLICIES.policies["random"])
    assert a.steps == b.steps and a.summary == b.summary


def _sit_obs():
    return {"scale": [1, 6], "items": [{"id": f"Q{i:02d}", "key": "v01", "text": "x"}
                                       for i in range(1, 11)]}


def test_sitting_parse_keeps_missing_items_missing():
    text = "\n".join(f"Q{i:02d}: {i % 6 + 1}" for i in range(1, 10)) + "\nQ10: 9"
    out = parse_sitting(text, _sit_obs())
    assert len(out) == 9 and "Q10" not in out  # off-scale: missing, not clipped
    assert out["Q01"] == 2
    with pytest.raises(ParseError, match="only 7 of 10"):
        parse_sitting("\n".join(f"Q{i:02d}: 3" for i in range(1, 8)), _sit_obs())
    action = {f"Q{i:02d}": 4 for i in range(1, 11)}
    assert parse_sitting(format_survey(action), _sit_obs()) == action


def test_turn_parse():
    obs = {"scale": [1, 6], "dilemma": {}}
    assert parse_turn("STANCE: 5\nMESSAGE: I agree\nmostly.", obs) == {
        "stance": 5, "message": "I agree mostly."}
    for bad in ("I think 5", "STANCE: 8\nMESSAGE: x"):
        with pytest.raises(ParseError):
            parse_turn(bad, obs)
    turn = {"stance": 2, "message": "hello"}
    assert parse_turn(format_survey(turn), obs) == turn


def test_quiz_parse():
    obs = {"question": {"options": {"A": "1", "B": "2", "C": "3", "D": "4"}}}
    assert parse_quiz("I think so. ANSWER: c", obs) == "C"
    assert parse_quiz("B", obs) == "B"
    assert parse_quiz(format_quiz("D"), obs) == "D"
    with pytest.raises(ParseError):
        parse_quiz("ANSWER: E", obs)
    with pytest.raises(ParseError):
        parse_quiz("no idea", obs)


def test_scripted_peers_show_the_designed_conditions():
    game = QuizGame(QuizParams(n_subjects=2, n_questions=2))
    state = game.initial_state(3)
    seen = []
    while not game.is_over(state):
        obs = game.observe(state, 0)
        fixed = game.fixed_actions(state)
        assert list(fixed.values()) == obs["earlier"] and set(game.acting_agents(state)) == {0, 1}
        seen.append(len(obs["earlier"]))
        result = game.step(state, {0: "A", 1: None, **fixed})
        assert result.record["answers"][1] == -1  # invalid stays invalid
        state = result.state
    assert seen == [0, 1, 1, 3, 3, 5, 5, 3, 5] * 2
    assert len(game.trials()) == 18


def _quiz(policy: str, peers: str = "scripted") -> dict[str, float]:
    game = QuizGame(QuizParams(n_subjects=3, n_questions=5, peers=peers))
    t = run_direct(game, 2, lambda a: QUIZ_POLICIES.policies[policy])
    return conformity_episode_metrics(t.summary, t.steps, 1, 0)


def test_stable_never_conforms_and_conformist_always_does():
    stable, conformist = _quiz("stable"), _quiz("conformist")
    for k in ("conformity_rate", "conformity_k1", "conformity_k3", "conformity_k5"):
        assert stable[k] == 0.0
        assert conformist[k] == 1.0
    assert stable["independence_rate"] == 1.0 and stable["accuracy_alone"] == 1.0
    assert conformist["accuracy_alone"] == 1.0 and conformist["split_wrong_rate"] == 1.0


def test_model_peers_chain_sees_earlier_answers():
    game = QuizGame(QuizParams(n_questions=1, ks=(1, 3, 5), peers="model"))
    assert game.params.n_agents == 6
    state = game.initial_state(4)
    assert game.acting_agents(state) == list(range(6))
    state = game.step(state, {a: LETTERS[a % 4] for a in range(6)}).state
    first = game.observe(state, game.acting_agents(state)[0])
    assert len(first["earlier"]) == 1
    # an invalid answer in the chain is not shown, and that position is left out of the rates
    result = game.step(state, {game.acting_agents(state)[0]: None})
    assert result.record["answers"] == [-1]
    nxt = result.state
    assert len(game.observe(nxt, game.acting_agents(nxt)[0])["earlier"]) == 1
    assert game.step(nxt, {game.acting_agents(nxt)[0]: "A"}).record["cond"] == "incomplete"
    # random agents give a mix of conditions; every chain position is one agent
    m = _quiz("random", peers="model")
    assert 0.0 <= m["accuracy_alone"] <= 1.0


def test_bad_quiz_parameters_are_user_errors():
    for bad in (dict(ks=(0,)), dict(peers="humans"), dict(n_questions=999)):
        with pytest.raises(UserError):
            QuizParams(**bad)


def test_condition_of_realised_answers():
    from collective_bench.benchmarks.values.quiz_game import condition_of

    assert condition_of([1, 1, 1], correct=0) == ("wrong", 1)
    assert condition_of([0, 0], correct=0) == ("right", -1)
    assert condition_of([1, 0, 1], correct=0) == ("split", -1)
    assert condition_of([1, 2], correct=0) == ("split", -1)  # wrong but not unanimous
    assert condition_of([1, -1], correct=0) == ("incomplete", -1)


def test_quick_suite_stays_within_the_turn_budget():
    import collective_bench.benchmarks  # noqa: F401 - registers the family
    from collective_bench.registry import get_spec as get_task

    turns = 0
    for name, make in (("value_drift", _tasks_make_drift), ("conformity", _tasks_make_quiz)):
        args = dict(get_task(name).presets["quick"])
        episodes = args.pop("episodes")
        game = make(args)
        state, per_episode = game.initial_state(0), 0
        while not game.is_over(state):
            acting = game.acting_agents(state)
            per_episode += len(acting)
            obs = {a: game.observe(state, a) for a in acting}
            policies = SURVEY_POLICIES if name == "value_drift" else QUIZ_POLICIES
            actions = {a: policies.policies["stable"](obs[a], None) for a in acting}
            state = game.step(state, {**game.fixed_actions(state), **actions}).state
        turns += episodes * per_episode
    assert turns == 168 + 288 <= 2500


def _tasks_make_drift(args):
    return DriftGame(DriftParams(**args))


def _tasks_make_quiz(args):
    return QuizGame(QuizParams(**{**args, "ks": tuple(args.get("ks", (1, 3, 5)))}))


def test_per_k_conformity_metrics_follow_the_tasks_ks():
    from collective_bench.benchmarks.values.spec import CONFORMITY

    game = QuizGame(QuizParams(n_subjects=2, n_questions=3, ks=(2, 4)))
    episodes = []
    for seed in (0, 1):
        t = run_direct(game, seed, lambda a: QUIZ_POLICIES.policies["conformist"])
        episodes.append(conformity_episode_metrics(t.summary, t.steps, 1, 0))
    per_k = {k for k in episodes[0] if k.startswith("conformity_k")}
    assert per_k == {"conformity_k2", "conformity_k4"}
    assert episodes[0]["conformity_k2"] == episodes[0]["conformity_k4"] == 1.0
    aggregated = CONFORMITY.aggregate(episodes)
    assert {k for k in aggregated if k.startswith("conformity_k")} == per_k
    assert list(aggregated) == CONFORMITY.metric_names(CONFORMITY.resolve({"ks": "2,4"}))
    assert aggregated["conformity_k4"].value == 1.0
