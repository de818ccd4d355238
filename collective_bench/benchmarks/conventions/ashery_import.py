"""`cbench import ashery2025 PATH`: Ashery, Aiello & Baronchelli's published LLM runs, scored
by our own scorers.

Their repository (github.com/Ariel-Flint-Ashery/AI-norms, MIT licence) publishes one pickle per
model and setting, e.g. `llama3_70b_converged_baseline_Q_M_-50_100_5mem_complete_24ps_0.5tmp.pkl`:
a dict from run index to {'simulation': players, 'tracker': {'players': [[p1, p2], ...],
'answers': [[a1, a2], ...], 'outcome': [0/1, ...]}, 'convergence': {...}}. Each run becomes a
trajectory in our step-record format (one step per interaction, agents 0-based, label indices
into the option list the file name gives), scored by the declared task's own path:
`naming_episode_metrics`, then the `aggregate` of `naming_game_binary` (W=2, with the bias
metrics) or `naming_game` (W>2), exactly as our own episodes of that task are scored.

A pickle can run code when loaded. `SafeUnpickler` refuses every global except a few numpy
scalar constructors, so only plain containers, strings and numbers ever come out of a file (the
published files reference no global at all). PATH may be a .pkl, a directory, or one of their
data zips (read in memory; nothing is extracted).

With `--log-dir DIR` each file's runs are also written as one eval log of the task they match
(model `ashery2025/<model>`, one sample per run with its trajectory and scores, the file's
setting as the task parameters, their temperature as the generation setting, the citation in the
metadata), so `cbench scores`, `cbench leaderboard build --results DIR` and `inspect view` read
them like our own runs, and their rows carry the protocol digest of the setting they ran under:
the published N=24, H=5 runs share the default protocol's group. Their data may not be
redistributed with this repository's results (it is fetched data), so the logs are written only
where the user points.
"""

from __future__ import annotations

import io
import pickle
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np

from collective_bench.benchmarks.conventions.spec import NAMING_GAME, NAMING_GAME_BINARY
from collective_bench.errors import UserError
from collective_bench.scorers.conventions import naming_episode_metrics
from collective_bench.spec import TaskSpec

CITATION = ("Ashery, A. F., Aiello, L. M., & Baronchelli, A. (2025). Emergent social conventions "
            "and collective bias in LLM populations. Science Advances, 11(20), eadu9368.")
BASELINE = re.compile(
    r"(?P<model>[a-z0-9]+)(?:_70b)?_converged_baseline_(?P<options>.+?)_(?P<loss>-?\d+)_"
    r"(?P<gain>\d+)_(?P<memory>\d+)mem_(?P<network>[a-z_]+)_(?P<n>\d+)ps_(?P<temp>[\d.]+)tmp\.pkl$"
)
MODELS = {"llama2": "Llama-2-70B-Chat", "llama3": "Llama-3-70B-Instruct",
          "llama31": "Llama-3.1-70B-Instruct", "claude": "Claude-3.5-Sonnet"}
ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"), ("numpy", "dtype"),
}


class SafeUnpickler(pickle.Unpickler):
    """Unpickles builtin data only: any reference to a class or function outside a small numpy
    whitelist is refused, so loading a data file never executes code from it."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused global {module}.{name} in a data file")


def safe_load(data: bytes) -> Any:
    return SafeUnpickler(io.BytesIO(data)).load()


@dataclass(frozen=True)
class Setting:
    """What a file name says about the runs inside it."""

    model: str
    options: tuple[str, ...]
    memory: int
    n_agents: int
    network: str
    temperature: float
    rewards: tuple[int, int]


def parse_name(name: str) -> Setting | None:
    """The setting of a converged-baseline file, or None for any other file."""
    m = BASELINE.search(Path(name).name)
    if not m:
        return None
    return Setting(
        model=MODELS.get(m["model"], m["model"]), options=tuple(m["options"].split("_")),
        memory=int(m["memory"]), n_agents=int(m["n"]), network=m["network"],
        temperature=float(m["temp"]), rewards=(int(m["loss"]), int(m["gain"])),
    )


def run_to_trajectory(run: dict[str, Any], setting: Setting) -> tuple[dict[str, Any],
                                                                       list[dict[str, Any]]]:
    """One published run as (summary, step records) in our format."""
    tracker = run["tracker"]
    n = setting.n_agents
    index = {opt: i for i, opt in enumerate(setting.options)}
    steps = []
    for t, (pair, answers, outcome) in enumerate(
        zip(tracker["players"], tracker["answers"], tracker["outcome"], strict=True), start=1
    ):
        a, b = int(pair[0]) - 1, int(pair[1]) - 1
        act = [-2] * n
        act[a] = index.get(answers[0], -1)
        act[b] = index.get(answers[1], -1)
        steps.append({"round": t, "t": t, "pairs": [[a, b]], "act": act, "ok": [int(outcome)]})
    summary = {"n_agents": n, "n_labels": len(setting.options), "labels": list(setting.options),
               "committed": [], "committed_fraction": 0.0, "interactions": len(steps)}
    return summary, steps


def _files(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for p in sorted(path.rglob("*.pkl")):
            yield str(p), p.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith(".pkl"):
                    yield info.filename, archive.read(info)
    elif path.suffix == ".pkl":
        yield str(path), path.read_bytes()
    else:
        raise UserError(f"{path} is not a .pkl file, a directory or a zip of them; pass one of "
                        "the zips under data/ of github.com/Ariel-Flint-Ashery/AI-norms")


def import_runs(path: Path, log_dir: Path | None = None) -> list[dict[str, Any]]:
    """One row per converged-baseline file: the setting, our scores, and the paper's median;
    with `log_dir`, each file's runs also written as one eval log there."""
    if not path.exists():
        raise UserError(f"{path} does not exist; pass a data zip, directory or .pkl of "
                        "github.com/Ariel-Flint-Ashery/AI-norms")
    rows = []
    for name, data in _files(path):
        setting = parse_name(name)
        if setting is None:
            continue
        try:
            runs = safe_load(data)
        except (pickle.UnpicklingError, EOFError, ValueError) as error:
            raise UserError(f"{name}: not a readable data pickle ({error})") from None
        runs = {k: v for k, v in runs.items() if isinstance(k, int) and v["tracker"]["outcome"]}
        episodes, theirs, records = [], [], []
        for run in runs.values():
            summary, steps = run_to_trajectory(run, setting)
            n_moves = 2 * len(steps)
            invalid = sum(1 for s in steps for a in s["pairs"][0] if s["act"][a] == -1)
            episodes.append(naming_episode_metrics(summary, steps, n_moves, invalid))
            theirs.append(run["convergence"]["converged_index"] / setting.n_agents)
            records.append((summary, steps, n_moves, invalid))
        if not episodes:
            continue
        spec = NAMING_GAME_BINARY if len(setting.options) == 2 else NAMING_GAME
        scores = spec.aggregate(episodes)
        if log_dir is not None:
            write_log(log_dir, Path(name).name, setting, spec, list(zip(records, episodes,
                                                                         strict=True)))
        rows.append({
            "file": Path(name).name, "model": setting.model, "n_agents": setting.n_agents,
            "options": "/".join(setting.options) if len(setting.options) <= 10 else "A-Z",
            "n_labels": len(setting.options), "memory": setting.memory,
            "network": setting.network, "temperature": setting.temperature,
            "episodes": len(episodes), "citation": CITATION,
            "scores": {k: {"value": v.value, "ci_low": v.ci_low, "ci_high": v.ci_high, "n": v.n}
                       for k, v in scores.items()},
            "published_median_time": float(np.median(theirs)),
        })
    return rows


def task_params(setting: Setting, spec: TaskSpec, n_runs: int) -> dict[str, Any]:
    """The task's parameters with what the file name says (N, W, H); the rest at the task's
    defaults, which are Ashery's protocol (payoffs +100/-50, one random pair per interaction)."""
    params = spec.resolve({"n_agents": setting.n_agents, "memory": setting.memory,
                           "episodes": n_runs})
    if "n_labels" in params:
        params["n_labels"] = len(setting.options)
    if setting.network != "complete":
        raise UserError(f"{setting.network} networks are not a setting of {spec.name}")
    return params


def write_log(log_dir: Path, file_name: str, setting: Setting, spec: TaskSpec,
              runs: list[tuple[tuple[dict[str, Any], list[dict[str, Any]], int, int],
                               dict[str, float]]]) -> Path:
    """One eval log of `spec`'s task holding every run of one published file."""
    from datetime import datetime

    from inspect_ai.log import (
        EvalConfig,
        EvalDataset,
        EvalLog,
        EvalResults,
        EvalSample,
        EvalSpec,
        write_eval_log,
    )
    from inspect_ai.scorer import Score

    from collective_bench import HARNESS_VERSION

    params = task_params(setting, spec, len(runs))
    generation = {**spec.generation.as_config(), "temperature": setting.temperature}
    model = f"ashery2025/{setting.model}"
    created = datetime.now(UTC).isoformat(timespec="seconds")
    samples = []
    for i, ((summary, steps, asked, invalid), values) in enumerate(runs):
        store = {"EpisodeRecord:summary": summary, "EpisodeRecord:steps": steps,
                 "EpisodeRecord:calls": asked, "EpisodeRecord:asked": asked,
                 "EpisodeRecord:invalid": invalid, "EpisodeRecord:complete": True}
        score = Score(value=values, metadata={"calls": asked, "reasks": 0, "invalid": invalid,
                                               "asked": asked, "complete": True, "faults": {}})
        samples.append(EvalSample(
            id=f"run-{i:03d}", epoch=1, input=f"published run {i} of {file_name}", target="",
            metadata={"seed": i, "params": params, "source_file": file_name},
            store=store, scores={"episode_scorer": score}))
    log = EvalLog(
        status="success",
        eval=EvalSpec(
            created=created, task=spec.name, task_version=spec.version, model=model,
            dataset=EvalDataset(name=file_name, samples=len(samples),
                                sample_ids=[sample.id for sample in samples]),
            config=EvalConfig(), task_args={"seed": 0, "episodes": len(samples)},
            metadata={"family": spec.family, "harness_version": HARNESS_VERSION,
                      "params": params, "preset": None,
                      "protocol_source": spec.protocol.source, "task_generation": generation,
                      "imported_from": file_name, "citation": CITATION},
        ),
        results=EvalResults(total_samples=len(samples), completed_samples=len(samples)),
        samples=samples,
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(file_name).stem).strip("-")
    path = log_dir / f"ashery2025_{stem}.eval"
    write_eval_log(log, str(path))
    return path


def render(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'model':<24} {'options':<20} {'N':>4} {'W':>3} {'H':>2} {'runs':>4} "
             f"{'consensus':>9} {'median t (ours)':>16} {'median t (theirs)':>17}"]
    for r in rows:
        t = r["scores"]["time_to_consensus"]["value"]
        lines.append(
            f"{r['model']:<24} {r['options']:<20} {r['n_agents']:>4} {r['n_labels']:>3} "
            f"{r['memory']:>2} {r['episodes']:>4} {r['scores']['consensus']['value']:>9.2f} "
            f"{t:>16.3f} {r['published_median_time']:>17.3f}"
        )
    return "\n".join(lines)
