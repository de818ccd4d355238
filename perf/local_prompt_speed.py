"""Seconds per call on the local Qwen2.5-Coder-0.5B: v0.1.0's prompts against prompts without
the JSON observation block and against today's prompts, prefix cache on, 1 and 2 server threads.

One naming-game round of 24 calls (round 6 of a seeded game, so every agent has a full 5-round
memory), rendered twice: by the v0.1.0 renderer (read from git history, commit 30b114d, so it
cannot drift) and by the same renderer without its last part, the JSON block. The machine is
shared, so both variants run side by side in one run (whole rounds interleaved A B A B ...,
never call by call, which would let one variant warm the cache for the other) and the report is
their ratio. Generation settings are the same for both (v0.1.0 sent none; `--max-tokens` caps
rambling answers for both if given).

    .venv/bin/python perf/local_prompt_speed.py [--repeats 2] [--threads 1,2] [--max-tokens N]
        [--calls 24]

Needs the `local-0-5b` extra.

Measured 2026-12-02, 16:05 UTC, 1 thread, 2 rounds x 24 calls per variant, interleaved (the
machine also ran a 1.5B model run on the other core):
- v0.1.0 (JSON block): 3.84 s/call, 474 prompt tokens/call, 39% from the prefix cache;
- now (rules and terms in the system prompt, terse history, no block): 2.02 s/call, 294
  tokens/call, 49% cached: **1.90x** faster than v0.1.0 (the issue's target is 3x);
- "no block" (v0.1.0's text minus the block): 0.25 s/call, 98% cached. Not a fair figure:
  llama.cpp's server now keeps earlier prompts in a RAM prompt cache, and this variant's prompt
  is a prefix of the v0.1.0 prompt of the same agent played just before it, so nearly all of it
  is served from that cache. Today's prompts share only the system prompt across agents: the
  shuffled name list (Ashery et al. shuffle it for every prompt) and each agent's own history
  follow it, ~150 tokens per call that no cache can serve.
Earlier (load 6-12): v0.1.0 21.33 against no block 10.62 s/call (2.01x); 2 threads stall
under load, so 1 thread is the default.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
from openai import OpenAI

from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.providers.local.server import LocalServer, ServerSettings
from collective_bench.providers.local.weights import resolve

V010 = "30b114d"
ROOT = Path(__file__).parents[1]
ROUND = 6


def v010_module(path: str, replace: dict[str, str], namespace: dict[str, Any]) -> Any:
    """A module from release v0.1.0's source, with some imports replaced by given objects."""
    source = subprocess.run(["git", "show", f"{V010}:{path}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    for old, new in replace.items():
        assert old in source, f"{old!r} not in {V010}:{path}"
        source = source.replace(old, new)
    module = types.ModuleType(f"v010_{Path(path).stem}")
    module.__dict__.update(namespace)
    exec(compile(source, f"{V010}:{path}", "exec"), module.__dict__)  # noqa: S102
    return module


def round_observations() -> list[dict[str, Any]]:
    # the concurrent schedule: all 24 agents act in each step, as in v0.1.0's rounds
    game = NamingGame(NamingParams(max_rounds=30, stop_early=False, schedule="rounds"))
    state = game.initial_state(1)
    rng = np.random.default_rng(0)
    while state.step + 1 < ROUND:
        state = game.step(state, {a: state.labels[int(rng.integers(len(state.labels)))]
                                  for a in game.acting_agents(state)}).state
    return [game.observe(state, agent) for agent in game.acting_agents(state)]


def prompt_variants() -> dict[str, list[list[dict[str, str]]]]:
    observation = v010_module("collective_bench/observation.py", {}, {})
    prompts = v010_module(
        "benchmarks/conventions/prompts.py",  # its path in v0.1.0
        {"from collective_bench.observation import render_block\n": ""},
        {"render_block": observation.render_block},
    )
    block = prompts.render_prompt
    without = v010_module(
        "benchmarks/conventions/prompts.py",  # its path in v0.1.0
        {"from collective_bench.observation import render_block\n": "",
         "    parts.append(render_block(observation))\n": ""},
        {},
    ).render_prompt
    observations = round_observations()

    def chats(render: Any, system: Any = lambda obs: prompts.SYSTEM_PROMPT,
              ) -> list[list[dict[str, str]]]:
        return [[{"role": "system", "content": system(obs)},
                 {"role": "user", "content": render(obs)}] for obs in observations]

    from collective_bench.benchmarks.conventions import prompts as now

    return {"v0.1.0 (JSON block)": chats(block), "no block": chats(without),
            "now": chats(now.render_prompt, now.render_system)}


def play_round(client: OpenAI, chats: list[list[dict[str, str]]], max_tokens: int | None,
               ) -> list[dict[str, float]]:
    rows = []
    for messages in chats:
        started = time.perf_counter()
        extra: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        response = client.chat.completions.create(
            model="m", messages=messages, temperature=0.5, seed=1,  # type: ignore[arg-type]
            extra_body={"cache_prompt": True}, **extra)
        seconds = time.perf_counter() - started
        timings = (response.model_extra or {}).get("timings", {})
        rows.append({"seconds": seconds, "prompt": timings.get("prompt_n", 0) +
                     timings.get("cache_n", 0), "cached": timings.get("cache_n", 0),
                     "completion": response.usage.completion_tokens if response.usage else 0})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2, help="rounds per variant")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--calls", type=int, default=24,
                        help="the round's first N agents only (a loaded machine is slow)")
    args = parser.parse_args()
    variants = {name: chats[:args.calls] for name, chats in prompt_variants().items()}
    model = resolve("qwen2.5-coder-0.5b")
    for threads in [int(t) for t in args.threads.split(",")]:
        server = LocalServer(ServerSettings(model_path=str(model), alias="m",
                                            threads=threads)).start()
        try:
            client = OpenAI(base_url=server.url, api_key="none", timeout=900, max_retries=0)
            results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
            for _ in range(args.repeats):
                for name, chats in variants.items():
                    rows = play_round(client, chats, args.max_tokens)
                    results[name].extend(rows)
                    print(f"  threads={threads} {name}: a round at "
                          f"{statistics.mean(r['seconds'] for r in rows):.2f} s/call",
                          file=sys.stderr, flush=True)
        finally:
            server.stop()
        per_call = {}
        for name, rows in results.items():
            per_call[name] = statistics.mean(r["seconds"] for r in rows)
            prompt = sum(r["prompt"] for r in rows)
            print(f"threads={threads} {name:20s}: {per_call[name]:.2f} s/call "
                  f"(median {statistics.median(r['seconds'] for r in rows):.2f}), "
                  f"prompt {prompt / len(rows):.0f} tokens/call, "
                  f"{sum(r['cached'] for r in rows) / prompt:.0%} from the prefix cache, "
                  f"completion {statistics.mean(r['completion'] for r in rows):.1f} tokens/call, "
                  f"{len(rows)} calls")
        old, without_block, current = per_call.values()
        print(f"threads={threads} ratio v0.1.0 / no block: {old / without_block:.2f}x; "
              f"v0.1.0 / now: {old / current:.2f}x")


if __name__ == "__main__":
    main()
