"""fit, find_peaks and the data processors, against pymodaq_data on the same input."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import daqcore.data as dc
from daqcore.data.processors import DataProcessorFactory

pmd = pytest.importorskip("pymodaq_data.data")
pytest.importorskip("scipy")


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _gauss(x: np.ndarray, amplitude: float, centre: float, width: float) -> np.ndarray:
    return amplitude * np.exp(-((x - centre) / width) ** 2)


def _peaks(lib: Any) -> Any:
    x = np.linspace(0.0, 10.0, 201)
    first = _gauss(x, 2.0, 3.0, 0.5) + _gauss(x, 1.0, 7.0, 0.4)
    second = _gauss(x, 1.5, 5.0, 1.0) + 0.01 * np.sin(7 * x)
    return lib.DataRaw("spectrum", data=[first, second], labels=["a", "b"], units="V",
                       axes=[lib.Axis("x", "mm", x, index=0)])


def _scan(lib: Any) -> Any:
    rng = np.random.default_rng(3)
    data = rng.random((3, 4, 5)) + 0.1
    return lib.DataRaw("scan", data=[data, 2 * data], nav_indexes=(0,), units="V",
                       axes=[lib.Axis("pos", "mm", np.array([0.0, 1.0, 3.0]), index=0),
                             lib.Axis("u", "nm", np.linspace(10.0, 40.0, 4), index=1),
                             lib.Axis("v", "nm", np.linspace(0.0, 8.0, 5), index=2)])


def test_fit_matches_pymodaq():
    ours, theirs = _peaks(dc), _peaks(pmd)
    fit_ours = ours.fit(_gauss, [1.0, 5.0, 1.0], data_index=1)
    fit_theirs = theirs.fit(_gauss, [1.0, 5.0, 1.0], data_index=1)
    assert fit_ours.name == fit_theirs.name == "spectrum_fit"
    assert fit_ours.labels == fit_theirs.labels == ["b_fit"]
    np.testing.assert_allclose(fit_ours.fit_coeffs[0], fit_theirs.fit_coeffs[0])
    np.testing.assert_allclose(fit_ours.data[0], fit_theirs.data[0])
    np.testing.assert_allclose(fit_ours.fit_coeffs[0], [1.5, 5.0, 1.0], atol=0.02)
    assert len(ours.fit(_gauss, [1.0, 3.0, 1.0]).data) == 2
    with pytest.raises(dc.DataDimError):
        _scan(dc).fit(_gauss, [1.0, 1.0, 1.0])


def test_find_peaks_matches_pymodaq():
    ours, theirs = _peaks(dc).find_peaks(height=0.5), _peaks(pmd).find_peaks(height=0.5)
    assert ours.get_names() == theirs.get_names() == ["a", "b"]
    for mine, their in zip(ours, theirs):
        assert mine.labels == their.labels == ["peak value", "peak indexes"]
        for a, b in zip(mine.data, their.data):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(mine.axes[0].data, their.axes[0].get_data())
        assert mine.axes[0].units == "mm" and mine.dim.name == their.dim.name
    np.testing.assert_allclose(ours[0].axes[0].data, [3.0, 7.0])
    with pytest.raises(IndexError, match="no peak"):  # PyMoDAQ: an IndexError too
        _peaks(dc).find_peaks(height=10.0)


@pytest.mark.parametrize("name", ["mean", "std", "sum", "max", "min", "argmax", "argmin"])
def test_processors_match_pymodaq(name):
    from pymodaq_data.post_treatment.process_to_scalar import (
        DataProcessorFactory as TheirFactory,
    )

    ours = DataProcessorFactory().get(name).process(_scan(dc))
    theirs = TheirFactory().get(name).process(_scan(pmd))
    assert len(ours) == len(theirs) and ours.shape == theirs.shape
    for a, b in zip(ours.data, theirs.data):
        np.testing.assert_allclose(a, b)
    assert ours.nav_indexes == tuple(theirs.nav_indexes)
    assert [a.label for a in ours.axes] == [a.label for a in theirs.axes] == ["pos"]


@pytest.mark.parametrize("name", ["argmean", "argstd"])
def test_1d_processors_match_pymodaq(name):
    from pymodaq_data.post_treatment.process_to_scalar import (
        DataProcessorFactory as TheirFactory,
    )

    ours = DataProcessorFactory().get(name).process(_peaks(dc))
    theirs = TheirFactory().get(name).process(_peaks(pmd))
    for a, b in zip(ours.data, theirs.data):
        np.testing.assert_allclose(a, b)
    scan_1d = dc.DataRaw("s", data=[np.random.default_rng(0).random((3, 6)) + 0.1],
                         nav_indexes=(0,))
    assert DataProcessorFactory().get(name).process(scan_1d).shape == (3,)
    with pytest.raises(dc.DataDimError):
        DataProcessorFactory().get(name).process(_scan(dc))


def test_factory_names_and_errors_propagated():
    factory = DataProcessorFactory()
    assert factory.functions[:5] == ["mean", "std", "sum", "max", "min"]
    assert "argmean" in factory.functions_filtered("Data1D")
    assert "argmean" not in factory.functions_filtered(dc.DataDim.Data2D)
    with pytest.raises(ValueError, match="nope"):
        factory.get("nope")
    noisy = dc.DataRaw("n", data=[np.ones((2, 4))], nav_indexes=(0,),
                       errors=[np.full((2, 4), 0.2)])
    summed = factory.get("sum").process(noisy)
    np.testing.assert_allclose(summed.errors[0], [0.4, 0.4])  # sqrt(4) * 0.2, not 4 * 0.2
