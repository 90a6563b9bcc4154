"""Unit-aware arithmetic and numpy ufuncs on DataWithAxes, with error propagation.

Operators (``+ - * / ** -x abs``) and numpy ufuncs (``np.sqrt(dwa)``) apply channel by channel and
return a new object whose kind, axes and metadata are those of the first DWA operand having the
result's shape (the left one when shapes are equal); as in PyMoDAQ, its name is the first DWA
operand's name suffixed with the ufunc name (``a + b`` is ``'a_add'``, ``np.sqrt(a)`` is
``'a_sqrt'``) and its source that operand's source.
Operands may be DataWithAxes (same number of channels, or one channel that is broadcast),
numbers, pint Quantities and ndarrays (dimensionless, broadcastable to the data shape).
A DWA operand whose shape broadcasts (e.g. 0D ``(1,)`` against ``(N,)``) is allowed when
the result keeps the shape of one DWA operand, whose axes the result takes.

Units follow pint: ``+``/``-`` convert the right operand to the left operand's units
(``1 m + 1000 mm = 2 m``) and raise :class:`~daqcore.data.errors.IncompatibleUnitsError` for
different dimensionalities (also for a plain number added to dimensioned data); ``*``/``/``
give pint's product in reduced units, as PyMoDAQ (``2 m * 4 mm = 8000 mm ** 2``, ``m / mm``
stays ``m / mm``, dimensionless results are not reduced).

Error propagation (``errors`` are standard deviations; operands assumed **uncorrelated**,
first order; numbers and Quantities are exact)::

    a ± b : s = sqrt(sa² + sb²)
    a * b : s = sqrt((b·sa)² + (a·sb)²)
    a / b : s = sqrt((sa/b)² + (a·sb/b²)²)
    a ** p (p exact) : s = |p·a^(p-1)|·sa
    f(a) for a unary ufunc f : s = |f'(a)|·sa  (negative, positive, absolute, sqrt, square,
        cbrt, reciprocal, exp, expm1, exp2, log, log2, log10, log1p, sin, cos, tan, arcsin,
        arccos, arctan, sinh, cosh, tanh; argument in base units, e.g. radians)

Note ``a - a`` thus gets ``sqrt(2)·sa``, not 0: a DWA is not known to be correlated with itself.
Other ufuncs (comparisons, ``arctan2``, ``maximum``...) return data without errors.
PyMoDAQ instead copies the left operand's errors unchanged.
"""

from __future__ import annotations

import functools
import numbers
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from daqcore.data.enums import DataSource
from daqcore.data.errors import DataShapeError, IncompatibleUnitsError
from daqcore.data.lazy import as_array
from daqcore.data.units import (
    _multiplicative_factor,
    format_units,
    get_unit,
    incompatible_units_error,
    is_multiplicative,
    is_quantity,
    quantity,
)

if TYPE_CHECKING:
    from daqcore.data.data import DataBase

_ADD = {np.add, np.subtract}
_MUL = {np.multiply, np.divide, np.true_divide}

# derivative of each unary ufunc, evaluated at x (in base units)
_DERIVATIVES: dict[np.ufunc, Any] = {
    np.negative: lambda x, y: -np.ones_like(x),
    np.positive: lambda x, y: np.ones_like(x),
    np.absolute: lambda x, y: np.sign(x),
    np.sqrt: lambda x, y: 0.5 / y,
    np.square: lambda x, y: 2 * x,
    np.cbrt: lambda x, y: 1.0 / (3 * y * y),
    np.reciprocal: lambda x, y: -1.0 / (x * x),
    np.exp: lambda x, y: y,
    np.expm1: lambda x, y: y + 1,
    np.exp2: lambda x, y: y * np.log(2),
    np.log: lambda x, y: 1.0 / x,
    np.log2: lambda x, y: 1.0 / (x * np.log(2)),
    np.log10: lambda x, y: 1.0 / (x * np.log(10)),
    np.log1p: lambda x, y: 1.0 / (1 + x),
    np.sin: lambda x, y: np.cos(x),
    np.cos: lambda x, y: -np.sin(x),
    np.tan: lambda x, y: 1 + y * y,
    np.arcsin: lambda x, y: 1 / np.sqrt(1 - x * x),
    np.arccos: lambda x, y: -1 / np.sqrt(1 - x * x),
    np.arctan: lambda x, y: 1 / (1 + x * x),
    np.sinh: lambda x, y: np.cosh(x),
    np.cosh: lambda x, y: np.sinh(x),
    np.tanh: lambda x, y: 1 - y * y,
}
# ufuncs whose argument pint converts to base units (dimensionless / radian) first
_NEEDS_BASE_UNITS = {np.exp, np.expm1, np.exp2, np.log, np.log2, np.log10, np.log1p, np.sin,
                     np.cos, np.tan, np.arcsin, np.arccos, np.arctan, np.sinh, np.cosh, np.tanh}


class _Operand:
    """One channel of one operand: magnitude, units string, errors (or None)."""

    __slots__ = ("errors", "units", "value")

    def __init__(self, value: Any, units: str, errors: Any) -> None:
        self.value = value
        self.units = units
        self.errors = errors


def _factor(from_units: str, to_units: str) -> float:
    """Pure scaling factor between compatible multiplicative units (checked by the caller)."""
    factor = _multiplicative_factor(from_units, to_units)
    assert factor is not None  # callers exclude offset units
    return factor


@functools.lru_cache(maxsize=512)
def _product_units(left: str, right: str, divide: bool) -> tuple[str, float]:
    """Units of ``left * right`` (or ``/``) and the factor applied to the values, by PyMoDAQ's
    rule: pint's product, then reduced units unless it is dimensionless (``m * mm`` is
    ``mm ** 2`` with a factor 1000, ``m / mm`` stays ``m / mm``, ``s / Hz`` is ``1 / Hz ** 2``).
    """
    if not right:
        return left, 1.0
    if not left and not divide:
        return right, 1.0
    one_left, one_right = quantity(1.0, left), quantity(1.0, right)
    product = one_left / one_right if divide else one_left * one_right
    if not product.dimensionless:
        product = product.to_reduced_units()
    return format_units(product.units), float(product.magnitude)


def _incompatible(op: str, left: str, right: str) -> IncompatibleUnitsError:
    dim_left, dim_right = get_unit(left).dimensionality, get_unit(right).dimensionality
    return incompatible_units_error(
        f"cannot {op} data in {left or 'dimensionless'!r} and {right or 'dimensionless'!r}: "
        f"{dim_left} vs {dim_right}", left, right, str(dim_left), str(dim_right))


def _scaled(operand: _Operand, factor: float) -> _Operand:
    if factor == 1.0:
        return operand
    errors = None if operand.errors is None else operand.errors * abs(factor)
    return _Operand(operand.value * factor, operand.units, errors)


def _add_channel(ufunc: np.ufunc, a: _Operand, b: _Operand) -> tuple[Any, str, Any]:
    if not (is_multiplicative(a.units) and is_multiplicative(b.units)):
        # offset units (degC): pint's rules (degC - degC = delta_degC, degC + degC raises)
        import pint

        try:
            operator = (lambda x, y: x + y) if ufunc is np.add else (lambda x, y: x - y)
            result = operator(quantity(a.value, a.units), quantity(b.value, b.units))
        except pint.errors.PintError as error:
            raise incompatible_units_error(
                f"cannot add/subtract {a.units!r} and {b.units!r}: {error}", a.units,
                b.units) from None
        return result.magnitude, format_units(result.units), _quadrature(a.errors, b.errors)
    if a.units != b.units:
        ua, ub = get_unit(a.units), get_unit(b.units)
        if not ua.is_compatible_with(ub):
            raise _incompatible("add/subtract", a.units, b.units)
        b = _scaled(b, _factor(b.units, a.units))
    value = ufunc(a.value, b.value)
    return value, a.units, _quadrature(a.errors, b.errors)


def _quadrature(first: Any, second: Any) -> Any:
    if first is None and second is None:
        return None
    if first is None:
        return np.abs(second)
    if second is None:
        return np.abs(first)
    return np.hypot(first, second)


def _mul_channel(ufunc: np.ufunc, a: _Operand, b: _Operand) -> tuple[Any, str, Any]:
    divide = ufunc is not np.multiply
    if not (is_multiplicative(a.units) and is_multiplicative(b.units)):
        return _generic_channel(ufunc, [a, b], {})  # offset units: pint's rules
    units, factor = _product_units(a.units, b.units, divide)
    if factor != 1.0:
        a = _scaled(a, factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = ufunc(a.value, b.value)
        if a.errors is None and b.errors is None:
            errors = None
        elif not divide:
            errors = _quadrature(None if a.errors is None else b.value * a.errors,
                                 None if b.errors is None else a.value * b.errors)
        else:
            errors = _quadrature(None if a.errors is None else a.errors / b.value,
                                 None if b.errors is None else a.value * b.errors / b.value ** 2)
    return value, units, errors


def _power_channel(a: _Operand, b: _Operand) -> tuple[Any, str, Any]:
    if b.units and not get_unit(b.units).dimensionless:
        raise _incompatible("raise to a power", a.units, b.units)
    exponent = b.value
    if b.units:
        exponent = exponent * _factor(b.units, "")
    result = np.power(quantity(a.value, a.units), exponent) if a.units else \
        np.power(a.value, exponent)
    if is_quantity(result):
        value, units = result.magnitude, format_units(result.units)
    else:
        value, units = result, ""
    errors = None
    if a.errors is not None and b.errors is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            errors = np.abs(exponent * np.power(a.value, exponent - 1)) * a.errors
    return value, units, errors


def _generic_channel(ufunc: np.ufunc, operands: list[_Operand],
                     kwargs: dict[str, Any]) -> tuple[Any, str, Any]:
    args = [quantity(op.value, op.units) if op.units else op.value for op in operands]
    try:
        result = ufunc(*args, **kwargs)
    except TypeError as error:  # pint.DimensionalityError is a TypeError
        if type(error).__name__ != "DimensionalityError":
            raise
        raise incompatible_units_error(
            f"{ufunc.__name__} on units {[op.units for op in operands]}: {error}",
            *[op.units for op in operands[:2]]) from None
    if is_quantity(result):
        value, units = result.magnitude, format_units(result.units)
    else:
        value, units = result, ""
    errors = None
    if len(operands) == 1 and operands[0].errors is not None and ufunc in _DERIVATIVES:
        operand = operands[0]
        x, sigma = operand.value, operand.errors
        if ufunc in _NEEDS_BASE_UNITS and operand.units:
            scale = quantity(1.0, operand.units).to_base_units().magnitude
            x, sigma = x * scale, sigma * scale
        with np.errstate(divide="ignore", invalid="ignore"):
            errors = np.abs(_DERIVATIVES[ufunc](x, value)) * sigma
    return value, units, errors


def _as_operands(item: Any, count: int) -> list[_Operand] | None:
    """Channels of one ufunc input; None if the type is not handled."""
    from daqcore.data.data import DataBase

    if isinstance(item, DataBase):
        errors: list[Any] = list(item.errors) if item.errors is not None else [None] * len(item)
        channels = [_Operand(v, item.units, e) for v, e in zip(item.data, errors)]
        return channels * count if len(channels) == 1 and count > 1 else channels
    if is_quantity(item):  # any registry: re-parse its units in ours
        units = format_units(get_unit(f"{item.units:D}"))
        return [_Operand(np.asarray(item.magnitude), units, None)] * count
    if isinstance(item, numbers.Number | np.ndarray | np.generic | list | tuple):
        return [_Operand(np.asarray(item), "", None)] * count
    return None


def apply_ufunc(ufunc: np.ufunc, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Apply ``ufunc`` channel by channel (see the module docstring for units and errors)."""
    from daqcore.data.data import DataBase

    dwas = [item for item in inputs if isinstance(item, DataBase)]
    counts = {len(d) for d in dwas}
    count = max(counts)
    if counts - {1, count}:
        raise DataShapeError(
            f"{ufunc.__name__}: operands have {sorted(counts)} channels; they must have the "
            f"same number of channels (or one)"
        )
    operand_lists = []
    for item in inputs:
        operands = _as_operands(item, count)
        if operands is None:
            return NotImplemented
        operand_lists.append(operands)
    shapes = [np.shape(ops[0].value) for ops in operand_lists]
    try:
        result_shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise DataShapeError(f"{ufunc.__name__}: shapes {shapes} do not broadcast") from None
    template = next((d for d in dwas if d.shape == result_shape), None)
    if template is None:
        raise DataShapeError(
            f"{ufunc.__name__}: operands of shapes {shapes} would give shape {result_shape}, "
            f"which is not the shape of a DataWithAxes operand"
        )
    data, errors, units = [], [], None
    for channel in range(count):
        ops = [operands[channel] for operands in operand_lists]
        if ufunc in _ADD and len(ops) == 2:
            value, unit, err = _add_channel(ufunc, *ops)
        elif ufunc in _MUL and len(ops) == 2:
            value, unit, err = _mul_channel(ufunc, *ops)
        elif ufunc is np.power and len(ops) == 2 and not kwargs:
            value, unit, err = _power_channel(*ops)
        else:
            value, unit, err = _generic_channel(ufunc, ops, kwargs)
        value = as_array(value)
        try:
            if value.shape != result_shape:
                value = np.broadcast_to(value, result_shape).copy()
            if err is not None and np.shape(err) != result_shape:
                err = np.broadcast_to(err, result_shape).copy()
        except ValueError:
            raise DataShapeError(f"{ufunc.__name__} gives shape {value.shape}, not the data "
                                 f"shape {result_shape}; apply it to the arrays instead") \
                from None
        data.append(value)
        errors.append(err)
        units = unit if units is None else units
    result_errors: list[Any] | None = errors
    if any(err is None for err in errors):
        result_errors = None if all(err is None for err in errors) else \
            [np.zeros(result_shape) if err is None else err for err in errors]
    first = dwas[0]  # PyMoDAQ names the result after the DWA whose __array_ufunc__ runs
    new = type(template)._new_unchecked(template, data, result_errors, template._copy_axes(),
                                        template.nav_indexes, units=units,
                                        name=f"{first.name}_{ufunc.__name__}",
                                        source=first.source)
    if len(template) != count:
        source_labels = next(d.labels for d in dwas if len(d) == count)
        new._labels = list(source_labels)
    return new


class ArithmeticMixin(NDArrayOperatorsMixin):
    """Operators and ``__array_ufunc__`` for DataWithAxes (see the module docstring)."""

    __array_priority__ = 20

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or "out" in kwargs:
            return NotImplemented
        return apply_ufunc(ufunc, inputs, kwargs)

    # augmented assignment builds a new object (``a += b`` rebinds ``a``): the arrays of the
    # original object, possibly the caller's, are never written into
    def __iadd__(self, other: Any) -> Any:
        return np.add(cast(Any, self), other)

    def __isub__(self, other: Any) -> Any:
        return np.subtract(cast(Any, self), other)

    def __imul__(self, other: Any) -> Any:
        return np.multiply(cast(Any, self), other)

    def __itruediv__(self, other: Any) -> Any:
        return np.true_divide(cast(Any, self), other)

    def __ipow__(self, other: Any) -> Any:
        return np.power(cast(Any, self), other)

    def abs(self) -> Any:
        """Absolute value of every channel (errors unchanged)."""
        return np.absolute(self)

    def real(self) -> Any:
        """Real part of every channel."""
        return self._map_channels(np.real)

    def imag(self) -> Any:
        """Imaginary part of every channel."""
        return self._map_channels(np.imag)

    def angle(self) -> Any:
        """Phase (radians) of every channel."""
        new = self._map_channels(np.angle, keep_errors=False)
        new._units = "rad"
        return new

    def to_dB(self) -> Any:
        """``20·log10(|data|)`` (units dropped)."""
        new = self._map_channels(lambda a: 20 * np.log10(np.abs(a)), keep_errors=False)
        new._units = ""
        return new

    def _map_channels(self, function: Any, keep_errors: bool = True) -> Any:
        dwa = cast("DataBase", self)
        data = [as_array(function(array)) for array in dwa.data]
        errors = dwa.errors if keep_errors else None
        return type(dwa)._new_unchecked(dwa, data, errors, dwa._copy_axes(), dwa.nav_indexes,
                                        source=DataSource.calculated)


__all__ = ["ArithmeticMixin", "apply_ufunc"]
