"""Collective Bench: what populations of LLM agents do together.

Importing the package makes the stack offline by default: litellm uses its bundled price map,
the Hugging Face libraries never reach the hub, and tiktoken reads the encodings litellm ships.
A user can still override each variable before import.
"""

from __future__ import annotations

import importlib.util
import os

__version__ = "0.1.0"
HARNESS_VERSION = __version__


def _offline_defaults() -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("INSPECT_DISABLE_VERSION_CHECK", "1")
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        spec = importlib.util.find_spec("litellm")
        if spec is not None and spec.submodule_search_locations:
            base = list(spec.submodule_search_locations)[0]
            tok = os.path.join(base, "litellm_core_utils", "tokenizers")
            if os.path.isdir(tok):
                os.environ["TIKTOKEN_CACHE_DIR"] = tok


_offline_defaults()
