"""Units handling: one pint registry for the whole of daqcore, created on first use.

Units are carried as plain strings (what PyMoDAQ stores in its files); pint is only used to
validate them, to convert values and to compute the units of arithmetic results. pint is
imported, and the registry built, the first time a non-empty units string has to be checked or
converted (about 0.2-0.3 s), not when :mod:`daqcore.data` is imported: data without units, and
units strings already validated, never touch pint. Parsing a units string is cached, so
validating the units of a new DataWithAxes costs a dictionary look-up.

Unlike PyMoDAQ, an unknown or malformed units string is never replaced by dimensionless: it
raises :class:`~daqcore.data.errors.DataUnitsError`.

``ureg``, ``Q_`` and ``Unit`` are module attributes resolved on access (PEP 562), so
``from daqcore.data.units import ureg`` works and creates the registry at that moment.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.errors import DataUnitsError, IncompatibleUnitsError, UnitsTypeError

if TYPE_CHECKING:
    import pint

_REGISTRY: pint.UnitRegistry | None = None
_REGISTRY_LOCK = threading.Lock()
#: classes pint must treat as "upcast" types (``Quantity * dwa`` defers to the DWA)
_UPCAST_TYPES: list[type] = []


def get_registry() -> pint.UnitRegistry:
    """The daqcore pint registry (short ``~`` formatting), created (and pint imported) once,
    whichever thread asks first (instruments grab in their own threads)."""
    global _REGISTRY
    if _REGISTRY is None:
        with _REGISTRY_LOCK:
            if _REGISTRY is None:
                import pint

                registry: pint.UnitRegistry = pint.UnitRegistry()
                registry.formatter.default_format = "~"
                for cls in _UPCAST_TYPES:
                    _register_upcast_now(cls)
                _REGISTRY = registry
    return _REGISTRY


def _register_upcast_now(cls: type) -> None:
    pint_module = sys.modules.get("pint")
    upcast_map = getattr(getattr(pint_module, "compat", None), "upcast_type_map", None)
    if isinstance(upcast_map, dict):
        upcast_map[f"{cls.__module__}.{cls.__qualname__}"] = cls


def register_upcast_type(cls: type) -> None:
    """Make pint defer to ``cls`` (``Quantity * dwa`` reaches the DWA's ``__array_ufunc__``
    instead of wrapping it in a Quantity), as pint does for xarray objects.

    Registered at once when pint is already imported, else the moment pint is imported, by
    daqcore or by anyone (:class:`_PintCompatHook`).
    """
    _UPCAST_TYPES.append(cls)
    if "pint.compat" in sys.modules:
        _register_upcast_now(cls)


class _PintCompatHook:
    """Import hook that registers daqcore's upcast types right after ``pint.compat`` runs,
    so ``Quantity * dwa`` works even when the script imports pint after daqcore.data. It
    removes itself from ``sys.meta_path`` once done. (A plain class with ``find_spec``:
    ``importlib.abc`` alone costs ~10 ms of imports.)"""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "pint.compat":
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            for cls in _UPCAST_TYPES:
                module.upcast_type_map[f"{cls.__module__}.{cls.__qualname__}"] = cls

        loader.exec_module = exec_module  # this spec's own loader instance
        return spec


if "pint.compat" not in sys.modules:
    sys.meta_path.insert(0, _PintCompatHook())


def is_quantity(obj: Any) -> bool:
    """True for a pint Quantity of any registry (False without importing pint if it is not
    imported: then no Quantity can exist)."""
    # pint may be half-imported by another thread: no Quantity class yet, so no Quantity
    quantity_class = getattr(sys.modules.get("pint"), "Quantity", None)
    if quantity_class is None or not isinstance(obj, quantity_class):
        return False
    if _REGISTRY is None:  # a Quantity from another registry: make sure ours exists too
        get_registry()
    return True


def quantity(value: Any, units: Any) -> pint.Quantity:
    """``Q_(value, units)`` in the daqcore registry."""
    unit = units if not isinstance(units, str) else get_unit(units)
    return get_registry().Quantity(value, unit)


def __getattr__(name: str) -> Any:
    if name == "ureg":
        return get_registry()
    if name == "Q_":
        return get_registry().Quantity
    if name == "Unit":
        return get_registry().Unit
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _pint_incompatible_class() -> type[IncompatibleUnitsError]:
    """The class actually raised: daqcore's IncompatibleUnitsError and pint's
    DimensionalityError (what PyMoDAQ raises for incompatible units)."""
    import pint

    class PintIncompatibleUnitsError(IncompatibleUnitsError, pint.DimensionalityError):
        __doc__ = IncompatibleUnitsError.__doc__

        def __init__(self, message: str, units1: Any = "", units2: Any = "",
                     dim1: str = "", dim2: str = "") -> None:
            Exception.__init__(self, message)
            self.units1 = units1
            self.units2 = units2
            self.dim1 = dim1
            self.dim2 = dim2
            self.extra_msg = ""

        def __str__(self) -> str:
            return str(self.args[0]) if self.args else ""

        def __reduce__(self) -> tuple[Any, ...]:
            return (incompatible_units_error,
                    (str(self), self.units1, self.units2, self.dim1, self.dim2))

    PintIncompatibleUnitsError.__name__ = "IncompatibleUnitsError"
    PintIncompatibleUnitsError.__qualname__ = "IncompatibleUnitsError"
    PintIncompatibleUnitsError.__module__ = "daqcore.data.errors"
    return PintIncompatibleUnitsError


def incompatible_units_error(message: str, units1: Any = "", units2: Any = "",
                             dim1: str = "", dim2: str = "") -> IncompatibleUnitsError:
    """An :class:`IncompatibleUnitsError` that is also a ``pint.DimensionalityError``."""
    return _pint_incompatible_class()(message, units1, units2, dim1, dim2)


@functools.lru_cache(maxsize=1024)
def _parse_units(units: str) -> pint.Unit:
    registry = get_registry()
    try:
        return registry.Unit(units)
    except Exception as error:  # pint raises several unrelated types for bad strings
        raise DataUnitsError(
            f"invalid units {units!r}: pint cannot parse it ({type(error).__name__}: {error})"
        ) from None


def _is_pint_unit(units: Any) -> bool:
    unit_class = getattr(sys.modules.get("pint"), "Unit", None)  # None while half-imported
    return unit_class is not None and isinstance(units, unit_class)


def get_unit(units: Any) -> pint.Unit:
    """Return the pint unit of ``units`` (a string or a pint unit).

    Raises
    ------
    DataUnitsError
        If ``units`` cannot be parsed; :class:`UnitsTypeError` if it is not a string.
    """
    if _is_pint_unit(units):
        return units
    if not isinstance(units, str):
        raise UnitsTypeError(f"units must be a string, got {units!r} ({type(units).__name__})")
    return _parse_units(units.strip())


@functools.lru_cache(maxsize=1024)
def _format_parsed(unit: Any) -> str:
    if unit.dimensionless and not unit._units:
        return ""
    return f"{unit:~}"


def format_units(unit: Any) -> str:
    """Short canonical string for ``unit``: ``''`` (dimensionless), ``'m ** 2'``, ``'V / A'``."""
    if unit == "":
        return ""
    return _format_parsed(get_unit(unit))


def check_units(units: Any) -> str:
    """Validate ``units`` and return it as a string (stripped; pint units are formatted).

    Raises
    ------
    DataUnitsError
        If pint cannot parse ``units``; the message names the offending string.
    UnitsTypeError
        If ``units`` is not a string (also a ``TypeError``, as in PyMoDAQ).
    """
    if isinstance(units, str):
        units = units.strip()
        if units in _KNOWN_GOOD:
            return units
        _parse_units(units)
        _KNOWN_GOOD.add(units)
        return units
    if units is None:
        return ""
    if _is_pint_unit(units):
        return format_units(units)
    raise UnitsTypeError(f"units must be a string, got {units!r} ({type(units).__name__})")


def is_dimensionless(units: str) -> bool:
    """True for ``''``, ``'dimensionless'`` and any dimensionless unit (e.g. ``'%'``)."""
    return units == "" or bool(get_unit(units).dimensionless)


def are_compatible(units_a: str, units_b: str) -> bool:
    """True if values in ``units_a`` can be converted to ``units_b``."""
    if units_a == units_b:
        return True
    return bool(get_unit(units_a).is_compatible_with(get_unit(units_b)))


def _incompatible(from_units: str, to_units: str, unit_from: pint.Unit,
                  unit_to: pint.Unit) -> IncompatibleUnitsError:
    return incompatible_units_error(
        f"cannot convert from {from_units!r} ({unit_from.dimensionality}) to {to_units!r} "
        f"({unit_to.dimensionality})",
        from_units, to_units, str(unit_from.dimensionality), str(unit_to.dimensionality))


@functools.lru_cache(maxsize=1024)
def _multiplicative_factor(from_units: str, to_units: str) -> float | None:
    """Factor f with value_to = f * value_from, or None for offset units (degC...)."""
    if from_units == to_units and is_multiplicative(from_units):
        return 1.0
    unit_from = get_unit(from_units)
    unit_to = get_unit(to_units)
    if not unit_from.is_compatible_with(unit_to):
        raise _incompatible(from_units, to_units, unit_from, unit_to)
    if not (is_multiplicative(from_units) and is_multiplicative(to_units)):
        return None
    return float(quantity(1.0, unit_from).to(unit_to).magnitude)


@functools.lru_cache(maxsize=1024)
def is_multiplicative(units: str) -> bool:
    """False for units with an offset (degC, degF), where a factor alone does not convert."""
    if units == "":
        return True
    import pint

    try:
        return float(quantity(0.0, get_unit(units)).to_base_units().magnitude) == 0.0
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


def convert_values(values: Any, from_units: str, to_units: str,
                   context: str | None = None, **context_kwargs: Any) -> Any:
    """Return ``values`` (array or scalar) converted; never modifies ``values`` in place.

    Parameters
    ----------
    context : str, optional
        A pint context (e.g. ``'spectroscopy'`` or ``'sp'``: eV <-> nm <-> THz <-> cm^-1),
        needed to convert between dimensionalities that the context relates.

    Raises
    ------
    IncompatibleUnitsError
        Different dimensionalities (not related by ``context``).
    """
    if from_units == to_units:
        return values
    if context is not None:
        return _convert_in_context(values, from_units, to_units, context, context_kwargs)
    factor = _multiplicative_factor(from_units, to_units)
    if factor is None:
        return quantity(np.asarray(values), from_units).to(get_unit(to_units)).magnitude
    if factor == 1.0:
        return values
    return np.multiply(values, factor)


def _convert_in_context(values: Any, from_units: str, to_units: str, context: str,
                        context_kwargs: dict[str, Any]) -> Any:
    import pint

    unit_from, unit_to = get_unit(from_units), get_unit(to_units)
    try:
        return quantity(np.asarray(values), unit_from).to(unit_to, context,
                                                         **context_kwargs).magnitude
    except pint.errors.DimensionalityError:
        raise _incompatible(from_units, to_units, unit_from, unit_to) from None
    except (KeyError, pint.errors.PintError) as error:
        raise DataUnitsError(f"unknown pint context {context!r}: {error}") from None


def convert_errors(errors: Any, from_units: str, to_units: str) -> Any:
    """Convert standard deviations: only the scale matters (offsets cancel)."""
    if from_units == to_units:
        return errors
    factor = _multiplicative_factor(from_units, to_units)
    if factor is None:
        # the size of one degree of the source scale, expressed in the target scale
        zero = quantity(0.0, from_units).to(get_unit(to_units)).magnitude
        one = quantity(1.0, from_units).to(get_unit(to_units)).magnitude
        factor = one - zero
    if factor == 1.0:
        return errors
    return np.multiply(errors, abs(factor))


def base_units(units: str) -> str:
    """Units string of the SI base units of ``units`` (``'mm'`` -> ``'m'``)."""
    return format_units(quantity(1.0, units).to_base_units().units)


_KNOWN_GOOD: set[str] = {""}

__all__ = [
    "are_compatible",
    "base_units",
    "check_units",
    "conversion_factor",
    "convert_errors",
    "convert_values",
    "format_units",
    "get_registry",
    "get_unit",
    "incompatible_units_error",
    "is_dimensionless",
    "is_multiplicative",
    "is_quantity",
    "quantity",
    "register_upcast_type",
]
