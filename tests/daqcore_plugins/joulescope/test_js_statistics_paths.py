"""statistics_get: the aligned fast path, the general kernel and the numpy backend agree with
statistics computed directly from the samples, for aligned, unaligned and clamped ranges."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore_plugins.joulescope import STATS_DTYPE, StreamBuffer
from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE

BACKENDS = ("numpy", "numba") if NUMBA_AVAILABLE else ("numpy",)


@pytest.fixture(scope="module")
def buffers(cal, make_raw):
    raw = make_raw(1_234_567, seed=3)
    raw[2 * 500_000:2 * 500_300] = 0xFFFF  # missing samples inside a block
    out = {}
    for backend in BACKENDS:
        sb = StreamBuffer(0.5, (200, 100, 10), 2e6, backend=backend)
        sb.calibration_set(*cal)
        for k in range(0, len(raw) // 2, 100_000):
            sb.insert_raw(raw[2 * k:2 * (k + 100_000)])
            sb.process()
        out[backend] = sb
    return out


def _direct(sb, a, b):
    """Reference statistics of [a, b) from the samples (mean, sum of squared deviations)."""
    sig = sb.samples_get(a, b, fields=["current", "voltage", "power"])["signals"]
    i = sig["current"]["value"]
    ok = np.isfinite(i)
    res = []
    for name in ("current", "voltage", "power"):
        x = sig[name]["value"][ok].astype(np.float64)
        res.append((len(x), x.mean(), ((x - x.mean()) ** 2).sum(), x.min(), x.max()))
    return res


def _ranges(sb):
    s0, s1 = sb.sample_id_range
    base = -(-s0 // 20_000) * 20_000
    return [
        (base, base + 400_000),            # whole level-1 entries
        (base + 200, base + 200 * 777),    # whole level-0 blocks
        (base + 13, base + 300_017),       # unaligned ends
        (base + 5, base + 150),            # inside one block
        # aligned requests clamped to the (unaligned) held range
        (s0 - 1000 - s0 % 200, s1 - s1 % 200 + 400),
        (s1 - 20_000 - s1 % 200, s1 - s1 % 200 + 600),
    ]


def test_statistics_match_samples(buffers):
    for backend, sb in buffers.items():
        for a, b in _ranges(sb):
            stats, (x0, x1) = sb.statistics_get(a, b)
            s0, s1 = sb.sample_id_range
            assert s1 % 200  # the clamped cases end inside a block
            assert (x0, x1) == (max(a, s0), min(b, s1)), backend
            for col, (k, mean, m2, mn, mx) in enumerate(_direct(sb, x0, x1)):
                rec = stats[col]
                assert int(rec["length"]) == k
                np.testing.assert_allclose(rec["mean"], mean, rtol=1e-9, atol=1e-15)
                np.testing.assert_allclose(rec["variance"], m2, rtol=1e-6, atol=1e-18)
                assert rec["min"] == mn and rec["max"] == mx


@pytest.mark.skipif(not NUMBA_AVAILABLE, reason="needs numba for the second backend")
def test_backends_agree_and_out_is_filled(buffers):
    ours, ref = buffers["numba"], buffers["numpy"]
    for a, b in _ranges(ours):
        out = np.zeros(6, dtype=STATS_DTYPE)
        got, rng = ours.statistics_get(a, b, out=out)
        assert got is out
        exp, rng_ref = ref.statistics_get(a, b)
        assert rng == rng_ref
        np.testing.assert_array_equal(got["length"], exp["length"])
        for name in ("mean", "min", "max"):
            np.testing.assert_allclose(got[name], exp[name], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(got["variance"], exp["variance"], rtol=1e-6, atol=1e-15)


def test_empty_and_reversed_ranges_are_invalid(buffers):
    for sb in buffers.values():
        s0, s1 = sb.sample_id_range
        for a, b in [(s0 + 400, s0 + 400), (s0 + 800, s0 + 400), (s1 + 200, s1 + 400)]:
            stats, (x0, x1) = sb.statistics_get(a, b)
            assert x1 == x0
            assert (stats["length"] == 0).all()
            assert np.isnan(stats["mean"]).all() and np.isnan(stats["variance"]).all()
