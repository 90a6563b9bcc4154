"""Units handling: one pint registry for the whole of daqcore and small cached helpers.

Units are carried as plain strings (what PyMoDAQ stores in its files); pint is only used to
validate them, to convert values and to compute the units of arithmetic results. Parsing a unit
string is cached, so validating the units of a new DataWithAxes costs a dictionary look-up.

Unlike PyMoDAQ, an unknown or malformed units string is never replaced by dimensionless: it
raises :class:`~daqcore.data.errors.DataUnitsError`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pint

from daqcore.data.errors import DataUnitsError, IncompatibleUnitsError

#: The module-level pint registry used by every daqcore object (short "~" formatting).
ureg = pint.UnitRegistry()
ureg.formatter.default_format = "~"
#: Quantity class bound to :data:`ureg`.
Q_ = ureg.Quantity
Unit = ureg.Unit


@functools.lru_cache(maxsize=1024)
def _parse_units(units: str) -> pint.Unit:
    try:
        return ureg.Unit(units)
    except Exception as error:  # pint raises several unrelated types for bad strings
        raise DataUnitsError(
            f"invalid units {units!r}: pint cannot parse it ({type(error).__name__}: {error})"
        ) from None


def get_unit(units: str | pint.Unit) -> pint.Unit:
    """Return the pint unit of ``units`` (a string or a pint unit).

    Raises
    ------
    DataUnitsError
        If ``units`` is not a string/pint unit or cannot be parsed.
    """
    if isinstance(units, pint.Unit):
        return units
    if not isinstance(units, str):
        raise DataUnitsError(f"units must be a string, got {units!r} ({type(units).__name__})")
    return _parse_units(units.strip())


def format_units(unit: pint.Unit | str) -> str:
    """Short canonical string for ``unit``: ``''`` (dimensionless), ``'m ** 2'``, ``'V / A'``."""
    unit = get_unit(unit)
    if unit == _DIMENSIONLESS:
        return ""
    return f"{unit:~}"


def check_units(units: Any) -> str:
    """Validate ``units`` and return it as a string (stripped; pint units are formatted).

    Raises
    ------
    DataUnitsError
        If pint cannot parse ``units``; the message names the offending string.
    """
    if isinstance(units, str):
        units = units.strip()
        if units in _KNOWN_GOOD:
            return units
        _parse_units(units)
        _KNOWN_GOOD.add(units)
        return units
    if isinstance(units, pint.Unit):
        return format_units(units)
    if units is None:
        return ""
    raise DataUnitsError(f"units must be a string, got {units!r} ({type(units).__name__})")


def is_dimensionless(units: str) -> bool:
    """True for ``''``, ``'dimensionless'`` and any dimensionless unit (e.g. ``'%'``)."""
    return units == "" or get_unit(units).dimensionless


def are_compatible(units_a: str, units_b: str) -> bool:
    """True if values in ``units_a`` can be converted to ``units_b``."""
    if units_a == units_b:
        return True
    return get_unit(units_a).is_compatible_with(get_unit(units_b))


@functools.lru_cache(maxsize=1024)
def _multiplicative_factor(from_units: str, to_units: str) -> float | None:
    """Factor f with value_to = f * value_from, or None for offset units (degC...)."""
    unit_from = get_unit(from_units)
    unit_to = get_unit(to_units)
    if not unit_from.is_compatible_with(unit_to):
        raise IncompatibleUnitsError(
            f"cannot convert from {from_units!r} ({unit_from.dimensionality}) to {to_units!r} "
            f"({unit_to.dimensionality})"
        )
    if not (is_multiplicative(from_units) and is_multiplicative(to_units)):
        return None
    return float(Q_(1.0, unit_from).to(unit_to).magnitude)


@functools.lru_cache(maxsize=1024)
def is_multiplicative(units: str) -> bool:
    """False for units with an offset (degC, degF), where a factor alone does not convert."""
    try:
        return float(Q_(0.0, get_unit(units)).to_base_units().magnitude) == 0.0
    except pint.errors.OffsetUnitCalculusError:
        return False


def conversion_factor(from_units: str, to_units: str) -> float:
    """Multiplicative factor from ``from_units`` to ``to_units`` (e.g. 'm' -> 'mm' = 1000).

    Raises
    ------
    IncompatibleUnitsError
        If the dimensionalities differ, or if the units have an offset (degC ...), where a
        factor is not enough (use :func:`convert_values`).
    """
    factor = _multiplicative_factor(from_units, to_units)
    if factor is None:
        raise IncompatibleUnitsError(
            f"{from_units!r} -> {to_units!r} is not a pure scaling (offset units)"
        )
    return factor


def convert_values(values: Any, from_units: str, to_units: str) -> Any:
    """Return ``values`` (array or scalar) converted; never modifies ``values`` in place."""
    if from_units == to_units:
        return values
    factor = _multiplicative_factor(from_units, to_units)
    if factor is None:
        return Q_(np.asarray(values), get_unit(from_units)).to(get_unit(to_units)).magnitude
    if factor == 1.0:
        return values
    return np.multiply(values, factor)


def convert_errors(errors: Any, from_units: str, to_units: str) -> Any:
    """Convert standard deviations: only the scale matters (offsets cancel)."""
    if from_units == to_units:
        return errors
    factor = _multiplicative_factor(from_units, to_units)
    if factor is None:
        delta_from = ureg.Quantity(1.0, get_unit(from_units))
        # the size of one degree of the source scale, expressed in the target scale
        zero = Q_(0.0, get_unit(from_units)).to(get_unit(to_units)).magnitude
        one = delta_from.to(get_unit(to_units)).magnitude
        factor = one - zero
    if factor == 1.0:
        return errors
    return np.multiply(errors, abs(factor))


_DIMENSIONLESS = ureg.Unit("")
_KNOWN_GOOD: set[str] = {""}

__all__ = [
    "Q_",
    "Unit",
    "are_compatible",
    "check_units",
    "conversion_factor",
    "convert_errors",
    "convert_values",
    "format_units",
    "get_unit",
    "is_dimensionless",
    "is_multiplicative",
    "ureg",
]
