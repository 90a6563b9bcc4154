"""Conversion and bytes exchange with PyMoDAQ (pymodaq_data / pymodaq_utils / pymodaq)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import (
    Axis,
    DataActuator,
    DataCalculated,
    DataFromPlugins,
    DataRaw,
    DataToExport,
    DataWithAxes,
)
from daqcore.interop.pymodaq import (
    PyMoDAQConversionError,
    deserialize,
    from_pymodaq,
    serialize,
    to_pymodaq,
)

pmd = pytest.importorskip("pymodaq_data.data")


def _uniform() -> DataRaw:
    return DataRaw("spectra", data=[np.arange(12.0).reshape(3, 4), -np.arange(12.0).reshape(3, 4)],
                   labels=["a", "b"], units="mV", origin="det", nav_indexes=(0,),
                   axes=[Axis("x", "mm", np.array([0.0, 0.5, 2.0]), index=0),
                         Axis("wl", "nm", offset=500.0, scaling=2.0, size=4, index=1)],
                   errors=[np.full((3, 4), 0.1), np.full((3, 4), 0.2)], gain=3, tag="run 1")


def _spread() -> DataCalculated:
    return DataCalculated("points", data=[np.array([1.0, 2.0, 3.0, 4.0])], units="V",
                          distribution="spread", nav_indexes=(0,),
                          axes=[Axis("x", "mm", np.array([0.1, 0.9, 0.4, 0.3]), index=0,
                                     spread_order=0),
                                Axis("y", "mm", np.array([1.0, 0.2, 0.7, 0.5]), index=0,
                                     spread_order=1)])


def _complex() -> DataFromPlugins:
    return DataFromPlugins("iq", data=[np.array([1 + 2j, 3 - 1j])], units="V")


CASES = [_uniform, _spread, _complex,
         lambda: DataActuator("x", data=[np.array([1.5])], units="mm"),
         lambda: DataWithAxes("plain", source="calculated", data=[np.ones((2, 2))])]


def _assert_same_dwa(ours: DataWithAxes, theirs: object) -> None:
    assert ours.name == theirs.name and ours.origin == theirs.origin
    assert ours.units == theirs.units and list(ours.labels) == list(theirs.labels)
    assert ours.source.name == theirs.source.name and ours.dim.name == theirs.dim.name
    assert ours.distribution.name == theirs.distribution.name
    assert tuple(ours.nav_indexes) == tuple(theirs.nav_indexes)
    assert ours.timestamp == theirs.timestamp
    for a, b in zip(ours.data, theirs.data, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    if ours.errors is None:
        assert not theirs.errors
    else:
        for a, b in zip(ours.errors, theirs.errors, strict=True):
            np.testing.assert_array_equal(a, b)
    assert len(ours.axes) == len(theirs.axes)
    for a, b in zip(ours.axes, theirs.axes, strict=True):
        assert (a.label, a.units, a.index, a.spread_order) == \
            (b.label, b.units, b.index, b.spread_order)
        np.testing.assert_allclose(a.get_data(), b.get_data())
    assert sorted(ours.extra_attributes) == sorted(theirs.extra_attributes)
    for name in ours.extra_attributes:
        assert getattr(ours, name) == getattr(theirs, name)


@pytest.mark.parametrize("make", CASES)
def test_dwa_to_pymodaq_keeps_every_field_and_comes_back_equal(make):
    ours = make()
    theirs = to_pymodaq(ours)
    assert type(theirs).__module__.startswith("pymodaq")
    assert type(theirs).__name__ == type(ours).__name__
    _assert_same_dwa(ours, theirs)
    back = from_pymodaq(theirs)
    assert type(back) is type(ours)
    assert back == ours
    _assert_same_dwa(back, theirs)


def test_linear_axis_stays_linear_both_ways():
    axis = Axis("wl", "nm", offset=500.0, scaling=2.0, size=4, index=1)
    theirs = to_pymodaq(axis)
    assert theirs.is_axis_linear() and theirs.offset == 500.0 and theirs.scaling == 2.0
    back = from_pymodaq(theirs)
    assert back.is_axis_linear() and back.size == 4 and back == axis


def test_pymodaq_objects_convert_to_equal_daqcore_objects():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataRaw("d", data=[np.arange(10.0).reshape(2, 5)], units="V", origin="o",
                             nav_indexes=(0,), axes=[pmd.Axis("t", "s", np.arange(5.0), index=1)],
                             errors=[np.ones((2, 5))], extra=3)
        dte = pmd.DataToExport("dte", data=[theirs], note="n")
    ours = from_pymodaq(dte)
    assert isinstance(ours, DataToExport) and ours.name == "dte" and ours.note == "n"
    assert ours.timestamp == dte.timestamp
    _assert_same_dwa(ours[0], theirs)
    again = to_pymodaq(ours)
    assert again == dte and again.note == "n"


def test_dte_round_trip_keeps_order_kinds_and_extras():
    dte = DataToExport("all", data=[case() for case in CASES], operator="me")
    theirs = to_pymodaq(dte)
    assert [type(d).__name__ for d in theirs] == [type(d).__name__ for d in dte]
    assert theirs.operator == "me" and theirs.timestamp == dte.timestamp
    back = from_pymodaq(theirs)
    assert back == dte and back.operator == "me"


@pytest.mark.parametrize("bad", [5, "text", np.zeros(3), [DataRaw("a", data=[np.ones(1)])]])
def test_non_data_objects_are_refused_with_a_type_error(bad):
    with pytest.raises(PyMoDAQConversionError, match="converts") as info:
        to_pymodaq(bad)
    assert isinstance(info.value, TypeError)
    with pytest.raises(PyMoDAQConversionError):
        from_pymodaq(bad)


# ------------------------------------------------------------------------------- bytes
@pytest.fixture(scope="module")
def serializer():
    from serializall.factory import SerializableFactory

    return SerializableFactory()


def test_our_bytes_deserialise_in_pymodaq_to_the_converted_object(serializer):
    dte = DataToExport("wire", data=[_uniform(), _spread()], run=7)
    theirs = serializer.get_apply_deserializer(serialize(dte))
    assert theirs == to_pymodaq(dte)
    assert theirs.run == 7
    _assert_same_dwa(dte[0], theirs[0])


def test_pymodaq_bytes_deserialise_in_daqcore_to_the_converted_object(serializer):
    theirs = to_pymodaq(DataToExport("wire", data=[_uniform(), _complex()]))
    ours = deserialize(serializer.get_apply_serializer(theirs))
    assert ours == from_pymodaq(theirs)
    _assert_same_dwa(ours[0], theirs[0])
    assert serialize(ours) == serializer.get_apply_serializer(theirs)
