"""User price files (`--prices FILE`): costs for models litellm's price map does not know.

The file is JSON or YAML, one entry per litellm model string:

    openai/my-finetune:
      input_cost_per_token: 0.0000003
      output_cost_per_token: 0.0000012

Entries are validated here and registered with `litellm.register_model`, so cost is computed
the same way for mapped and user-priced models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from collective_bench.errors import UserError

REQUIRED = ("input_cost_per_token", "output_cost_per_token")


def read_prices(path: str | Path) -> dict[str, dict[str, Any]]:
    """Parse and validate a price file; one clear line on any problem."""
    file = Path(path)
    if not file.is_file():
        raise UserError(f"price file {str(file)!r} does not exist")
    text = file.read_text()
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0]
        raise UserError(f"price file {file}: cannot parse it ({first})") from None
    if not isinstance(data, dict) or not data:
        raise UserError(f"price file {file}: expected a mapping of model -> prices")
    out: dict[str, dict[str, Any]] = {}
    for model, entry in data.items():
        if not isinstance(entry, dict):
            raise UserError(f"price file {file}: entry {model!r} must be a mapping")
        for key in REQUIRED:
            value = entry.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise UserError(
                    f"price file {file}: {model!r} needs {key} as a number >= 0 "
                    f"(dollars per token), got {value!r}"
                )
        out[str(model)] = {"mode": "chat", **entry}
        if "/" in str(model) and "litellm_provider" not in entry:
            out[str(model)]["litellm_provider"] = str(model).split("/")[0]
    return out


def register_prices(path: str | Path) -> list[str]:
    """Register a price file with litellm; returns the models it priced."""
    prices = read_prices(path)
    from collective_bench.providers.litellm_api import _import_litellm

    _import_litellm().register_model(prices)
    return sorted(prices)
