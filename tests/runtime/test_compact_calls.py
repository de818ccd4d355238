"""Compact transcripts: the same episode, the same usage, without per-call ModelEvents."""

from __future__ import annotations

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from collective_bench.benchmarks.conventions.tasks import naming_game
from collective_bench.compact import TRANSCRIPT_ENV, transcript_mode
from collective_bench.errors import UserError

TASK = dict(n_agents=8, max_rounds=6, episodes=2)


def run(tmp_path, monkeypatch, mode: str, token_limit: int | None = None, **kwargs):
    monkeypatch.setenv(TRANSCRIPT_ENV, mode)
    return eval(naming_game(**TASK, **kwargs), model="reference/textbook", display="none",
                log_dir=str(tmp_path / mode), token_limit=token_limit)[0]


def records(log):
    return [(s.store["EpisodeRecord:steps"], s.store["EpisodeRecord:summary"])
            for s in sorted(log.samples, key=lambda s: s.id)]


def model_events(log) -> int:
    return sum(1 for s in log.samples for e in s.events if e.event == "model")


def test_compact_plays_the_same_episode_with_the_same_usage(tmp_path, monkeypatch):
    full = run(tmp_path, monkeypatch, "full")
    compact = run(tmp_path, monkeypatch, "compact")
    assert full.status == compact.status == "success"
    assert records(compact) == records(full)
    assert compact.results.scores[0].metrics == full.results.scores[0].metrics
    # tokens still reach the eval's stats (and so results rows, limits and progress)
    usage, full_usage = (log.stats.model_usage["reference/textbook"] for log in (compact, full))
    assert usage.input_tokens == full_usage.input_tokens > 0
    assert usage.output_tokens == full_usage.output_tokens > 0
    assert usage.total_cost == 0.0
    # per sample too
    for c, f in zip(sorted(compact.samples, key=lambda s: s.id),
                    sorted(full.samples, key=lambda s: s.id), strict=True):
        assert c.model_usage["reference/textbook"].input_tokens == \
            f.model_usage["reference/textbook"].input_tokens
    calls = sum(s.store["EpisodeRecord:calls"] for s in full.samples)
    assert model_events(full) == calls
    assert model_events(compact) == 0
    assert {s.store["EpisodeRecord:transcript"] for s in compact.samples} == {"compact"}
    assert {s.store["EpisodeRecord:transcript"] for s in full.samples} == {"full"}


def test_a_cached_run_keeps_the_full_transcript(tmp_path, monkeypatch):
    log = run(tmp_path, monkeypatch, "compact", cache=True)
    assert model_events(log) > 0
    assert {s.store["EpisodeRecord:transcript"] for s in log.samples} == {"full"}


def test_models_without_a_lean_client_keep_the_full_path(tmp_path, monkeypatch):
    from collective_bench.testing import scripted_model

    monkeypatch.setenv(TRANSCRIPT_ENV, "compact")
    model = scripted_model(lambda obs, turns: "maybe" if turns == 1 else "nonsense")
    log = eval(naming_game(n_agents=4, max_rounds=2, episodes=1), model=model,
               display="none", log_dir=str(tmp_path))[0]
    assert log.status == "success"
    # 2 population rounds = 8 interactions of 2 agents; every move asked 1 + 5 times
    assert model_events(log) == 8 * 2 * 6
    assert log.samples[0].store["EpisodeRecord:transcript"] == "full"


def test_unknown_transcript_mode_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv(TRANSCRIPT_ENV, "verbose")
    with pytest.raises(UserError, match="not a transcript mode; use full or compact"):
        transcript_mode()
    # before any episode runs: building the task already refuses it
    with pytest.raises(UserError, match="CBENCH_TRANSCRIPT='verbose'"):
        naming_game(**TASK)


def test_compact_calls_hold_the_models_connection_slots(tmp_path, monkeypatch):
    """The compact path waits on inspect's own per-model semaphore, sized by max_connections and
    shared by every episode of the model."""
    import asyncio

    from collective_bench.compact import CompactCaller

    model = get_model("reference/textbook", memoize=False)
    reference = model.api.compact_client()
    in_flight = peak = 0

    class SlowClient:
        async def complete(self, messages, config):
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.01)
            in_flight -= 1
            return await reference.complete(messages, config)

        async def aclose(self):
            return None

    async def main():
        from inspect_ai.model import GenerateConfig
        from inspect_ai.model._generate_config import set_active_generate_config

        set_active_generate_config(GenerateConfig(max_connections=3))
        episodes = [await CompactCaller.open(model, SlowClient()) for _ in range(2)]
        await asyncio.gather(*(caller.generate([{"role": "user", "content": "hi"}])
                               for caller in episodes for _ in range(12)))

    asyncio.run(main())
    assert peak == 3


@pytest.mark.parametrize("mode", ["full", "compact"])
def test_a_token_limit_stops_the_episode_and_leaves_it_unscored(tmp_path, monkeypatch, mode):
    """Compact mode records usage once per round, so it notices a limit at the end of the round
    that crosses it; either way the episode ends, marked incomplete, with undefined values."""
    unlimited = run(tmp_path / "all", monkeypatch, mode)
    total = unlimited.samples[0].model_usage["reference/textbook"].total_tokens
    per_round = total / len(unlimited.samples[0].store["EpisodeRecord:steps"])
    limit = int(total / 3)
    log = run(tmp_path, monkeypatch, mode, token_limit=limit)
    assert log.status == "success"
    for sample in log.samples:
        assert sample.error is None
        assert sample.limit is not None and sample.limit.type == "token"
        used = sample.model_usage["reference/textbook"].total_tokens
        # at most one round past the limit; a late round (full memory) costs more than the
        # average round, so the bound allows twice the average (unlimited would use 3x limit)
        assert limit <= used <= limit + 2 * per_round
        score = sample.scores["episode_scorer"]
        assert score.metadata["complete"] is False
        assert score.value and all(v is None for v in score.value.values())
        assert len(sample.store["EpisodeRecord:steps"]) < len(
            unlimited.samples[0].store["EpisodeRecord:steps"])
    assert all(s.scores["episode_scorer"].metadata["complete"] is True
               for s in unlimited.samples)
