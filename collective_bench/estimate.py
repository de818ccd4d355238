"""`cbench estimate`: what a sweep will cost, before any paid call: a bound on calls, an
estimate of tokens and dollars.

Calls have a true upper bound from the protocol alone: every move each Game's rules can ask in
an episode (`Game.max_decisions`), each asked again up to the adapter's re-ask cap
(`footprint.max_calls`). Tokens have none a model cannot exceed, since a model's own answers
change later prompts' length, so they are measured: the selected tasks are played locally and
for free by every reference policy each task offers, with the same task arguments, and the
estimate per task is the run that made the most calls. Why every policy: an episode's length
depends on play. A random fishery collapses in a month or two while a sustainable one runs all
twelve, so measuring one player undercounted the commons tasks 16x. Prompts are the real prompts
a model would receive, so input tokens are measured, not guessed; output tokens per call are an
assumption (`--output-tokens`). Dollars come from litellm's local price map or a user price
file; a model with no price is reported as unknown, never as free.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from inspect_ai.log import read_eval_log_sample_summaries

from collective_bench.footprint import max_calls
from collective_bench.providers.litellm_api import call_cost
from collective_bench.sweep import SweepSpec, build_tasks, run_sweep

NOTE = ("calls: 'at most' is a true upper bound from the protocol (every move the rules can "
        "ask, each re-asked up to the task's cap); tokens and dollars are an estimate, not an "
        "upper bound: the most calls any reference policy made per task (a model can keep a game "
        "going longer and write longer answers); 'with re-asks' prices every move re-asked up "
        "to its task's cap")


def litellm_name(model: str) -> str:
    """The litellm model string for an inspect model string."""
    return model.removeprefix("litellm/")


def _policies_and_bounds(spec: SweepSpec,
                         registry: Any) -> tuple[dict[str, list[str]], dict[str, int]]:
    """task name -> the reference policies its game offers, and -> its bound on calls."""
    from collective_bench.policies import task_policies

    offered: dict[str, list[str]] = {}
    bounds: dict[str, int] = {}
    for name, task in zip(spec.tasks, build_tasks(spec, registry), strict=True):
        task_spec = registry.get_spec(name)
        resolved = (task.metadata or {})["params"]
        offered[name] = sorted(task_policies(task_spec.game_name(resolved)).policies)
        bounds[name] = max_calls(task_spec, resolved)
    return offered, bounds


def _measure(spec: SweepSpec, registry: Any, policy: str, tasks: list[str],
             log_dir: str) -> dict[str, dict[str, Any]]:
    model = f"reference/{policy}"
    run = SweepSpec(tasks=tasks, models=[model], task_args=spec.task_args,
                    episodes=spec.episodes, preset=spec.preset, max_agents=spec.max_agents,
                    log_dir=os.path.join(log_dir, policy), display="none")
    measured: dict[str, dict[str, Any]] = {}
    for log in run_sweep(run, registry):
        usage = log.stats.model_usage.get(model) if log.stats else None
        summaries = read_eval_log_sample_summaries(log.location)
        calls = sum(int((score.metadata or {}).get("asked", 0))
                    for s in summaries for score in (s.scores or {}).values())
        measured[log.eval.task.split("/")[-1]] = {
            "task": log.eval.task, "episodes": len(summaries), "calls": calls,
            "input_tokens": usage.input_tokens if usage else 0, "policy": policy}
    return measured


def estimate_sweep(
    models: Sequence[str],
    tasks: Sequence[str] | None,
    episodes: int | None,
    task_args: Mapping[str, Any],
    preset: str | None,
    prices: str | None,
    output_tokens: int,
    log_dir: str,
    max_agents: int | None = None,
) -> dict[str, Any]:
    import collective_bench.benchmarks  # noqa: F401
    from collective_bench import registry

    if prices:
        from collective_bench.providers.prices import register_prices

        register_prices(prices)
    spec = SweepSpec(tasks=list(tasks or [e.name for e in registry.all_specs()]),
                     models=["reference/random"], task_args=task_args, episodes=episodes,
                     preset=preset, log_dir=log_dir, display="none", max_agents=max_agents)
    offered, bounds = _policies_and_bounds(spec, registry)
    policies = sorted({p for names in offered.values() for p in names})
    best: dict[str, dict[str, Any]] = {}
    for policy in policies:
        chosen = [t for t in spec.tasks if policy in offered[t]]
        for name, row in _measure(spec, registry, policy, chosen, log_dir).items():
            if name not in best or row["calls"] > best[name]["calls"]:
                best[name] = row
    per_task = [{**best[name], "max_calls": bounds[name],
                 "max_asks": 1 + registry.get_spec(name).adapter.max_reasks}
                for name in sorted(best)]
    calls = sum(int(t["calls"]) for t in per_task)
    most = sum(int(t["max_calls"]) for t in per_task)
    input_tokens = sum(int(t["input_tokens"]) for t in per_task)
    out_tokens = calls * output_tokens
    # every move re-asked up to its task's cap, each re-ask about as long as the first ask
    reask_in = sum(int(t["input_tokens"]) * int(t["max_asks"]) for t in per_task)
    reask_out = sum(int(t["calls"]) * int(t["max_asks"]) for t in per_task) * output_tokens
    per_model = []
    for model in models:
        cost = call_cost(litellm_name(model), input_tokens, out_tokens)
        per_model.append({"model": model, "calls": calls, "max_calls": most,
                          "input_tokens": input_tokens,
                          "output_tokens": out_tokens, "cost_usd": cost,
                          "cost_usd_with_reasks": None if cost is None else
                          call_cost(litellm_name(model), reask_in, reask_out)})
    return {"tasks": per_task, "models": per_model, "output_tokens_per_call": output_tokens,
            "upper_bound": {"calls": True, "tokens": False, "cost": False}, "note": NOTE}


def render_estimate(result: dict[str, Any]) -> str:
    lines = [f"{'task':24s} {'episodes':>8s} {'calls':>8s} {'at most':>9s} {'input tokens':>13s}"
             "  longest player"]
    for t in result["tasks"]:
        lines.append(f"{t['task']:24s} {t['episodes']:>8d} {t['calls']:>8d} "
                     f"{t['max_calls']:>9,d} {t['input_tokens']:>13,d}  reference/{t['policy']}")
    for m in result["models"]:
        cost = ("unknown: not in the price map (pass --prices FILE)" if m["cost_usd"] is None
                else f"${m['cost_usd']:.4f} (up to ${m['cost_usd_with_reasks']:.4f} with re-asks)")
        lines.append(f"{m['model']}: ~{m['calls']:,} calls (at most {m['max_calls']:,}), "
                     f"~{m['input_tokens']:,} input + "
                     f"{m['output_tokens']:,} output tokens ({result['output_tokens_per_call']}"
                     f"/call assumed): {cost}")
    lines.append(f"Note: {result['note']}")
    return "\n".join(lines)
