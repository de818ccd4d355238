"""Wall time of `make run`'s suite (`cbench run --preset quick`) in a scratch directory."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "collective_bench.cli", "run", "--preset", "quick",
             "--log-dir", tmp, "--display", "none"],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - start
        logs = len(list(Path(tmp).glob("*.eval")))
    print(f"default suite: {logs} logs in {elapsed:.1f} s (target < 120 s)")


if __name__ == "__main__":
    main()
