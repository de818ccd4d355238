"""`cbench estimate`: what a sweep will cost, measured before any paid call.

The selected tasks are run on `reference/random`, locally and for free, with the same task
arguments. A random player never converges, so its episodes run to the round cap: its calls are
an upper bound on an LLM's (re-asks aside, reported separately), and its prompts are the real
prompts an LLM would receive, so input tokens are measured, not guessed. Output tokens per call
are an assumption (`--output-tokens`). Dollars come from litellm's local price map or a user
price file; a model with no price is reported as unknown, never as free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inspect_ai.log import read_eval_log_sample_summaries

from collective_bench.providers.litellm_api import call_cost
from collective_bench.sweep import SweepSpec, run_sweep

UPPER_BOUND_MODEL = "reference/random"


def litellm_name(model: str) -> str:
    """The litellm model string for an inspect model string."""
    return model.removeprefix("litellm/")


def estimate_sweep(
    models: Sequence[str],
    tasks: Sequence[str] | None,
    episodes: int | None,
    task_args: Mapping[str, Any],
    preset: str | None,
    prices: str | None,
    output_tokens: int,
    log_dir: str,
) -> dict[str, Any]:
    import benchmarks  # noqa: F401
    from collective_bench import registry

    if prices:
        from collective_bench.providers.prices import register_prices

        register_prices(prices)
    spec = SweepSpec(
        tasks=list(tasks or [e.name for e in registry.all_specs()]),
        models=[UPPER_BOUND_MODEL], task_args=task_args, episodes=episodes, preset=preset,
        log_dir=log_dir, display="none",
    )
    logs = run_sweep(spec, registry)
    per_task: list[dict[str, Any]] = []
    for log in sorted(logs, key=lambda lg: lg.eval.task):
        usage = log.stats.model_usage.get(UPPER_BOUND_MODEL) if log.stats else None
        summaries = read_eval_log_sample_summaries(log.location)
        calls = sum(
            int((score.metadata or {}).get("asked", 0))
            for s in summaries for score in (s.scores or {}).values()
        )
        per_task.append({"task": log.eval.task, "episodes": len(summaries),
                         "calls": calls, "input_tokens": usage.input_tokens if usage else 0})
    calls = sum(int(t["calls"]) for t in per_task)
    input_tokens = sum(int(t["input_tokens"]) for t in per_task)
    out_tokens = calls * output_tokens
    per_model = []
    for model in models:
        cost = call_cost(litellm_name(model), input_tokens, out_tokens)
        per_model.append({"model": model, "calls": calls, "input_tokens": input_tokens,
                          "output_tokens": out_tokens, "cost_usd": cost,
                          "cost_usd_with_reasks": None if cost is None else 2 * cost})
    return {"tasks": per_task, "models": per_model, "output_tokens_per_call": output_tokens,
            "note": "calls are an upper bound (episodes run to the round cap); a re-ask after an "
                    "unreadable answer adds a call, at most doubling the total"}


def render_estimate(result: dict[str, Any]) -> str:
    lines = [f"{'task':24s} {'episodes':>8s} {'calls':>8s} {'input tokens':>13s}"]
    for t in result["tasks"]:
        lines.append(f"{t['task']:24s} {t['episodes']:>8d} {t['calls']:>8d} "
                     f"{t['input_tokens']:>13,d}")
    for m in result["models"]:
        cost = ("unknown: not in the price map (pass --prices FILE)" if m["cost_usd"] is None
                else f"${m['cost_usd']:.4f} (up to ${m['cost_usd_with_reasks']:.4f} with re-asks)")
        lines.append(f"{m['model']}: {m['calls']:,} calls, {m['input_tokens']:,} input + "
                     f"{m['output_tokens']:,} output tokens ({result['output_tokens_per_call']}"
                     f"/call assumed): {cost}")
    lines.append(result["note"])
    return "\n".join(lines)
