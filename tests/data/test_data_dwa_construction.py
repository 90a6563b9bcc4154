"""DataWithAxes construction, validation, dim inference (against pymodaq_data), copies."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest

from daqcore.data import (
    Q_,
    Axis,
    DataActuator,
    DataAxisError,
    DataCalculated,
    DataDim,
    DataDimWarning,
    DataDistribution,
    DataError,
    DataFromPlugins,
    DataIndexError,
    DataRaw,
    DataShapeError,
    DataSource,
    DataUnitsError,
    DataWithAxes,
)
from daqcore.errors import DaqcoreError

# (shape, nav_indexes, axes as (index, size)) -> the dim both libraries must infer
DIM_CASES = [
    ((1,), (), []),
    ((5,), (), []),
    ((5,), (), [(0, 5)]),
    ((1,), (), [(0, 1)]),
    ((3, 4), (), []),
    ((3, 4), (), [(0, 3), (1, 4)]),
    ((3, 4), (), [(1, 4)]),
    ((1, 1), (), []),
    ((2, 3, 4), (), []),
    ((2, 3, 4), (0,), []),
    ((2, 3, 4), (0, 1), [(0, 2), (2, 4)]),
    ((6,), (0,), []),
    ((6, 1), (0,), []),
    ((2, 3, 4, 5), (), []),
]


def _pmd_dim(shape, nav_indexes, axes):
    from pymodaq_data import data as pmd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dwa = pmd.DataRaw("x", data=[np.zeros(shape)], nav_indexes=nav_indexes,
                          axes=[pmd.Axis(f"a{i}", data=np.arange(float(n)), index=i)
                                for i, n in axes])
    return dwa.dim.name, tuple(int(i) for i in dwa.sig_indexes), dwa.shape


@pytest.mark.parametrize(("shape", "nav_indexes", "axes"), DIM_CASES)
def test_dim_inference_matches_pymodaq(shape, nav_indexes, axes):
    ours = DataRaw("x", data=[np.zeros(shape)], nav_indexes=nav_indexes,
                   axes=[Axis(f"a{i}", data=np.arange(float(n)), index=i) for i, n in axes])
    dim, sig_indexes, pmd_shape = _pmd_dim(shape, nav_indexes, axes)
    assert ours.dim.name == dim
    assert ours.sig_indexes == sig_indexes
    assert ours.shape == pmd_shape


def test_full_construction_and_attributes(scan_dwa):
    dwa = scan_dwa
    assert dwa.name == "spectra" and dwa.units == "V" and dwa.source is DataSource.raw
    assert dwa.labels == ["a", "b"] and len(dwa) == 2 and dwa.length == 2
    assert dwa.shape == (2, 3, 4) and dwa.size == 24 and dwa.dtype == np.float64
    assert dwa.nav_indexes == (0, 1) and dwa.sig_indexes == (2,)
    assert dwa.nav_shape == (2, 3) and dwa.sig_shape == (4,)
    assert dwa.dim is DataDim.DataND and dwa.distribution is DataDistribution.uniform
    assert dwa.get_data_dimension() == "(2, 3|4)"
    assert repr(dwa) == "<DataRaw: spectra <u: V> <len:2> (2, 3|4)>"
    assert isinstance(dwa.timestamp, float) and dwa.timestamp > 1e9
    assert dwa.origin == "" and dwa.full_name == "/spectra"
    dwa.origin = "det0"
    assert dwa.full_name == "det0/spectra"
    np.testing.assert_array_equal(dwa.get_error(1), np.ones((2, 3, 4)))
    assert [a.label for a in dwa.get_nav_axes()] == ["x", "y"]
    assert [a.label for a in dwa.get_signal_axes()] == ["wavelength"]


def test_defaults_and_accepted_forms():
    single = DataRaw("s", data=np.arange(3.0))
    assert single.labels == ["CH00"] and single.dim is DataDim.Data1D
    scalar = DataRaw("s", data=2.5)
    assert scalar.shape == (1,) and scalar.dim is DataDim.Data0D and scalar.value() == 2.5
    two = DataRaw("s", data=[1.0, 2.0])
    assert len(two) == 2 and two.dim is DataDim.Data0D and two.labels == ["CH00", "CH01"]
    quantity = DataRaw("q", data=[Q_(np.array([1.0, 2.0]), "mV")])
    assert quantity.units == "mV"
    converted = DataRaw("q", data=[Q_(np.array([1.0, 2.0]), "mV")], units="V")
    np.testing.assert_allclose(converted.data[0], [0.001, 0.002])
    zero_d_array = DataRaw("z", data=[np.float64(3.0)])
    assert zero_d_array.shape == (1,)
    calculated = DataCalculated("c", data=[np.zeros(3)], source="raw")
    assert calculated.source is DataSource.calculated
    assert DataWithAxes("w", source="calculated", data=[np.zeros(2)]).source.name == \
        "calculated"


def test_kinds():
    plugin = DataFromPlugins("p", data=[np.zeros(3)], do_plot=False, extra=5)
    assert plugin.do_plot is False and plugin.do_save is True and plugin.extra == 5
    assert plugin.extra_attributes == ["do_plot", "do_save", "extra"]
    actuator = DataActuator()
    assert actuator.name == "actuator" and actuator.value() == 0.0
    assert DataActuator(data=12.5).value() == 12.5
    assert DataActuator("x", data=[np.array([1.5])], units="mm").value("um") == 1500.0
    assert "12.5" in repr(DataActuator(data=12.5))


def test_no_copy_and_no_mutation_of_inputs():
    array = np.arange(5.0)
    errors = np.full(5, 0.1)
    dwa = DataRaw("x", data=[array], errors=[errors], units="m")
    assert dwa.data[0] is array  # cheap: not copied
    _ = dwa.units_as("mm"), dwa * 3, dwa + dwa, dwa.mean(), dwa.isig[1:3], -dwa, np.sqrt(dwa)
    _ = dwa.deepcopy(), dwa.to_base_units()
    np.testing.assert_array_equal(array, np.arange(5.0))
    np.testing.assert_array_equal(errors, np.full(5, 0.1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"data": [np.zeros(3), np.zeros(4)]}, DataShapeError, r"\(4,\)"),
        ({"data": None}, DataShapeError, "None"),
        ({"data": []}, DataShapeError, "empty"),
        ({"data": [np.zeros(0)]}, DataShapeError, "empty"),
        ({"data": [np.array(["a", 1], dtype=object)]}, DataShapeError, "object"),
        ({"data": [np.zeros(3)], "units": "zorgs"}, DataUnitsError, "zorgs"),
        ({"data": [np.zeros((3, 2))], "nav_indexes": (2,)}, DataIndexError, "2"),
        ({"data": [np.zeros((3, 2))], "nav_indexes": (0, 0)}, DataIndexError, "repeated"),
        ({"data": [np.zeros(3)], "axes": [Axis("x", data=np.zeros(4))]}, DataAxisError,
         "4 points"),
        ({"data": [np.zeros(3)], "axes": [Axis("x", data=np.zeros(3), index=1)]},
         DataAxisError, "index 1"),
        ({"data": [np.zeros(3)], "axes": [Axis("x", data=np.arange(3.0)),
                                          Axis("y", data=np.arange(3.0))]},
         DataAxisError, "two axes"),
        ({"data": [np.zeros(3)], "axes": ["x"]}, DataAxisError, "'x'"),
        ({"data": [np.zeros(3)], "errors": [np.zeros(4)]}, DataShapeError, r"\(4,\)"),
        ({"data": [np.zeros(3)], "errors": [np.zeros(3)] * 2}, DataShapeError, "2 arrays"),
        ({"data": [np.zeros(3)], "errors": [-np.ones(3)]}, DataShapeError, "negative"),
        ({"data": [np.zeros(3)], "labels": ["a", "b"]}, DataShapeError, "2 labels"),
        ({"data": [np.zeros(3)], "source": "cooked"}, ValueError, "cooked"),
        ({"data": [np.zeros(3)], "deepcopy": 1}, DataError, "deepcopy"),
    ],
)
def test_bad_input_raises_specific_error(kwargs, error, match):
    with pytest.raises(error, match=match) as info:
        DataWithAxes("bad", **kwargs)
    assert isinstance(info.value, DaqcoreError | ValueError)


def test_declared_dim_contradiction_warns_and_signal_dim_is_accepted():
    with pytest.warns(DataDimWarning, match="Data2D"):
        dwa = DataRaw("x", data=[np.zeros(3)], dim="Data2D")
    assert dwa.dim is DataDim.Data1D
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scan = DataRaw("x", data=[np.zeros((5, 3))], dim="Data1D", nav_indexes=(0,))
        zero = DataRaw("x", data=[np.zeros((5, 1))], dim="Data0D", nav_indexes=(0,))
    assert scan.dim is DataDim.DataND and zero.dim is DataDim.DataND


def test_spread_data():
    points = 6
    rng = np.random.default_rng(1)
    dwa = DataRaw(
        "spread", data=[rng.random((points, 4))], distribution="spread", nav_indexes=(0,),
        axes=[Axis("xpos", "mm", rng.random(points), index=0, spread_order=0),
              Axis("ypos", "mm", rng.random(points), index=0, spread_order=1),
              Axis("t", "s", np.arange(4.0), index=1)],
    )
    assert dwa.distribution is DataDistribution.spread and dwa.dim is DataDim.DataND
    assert [a.label for a in dwa.get_axis_from_index(0)] == ["xpos", "ypos"]
    assert dwa.get_axis_from_index_spread(0, 1).label == "ypos"
    assert [a.label for a in dwa.get_nav_axes()] == ["xpos", "ypos"]
    with pytest.raises(DataAxisError, match="spread_order"):
        DataRaw("bad", data=[np.zeros((points, 4))], distribution="spread", nav_indexes=(0,),
                axes=[Axis("a", data=np.arange(6.0), index=0),
                      Axis("b", data=np.arange(6.0), index=0)])


def test_spread_without_nav_becomes_uniform():
    dwa = DataRaw("x", data=[np.zeros(4)], distribution="spread")
    assert dwa.distribution is DataDistribution.uniform


def test_get_axis_from_index_and_create_missing_axes():
    dwa = DataRaw("img", data=[np.zeros((3, 4))], axes=[Axis("x", data=np.arange(4.0), index=1)])
    assert dwa.get_axis_from_index(0) == [None]  # PyMoDAQ's convention
    created = dwa.get_axis_from_index(0, create=True)[0]
    np.testing.assert_array_equal(created.data, [0.0, 1.0, 2.0])
    assert created.index == 0 and len(dwa.axes) == 1
    assert dwa.get_axis_from_index(1)[0].label == "x"
    assert dwa.get_axis_indexes() == [1]
    assert dwa.get_axis_from_label("x").index == 1 and dwa.get_axis_from_label("q") is None
    with pytest.raises(DataIndexError, match="2"):
        dwa.get_axis_from_index(2)
    dwa.create_missing_axes()
    assert [a.index for a in dwa.axes] == [0, 1]
    zero_d = DataRaw("z", data=[np.zeros(1)])
    zero_d.create_missing_axes()
    assert zero_d.axes == [] and zero_d.get_signal_axes() == []


def test_extra_attributes():
    dwa = DataRaw("x", data=[np.zeros(2)], settings="<xml/>", gain=3)
    assert dwa.extra_attributes == ["settings", "gain"] and dwa.gain == 3
    dwa.add_extra_attribute(gain=4, offset=1.0)
    assert dwa.extra_attributes == ["settings", "gain", "offset"] and dwa.gain == 4
    with pytest.raises(DataError, match="units"):
        dwa.add_extra_attribute(units="m")


def test_deepcopy_is_independent(scan_dwa):
    scan_dwa.add_extra_attribute(meta={"k": [1]})
    twin = scan_dwa.deepcopy()
    assert twin == scan_dwa and type(twin) is DataRaw
    assert twin.data[0] is not scan_dwa.data[0] and twin.axes[0] is not scan_dwa.axes[0]
    twin.data[0][0, 0, 0] = 99.0
    twin.axes[0].label = "changed"
    twin.meta["k"].append(2)
    assert scan_dwa.data[0][0, 0, 0] == 0.0 and scan_dwa.axes[0].label == "x"
    assert scan_dwa.meta == {"k": [1]}
    assert copy.deepcopy(scan_dwa) == scan_dwa
    shallow = copy.copy(scan_dwa)
    assert shallow.data[0] is scan_dwa.data[0] and shallow.data is not scan_dwa.data


def test_pickle_round_trip(scan_dwa):
    back = pickle.loads(pickle.dumps(scan_dwa))
    assert back == scan_dwa and back.labels == scan_dwa.labels and back.name == "spectra"


def test_deepcopy_with_new_data_removes_axes(scan_dwa):
    new = scan_dwa.deepcopy_with_new_data([np.zeros((2, 4)), np.ones((2, 4))],
                                          remove_axes_index=1)
    assert new.shape == (2, 4) and new.nav_indexes == (0,) and new.source.name == "calculated"
    assert [(a.label, a.index) for a in new.axes] == [("x", 0), ("wavelength", 1)]
    assert new.errors is None and new.labels == ["a", "b"]
    with pytest.raises(DataShapeError, match="removed"):
        scan_dwa.deepcopy_with_new_data([np.zeros(4)], remove_axes_index=1)


def test_errors_helpers(scan_dwa):
    errors = scan_dwa.errors_as_dwa()
    assert errors.name == "spectra_errors" and errors.errors is None
    np.testing.assert_array_equal(errors.data[0], np.full((2, 3, 4), 0.5))
    with pytest.raises(DataError, match="no errors"):
        DataRaw("x", data=[np.zeros(2)]).errors_as_dwa()
    np.testing.assert_array_equal(DataRaw("x", data=[np.zeros(2)]).get_error(0), [0])
    scalar_errors = DataRaw("x", data=[np.zeros(3)], errors=[0.2])
    np.testing.assert_array_equal(scalar_errors.errors[0], [0.2, 0.2, 0.2])


def test_channel_helpers(scan_dwa):
    second = scan_dwa.get_data_as_dwa(1)
    assert len(second) == 1 and second.labels == ["b"] and second.errors[0][0, 0, 0] == 1.0
    other = DataRaw("o", data=[np.ones((2, 3, 4)) * 1000.0], units="mV", labels=["c"],
                    nav_indexes=(0, 1))
    scan_dwa.append(other)
    assert scan_dwa.labels == ["a", "b", "c"] and scan_dwa.data[2][0, 0, 0] == 1.0
    assert scan_dwa.errors[2][0, 0, 0] == 0.0
    popped = scan_dwa.pop(0)
    assert popped.labels == ["a"] and scan_dwa.labels == ["b", "c"]
    assert scan_dwa.stack_as_array().shape == (2, 2, 3, 4)
    dte = scan_dwa.split_as_dte("split")
    assert dte.get_names() == ["b", "c"]
    with pytest.raises(DataShapeError, match="shape"):
        scan_dwa.append(DataRaw("o", data=[np.zeros(3)]))


def test_value_values_and_units_as():
    dwa = DataRaw("p", data=[np.array([2.0]), np.array([3.0])], units="mW",
                  errors=[np.array([0.1]), np.array([0.2])])
    assert dwa.value() == 2.0 and dwa.values() == [2.0, 3.0]
    assert dwa.value("W") == pytest.approx(0.002)
    watts = dwa.units_as("W", inplace=False)
    assert watts.units == "W" and dwa.units == "mW"
    np.testing.assert_allclose(watts.errors[1], [0.0002])
    assert dwa.units_as("uW") is dwa and dwa.units == "uW"  # in place by default
    np.testing.assert_allclose(dwa.data[1], [3000.0])
    dwa.force_units("W")
    dwa.data = [np.array([2.0]), np.array([3.0])]
    assert dwa.units == "W" and dwa.value() == 2.0
    with pytest.raises(DataUnitsError):
        dwa.force_units("wattz")
    assert dwa.to_base_units().units == "kg * m ** 2 / s ** 3"


def test_setters_validate(scan_dwa):
    with pytest.raises(DataShapeError, match="shape"):
        scan_dwa.data = [np.zeros(3)]
    with pytest.raises(DataAxisError):
        scan_dwa.axes = [Axis("x", data=np.zeros(7), index=0)]
    with pytest.raises(DataIndexError):
        scan_dwa.nav_indexes = (5,)
    scan_dwa.nav_indexes = (0,)
    assert scan_dwa.sig_shape == (3, 4)
    scan_dwa.nav_indexes = ()
    assert scan_dwa.dim is DataDim.DataND  # 3-D without nav indexes is still ND
    with pytest.raises(DataError):
        scan_dwa.name = 3


def test_equality():
    a = DataRaw("a", data=[np.array([1.0, 2.0])], units="m")
    assert a == DataRaw("other_name", data=[np.array([1000.0, 2000.0])], units="mm")
    assert a != DataRaw("a", data=[np.array([1.0, 2.0])], units="s")
    assert a != DataRaw("a", data=[np.array([1.0, 2.5])], units="m")
    assert a != DataRaw("a", data=[np.array([1.0, 2.0])], units="m", errors=[0.1])
    assert (a == 3) is False
