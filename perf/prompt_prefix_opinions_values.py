"""Prompt size and shared prefix per decision, opinions and values tasks (prefix caching).

Plays one quick-preset episode of each task under the direct driver with the textbook policy and
renders every decision's chat (system prompt + user prompt) as a model receives it. Prints the
mean characters per decision and the share of them a one-slot prefix cache could reuse: the
longest common prefix with the previous decision's chat (agents asked in order within a step, as
a one-slot llama.cpp server sees them). Characters, not tokens: no tokenizer download.

    .venv/bin/python perf/prompt_prefix_opinions_values.py
"""

from __future__ import annotations

import os
from typing import Any

import collective_bench  # noqa: F401 - offline defaults
import collective_bench.benchmarks  # noqa: F401 - registers tasks and policies
from collective_bench.benchmarks.opinions.adapter import ADAPTER, REWIRE_ADAPTER
from collective_bench.benchmarks.opinions.game import OpinionGame, OpinionParams
from collective_bench.benchmarks.opinions.policies import POLICIES
from collective_bench.benchmarks.values.adapter import QUIZ_ADAPTER, SURVEY_ADAPTER
from collective_bench.benchmarks.values.drift_game import DriftGame, DriftParams
from collective_bench.benchmarks.values.policies import QUIZ_POLICIES, SURVEY_POLICIES
from collective_bench.benchmarks.values.quiz_game import QuizGame, QuizParams
from collective_bench.driver_direct import run_direct
from collective_bench.registry import get_spec as get_task


def measure(game: Any, adapter: Any, policy: Any) -> tuple[int, float, float]:
    chats: list[str] = []

    def play(obs: dict[str, Any], rng: Any) -> Any:
        chats.append(adapter.system_prompt + "\n" + adapter.render(obs))
        return policy(obs, rng)

    run_direct(game, 0, lambda _a: play)
    shared = [len(os.path.commonprefix([a, b])) for a, b in zip(chats, chats[1:], strict=False)]
    total = sum(len(c) for c in chats)
    return len(chats), total / len(chats), sum(shared) / total


def main() -> None:
    def args(name: str) -> dict[str, Any]:
        out = dict(get_task(name).presets["quick"])
        out.pop("episodes", None)
        return out

    cases = [
        ("opinion_dynamics", OpinionGame(OpinionParams(**args("opinion_dynamics"))), ADAPTER,
         POLICIES.policies["textbook"]),
        ("echo_chambers", OpinionGame(OpinionParams(**args("echo_chambers"), rewire=True)),
         REWIRE_ADAPTER, POLICIES.policies["textbook"]),
        ("value_drift", DriftGame(DriftParams(**args("value_drift"))), SURVEY_ADAPTER,
         SURVEY_POLICIES.policies["textbook"]),
        ("conformity", QuizGame(QuizParams(**args("conformity"))), QUIZ_ADAPTER,
         QUIZ_POLICIES.policies["textbook"]),
    ]
    print(f"{'task':<18}{'decisions':>10}{'chars/decision':>16}{'shared prefix':>15}")
    for name, game, adapter, policy in cases:
        n, mean, share = measure(game, adapter, policy)
        print(f"{name:<18}{n:>10}{mean:>16.0f}{share:>15.0%}")


if __name__ == "__main__":
    main()
