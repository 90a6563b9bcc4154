"""inav / isig / vnav / vsig slicing, compared with pymodaq_data where semantics match."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import Axis, DataDim, DataIndexError, DataRaw


def _pmd_scan():
    from pymodaq_data import data as pmd

    data = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    axes = [pmd.Axis("x", "mm", np.array([0.0, 1.0]), index=0),
            pmd.Axis("y", "mm", np.array([0.0, 1.0, 5.0]), index=1),
            pmd.Axis("u", "nm", np.linspace(10.0, 40.0, 4), index=2),
            pmd.Axis("v", "nm", np.linspace(0.0, 8.0, 5), index=3)]
    return pmd.DataRaw("d", data=[data], nav_indexes=(0, 1), axes=axes, units="V")


def _our_scan():
    data = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    axes = [Axis("x", "mm", np.array([0.0, 1.0]), index=0),
            Axis("y", "mm", np.array([0.0, 1.0, 5.0]), index=1),
            Axis("u", "nm", np.linspace(10.0, 40.0, 4), index=2),
            Axis("v", "nm", np.linspace(0.0, 8.0, 5), index=3)]
    return DataRaw("d", data=[data], nav_indexes=(0, 1), axes=axes, units="V",
                   errors=[np.full(data.shape, 0.1)])


@pytest.mark.parametrize(
    ("slicer", "item"),
    [
        ("inav", (1,)),
        ("inav", (1, 2)),
        ("inav", (slice(None), 1)),
        ("inav", (slice(0, 2), slice(1, 3))),
        ("isig", (1, 3)),
        ("isig", (slice(None), 2)),
        ("isig", (slice(1, 3), slice(0, 4))),
    ],
)
def test_index_slicing_data_matches_pymodaq(slicer, item):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(_pmd_scan(), slicer)[item]
    ours = getattr(_our_scan(), slicer)[item]
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.data[0], theirs.data[0])
    assert ours.nav_indexes == tuple(int(i) for i in theirs.nav_indexes)
    assert ours.dim.name == theirs.dim.name


@pytest.mark.parametrize(("slicer", "item"), [("vsig", (20.0, 4.0)), ("vsig", (10.0, 6.0)),
                                              ("vnav", (1.0, 1.0))])
def test_value_slicing_to_points_matches_pymodaq(slicer, item):
    """On grid values; off-grid PyMoDAQ truncates (linear axes) where we take the nearest."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(_pmd_scan(), slicer)[item]
    ours = getattr(_our_scan(), slicer)[item]
    np.testing.assert_array_equal(ours.data[0], theirs.data[0])


def test_nav_index_removes_axis_and_shifts_indexes():
    dwa = _our_scan()
    sliced = dwa.inav[1]
    assert sliced.get_data_dimension() == "(3|4, 5)"
    assert [(a.label, a.index) for a in sliced.axes] == [("y", 0), ("u", 1), ("v", 2)]
    assert sliced.nav_indexes == (0,) and sliced.units == "V"
    assert type(sliced) is DataRaw and sliced.source.name == "calculated"  # as PyMoDAQ
    np.testing.assert_array_equal(sliced.errors[0], np.full((3, 4, 5), 0.1))
    point = dwa.inav[1, 2]
    assert point.dim is DataDim.Data2D and point.nav_indexes == ()
    assert [(a.label, a.index) for a in point.axes] == [("u", 0), ("v", 1)]
    spectrum = point.isig[:, 3]
    assert spectrum.dim is DataDim.Data1D and spectrum.axes[0].label == "u"
    single = spectrum.isig[1]
    assert single.dim is DataDim.Data0D and single.shape == (1,) and single.axes == []
    assert single.value() == dwa.data[0][1, 2, 1, 3]


def test_slices_keep_dimensions_and_slice_axes():
    dwa = _our_scan()
    window = dwa.isig[1:3, ::2]
    assert window.get_data_dimension() == "(2, 3|2, 3)"
    np.testing.assert_allclose(window.get_axis_from_index(2)[0].data, [20.0, 30.0])
    np.testing.assert_allclose(window.get_axis_from_index(3)[0].data, [0.0, 4.0, 8.0])
    kept = dwa.inav[0:2]
    assert kept.get_data_dimension() == "(2, 3|4, 5)"
    squeezed = dwa.inav[0:1]  # a one-point slice removes the dimension, as PyMoDAQ
    assert squeezed.get_data_dimension() == "(3|4, 5)"
    assert [a.label for a in squeezed.axes] == ["y", "u", "v"]
    picked = dwa.isig[[0, 3]]
    np.testing.assert_allclose(picked.get_axis_from_index(2)[0].data, [10.0, 40.0])
    np.testing.assert_array_equal(picked.data[0], dwa.data[0][:, :, [0, 3], :])
    mask = dwa.inav[:, np.array([True, False, True])]
    np.testing.assert_allclose(mask.get_axis_from_index(1)[0].data, [0.0, 5.0])
    ellipsis = dwa.isig[..., 2]
    assert ellipsis.get_data_dimension() == "(2, 3|4)"


def test_value_slices_exclude_the_stop_point():
    dwa = _our_scan()
    window = dwa.vsig[18.0:31.0, 2.0:6.0]
    np.testing.assert_allclose(window.get_axis_from_index(2)[0].data, [10.0, 20.0])
    np.testing.assert_allclose(window.get_axis_from_index(3)[0].data, [2.0, 4.0])
    from daqcore.data import Q_

    by_quantity = dwa.vnav[Q_(1000.0, "um")]
    assert by_quantity.nav_shape == (3,)
    np.testing.assert_array_equal(by_quantity.data[0], dwa.data[0][1])


@pytest.mark.parametrize("item", [slice(2.0, 10.0), slice(2.2, 4.4), slice(2.0, None),
                                  slice(None, 6.0), slice(-3.0, 4.0), slice(3.0, 30.0),
                                  slice(0.3, 2.9), slice(0.3, 1.2), 2.4, 7.0,
                                  slice(1.0, 8.0)])
@pytest.mark.parametrize("values", [np.linspace(0.0, 9.0, 10), np.linspace(0.0, 0.9, 10) * 10,
                                    np.array([0.0, 1.0, 2.0, 3.5, 5.0, 8.0, 9.0])])
def test_value_slicing_matches_pymodaq(values, item):
    """Same data, same value slice: same points as pymodaq_data (isig[2:10] is 8 points)."""
    pmd = pytest.importorskip("pymodaq_data.data")
    theirs = pmd.DataRaw("x", data=[values ** 2],
                         axes=[pmd.Axis("t", "s", values.copy(), index=0)])
    ours = DataRaw("x", data=[values ** 2], axes=[Axis("t", "s", values.copy(), index=0)])
    if isinstance(item, slice) and item.stop is None and np.allclose(np.diff(values), 1.0):
        return  # PyMoDAQ drops the last point of a linear axis here (documented difference)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = theirs.vsig[item]
    result = ours.vsig[item]
    np.testing.assert_array_equal(result.data[0], expected.data[0])
    assert result.dim.name == expected.dim.name and len(result.axes) == len(expected.axes)
    if result.axes:
        np.testing.assert_allclose(result.axes[0].data, expected.axes[0].get_data())


def test_value_slicing_creates_missing_index_axes():
    dwa = DataRaw("x", data=[np.arange(10.0)])
    np.testing.assert_array_equal(dwa.vsig[2.2:4.4].data[0], [2.0, 3.0])
    assert dwa.vsig[2.0:10.0].shape == (8,)


def test_spread_slicing():
    rng = np.random.default_rng(0)
    dwa = DataRaw("s", data=[rng.random((6, 4))], distribution="spread", nav_indexes=(0,),
                  axes=[Axis("xs", "mm", rng.random(6), index=0, spread_order=0),
                        Axis("ys", "mm", rng.random(6), index=0, spread_order=1),
                        Axis("t", "s", np.arange(4.0), index=1)])
    subset = dwa.inav[1:4]
    assert subset.distribution.name == "spread" and subset.nav_shape == (3,)
    assert [a.label for a in subset.get_axis_from_index(0)] == ["xs", "ys"]
    np.testing.assert_array_equal(subset.get_axis_from_index(0)[1].data,
                                  dwa.get_axis_from_index(0)[1].data[1:4])
    point = dwa.inav[2]
    assert point.distribution.name == "uniform" and point.dim is DataDim.Data1D
    assert [a.label for a in point.axes] == ["t"]
    with pytest.raises(DataIndexError, match="spread"):
        dwa.vnav[0.5]
    trace = dwa.isig[2]
    assert trace.nav_shape == (6,) and len(trace.axes) == 2


@pytest.mark.parametrize(
    ("slicer", "item", "match"),
    [
        ("inav", (5,), "out of range"),
        ("inav", (0, 0, 0), "3 indexes for 2 navigation"),
        ("isig", (slice(3, 3),), "no point"),
        ("isig", (1.5,), "vnav/vsig|invalid"),
        ("isig", (slice(0.5, 2),), "integers"),
        ("inav", (Ellipsis, Ellipsis), "Ellipsis"),
        ("isig", ([7],), "out of range"),
        ("isig", (np.array([True]),), "mask"),
    ],
)
def test_bad_slices_raise(slicer, item, match):
    with pytest.raises(DataIndexError, match=match):
        getattr(_our_scan(), slicer)[item]


def test_no_nav_dims():
    dwa = DataRaw("x", data=[np.arange(10.0)])
    with pytest.raises(DataIndexError, match="0 navigation"):
        dwa.inav[0]
    assert dwa.inav[...].shape == (10,)
