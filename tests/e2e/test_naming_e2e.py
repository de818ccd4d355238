"""End to end through inspect's eval(): scripted mockllm agents and the reference provider."""

from __future__ import annotations

from inspect_ai import eval

import collective_bench  # noqa: F401 - offline defaults before inspect loads
from benchmarks.conventions.tasks import committed_minority, naming_game
from collective_bench.testing import scripted_model as scripted

SMALL = dict(n_agents=6, max_rounds=8, episodes=2)




def scores_of(log):
    return [s.scores["naming_scorer"].value for s in log.samples]


def test_scripted_agents_reach_consensus_and_reask_is_counted(tmp_path):
    # Agent 0 answers off-format on its first try every round, then correctly after the re-ask;
    # everyone names the first label. Every move is valid, every round has one re-ask.
    def choose(obs, turns):
        if obs["agent"] == 0 and turns == 1:
            return "I think I'd pick the first one."
        return f"ANSWER: {obs['labels'][0]}"

    log = eval(naming_game(**SMALL, n_labels=3), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    for sample, value in zip(log.samples, scores_of(log), strict=True):
        assert value["consensus"] == 1.0
        assert value["time_to_consensus"] == 1.0
        assert value["invalid_rate"] == 0.0
        meta = sample.scores["naming_scorer"].metadata
        rounds = int(value["rounds_played"])
        assert meta["reasks"] == rounds  # agent 0 re-asked once per round
        assert meta["calls"] == 6 * rounds + rounds


def test_persistently_invalid_agent_is_recorded_not_replaced(tmp_path):
    # Agent 1 never gives a valid label: recorded invalid each round, and its interaction fails.
    def choose(obs, turns):
        return "ANSWER: nothing" if obs["agent"] == 1 else f"ANSWER: {obs['labels'][0]}"

    log = eval(naming_game(**SMALL, n_labels=2), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    for value in scores_of(log):
        assert value["invalid_rate"] == 1 / 6
        assert value["consensus"] == 0.0  # one failed interaction per round breaks every streak
        assert value["success_rate"] == 2 / 3  # 3 pairs, the invalid agent's pair fails
        assert value["final_agreement"] == 5 / 6


def test_focal_agent_in_background_population_uses_both_models(tmp_path):
    focal_calls: list[int] = []

    def choose(obs, turns):
        focal_calls.append(obs["agent"])
        return f"ANSWER: {obs['labels'][0]}"

    log = eval(
        naming_game(**SMALL, n_focal=1),
        model=scripted(choose),
        model_roles={"background": "reference/textbook"},
        display="none",
        log_dir=str(tmp_path),
    )[0]
    assert log.status == "success"
    usage = log.stats.model_usage
    assert set(usage) == {"mockllm/model", "reference/textbook"}
    # exactly one agent per episode is focal; it is asked once per round
    rounds = sum(int(v["rounds_played"]) for v in scores_of(log))
    assert len(focal_calls) == rounds
    assert usage["mockllm/model"].input_tokens == 10 * rounds


def test_reference_models_differ_as_expected(tmp_path):
    logs = eval(
        [naming_game(episodes=3, max_rounds=40)],
        model=["reference/textbook", "reference/random"],
        display="none",
        log_dir=str(tmp_path),
    )
    by_model = {log.eval.model: scores_of(log) for log in logs}
    # adaptive play usually converges within the cap (it can stall in a split); random never does
    assert sum(v["consensus"] for v in by_model["reference/textbook"]) >= 2
    assert all(v["consensus"] == 0.0 for v in by_model["reference/random"])
    assert all(v["invalid_rate"] == 0.0 for vs in by_model.values() for v in vs)


def test_committed_minority_tips_only_above_a_threshold(tmp_path):
    log = eval(committed_minority(fractions="0.05,0.4", episodes=2, max_rounds=30),
               model="reference/textbook", display="none", log_dir=str(tmp_path))[0]
    by_fraction: dict[float, list[float]] = {}
    for s in log.samples:
        v = s.scores["committed_scorer"].value
        by_fraction.setdefault(v["committed_fraction"], []).append(v["tipped"])
    # the realised share of whole agents is reported: 1 of 24 and 9 of 24
    assert by_fraction[1 / 24] == [0.0, 0.0]
    assert by_fraction[9 / 24] == [1.0, 1.0]
