"""Processing helpers (average, sort, interp, pad, rot90, ft/ift, moment) and assignment."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import Q_, Axis, DataIndexError, DataRaw, DataShapeError


def test_average_matches_pymodaq_and_propagates_errors():
    from pymodaq_data import data as pmd

    new = DataRaw("a", data=[np.array([4.0, 8.0])], errors=[np.array([1.0, 1.0])])
    old = DataRaw("a", data=[np.array([1.0, 2.0])], errors=[np.array([0.5, 0.5])])
    result = new.average(old, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataRaw("a", data=[np.array([4.0, 8.0])]).average(
            pmd.DataRaw("a", data=[np.array([1.0, 2.0])]), 3)
    np.testing.assert_allclose(result.data[0], theirs.data[0])
    np.testing.assert_allclose(result.errors[0], np.hypot(3 * 0.5, 1.0) / 4)
    with pytest.raises(DataShapeError):
        new.average(DataRaw("b", data=[np.ones(3)]), 1)


def test_sort_data_reorders_data_errors_and_axes():
    dwa = DataRaw("s", data=[np.array([[30.0, 10.0, 20.0]])],
                  errors=[np.array([[3.0, 1.0, 2.0]])],
                  axes=[Axis("x", "mm", np.array([3.0, 1.0, 2.0]), index=1)])
    ordered = dwa.sort_data(1)
    np.testing.assert_array_equal(ordered.data[0], [[10.0, 20.0, 30.0]])
    np.testing.assert_array_equal(ordered.errors[0], [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(ordered.axes[0].data, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(dwa.data[0], [[30.0, 10.0, 20.0]])
    assert dwa.sort_data(1, inplace=True) is dwa and dwa.axes[0].data[0] == 1.0
    unchanged = dwa.sort_data(0)  # no axis on dimension 0: unchanged copy, as PyMoDAQ
    assert unchanged == dwa and unchanged is not dwa


def test_sort_spread_by_chosen_axis():
    dwa = DataRaw("s", data=[np.array([1.0, 2.0, 3.0])], distribution="spread",
                  nav_indexes=(0,),
                  axes=[Axis("x", "", np.array([2.0, 0.0, 1.0]), index=0),
                        Axis("y", "", np.array([0.0, 2.0, 1.0]), index=0, spread_order=1)])
    np.testing.assert_array_equal(dwa.sort_data(0, spread_index=1).data[0], [1.0, 3.0, 2.0])
    np.testing.assert_array_equal(dwa.sort_data(0, spread_index=0).data[0], [2.0, 3.0, 1.0])


def test_interp_matches_numpy_and_pymodaq():
    from pymodaq_data import data as pmd

    x = np.array([0.0, 1.0, 2.0, 4.0])
    y = np.array([0.0, 10.0, 20.0, 0.0])
    dwa = DataRaw("i", data=[y], units="V", axes=[Axis("x", "mm", x)],
                  errors=[np.array([1.0, 1.0, 2.0, 2.0])])
    new_x = np.array([0.5, 1.0, 3.0])
    result = dwa.interp(new_x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataRaw("i", data=[y], axes=[pmd.Axis("x", "mm", x)]).interp(new_x)
    np.testing.assert_allclose(result.data[0], theirs.data[0])
    assert result.name == "i_interp" and result.axes[0].units == "mm" and result.units == "V"
    np.testing.assert_allclose(result.errors[0], [np.hypot(0.5, 0.5), 1.0, np.hypot(1.0, 1.0)])
    with pytest.raises(DataShapeError, match="1D"):
        DataRaw("i", data=[np.zeros((2, 2))]).interp(new_x)


def test_pad_extends_linear_axes():
    dwa = DataRaw("p", data=[np.ones(3)], errors=[np.full(3, 0.1)],
                  axes=[Axis("x", "mm", np.array([0.0, 1.0, 2.0]))])
    padded = dwa.pad((1, 2))
    np.testing.assert_array_equal(padded.data[0], [0.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(padded.errors[0], [0.0, 0.1, 0.1, 0.1, 0.0, 0.0])
    np.testing.assert_allclose(padded.axes[0].data, [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    edge = dwa.pad(1, mode="edge")
    np.testing.assert_array_equal(edge.errors[0], np.full(5, 0.1))
    irregular = DataRaw("p", data=[np.ones(3)], axes=[Axis("x", "", np.array([0.0, 1.0, 5.0]))])
    assert irregular.pad(1).axes == []


def test_rot90_matches_numpy_and_moves_axes():
    image = np.arange(6.0).reshape(2, 3)
    dwa = DataRaw("r", data=[image], axes=[Axis("y", "", np.array([0.0, 1.0]), index=0),
                                           Axis("x", "", np.array([0.0, 1.0, 2.0]), index=1)])
    for k in range(5):
        rotated = dwa.rot90(k)
        np.testing.assert_array_equal(rotated.data[0], np.rot90(image, k))
        for axis in rotated.axes:
            assert axis.size == rotated.shape[axis.index]
    once = dwa.rot90()
    assert once.get_axis_from_index(0)[0].label == "x"
    np.testing.assert_array_equal(once.get_axis_from_index(0)[0].data, [2.0, 1.0, 0.0])
    with pytest.raises(DataShapeError):
        DataRaw("r", data=[np.zeros(3)]).rot90()


def test_ft_of_gaussian_and_inverse():
    t = np.linspace(-10.0, 10.0, 201)
    dwa = DataRaw("g", data=[np.exp(-t**2 / 2)], axes=[Axis("t", "s", t)])
    spectrum = dwa.ft()
    axis = spectrum.axes[0]
    assert axis.label == "ft(t)" and axis.units == "rad / s"
    assert axis.data[100] == pytest.approx(0.0)
    peak = np.abs(spectrum.data[0])
    assert np.argmax(peak) == 100
    step = t[1] - t[0]
    expected = np.sqrt(2 * np.pi) * np.exp(-axis.data**2 / 2) / step
    np.testing.assert_allclose(peak, expected, atol=1e-6 * expected.max())
    back = spectrum.ift()
    np.testing.assert_allclose(back.data[0].real, dwa.data[0], atol=1e-12)
    with pytest.raises(DataIndexError):
        dwa.ft(axis=3)


def test_moment():
    x = np.linspace(-5.0, 5.0, 1001)
    dwa = DataRaw("m", data=[np.exp(-((x - 1.0) ** 2) / (2 * 0.5**2))],
                  axes=[Axis("x", "mm", x)])
    mean, std = dwa.moment()
    assert mean.value() == pytest.approx(1.0) and std.value() == pytest.approx(0.5, rel=1e-4)
    assert mean.units == "mm"


def test_assignment_through_slicers_copies_first():
    original = np.zeros((3, 4))
    dwa = DataRaw("d", data=[original], units="V", nav_indexes=(0,))
    dwa.inav[1] = np.arange(4.0)
    dwa.inav[2] = DataRaw("x", data=[np.full(4, 1000.0)], units="mV", errors=[np.ones(4)])
    dwa.isig[1:3] = Q_(5.0, "V")
    np.testing.assert_array_equal(dwa.data[0], [[0, 5, 5, 0], [0, 5, 5, 3], [1, 5, 5, 1]])
    np.testing.assert_array_equal(original, np.zeros((3, 4)))
    np.testing.assert_allclose(dwa.errors[0][2], [0.001, 0.0, 0.0, 0.001])
    with pytest.raises(DataShapeError, match="shape"):
        dwa.inav[0] = np.ones(7)
    with pytest.raises(DataIndexError, match="assigned"):
        dwa.inav[[0, 1]] = 1.0


def test_channel_setitem():
    dwa = DataRaw("d", data=[np.zeros(3), np.zeros(3)])
    dwa[1] = np.ones(3)
    np.testing.assert_array_equal(dwa.data[1], np.ones(3))
    with pytest.raises(DataShapeError):
        dwa[0] = np.ones(4)
    with pytest.raises(DataIndexError):
        dwa[2] = np.ones(3)
