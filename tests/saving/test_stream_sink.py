"""StreamSink: layout, append and ring modes, gaps, SWMR readers, verification, closing.

Records are fed by hand (no engine), so every byte in the file is known.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from daqcore.data.records import BlockRecord, RunStart, RunStop
from daqcore.saving.stream_reader import StreamFileReader, StreamRangeError
from daqcore.saving.stream_sink import StreamSink, StreamSinkError, StreamVerificationError


def start(channels=("a", "b"), **plan) -> RunStart:
    return RunStart("stream", title="t", plan={"channels": channels, "dtype": "<i2",
                                               "sample_interval": 1e-6,
                                               "attrs": {"gain": 2.5}, **plan},
                    metadata={"operator": "me"})


def block(uid: str, first: int, n: int, lost: int = 0) -> BlockRecord:
    x = (np.arange(first, first + n) % 30000).astype(np.int16)
    return BlockRecord(uid, first, {"a": x, "b": -x}, n_lost_before=lost)


def stop(uid: str, produced: int, **counts: int) -> RunStop:
    return RunStop(uid, "finished", produced, counts={"n_produced": produced, **counts})


def test_append_layout_counts_and_reader(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    sink = StreamSink(path, dataset_names={"a": "chan_a"}, chunk_samples=100)
    rs = start()
    sink(rs)
    sink(block(rs.uid, 0, 250))
    with StreamFileReader(path) as live:  # SWMR reader while the file is open for writing
        assert live.total == 250
        sink(block(rs.uid, 250, 50))
        assert live.refresh() == 300
        np.testing.assert_array_equal(live.read("b", 240, 20), -np.arange(240, 260))
    sink(stop(rs.uid, 300))
    assert not sink.is_open and sink.verification is not None and sink.verification.ok
    with h5py.File(path, "r") as f:  # the peer's own reader
        assert list(f["chan_a"][:5]) == [0, 1, 2, 3, 4] and f["b"].shape == (300,)
        assert f["chan_a"].chunks == (100,)
        a = f.attrs
        assert (a["stream_channels"], a["stream_datasets"], a["stream_mode"]) == \
            ("a,b", "chan_a,b", "append")
        assert (a["gain"], a["operator"], a["run_status"], a["n_produced"]) == \
            (2.5, "me", "finished", 300)
        assert list(f["stream_head"][:]) == [300, 300]


def test_ring_mode_keeps_newest_in_order(tmp_path: Path) -> None:
    path = tmp_path / "r.h5"
    sink = StreamSink(path, ring_samples=100, chunk_samples=32)
    rs = start()
    sink(rs)
    total = 0
    for n in (30, 90, 250, 7):  # wraps, and one block longer than the ring
        sink(block(rs.uid, total, n))
        total += n
    sink(stop(rs.uid, total))
    with StreamFileReader(path) as r:
        assert (r.is_ring, r.total, r.first_available) == (True, 377, 277)
        np.testing.assert_array_equal(r.read("a", 277, 100), np.arange(277, 377))
        with pytest.raises(StreamRangeError, match="not in the file"):
            r.read("a", 276, 10)
    with h5py.File(path, "r") as f:
        assert f["a"].shape == (100,)  # never grows
        assert list(f["stream_head"][:]) == [377 % 100, 377]


def test_gaps_recorded_where_they_happened(tmp_path: Path) -> None:
    path = tmp_path / "g.h5"
    sink = StreamSink(path)
    rs = start()
    sink(rs)
    sink(block(rs.uid, 0, 100))
    sink(block(rs.uid, 140, 60, lost=40))
    sink(stop(rs.uid, 160 + 15, n_lost_device=40, n_lost_pool=15))  # 15 dropped at the end
    with StreamFileReader(path) as r:
        assert r.gaps().tolist() == [[100, 40], [160, 15]]
        assert r.total == 160


def test_verification_against_producer_count(tmp_path: Path) -> None:
    sink = StreamSink(tmp_path / "v.h5")
    rs = start()
    sink(rs)
    sink(block(rs.uid, 0, 100))
    with pytest.raises(StreamVerificationError, match="producer 120"):
        sink(stop(rs.uid, 120))  # the producer made 120: 20 went missing unaccounted
    assert not sink.is_open


def test_errors_close_the_file(tmp_path: Path) -> None:
    path = tmp_path / "e.h5"
    sink = StreamSink(path)
    with pytest.raises(StreamSinkError, match="before RunStart"):
        sink(block("x", 0, 10))
    rs = start()
    sink(rs)
    with pytest.raises(StreamSinkError, match="lacks channel"):
        sink(BlockRecord(rs.uid, 0, {"a": np.zeros(3, np.int16)}))
    sink.close()
    sink.close()
    assert not sink.is_open
    with h5py.File(path, "r") as f:  # closed and readable
        assert f["a"].shape == (0,)
    with pytest.raises(StreamSinkError, match="distinct"):
        StreamSink(tmp_path / "d.h5", dataset_names={"a": "x", "b": "x"})(start())


def test_summary_written_even_when_a_reader_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "held.h5"
    sink = StreamSink(path)
    sink.attrs_timeout = 0.1
    rs = start()
    sink(rs)
    sink(block(rs.uid, 0, 10))
    with StreamFileReader(path) as reader:  # keeps the file open (locked) past the run
        assert reader.summary()["status"] == "running"
        sink(stop(rs.uid, 10, n_written=10))
        summary = reader.summary()
    assert (summary["status"], summary["n_produced"], summary["n_written"]) == \
        ("finished", 10, 10)
    assert sink.verification is not None and sink.verification.ok
