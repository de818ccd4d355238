"""Tests mirror the packages (tests/leaderboard -> leaderboard).

This file makes `tests` a package so a test folder named like a real package (`leaderboard`,
`collective_bench`) is imported as `tests.<name>` and can never shadow the package it tests.
"""
