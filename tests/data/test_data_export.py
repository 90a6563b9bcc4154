"""DataToExport: construction, look-ups, append/replace, merge, arithmetic, copies."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import (
    Axis,
    DataCalculated,
    DataDim,
    DataError,
    DataIndexError,
    DataRaw,
    DataShapeError,
    DataToExport,
    IncompatibleUnitsError,
)


def _items():
    return [
        DataRaw("power", data=[np.array([1.5])], units="W", origin="meter"),
        DataRaw("spectrum", data=[np.arange(5.0)], units="V",
                axes=[Axis("wl", "nm", np.linspace(400.0, 440.0, 5))]),
        DataCalculated("image", data=[np.zeros((3, 4))], units="V"),
        DataRaw("temperature", data=[np.array([20.0])], units="degC"),
    ]


def test_construction_sets_missing_origins_in_place():
    items = _items()
    dte = DataToExport("det0", data=items, settings="<xml/>")
    assert dte.name == "det0" and len(dte) == 4 and dte.settings == "<xml/>"
    assert items[1].origin == "det0" and items[0].origin == "meter"
    assert dte[1] is items[1] and dte.data[-1] is items[3] and dte[-1] is items[3]
    assert dte.get_full_names() == ["meter/power", "det0/spectrum", "det0/image",
                                    "det0/temperature"]
    assert dte.get_origins() == ["meter", "det0"]
    assert dte.extra_attributes == ["settings"]
    assert "DataToExport: det0 <len:4>" in repr(dte)
    assert isinstance(dte.timestamp, float)


def test_lookups_match_pymodaq():
    from pymodaq_data import data as pmd

    dte = DataToExport("det0", data=_items())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataToExport("det0", data=[
            pmd.DataRaw("power", data=[np.array([1.5])], units="W", origin="meter"),
            pmd.DataRaw("spectrum", data=[np.arange(5.0)], units="V"),
            pmd.DataCalculated("image", data=[np.zeros((3, 4))], units="V"),
            pmd.DataRaw("temperature", data=[np.array([20.0])], units="degC"),
        ])
    for dim in ("Data0D", "Data1D", "Data2D", "DataND"):
        assert dte.get_names(dim) == theirs.get_names(dim)
        assert dte.get_full_names(dim) == theirs.get_full_names(dim)
    assert dte.get_full_names() == theirs.get_full_names()
    assert sorted(dte.get_origins()) == sorted(theirs.get_origins())
    assert dte.get_data_from_source("calculated").get_names() == \
        theirs.get_data_from_source("calculated").get_names()
    assert dte.get_dim_presents() == theirs.get_dim_presents()


def test_lookups():
    dte = DataToExport("det0", data=_items())
    assert dte.get_data_from_name("spectrum").units == "V"
    assert dte.get_data_from_name("nope") is None
    assert dte.get_data_from_full_name("meter/power").value() == 1.5
    assert dte.get_data_from_full_name("det0/power") is None
    copy = dte.get_data_from_full_name("meter/power", deepcopy=True)
    assert copy is not dte[0] and copy == dte[0]
    assert dte.get_data_from_name_origin("power", "meter") is dte[0]
    assert dte.get_data_from_name_origin("power") is dte[0]
    assert dte.get_data_from_name_origin("power", "det0") is None
    assert dte.get_data_from_dim(DataDim.Data0D).get_names() == ["power", "temperature"]
    assert dte.get_data_from_dims(["Data2D", "Data0D"]).get_names() == [
        "image", "power", "temperature"]
    assert dte.get_data_from_dim("Data0D", sort_by_name=True).get_names() == [
        "power", "temperature"]
    assert dte.get_data_from_source("raw").get_names() == ["power", "spectrum", "temperature"]
    assert dte.get_data_from_names(["image", "power"]).get_names() == ["power", "image"]
    assert dte.get_data_from_origins("meter").get_names() == ["power"]
    assert dte.get_data_from_full_names(["det0/image", "meter/power"]).get_names() == [
        "image", "power"]
    assert dte.get_data_from_attribute("units", "V").get_names() == ["spectrum", "image"]
    assert dte.get_data_from_sig_axes(2).get_names() == ["image"]
    assert dte.get_data_from_Naxes(1).get_names() == ["power", "spectrum", "temperature"]
    assert dte.get_data_with_naxes_lower_than(0).get_names() == ["power", "image",
                                                                 "temperature"]
    assert dte.index_from_name_origin("image") == 2
    assert dte.index(dte[1]) == 1
    assert dte[1:3].get_names() == ["spectrum", "image"]
    with pytest.raises(DataIndexError, match="7"):
        dte[7]


def test_append_copies_and_replaces_same_full_name():
    dte = DataToExport("det0", data=_items())
    new = DataRaw("spectrum", data=[np.ones(5)], units="V")
    dte.append(new)
    assert len(dte) == 4 and dte.get_data_from_name("spectrum").data[0][0] == 1.0
    assert dte.get_data_from_name("spectrum") is not new and new.origin == ""
    assert dte.get_full_names()[-1] == "det0/spectrum"
    dte.append(DataRaw("spectrum", data=[np.ones(5)], origin="other"))
    assert len(dte) == 5
    dte.append([DataRaw("a", data=[np.ones(1)]), DataRaw("b", data=[np.ones(1)])])
    other = DataToExport("x", data=[DataRaw("c", data=[np.ones(1)])])
    dte.append(other)
    assert dte.get_names()[-3:] == ["a", "b", "c"] and dte[-1].origin == "x"
    with pytest.raises(DataError, match="DataWithAxes"):
        dte.append(np.ones(3))


def test_bad_construction():
    with pytest.raises(DataError, match="unique"):
        DataToExport("d", data=[DataRaw("a", data=[np.ones(1)]), DataRaw("a", data=[np.ones(2)])])
    with pytest.raises(DataError, match="list"):
        DataToExport("d", data=DataRaw("a", data=[np.ones(1)]))
    with pytest.raises(DataError, match="'x'"):
        DataToExport("d", data=["x"])
    with pytest.raises(DataError):
        DataToExport(3)


def test_pop_remove_setitem():
    items = _items()
    dte = DataToExport("det0", data=items)
    assert dte.pop(0) is items[0] and len(dte) == 3
    assert dte.remove(items[2]) is items[2]
    with pytest.raises(DataError):
        dte.remove(items[2])
    dte[0] = items[0]
    assert dte[0] is items[0]
    with pytest.raises(DataIndexError):
        dte[5] = items[0]


def test_merge_as_dwa():
    dte = DataToExport("det", data=[
        DataRaw("a", data=[np.array([1.0])], units="V", labels=["la"]),
        DataRaw("b", data=[np.array([2000.0])], units="mV", labels=["lb"]),
        DataRaw("c", data=[np.arange(3.0)], units="V"),
    ])
    merged = dte.merge_as_dwa("Data0D")
    assert merged.name == "det" and merged.labels == ["la", "lb"]
    assert merged.values() == [1.0, 2.0] and merged.units == "V"
    assert dte.merge_as_dwa("Data0D", name="both").name == "both"
    assert dte.merge_as_dwa("Data2D") is None
    dte.append(DataRaw("d", data=[np.arange(4.0)], units="V"))
    with pytest.raises(DataShapeError, match="shape"):
        dte.merge_as_dwa("Data1D")
    dte2 = DataToExport("det", data=[DataRaw("a", data=[np.array([1.0])], units="V"),
                                     DataRaw("b", data=[np.array([1.0])], units="s")])
    with pytest.raises(IncompatibleUnitsError):
        dte2.merge_as_dwa("Data0D")


def test_arithmetic_by_position():
    signal = DataToExport("sig", data=[DataRaw("a", data=[np.array([5.0])], units="V",
                                               errors=[np.array([0.3])]),
                                       DataRaw("b", data=[np.arange(3.0)], units="V")])
    background = DataToExport("bkg", data=[DataRaw("x", data=[np.array([1.0])], units="V",
                                                   errors=[np.array([0.4])]),
                                           DataRaw("y", data=[np.ones(3)], units="V")])
    corrected = signal - background
    assert corrected.get_full_names() == ["sig/a_subtract", "sig/b_subtract"]  # PyMoDAQ's
    assert corrected[0].value() == 4.0 and corrected[0].errors[0][0] == pytest.approx(0.5)
    np.testing.assert_allclose(corrected[1].data[0], [-1.0, 0.0, 1.0])
    assert (signal * 2)[0].value() == 10.0 and (2 * signal)[0].value() == 10.0
    assert (signal / 5)[0].value() == 1.0
    assert signal[0].value() == 5.0
    with pytest.raises(DataShapeError, match="lengths"):
        signal + DataToExport("z", data=[DataRaw("q", data=[np.ones(1)])])
    with pytest.raises(IncompatibleUnitsError):
        signal + 1
    with pytest.raises(TypeError):
        signal + "text"


def test_deepcopy_and_equality():
    dte = DataToExport("det0", data=_items(), settings="<xml/>")
    twin = dte.deepcopy()
    assert twin == dte and twin.name == "det0" and twin.settings == "<xml/>"
    assert twin[0] is not dte[0] and twin[0].data[0] is not dte[0].data[0]
    twin[0].data[0][0] = 0.0
    assert dte[0].value() == 1.5 and twin != dte


def test_dte_average_by_position():
    new = DataToExport("d", data=[DataRaw("a", data=[np.array([4.0])], errors=[np.array([1.0])])])
    old = DataToExport("d", data=[DataRaw("a", data=[np.array([1.0])], errors=[np.array([0.5])])])
    averaged = new.average(old, 3)
    assert averaged[0].value() == pytest.approx(1.75) and averaged.get_full_names() == ["d/a"]
    assert averaged[0].errors[0][0] == pytest.approx(np.hypot(1.5, 1.0) / 4)
    with pytest.raises(DataShapeError):
        new.average(DataToExport("x", data=[]), 1)
