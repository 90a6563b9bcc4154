"""The stream engine: order, counts, shutdown draining, pool policies, failing subscribers.

A counting source writes each sample's stream index (int64), so every test can check exactly
which samples reached the subscribers and which were counted lost.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from daqcore.acquisition.stream import (
    BlockFiller,
    PollResult,
    PoolExhaustedError,
    StreamEngine,
    StreamError,
)
from daqcore.data.records import BlockRecord, RunStart, RunStop


class CountingSource:
    """Channel ``x`` holds the stream index, channel ``y`` its negative; gaps on request."""

    def __init__(self, per_poll: int = 1000, gaps: dict[int, int] | None = None,
                 fail_start: bool = False) -> None:
        self.per_poll = per_poll
        self.gaps = dict(gaps or {})  # poll number -> samples never acquired before it
        self.fail_start = fail_start
        self.next = 0
        self.polls = 0
        self.stopped = 0

    channels = ("x", "y")
    dtype = np.dtype(np.int64)

    def start(self) -> dict[str, Any]:
        if self.fail_start:
            raise OSError("no device")
        return {"sample_interval": 1e-6}

    def poll(self, filler: BlockFiller) -> PollResult:
        gap = self.gaps.pop(self.polls, 0)
        self.polls += 1
        if gap:
            filler.note_gap(gap)
            self.next += gap
        idx = np.arange(self.next, self.next + self.per_poll, dtype=np.int64)
        taken = filler.write([idx, -idx])
        self.next += taken
        return PollResult(taken, stalled=bool(gap))

    def stop(self) -> None:
        self.stopped += 1


class Recorder:
    def __init__(self, delay: float = 0.0, fail_at_block: int | None = None) -> None:
        self.records: list[Any] = []
        self.data: list[np.ndarray] = []
        self.delay = delay
        self.fail_at_block = fail_at_block
        self.closed = 0

    def __call__(self, record: Any) -> None:
        if isinstance(record, BlockRecord):
            if self.fail_at_block is not None and len(self.data) == self.fail_at_block:
                raise OSError("disk full")
            assert not record.channels["x"].flags.writeable
            np.testing.assert_array_equal(record.channels["y"], -record.channels["x"])
            self.data.append(record.channels["x"].copy())
            time.sleep(self.delay)
        self.records.append(record)

    def close(self) -> None:
        self.closed += 1

    @property
    def blocks(self) -> list[BlockRecord]:
        return [r for r in self.records if isinstance(r, BlockRecord)]

    @property
    def stop(self) -> RunStop:
        assert isinstance(self.records[-1], RunStop)
        return self.records[-1]



def test_every_sample_in_order_partial_buffer_written() -> None:
    source, rec = CountingSource(per_poll=700), Recorder()
    engine = StreamEngine(source, [rec], block_samples=1000, n_buffers=16, poll_interval=0,
                          max_samples=10_500)
    result = engine.run()
    assert result.status == "finished"
    assert isinstance(rec.records[0], RunStart)
    assert rec.records[0].plan["channels"] == ("x", "y")
    np.testing.assert_array_equal(np.concatenate(rec.data), np.arange(10_500))
    assert [b.n_samples for b in rec.blocks] == [1000] * 10 + [500]  # partial block written
    assert [b.first_sample for b in rec.blocks] == list(range(0, 10_001, 1000))
    c = result.counts
    assert (c.produced, c.written, c.lost) == (10_500, 10_500, 0)
    assert rec.stop.counts["n_written"] == 10_500 and rec.stop.status == "finished"
    assert rec.closed == 1 and source.stopped == 1


def test_stop_from_another_thread_drains_queue() -> None:
    source, rec = CountingSource(per_poll=1000), Recorder(delay=0.001)
    engine = StreamEngine(source, [rec], block_samples=4096, n_buffers=64, poll_interval=1e-3)
    engine.start()
    threading.Timer(0.05, engine.stop).start()
    result = engine.wait(timeout=30)
    assert result.status == "stopped"
    got = np.concatenate(rec.data)
    np.testing.assert_array_equal(got, np.arange(got.size))
    assert got.size == result.counts.produced == result.counts.written


def test_device_gaps_counted_and_placed_between_blocks() -> None:
    source, rec = CountingSource(per_poll=300, gaps={3: 77, 5: 5}), Recorder()
    result = StreamEngine(source, [rec], block_samples=1000, n_buffers=16, poll_interval=0,
                          max_samples=3000).run()
    assert result.counts.lost_device == 82
    lost = {b.first_sample: b.n_lost_before for b in rec.blocks if b.n_lost_before}
    assert lost == {900 + 77: 77, 1500 + 82: 5}
    for block, data in zip(rec.blocks, rec.data, strict=True):
        np.testing.assert_array_equal(data, np.arange(block.first_sample,
                                                      block.first_sample + block.n_samples))


def test_slow_writer_stop_policy_fails_with_exact_loss() -> None:
    source, rec = CountingSource(per_poll=2000), Recorder(delay=0.05)
    result = StreamEngine(source, [rec], block_samples=1000, n_buffers=3,
                          poll_interval=0.0).run(duration=20)
    assert result.status == "failed"
    assert isinstance(result.error, PoolExhaustedError)
    c = result.counts
    assert c.lost_pool > 0
    assert c.produced == c.written + c.lost_pool
    got = np.concatenate(rec.data)  # what was written is exactly the start of the stream
    np.testing.assert_array_equal(got, np.arange(got.size))
    assert rec.stop.status == "failed" and "pool" in rec.stop.error


def test_slow_writer_drop_policy_counts_every_dropped_sample() -> None:
    source, rec = CountingSource(per_poll=500), Recorder(delay=0.01)
    result = StreamEngine(source, [rec], block_samples=1000, n_buffers=3, poll_interval=1e-3,
                          on_pool_exhausted="drop", max_samples=60_000).run()
    assert result.status == "finished"
    c = result.counts
    assert c.lost_pool > 0 and c.produced == 60_000 == c.written + c.lost_pool
    last = rec.blocks[-1]
    trailing = 60_000 - (last.first_sample + last.n_samples)  # dropped after the last block
    assert sum(b.n_lost_before for b in rec.blocks) + trailing == c.lost_pool
    assert any(b.n_lost_before for b in rec.blocks)
    assert sum(b.n_samples for b in rec.blocks) == c.written
    for block, data in zip(rec.blocks, rec.data, strict=True):
        np.testing.assert_array_equal(data, np.arange(block.first_sample,
                                                      block.first_sample + block.n_samples))


def test_failing_subscriber_ends_run_failed_and_counts_unwritten() -> None:
    source, rec = CountingSource(per_poll=1000), Recorder(fail_at_block=2)
    # more buffers than blocks: the pool cannot run out first, the writer's failure is the cause
    result = StreamEngine(source, [rec], block_samples=1000, n_buffers=64, poll_interval=0,
                          max_samples=50_000).run()
    assert result.status == "failed" and "disk full" in str(result.error)
    c = result.counts
    assert c.written == 2000 and c.produced == c.written + c.lost_write + c.lost_pool
    assert rec.stop.status == "failed" and rec.closed == 1


def test_source_failing_to_start_closes_subscribers() -> None:
    rec = Recorder()
    engine = StreamEngine(CountingSource(fail_start=True), [rec], block_samples=10, n_buffers=2)
    with pytest.raises(StreamError, match="no device"):
        engine.start()
    assert rec.closed == 1 and rec.records == []


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="on_pool_exhausted"):
        StreamEngine(CountingSource(), on_pool_exhausted="block")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_buffers"):
        StreamEngine(CountingSource(), n_buffers=1)
