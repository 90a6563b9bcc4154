"""Our StreamBuffer against joulescope's v0 StreamBuffer on identical raw input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daqcore_plugins.joulescope import StreamBuffer
from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE
from daqcore_plugins.joulescope.raw_format import encode_words, usb_packets
from daqcore_plugins.joulescope.sim_model import steady_load

js_sb = pytest.importorskip("joulescope.v0.stream_buffer")

FIELDS = [
    "raw",
    "raw_current",
    "raw_voltage",
    "current",
    "voltage",
    "current_voltage",
    "power",
    "bits",
    "current_range",
    "current_lsb",
    "voltage_lsb",
]


def _pair(duration, reductions, cal, backend, suppress=None):
    ref = js_sb.StreamBuffer(duration, list(reductions), 2e6)
    ours = StreamBuffer(duration, reductions, 2e6, backend=backend)
    ref.calibration_set(*cal)
    ours.calibration_set(*cal)
    if suppress is not None:
        ref.suppress_mode = suppress
        ours.suppress_mode = suppress
    return ref, ours


def _feed_raw(bufs, raw, chunk):
    n = len(raw) // 2
    for k in range(0, n, chunk):
        piece = raw[2 * k : 2 * min(n, k + chunk)]
        for b in bufs:
            b.insert_raw(piece)
            b.process()


def _compare_all(
    assert_stats_equal, ref, ours, increments=(1, 3, 20, 199, 200, 1000, 2000, 20000, 60000, 777777)
):
    assert ours.sample_id_range == ref.sample_id_range
    assert ours.limits_samples == ref.limits_samples
    s0, s1 = ref.sample_id_range
    a, b = s0 + 37, s1 - 11
    for inc in increments:
        stop = b if inc >= 200 else min(b, a + 100_000)  # small increments: keep it quick
        assert_stats_equal(ours.data_get(a, stop, inc), ref.data_get(a, stop, inc))
    for p, q in [
        (s0, s1),
        (a, b),
        (s0 + 1, s0 + 50),
        (s1 - 20_001, s1 - 3),
        (s0 + 123_456, s0 + 1_234_567),
    ]:
        x, rx = ours.statistics_get(p, q)
        y, ry = ref.statistics_get(p, q)
        assert rx == ry
        assert_stats_equal(x, y)
    r1 = ours.samples_get(a, min(b, a + 1000))
    r2 = ref.samples_get(a, min(b, a + 1000))
    assert r1["time"] == r2["time"]
    for f in FIELDS:
        x = ours.samples_get(a, a + 100_000, fields=f)
        y = ref.samples_get(a, a + 100_000, fields=f)
        assert x.shape == y.shape, f
        np.testing.assert_array_equal(x, y, err_msg=f)



@pytest.fixture(params=[
    pytest.param("numpy", marks=pytest.mark.slow),
    pytest.param("numba", marks=pytest.mark.skipif(not NUMBA_AVAILABLE, reason="no numba")),
])
def backend(request):
    """Both backends; the numpy fallback's whole-stream comparisons are the slow ones (its
    equality with numba is also checked, faster, in test_js_buffer_behaviour)."""
    return request.param


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_range_switching_matches_joulescope(
    assert_stats_equal, make_raw, raw_switching, cal, backend
):
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend)
    _feed_raw((ref, ours), raw_switching, 20_011)  # wraps the 1 s buffer
    _compare_all(assert_stats_equal, ref, ours)
    st_o, st_r = ours.status(), ref.status()
    for key in (
        "device_sample_id",
        "sample_id",
        "sample_missing_count",
        "skip_count",
        "sample_sync_count",
        "contiguous_count",
    ):
        assert st_o[key]["value"] == st_r[key]["value"], key


@pytest.mark.usefixtures("quiet_joulescope_logs")
@pytest.mark.parametrize("mode", ["mean_1_n_1", "mean_2_m_0", "mean_0_5_3", "nan_0_n_0",
                                  "interp_1_4_1"])
def test_other_suppress_modes_match_joulescope(assert_stats_equal, raw_switching, cal, backend,
                                               mode):
    """mean_*, nan_* and fixed interp windows give joulescope's samples and statistics."""
    ref, ours = _pair(0.5, (200, 100, 50), cal, backend, suppress=mode)
    _feed_raw((ref, ours), raw_switching[: 2 * 300_000], 30_011)
    assert ours.sample_id_range == ref.sample_id_range
    s0, s1 = ref.sample_id_range
    for f in ("current", "voltage", "power"):
        np.testing.assert_array_equal(ours.samples_get(s0, s1, fields=f),
                                      ref.samples_get(s0, s1, fields=f), err_msg=f)
    for inc in (1, 7, 200, 5000):
        assert_stats_equal(ours.data_get(s0 + 5, s1 - 3, inc), ref.data_get(s0 + 5, s1 - 3, inc))
    assert_stats_equal(ours.statistics_get(s0 + 11, s1 - 5)[0],
                       ref.statistics_get(s0 + 11, s1 - 5)[0])
    assert ours.suppress_mode == ref.suppress_mode or mode.startswith("interp")


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_suppress_off_matches_joulescope(assert_stats_equal, make_raw, raw_switching, cal, backend):
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend, suppress="off")
    _feed_raw((ref, ours), raw_switching[: 2 * 1_500_000], 50_000)
    _compare_all(assert_stats_equal, ref, ours, increments=(1, 7, 200, 2000, 40000))
    assert ours.suppress_mode == "off"


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_dropped_packets_and_missing_samples_match(
    assert_stats_equal, make_raw, raw_switching, cal, backend
):
    """USB packets with gaps in the packet index (dropped packets) become NaN samples."""
    raw = raw_switching[: 2 * 126 * 12_000]
    packets = usb_packets(raw).reshape(-1, 512)
    keep = np.ones(len(packets), dtype=bool)
    keep[[5, 6, 7, 1000, 4321, 4322, 9000]] = False
    packets = packets[keep]
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend)
    for k in range(0, len(packets), 64):
        data = packets[k : k + 64].reshape(-1)
        for b in (ref, ours):
            b.insert(data)
            b.process()
    assert ours.status()["sample_missing_count"]["value"] == 7 * 126
    _compare_all(assert_stats_equal, ref, ours, increments=(1, 5, 200, 1000, 20000))
    st_o, st_r = ours.status(), ref.status()
    for key in ("sample_missing_count", "skip_count", "contiguous_count", "sample_id"):
        assert st_o[key]["value"] == st_r[key]["value"], key
    s0, s1 = ours.sample_id_range
    stats, _ = ours.statistics_get(s0, s1)
    assert stats["length"][0] == (s1 - s0) - 7 * 126


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_callback_and_accumulators_match(assert_stats_equal, make_raw, cal, backend):
    raw = make_raw(2_400_000, load=steady_load(2e-3))
    ref, ours = _pair(0.2, (200, 10, 10), cal, backend)
    got_ref, got_ours = [], []
    ref.callback = got_ref.append
    ours.callback = got_ours.append
    _feed_raw((ref, ours), raw, 33_333)
    assert len(got_ours) == len(got_ref) == 2_400_000 // 20_000
    for a, b in zip(got_ours, got_ref):
        assert a["time"]["sample_range"] == b["time"]["sample_range"]
        np.testing.assert_allclose(a["time"]["range"]["value"], b["time"]["range"]["value"])
        for sig in ("current", "voltage", "power"):
            for key in ("µ", "σ2", "min", "max"):
                np.testing.assert_allclose(
                    a["signals"][sig][key]["value"], b["signals"][sig][key]["value"], rtol=1e-6
                )
        for acc in ("charge", "energy"):
            np.testing.assert_allclose(
                a["accumulators"][acc]["value"], b["accumulators"][acc]["value"], rtol=1e-9
            )


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_calibration_change_applies_to_later_samples(
    assert_stats_equal, make_raw, raw_switching, cal, backend
):
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend)
    _feed_raw((ref, ours), raw_switching[: 2 * 400_000], 40_000)
    cal2 = (cal[0] + 3.0, cal[1] * 1.01, cal[2], cal[3] * 0.99)
    ref.calibration_set(*cal2)
    ours.calibration_set(*cal2)
    _feed_raw((ref, ours), raw_switching[2 * 400_000 : 2 * 900_000], 40_000)
    _compare_all(assert_stats_equal, ref, ours, increments=(1, 50, 200, 20000))


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_early_and_out_of_range_requests(assert_stats_equal, make_raw, raw_switching, cal, backend):
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend)
    _feed_raw((ref, ours), raw_switching[: 2 * 300_000], 30_000)
    # negative start: leading invalid rows
    for inc in (1, 10, 200, 1000):
        assert_stats_equal(ours.data_get(-5000, 100_000, inc), ref.data_get(-5000, 100_000, inc))
    # beyond the newest sample: 0 rows
    assert len(ours.data_get(0, 400_000, 1000)) == len(ref.data_get(0, 400_000, 1000)) == 0
    # statistics_get clamps the range
    x, rx = ours.statistics_get(-100, 10**9)
    y, ry = ref.statistics_get(-100, 10**9)
    assert rx == ry == [0, 300_000]
    assert_stats_equal(x, y)
    # empty range
    assert ours.data_get(10, 10).shape == ref.data_get(10, 10).shape == (0, 6)


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_old_windows_are_invalid_after_wrap(
    assert_stats_equal, make_raw, raw_switching, cal, backend
):
    ref, ours = _pair(1.0, (200, 100, 100), cal, backend)
    _feed_raw((ref, ours), raw_switching[: 2 * 3_000_000], 100_000)
    # entirely older than the buffer
    a = ours.data_get(0, 600_000, 2000)
    assert_stats_equal(a, ref.data_get(0, 600_000, 2000))
    assert np.all(a["length"] == 0)
    # starts before the buffer, window-aligned with its start
    assert_stats_equal(
        ours.data_get(600_000, 1_400_000, 2000), ref.data_get(600_000, 1_400_000, 2000)
    )


@pytest.mark.usefixtures("quiet_joulescope_logs")
@pytest.mark.parametrize("mode", ["interp_1_m_1", "normal"])
def test_other_suppress_tables_match(assert_stats_equal, raw_switching, cal, backend, mode):
    ref, ours = _pair(0.5, (200, 50, 10), cal, backend, suppress=mode)
    _feed_raw((ref, ours), raw_switching[: 2 * 600_000], 25_000)
    assert ours.suppress_mode == ref.suppress_mode
    _compare_all(assert_stats_equal, ref, ours, increments=(1, 9, 200, 5000))


@pytest.mark.usefixtures("quiet_joulescope_logs")
def test_usb_voltage_range_5v_matches(assert_stats_equal, raw_switching, cal, backend):
    packets = usb_packets(raw_switching[: 2 * 126 * 4000], voltage_range=1)
    ref, ours = _pair(0.5, (200, 50, 10), cal, backend)
    for k in range(0, len(packets), 512 * 50):
        for b in (ref, ours):
            b.insert(packets[k : k + 512 * 50])
            b.process()
    _compare_all(assert_stats_equal, ref, ours, increments=(1, 200, 1000))
    s0, _ = ours.sample_id_range
    v = ours.samples_get(s0 + 1000, s0 + 1010, fields="voltage")
    np.testing.assert_allclose(v, 3.3 / 3, rtol=0.05)  # 5 V range gain on 15 V-range codes


@pytest.mark.usefixtures("quiet_joulescope_logs")
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**31 - 1), chunk=st.integers(100, 30_000), drop=st.booleans())
def test_random_range_sequences_match(assert_stats_equal, cal, seed, chunk, drop):
    """Random current-range runs (5..40 samples, so switches chain inside windows)."""
    rng = np.random.default_rng(seed)
    n = 200_000
    lengths = rng.integers(5, 41, n // 5)
    ranges = np.repeat(rng.integers(0, 8, len(lengths)), lengths)[:n]
    raw = encode_words(rng.integers(0, 16383, n), rng.integers(0, 16383, n), ranges)
    if drop:
        a = int(rng.integers(0, n - 1000))
        raw[2 * a : 2 * (a + int(rng.integers(1, 1000)))] = 0xFFFF
    ref, ours = _pair(0.05, (20, 10, 5), cal, "numba" if NUMBA_AVAILABLE else "numpy")
    _feed_raw((ref, ours), raw, chunk)
    assert ours.sample_id_range == ref.sample_id_range
    s0, s1 = ref.sample_id_range
    np.testing.assert_array_equal(
        ours.samples_get(s0, s1, fields="current"), ref.samples_get(s0, s1, fields="current")
    )
    for inc in (1, 7, 20, 1000):
        assert_stats_equal(ours.data_get(s0, s1, inc), ref.data_get(s0, s1, inc))
    x, _ = ours.statistics_get(s0 + 3, s1 - 17)
    y, _ = ref.statistics_get(s0 + 3, s1 - 17)
    assert_stats_equal(x, y)
