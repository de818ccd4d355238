"""One parameterized suite over every registered task declaration (Melting Pot's habit).

Each task: builds at its defaults and presets; refuses out-of-range parameters with one line;
plays end to end on the reference models at its smoke preset; its log's metrics are exactly the
result rows' cells; its headline orders the reference policies as its README says; and no
field a participant must not see reaches any prompt.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessage, ChatMessageUser, ModelOutput, ModelUsage, get_model

from collective_bench.docs import render_readme, update_readmes
from collective_bench.driver_direct import run_direct
from collective_bench.errors import UserError
from collective_bench.footprint import POPULATION, episode_params, max_calls
from collective_bench.observation import observation_from_metadata
from collective_bench.policies import task_policies
from collective_bench.reference.provider import reference_answer
from collective_bench.registry import all_specs
from collective_bench.results import rows_from_log
from collective_bench.spec import PRESETS, TaskSpec
from collective_bench.task_builder import build_task, samples
from collective_bench.testing import assert_prose_only

SPECS = all_specs()
ROOT = Path(__file__).resolve().parents[1]


def ids(spec: TaskSpec) -> str:
    return spec.name


def test_every_family_readme_shows_its_declarations() -> None:
    stale = update_readmes(SPECS, ROOT / "collective_bench" / "benchmarks", check=True)
    assert not stale, f"run 'cbench docs' to regenerate: {[str(p) for p in stale]}"


def test_the_repository_readme_states_every_task_version() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = [s.name for s in SPECS if f"| `{s.name}` | {s.version} |" not in readme]
    assert not stale, f"README.md states old versions of {stale}: run 'cbench docs'"


def test_a_hand_written_version_cell_follows_the_declaration() -> None:
    spec = SPECS[0]
    text = f"| task | version |\n| --- | --- |\n| `{spec.name}` | 0.0.1 | what |\n"
    rendered = render_readme(text, [spec])
    assert f"| `{spec.name}` | {spec.version} | what |" in rendered and "0.0.1" not in rendered


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_metric_formula_names_a_function_in_scorers(spec: TaskSpec) -> None:
    """The README's formula column is where a newcomer looks a metric up: it must resolve."""
    import importlib

    for metric in spec.metrics:
        module, _, function = metric.formula.rpartition(".")
        assert module.startswith("scorers."), metric.formula
        assert callable(getattr(importlib.import_module(f"collective_bench.{module}"), function,
                                None)), f"{spec.name}.{metric.name}: {metric.formula}"


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_game_name_is_the_game_the_task_plays(spec: TaskSpec) -> None:
    """The sweep's policy check and `cbench estimate` read the Game from the declaration."""
    for preset in (None, *spec.presets):
        task = build_task(spec, preset=preset)
        sample = next(iter(task.dataset))
        assert sample.metadata
        played = spec.make_game(dict(sample.metadata["params"])).name
        assert spec.game_name(spec.resolve(None, preset)) == played


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_builds_at_defaults_and_at_every_preset(spec: TaskSpec) -> None:
    for preset in (None, *spec.presets):
        task = build_task(spec, preset=preset)
        resolved = spec.resolve(None, preset)
        assert task.version == spec.version
        assert len(task.dataset) == resolved["episodes"] * len(spec.variants(resolved))
        assert task.metadata and task.metadata["params"] == resolved
    assert set(spec.presets) == set(PRESETS), f"every task declares the presets {list(PRESETS)}"


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_parameters_out_of_range_are_refused_in_one_line(spec: TaskSpec) -> None:
    for param in spec.params:
        bad: list[Any] = []
        if param.type in (int, float) and not param.many:
            bad.append("abc")
            if param.low is not None:
                bad.append(param.low - 1)
        for value in bad:
            with pytest.raises(UserError) as caught:
                spec.resolve({param.name: value})
            assert param.name in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_max_decisions_bounds_every_reference_play_and_is_not_vacuous(spec: TaskSpec) -> None:
    """`Game.max_decisions` is what `cbench estimate`'s bound on calls and the population
    bound's memory figure are made of: no reference policy may exceed it, and the longest of
    them must come within 25% of it (a bound of 10x the real play would say nothing)."""
    resolved = spec.resolve(None, "quick")
    longest = 0
    for sample in samples(spec, resolved):
        game = spec.make_game((sample.metadata or {})["params"])
        bound = game.max_decisions()
        for name, policy in sorted(task_policies(game.name).policies.items()):
            asked = 0

            def policy_for(agent: int, policy: Any = policy) -> Any:
                def move(observation: dict[str, Any], rng: Any) -> Any:
                    nonlocal asked
                    asked += 1
                    return policy(observation, rng)
                return move

            run_direct(game, (sample.metadata or {})["seed"], policy_for, keep_steps=False)
            assert asked <= bound, f"{sample.id}: reference/{name} asked {asked} > {bound}"
            longest = max(longest, asked)
        assert longest >= 0.8 * bound, f"{sample.id}: bound {bound}, longest play {longest}"
    calls = max_calls(spec, resolved)
    per_episode = [spec.make_game(p).max_decisions() for p in episode_params(spec, resolved)]
    assert calls == sum(per_episode) * (1 + spec.adapter.max_reasks)


@pytest.mark.parametrize("spec", [s for s in SPECS if POPULATION in {p.name for p in s.params}],
                         ids=ids)
def test_the_population_bound_names_its_memory_and_the_flag_that_raises_it(
        spec: TaskSpec) -> None:
    bound = int(spec.param(POPULATION).high or 0)
    assert bound >= 2
    too_many = bound * 1020  # even and a multiple of 3, as the group games need
    with pytest.raises(UserError) as caught:
        spec.resolve({POPULATION: too_many})
    message = str(caught.value)
    assert f"population bound of {bound}" in message and "\n" not in message
    assert f"--max-agents {too_many}" in message and "B in memory" in message
    # the flag raises the bound to exactly what it says, and builds nothing large
    assert spec.resolve({POPULATION: too_many}, max_agents=too_many)[POPULATION] == too_many
    with pytest.raises(UserError):
        spec.resolve({POPULATION: too_many}, max_agents=too_many - 1)
    assert len(build_task(spec, max_agents=str(too_many), n_agents=too_many).dataset) > 0


def _smoke(spec: TaskSpec, model: Any, log_dir: Path, **kwargs: Any) -> EvalLog:
    log = eval(build_task(spec, preset="smoke"), model=model, display="none",
               log_dir=str(log_dir), **kwargs)[0]
    assert log.status == "success", log.error
    return log


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_log_metrics_are_the_result_rows(spec: TaskSpec, tmp_path: Path) -> None:
    log = _smoke(spec, "reference/random", tmp_path)
    assert log.results is not None
    logged = {name: metric.value for score in log.results.scores
              for name, metric in score.metrics.items()}
    rows = rows_from_log(Path(log.location), tmp_path, lambda task: spec.aggregate)
    assert {r.metric for r in rows} == set(spec.metric_names(spec.resolve(None, "smoke")))
    for row in rows:
        for key, cell in ((row.metric, row.value), (f"{row.metric}_ci_low", row.ci_low),
                          (f"{row.metric}_ci_high", row.ci_high)):
            if cell is None:
                assert key not in logged
            else:
                assert logged[key] == pytest.approx(cell, rel=1e-12, abs=1e-12), key
        assert row.protocol and row.params == spec.resolve(None, "smoke")
        assert row.task_version == spec.version


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str) and len(value) >= 4:
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _texts(v)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_no_private_field_reaches_any_prompt(spec: TaskSpec, tmp_path: Path) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def play(messages: list[ChatMessage], tools: Any, tool_choice: Any, config: Any
             ) -> ModelOutput:
        observation = None
        for message in messages:
            if isinstance(message, ChatMessageUser):
                observation = observation_from_metadata(message.metadata)
        prompt = "\n".join(m.text for m in messages)
        if observation is not None:
            seen.append((prompt, observation))
        answer = reference_answer("textbook", observation, [prompt])
        output = ModelOutput.from_content(model="mockllm", content=answer)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    _smoke(spec, get_model("mockllm/model", custom_outputs=play, memoize=False), tmp_path)
    assert seen, "no prompt carried an observation"
    leaked = []
    for prompt, observation in seen:
        assert_prose_only(prompt)
        for key in spec.adapter.private_fields:
            if key not in observation:
                continue
            value = observation[key]
            # a structured value must not appear whole; a text one of 4+ characters nowhere
            # (a bare number, such as an agent's index, is no evidence: "Round 3" holds a 3)
            if isinstance(value, (dict, list)) and json.dumps(value) in prompt:
                leaked.append(key)
            leaked += [f"{key}: {t!r}" for t in _texts(value) if t in prompt]
    assert not leaked, f"private fields in prompts: {sorted(set(leaked))[:5]}"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.reference_order], ids=ids)
def test_headline_orders_the_reference_policies(spec: TaskSpec, tmp_path: Path) -> None:
    headline = spec.metric(spec.headline)
    values = {}
    for policy in spec.reference_order:
        log = _smoke(spec, f"reference/{policy}", tmp_path / policy)
        rows = rows_from_log(Path(log.location), tmp_path, lambda task: spec.aggregate)
        (row,) = [r for r in rows if r.metric == spec.headline]
        assert row.value is not None and math.isfinite(row.value), policy
        values[policy] = row.value
    ordered = [values[p] for p in spec.reference_order]  # best first
    sign = 1 if headline.direction == "higher" else -1
    assert all(sign * (a - b) >= 0 for a, b in zip(ordered, ordered[1:], strict=False)), values
    assert sign * (ordered[0] - ordered[-1]) > 0, f"the headline does not separate: {values}"
