"""The static leaderboard: results-schema rows -> a citable static site (see build.py, README.md).

It reads schema rows only, never inspect logs, so the site shows exactly what `cbench scores`
reports and can be rebuilt anywhere from a results file.
"""
