"""Test helpers for task authors: a scripted inspect model that plays from the observation.

Every family's end-to-end tests (and yours, for a new task) need the same thing: a `mockllm`
model whose answer is a function of the agent's observation, with explicit token usage (so no
tokenizer is downloaded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageUser, Model, ModelOutput, ModelUsage, get_model

from collective_bench.observation import observation_from_metadata

Choose = Callable[[dict[str, Any] | None, int], str]
"""(observation or None, user turns so far: 1 for the first ask, 2 for the re-ask) -> answer."""


def scripted_model(choose: Choose, input_tokens: int = 10, output_tokens: int = 2) -> Model:
    """A mockllm model answering `choose(observation, turns)` with the given usage."""

    def outputs(messages: list[ChatMessage], tools: Any, tool_choice: Any, config: Any
                ) -> ModelOutput:
        observation = None
        for message in reversed(messages):
            if isinstance(message, ChatMessageUser):
                observation = observation_from_metadata(message.metadata)
                if observation is not None:
                    break
        turns = sum(1 for m in messages if isinstance(m, ChatMessageUser))
        output = ModelOutput.from_content(model="mockllm", content=choose(observation, turns))
        output.usage = ModelUsage(input_tokens=input_tokens, output_tokens=output_tokens,
                                  total_tokens=input_tokens + output_tokens)
        return output

    return get_model("mockllm/model", custom_outputs=outputs, memoize=False)


def assert_prose_only(prompt: str) -> None:
    """Fail if a prompt carries structured data (a fenced block or a JSON object) that a human
    participant would not be shown; the observation travels out of band."""
    assert "```" not in prompt, "a prompt holds a fenced block"
    assert '{"' not in prompt, "a prompt holds a JSON object"
