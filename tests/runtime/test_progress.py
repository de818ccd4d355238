"""The progress line's denominator is the whole command's episodes from the first line on, and a
resumed run counts what its log dir already holds."""

from __future__ import annotations

import re

from collective_bench.cli import main

SMALL = ["-T", "n_agents=4", "-T", "max_rounds=2", "--episodes", "1", "--model",
         "reference/random", "--display", "plain"]


def _episodes(err: str) -> list[tuple[int, int]]:
    return [(int(done), int(planned)) for done, planned in
            re.findall(r"\[progress\] reference/random: (\d+)/(\d+) episodes", err)]


def test_a_resumed_sweep_counts_finished_episodes_against_a_fixed_total(tmp_path, capsys):
    logs = str(tmp_path)
    assert main(["run", "--task", "naming_game", "--log-dir", logs, *SMALL]) == 0
    assert _episodes(capsys.readouterr().err)[-1] == (1, 1)
    # the same log dir with a second task: naming_game is already done and is not played again
    assert main(["run", "--task", "naming_game", "--task", "naming_game_binary",
                 "--log-dir", logs, *SMALL]) == 0
    seen = _episodes(capsys.readouterr().err)
    assert seen and {planned for _done, planned in seen} == {2}
    assert seen[0][0] >= 1 and seen[-1] == (2, 2)
