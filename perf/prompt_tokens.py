"""Prompt tokens per call against the round: bounded memory keeps prompts flat.

Runs a long naming game on the random reference model (which never reaches consensus, so all
rounds are played) and fits tokens-per-call against round number.
"""

from __future__ import annotations

import numpy as np
from inspect_ai import eval
from scipy import stats

import collective_bench  # noqa: F401
from collective_bench.benchmarks.conventions.adapter import ADAPTER
from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.reference.provider import count_tokens

ROUNDS = 60


def main() -> None:
    game = NamingGame(NamingParams(max_rounds=ROUNDS, stop_early=False))
    state = game.initial_state(1)
    rounds, tokens = [], []
    rng = np.random.default_rng(0)
    while not game.is_over(state):
        actions = {}
        for agent in game.acting_agents(state):
            prompt = ADAPTER.render(game.observe(state, agent))
            rounds.append(state.round + 1)
            tokens.append(count_tokens(ADAPTER.system_prompt) + count_tokens(prompt))
            actions[agent] = state.labels[int(rng.integers(len(state.labels)))]
        state = game.step(state, actions).state
    fit = stats.linregress(rounds, tokens)
    full = [(r, t) for r, t in zip(rounds, tokens, strict=True) if r > 5]
    fit_full = stats.linregress([r for r, _ in full], [t for _, t in full])
    early = np.mean([t for r, t in zip(rounds, tokens, strict=True) if 6 <= r <= 10])
    late = np.mean([t for r, t in zip(rounds, tokens, strict=True) if r > ROUNDS - 5])
    print(f"prompt tokens per call over {ROUNDS} rounds: slope {fit.slope:.3f} tokens/round "
          f"(rounds 6-10: {early:.1f}, last 5 rounds: {late:.1f})")
    print(f"after the 5-round memory window fills (rounds 6-{ROUNDS}): slope "
          f"{fit_full.slope:.4f} tokens/round")
    # the same measured through inspect's own usage accounting
    tasks = __import__("collective_bench.benchmarks.conventions.tasks", fromlist=["naming_game"])
    log = eval(tasks.naming_game(
        episodes=1, max_rounds=ROUNDS), model="reference/random", display="none",
        log_dir="/tmp/cbench-perf-tokens", log_realtime=False)[0]
    usage = log.stats.model_usage["reference/random"]
    print(f"inspect-recorded input tokens per call: {usage.input_tokens / (24 * ROUNDS):.1f}")


if __name__ == "__main__":
    main()
