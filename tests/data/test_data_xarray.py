"""Export to xarray (optional dependency)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport, OptionalDependencyError

xr = pytest.importorskip("xarray")


def test_dwa_to_dataset(scan_dwa):
    scan_dwa.add_extra_attribute(gain=2.0, meta={"a": 1})
    ds = scan_dwa.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert set(ds.data_vars) == {"a", "b", "a_errors", "b_errors"}
    assert ds["a"].dims == ("x", "y", "wavelength")
    np.testing.assert_array_equal(ds["b"].values, scan_dwa.data[1])
    np.testing.assert_array_equal(ds["b_errors"].values, scan_dwa.errors[1])
    np.testing.assert_allclose(ds["wavelength"].values, [400.0, 410.0, 420.0, 430.0])
    assert ds["wavelength"].attrs["units"] == "nm" and ds["a"].attrs["units"] == "V"
    assert ds["a"].attrs["ancillary_variables"] == "a_errors"
    assert ds.attrs["nav_indexes"] == [0, 1] and ds.attrs["dim"] == "DataND"
    assert ds.attrs["gain"] == 2.0 and ds.attrs["meta"] == "{'a': 1}"
    selected = ds["a"].sel(wavelength=420.0)
    np.testing.assert_array_equal(selected.values, scan_dwa.data[0][:, :, 2])


def test_missing_axes_and_duplicate_labels():
    dwa = DataRaw("img", data=[np.zeros((2, 3)), np.ones((2, 3))], labels=["c", "c"],
                  axes=[Axis("c", "", np.arange(3.0), index=1)])
    ds = dwa.to_xarray()
    assert set(ds.data_vars) == {"c_1", "c_2"}  # renamed: 'c' is the axis coordinate
    assert ds["c_1"].dims == ("dim_0", "c") and ds["c_2"].attrs["label"] == "c"


def test_spread_axes_become_coordinates():
    rng = np.random.default_rng(0)
    dwa = DataRaw("s", data=[rng.random((5, 3))], distribution="spread", nav_indexes=(0,),
                  axes=[Axis("xs", "mm", rng.random(5), index=0, spread_order=0),
                        Axis("ys", "mm", rng.random(5), index=0, spread_order=1)])
    ds = dwa.to_xarray()
    assert ds["CH00"].dims == ("spread_0", "dim_1")
    assert ds["ys"].dims == ("spread_0",) and ds["ys"].attrs["spread_order"] == 1


def test_dte_to_tree_and_dataset():
    dte = DataToExport("det", data=[DataRaw("p", data=[np.array([1.0])], units="W"),
                                    DataRaw("s", data=[np.arange(4.0)], origin="other")],
                       run=3)
    tree = dte.to_xarray()
    assert isinstance(tree, xr.DataTree)
    assert tree["det/p"].dataset["CH00"].attrs["units"] == "W"
    np.testing.assert_array_equal(tree["other/s"].dataset["CH00"].values, np.arange(4.0))
    assert tree.attrs["name"] == "det" and tree.attrs["run"] == 3
    flat = dte.to_xarray(as_tree=False)
    assert set(flat.data_vars) == {"det/p/CH00", "other/s/CH00"}
    assert flat.attrs["name"] == "det"


def test_clear_error_without_xarray(monkeypatch, scan_dwa):
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(OptionalDependencyError, match="xarray"):
        scan_dwa.to_xarray()
    with pytest.raises(ImportError):
        scan_dwa.as_dte().to_xarray()


def test_round_trip_through_xarray(scan_dwa):
    from daqcore.data import DataFromPlugins, DataWithAxes

    scan_dwa.origin = "det"
    back = DataWithAxes.from_xarray(scan_dwa.to_xarray())
    assert back == scan_dwa and type(back) is DataRaw
    assert back.labels == ["a", "b"] and back.origin == "det"
    assert back.timestamp == scan_dwa.timestamp and back.units == "V"
    plugin = DataFromPlugins("p", data=[np.ones(3)], do_plot=False, extra=3)
    plugin_back = DataWithAxes.from_xarray(plugin.to_xarray())
    assert type(plugin_back) is DataFromPlugins and plugin_back.do_plot is False
    assert plugin_back.extra == 3


def test_round_trip_spread():
    from daqcore.data import DataWithAxes

    rng = np.random.default_rng(3)
    dwa = DataRaw("s", data=[rng.random((5, 3))], distribution="spread", nav_indexes=(0,),
                  axes=[Axis("xs", "mm", rng.random(5), index=0, spread_order=0),
                        Axis("ys", "mm", rng.random(5), index=0, spread_order=1)])
    back = DataWithAxes.from_xarray(dwa.to_xarray())
    assert back == dwa and back.distribution.name == "spread"


def test_from_generic_dataarray():
    from daqcore.data import DataShapeError, DataWithAxes

    array = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), coords={"x": [1.0, 2.0, 4.0]},
                         name="img", attrs={"units": "K"})
    dwa = DataWithAxes.from_xarray(array)
    assert dwa.name == "img" and dwa.units == "K" and dwa.shape == (2, 3)
    assert [(a.label, a.index) for a in dwa.axes] == [("x", 1)]
    mixed = xr.Dataset({"a": (("x",), np.zeros(3)), "b": (("y",), np.zeros(2))})
    with pytest.raises(DataShapeError, match="share"):
        DataWithAxes.from_xarray(mixed)


def test_dte_round_trip_through_datatree():
    dte = DataToExport("det", data=[
        DataRaw("p", data=[np.array([1.0])], units="W"),
        DataRaw("s", data=[np.arange(4.0)], origin="other", errors=[np.ones(4)],
                axes=[Axis("t", "s", np.linspace(0.0, 3.0, 4))]),
    ], run=3)
    back = DataToExport.from_xarray(dte.to_xarray())
    assert back == dte and back.get_full_names() == ["det/p", "other/s"]
    assert back.run == 3 and back.timestamp == dte.timestamp and back.name == "det"
    single = DataToExport.from_xarray(dte[1].to_xarray())
    assert single.get_full_names() == ["other/s"]
