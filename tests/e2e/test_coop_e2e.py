"""Cooperation tasks end to end through inspect's eval(): scripted mockllm agents, the
reference models (selfish collapses the commons, textbook sustains it) and the cbench CLI."""

from __future__ import annotations

import json

from inspect_ai import eval

import collective_bench  # noqa: F401 - offline defaults before inspect loads
from collective_bench.benchmarks.cooperation.tasks import (
    commons,
    commons_talk,
    donor_game,
    public_goods,
    public_goods_punish,
    repeated_pd,
    repeated_pd_partners,
)
from collective_bench.cli import main
from collective_bench.registry import get_spec
from collective_bench.testing import scripted_model as scripted

REFS = ["reference/textbook", "reference/selfish", "reference/random"]




def values(log, scorer):
    return [s.scores[scorer].value for s in log.samples]


def test_commons_scripted_reask_and_invalid(tmp_path):
    # agent 0 needs a re-ask every month; agent 1 never answers validly (harvests nothing);
    # the others take 10: 30 a month leaves 70, which regrows to the cap.
    def choose(obs, turns):
        if obs["agent"] == 0 and turns == 1:
            return "Let me think about the lake."
        if obs["agent"] == 1:
            return "ANSWER: lots"
        return "ANSWER: 10"

    log = eval(commons(episodes=1, months=4), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success"
    (v,) = values(log, "episode_scorer")
    meta = log.samples[0].scores["episode_scorer"].metadata
    assert v["survival_rate"] == 1 and v["total_gain"] == 4 * 40 and v["invalid_rate"] == 0.2
    assert meta["asked"] == 20 and meta["reasks"] == 4 + 4 and meta["invalid"] == 4
    assert v["equality"] < 1  # the invalid agent got nothing


def test_commons_talk_discussion_follows_the_harvest_and_reaches_the_next_prompt(tmp_path):
    seen: list[list[str]] = []
    reports: list[list[int]] = []

    def choose(obs, turns):
        if obs["phase"] == "talk":
            reports.append([c["caught"] for c in obs["this_month"]["catches"]])
            return f"MESSAGE: I am {obs['you']} and I said {len(obs['conversation'])} before."
        seen.append([m["text"] for m in obs["last_talk"]])
        return f"ANSWER: {8 + obs['agent']}"

    log = eval(commons_talk(episodes=1, months=2), model=scripted(choose), display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success" and len(seen) == 10 and len(reports) == 10
    assert all(r == [8, 9, 10, 11, 12] for r in reports)  # every catch revealed in the talk
    assert seen[:5] == [[]] * 5  # month 1: nobody has talked yet
    assert all(len(texts) == 10 and "said 9 before." in texts[-1] for texts in seen[5:])
    meta = log.samples[0].scores["episode_scorer"].metadata
    assert meta["asked"] == 5 + 10 + 5
    assert values(log, "episode_scorer")[0]["survival_rate"] == 1


def test_reference_models_selfish_collapses_the_commons_textbook_sustains_it(tmp_path):
    logs = eval([commons(episodes=3), commons_talk(episodes=1)], model=REFS, display="none",
                log_dir=str(tmp_path))
    by = {(log.eval.task.split("/")[-1], log.eval.model): values(log, "episode_scorer")
          for log in logs}
    for task in ("commons", "commons_talk"):
        textbook = by[(task, "reference/textbook")]
        assert all(v["survival_rate"] == 1 and v["efficiency"] == 1 and v["equality"] == 1
                   and v["survival_time"] == 12 for v in textbook)
        for model in ("reference/selfish", "reference/random"):
            assert all(v["survival_rate"] == 0 and v["survival_time"] == 1
                       for v in by[(task, model)])
    assert all(v["invalid_rate"] == 0 for vs in by.values() for v in vs)


def test_pd_scripted_and_reference_models(tmp_path):
    # the first listed option, whatever it means this episode
    log = eval(repeated_pd(episodes=1, n_agents=4, rounds=3),
               model=scripted(lambda obs, t: f"ANSWER: {obs['options'][0]}"), display="none",
               log_dir=str(tmp_path))[0]
    (v,) = values(log, "episode_scorer")
    assert v["cooperation_rate"] in (0.0, 1.0) and v["invalid_rate"] == 0
    logs = eval([repeated_pd(episodes=2), repeated_pd_partners(episodes=2)], model=REFS,
                display="none", log_dir=str(tmp_path))
    by = {(log.eval.task.split("/")[-1], log.eval.model): values(log, "episode_scorer")
          for log in logs}
    assert all(v["cooperation_rate"] == 1 and v["normalized_welfare"] == 1
               for v in by[("repeated_pd", "reference/textbook")])
    assert all(v["cooperation_rate"] == 0 and v["normalized_welfare"] == 0
               for v in by[("repeated_pd", "reference/selfish")])
    for v in by[("repeated_pd_partners", "reference/textbook")]:
        assert v["reciprocity"] == 1 and v["forgiveness"] == 1
        assert v["cooperation_vs_tit_for_tat"] == 1 and v["cooperation_vs_grim_trigger"] == 1
    for v in by[("repeated_pd_partners", "reference/selfish")]:
        assert v["cooperation_rate"] == 0 and v["forgiveness"] == 0


def test_public_goods_scripted_and_reference_models(tmp_path):
    # everyone puts in 5 and, in the deduction step, gives one point to the first member
    def choose(obs, turns):
        if obs["phase"] == "punish":
            return "ANSWER: " + ", ".join(["1"] + ["0"] * (len(obs["others_put_in"]) - 1))
        return "ANSWER: 5"

    log = eval(public_goods_punish(group_sizes="4", episodes=1, rounds=2), model=scripted(choose),
               display="none", log_dir=str(tmp_path))[0]
    (v,) = values(log, "episode_scorer")
    assert v["contribution_rate"] == 0.25 and v["punishment_rate"] == 1
    assert v["antisocial_punishment"] == 1  # equal contributors punished
    assert log.samples[0].scores["episode_scorer"].metadata["asked"] == 16
    logs = eval([public_goods(episodes=1, rounds=4), public_goods_punish(episodes=1, rounds=3)],
                model=REFS, display="none", log_dir=str(tmp_path))
    by = {(log.eval.task.split("/")[-1], log.eval.model): values(log, "episode_scorer")
          for log in logs}
    for task in ("public_goods", "public_goods_punish"):
        assert [v["group_size"] for v in by[(task, "reference/textbook")]] == [4, 16]
        assert all(v["normalized_welfare"] == 1 for v in by[(task, "reference/textbook")])
        assert all(v["normalized_welfare"] == 0 and v["contribution_rate"] == 0
                   for v in by[(task, "reference/selfish")])


def test_donor_game_scripted_and_reference_models(tmp_path):
    # everyone writes a strategy, then gives 100%: resources double every round
    strategies: list[str] = []

    def choose(obs, turns):
        if obs["phase"] == "strategy":
            strategies.append(" | ".join(obs["advice"]))
            return f"STRATEGY: agent {obs['agent']} gives everything"
        return "ANSWER: 100"

    log = eval(donor_game(episodes=1, generations=2, rounds=3), model=scripted(choose),
               display="none", log_dir=str(tmp_path))[0]
    (v,) = values(log, "episode_scorer")
    assert v["final_resources_g1"] == v["final_resources_g2"] == 80
    assert log.samples[0].scores["episode_scorer"].metadata["asked"] == 6 + 3 + 2 * 3 * 6
    assert strategies[:6] == [""] * 6 and all("gives everything" in s for s in strategies[6:])
    logs = eval(donor_game(episodes=1), model=REFS, display="none", log_dir=str(tmp_path))
    by = {log.eval.model: values(log, "episode_scorer")[0] for log in logs}
    assert by["reference/textbook"]["final_resources"] > 70
    assert by["reference/selfish"]["final_resources"] == 10


def test_cbench_run_and_scores_report_every_metric_with_cis(tmp_path, capsys):
    logs = tmp_path / "logs"
    code = main(["run", "--task", "commons", "--task", "repeated_pd_partners",
                 "--model", "reference/textbook", "--episodes", "2", "--log-dir", str(logs),
                 "--display", "none"])
    assert code == 0
    capsys.readouterr()
    assert main(["scores", str(logs)]) == 0
    rows = json.loads(capsys.readouterr().out)
    for task in ("commons", "repeated_pd_partners"):
        got = {r["metric"] for r in rows if r["task"] == task}
        assert {m.name for m in get_spec(task).metrics} <= got
    survival = next(r for r in rows if r["task"] == "commons" and r["metric"] == "survival_rate")
    # two surviving episodes: the Wilson interval admits far less than certainty (never a
    # zero-width interval from a finite sample)
    assert survival["value"] == 1 and survival["n_episodes"] == 2
    assert 0 < survival["ci_low"] < 0.5 and survival["ci_high"] == 1


def test_the_chat_sent_holds_the_rules_as_system_prompt_and_no_private_field(tmp_path):
    from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, get_model

    sent: list[tuple[str, str, dict]] = []

    def outputs(messages, tools, tool_choice, config):
        system = next(m for m in messages if isinstance(m, ChatMessageSystem))
        user = [m for m in messages if isinstance(m, ChatMessageUser)][-1]
        obs = (user.metadata or {})["observation"]
        sent.append((system.text, user.text, obs))
        if obs["phase"] == "talk":
            return ModelOutput.from_content(model="mockllm", content="MESSAGE: ten each, please")
        return ModelOutput.from_content(model="mockllm", content="**10**")

    model = get_model("mockllm/model", custom_outputs=outputs, memoize=False)
    log = eval(commons_talk(episodes=1, months=2), model=model, display="none",
               log_dir=str(tmp_path))[0]
    assert log.status == "success" and len(sent) == 20
    assert len({system for system, _, _ in sent}) == 1  # one cacheable prefix per episode
    system = sent[0][0]
    assert "one thousand dollars" in system and "revealed" in system and "ANSWER:" in system
    for _, user, obs in sent:
        assert obs["game"] not in user and obs["game"] not in system
    assert values(log, "episode_scorer")[0]["total_gain"] == 100  # "**10**" read as 10 tons
