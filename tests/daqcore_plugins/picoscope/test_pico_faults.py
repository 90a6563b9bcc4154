"""Faults: the writer killed with SIGKILL mid-stream, a writer slower than the scope."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from daqcore.acquisition.stream import PoolExhaustedError
from daqcore.data.records import BlockRecord
from daqcore_plugins.picoscope import PicoStreamReader, StreamConfig
from daqcore_plugins.picoscope.signals import Signal, signal_volts
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a
from daqcore_plugins.picoscope.streaming import build_engine

SINE = Signal("sine", amplitude_v=0.8, frequency_hz=1e5)
TABLE = 1 << 16

WRITER = textwrap.dedent("""
    import sys
    from daqcore.data.records import BlockRecord
    from daqcore_plugins.picoscope import StreamConfig
    from daqcore_plugins.picoscope.signals import Signal
    from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a
    from daqcore_plugins.picoscope.streaming import build_engine

    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=5e6)
    device = SimulatedPicoScope5000a(signals={"A": Signal("sine", 0.8, 1e5)},
                                     table_samples=1 << 16)
    engine, sink = build_engine(sys.argv[1], config, device=device)

    def report(record):  # runs after the sink has flushed the block
        if isinstance(record, BlockRecord):
            print(sink.total, flush=True)

    engine.subscribe(report)
    engine.run(duration=60)
""")


def expected_mv(n: int, dt: float) -> np.ndarray:
    return np.tile(signal_volts(SINE, TABLE, dt), n // TABLE + 1)[:n] * 1000


@pytest.mark.slow
def test_sigkill_mid_stream_keeps_every_flushed_block(tmp_path: Path) -> None:
    path = tmp_path / "killed.hdf5"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    flushed = 0
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while flushed < 2_000_000 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "the writer ended early"
            flushed = int(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert flushed >= 2_000_000
    with h5py.File(path, "r", swmr=True) as f:  # the peer opens the killed file
        assert f["adc_counts"].shape[0] >= flushed
    with PicoStreamReader(path) as reader:
        assert reader.num_samples >= flushed
        _, mv = reader.get_block(flushed)
    np.testing.assert_allclose(mv, expected_mv(flushed, 200e-9), atol=1000 / 32767)


class Throttle:
    """A subscriber that makes the writer thread slower than the scope."""

    def __init__(self, seconds_per_block: float) -> None:
        self.delay = seconds_per_block

    def __call__(self, record: Any) -> None:
        if isinstance(record, BlockRecord):
            time.sleep(self.delay)


def throttled_run(path: Path, policy: str):
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=10e6)
    device = SimulatedPicoScope5000a(signals={"A": SINE}, table_samples=TABLE)
    engine, sink = build_engine(path, config, device=device, pool_seconds=0.1,
                                on_pool_exhausted=policy, max_samples=6_000_000)  # type: ignore[arg-type]
    engine.subscribe(Throttle(0.1))  # 0.05 s blocks written in 0.1 s: half the rate
    return engine.run(duration=30), sink


def test_slow_writer_stops_the_run_with_exact_loss(tmp_path: Path) -> None:
    path = tmp_path / "stop.hdf5"
    result, sink = throttled_run(path, "stop")
    assert result.status == "failed" and isinstance(result.error, PoolExhaustedError)
    c = result.counts
    assert c.lost_pool > 0 and c.produced == c.written + c.lost_pool
    assert sink.verification is not None and sink.verification.ok
    with PicoStreamReader(path) as reader:
        assert reader.num_samples == c.written
        assert reader.attrs["n_lost_pool"] == c.lost_pool and reader.attrs["run_status"] == "failed"
        _, mv = reader.get_block(c.written)
    np.testing.assert_allclose(mv, expected_mv(c.written, 100e-9), atol=1000 / 32767)


@pytest.mark.slow
def test_slow_writer_drops_and_counts_exactly(tmp_path: Path) -> None:
    path = tmp_path / "drop.hdf5"
    result, sink = throttled_run(path, "drop")
    c = result.counts
    assert result.status == "finished" and c.produced == 6_000_000
    assert c.lost_pool > 0 and c.produced == c.written + c.lost_pool
    assert sink.verification is not None and sink.verification.ok
    with h5py.File(path, "r") as f:
        gaps = f["stream_gaps"][:]
        assert int(gaps[:, 1].sum()) == c.lost_pool + c.lost_device
        assert f.attrs["n_lost_pool"] == c.lost_pool
        assert f["adc_counts"].shape == (c.written,)
        data = f["adc_counts"][:]
    if c.lost_device:  # a starved producer stalled the device: the signal does not skip there
        return
    # every stored run of samples is exactly the signal at its place in the stream
    stream = np.round(expected_mv(6_000_000, 100e-9) / 1000 * 32767).astype(np.int64)
    file_pos, stream_pos = 0, 0
    for gap_at, lost in [*gaps.tolist(), [c.written, 0]]:
        n = gap_at - file_pos
        np.testing.assert_allclose(data[file_pos:gap_at], stream[stream_pos:stream_pos + n],
                                   atol=1)
        file_pos, stream_pos = gap_at, stream_pos + n + lost


def test_failed_append_ends_run_failed_with_file_closed_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "diskfull.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=5e6)
    engine, sink = build_engine(path, config, device=SimulatedPicoScope5000a(
        signals={"A": SINE}, table_samples=TABLE), max_samples=3_000_000)
    blocks = {"n": 0}

    def fail_third_block(record: Any) -> None:
        if isinstance(record, BlockRecord):
            blocks["n"] += 1
            if blocks["n"] == 3:
                sink._backend.append = _disk_full  # the next append fails

    def _disk_full(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    engine.subscribe(fail_third_block)
    result = engine.run(duration=30)
    assert result.status == "failed" and "No space left" in str(result.error)
    c = result.counts
    assert c.lost_write > 0 and c.produced == c.written + c.lost_write + c.lost_pool
    assert not sink.is_open
    with PicoStreamReader(path) as reader:  # closed properly: re-openable, counts stored
        assert reader.num_samples == c.written
        assert reader.attrs["run_status"] == "failed"
        assert reader.attrs["n_lost_write"] == c.lost_write
