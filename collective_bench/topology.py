"""Who meets whom: well-mixed random matching and graphs (networkx), all seeded.

A random perfect matching pairs every agent once per round, so a round's interactions are
independent and can run concurrently. On a graph, a round pairs agents along edges (a random
maximal matching), so interactions still never share an agent.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import networkx as nx

from collective_bench.errors import UserError

GRAPH_KINDS = ("complete", "ring", "small_world", "scale_free", "blocks")


def random_perfect_matching(agents: Sequence[int], rng: random.Random) -> list[tuple[int, int]]:
    """Pairs covering every agent once (the agent count must be even)."""
    if len(agents) % 2:
        raise UserError(f"a perfect matching needs an even number of agents, got {len(agents)}")
    order = list(agents)
    rng.shuffle(order)
    return [(order[i], order[i + 1]) for i in range(0, len(order), 2)]


def make_graph(kind: str, n: int, seed: int, degree: int = 4, p: float = 0.1) -> nx.Graph:
    """A named topology over nodes 0..n-1; unknown kinds fail with the list of known ones."""
    if kind == "complete":
        return nx.complete_graph(n)
    if kind == "ring":
        return nx.watts_strogatz_graph(n, degree, 0.0, seed=seed)
    if kind == "small_world":
        return nx.connected_watts_strogatz_graph(n, degree, p, seed=seed)
    if kind == "scale_free":
        return nx.barabasi_albert_graph(n, max(1, degree // 2), seed=seed)
    if kind == "blocks":
        half = n // 2
        sizes = [half, n - half]
        p_in, p_out = min(1.0, 2 * degree / max(1, n)), min(1.0, degree / max(1, 4 * n))
        return nx.stochastic_block_model(sizes, [[p_in, p_out], [p_out, p_in]], seed=seed)
    raise UserError(f"unknown topology {kind!r}; choose one of {', '.join(GRAPH_KINDS)}")


def graph_matching(graph: nx.Graph, rng: random.Random) -> list[tuple[int, int]]:
    """A random maximal matching along the graph's edges (greedy over shuffled edges)."""
    edges = sorted((min(u, v), max(u, v)) for u, v in graph.edges())
    rng.shuffle(edges)
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for u, v in edges:
        if u not in used and v not in used:
            used.update((u, v))
            pairs.append((u, v) if rng.random() < 0.5 else (v, u))
    return pairs
