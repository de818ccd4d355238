"""The results schema: what `cbench scores` prints and the leaderboard reads.

One row per (model, task, metric), derived from an inspect eval log (the raw record). A row
carries its own provenance, so a score can be cited and traced back to the exact log:

==================  =======================================================================
field               meaning
==================  =======================================================================
schema_version      version of this row format (bumped on any incompatible change)
model               the focal model (the model under test), e.g. ``reference/textbook``
model_roles         other bound roles, e.g. ``{"background": "openai/gpt-4o"}``; ``{}`` if none
task                registered task name (``cbench list``)
task_version        the task's version; any change that can move a score bumps it
family              task family (conventions, cooperation, opinions, values)
metric              metric name (documented in the task's README and eval.yaml)
value               the statistic across episodes (mean unless the metric says otherwise);
                    ``null`` when no episode defines it (e.g. time to consensus, never reached)
ci_low, ci_high     95% CI over episodes by the metric's kind (Wilson score for 0/1 and
                    bounded values, Student t otherwise) or its special rule (a paired
                    bootstrap, a Kaplan-Meier band); ``null`` when undefined (no spread)
n_episodes          episodes that define the metric (may be fewer than `episodes`)
episodes            episodes in the log
seed                the run's base seed (task argument), ``null`` if not recorded
invalid_rate        share of agent moves that were invalid after one re-ask (whole run)
input_tokens        input tokens of the whole run, all models
output_tokens       output tokens of the whole run, all models
cost_usd            cost of the run in US dollars; ``null`` when unknown (never a made-up 0)
harness_version     collective-bench version that produced the log
git_commit          commit of the repository the run came from, ``null`` if not a checkout
created             when the eval started (ISO 8601, from the log)
log                 the log file, relative to the results directory read
log_sha256          SHA-256 of the log file's bytes
params              every task parameter as resolved (defaults, then the preset, then ``-T``)
generation          generation settings as run: the task's protocol values, then the user's
                    overrides (temperature, max_tokens, top_p, stop_seqs, seed)
preset              the preset the run used (``quick``, ``smoke``, ``cpu``), ``null`` if none
focal_share         share of the population played by the focal model (1.0 when it played
                    alone); below 1 the score is the focal agents' population's, not the
                    model's alone, and the leaderboard says so
protocol            a digest of task, version, measured parameters, generation and roles:
                    rows with different protocols are never ranked or compared together
retries             provider call attempts that were retried, whole run (our providers only)
faults              provider faults by kind, whole run, e.g. ``rate_limit=3;timeout=1``
source              the citation of published runs imported into our log format (``cbench
                    import``), scored by our scorers but not played by this harness; ``null``
                    for runs this harness played
==================  =======================================================================
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA_VERSION = "2"


@dataclass(frozen=True)
class ResultRow:
    model: str
    task: str
    task_version: str
    family: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_episodes: int
    episodes: int
    seed: int | None
    invalid_rate: float | None
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    harness_version: str
    git_commit: str | None
    created: str
    log: str
    log_sha256: str
    model_roles: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    generation: dict[str, Any] = field(default_factory=dict)
    preset: str | None = None
    focal_share: float | None = None
    protocol: str = ""
    retries: int = 0
    faults: str = ""
    source: str | None = None
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ResultRow))

OPTIONAL = ("model_roles", "schema_version", "retries", "faults", "params", "generation", "preset",
            "focal_share", "protocol", "source")
"""Fields a row written by an older schema version may lack."""


def row_from_dict(data: dict[str, Any]) -> ResultRow:
    """Rebuild a row from JSON; raises ValueError naming the first missing or unknown field."""
    missing = [c for c in COLUMNS if c not in data and c not in OPTIONAL]
    if missing:
        raise ValueError(f"missing field {missing[0]!r}")
    unknown = [k for k in data if k not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    return ResultRow(**data)
