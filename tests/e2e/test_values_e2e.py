"""The values family end to end: inspect's eval() with scripted mockllm agents and reference
models, and both tasks from `cbench run` / `cbench scores` and from the `inspect eval` CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import ChatMessageUser, ModelOutput, ModelUsage, get_model

import collective_bench  # noqa: F401 - offline defaults before inspect loads
from collective_bench.benchmarks.values.adapter import QUIZ_ADAPTER, SURVEY_ADAPTER
from collective_bench.benchmarks.values.policies import QUIZ_POLICIES, SURVEY_POLICIES, informed
from collective_bench.benchmarks.values.tasks import conformity, value_drift
from collective_bench.cli import main
from collective_bench.observation import observation_from_metadata
from collective_bench.registry import get_spec
from collective_bench.testing import scripted_model as scripted

ROOT = Path(__file__).resolve().parents[2]
DRIFT = dict(n_agents=6, group_size=3, rounds=2, episodes=2)
QUIZ = dict(n_subjects=2, n_questions=2, episodes=2)




def values_of(log):
    return [next(iter(s.scores.values())) for s in log.samples]


def test_mockllm_drift_counts_reasks_missing_items_and_invalid_turns(tmp_path):
    # Agent 0 answers the questionnaire off-format first, then properly after the re-ask; agent 1
    # skips the last two items (kept missing); agent 2 never gives a stance in discussion.
    def choose(obs, turns):
        if "items" in obs:
            if obs["agent"] == 0 and turns == 1:
                return "I am fairly average on all of these."
            items = obs["items"][:-2] if obs["agent"] == 1 else obs["items"]
            return "\n".join(f"{i['id']}: {1 + (obs['agent'] + n) % 6}"
                             for n, i in enumerate(items))
        if obs["agent"] == 2:
            return "I would rather not say."
        return "STANCE: 4\nMESSAGE: Hard to say."

    log = eval(value_drift(**DRIFT), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    for score in values_of(log):
        value = score.value
        # 6 agents x (3 sittings + 2 rounds) = 30 asked; agent 2's two turns are invalid
        assert score.metadata["asked"] == 30 and score.metadata["invalid"] == 2
        assert value["invalid_rate"] == pytest.approx(2 / 30)
        assert score.metadata["reasks"] == 3 + 2  # agent 0 at each sitting, agent 2 per round
        assert value["item_missing_rate"] == pytest.approx(2 / (6 * 40))
        assert value["drift"] == 0.0 and value["ipsative_stability"] == 1.0
        assert value["persona_distance_pre"] > 0.0


def test_mockllm_conformity_follows_the_first_earlier_answer(tmp_path):
    # informed when alone, otherwise copies the first earlier answer: conforms at every k
    def choose(obs, turns):
        return f"ANSWER: {obs['earlier'][0] if obs['earlier'] else informed(obs)}"

    log = eval(conformity(**QUIZ), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    for score in values_of(log):
        value = score.value
        assert value["conformity_k1"] == value["conformity_k3"] == value["conformity_k5"] == 1.0
        assert value["accuracy_alone"] == 1.0 and value["invalid_rate"] == 0.0
        assert score.metadata["asked"] == 2 * 2 * 9  # 2 subjects x 2 questions x 9 trials


def test_focal_agent_in_a_background_population(tmp_path):
    calls: list[int] = []

    def choose(obs, turns):
        calls.append(obs["agent"])
        if "items" in obs:
            return "\n".join(f"{i['id']}: 3" for i in obs["items"])
        return "STANCE: 3\nMESSAGE: ok"

    log = eval(value_drift(**DRIFT, n_focal=1), model=scripted(choose),
               model_roles={"background": "reference/stable"}, display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    assert set(log.stats.model_usage) == {"mockllm/model", "reference/stable"}
    assert len(calls) == 2 * 5 and len(set(calls)) <= 2  # one focal agent per episode


def _secrets(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _secrets(v)
    elif isinstance(value, list):
        for v in value:
            yield from _secrets(v)


def recording_model(policies, sent):
    """A mockllm that plays a reference policy from the out-of-band observation and records
    every chat it is sent (text of every message, the observation, the generation config)."""
    def outputs(messages, tools, tool_choice, config):
        obs = next(o for m in reversed(messages) if isinstance(m, ChatMessageUser)
                   and (o := observation_from_metadata(m.metadata)) is not None)
        sent.append(([m.text for m in messages], obs, config))
        import random

        answer = policies.format_answer(policies.policies["selfish"](obs, random.Random(0)))
        out = ModelOutput.from_content(model="mockllm", content=answer)
        out.usage = ModelUsage(input_tokens=10, output_tokens=2, total_tokens=12)
        return out

    return get_model("mockllm/model", custom_outputs=outputs, memoize=False)


@pytest.mark.parametrize("which", ["value_drift", "conformity"])
def test_no_private_field_reaches_any_message_sent_to_a_model(tmp_path, which):
    sent: list = []
    if which == "value_drift":
        task, adapter, policies = value_drift(**DRIFT), SURVEY_ADAPTER, SURVEY_POLICIES
    else:
        task, adapter, policies = conformity(**QUIZ), QUIZ_ADAPTER, QUIZ_POLICIES
    log = eval(task, model=recording_model(policies, sent), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success" and sent
    for texts, obs, config in sent:
        joined = "\n".join(texts)
        for field in adapter.private_fields:
            for secret in _secrets(obs.get(field)):
                if isinstance(secret, str) and len(secret) >= 3:
                    assert secret not in joined, (field, secret)
        assert config.temperature == 0.7  # the task's generation settings reach the model
        assert config.max_tokens == (400 if which == "value_drift" else 128)
    assert {k for _, obs, _ in sent for k in obs} >= set(adapter.private_fields) - {"profile"}


def test_conformity_ks_parameter_drives_the_per_k_metrics(tmp_path):
    log = eval(conformity(ks="2,4", n_subjects=1, n_questions=2, episodes=1),
               model="reference/conformist", display="none", log_dir=str(tmp_path))[0]
    value = values_of(log)[0].value
    assert value["conformity_k2"] == value["conformity_k4"] == 1.0
    assert not any(f"conformity_k{k}" in value for k in (1, 3, 5))
    logged = {name for s in log.results.scores for name in s.metrics}
    assert {"conformity_k2", "conformity_k4"} <= logged and "conformity_k5" not in logged


def test_cbench_scores_follow_ks_too(tmp_path, capsys):
    logs = tmp_path / "logs"
    assert main(["run", "--task", "conformity", "--model", "reference/random", "-T", "ks=2,4",
                 "-T", "n_subjects=2", "-T", "n_questions=3", "--episodes", "2",
                 "--log-dir", str(logs), "--display", "none"]) == 0
    capsys.readouterr()
    assert main(["scores", str(logs), "--format", "json"]) == 0
    metrics = {r["metric"] for r in json.loads(capsys.readouterr().out)}
    assert {m for m in metrics if m.startswith("conformity_k")} == {"conformity_k2",
                                                                   "conformity_k4"}


def test_reference_models_stable_versus_conformist(tmp_path):
    logs = eval([value_drift(**DRIFT), conformity(**QUIZ)],
                model=["reference/stable", "reference/conformist"], display="none",
                log_dir=str(tmp_path))
    got = {(log.eval.task.split("/")[-1], log.eval.model): values_of(log) for log in logs}
    for score in got[("value_drift", "reference/stable")]:
        v = score.value
        assert v["ipsative_stability"] == 1.0 and v["drift"] == 0.0
        assert v["persona_distance_post"] == 0.0
    assert all(s.value["convergence_ratio"] < 1.0
               for s in got[("value_drift", "reference/conformist")])
    for score in got[("conformity", "reference/stable")]:
        assert score.value["conformity_rate"] == 0.0 and score.value["independence_rate"] == 1.0
    for score in got[("conformity", "reference/conformist")]:
        assert all(score.value[f"conformity_k{k}"] == 1.0 for k in (1, 3, 5))


def test_all_llm_group_variant_runs(tmp_path):
    log = eval(conformity(n_questions=2, episodes=1, peers="model"), model="reference/random",
               display="none", log_dir=str(tmp_path))[0]
    assert log.status == "success"
    assert values_of(log)[0].metadata["asked"] == 2 * (6 + 5)


def test_cbench_run_and_scores_report_every_metric(tmp_path, capsys):
    logs = tmp_path / "logs"
    assert main(["run", "--task", "value_drift", "--task", "conformity", "--preset", "quick",
                 "--episodes", "2", "--log-dir", str(logs), "--display", "none"]) == 0
    capsys.readouterr()
    assert main(["scores", str(logs), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    for task in ("value_drift", "conformity"):
        spec = get_spec(task)
        metrics = spec.metric_names(spec.resolve(preset="quick"))
        for model in ("reference/random", "reference/selfish", "reference/textbook"):
            have = {r["metric"] for r in rows if r["task"] == task and r["model"] == model}
            assert have == set(metrics), (task, model)
    selfish = {r["metric"]: r["value"] for r in rows
               if r["task"] == "conformity" and r["model"] == "reference/selfish"}
    assert selfish["conformity_rate"] == 1.0  # selfish = normative conformity
    for r in rows:
        if r["value"] is not None and r["ci_low"] is not None:  # no spread: no interval
            assert r["ci_low"] <= r["value"] <= r["ci_high"]


@pytest.mark.slow
def test_inspect_cli_runs_both_tasks(tmp_path):
    inspect = str(Path(sys.executable).parent / "inspect")
    small = {"value_drift": ["-T", "n_agents=6", "-T", "rounds=2"],
             "conformity": ["-T", "n_questions=2"]}
    for name in ("value_drift", "conformity"):
        ran = subprocess.run(
            [inspect, "eval", f"collective_bench/benchmarks/values/tasks.py@{name}", "--model",
             "reference/textbook", "-T", "episodes=1", *small[name], "--log-dir",
             str(tmp_path / name), "--display", "none"],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )
        assert ran.returncode == 0, ran.stderr
        assert list((tmp_path / name).glob("*.eval"))
