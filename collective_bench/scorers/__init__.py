"""Metric math (pure functions over arrays; imports nothing of ours) and thin inspect wrappers."""
