"""`cbench import ashery2025`: published runs read safely and scored by our scorers."""

from __future__ import annotations

import os
import pickle
import random
import zipfile

import numpy as np
import pytest

from collective_bench.benchmarks.conventions.ashery_import import (
    SafeUnpickler,
    import_runs,
    parse_name,
    safe_load,
)
from collective_bench.cli import main
from collective_bench.errors import UserError

NAME = "llama3_70b_converged_baseline_Q_M_-50_100_5mem_complete_4ps_0.5tmp.pkl"


def _run(n: int, failures: int, seed: int) -> dict:
    """A run in their format: `failures` mixed interactions, then 3N successes on 'M'."""
    rng = random.Random(seed)
    players, answers, outcome = [], [], []
    for i in range(failures + 3 * n):
        a = rng.randrange(n) + 1
        b = rng.choice([p for p in range(1, n + 1) if p != a])
        pair = ["Q", "M"] if i < failures else ["M", "M"]
        players.append([a, b])
        answers.append(pair)
        outcome.append(int(pair[0] == pair[1]))
    return {"simulation": {}, "tracker": {"players": players, "answers": answers,
                                          "outcome": outcome},
            "convergence": {"converged_index": len(outcome), "committed_to": None}}


def _data(n: int = 4) -> dict:
    return {k: _run(n, 3 + 5 * k, k) for k in range(5)} | {"rules": "..."}


def test_published_runs_are_scored_with_our_median(tmp_path) -> None:
    (tmp_path / NAME).write_bytes(pickle.dumps(_data(), protocol=4))
    (tmp_path / "llama3_meta_prompting.pkl").write_bytes(pickle.dumps({}))  # not a baseline
    [row] = import_runs(tmp_path)
    assert (row["model"], row["n_agents"], row["n_labels"], row["memory"]) == (
        "Llama-3-70B-Instruct", 4, 2, 5)
    assert row["episodes"] == 5 and row["scores"]["consensus"]["value"] == 1.0
    # runs end at 3 + 5k failures + 12 successes: (15, 20, 25, 30, 35) / 4, median 25 / 4
    assert row["scores"]["time_to_consensus"]["value"] == 25 / 4
    assert row["published_median_time"] == float(np.median([15, 20, 25, 30, 35])) / 4
    # label 'M' (index 1) won everywhere
    assert row["scores"]["collective_bias"]["value"] == 0.5


def test_a_zip_is_read_in_memory(tmp_path) -> None:
    archive = tmp_path / "llama3_data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"llama3_data/{NAME}", pickle.dumps(_data(), protocol=4))
    assert [r["file"] for r in import_runs(archive)] == [NAME]
    assert not (tmp_path / "llama3_data").exists()


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path) -> None:
    payload = pickle.dumps({0: _Exploit()})
    with pytest.raises(pickle.UnpicklingError, match="refused global"):
        safe_load(payload)
    (tmp_path / NAME).write_bytes(payload)
    with pytest.raises(UserError, match="not a readable data pickle"):
        import_runs(tmp_path)
    assert SafeUnpickler.find_class  # the override is what load() consults


def test_numpy_scalars_are_allowed() -> None:
    assert safe_load(pickle.dumps({"x": np.float64(2.5), "k": np.int64(3)})) == {"x": 2.5, "k": 3}


def test_file_names_and_bad_paths(tmp_path, capsys) -> None:
    setting = parse_name(
        "claude_converged_baseline_Q_M_X_Y_F_J_P_R_C_D_-50_100_5mem_complete_24ps_0.5tmp.pkl")
    assert setting is not None and len(setting.options) == 10 and setting.n_agents == 24
    assert parse_name("claude_swap_0_4cmtd_M_Q_-50_100_5mem_complete_24ps_0.5tmp.pkl") is None
    assert main(["import", "ashery2025", str(tmp_path / "missing.zip")]) == 2
    assert "does not exist" in capsys.readouterr().err


W10 = "claude_converged_baseline_Q_M_X_Y_F_J_P_R_C_D_-50_100_5mem_complete_24ps_0.5tmp.pkl"


def _run_w10(seed: int) -> dict:
    """A 24-agent run on ten labels: a few mixed interactions, then 3N successes on 'Q'."""
    rng = random.Random(seed)
    labels = W10.split("_baseline_")[1].split("_-50")[0].split("_")
    players, answers, outcome = [], [], []
    for i in range(10 + seed + 72):
        a = rng.randrange(24) + 1
        b = rng.choice([p for p in range(1, 25) if p != a])
        pair = [rng.choice(labels), rng.choice(labels)] if i < 10 + seed else ["Q", "Q"]
        players.append([a, b])
        answers.append(pair)
        outcome.append(int(pair[0] == pair[1]))
    return {"tracker": {"players": players, "answers": answers, "outcome": outcome},
            "convergence": {"converged_index": len(outcome)}}


def test_imported_runs_become_logs_our_rows_and_site_read(tmp_path) -> None:
    """`--log-dir`: one eval log per file, read by the results path like our own runs; the
    published N=24, H=5 setting lands in the naming game's default-protocol group, and every
    row names its source."""
    from collective_bench.benchmarks.conventions.ashery_import import CITATION
    from collective_bench.benchmarks.conventions.spec import NAMING_GAME
    from collective_bench.results import rows_from_dir
    from collective_bench.spec import protocol_digest

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / W10).write_bytes(pickle.dumps({k: _run_w10(k) for k in range(4)}))
    logs = tmp_path / "logs"
    assert main(["import", "ashery2025", str(tmp_path / "data"), "--log-dir", str(logs)]) == 0
    [row] = import_runs(tmp_path / "data")
    rows = {r.metric: r for r in rows_from_dir(logs, lambda task: NAMING_GAME.aggregate)}
    assert rows["time_to_consensus"].value == row["scores"]["time_to_consensus"]["value"]
    assert rows["consensus"].value == 1.0 and rows["consensus"].n_episodes == 4
    first = rows["consensus"]
    assert (first.model, first.task, first.source) == (
        "ashery2025/Claude-3.5-Sonnet", "naming_game", CITATION)
    default = protocol_digest("naming_game", NAMING_GAME.version, NAMING_GAME.defaults(),
                              NAMING_GAME.generation.as_config(), {})
    assert first.protocol == default and first.invalid_rate == 0.0
