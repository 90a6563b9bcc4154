"""DataWithAxes over dask arrays: operations stay lazy and compute to the eager results."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw
from daqcore.data.errors import ChannelsTypeError
from daqcore.data.lazy import compute, is_lazy, is_lazy_array

da = pytest.importorskip("dask.array")

VALUES = np.arange(48.0).reshape(8, 6)
SIGMA = np.full((8, 6), 0.5)


def _pair():
    axes = [Axis("t", "s", np.arange(8.0), index=0), Axis("wl", "nm", np.linspace(500, 550, 6),
                                                          index=1)]
    lazy = DataRaw("d", data=[da.from_array(VALUES, chunks=(2, 6))], units="V",
                   nav_indexes=(0,), axes=[a.copy() for a in axes],
                   errors=[da.from_array(SIGMA, chunks=(2, 6))])
    eager = DataRaw("d", data=[VALUES.copy()], units="V", nav_indexes=(0,), axes=axes,
                    errors=[SIGMA.copy()])
    return lazy, eager


OPERATIONS = {
    "mean_nav": lambda d: d.mean(axis=0),
    "numpy_sum": lambda d: np.sum(d, axis=1),
    "inav": lambda d: d.inav[2:5],
    "isig": lambda d: d.isig[1:4],
    "add": lambda d: d + d,
    "scale": lambda d: d * 2.5 - d,
    "sqrt": lambda d: np.sqrt(d),
    "units": lambda d: d.deepcopy().units_as("mV"),
    "chain": lambda d: ((d - d.mean(axis=0)) * 2).inav[1:3].sum(axis=0),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_stays_lazy_and_computes_like_numpy(name):
    lazy, eager = _pair()
    result = OPERATIONS[name](lazy)
    assert is_lazy(result), f"{name} computed eagerly"
    expected = OPERATIONS[name](eager)
    computed = compute(result)
    assert not is_lazy(computed)
    assert computed.units == expected.units and computed.shape == expected.shape
    np.testing.assert_allclose(computed.data[0], expected.data[0])
    if expected.errors is not None:
        np.testing.assert_allclose(computed.errors[0], expected.errors[0])
    assert [a.label for a in computed.axes] == [a.label for a in expected.axes]


def test_to_xarray_keeps_dask_arrays():
    lazy, _ = _pair()
    dataset = lazy.to_xarray()
    variables = list(dataset.data_vars.values())
    assert variables and all(is_lazy_array(v.data) for v in variables)
    np.testing.assert_allclose(dataset["CH00"].data.compute(), VALUES)
    np.testing.assert_allclose(dataset["CH00_errors"].data.compute(), SIGMA)


def test_lazy_channels_are_checked_without_reading():
    with pytest.raises(ChannelsTypeError, match="empty"):
        DataRaw("e", data=[da.zeros((0, 3))])
    with pytest.raises(ChannelsTypeError, match="not numeric"):
        DataRaw("s", data=[da.from_array(np.array(["a", "b"]))])


def test_compute_passes_eager_data_through():
    _, eager = _pair()
    assert compute(eager) is eager
