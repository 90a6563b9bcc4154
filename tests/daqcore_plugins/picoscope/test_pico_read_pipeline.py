"""The fast whole-file read: factor-compiled kernels equal the numpy reference, and
``get_block_iter`` (threads, units, fused conversion) yields exactly what ``get_block`` gives."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

import numpy as np
import pytest

from daqcore_plugins.picoscope import PicoStreamReader, StreamConfig, block_pipeline, kernels
from daqcore_plugins.picoscope import decimation as dec
from daqcore_plugins.picoscope.config import ChannelConfig
from daqcore_plugins.picoscope.errors import StreamFileError
from daqcore_plugins.picoscope.signals import Signal
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a
from daqcore_plugins.picoscope.streaming import stream_to_file

pytestmark = pytest.mark.skipif(not dec.HAVE_NUMBA, reason="numba kernels")


def scaled_reference(x: np.ndarray, f: int, mode: str, scale: float, offset: float) -> np.ndarray:
    return dec.decimate_numpy(x, f, mode).astype(np.float64) * scale - offset


def test_split_factor_covers_the_middle_range() -> None:
    for f in range(9, 64):
        split = kernels.split_factor(f)
        if split is not None:
            d, h = split
            assert d * h == f and 2 <= d <= 8 and 2 <= h <= 8
    assert kernels.split_factor(10) == (5, 2) and kernels.split_factor(16) == (8, 2)
    assert kernels.split_factor(11) is None and kernels.split_factor(64) is None
    assert kernels.min_max_kernel(17) is None and kernels.mean_kernel(1) is None


@pytest.mark.parametrize("factor", [2, 7, 8, 9, 11, 13, 16, 24, 48, 64, 150])
@pytest.mark.parametrize("mode", dec.DECIMATION_MODES)
def test_compiled_kernels_equal_numpy_reference(factor: int, mode: str) -> None:
    x = np.random.default_rng(factor).integers(-32768, 32768, 3 * kernels.TILE_GROUPS * factor
                                               + factor - 1, dtype=np.int16)  # several tiles
    kernel = (kernels.min_max_kernel if mode == "min_max" else kernels.mean_kernel)(factor)
    assert kernel is not None
    want = dec.decimate_numpy(x, factor, mode)
    got = np.empty_like(want)
    kernel(x, got, 1.0, 0.0)
    if mode == "min_max":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12)
        generic = np.empty_like(want)  # the same integer sum: bit for bit the generic loop
        dec._mean_kernel(x, factor, generic)
        np.testing.assert_array_equal(got, generic)


@pytest.mark.parametrize("factor", [1, 3, 10, 64])
@pytest.mark.parametrize("mode", dec.DECIMATION_MODES)
@pytest.mark.parametrize("specialise", [False, True])
def test_fused_decimate_and_convert_equals_two_steps(factor: int, mode: str,
                                                     specialise: bool) -> None:
    x = np.random.default_rng(3).integers(-32768, 32768, 100_003, dtype=np.int16)
    scale, offset = 2000 / 32512, 150.0
    two_steps = dec.scale_offset(dec.decimate(x, factor, mode), scale, offset)
    out = np.empty(dec.output_length(x.size, factor, mode))
    dec.decimate_into(x, factor, mode, out, scale, offset, specialise=specialise)
    np.testing.assert_array_equal(out, two_steps)  # same float operations
    np.testing.assert_allclose(out, scaled_reference(x, factor, mode, scale, offset),
                               rtol=1e-12, atol=1e-9)
    single = np.empty(out.size, dtype=np.float32)
    dec.decimate_into(x, factor, mode, single, scale, offset, specialise=specialise)
    np.testing.assert_array_equal(single, out.astype(np.float32))


@pytest.mark.parametrize("factor", [2, 7, 10])
def test_long_inputs_are_decimated_on_two_threads_like_the_reference(factor: int) -> None:
    n = dec.SPLIT_MIN_SAMPLES + 12_345
    x = np.random.default_rng(factor).integers(-32768, 32768, n, dtype=np.int16)
    np.testing.assert_array_equal(dec.decimate(x, factor, "min_max"),
                                  dec.decimate_numpy(x, factor, "min_max"))
    np.testing.assert_allclose(dec.decimate(x, factor, "mean"),
                               dec.decimate_numpy(x, factor, "mean"), rtol=1e-12)


def test_times_into_a_buffer_equal_fresh_times() -> None:
    out = np.full(64, np.nan)
    for factor, mode in ((1, "mean"), (7, "mean"), (7, "min_max")):
        fresh = dec.decimated_times(1000, 100, 8e-9, factor, mode)
        np.testing.assert_array_equal(dec.decimated_times_into(np.empty(200), 1000, 100, 8e-9,
                                                               factor, mode), fresh)
    with pytest.raises(ValueError, match="100 needed"):
        dec.decimated_times_into(out[:3], 0, 100, 1.0, 1)  # too small a buffer
    with pytest.raises(ValueError, match="room for 20"):
        dec.decimate_into(np.zeros(100, np.int16), 10, "min_max", out[:3])


# ---------------------------------------------------------------------- the reader
@pytest.fixture(scope="module")
def two_channel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "ab.hdf5"
    device = SimulatedPicoScope5000a(signals={
        "A": Signal("sine", amplitude_v=0.8, frequency_hz=1e5, noise_v=0.05),
        "B": Signal("square", amplitude_v=0.4, frequency_hz=2e4)}, table_samples=1 << 16)
    channels = (ChannelConfig("A", "1V"), ChannelConfig("B", "500MV", "DC", 0.1))
    config = StreamConfig(channels=channels, resolution_bits=12, sample_rate_sps=10e6)
    run = stream_to_file(path, config, device=device, max_samples=1_234_567)
    assert run.ok
    return path


def blocks_by_get_block(reader: PicoStreamReader, chunk: int, factor: int,
                        mode: str) -> list[tuple[np.ndarray, np.ndarray]]:
    chunk = -(-chunk // factor) * factor
    return [reader.get_block(min(chunk, reader.num_samples - s), s, factor, mode)
            for s in range(reader.first_sample, reader.num_samples, chunk)]


@pytest.mark.parametrize("read_samples", [1 << 20, 40_000])  # units of whole blocks / of parts
@pytest.mark.parametrize("factor,mode", [(1, "mean"), (10, "min_max"), (10, "mean"),
                                         (64, "min_max")])
@pytest.mark.parametrize("channels", [None, "B"])
def test_iter_equals_get_block(two_channel_file: Path, monkeypatch: pytest.MonkeyPatch,
                               read_samples: int, factor: int, mode: str,
                               channels: str | None) -> None:
    monkeypatch.setattr(block_pipeline, "READ_SAMPLES", read_samples)
    with PicoStreamReader(two_channel_file, channels=channels) as reader:
        for chunk in (30_001, 300_000):
            want = blocks_by_get_block(reader, chunk, factor, mode)
            got = list(reader.get_block_iter(chunk, factor, mode))
            assert len(got) == len(want)
            for (t_got, v_got), (t_want, v_want) in zip(got, want, strict=True):
                assert v_got.shape == v_want.shape and v_got.dtype == np.float64
                np.testing.assert_array_equal(v_got, v_want)
                np.testing.assert_array_equal(t_got, t_want)


def test_compiled_kernels_in_the_reader_and_float32(two_channel_file: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_pipeline, "SPECIALISE_MIN_SAMPLES", 0)
    with PicoStreamReader(two_channel_file) as reader:
        for mode in dec.DECIMATION_MODES:
            want = blocks_by_get_block(reader, 500_000, 16, mode)
            got = list(reader.get_block_iter(500_000, 16, mode))
            for (_, v_got), (_, v_want) in zip(got, want, strict=True):
                np.testing.assert_array_equal(v_got, v_want)
            single = list(reader.get_block_iter(500_000, 16, mode, dtype=np.float32))
            for (_, v_single), (_, v_want) in zip(single, want, strict=True):
                assert v_single.dtype == np.float32
                np.testing.assert_array_equal(v_single, v_want.astype(np.float32))


def test_reuse_buffers_recycles_arrays_with_the_same_values(
        two_channel_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_pipeline, "READ_SAMPLES", 40_000)  # few blocks in flight
    with PicoStreamReader(two_channel_file) as reader:
        want = list(reader.get_block_iter(100_000))
        seen: set[int] = set()
        n = 0
        for (times, values), (t_want, v_want) in zip(
                reader.get_block_iter(100_000, reuse_buffers=True), want, strict=True):
            np.testing.assert_array_equal(values, v_want)
            np.testing.assert_array_equal(times, t_want)
            seen.add(id(values.base if values.base is not None else values))
            n += 1
        assert n == 13 and len(seen) < n  # arrays came back


def test_blocks_kept_by_default_stay_intact(two_channel_file: Path) -> None:
    with PicoStreamReader(two_channel_file, channels="A") as reader:
        kept = list(reader.get_block_iter(200_000, 10, "min_max"))
        again = blocks_by_get_block(reader, 200_000, 10, "min_max")
    for (t, v), (t2, v2) in zip(kept, again, strict=True):
        np.testing.assert_array_equal(v, v2)
        np.testing.assert_array_equal(t, t2)


def test_closing_the_reader_stops_its_iterations(two_channel_file: Path) -> None:
    before = threading.active_count()
    reader = PicoStreamReader(two_channel_file)
    reader.open()
    blocks = reader.get_block_iter(50_000)
    next(blocks)
    reader.close()
    assert next(blocks, None) is None
    assert threading.active_count() == before


def test_bad_iter_options(two_channel_file: Path) -> None:
    with PicoStreamReader(two_channel_file) as reader:
        with pytest.raises(StreamFileError, match="float64 or float32"):
            reader.get_block_iter(dtype=np.int16)
        with pytest.raises(StreamFileError, match="chunk_size"):
            reader.get_block_iter(0)
        with pytest.raises(StreamFileError, match="median"):
            reader.get_block_iter(decimation_mode="median")


def test_default_blocks_are_recycled_only_once_dropped(two_channel_file: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_pipeline, "READ_SAMPLES", 40_000)  # few blocks in flight
    with PicoStreamReader(two_channel_file, channels="A") as reader:
        want = blocks_by_get_block(reader, 60_000, 1, "mean")
        seen: list[weakref.ref[np.ndarray]] = []
        kept: list[tuple[int, np.ndarray, np.ndarray]] = []
        recycled = 0
        for k, (times, values) in enumerate(reader.get_block_iter(60_000)):
            recycled += any(ref() is values.base for ref in seen)
            seen.append(weakref.ref(values.base))
            np.testing.assert_array_equal(values, want[k][1])
            if k % 3 == 0:  # a view and the times of every third block are kept
                kept.append((k, values[5:50], times))
        assert recycled > 0
        for k, view, times in kept:  # never overwritten
            np.testing.assert_array_equal(view, want[k][1][5:50])
            np.testing.assert_array_equal(times, want[k][0])


@pytest.mark.parametrize("factor,mode", [(1, "mean"), (10, "min_max")])
@pytest.mark.parametrize("in_worker", [False, True])
def test_converting_in_either_thread_gives_the_same_blocks(
        two_channel_file: Path, monkeypatch: pytest.MonkeyPatch, factor: int, mode: str,
        in_worker: bool) -> None:
    monkeypatch.setattr(block_pipeline, "CONVERT_IN_WORKER", in_worker)
    monkeypatch.setattr(block_pipeline, "READ_SAMPLES", 40_000)
    with PicoStreamReader(two_channel_file) as reader:
        want = blocks_by_get_block(reader, 100_000, factor, mode)
        got = list(reader.get_block_iter(100_000, factor, mode))
    assert len(got) == len(want)
    for (t_got, v_got), (t_want, v_want) in zip(got, want, strict=True):
        np.testing.assert_array_equal(v_got, v_want)
        np.testing.assert_array_equal(t_got, t_want)
