"""Entry point for inspect (``[project.entry-points.inspect_ai]``): registers our providers.

Provider classes are imported lazily inside the factories so that loading inspect stays fast.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import modelapi


@modelapi(name="reference")
def reference() -> Any:
    from collective_bench.offline import offline_defaults
    from collective_bench.reference.provider import ReferenceAPI

    offline_defaults()

    return ReferenceAPI


@modelapi(name="litellm")
def litellm() -> Any:
    from collective_bench.offline import offline_defaults
    from collective_bench.providers.litellm_api import LiteLLMAPI

    offline_defaults()

    return LiteLLMAPI


@modelapi(name="local")
def local() -> Any:
    from collective_bench.providers.local.api import LocalAPI

    return LocalAPI
