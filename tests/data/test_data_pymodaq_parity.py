"""PyMoDAQ parity of the data model (issue 11, items 12-14), checked against pymodaq_data on the
same input: missing names, silent differences, and the exception types raised on bad input."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pint
import pytest

import daqcore.data as dc
from daqcore.errors import DaqcoreError

pmd = pytest.importorskip("pymodaq_data.data")


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyMoDAQ's DataIndexWarning etc.
        yield


def _raised(function: Callable[[], Any]) -> BaseException | None:
    try:
        function()
    except Exception as error:
        return error
    return None


def _spectrum(lib: Any, units: str = "m") -> Any:
    x = np.linspace(0.0, 9.0, 10)
    return lib.DataRaw("s", data=[x ** 2, x], units=units,
                       axes=[lib.Axis("x", "mm", x.copy(), index=0)])


def _scan(lib: Any) -> Any:
    data = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    return lib.DataRaw("scan", data=[data], nav_indexes=(0, 1),
                       axes=[lib.Axis("a", "s", np.array([0.0, 1.0]), index=0),
                             lib.Axis("w", "nm", np.linspace(400.0, 430.0, 4), index=2)])


# ----------------------------------------------------------------------------- item 12: names
def test_pymodaq_class_names_exist_with_the_same_relations():
    dwa = dc.DataRaw("d", data=[np.ones(3)])
    assert isinstance(dwa, dc.DataBase) and isinstance(dwa, dc.DataLowLevel)
    assert isinstance(dc.DataToExport("e"), dc.DataLowLevel)
    roi = dc.DataFromRoi("roi", data=[np.ones(3)])
    their_roi = pmd.DataFromRoi("roi", data=[np.ones(3)])
    assert isinstance(roi, dc.DataCalculated) and isinstance(their_roi, pmd.DataCalculated)
    assert roi.source.name == their_roi.source.name == "calculated"
    base = dc.DataBase("b", "raw", "Data1D", "uniform", [np.arange(3.0)], ["c"], "o", "V")
    theirs = pmd.DataBase("b", "raw", "Data1D", "uniform", [np.arange(3.0)], ["c"], "o", "V")
    assert not isinstance(base, dc.DataWithAxes) and not isinstance(theirs, pmd.DataWithAxes)
    assert (base.labels, base.origin, base.units, base.dim.name) == \
        (theirs.labels, theirs.origin, theirs.units, theirs.dim.name)
    np.testing.assert_array_equal((base * 2).data[0], (theirs * 2).data[0])
    low = dc.DataLowLevel("low")
    assert low.name == "low" and low.timestamp > 0


@pytest.mark.parametrize("shape", [(1,), (5,), (2, 3), (2, 3, 4), (1, 1)])
def test_datadim_from_data_array(shape):
    array = np.zeros(shape)
    assert dc.DataDim.from_data_array(array).name == pmd.DataDim.from_data_array(array).name


def test_axes_manager_like_pymodaq():
    ours, theirs = _scan(dc), _scan(pmd)
    for attribute in ("nav_indexes", "sig_indexes", "sig_shape", "nav_shape", "shape"):
        assert tuple(getattr(ours.axes_manager, attribute)) == \
            tuple(getattr(theirs.axes_manager, attribute)), attribute
    assert repr(ours.axes_manager) == repr(theirs.axes_manager) == "(2, 3|4)"
    assert [a.label for a in ours.axes_manager.get_nav_axes()] == \
        [a.label for a in theirs.axes_manager.get_nav_axes()]
    assert [a.size for a in ours._am.get_signal_axes()] == \
        [a.size for a in theirs._am.get_signal_axes()]
    assert ours.axes_manager.get_axis_from_index(1) == [None] == \
        theirs.axes_manager.get_axis_from_index(1)
    order, index = ours.axes_manager.get_sorted_index(2)
    np.testing.assert_array_equal(order, [0, 1, 2, 3])
    assert ours.data[0][index].shape == ours.shape
    ours.axes.append(dc.Axis("b", "s", np.arange(3.0), index=1))  # a live view
    assert ours.axes_manager.get_axis_from_index(1)[0].label == "b"


def test_get_data_at_with_a_tuple_of_indexes():
    ours, theirs = dc.Axis("x", "m", np.linspace(0, 9, 10)), pmd.Axis("x", "m",
                                                                     np.linspace(0, 9, 10))
    for indexes in [(1, 3), [2, 5, 7], 4, slice(2, 5), np.array([0, 9])]:
        np.testing.assert_array_equal(ours.get_data_at(indexes), theirs.get_data_at(indexes))


def test_units_as_with_the_spectroscopy_context():
    energies = np.linspace(1.0, 3.0, 5)
    ours, theirs = dc.Axis("E", "eV", energies.copy()), pmd.Axis("E", "eV", energies.copy())
    assert ours.units_as("nm", context="spectroscopy") is ours
    theirs.units_as("nm", context="spectroscopy")
    np.testing.assert_allclose(ours.data, theirs.get_data())
    assert ours.units == theirs.units == "nm" and not ours.is_axis_linear()
    data_ours = dc.DataRaw("p", data=[energies.copy()], units="eV", errors=[energies * 0.01])
    data_theirs = pmd.DataRaw("p", data=[energies.copy()], units="eV")
    data_ours.units_as("nm", context="sp")
    data_theirs.units_as("nm", context="sp")
    np.testing.assert_allclose(data_ours.data[0], data_theirs.data[0])
    # errors follow the local derivative: |d(hc/E)/dE|·sE = (hc/E)·(sE/E)
    np.testing.assert_allclose(data_ours.errors[0], data_ours.data[0] * 0.01, rtol=2e-2)
    with pytest.raises(dc.IncompatibleUnitsError):
        dc.Axis("E", "eV", energies.copy()).units_as("nm")


def test_slice_assignment_through_iaxis():
    ours, theirs = dc.Axis("x", "m", np.linspace(0, 9, 10)), pmd.Axis("x", "m",
                                                                     np.linspace(0, 9, 10))
    ours.iaxis[2:4] = np.array([100.0, 200.0])
    theirs.iaxis[2:4] = np.array([100.0, 200.0])
    np.testing.assert_array_equal(ours.data, theirs.get_data())
    assert not ours.is_axis_linear()
    ours.vaxis[5.0:7.0] = 0.0  # by value, stop excluded
    np.testing.assert_array_equal(ours.data[5:8], [0.0, 0.0, 7.0])


@pytest.mark.parametrize("dim", ["data1d", "DATA1D", "Data1D", "data0D"])
def test_case_insensitive_dim_names(dim):
    ours = dc.DataToExport("e", data=[_spectrum(dc), dc.DataRaw("z", data=[np.ones(1)])])
    theirs = pmd.DataToExport("e", data=[_spectrum(pmd), pmd.DataRaw("z", data=[np.ones(1)])])
    assert ours.get_names(dim) == theirs.get_names(dim)
    assert ours.get_full_names(dim) == theirs.get_full_names(dim)
    assert ours.get_data_from_dim(dim).get_names() == theirs.get_data_from_dim(dim).get_names()


# ----------------------------------------------------------------------- item 13: silent ones
def test_units_as_converts_in_place_like_pymodaq():
    ours, theirs = _spectrum(dc), _spectrum(pmd)
    assert ours.units_as("mm") is ours  # returns self too: chained code works
    theirs.units_as("mm")
    assert ours.units == theirs.units == "mm"
    for mine, their in zip(ours.data, theirs.data):
        np.testing.assert_allclose(mine, their)
    chained = _spectrum(dc).units_as("km").mean()
    assert chained.units == "km"
    axis_ours, axis_theirs = dc.Axis("x", "m", np.arange(3.0)), pmd.Axis("x", "m",
                                                                        np.arange(3.0))
    axis_ours.units_as("mm")
    axis_theirs.units_as("mm")
    np.testing.assert_allclose(axis_ours.data, axis_theirs.get_data())


def test_setting_units_converts_like_pymodaq():
    ours, theirs = _spectrum(dc), _spectrum(pmd)
    ours.units = "km"
    theirs.units = "km"
    np.testing.assert_allclose(ours.data[0], theirs.data[0])
    axis_ours, axis_theirs = dc.Axis("x", "m", np.arange(3.0)), pmd.Axis("x", "m",
                                                                        np.arange(3.0))
    axis_ours.units = "mm"  # an axis relabels, in both
    axis_theirs.units = "mm"
    np.testing.assert_allclose(axis_ours.data, axis_theirs.get_data())


def test_value_slice_excludes_stop_like_pymodaq():
    ours, theirs = _spectrum(dc), _spectrum(pmd)
    assert ours.vsig[1.0:9.0].shape == theirs.vsig[1.0:9.0].shape == (8,)
    np.testing.assert_array_equal(ours.vsig[1.0:9.0].data[0], theirs.vsig[1.0:9.0].data[0])
    np.testing.assert_array_equal(ours.isig[1:9].data[0], theirs.isig[1:9].data[0])


def test_get_axis_from_index_without_axis_gives_none_like_pymodaq():
    ours, theirs = dc.DataRaw("d", data=[np.ones(3)]), pmd.DataRaw("d", data=[np.ones(3)])
    assert ours.get_axis_from_index(0) == theirs.get_axis_from_index(0) == [None]
    created, their_created = (ours.get_axis_from_index(0, create=True)[0],
                              theirs.get_axis_from_index(0, create=True)[0])
    np.testing.assert_array_equal(created.data, their_created.get_data())


# ----------------------------------------------------------------- item 14: exception types
BAD_INPUTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("axis units 45", lambda lib: lib.Axis("a", units=45)),
    ("axis label 24", lambda lib: lib.Axis(24)),
    ("axis index 1.5", lambda lib: lib.Axis("a", index=1.5)),
    ("axis index -1", lambda lib: lib.Axis("a", index=-1)),
    ("ndarray as axis", lambda lib: lib.DataRaw("d", data=[np.arange(3.0)],
                                                axes=[np.arange(3.0)])),
    ("ndarray in DataToExport", lambda lib: lib.DataToExport("e", data=[np.arange(3)])),
    ("DataToExport of a DWA", lambda lib: lib.DataToExport("e", data=_spectrum(lib))),
    ("DataToExports of different lengths",
     lambda lib: lib.DataToExport("a", data=[_spectrum(lib)])
     + lib.DataToExport("b", data=[_spectrum(lib), lib.DataRaw("z", data=[np.ones(2)])])),
    ("dwa['str']", lambda lib: _spectrum(lib)["str"]),
    ("dwa[5]", lambda lib: _spectrum(lib)[5]),
    ("dte['str']", lambda lib: lib.DataToExport("e", data=[_spectrum(lib)])["str"]),
    ("m + s", lambda lib: _spectrum(lib, "m") + _spectrum(lib, "s")),
    ("m + number", lambda lib: _spectrum(lib, "m") + 1.0),
    ("axis units_as incompatible", lambda lib: lib.Axis("x", "m", np.arange(3.0)).units_as("s")),
    ("data None", lambda lib: lib.DataRaw("d")),
    ("data empty list", lambda lib: lib.DataRaw("d", data=[])),
    ("data str", lambda lib: lib.DataRaw("d", data="abc")),
    ("nav index out of range", lambda lib: lib.DataRaw("d", data=[np.ones(3)],
                                                       nav_indexes=(2,))),
    ("too many nav slices", lambda lib: lib.DataRaw("d", data=[np.ones((3, 4))],
                                                    nav_indexes=(0,)).inav[0, 1]),
    ("float index", lambda lib: _spectrum(lib).isig[2.5]),
    ("get_axis_from_index out of range", lambda lib: _spectrum(lib).get_axis_from_index(5)),
    ("axis index beyond the data", lambda lib: lib.DataRaw(
        "d", data=[np.ones((2, 3))], axes=[lib.Axis("x", data=np.arange(3.0), index=2)])),
    ("shape of a missing dimension", lambda lib: _spectrum(lib).axes_manager
     .get_shape_from_index(3)),
]


@pytest.mark.parametrize(("case", "make"), BAD_INPUTS, ids=[case for case, _ in BAD_INPUTS])
def test_errors_derive_from_what_pymodaq_raises(case, make):
    theirs = _raised(lambda: make(pmd))  # None: PyMoDAQ builds a broken object silently
    ours = _raised(lambda: make(dc))
    assert isinstance(ours, DaqcoreError), f"{case}: {type(ours).__mro__}"
    expected = type(theirs)
    if theirs is not None and (expected.__module__ == "builtins"
                               or issubclass(expected, pint.errors.PintError)):
        assert isinstance(ours, expected), f"{case}: {type(ours).__mro__} vs {expected}"
    assert str(ours)  # a message naming the problem


def test_dwa_units_as_error_is_catchable_by_pymodaq_names():
    error = _raised(lambda: _spectrum(dc, "m").units_as("s"))
    assert error is not None
    assert isinstance(error, dc.DataUnitError)  # PyMoDAQ raises DataUnitError here
    assert isinstance(error, pint.DimensionalityError) and isinstance(error, TypeError)
    assert isinstance(error, dc.IncompatibleUnitsError) and isinstance(error, ValueError)
    assert type(error).__name__ == "IncompatibleUnitsError" and "'m'" in str(error)


def test_spread_axes_of_different_sizes_raise_data_length_error():
    with pytest.raises(dc.DataLengthError, match="4 points"):
        dc.DataRaw("s", data=[np.ones((5, 2))], nav_indexes=(0,), distribution="spread",
                   axes=[dc.Axis("x", data=np.arange(5.0), index=0, spread_order=0),
                         dc.Axis("y", data=np.arange(4.0), index=0, spread_order=1)])
    assert issubclass(dc.DataLengthError, dc.DataShapeError)
    assert issubclass(dc.DataLengthError, TypeError)


def test_sorting_by_a_missing_axis_returns_the_data_unchanged_like_pymodaq():
    ours = dc.DataRaw("d", data=[np.array([3.0, 1.0, 2.0])],
                      axes=[dc.Axis("x", data=np.array([3.0, 1.0, 2.0]))])
    theirs = pmd.DataRaw("d", data=[np.array([3.0, 1.0, 2.0])],
                         axes=[pmd.Axis("x", data=np.array([3.0, 1.0, 2.0]))])
    assert ours.sort_data(axis_index=1) == ours and theirs.sort_data(axis_index=1) == theirs
    np.testing.assert_array_equal(ours.sort_data(0).data[0], theirs.sort_data(0).data[0])


@pytest.mark.parametrize("shape", [(4,), (3, 4), (5, 4)])
def test_legacy_named_axes_keywords_like_pymodaq(shape):
    def build(lib: Any) -> Any:
        keywords: dict[str, Any] = {"x_axis": lib.Axis("x", "mm", np.arange(shape[-1] * 1.0))}
        if shape == (3, 4):
            keywords["y_axis"] = lib.Axis("y", "mm", np.arange(shape[0] * 1.0))
        if shape == (5, 4):
            keywords.update(nav_axes=(0,), nav_x_axis=lib.Axis("n", "s", np.arange(5.0)))
        return lib.DataRaw("d", data=[np.ones(shape)], **keywords)

    ours, theirs = build(dc), build(pmd)
    assert sorted((a.label, a.index) for a in ours.axes) == \
        sorted((a.label, a.index) for a in theirs.axes)
    assert ours.nav_indexes == tuple(theirs.nav_indexes) and ours.extra_attributes == []
    assert ours.dim.name == theirs.dim.name


@pytest.mark.parametrize(("left", "right"), [("m", "mm"), ("mm", "m"), ("m", "m"), ("V", "A"),
                                             ("mm", "um"), ("V", "mV"), ("s", "Hz"), ("W", "s"),
                                             ("mV", ""), ("", "mV"), ("1/s", "s")])
@pytest.mark.parametrize("operator", ["*", "/"])
def test_product_units_and_values_like_pymodaq(left, right, operator):
    results = []
    for lib in (pmd, dc):
        a = lib.DataRaw("a", data=[np.array([2.0, 3.0])], units=left)  # noqa: F841
        b = lib.DataRaw("b", data=[np.array([4.0, 5.0])], units=right)  # noqa: F841
        result = eval(f"a {operator} b")
        results.append((result.units.replace("µ", "u"), result.data[0].round(9).tolist()))
    assert results[1] == results[0]


@pytest.mark.parametrize("expression", ["d + d", "2 * d", "d - 1.0 * d", "-d", "abs(d)",
                                        "d ** 2", "np.sqrt(d)", "d / d"])
def test_arithmetic_result_name_and_source_like_pymodaq(expression):
    results = []
    for lib in (pmd, dc):
        d = lib.DataRaw("d", data=[np.arange(1.0, 4.0)], units="V", origin="det")  # noqa: F841
        result = eval(expression)
        results.append((result.name, result.source.name, result.origin))
    assert results[0] == results[1]
    def dte(lib: Any) -> Any:
        return lib.DataToExport("e", data=[lib.DataRaw("a", data=[np.ones(2)]),
                                           lib.DataRaw("b", data=[np.ones(3)])])

    assert (dte(dc) - dte(dc)).get_full_names() == (dte(pmd) - dte(pmd)).get_full_names()


@pytest.mark.parametrize("expression", ["d.inav[1]", "d.isig[1:3]", "d.vsig[410.0:430.0]",
                                        "d.inav[0, 0]", "d.get_data_as_dwa(0)",
                                        "d.split_as_dte('x')[0]", "d.as_dte('x')[0]"])
def test_source_of_derived_data_like_pymodaq(expression):
    sources = []
    for lib in (pmd, dc):
        d = _scan(lib)
        d.axes = [*d.axes, lib.Axis("b", "s", np.arange(3.0), index=1)]  # PyMoDAQ needs all
        sources.append(eval(expression).source.name)
    assert sources[0] == sources[1]


def test_documented_difference_linear_axis_extent():
    """docs/migration.md: PyMoDAQ's min/max/mean of a linear axis count one step too many."""
    theirs, ours = (lib.Axis("x", data=np.linspace(0.0, 9.0, 10)) for lib in (pmd, dc))
    assert (theirs.max(), theirs.mean()) == (10.0, 5.0)
    assert (ours.min(), ours.max(), ours.mean()) == (0.0, 9.0, 4.5)


@pytest.mark.parametrize("shape", [(1, 3, 1), (), (2, 1), (1,), (4,)])
@pytest.mark.parametrize("options", [{}, {"do_squeeze": False}, {"squeeze_indexes": -1}])
def test_squeeze_gives_pymodaqs_arrays(shape: tuple[int, ...], options: dict[str, Any]) -> None:
    """``squeeze`` as PyMoDAQ user code imports it, from the data module or from saving."""
    from daqcore.saving import squeeze as saving_squeeze

    array = np.arange(float(np.prod(shape))).reshape(shape)
    if "squeeze_indexes" in options and shape and shape[-1] != 1:
        with pytest.raises(ValueError):  # not a length-1 dimension: numpy's error, for both
            pmd.squeeze(array, **options)
        with pytest.raises(ValueError):
            dc.squeeze(array, **options)
        return
    want = pmd.squeeze(array, **options)
    for got in (dc.squeeze(array, **options), saving_squeeze(array, **options)):
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)
