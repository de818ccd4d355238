"""The inspect driver: one inspect Sample is one episode of a Game.

Each step, every acting agent's observation is rendered into a prompt and all agents are asked
at once (``asyncio.gather``; inspect's per-model ``max_connections`` bounds what is in flight).
An answer that cannot be read is asked again, up to the adapter's `max_reasks` (one by default; a
protocol that re-asks until valid sets a documented cap); if every answer fails the action is
recorded as invalid (``None``) and the Game applies its own rule for it. Nothing is made up.

The prompt is prose only. The structured observation rides out of band (see `observation.py`),
for the reference policies; no provider but our own reference ever receives it.

Calls go through inspect's `Model.generate` (every call a ModelEvent in the log), or, with
`CBENCH_TRANSCRIPT=compact`, straight to providers that support it (see `compact.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    Model,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import StoreModel
from pydantic import Field

from collective_bench.compact import Messages, compact_callers, transcript_mode
from collective_bench.game import Action, Game
from collective_bench.observation import OBSERVATION_KEY
from collective_bench.population import BACKGROUND, Population, build_population
from collective_bench.providers.retry import open_episode_faults
from collective_bench.seeds import rng_for


class ParseError(ValueError):
    """An answer that does not hold a valid action; the message is shown in the re-ask."""


@dataclass(frozen=True)
class Adapter:
    """Turns observations into prompts and answers into actions (HELM's adapter, per task)."""

    system_prompt: str
    render: Callable[[dict[str, Any]], str]
    parse: Callable[[str, dict[str, Any]], Action]
    """Returns the action, or raises ParseError saying what was wrong."""
    reask: Callable[[dict[str, Any], str], str]
    """(observation, error) -> the follow-up prompt asking again."""
    max_reasks: int = 1
    """Re-asks after an unreadable answer before the move is recorded as invalid."""
    private_fields: tuple[str, ...] = ()
    """Observation keys a human participant must not see (answer keys, digests, persona
    targets, item codes, other agents' private state). The reference policies may read them;
    the every-task prompt test asserts that none of their values reaches a prompt."""
    system: Callable[[dict[str, Any]], str] | None = None
    """When set, the system prompt rendered from the observation, replacing `system_prompt`:
    a game's rules depend on its parameters yet are the same for every agent and round of an
    episode, so they belong in the cacheable prefix."""

    def system_text(self, observation: dict[str, Any]) -> str:
        return self.system(observation) if self.system is not None else self.system_prompt


class EpisodeRecord(StoreModel):
    """The compact trajectory of one episode, kept in the sample's store for the scorer."""

    summary: dict[str, Any] = Field(default_factory=dict)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    calls: int = 0
    reasks: int = 0
    invalid: int = 0
    asked: int = 0
    transcript: str = "full"
    """`full`: every call is a ModelEvent; `compact`: the calls of the models with a compact client
    (ours) bypassed inspect's model layer."""
    unreadable: list[dict[str, Any]] = Field(default_factory=list)
    """Compact transcripts only: the raw text of each answer that could not be read."""
    complete: bool = True
    """False when a limit (tokens, cost, time) stopped the episode before the Game ended."""
    faults: dict[str, int] = Field(default_factory=dict)
    """Our providers' calls, retries, failures and faults by kind (`fault:rate_limit`, ...)."""


UNREADABLE_CHARS = 500
Generator = Callable[[Messages], Awaitable[str]]
"""Asks one model with a chat, returns the answer's text."""


@dataclass
class _Answer:
    action: Action
    calls: int
    reasked: bool
    invalid: bool
    unreadable: list[str]


async def ask_agent(
    generate: Generator, adapter: Adapter, observation: dict[str, Any]
) -> _Answer:
    """One agent's move: a call, up to `adapter.max_reasks` re-asks, the action or None."""
    messages: Messages = [
        {"role": "system", "content": adapter.system_text(observation)},
        {"role": "user", "content": adapter.render(observation), OBSERVATION_KEY: observation},
    ]
    unreadable: list[str] = []
    for attempt in range(adapter.max_reasks + 1):
        text = await generate(messages)
        try:
            action = adapter.parse(text, observation)
        except ParseError as error:
            unreadable.append(text)
            messages = [
                *messages,
                {"role": "assistant", "content": text},
                {"role": "user", "content": adapter.reask(observation, str(error)),
                 OBSERVATION_KEY: observation},
            ]
            continue
        return _Answer(action, attempt + 1, attempt > 0, False, unreadable)
    return _Answer(None, adapter.max_reasks + 1, adapter.max_reasks > 0, True, unreadable)


_MESSAGE_TYPES: dict[str, type[ChatMessage]] = {
    "system": ChatMessageSystem, "user": ChatMessageUser, "assistant": ChatMessageAssistant}


def _full_generator(model: Model, cache: CachePolicy | bool) -> Generator:
    async def generate(messages: Messages) -> str:
        chat = [
            _MESSAGE_TYPES[m["role"]](
                content=m["content"],
                metadata=({OBSERVATION_KEY: m[OBSERVATION_KEY]} if OBSERVATION_KEY in m
                          else None),
            )
            for m in messages
        ]
        return (await model.generate(chat, cache=cache)).completion

    return generate


def _cache_policy(enabled: bool, scope: dict[str, str]) -> CachePolicy | bool:
    # inspect's cache key ignores who asked; scopes keep two agents' identical prompts apart.
    return CachePolicy(expiry=None, scopes=scope) if enabled else False


@solver
def play_episode(
    make_game: Callable[[dict[str, Any]], Game[Any]], adapter: Adapter, cache: bool = False
) -> Solver:
    """Run one episode of the Game described by the sample's metadata (params and seed)."""
    transcript_mode()  # a bad CBENCH_TRANSCRIPT fails as the task is built, not in every sample

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        params: dict[str, Any] = dict(state.metadata["params"])
        seed = int(state.metadata["seed"])
        game = make_game(params)
        game_state = game.initial_state(seed)
        population: Population = build_population(
            int(params["n_agents"]),
            params.get("n_focal"),
            rng_for("population", seed),
            # a Game whose steps ask only some agents (one pair per interaction) names the
            # agents a model plays with an optional `players(state)`
            eligible=getattr(game, "players", game.acting_agents)(game_state),
        )
        focal = get_model()
        background = get_model(role=BACKGROUND, default=focal)
        models = {a.id: (background if a.role == BACKGROUND else focal) for a in population.agents}

        record = EpisodeRecord(store=state.store)
        faults = open_episode_faults()
        steps: list[dict[str, Any]] = []
        unreadable: list[dict[str, Any]] = []
        calls = reasks = invalid = asked = 0
        step_no = 0
        # the cache lives in inspect's model layer, so a cached run keeps the full transcript
        compact = transcript_mode() == "compact" and not cache
        complete = used_compact = False
        try:
            async with compact_callers([focal, background], compact) as callers:
                used_compact = bool(callers)

                def generator(agent: int) -> Generator:
                    model = models[agent]
                    if id(model) in callers:
                        return callers[id(model)].generate
                    scope = {"episode": str(state.sample_id), "seed": str(seed),
                             "agent": str(agent), "step": str(step_no)}
                    return _full_generator(model, _cache_policy(cache, scope))

                while not game.is_over(game_state):
                    acting = game.acting_agents(game_state)
                    observations = {a: game.observe(game_state, a) for a in acting}
                    answers = await asyncio.gather(
                        *(ask_agent(generator(a), adapter, observations[a]) for a in acting)
                    )
                    for caller in callers.values():
                        caller.flush()  # the round's usage, once per model
                    actions: dict[int, Action] = dict(game.fixed_actions(game_state))
                    for agent, answer in zip(acting, answers, strict=True):
                        actions[agent] = answer.action
                    result = game.step(game_state, actions)
                    step_record = dict(result.record)
                    asked_answers = list(zip(acting, answers, strict=True))
                    step_record["invalid"] = [a for a, r in asked_answers if r.invalid]
                    step_record["reasked"] = [a for a, r in asked_answers if r.reasked]
                    steps.append(step_record)
                    calls += sum(r.calls for r in answers)
                    reasks += len(step_record["reasked"])
                    invalid += len(step_record["invalid"])
                    asked += len(acting)
                    game_state = result.state
                    if callers:
                        unreadable += [
                            {"step": step_no, "agent": a, "text": t[:UNREADABLE_CHARS]}
                            for a, r in asked_answers for t in r.unreadable]
                    step_no += 1
            complete = True
        finally:
            # also when a token, cost or time limit stops the episode mid-way: the scorer
            # then sees what was played, marked incomplete, instead of an empty record
            record.summary = game.summary(game_state)
            record.steps = steps
            record.roles = [a.role for a in population.agents]
            record.calls, record.reasks = calls, reasks
            record.invalid, record.asked = invalid, asked
            record.transcript = "compact" if used_compact else "full"
            record.unreadable = unreadable
            record.complete = complete
            record.faults = dict(faults)
        state.output.completion = (
            f"episode over after {step_no} steps: {asked} moves asked, {invalid} invalid"
        )
        return state

    return solve
