"""Enums of the data model and the units helpers."""

from __future__ import annotations

import numpy as np
import pint
import pytest

from daqcore.data import DataDim, DataDistribution, DataSource, DataUnitsError, ureg
from daqcore.data.errors import IncompatibleUnitsError
from daqcore.data.units import (
    check_units,
    conversion_factor,
    convert_errors,
    convert_values,
    format_units,
    is_dimensionless,
)
from daqcore.errors import DaqcoreError


def test_enum_values_and_names_match_pymodaq():
    from pymodaq_data import data as pmd

    for ours, theirs in ((DataDim, pmd.DataDim), (DataSource, pmd.DataSource),
                         (DataDistribution, pmd.DataDistribution)):
        assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in theirs]


def test_datadim_ordering_and_from_str():
    assert DataDim.Data0D < DataDim.Data1D < DataDim.Data2D < DataDim.DataND
    assert DataDim.Data2D >= "Data1D"
    assert DataDim.from_str("Data1D") is DataDim.Data1D
    assert DataDim.coerce(2) is DataDim.Data2D
    assert str(DataDim.DataND) == "DataND"
    with pytest.raises(ValueError, match="Data4D"):
        DataDim.from_str("Data4D")
    assert DataSource.coerce("calculated") is DataSource.calculated
    assert DataDistribution.names() == ["uniform", "spread"]
    assert DataDim.Data1D == "Data1D" and DataDim.Data1D != "Data2D"
    assert {DataDim.Data1D: 1}["Data1D"] == 1
    assert DataSource.values() == [0, 1]
    assert DataSource.to_dict() == {"raw": 0, "calculated": 1}
    assert DataSource.to_dict_value() == {0: "raw", 1: "calculated"}


def test_check_units_accepts_valid_and_rejects_invalid():
    assert check_units("mm") == "mm"
    assert check_units(" V ") == "V"
    assert check_units("") == ""
    assert check_units(ureg.Unit("m") / ureg.Unit("s")) == "m / s"
    for bad in ("furlongz", "m+", "3 m", "kg**"):
        with pytest.raises(DataUnitsError, match=repr(bad).strip("'")[:3]):
            check_units(bad)
    with pytest.raises(DataUnitsError):
        check_units(3)


def test_units_errors_are_daqcore_and_builtin():
    with pytest.raises(DaqcoreError):
        check_units("nonsense_unit")
    with pytest.raises(ValueError):
        check_units("nonsense_unit")


def test_conversions():
    assert conversion_factor("m", "mm") == pytest.approx(1000.0)
    np.testing.assert_allclose(convert_values(np.array([0.0, 100.0]), "degC", "K"),
                               [273.15, 373.15])
    np.testing.assert_allclose(convert_errors(np.array([1.0]), "degC", "K"), [1.0])
    np.testing.assert_allclose(convert_errors(np.array([1.0]), "degC", "degF"), [1.8])
    np.testing.assert_allclose(convert_errors(np.array([2.0]), "m", "mm"), [2000.0])
    with pytest.raises(IncompatibleUnitsError, match="'s'"):
        conversion_factor("m", "s")
    with pytest.raises(IncompatibleUnitsError):
        conversion_factor("degC", "K")
    original = np.array([1.0, 2.0])
    convert_values(original, "m", "mm")
    np.testing.assert_array_equal(original, [1.0, 2.0])


def test_format_and_dimensionless():
    assert format_units("dimensionless") == ""
    assert format_units(ureg.Unit("m") * ureg.Unit("m")) == "m ** 2"
    assert is_dimensionless("")
    assert is_dimensionless("%")
    assert not is_dimensionless("m")
    assert isinstance(ureg, pint.UnitRegistry)
