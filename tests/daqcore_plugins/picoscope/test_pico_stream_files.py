"""Streams from the simulated scope into files, read back with PicoStreamReader (and h5py)."""

from __future__ import annotations

import threading
from pathlib import Path

import h5py
import numpy as np
import pytest

from daqcore_plugins.picoscope import PicoStreamReader, StreamConfig
from daqcore_plugins.picoscope.errors import StreamFileError
from daqcore_plugins.picoscope.signals import Signal, signal_volts
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a
from daqcore_plugins.picoscope.streaming import build_engine, stream_to_file

SINE = Signal("sine", amplitude_v=0.8, frequency_hz=1e5)


def sim(**signals: Signal) -> SimulatedPicoScope5000a:
    return SimulatedPicoScope5000a(signals=signals or {"A": SINE}, table_samples=1 << 16)


def test_single_channel_file_has_picostream_layout_and_true_volts(tmp_path: Path) -> None:
    path = tmp_path / "one.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=10e6)
    run = stream_to_file(path, config, device=sim(), max_samples=300_000)
    assert run.ok and run.result.counts.written == 300_000
    with h5py.File(path, "r") as f:
        assert set(f) == {"adc_counts", "stream_head", "stream_gaps", "stream_summary"}
        a = f.attrs
        assert (a["resolution"], a["sample_interval_ns"], a["voltage_range_v"], a["max_adc"]) \
            == ("PS5000A_DR_16BIT", 100, 1.0, 32767)
        assert (a["channel_a_coupling"], a["channel_a_range"]) == ("PS5000A_DC", "PS5000A_1V")
        assert (a["downsample_mode"], a["hardware_downsample_ratio"], a["data_format_version"]) \
            == ("average", 1, "1.0")
        assert not a["interleaved_format"] and a["analog_offset_v"] == 0.0
    expected_mv = np.tile(signal_volts(SINE, 1 << 16, 100e-9), 5)[:300_000] * 1000
    with PicoStreamReader(path) as reader:
        assert (reader.num_samples, reader.sample_interval_ns, reader.max_adc_val) == \
            (300_000, 100.0, 32767)
        times, mv = reader.get_block(300_000)
        np.testing.assert_allclose(mv, expected_mv, atol=1000 / 32767)  # within one LSB
        np.testing.assert_allclose(times[:3], [0, 100e-9, 200e-9])
        t_mean, v_mean = reader.get_block(1000, start=500, decimation_factor=100)
        np.testing.assert_allclose(t_mean[0], (500 + 49.5) * 100e-9)
        np.testing.assert_allclose(v_mean[1], mv[600:700].mean())
        blocks = list(reader.get_block_iter(chunk_size=70_000, decimation_factor=1000,
                                            decimation_mode="min_max"))
        assert sum(b[1].size for b in blocks) == 2 * 300  # chunks rounded to the factor
        assert reader.get_next_block(200_000)[1].size == 200_000
        assert reader.get_next_block(200_000)[1].size == 100_000
        assert reader.get_next_block(200_000) is None
        reader.reset()
        assert reader.get_next_block(10)[0][0] == 0.0


def test_multichannel_names_and_channel_selection(tmp_path: Path) -> None:
    path = tmp_path / "two.hdf5"
    signals = {"A": SINE, "B": Signal("square", 0.5, 1e4)}
    config = StreamConfig.simple("A,B", "2V", resolution_bits=12, sample_rate_sps=5e6)
    run = stream_to_file(path, config, device=sim(**signals), max_samples=100_000)
    assert run.ok
    with h5py.File(path, "r") as f:
        assert {"adc_counts_a", "adc_counts_b"} <= set(f)
        assert f.attrs["channels"] == "A,B" and f.attrs["channel_b_voltage_range_v"] == 2.0
    with PicoStreamReader(path) as both:
        _, values = both.get_block(1000)
        assert values.shape == (2, 1000)
    with PicoStreamReader(path, channels="B") as only_b:
        _, square = only_b.get_block(20_000)
        assert square.ndim == 1 and set(np.round(np.unique(square))) == {-500.0, 500.0}
    with pytest.raises(StreamFileError, match="no channel 'C'"), \
            PicoStreamReader(path, channels="C"):
        pass


def test_ring_file_never_grows_and_reads_newest_in_order(tmp_path: Path) -> None:
    path = tmp_path / "ring.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=1e6)
    run = stream_to_file(path, config, device=sim(), max_buff_sec=0.05,
                         max_samples=260_000)  # the 50 000-sample ring wraps 5 times
    assert run.ok and run.verification is not None and run.verification.ok
    with h5py.File(path, "r") as f:
        assert f["adc_counts"].shape == (50_000,) and f.attrs["stream_mode"] == "ring"
    expected = np.tile(signal_volts(SINE, 1 << 16, 1e-6), 4)[:260_000] * 1000
    with PicoStreamReader(path) as reader:
        assert (reader.num_samples, reader.first_sample) == (260_000, 210_000)
        chunks = list(reader.get_block_iter(chunk_size=30_000))
        times = np.concatenate([c[0] for c in chunks])
        mv = np.concatenate([c[1] for c in chunks])
        np.testing.assert_allclose(times[[0, -1]], [210_000e-6, 259_999e-6])
        np.testing.assert_allclose(mv, expected[210_000:], atol=1000 / 32767)


def test_reads_picostreams_own_files(tmp_path: Path) -> None:
    """A file as PicoStream writes it: no max_adc, no offset, 12-bit, no bookkeeping."""
    path = tmp_path / "picostream.hdf5"
    counts = (np.arange(1000) * 16 - 8000).astype(np.int16)
    with h5py.File(path, "w") as f:
        f.create_dataset("adc_counts", data=counts, maxshape=(None,), chunks=(500,))
        f.attrs.update({"resolution": "PS5000A_DR_12BIT", "sample_interval_ns": 16,
                        "voltage_range_v": 20.0, "downsample_mode": "average",
                        "hardware_downsample_ratio": 1, "data_format_version": "1.0"})
    with PicoStreamReader(path) as reader:
        assert reader.max_adc_val == 32767  # the ps5000a scales 12-bit codes to 16 bits
        times, mv = reader.get_block(1000)
        np.testing.assert_allclose(mv, counts.astype(np.float64) * 20_000 / 32767)
        assert times[1] == pytest.approx(16e-9)


def test_live_reader_follows_a_growing_file(tmp_path: Path) -> None:
    path = tmp_path / "live.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=8, sample_rate_sps=20e6)
    engine, sink = build_engine(path, config, device=sim(), pool_seconds=0.5)
    engine.start()
    seen: list[int] = []
    try:
        while engine.counts.written < 2_000_000:
            threading.Event().wait(0.02)
        with PicoStreamReader(path) as reader:
            seen.append(reader.num_samples)
            while len(seen) < 3:
                threading.Event().wait(0.1)
                seen.append(reader.refresh())
            _, newest = reader.get_block(10_000, start=reader.num_samples - 10_000)
            assert np.abs(newest).max() > 500  # the 0.8 V sine
    finally:
        engine.stop()
        result = engine.wait(30)
    assert seen[0] > 0 and seen[-1] > seen[0]
    assert result.counts.lost == 0 and sink.verification is not None and sink.verification.ok


def test_not_a_picostream_file(tmp_path: Path) -> None:
    with pytest.raises(StreamFileError, match="no such file"), \
            PicoStreamReader(tmp_path / "missing.h5"):
        pass
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.zeros(3)
    with pytest.raises(StreamFileError, match="cannot read"), PicoStreamReader(path):
        pass


def test_ctrl_c_ends_the_run_cleanly_with_everything_written(tmp_path: Path) -> None:
    path = tmp_path / "interrupted.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=12, sample_rate_sps=5e6)

    def interrupt(engine: object) -> None:
        raise KeyboardInterrupt

    run = stream_to_file(path, config, device=sim(), on_tick=interrupt, tick=0.2)
    assert run.interrupted and run.result.status == "stopped" and run.ok
    with PicoStreamReader(path) as reader:
        assert reader.num_samples == run.result.counts.written > 0
        assert reader.attrs["run_status"] == "stopped"


def test_aggregate_downsampling_interleaves_min_max(tmp_path: Path) -> None:
    path = tmp_path / "agg.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=8e6,
                                 downsample_mode="aggregate", downsample_ratio=8)
    run = stream_to_file(path, config, device=sim(), max_samples=20_000)
    assert run.ok
    raw = np.tile(signal_volts(SINE, 1 << 16, 125e-9), 2)[:80_000].reshape(-1, 8)
    with PicoStreamReader(path) as reader:
        assert reader.interleaved and reader.attrs["aggregate_format"] == "interleaved_min_max"
        assert reader.sample_interval_ns == 125 * 8 and reader.hardware_downsample_ratio == 8
        times, mv = reader.get_block(20_000)
    np.testing.assert_allclose(mv[0::2], raw.min(axis=1)[:10_000] * 1000, atol=1000 / 32767)
    np.testing.assert_allclose(mv[1::2], raw.max(axis=1)[:10_000] * 1000, atol=1000 / 32767)
    np.testing.assert_allclose(times[:4], [0, 0, 1e-6, 1e-6])
