"""The static leaderboard: results-schema rows -> one self-contained HTML page (see build.py).

It reads schema rows only, never inspect logs, so the page shows exactly what `cbench scores`
reports and can be rebuilt anywhere from a results file.
"""
