"""The static leaderboard: results-schema rows -> a citable static site (see build.py, README.md).

Scores come from results-schema rows only, so the site shows exactly what `cbench scores`
reports; the dynamics plots and episode pages come from the logs' step records, read in one
place (`episodes.py`) with the per-episode series of `collective_bench/scorers/dynamics.py`.
"""
