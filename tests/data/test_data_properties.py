"""Property-based tests (hypothesis): construction, slicing and arithmetic invariants."""

from __future__ import annotations

import pickle

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from daqcore.data import Axis, DataDim, DataRaw
from daqcore.data.validation import infer_dim

SETTINGS = settings(max_examples=40, deadline=None)
UNITS = ["", "m", "mm", "V", "mV", "s", "W", "count"]


@st.composite
def dwas(draw, with_errors=None, units=None):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    channels = draw(st.integers(1, 3))
    nav = tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), max_size=ndim))))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    data = [rng.normal(size=shape) for _ in range(channels)]
    axes = []
    for index, length in enumerate(shape):
        kind = draw(st.sampled_from(["none", "linear", "values"]))
        if kind == "linear":
            axes.append(Axis(f"ax{index}", "mm", np.linspace(-1.0, 2.0, length), index=index))
        elif kind == "values":
            axes.append(Axis(f"ax{index}", "s", np.sort(rng.random(length)), index=index))
    has_errors = draw(st.booleans()) if with_errors is None else with_errors
    errors = [np.abs(rng.normal(size=shape)) for _ in range(channels)] if has_errors else None
    chosen_units = draw(st.sampled_from(UNITS)) if units is None else units
    return DataRaw("d", data=data, units=chosen_units, nav_indexes=nav, axes=axes,
                   errors=errors)


def _check_consistent(dwa: DataRaw) -> None:
    shape = dwa.shape
    assert all(array.shape == shape for array in dwa.data)
    if dwa.errors is not None:
        assert all(array.shape == shape for array in dwa.errors)
        assert all(np.all(array >= 0) for array in dwa.errors)
    for axis in dwa.axes:
        assert axis.index < len(shape) and axis.size == shape[axis.index]
    assert sorted(dwa.nav_indexes + dwa.sig_indexes) == list(range(len(shape)))
    assert int(np.prod(dwa.nav_shape + dwa.sig_shape)) == dwa.size
    assert dwa.dim is infer_dim(shape, dwa.axes, dwa.nav_indexes)
    if dwa.nav_indexes:
        assert dwa.dim is DataDim.DataND


@SETTINGS
@given(dwas())
def test_construction_invariants(dwa):
    _check_consistent(dwa)
    assert dwa.deepcopy() == dwa
    assert pickle.loads(pickle.dumps(dwa)) == dwa
    assert dwa.labels == [f"CH{i:02d}" for i in range(len(dwa))]


@st.composite
def dwa_and_slices(draw):
    dwa = draw(dwas())
    navigation = draw(st.booleans())
    targets = dwa.nav_indexes if navigation else dwa.sig_indexes
    items = []
    for dim in targets[: draw(st.integers(0, len(targets)))]:
        length = dwa.shape[dim]
        if draw(st.booleans()):
            items.append(draw(st.integers(-length, length - 1)))
        else:
            start = draw(st.integers(0, length - 1))
            stop = draw(st.integers(start + 1, length))
            items.append(slice(start, stop, draw(st.integers(1, 2))))
    return dwa, navigation, tuple(items)


@SETTINGS
@given(dwa_and_slices())
def test_index_slicing_invariants(case):
    dwa, navigation, items = case
    targets = dwa.nav_indexes if navigation else dwa.sig_indexes
    result = (dwa.inav if navigation else dwa.isig)[items]
    _check_consistent(result)
    full: list = [slice(None)] * len(dwa.shape)
    squeezed = []  # a one-point slice removes its dimension like an int (PyMoDAQ)
    for dim, item in zip(targets, items):
        if isinstance(item, slice) and len(range(*item.indices(dwa.shape[dim]))) == 1:
            item = range(*item.indices(dwa.shape[dim]))[0]
        full[dim] = item
        squeezed.append(item)
    items = tuple(squeezed)
    expected = dwa.data[0][tuple(full)]
    np.testing.assert_array_equal(result.data[0], np.atleast_1d(expected))
    if dwa.errors is not None:
        np.testing.assert_array_equal(result.errors[0],
                                      np.atleast_1d(dwa.errors[0][tuple(full)]))
    removed = sum(isinstance(item, int) for item in items)
    assert len(result.shape) == max(len(dwa.shape) - removed, 1)
    assert result.units == dwa.units and result.labels == dwa.labels
    kept_labels = {axis.label for axis in result.axes}
    removed_dims = {dim for dim, item in zip(targets, items) if isinstance(item, int)}
    assert kept_labels == {axis.label for axis in dwa.axes if axis.index not in removed_dims}
    if removed < len(dwa.shape):  # else the single point became 0D data of shape (1,)
        other = dwa.sig_indexes if navigation else dwa.nav_indexes
        assert len(result.nav_indexes if not navigation else result.sig_indexes) == len(other)
    else:
        assert result.shape == (1,) and result.nav_indexes == () and result.axes == []


@SETTINGS
@given(dwas(with_errors=True, units="m"), st.floats(0.1, 10.0), st.sampled_from(["mm", "km"]))
def test_arithmetic_invariants(dwa, factor, other_units):
    other = dwa.units_as(other_units, inplace=False)
    total = dwa + other
    _check_consistent(total)
    assert total.units == "m" and total.axes == dwa.axes
    np.testing.assert_allclose(total.data[0], 2 * dwa.data[0])
    np.testing.assert_allclose(total.errors[0], np.sqrt(2) * dwa.errors[0])
    scaled = dwa * factor / factor
    np.testing.assert_allclose(scaled.data[0], dwa.data[0])
    np.testing.assert_allclose(scaled.errors[0], dwa.errors[0])
    round_trip = dwa.units_as(other_units, inplace=False).units_as("m")
    np.testing.assert_allclose(round_trip.data[0], dwa.data[0])
    np.testing.assert_allclose(round_trip.errors[0], dwa.errors[0])
    product = (dwa * other).units_as("m ** 2")  # PyMoDAQ's units: other_units ** 2
    np.testing.assert_allclose(product.data[0], dwa.data[0] ** 2)
    np.testing.assert_allclose(product.errors[0],
                               np.sqrt(2) * np.abs(dwa.data[0]) * dwa.errors[0], atol=1e-12)


@SETTINGS
@given(dwas(with_errors=True), st.data())
def test_reduction_invariants(dwa, data):
    axis = data.draw(st.integers(0, len(dwa.shape) - 1))
    mean = dwa.mean(axis=axis)
    _check_consistent(mean)
    assert mean.units == dwa.units
    np.testing.assert_allclose(mean.data[0], np.atleast_1d(dwa.data[0].mean(axis=axis)))
    count = dwa.shape[axis]
    expected_errors = np.sqrt(np.sum(dwa.errors[0] ** 2, axis=axis)) / count
    np.testing.assert_allclose(mean.errors[0], np.atleast_1d(expected_errors))
    assert all(a.label != f"ax{axis}" for a in mean.axes)
    total = dwa.sum()
    assert total.dim is DataDim.Data0D and total.axes == []
    np.testing.assert_allclose(total.value(), dwa.data[0].sum())


@SETTINGS
@given(dwas())
def test_serialization_round_trip(dwa):
    from daqcore.data import DataToExport, deserialize, serialize

    back = deserialize(serialize(dwa))
    assert back == dwa and back.labels == dwa.labels and back.timestamp == dwa.timestamp
    dte = DataToExport("det", data=[dwa])
    assert deserialize(serialize(dte)) == dte


@SETTINGS
@given(dwas())
def test_xarray_round_trip(dwa):
    from daqcore.data import DataWithAxes

    back = DataWithAxes.from_xarray(dwa.to_xarray())
    assert back == dwa and back.nav_indexes == dwa.nav_indexes and back.units == dwa.units


@SETTINGS
@given(dwas(), st.data())
def test_value_slicing_agrees_with_index_slicing(dwa, data):
    if dwa.distribution.name == "spread" or not dwa.sig_indexes:
        return
    items_by_value, items_by_index = [], []
    for dim in dwa.sig_indexes:
        axis = dwa.get_axis_from_index(dim, create=True)[0]
        if axis.size == 1 or data.draw(st.booleans()):
            k = data.draw(st.integers(0, axis.size - 1))
            items_by_value.append(float(axis.data[k]))
            items_by_index.append(k)
        else:  # stop excluded (PyMoDAQ), except the maximum of a non-linear axis
            lo = data.draw(st.integers(0, axis.size - 2))
            hi = data.draw(st.integers(lo + 1, axis.size - 1))
            items_by_value.append(slice(float(axis.data[lo]), float(axis.data[hi])))
            through_end = hi == axis.size - 1 and not axis.is_axis_linear()
            items_by_index.append(slice(lo, None if through_end else hi))
    by_value = dwa.vsig[tuple(items_by_value)]
    by_index = dwa.isig[tuple(items_by_index)]
    assert by_value == by_index and by_value.shape == by_index.shape
