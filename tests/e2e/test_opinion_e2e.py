"""Opinions tasks end to end: scripted mockllm agents, reference models, cbench and inspect CLIs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval

import collective_bench  # noqa: F401 - offline defaults before inspect loads
from collective_bench.benchmarks.opinions.tasks import echo_chambers, opinion_dynamics
from collective_bench.cli import main
from collective_bench.registry import get_spec
from collective_bench.testing import scripted_model as scripted

ROOT = Path(__file__).resolve().parents[2]
SMALL = dict(n_agents=6, max_rounds=3, episodes=2, degree=2)
METRICS = get_spec("opinion_dynamics").metric_names(get_spec("opinion_dynamics").resolve())




def _values(log):
    return [s.scores["episode_scorer"].value for s in log.samples]


def test_scripted_agents_reask_and_invalid_rule(tmp_path):
    # Agent 0 is off-format on its first try each round, then answers; agent 1 never answers
    # validly (two re-asks, then kept at its assigned position, counted); the others state +3.
    def choose(obs, turns):
        if obs["agent"] == 0 and turns == 1:
            return "Hmm, I mostly agree."
        if obs["agent"] == 1:
            return "OPINION: 9"
        return "OPINION: 3\nMESSAGE: I agree."

    log = eval(opinion_dynamics(**SMALL), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    for sample, value in zip(log.samples, _values(log), strict=True):
        meta = sample.scores["episode_scorer"].metadata
        assert value["invalid_rate"] == 1 / 6
        assert meta["reasks"] == 2 * 3  # agents re-asked: 0 and 1, every round
        # calls: everyone once, agent 0 one re-ask, agent 1 two (MAX_REASKS), every round
        assert meta["calls"] == 6 * 3 + 3 * 3
        steps = sample.store["EpisodeRecord:steps"]
        start = sample.store["EpisodeRecord:summary"]["initial_opinions"]
        assert all(s["op"][1] == start[1] for s in steps)  # never moved, never invented
        assert all(s["invalid"] == [1] for s in steps)
        assert [s["op"][a] for s in steps for a in (0, 2, 3, 4, 5)] == [3] * 15
        assert set(value) >= set(METRICS)


def test_reference_models_on_echo_chambers(tmp_path):
    logs = eval(echo_chambers(n_agents=12, max_rounds=6, episodes=4),
                model=["reference/textbook", "reference/selfish", "reference/random"],
                display="none", log_dir=str(tmp_path))
    by_model = {log.eval.model: _values(log) for log in logs}
    assert all(log.status == "success" for log in logs)
    selfish = by_model["reference/selfish"]
    assert all(v["opinion_change"] == 0.0 and v["rewire_rate"] == 0.0 for v in selfish)
    textbook = by_model["reference/textbook"]
    assert sum(v["rewire_rate"] for v in textbook) > 0
    assert all(v["invalid_rate"] == 0.0 for vs in by_model.values() for v in vs)
    mean_excess = {m: sum(v["assortativity_excess"] for v in vs) / len(vs)
                   for m, vs in by_model.items()}
    # homophilous rewiring builds echo chambers; random answers do not
    assert mean_excess["reference/textbook"] > mean_excess["reference/random"] + 0.3


def test_no_private_field_reaches_a_model_and_settings_apply(tmp_path):
    from inspect_ai.model import (
        ChatMessageSystem,
        ChatMessageUser,
        ModelOutput,
        ModelUsage,
        get_model,
    )

    from collective_bench.observation import observation_from_metadata

    sent = []

    def outputs(messages, tools, tool_choice, config):
        obs = next(o for m in reversed(messages) if isinstance(m, ChatMessageUser)
                   and (o := observation_from_metadata(m.metadata)) is not None)
        sent.append((messages, obs, config))
        out = ModelOutput.from_content(model="mockllm", content="OPINION: 1\nMESSAGE: fine\n"
                                       "REWIRE: none")
        out.usage = ModelUsage(input_tokens=10, output_tokens=2, total_tokens=12)
        return out

    model = get_model("mockllm/model", custom_outputs=outputs, memoize=False)
    log = eval(echo_chambers(**SMALL), model=model, display="none", log_dir=str(tmp_path))[0]
    assert log.status == "success" and len(sent) == 2 * 6 * 3
    systems = {m.text for messages, _, _ in sent for m in messages
               if isinstance(m, ChatMessageSystem)}
    assert len(systems) == 1  # one fixed system prompt for every agent, round and episode
    for messages, obs, config in sent:
        text = "\n".join(m.text for m in messages)
        assert f'"agent": {obs["agent"]}' not in text and '{"' not in text
        assert config.temperature == 0.7 and config.max_tokens == 300


def test_cbench_run_then_scores_reports_every_index(tmp_path, capsys):
    logs = tmp_path / "logs"
    code = main(["run", "--task", "opinion_dynamics", "--model", "reference/textbook",
                 "--episodes", "2", "-T", "n_agents=6", "-T", "max_rounds=3", "-T", "degree=2",
                 "--log-dir", str(logs), "--display", "none"])
    assert code == 0
    capsys.readouterr()
    assert main(["scores", str(logs)]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_metric = {r["metric"]: r for r in rows}
    assert set(by_metric) == set(METRICS)
    for metric in ("polarization", "bias", "diversity", "extremity", "invalid_rate"):
        row = by_metric[metric]
        assert row["ci_low"] <= row["value"] <= row["ci_high"]
        assert row["task_version"] == "1.1.0" and row["n_episodes"] == 2


@pytest.mark.slow
def test_inspect_eval_cli_runs_the_task(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "inspect"), "eval",
         "collective_bench/benchmarks/opinions/tasks.py@echo_chambers",
         "--model", "reference/textbook",
         "-T", "n_agents=6", "-T", "max_rounds=2", "-T", "episodes=2", "-T", "degree=2",
         "--log-dir", str(tmp_path), "--display", "none"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(tmp_path.glob("*.eval"))
