"""Shared fixtures for the Joulescope plugin tests: synthetic JS110 data and comparison."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE
from daqcore_plugins.joulescope.sim_model import SignalModel, calibration_vectors

BACKENDS = ["numpy", "numba"] if NUMBA_AVAILABLE else ["numpy"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def cal():
    return calibration_vectors()


def _make_raw(n: int, seed: int = 1, load=None, start: int = 0) -> np.ndarray:
    model = SignalModel(seed=seed) if load is None else SignalModel(load=load, seed=seed)
    return model.generate(start, n, 2e6)


@pytest.fixture(scope="session")
def raw_switching():
    """3.2 M samples of the sleep/wake pattern (200 range switches per second of data)."""
    return _make_raw(3_200_000)


@pytest.fixture
def quiet_joulescope_logs():
    logging.getLogger("joulescope").setLevel(logging.CRITICAL)
    yield


def _assert_stats_equal(ours: np.ndarray, ref: np.ndarray, rtol: float = 1e-9) -> None:
    """Equal record arrays: exact length, float fields to ``rtol`` (M2 gets a looser rtol)."""
    assert ours.shape == ref.shape
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours["length"], ref["length"])
    for name in ("mean", "min", "max"):
        np.testing.assert_allclose(
            ours[name], ref[name], rtol=rtol, atol=1e-15, equal_nan=True, err_msg=name
        )
    # sums of squared deviations: Welford (joulescope) vs two-pass (ours)
    finite = np.abs(ref["variance"][np.isfinite(ref["variance"])])
    scale = float(finite.max()) if finite.size else 0.0
    np.testing.assert_allclose(
        ours["variance"],
        ref["variance"],
        rtol=1e-6,
        atol=1e-12 * max(scale, 1.0) + 1e-15,
        equal_nan=True,
        err_msg="variance",
    )


@pytest.fixture(scope="session")
def make_raw():
    """``make_raw(n, seed=1, load=None, start=0)``: raw words from the signal model."""
    return _make_raw


@pytest.fixture(scope="session")
def assert_stats_equal():
    """``assert_stats_equal(ours, ref)`` for STATS_DTYPE arrays."""
    return _assert_stats_equal
