"""Binary serialization: byte-identical to PyMoDAQ's serializall, both directions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import Axis, DataActuator, DataCalculated, DataFromPlugins, DataRaw, DataToExport
from daqcore.data.serialization import SerializationError, deserialize, serialize


@pytest.fixture(scope="module")
def factory():
    from pymodaq_data import data as pmd
    from serializall.factory import SerializableFactory

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pmd.DataRaw("register", data=[np.zeros(1)])  # kinds register on first instantiation
        pmd.DataCalculated("register", data=[np.zeros(1)])
        pmd.DataToExport("register", data=[])
        pmd.Axis("register", data=np.zeros(2))
    return SerializableFactory()


@pytest.mark.parametrize("value", [1, 2.5, 1 + 2j, True, "héllo", b"xy", None, [1, "a"],
                                   (1, 2.0), {"a": 1, "b": [2]},
                                   np.arange(6.0).reshape(2, 3), np.array([1, 2], np.int16),
                                   np.array([1 + 1j])])
def test_builtin_values_are_byte_identical(factory, value):
    assert serialize(value) == factory.get_apply_serializer(value)
    back = deserialize(factory.get_apply_serializer(value))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    else:
        assert back == value and type(back) is type(value)


def test_negative_int_round_trip():
    assert deserialize(serialize(-7)) == -7


def _pair():
    from pymodaq_data import data as pmd

    values = np.arange(10.0).reshape(2, 5)
    ours = DataRaw("d", data=[values], units="V", origin="o", nav_indexes=(0,),
                   axes=[Axis("t", "s", np.arange(5.0), index=1)], errors=[np.ones((2, 5))],
                   extra=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataRaw("d", data=[values], units="V", origin="o", nav_indexes=(0,),
                             axes=[pmd.Axis("t", "s", np.arange(5.0), index=1)],
                             errors=[np.ones((2, 5))], extra=3)
    theirs.timestamp = ours.timestamp
    return ours, theirs


def test_dwa_bytes_identical_to_pymodaq(factory):
    ours, theirs = _pair()
    assert serialize(ours) == factory.get_apply_serializer(theirs)


def test_pymodaq_reads_ours_and_we_read_theirs(factory):
    ours, theirs = _pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read_by_pymodaq = factory.get_apply_deserializer(serialize(ours))
    assert read_by_pymodaq.units == "V" and read_by_pymodaq.extra == 3
    np.testing.assert_array_equal(read_by_pymodaq.data[0], ours.data[0])
    np.testing.assert_array_equal(read_by_pymodaq.errors[0], ours.errors[0])
    assert tuple(read_by_pymodaq.nav_indexes) == (0,)
    read_by_us = deserialize(factory.get_apply_serializer(theirs))
    assert read_by_us == ours and read_by_us.extra == 3 and read_by_us.origin == "o"
    assert read_by_us.timestamp == ours.timestamp and type(read_by_us) is DataRaw


def test_dte_round_trip_with_all_kinds():
    dte = DataToExport("det", data=[
        DataFromPlugins("p", data=[np.ones(3)], do_plot=False),
        DataActuator("a", data=2.5, units="mm"),
        DataCalculated("c", data=[np.zeros((2, 2))], labels=["z"]),
        DataRaw("s", data=[np.ones((4, 2))], distribution="spread", nav_indexes=(0,),
                axes=[Axis("x", "", np.random.default_rng(0).random(4), index=0),
                      Axis("y", "", np.random.default_rng(1).random(4), index=0,
                           spread_order=1)]),
    ], settings="<xml/>")
    back = deserialize(serialize(dte))
    assert back == dte and back.settings == "<xml/>" and back.timestamp == dte.timestamp
    assert [type(item).__name__ for item in back] == ["DataFromPlugins", "DataActuator",
                                                      "DataCalculated", "DataRaw"]
    assert back[0].do_plot is False and back[1].value("um") == 2500.0
    assert back[3].distribution.name == "spread" and back[2].labels == ["z"]


def test_malformed_bytes_raise():
    good = serialize(DataRaw("x", data=[np.arange(3.0)]))
    with pytest.raises(SerializationError, match="truncated"):
        deserialize(good[:-5])
    with pytest.raises(SerializationError, match="trailing"):
        deserialize(good + b"\x00")
    with pytest.raises(SerializationError, match="unknown serialized type"):
        deserialize(serialize("x").replace(b"str", b"foo"))
    with pytest.raises(SerializationError, match="cannot serialize"):
        serialize(object())
    with pytest.raises(SerializationError, match="dtype"):
        serialize(np.array([object()]))
