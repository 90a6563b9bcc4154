"""Axis: linear compression, look-ups, slicing, units."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.data import Q_, Axis, DataAxisError, DataIndexError, DataUnitsError
from daqcore.data.errors import IncompatibleUnitsError


def test_linear_axis_from_values_keeps_offset_scaling_and_exact_values():
    values = np.linspace(400.0, 430.0, 4)
    axis = Axis("wavelength", "nm", values, index=2)
    assert axis.is_axis_linear()
    assert (axis.offset, axis.scaling, axis.size) == (400.0, 10.0, 4)
    assert axis.data is values  # not copied, not regenerated
    assert len(axis) == 4 and axis.index == 2 and axis.label == "wavelength"


def test_non_linear_axis_has_no_offset():
    axis = Axis("y", "mm", np.array([0.0, 1.0, 5.0]))
    assert not axis.is_axis_linear()
    assert axis.offset is None and axis.scaling is None
    np.testing.assert_array_equal(axis.get_data(), [0.0, 1.0, 5.0])


def test_axis_from_linear_description_regenerates_values():
    axis = Axis("t", "s", offset=1.0, scaling=0.5, size=4)
    np.testing.assert_allclose(axis.data, [1.0, 1.5, 2.0, 2.5])
    assert axis.min() == 1.0 and axis.max() == 2.5 and axis.mean() == pytest.approx(1.75)
    negative = Axis("t", "s", offset=1.0, scaling=-0.5, size=4)
    assert negative.min() == -0.5 and negative.max() == 1.0


def test_tiny_step_axis_is_linear():
    """PyMoDAQ's absolute tolerance calls any ns-scale axis linear; ours is relative."""
    times = np.arange(100) * 1e-9
    assert Axis("t", "s", times).is_axis_linear()
    jittery = times + np.r_[0.0, 3e-10, np.zeros(98)]
    assert not Axis("t", "s", jittery).is_axis_linear()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"data": np.zeros((2, 2))}, "1-D"),
        ({"data": np.zeros(3), "index": -1}, "-1"),
        ({"data": np.zeros(3), "index": 1.5}, "1.5"),
        ({"offset": 0.0, "scaling": 1.0, "size": -3}, "-3"),
    ],
)
def test_invalid_axis_raises(kwargs, match):
    with pytest.raises(DataAxisError, match=match):
        Axis("bad", **kwargs)


def test_empty_axis_then_size_or_values():
    empty = Axis("x", "mm")
    assert len(empty) == 0 and empty.data.size == 0
    with pytest.raises(DataAxisError, match="empty"):
        empty.find_index(1.0)
    empty.size = 3
    np.testing.assert_array_equal(empty.data, [0.0, 1.0, 2.0])
    later = Axis("y", offset=1.0, scaling=2.0)
    later.size = 2
    np.testing.assert_array_equal(later.data, [1.0, 3.0])
    later.data = np.array([5.0, 7.0, 8.0])
    assert later.size == 3 and not later.is_axis_linear()
    from daqcore.data import DataRaw

    with pytest.raises(DataAxisError, match="0 points"):
        DataRaw("d", data=[np.zeros(2)], axes=[Axis("x")])


def test_invalid_units_raise():
    with pytest.raises(DataUnitsError, match="blargs"):
        Axis("x", "blargs", np.arange(3.0))


def test_quantity_sets_units():
    axis = Axis("x", data=Q_(np.array([1.0, 2.0]), "mm"))
    assert axis.units == "mm"


def test_find_index_follows_pymodaq_and_is_clipped():
    axis = Axis("x", "mm", np.linspace(0.0, 9.0, 10))
    assert axis.find_index(3.4) == 3
    assert axis.find_index(3.6) == 3  # linear axis: floor, as PyMoDAQ
    assert axis.find_index(-5) == 0
    assert axis.find_index(100) == 9  # PyMoDAQ: 10, out of range
    assert axis.find_index(Q_(0.5, "cm")) == 5
    assert axis.find_indexes([1.1, 7.9]) == [1, 7]
    irregular = Axis("y", "", np.array([0.0, 1.0, 5.0, 6.0]))
    assert irregular.find_index(4.0) == 2  # other axes: nearest point
    # a grid value is not floored to the previous point by rounding (PyMoDAQ gives 2)
    assert Axis("t", "s", np.linspace(0.0, 0.9, 10)).find_index(0.3) == 3


def test_index_slicing_of_linear_and_irregular_axes():
    axis = Axis("x", "mm", np.linspace(0.0, 9.0, 10), index=1)
    sub = axis.iaxis[2:8:2]
    np.testing.assert_allclose(sub.data, [2.0, 4.0, 6.0])
    assert sub.index == 1 and sub.units == "mm" and sub.is_axis_linear()
    linear = Axis("x", "mm", offset=0.0, scaling=1.0, size=10).iaxis[2:8:2]
    assert (linear.offset, linear.scaling, linear.size) == (2.0, 2.0, 3)
    np.testing.assert_allclose(axis.iaxis[-1].data, [9.0])
    irregular = Axis("y", "", np.array([0.0, 1.0, 5.0, 6.0]))
    np.testing.assert_array_equal(irregular.iaxis[1:3].data, [1.0, 5.0])
    with pytest.raises(DataIndexError, match="12"):
        axis.iaxis[12]


def test_value_slicing_excludes_the_stop_point():
    axis = Axis("x", "mm", np.linspace(0.0, 9.0, 10))
    np.testing.assert_allclose(axis.vaxis[2.1:4.9].data, [2.0, 3.0])
    np.testing.assert_allclose(axis.vaxis[2.0:6.0].data, [2.0, 3.0, 4.0, 5.0])
    np.testing.assert_allclose(axis.vaxis[7.0:].data, [7.0, 8.0, 9.0])
    np.testing.assert_allclose(axis.vaxis[7.2].data, [7.0])


def test_units_as_converts_in_place_and_returns_the_axis():
    axis = Axis("x", "mm", np.linspace(0.0, 9.0, 10))
    assert axis.units_as("m") is axis
    assert axis.units == "m"
    np.testing.assert_allclose(axis.data, np.linspace(0.0, 0.009, 10))
    copy = axis.units_as("mm", inplace=False)
    assert copy is not axis and axis.units == "m" and copy.units == "mm"
    assert copy == axis  # equality is unit aware
    temperature = Axis("T", "degC", np.array([0.0, 10.0, 20.0]))
    np.testing.assert_allclose(temperature.units_as("K").data, [273.15, 283.15, 293.15])
    with pytest.raises(IncompatibleUnitsError, match="'s'"):
        axis.units_as("s")
    axis.units_as("um", inplace=True)
    assert axis.units == "um" and axis.max() == pytest.approx(9000.0)


def test_equality_copy_and_arithmetic():
    axis = Axis("x", "mm", np.array([0.0, 1.0, 5.0]), index=1)
    twin = axis.copy()
    assert twin == axis and twin is not axis and twin.data is not axis.data
    assert axis != Axis("x", "mm", np.array([0.0, 1.0, 5.0]), index=0)
    assert axis != Axis("x", "s", np.array([0.0, 1.0, 5.0]), index=1)
    np.testing.assert_allclose((axis * 2).data, [0.0, 2.0, 10.0])
    np.testing.assert_allclose((axis + 1).data, [1.0, 2.0, 6.0])
    linear = Axis("x", "", offset=1.0, scaling=1.0, size=3)
    assert (linear * 2).scaling == 2.0 and (linear + 1).offset == 2.0
    np.testing.assert_array_equal(axis.data, [0.0, 1.0, 5.0])


def test_axis_as_dwa():
    dwa = Axis("x", "mm", np.array([0.0, 1.0, 5.0])).as_dwa()
    assert dwa.name == "x" and dwa.units == "mm" and dwa.shape == (3,)
    assert dwa.axes[0].label == "x"
