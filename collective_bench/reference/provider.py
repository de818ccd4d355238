"""`reference/<name>`: an inspect ModelAPI that plays every task with scripted policies.

It reads the structured observation that travels beside the prompt (never inside it: see
`collective_bench.observation`), asks the task's policy for a move and answers in the task's
answer format, with real token counts of the prose prompt. So ``--model reference/textbook``
runs a task end to end through inspect with no API key, and the reference rows of the leaderboard
are produced by exactly the code path an LLM goes through.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from collective_bench.compact import CompactAnswer, Messages
from collective_bench.errors import UserError
from collective_bench.observation import observation_from_metadata, observation_of
from collective_bench.policies import known_policy_names, resolve_policy, task_policies
from collective_bench.seeds import rng_for

NO_OBSERVATION = "I cannot see the game, so I cannot play."


@functools.lru_cache(maxsize=1)
def _encoding() -> Any:
    import tiktoken

    from collective_bench.offline import offline_defaults

    offline_defaults()  # tiktoken reads the encodings litellm ships

    return tiktoken.get_encoding("o200k_base")


@functools.lru_cache(maxsize=4096)
def count_tokens(text: str) -> int:
    """Tokens under o200k_base (read offline from the copy litellm ships)."""
    return len(_encoding().encode(text, disallowed_special=()))


def reference_answer(policy_name: str, observation: dict[str, Any] | None,
                     prompt: Sequence[str]) -> str:
    """The policy's answer given the out-of-band observation of the agent's turn.

    Shared by the provider, its compact client and `cbench serve-reference`, so all three give
    the same move for the same turn. The policy's randomness is seeded by the observation and
    the chat's texts: deterministic, and distinct per agent, round and episode (two agents may
    see the same prose, but never the same observation).
    """
    if observation is None or "task" not in observation:
        return NO_OBSERVATION
    task = str(observation["task"])
    policy = resolve_policy(task, policy_name)
    seed_text = json.dumps(observation, sort_keys=True, default=str) + "\n".join(prompt)
    move = policy(observation, rng_for("reference", policy_name, seed_text))
    return task_policies(task).format_answer(move)


def prompt_tokens(texts: Sequence[str]) -> int:
    return sum(count_tokens(text) for text in texts)


class ReferenceAPI(ModelAPI):
    """Scripted policies behind inspect's model interface."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 - inspect's ModelAPI signature
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        known = known_policy_names()
        if model_name not in known:
            raise UserError(
                f"unknown reference model 'reference/{model_name}'; "
                f"known: {', '.join('reference/' + k for k in known)}"
            )

    def max_connections(self) -> int:
        # Local and instant: let a whole round be in flight at once.
        return 1024

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        observation = None
        for message in reversed(input):
            if message.role == "user":
                observation = observation_from_metadata(message.metadata)
                if observation is not None:
                    break
        texts = [m.text for m in input]
        answer = reference_answer(self.model_name, observation, texts)
        input_tokens = prompt_tokens(texts)
        usage = ModelUsage(
            input_tokens=input_tokens,
            output_tokens=count_tokens(answer),
        )
        usage.total_tokens = usage.input_tokens + usage.output_tokens
        usage.total_cost = 0.0  # scripted and local: the cost is known, and it is zero
        return ModelOutput.from_content(
            model=f"reference/{self.model_name}", content=answer
        ).model_copy(update={"usage": usage})

    def compact_client(self) -> _ReferenceCompactClient:
        """For compact transcripts (collective_bench.compact): same answers, no bookkeeping."""
        return _ReferenceCompactClient(self)


class _ReferenceCompactClient:
    def __init__(self, api: ReferenceAPI) -> None:
        self.policy = api.model_name

    async def complete(self, messages: Messages, config: GenerateConfig) -> CompactAnswer:
        texts = [str(m["content"]) for m in messages]
        answer = reference_answer(self.policy, observation_of(messages), texts)
        return CompactAnswer(answer, prompt_tokens(texts), count_tokens(answer), 0.0)

    async def aclose(self) -> None:
        return None
