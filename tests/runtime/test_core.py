"""Runtime core: seeds, topology, population, the observation block and answer parsing."""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx
import pytest

from collective_bench.benchmarks.conventions.adapter import format_answer, parse_answer
from collective_bench.benchmarks.conventions.game import NamingGame, NamingParams
from collective_bench.benchmarks.conventions.prompts import render_prompt
from collective_bench.driver_inspect import ParseError
from collective_bench.errors import UserError
from collective_bench.observation import observation_from_metadata, observation_of, wire_messages
from collective_bench.population import BACKGROUND, FOCAL, build_population
from collective_bench.seeds import derive_seed, episode_seeds, np_rng_for, rng_for
from collective_bench.testing import assert_prose_only
from collective_bench.topology import (
    GRAPH_KINDS,
    graph_matching,
    make_graph,
    random_perfect_matching,
)

# --- seeds -------------------------------------------------------------------------------


def test_derive_seed_is_stable_and_63_bit() -> None:
    seeds = [derive_seed("pairs", s, r) for s in range(20) for r in range(20)]
    assert len(set(seeds)) == 400
    assert all(0 <= s < 2**63 for s in seeds)
    assert derive_seed("a", 1) == derive_seed("a", 1)
    assert derive_seed("a", 1) != derive_seed(1, "a")  # order matters
    assert derive_seed(1, 23) != derive_seed(12, 3)  # keys are separated, not concatenated


def test_generators_from_the_same_keys_agree() -> None:
    assert [rng_for("x", 3).random() for _ in range(3)] == [rng_for("x", 3).random()] * 3
    a, b = rng_for("x", 3), rng_for("x", 3)
    assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
    assert rng_for("x", 3).random() != rng_for("x", 4).random()
    assert (np_rng_for("y", 1).random(4) == np_rng_for("y", 1).random(4)).all()


def test_episode_seeds() -> None:
    five = episode_seeds(0, 5)
    assert len(five) == len(set(five)) == 5
    assert episode_seeds(0, 3) == five[:3]  # a longer run extends, never reshuffles
    assert episode_seeds(1, 5) != five
    assert episode_seeds(0, 0) == []


# --- topology ----------------------------------------------------------------------------


@pytest.mark.parametrize("agents", [list(range(24)), [7, 3, 11, 40, 2, 5], [0, 1]])
def test_random_perfect_matching_covers_every_agent_once(agents: list[int]) -> None:
    pairs = random_perfect_matching(agents, random.Random(5))
    assert len(pairs) == len(agents) // 2
    flat = [a for pair in pairs for a in pair]
    assert sorted(flat) == sorted(agents)
    assert all(a != b for a, b in pairs)


def test_random_perfect_matching_is_seeded_and_random() -> None:
    agents = range(24)
    assert random_perfect_matching(agents, random.Random(1)) == random_perfect_matching(
        agents, random.Random(1)
    )
    draws = {tuple(random_perfect_matching(agents, random.Random(s))) for s in range(20)}
    assert len(draws) == 20
    # Over many draws every agent meets many different partners.
    partners: Counter[int] = Counter()
    for s in range(200):
        for a, b in random_perfect_matching(agents, random.Random(s)):
            if 0 in (a, b):
                partners[b if a == 0 else a] += 1
    assert set(partners) == set(range(1, 24))


def test_random_perfect_matching_refuses_an_odd_population() -> None:
    with pytest.raises(UserError, match="even number"):
        random_perfect_matching(range(5), random.Random(0))


@pytest.mark.parametrize("kind", GRAPH_KINDS)
def test_graph_matching_is_a_maximal_matching_along_edges(kind: str) -> None:
    graph = make_graph(kind, 40, seed=3)
    assert set(graph.nodes) == set(range(40))
    pairs = graph_matching(graph, random.Random(2))
    flat = [a for pair in pairs for a in pair]
    assert len(flat) == len(set(flat))  # no agent twice
    assert all(graph.has_edge(a, b) for a, b in pairs)
    used = set(flat)
    assert not [(u, v) for u, v in graph.edges if u not in used and v not in used]  # maximal
    assert pairs == graph_matching(graph, random.Random(2))


def test_graph_matching_on_a_complete_graph_is_perfect() -> None:
    pairs = graph_matching(nx.complete_graph(10), random.Random(0))
    assert sorted(a for p in pairs for a in p) == list(range(10))


def test_ring_is_a_regular_lattice() -> None:
    graph = make_graph("ring", 12, seed=0, degree=4)
    assert all(d == 4 for _, d in graph.degree)
    assert graph.has_edge(0, 1) and graph.has_edge(0, 2) and not graph.has_edge(0, 3)


def test_unknown_topology_names_the_known_ones() -> None:
    with pytest.raises(UserError, match="small_world"):
        make_graph("torus", 10, seed=0)


# --- population --------------------------------------------------------------------------


def test_population_roles() -> None:
    pop = build_population(10, n_focal=3, rng=random.Random(4))
    assert pop.size == 10
    assert [a.id for a in pop.agents] == list(range(10))
    roles = Counter(pop.role_of(i) for i in range(10))
    assert roles == {FOCAL: 3, BACKGROUND: 7}
    same = build_population(10, n_focal=3, rng=random.Random(4))
    assert same == pop
    placements = {
        tuple(a.role for a in build_population(10, 3, random.Random(s)).agents)
        for s in range(10)
    }
    assert len(placements) > 1  # focal agents are placed at random


def test_population_all_focal_or_none() -> None:
    everyone = build_population(6, n_focal=None, rng=random.Random(0))
    assert {a.role for a in everyone.agents} == {FOCAL}
    nobody = build_population(6, n_focal=0, rng=random.Random(0))
    assert {a.role for a in nobody.agents} == {BACKGROUND}


@pytest.mark.parametrize(("n_agents", "n_focal"), [(1, None), (4, 5), (4, -1)])
def test_population_bad_input(n_agents: int, n_focal: int | None) -> None:
    with pytest.raises(UserError):
        build_population(n_agents, n_focal, random.Random(0))


def test_focal_agents_come_only_from_the_agents_a_model_plays() -> None:
    # agents 0 and 1 are scripted (e.g. committed): they can never be the model under test
    for seed in range(20):
        pop = build_population(6, 2, random.Random(seed), eligible=[2, 3, 4, 5])
        focal = {a.id for a in pop.agents if a.role == FOCAL}
        assert len(focal) == 2 and focal <= {2, 3, 4, 5}
    with pytest.raises(UserError, match="between 0 and 4"):
        build_population(6, 5, random.Random(0), eligible=[2, 3, 4, 5])


# --- observation block -------------------------------------------------------------------


OBS = {
    "task": "naming_game",
    "agent": 3,
    "labels": ["qhzt", "abcd"],
    "memory": [{"you": None, "partner": "abcd", "payoff": -50}],
    "note": "ünïcode, a } brace and\na newline ```",
}


def test_wire_messages_drop_the_observation() -> None:
    chat = [{"role": "system", "content": "rules"},
            {"role": "user", "content": "Round 1.", "observation": OBS}]
    assert observation_of(chat) == OBS
    wire = wire_messages(chat)
    assert wire == [{"role": "system", "content": "rules"}, {"role": "user", "content": "Round 1."}]
    assert observation_of(wire) is None
    assert observation_from_metadata({"observation": OBS}) == OBS
    assert observation_from_metadata(None) is None


def test_naming_prompt_is_prose_without_the_observation() -> None:
    game = NamingGame(NamingParams(n_agents=4, n_labels=3))
    state = game.initial_state(9)
    obs = game.observe(state, 2)
    prompt = render_prompt(obs)
    assert_prose_only(prompt)
    assert all(label in prompt for label in state.labels)


# --- answer parsing ----------------------------------------------------------------------


LABELS = {"labels": ["qhzt", "abcd", "mnop"]}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ANSWER: abcd", "abcd"),
        ("I will coordinate.\nANSWER: mnop", "mnop"),
        ("answer:qhzt", "qhzt"),
        ("ANSWER: ABCD.", "abcd"),
        ("**ANSWER:** abcd", "abcd"),
        ("ANSWER: [mnop]", "mnop"),
        ("ANSWER: <mnop>", "mnop"),  # the prompt's own template is ANSWER: <name>
        ('ANSWER: "abcd"', "abcd"),
        ("ANSWER: `qhzt`", "qhzt"),
        ("abcd", "abcd"),  # a bare label as the whole reply
        ("  `Qhzt`.\n", "qhzt"),
        ("ANSWER: abcd\nANSWER: ABCD", "abcd"),  # the same answer twice
        ("<abcd>", "abcd"),
        ("<answer>TFSZ</answer>".replace("TFSZ", "Mnop"), "mnop"),
        ("I'll go with **qhzt**.", "qhzt"),
        ("My choice: [abcd]", "abcd"),
        ("{'value': mnop; 'reason': my partners chose it}", "mnop"),  # Ashery et al.'s format
    ],
)
def test_parse_valid_answers(text: str, label: str) -> None:
    assert parse_answer(text, LABELS) == label


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ANSWER: zzzz", "'zzzz' is not one of the names"),
        ("ANSWER: abcde", "is not one of the names"),  # a prefix of a word is not a match
        ("ANSWER: <name>", "'name' is not one of the names"),  # the template echoed back
        ("ANSWER: abcd\nANSWER: zzzz", "two different answers"),
        ("ANSWER: qhzt\nOn reflection, ANSWER: abcd", "two different answers"),
        ("**qhzt** or **abcd**", "two different names"),
        ("I pick abcd", "no line of the form ANSWER"),
        ("", "no line of the form ANSWER"),
    ],
)
def test_parse_invalid_answers(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_answer(text, LABELS)


def test_format_answer_parses_back() -> None:
    for label in LABELS["labels"]:
        assert parse_answer(format_answer(label), LABELS) == label
