"""--cache: a re-run of the same episodes makes no model calls and reproduces every move.

Cache entries are also scoped by episode, seed, agent and step (defence in depth: our prompts
already differ per agent and round, because the observation block names both).
"""

from __future__ import annotations

from inspect_ai import eval
from inspect_ai.model import ChatMessageUser, ModelOutput, ModelUsage, get_model

import collective_bench  # noqa: F401
from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.observation import observation_from_metadata


def counting_model(calls: list[int]):
    def outputs(messages, tools, tool_choice, config):
        obs = next(observation_from_metadata(m.metadata) for m in messages
                   if isinstance(m, ChatMessageUser))
        calls.append(obs["agent"])
        # agent-dependent answer: a shared cache entry would give some agent another's label
        label = sorted(obs["labels"])[obs["agent"] % len(obs["labels"])]  # order is shuffled
        out = ModelOutput.from_content(model="mockllm", content=f"ANSWER: {label}")
        out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return out

    return get_model("mockllm/model", custom_outputs=outputs, memoize=False)


def test_cached_rerun_makes_no_calls_and_reproduces_moves(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    task_args = dict(n_agents=6, n_labels=3, max_rounds=3, episodes=2, cache=True,
                     schedule="rounds")
    first: list[int] = []
    log1 = eval(naming_game(**task_args), model=counting_model(first), display="none",
                log_dir=str(tmp_path / "a"))[0]
    # 3 population rounds = 6 matchings of all 6 agents, 2 episodes, each move asked once
    assert len(first) == 6 * 6 * 2
    second: list[int] = []
    log2 = eval(naming_game(**task_args), model=counting_model(second), display="none",
                log_dir=str(tmp_path / "b"))[0]
    assert second == []  # everything came from the cache
    # agents 0 and 3 name one label, 1 and 4 another, 2 and 5 the third: a cache entry served
    # to the wrong agent would show up as a different move
    steps1 = [s.store["EpisodeRecord:steps"] for s in log1.samples]
    steps2 = [s.store["EpisodeRecord:steps"] for s in log2.samples]
    assert steps1 == steps2
    assert all(r["act"][:3] == r["act"][3:] and len(set(r["act"])) == 3
               for steps in steps1 for r in steps)
