"""Decimation kernels equal the plain-numpy reference; times follow the written contract."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore_plugins.picoscope import decimation as dec
from daqcore_plugins.picoscope.errors import StreamFileError


def reference(x: np.ndarray, f: int, mode: str) -> np.ndarray:
    """Group by group, with Python loops: the contract spelled out."""
    if f <= 1:
        return x
    out = []
    for k in range(len(x) // f):
        group = x[k * f:(k + 1) * f]
        out.extend([group.mean()] if mode == "mean" else [group.min(), group.max()])
    return np.array(out, dtype=np.float64 if mode == "mean" else x.dtype)


@pytest.mark.parametrize("mode", dec.DECIMATION_MODES)
@pytest.mark.parametrize("factor", [1, 2, 7, 16, 63, 64, 150, 1000])
@pytest.mark.parametrize("use_numba", [True, False])
def test_kernels_equal_reference(mode: str, factor: int, use_numba: bool) -> None:
    rng = np.random.default_rng(factor)
    x = rng.integers(-32767, 32768, 10_007, dtype=np.int16)  # a tail of n % f samples
    got = dec.decimate(x, factor, mode, use_numba=use_numba)
    want = reference(x, factor, mode)
    np.testing.assert_array_equal(got.shape, want.shape)
    if mode == "mean":
        np.testing.assert_allclose(got, want, rtol=1e-12)
    else:
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got, dec.decimate_numpy(x, factor, mode))
    assert got.dtype == (np.float64 if mode == "mean" and factor > 1 else x.dtype)


def test_min_first_whatever_the_order_and_short_input() -> None:
    x = np.array([5, -3, 9, 1, 4, 4, 0], dtype=np.int16)
    np.testing.assert_array_equal(dec.decimate(x, 3, "min_max"), [-3, 9, 1, 4])
    assert dec.decimate(x[:2], 3, "min_max").size == 0  # shorter than a group: no output
    assert dec.decimate(x, 1, "min_max") is x


def test_times_contract() -> None:
    dt = 2e-9
    np.testing.assert_allclose(dec.decimated_times(10, 5, dt, 1), (10 + np.arange(5)) * dt)
    np.testing.assert_allclose(dec.decimated_times(100, 25, dt, 10, "mean"),
                               [(100 + 4.5) * dt, (110 + 4.5) * dt])
    np.testing.assert_allclose(dec.decimated_times(100, 25, dt, 10, "min_max"),
                               np.array([100, 100, 110, 110]) * dt)


def test_unknown_mode() -> None:
    with pytest.raises(StreamFileError, match="median"):
        dec.decimate(np.zeros(4, np.int16), 2, "median")
