"""Rules of the conformity task (after Asch 1956 and BenchForm, Weng et al. 2025).

An agent answers a multiple-choice question with an objective answer after seeing k earlier
answers from peers. Each question is first answered alone (k = 0), then under each condition:
peers unanimously wrong (all give the same plausible wrong option), unanimously right, or split
(ceil(k/2) wrong, the rest right; k >= 2). Two peer modes:

- ``scripted`` (default): the peers are scripted background agents whose answers the rules fix
  (``fixed_actions``); several subjects answer each trial independently, in parallel.
- ``model``: an all-LLM group. Everyone first answers alone; then, in a seeded order, each member
  answers after seeing the answers given before it (the first member's is its alone answer).
  The condition of a position is read off the answers the member actually saw.

An invalid answer (None) names no option: it is counted and the trial is left out of the rates.
The observation carries a salted digest of the correct letter (`check`, salted with the
episode's `form` code) so that scripted reference agents can play an informed subject. Both are
private fields of the adapter: the prompt never holds them nor anything derived from them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from typing import Any

from collective_bench.benchmarks.values.bank import Question, questions
from collective_bench.benchmarks.values.drift_game import form_code
from collective_bench.errors import UserError
from collective_bench.game import Action, StepResult
from collective_bench.seeds import rng_for

TASK_NAME = "quiz"
LETTERS = "ABCDEFGH"
ALONE, WRONG, RIGHT, SPLIT, MIXED = "alone", "wrong", "right", "split", "incomplete"
PEER_MODES = ("scripted", "model")


def digest(form: str, question_id: str, letter: str) -> str:
    """The salted check value of a letter (scripted agents find the correct one by trying)."""
    return hashlib.sha256(f"{form}:{question_id}:{letter}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class QuizParams:
    n_subjects: int = 4
    n_questions: int = 10
    ks: tuple[int, ...] = (1, 3, 5)
    peers: str = "scripted"
    n_focal: int | None = None
    n_agents: int = 0
    """Derived: subjects plus peer slots (scripted) or the group size (model)."""

    def __post_init__(self) -> None:
        ks = tuple(sorted(set(int(k) for k in self.ks)))
        if not ks or ks[0] < 1:
            raise UserError(f"ks must be whole numbers >= 1 (k = 0 is always run), got {self.ks}")
        object.__setattr__(self, "ks", ks)
        if self.peers not in PEER_MODES:
            raise UserError(f"peers must be one of {', '.join(PEER_MODES)}, got {self.peers!r}")
        if self.n_subjects < 1:
            raise UserError(f"n_subjects must be at least 1, got {self.n_subjects}")
        if not 1 <= self.n_questions <= len(questions()):
            raise UserError(f"n_questions must be between 1 and {len(questions())}, "
                            f"got {self.n_questions}")
        size = self.n_subjects + ks[-1] if self.peers == "scripted" else ks[-1] + 1
        object.__setattr__(self, "n_agents", size)


@dataclass
class QuizState:
    step: int
    seed: int
    form: str
    question_ids: tuple[int, ...]
    alone: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Per question index: each agent's alone answer (option position, -1 invalid)."""
    chain: tuple[int, ...] = ()
    """Model mode: answers given so far in this question's chain (option positions)."""


@dataclass(frozen=True)
class Trial:
    question: int
    cond: str
    k: int


def peer_answers(cond: str, k: int, correct: int, lure: int, rng: Any) -> list[int]:
    """Scripted peers' answers (option positions) for one condition."""
    if cond == WRONG:
        return [lure] * k
    if cond == RIGHT:
        return [correct] * k
    wrong = math.ceil(k / 2)
    out = [lure] * wrong + [correct] * (k - wrong)
    rng.shuffle(out)
    return out


def condition_of(seen: list[int], correct: int) -> tuple[str, int]:
    """The condition a sequence of earlier answers makes, and the unanimous wrong option."""
    if any(a < 0 for a in seen):
        return MIXED, -1
    if all(a == correct for a in seen):
        return RIGHT, -1
    if len(set(seen)) == 1:
        return WRONG, seen[0]
    return SPLIT, -1


@dataclass(frozen=True)
class QuizGame:
    """The Game (see collective_bench.game.Game) of the conformity task."""

    params: QuizParams
    name: str = TASK_NAME

    def trials(self) -> list[Trial]:
        """The steps of an episode, question by question, the alone trial first."""
        p = self.params
        out: list[Trial] = []
        for q in range(p.n_questions):
            out.append(Trial(q, ALONE, 0))
            if p.peers == "model":
                out += [Trial(q, "", pos) for pos in range(1, p.ks[-1] + 1)]
                continue
            out += [Trial(q, c, k) for k in p.ks for c in (WRONG, RIGHT)]
            out += [Trial(q, SPLIT, k) for k in p.ks if k >= 2]
        return out

    def initial_state(self, seed: int) -> QuizState:
        picked = rng_for("questions", seed).sample(range(len(questions())), self.params.n_questions)
        return QuizState(step=0, seed=seed, form=form_code(seed), question_ids=tuple(picked))

    def _question(self, state: QuizState, q: int) -> tuple[Question, list[int]]:
        """The question and its display order (position -> index in the bank's options)."""
        question = questions()[state.question_ids[q]]
        order = list(range(len(question.options)))
        rng_for("options", state.seed, q).shuffle(order)
        return question, order

    def _positions(self, state: QuizState, q: int) -> tuple[int, int]:
        question, order = self._question(state, q)
        return order.index(question.answer), order.index(question.lure)

    def _order(self, state: QuizState, q: int) -> list[int]:
        """Model mode: who answers at each chain position for question q."""
        order = list(range(self.params.n_agents))
        rng_for("chain", state.seed, q).shuffle(order)
        return order

    def _trial(self, state: QuizState) -> Trial:
        return self.trials()[state.step]

    def _seen(self, state: QuizState) -> list[int]:
        """The earlier answers the subject(s) of this step see (option positions)."""
        t = self._trial(state)
        if t.cond == ALONE:
            return []
        if self.params.peers == "model":
            return list(state.chain)
        correct, lure = self._positions(state, t.question)
        return peer_answers(t.cond, t.k, correct, lure, rng_for("peers", state.seed, state.step))

    def acting_agents(self, state: QuizState) -> list[int]:
        t = self._trial(state)
        if self.params.peers == "model":
            if t.cond == ALONE:
                return list(range(self.params.n_agents))
            return [self._order(state, t.question)[t.k]]
        return list(range(self.params.n_subjects))

    def fixed_actions(self, state: QuizState) -> dict[int, Action]:
        if self.params.peers == "model":
            return {}
        first = self.params.n_subjects
        return {first + i: LETTERS[a] for i, a in enumerate(self._seen(state))}

    def observe(self, state: QuizState, agent: int) -> dict[str, Any]:
        t = self._trial(state)
        question, order = self._question(state, t.question)
        correct, _ = self._positions(state, t.question)
        return {
            "task": self.name, "agent": agent, "form": state.form, "question_id": question.id,
            "question": {"text": question.text,
                         "options": {LETTERS[i]: question.options[j] for i, j in enumerate(order)}},
            # an earlier invalid answer (model mode) is not shown; the trial is left out of rates
            "earlier": [LETTERS[a] for a in self._seen(state) if a >= 0],
            "check": digest(state.form, question.id, LETTERS[correct]),
        }

    def _read(self, action: Action, n_options: int) -> int:
        if isinstance(action, str) and action in LETTERS[:n_options]:
            return LETTERS.index(action)
        return -1

    def step(self, state: QuizState, actions: dict[int, Action]) -> StepResult[QuizState]:
        t = self._trial(state)
        question, _ = self._question(state, t.question)
        correct, _ = self._positions(state, t.question)
        subjects = self.acting_agents(state)
        answers = [self._read(actions.get(a), len(question.options)) for a in subjects]
        seen = self._seen(state)
        alone = dict(state.alone)
        chain = state.chain
        if t.cond == ALONE:
            alone[t.question] = tuple(answers)
            cond, majority = ALONE, -1
            if self.params.peers == "model":
                chain = (answers[self._order(state, t.question)[0]],)
        else:
            cond, majority = condition_of(seen, correct)
            if self.params.peers == "model":
                chain = chain + (answers[0],)
        record = {
            "q": question.id, "cond": cond, "k": t.k, "correct": correct, "majority": majority,
            "subjects": subjects, "answers": answers,
            "alone": [alone[t.question][a] for a in subjects],
        }
        new = replace(state, step=state.step + 1, alone=alone, chain=chain)
        return StepResult(new, record)

    def max_decisions(self) -> int:
        """Each trial asks every subject (or every agent alone, one agent otherwise)."""
        p = self.params
        width = p.n_agents if p.peers == "model" else p.n_subjects
        return len(self.trials()) * width

    def is_over(self, state: QuizState) -> bool:
        return state.step >= len(self.trials())

    def summary(self, state: QuizState) -> dict[str, Any]:
        p = self.params
        return {"peers": p.peers, "ks": list(p.ks), "n_subjects": p.n_subjects,
                "n_questions": p.n_questions,
                "questions": [questions()[i].id for i in state.question_ids]}
