"""Offline defaults for the stack, applied by the entry points that need them, never on import.

litellm would download its price map, the Hugging Face libraries would reach the hub and
tiktoken would download its encodings. `offline_defaults()` points each at what is on disk; a
variable the user has already set is left alone. Called by `cbench`, by our inspect providers
when inspect creates them, and before the task families load their data sets.
"""

from __future__ import annotations

import importlib.util
import os

DEFAULTS = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_OFFLINE": "1",
    "INSPECT_DISABLE_VERSION_CHECK": "1",
}


def offline_defaults() -> None:
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        spec = importlib.util.find_spec("litellm")
        if spec is not None and spec.submodule_search_locations:
            base = list(spec.submodule_search_locations)[0]
            tokenizers = os.path.join(base, "litellm_core_utils", "tokenizers")
            if os.path.isdir(tokenizers):
                os.environ["TIKTOKEN_CACHE_DIR"] = tokenizers
