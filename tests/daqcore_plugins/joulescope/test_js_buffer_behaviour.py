"""StreamBuffer behaviour of its own: errors, safety, exact statistics, both backends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daqcore.errors import DaqcoreError
from daqcore_plugins.joulescope import (
    STATS_DTYPE,
    STATS_FIELD_COUNT,
    BufferTooLargeError,
    CalibrationError,
    InvalidParameterError,
    InvalidRawDataError,
    InvalidReductionsError,
    OutputArrayError,
    SampleRangeError,
    StreamBuffer,
    stats_to_api,
)
from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE
from daqcore_plugins.joulescope.raw_format import encode_words


def _filled(backend, cal, raw, duration=0.05, reductions=(20, 10, 5), chunk=7_777):
    sb = StreamBuffer(duration, reductions, 2e6, backend=backend)
    sb.calibration_set(*cal)
    n = len(raw) // 2
    for k in range(0, n, chunk):
        sb.insert_raw(raw[2 * k : 2 * min(n, k + chunk)])
        sb.process()
    return sb


def test_bad_raw_input_raises_clear_errors(backend):
    sb = StreamBuffer(0.01, (20, 10), 2e6, backend=backend)
    with pytest.raises(InvalidRawDataError, match="uint16"):
        sb.insert_raw(np.zeros(10, dtype=np.int32))
    with pytest.raises(InvalidRawDataError, match="even number"):
        sb.insert_raw(np.zeros(11, dtype=np.uint16))
    with pytest.raises(InvalidRawDataError):
        sb.insert_raw([1, 2])
    with pytest.raises(InvalidRawDataError):
        sb.insert("not bytes")
    assert sb.insert(None) is True
    with pytest.raises(ValueError):  # builtin compatibility
        sb.insert_raw(np.zeros(3, dtype=np.uint16))


@pytest.mark.parametrize(
    "reductions", [(200, 0), (200, 1.5), (200, -100), (2, 2, 2, 2, 2, 2), "abc", 5]
)
def test_invalid_reductions(reductions):
    with pytest.raises(InvalidReductionsError):
        StreamBuffer(1.0, reductions, 2e6)


def test_length_rounds_up_to_reduction_product():
    sb = StreamBuffer(0.3, (200, 100, 100), 2e6)
    assert len(sb) == 2_000_000
    assert StreamBuffer(0.01, (20, 10), 2e6).limits_time == (0.0, 0.01)


def test_too_large_duration_fails_before_allocating():
    with pytest.raises(BufferTooLargeError, match="MB") as info:
        StreamBuffer(10 * 86400.0 * 365, (200, 100, 100), 2e6)
    assert isinstance(info.value, MemoryError)
    assert isinstance(info.value, DaqcoreError)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(duration=0),
        dict(duration=float("nan")),
        dict(sampling_frequency=-1),
        dict(duration=1e-6),
        dict(backend="cuda"),
    ],
)
def test_invalid_constructor_arguments(kwargs):
    args = dict(duration=0.1, reductions=(20, 10), sampling_frequency=2e6) | kwargs
    with pytest.raises(InvalidParameterError):
        StreamBuffer(**args)


def test_calibration_and_mode_errors():
    sb = StreamBuffer(0.01, (20, 10), 2e6)
    with pytest.raises(CalibrationError, match="7"):
        sb.calibration_set([0] * 3, [1] * 7, [0, 0], [1, 1])
    with pytest.raises(CalibrationError):
        sb.calibration_set([0] * 7, [1] * 7, [0], [1, 1])
    for bad in ("mean_1_n", "mean_9_n_1", "interp_1_13_1", "median_1_n_1", 3):
        with pytest.raises(InvalidParameterError, match="suppress_mode"):
            sb.suppress_mode = bad
    sb.suppress_mode = "mean_1_n_1"
    assert sb.suppress_mode == "mean_1_n_1"
    sb.suppress_mode = "off_1_2_1"
    assert sb.suppress_mode == "off"
    sb.suppress_mode = "normal"
    assert sb.suppress_mode == "interp_1_n_1"
    with pytest.raises(InvalidParameterError):
        sb.voltage_range = 3


def test_samples_get_refuses_overwritten_and_future_ids(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw(300_000))
    s0, s1 = sb.sample_id_range
    assert s0 == 300_000 - len(sb)
    with pytest.raises(SampleRangeError, match=str(s0)):
        sb.samples_get(s0 - 10, s0 + 10)
    with pytest.raises(SampleRangeError):
        sb.samples_get(s1 - 5, s1 + 5, fields="current")
    with pytest.raises(SampleRangeError):
        sb.raw_get(0, 10)
    with pytest.raises(InvalidParameterError, match="unsupported field"):
        sb.samples_get(s0, s0 + 10, fields=["current", "bogus"])
    empty = sb.samples_get(s0 + 10, s0 + 5)
    assert empty["time"]["samples"]["value"] == 0


def test_results_never_alias_the_ring(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw(200_000))
    s0, _s1 = sb.sample_id_range
    r = sb.samples_get(s0, s0 + 1000, fields=["raw", "current", "bits"])
    before = r["signals"]["raw"]["value"].copy()
    r["signals"]["raw"]["value"][:] = 0
    r["signals"]["current"]["value"][:] = 0
    np.testing.assert_array_equal(sb.samples_get(s0, s0 + 1000, fields="raw"), before)
    assert not np.shares_memory(sb.samples_get(s0, s0 + 10, fields="raw"), sb._raw)


def test_out_argument_validation(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw(100_000))
    s0, s1 = sb.sample_id_range
    out = np.zeros((100, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
    res = sb.data_get(s0, s0 + 2000, 20, out=out)
    assert np.shares_memory(res, out) and len(res) == 100
    with pytest.raises(OutputArrayError):
        sb.data_get(s0, s0 + 4000, 20, out=out)
    with pytest.raises(OutputArrayError):
        sb.data_get(s0, s0 + 200, 20, out=np.zeros((10, 6)))
    rec = np.zeros(STATS_FIELD_COUNT, dtype=STATS_DTYPE)
    got, rng = sb.statistics_get(s0, s1, out=rec)
    assert got is rec and rng == [s0, s1]
    with pytest.raises(OutputArrayError):
        sb.statistics_get(s0, s1, out=np.zeros((2, 6), dtype=STATS_DTYPE))


def test_variance_column_is_sum_of_squared_deviations(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw(60_000))
    s0, s1 = sb.sample_id_range
    cur = sb.samples_get(s0, s1, fields="current").astype(np.float64)
    stats, _ = sb.statistics_get(s0, s1)
    m2 = np.sum((cur - cur.mean()) ** 2)
    np.testing.assert_allclose(stats[0]["variance"], m2, rtol=1e-9)
    api = stats_to_api(stats, 0.0, (s1 - s0) / 2e6)
    np.testing.assert_allclose(
        api["signals"]["current"]["σ2"]["value"], np.var(cur, ddof=1), rtol=1e-9
    )
    np.testing.assert_allclose(
        api["signals"]["current"]["∫"]["value"], cur.mean() * (s1 - s0) / 2e6, rtol=1e-9
    )
    assert api["signals"]["power"]["∫"]["units"] == "J"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=st.integers(0, 99_999), span=st.integers(0, 100_000), inc=st.integers(1, 3000))
def test_statistics_exact_and_nan_excluded(cal, a, span, inc):
    sb = _NAN_BUFFER[0]
    s0, s1 = sb.sample_id_range
    a = s0 + a
    b = min(s1, a + span)
    cur = sb.samples_get(a, b, fields="current").astype(np.float64) if b > a else np.zeros(0)
    stats, rng = sb.statistics_get(a, b)
    assert rng == [a, b]
    finite = cur[np.isfinite(cur)]
    assert stats[0]["length"] == len(finite)
    if len(finite):
        np.testing.assert_allclose(stats[0]["mean"], finite.mean(), rtol=1e-9)
        np.testing.assert_allclose(stats[0]["min"], finite.min())
        np.testing.assert_allclose(stats[0]["max"], finite.max())
    else:
        assert np.isnan(stats[0]["mean"])
    rows = sb.data_get(a, b, inc)
    assert len(rows) == (b - a) // inc
    if len(rows):
        total = int(rows["length"][:, 0].sum())
        covered = cur[: len(rows) * inc]
        if inc == 1:  # joulescope's direct copy: one row per sample, length 1, NaN kept
            assert total == len(covered)
            np.testing.assert_array_equal(rows["mean"][:, 0], covered)
        else:
            assert total == int(np.isfinite(covered).sum())


_NAN_BUFFER: list[StreamBuffer] = []


@pytest.fixture(autouse=True, scope="module")
def _nan_buffer(cal):
    """A buffer with ~3 % missing samples (dropped blocks) for the property test."""
    rng = np.random.default_rng(5)
    n = 150_000
    ranges = np.repeat(rng.integers(0, 7, n // 500), 500)
    raw = encode_words(rng.integers(900, 16000, n), rng.integers(3000, 4000, n), ranges)
    for start in rng.integers(0, n - 300, 15):
        raw[2 * start : 2 * (start + 300)] = 0xFFFF
    backend = "numba" if NUMBA_AVAILABLE else "numpy"
    _NAN_BUFFER[:] = [_filled(backend, cal, raw, duration=0.06, reductions=(20, 10, 10))]
    yield
    _NAN_BUFFER.clear()


@pytest.mark.skipif(not NUMBA_AVAILABLE, reason="needs numba to compare with the numpy path")
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), chunk=st.integers(50, 20_000))
def test_numpy_fallback_equals_numba(cal, assert_stats_equal, seed, chunk):
    rng = np.random.default_rng(seed)
    n = 60_000
    ranges = np.repeat(rng.integers(0, 8, n // 40 + 1), rng.integers(1, 80, n // 40 + 1))[:n]
    if len(ranges) < n:
        ranges = np.concatenate([ranges, np.full(n - len(ranges), 3)])
    raw = encode_words(rng.integers(0, 16383, n), rng.integers(0, 16383, n), ranges)
    drop = rng.integers(0, n - 100)
    raw[2 * drop : 2 * (drop + 100)] = 0xFFFF
    a = _filled("numpy", cal, raw, chunk=chunk)
    b = _filled("numba", cal, raw, chunk=chunk)
    assert a.sample_id_range == b.sample_id_range
    assert a.status() == b.status()
    s0, s1 = a.sample_id_range
    np.testing.assert_array_equal(
        a.samples_get(s0, s1, fields="current"), b.samples_get(s0, s1, fields="current")
    )
    for inc in (1, 13, 200, 1001):
        assert_stats_equal(a.data_get(s0 + 3, s1, inc), b.data_get(s0 + 3, s1, inc))


def test_insert_behind_restarts_aligned(backend, cal, make_raw):
    sb = StreamBuffer(0.01, (20, 10), 2e6, backend=backend)
    sb.calibration_set(*cal)
    raw = make_raw(70_000)
    sb.insert_raw(raw)  # more than one buffer before process()
    sb.process()
    s0, s1 = sb.sample_id_range
    assert s1 == 70_000
    assert s0 % 20 == 0 and s1 - s0 <= len(sb)
    cur = sb.samples_get(s0, s1, fields="current")
    assert np.isfinite(cur).all()
    # more than the whole raw ring in one call: only the newest samples are kept
    sb.insert_raw(make_raw(200_000, start=70_000))
    sb.process()
    s0, s1 = sb.sample_id_range
    assert s1 == 270_000 and s1 - s0 == len(sb)
    assert sb.statistics_get(s0, s1)[0]["length"][0] == len(sb)


def test_stop_conditions(backend, make_raw):
    sb = StreamBuffer(0.01, (20, 10), 2e6, backend=backend)
    sb.sample_id_max = 1000
    raw = make_raw(600)
    assert sb.insert_raw(raw) is False
    assert sb.insert_raw(raw) is True
    sb.reset()
    assert sb.sample_id_range == (0, 0)
    assert sb.status()["device_sample_id"]["value"] == 0


def test_env_var_disables_numba(tmp_path):
    import os
    import subprocess
    import sys

    code = (
        "from daqcore_plugins.joulescope import StreamBuffer\n"
        "from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE\n"
        "print(NUMBA_AVAILABLE, StreamBuffer(0.01, (20, 10), 2e6).backend)\n"
    )
    env = dict(os.environ, DAQCORE_NO_NUMBA="1")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "numpy"]
