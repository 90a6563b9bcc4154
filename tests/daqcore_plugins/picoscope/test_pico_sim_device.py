"""SimulatedPicoScope5000a: resolutions, quantisation, ring, stalls, over-range, downsampling.

The simulator runs on a hand-driven clock, so every count below is exact.
"""

from __future__ import annotations

import numpy as np
import pytest

from daqcore_plugins.picoscope.config import ChannelConfig, StreamConfig
from daqcore_plugins.picoscope.constants import (
    PICO_BUFFER_STALL,
    PICO_NO_SAMPLES_AVAILABLE,
    PICO_OK,
    max_adc_count,
)
from daqcore_plugins.picoscope.errors import ScopeConfigError, ScopeStateError
from daqcore_plugins.picoscope.signals import Signal
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def started(signals=None, bits=8, range_v=1.0, offset=0.0, interval_ns=100, size=1000,
            mode="none", ratio=1, channels=("A",)):
    clock = Clock()
    dev = SimulatedPicoScope5000a(signals=signals, clock=clock, table_samples=4096)
    dev.open(bits)
    bufs = {}
    for name in "ABCD":
        dev.set_channel(name, name in channels, "DC", range_v, offset)
    for name in channels:
        bufs[name] = (np.zeros(size, np.int16),
                      np.zeros(size, np.int16) if mode == "aggregate" else None)
        dev.set_data_buffers(name, *bufs[name])
    assert dev.run_streaming(interval_ns, mode, ratio, size) == interval_ns
    return dev, clock, bufs


def collect(dev, bufs, name="A"):
    got: list[tuple[int, int, int]] = []
    out: list[np.ndarray] = []

    def cb(n, start, mask):
        got.append((n, start, mask))
        out.append(bufs[name][0][start:start + n].copy())

    status = dev.get_streaming_latest_values(cb)
    return status, got, (np.concatenate(out) if out else np.zeros(0, np.int16))


@pytest.mark.parametrize(("bits", "max_adc", "step"),
                         [(8, 32512, 256), (12, 32767, 16), (14, 32767, 4), (16, 32767, 1)])
def test_max_adc_and_left_justified_codes(bits, max_adc, step) -> None:
    dev, clock, bufs = started({"A": Signal("sine", 0.9, 1e5, noise_v=0.01)}, bits=bits)
    assert dev.max_adc == max_adc == max_adc_count(bits)
    clock.t += 50e-6  # 500 samples at 100 ns
    status, _, data = collect(dev, bufs)
    assert status == PICO_OK and data.size == 500
    assert np.all(data % step == 0) and np.abs(data).max() <= max_adc
    assert np.abs(data).max() > 0.8 * max_adc  # a 0.9 V sine on the 1 V range


def test_ring_buffer_wraps_and_delivers_contiguous_stream() -> None:
    dev, clock, bufs = started({"A": Signal("sine", 0.5, 1e5)}, size=1000)
    pieces = []
    for _ in range(7):
        clock.t += 33e-6  # 330 samples per poll
        while True:
            status, got, data = collect(dev, bufs)
            pieces.append(data)
            if status == PICO_NO_SAMPLES_AVAILABLE or not got or got[0][1] + got[0][0] < 1000:
                break
    stream = np.concatenate(pieces)
    assert stream.size == 7 * 330
    # the same samples straight from a fresh device read in one go
    dev2, clock2, bufs2 = started({"A": Signal("sine", 0.5, 1e5)}, size=4000)
    clock2.t += 7 * 33e-6
    _, _, whole = collect(dev2, bufs2)
    np.testing.assert_array_equal(stream, whole[:stream.size])


def test_stall_returns_buffer_stall_and_pauses_the_clock() -> None:
    dev, clock, bufs = started(size=1000)
    clock.t += 250e-6  # 2500 samples due, the ring holds 1000
    status, _, data = collect(dev, bufs)
    assert status == PICO_BUFFER_STALL
    assert data.size == 1000 and dev.n_stalls == 1 and dev.n_gap_samples == 1500
    assert dev.gaps == [(1000, 1500)]
    clock.t += 10e-6  # clock paused: only 100 new samples, not 1600
    status, _, data = collect(dev, bufs)
    assert status == PICO_OK and data.size == 100


def test_overrange_flag_per_channel() -> None:
    signals = {"A": Signal("sine", 0.5, 1e5), "B": Signal("sine", 1.5, 1e5)}
    dev, clock, bufs = started(signals, channels=("A", "B"))
    clock.t += 20e-6
    _, got, _ = collect(dev, bufs)
    assert got[0][2] == 0b10  # B clipped on the 1 V range, A did not


def test_analog_offset_is_added_before_the_adc() -> None:
    dev, clock, bufs = started({"A": Signal("dc", 0.0, offset_v=0.3)}, bits=16, range_v=1.0,
                               offset=-0.3)
    clock.t += 10e-6
    _, _, data = collect(dev, bufs)
    assert np.abs(data).max() <= 1  # +0.3 V input, -0.3 V offset: centred


def test_average_and_aggregate_downsampling() -> None:
    sig = {"A": Signal("sine", 0.8, 1e5, noise_v=0.02)}
    raw, clock_r, bufs_r = started(sig, bits=16, size=8000)
    clock_r.t += 800e-6
    _, _, codes = collect(raw, bufs_r)
    avg, clock_a, bufs_a = started(sig, bits=16, mode="average", ratio=8)
    clock_a.t += 800e-6  # 8000 raw samples -> 1000 averages
    _, _, means = collect(avg, bufs_a)
    expected = np.round(codes.reshape(-1, 8).mean(axis=1)).astype(np.int16)
    np.testing.assert_array_equal(means, expected[:means.size])
    agg, clock_g, bufs_g = started(sig, bits=16, mode="aggregate", ratio=8)
    clock_g.t += 800e-6
    n_out = []
    agg.get_streaming_latest_values(lambda n, s, m: n_out.append((n, s)))
    n, s = n_out[0]
    np.testing.assert_array_equal(bufs_g["A"][0][s:s + n], codes.reshape(-1, 8).max(1)[:n])
    np.testing.assert_array_equal(bufs_g["A"][1][s:s + n], codes.reshape(-1, 8).min(1)[:n])


def test_device_refuses_bad_calls() -> None:
    dev = SimulatedPicoScope5000a()
    with pytest.raises(ScopeStateError):
        dev.set_channel("A", True)
    with pytest.raises(ScopeConfigError, match="resolution"):
        dev.open(10)
    dev.open(12)
    with pytest.raises(ScopeConfigError, match="range"):
        dev.set_channel("A", True, "DC", 3.0)
    with pytest.raises(ScopeConfigError, match="no buffer"):
        dev.set_channel("A", True)
        dev.run_streaming(16, "none", 1, 4096)
    dev.close()


def test_config_quantises_interval_and_checks_limits() -> None:
    assert StreamConfig.simple("A", sample_rate_sps=30e6).sample_interval_ns == 33
    assert StreamConfig.simple("A", sample_rate_sps=62.5e6).sample_interval_ns == 16
    StreamConfig.simple("A,B", resolution_bits=8, sample_rate_sps=62.5e6).validate()
    with pytest.raises(ScopeConfigError, match=r"exceeds the streaming limit of 62\.5 MS/s"):
        StreamConfig.simple("A", resolution_bits=12, sample_rate_sps=125e6).validate()
    with pytest.raises(ScopeConfigError, match="3 channel"):
        StreamConfig.simple("A,B,C", resolution_bits=8, sample_rate_sps=62.5e6).validate()
    with pytest.raises(ScopeConfigError, match="unknown channel 'E'"):
        StreamConfig.simple("A,E")
    with pytest.raises(ScopeConfigError, match="allows 1 channel"):
        StreamConfig.simple("A,B", resolution_bits=16, sample_rate_sps=1e6).validate()
    with pytest.raises(ScopeConfigError, match="not offered"):
        StreamConfig.simple("A", range_v="3V")
    with pytest.raises(ScopeConfigError, match="power-of-two"):
        StreamConfig.simple("A", downsample_mode="average", downsample_ratio=6).validate()
    with pytest.raises(ScopeConfigError, match="offset"):
        ChannelConfig("A", 0.1, "DC", analog_offset_v=1.0)
