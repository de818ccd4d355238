"""`cbench run`: a sweep of tasks x models through inspect eval sets.

An eval set is resumable: running the same command again after a crash finishes only what is
missing. Everything the user can get wrong (task names, -T parameters, model strings) is checked
before the first call, so a typo costs nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from collective_bench.compact import TRANSCRIPT_ENV
from collective_bench.errors import UserError
from collective_bench.providers.litellm_api import ENDPOINT_AUTH_ENV, is_secret_arg
from collective_bench.providers.preflight import check_litellm_key, check_reachable
from collective_bench.providers.redact import redact, strip_userinfo

DEFAULT_MODELS = ("reference/random", "reference/selfish", "reference/textbook")
_MARKUP = re.compile(r"\[/?[a-z ]+\]")


@dataclass(frozen=True)
class SweepSpec:
    """Everything `cbench run` was asked to do."""

    tasks: Sequence[str]
    models: Sequence[str]
    model_roles: Mapping[str, str] = field(default_factory=dict)
    task_args: Mapping[str, Any] = field(default_factory=dict)
    episodes: int | None = None
    seed: int = 0
    max_connections: int | None = None
    log_dir: str = "results/local"
    cache: bool = False
    display: str | None = None
    model_base_url: str | None = None
    model_args: Mapping[str, Any] = field(default_factory=dict)
    prices: str | None = None
    preset: str | None = None
    transcript: str = "full"
    """`full`: every call an inspect ModelEvent; `compact`: calls bypass it (see compact.py)."""
    max_agents: int | None = None
    """Raises every task's population bound (a memory guard, not a protocol setting)."""


def check_max_agents(value: int | None) -> None:
    """`--max-agents` (run, estimate, tipping) before any work."""
    if value is not None and value < 2:
        raise UserError(f"--max-agents must be at least 2, got {value}")


def one_line(error: BaseException) -> str:
    """A provider's (often multi-line, rich-marked-up) message as one plain line."""
    text = redact(_MARKUP.sub("", str(error)))
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def parse_assignments(items: Sequence[str], flag: str) -> dict[str, Any]:
    """`key=value` pairs; values parsed as YAML scalars (3 -> int, 0.5 -> float, x -> str)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{flag} expects key=value, got {item!r}")
        try:
            out[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = value
    return out


def check_model(
    model: str, base_url: str | None = None, model_args: Mapping[str, Any] | None = None
) -> None:
    """Fail early, in one line, on an unknown provider, a missing key, an unreachable endpoint
    or an unknown policy."""
    if "/" not in model:
        raise UserError(f"model {model!r} needs a provider prefix, e.g. reference/textbook "
                        "or openai/gpt-4o")
    if base_url is not None:
        check_reachable(base_url)
    if model.startswith("litellm/"):
        check_litellm_key(model.removeprefix("litellm/"), base_url)
    try:
        get_model(model, base_url=base_url, memoize=False, **dict(model_args or {}))
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 - every provider raises its own kind
        raise UserError(f"cannot use model {model!r}: {one_line(error)}") from None


def check_policies(models: Sequence[str], tasks: Sequence[Task]) -> None:
    """`reference/<policy>` plays only tasks that offer that policy: checked before any episode,
    from the game each task builds (the policy registry is keyed by the game's name)."""
    from collective_bench.policies import resolve_policy

    policies = {m.removeprefix("reference/") for m in models if m.startswith("reference/")}
    if not policies:
        return
    from collective_bench.registry import get_spec

    for task in tasks:
        game_name = get_spec(task.name).game_name((task.metadata or {})["params"])
        for policy in sorted(policies):
            try:
                resolve_policy(game_name, policy)
            except UserError as error:
                raise UserError(f"--model reference/{policy} cannot play task {task.name!r}: "
                                f"{error}") from None


def build_tasks(spec: SweepSpec, registry: Any) -> list[Task]:
    """Task objects for the sweep: every -T parameter type- and range-checked against each
    task's declaration, before any work."""
    from collective_bench.task_builder import build_task

    specs = [registry.get_spec(name) for name in spec.tasks]
    known = {p.name for s in specs for p in s.params}
    for key in spec.task_args:
        if key not in known:
            raise UserError(
                f"unknown task parameter {key!r}; parameters of the selected tasks: "
                f"{', '.join(sorted(known))} (see 'cbench list')"
            )
    tasks = []
    for task_spec in specs:
        names = {p.name for p in task_spec.params}
        args: dict[str, Any] = {"seed": spec.seed, "cache": spec.cache}
        if spec.episodes is not None:
            args["episodes"] = spec.episodes
        args.update({k: v for k, v in spec.task_args.items() if k in names})
        tasks.append(build_task(task_spec, preset=spec.preset, max_agents=spec.max_agents,
                                **args))
    return tasks


def _plan(spec: SweepSpec, tasks: list[Task]) -> dict[str, tuple[int, int]]:
    """model -> (episodes of the whole sweep, episodes its log dir already holds finished), so
    the progress line has a fixed denominator and a resumed run starts from what is done."""
    from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

    total = sum(len(task.dataset) for task in tasks)
    names = {task.name for task in tasks}
    finished: dict[tuple[str, str], int] = {}
    if os.path.isdir(spec.log_dir):
        for info in list_eval_logs(spec.log_dir):
            try:
                header = read_eval_log(info.name, header_only=True)
                if header.eval.task.split("/")[-1] not in names:
                    continue
                done = sum(1 for s in read_eval_log_sample_summaries(info.name)
                           if s.error is None and s.completed)
            except Exception:  # noqa: BLE001 - an unreadable log is set aside later, not counted
                continue
            key = (header.eval.model, header.eval.task)
            finished[key] = max(finished.get(key, 0), done)
    return {model: (total, sum(n for (m, _t), n in finished.items() if m == model))
            for model in spec.models}


def run_sweep(spec: SweepSpec, registry: Any) -> list[EvalLog]:
    """Run (or resume) the sweep; returns the logs of every task x model."""
    if spec.episodes is not None and spec.episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {spec.episodes}")
    if spec.max_connections is not None and spec.max_connections < 1:
        raise UserError(f"--max-connections must be at least 1, got {spec.max_connections}")
    check_max_agents(spec.max_agents)
    secret = [k for k in spec.model_args if is_secret_arg(k)]
    if secret:
        raise UserError(
            f"pass keys through the environment, not -M {secret[0]}=...: model args are written "
            "into the log. Export the provider's key variable, or use -M api_key_env=VARIABLE"
        )
    tasks = build_tasks(spec, registry)
    if spec.prices:
        from collective_bench.providers.prices import register_prices

        register_prices(spec.prices)
    for model in spec.models:
        check_model(model, spec.model_base_url, spec.model_args)
    for model in spec.model_roles.values():
        check_model(model)
    check_policies([*spec.models, *spec.model_roles.values()], tasks)
    from collective_bench.progress import plan  # importing registers the progress hook

    plan(_plan(spec, tasks))
    if spec.display != "none":
        os.environ["CBENCH_PROGRESS"] = "1"
    _set_aside_unreadable_logs(spec.log_dir)
    previous = os.environ.get(TRANSCRIPT_ENV)
    os.environ[TRANSCRIPT_ENV] = spec.transcript
    previous_handler = signal.getsignal(signal.SIGINT)
    interrupted: list[bool] = []

    def on_interrupt(signum: int, frame: Any) -> None:
        # remembered, because inspect may turn the KeyboardInterrupt into errored samples
        # that its retry then plays again, ending "successfully" after a Ctrl-C
        interrupted.append(True)
        raise KeyboardInterrupt

    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        signal.signal(signal.SIGINT, on_interrupt)
    try:
        logs = _eval_set(spec, tasks)
        if interrupted:
            raise KeyboardInterrupt
        return logs
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous_handler)
        if previous is None:
            os.environ.pop(TRANSCRIPT_ENV, None)
        else:
            os.environ[TRANSCRIPT_ENV] = previous


def _set_aside_unreadable_logs(log_dir: str) -> None:
    """A torn `.eval` (a kill mid-write) would stop the eval set from resuming at all: rename
    it `*.eval.unreadable`, say so, and let its episodes be played again."""
    from collective_bench.results import unreadable_logs

    if not os.path.isdir(log_dir):
        return
    for path in unreadable_logs(log_dir):
        aside = path.with_name(path.name + ".unreadable")
        path.rename(aside)
        print(f"cbench: warning: log {path} cannot be read (half-written?); moved to {aside.name}"
              " and its episodes will be played again", file=sys.stderr)


def _endpoint_without_userinfo(base_url: str | None) -> str | None:
    """The base URL as the log header will hold it: user:password@ removed, and handed to our
    provider through the process environment instead (never written anywhere)."""
    if base_url is None:
        return None
    stripped, userinfo = strip_userinfo(base_url)
    if userinfo:
        known = json.loads(os.environ.get(ENDPOINT_AUTH_ENV) or "{}")
        os.environ[ENDPOINT_AUTH_ENV] = json.dumps({**known, stripped: userinfo})
    return stripped


def _eval_set(spec: SweepSpec, tasks: list[Any]) -> list[EvalLog]:
    """Run the sweep as one resumable inspect eval set.

    Failure handling (measured in tests/providers/test_sweep_resilience.py): a call that fails
    for good errors its own episode only. `continue_on_fail=True` turns off inspect's mid-run
    abort, so sibling episodes play on and are logged; `fail_on_error=True` then marks the
    log as failed at the end, and the eval set's one retry (`retry_attempts=1`) plays only the
    errored episodes again, reusing the finished ones from the log. An episode that fails on
    that retry too leaves the log failed (`cbench run` exits 1), and the same command later
    plays only it. Without `continue_on_fail` the first error cancels the in-flight siblings
    and the retry plays them again (the test above then fails).
    """
    local = any(m.startswith("local/") for m in spec.models)
    success, logs = eval_set(
        tasks,
        log_dir=spec.log_dir,
        model=list(spec.models),
        model_base_url=_endpoint_without_userinfo(spec.model_base_url),
        # a failed call fails its own episode only (see the docstring): never abort mid-run,
        # mark the log failed at the end, retry just the errored episodes
        fail_on_error=True,
        continue_on_fail=True,
        model_args=dict(spec.model_args),
        model_roles=dict(spec.model_roles) or None,
        max_connections=spec.max_connections,
        # a local llama.cpp server has one slot and one prompt cache: one task and one episode
        # at a time keep each episode's shared prefix (the rules) in that cache; interleaving
        # fourteen tasks' prompts evicts it on every call (measured: ~2x slower per call)
        max_tasks=1 if local else None,
        max_samples=1 if local else None,
        display=spec.display,  # type: ignore[arg-type]
        retry_attempts=1,
        # every finished episode is flushed to the log at once: after a crash or kill -9 the
        # same command resumes without redoing it (episodes are expensive, a flush is not)
        log_buffer=1,
        log_dir_allow_dirty=True,
        # The live sample buffer lets `inspect view` follow a slow LLM run; for scripted
        # reference models it is pure overhead (about 1 ms of 3 per call).
        log_realtime=not all(m.startswith("reference/") for m in spec.models),
    )
    return logs
