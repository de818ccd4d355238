"""Tests of the static leaderboard builder."""
