"""The :class:`Axis`: physical values along one dimension of a DataWithAxes.

An axis is either *linear* (``offset + scaling * i`` for ``i < size``) or an arbitrary 1-D array of
values. A linear axis built from values keeps ``offset``/``scaling``/``size`` (what PyMoDAQ
compresses to) and also keeps the exact values it was given, so nothing is lost by rounding.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.errors import AxisTypeError, DataAxisError, DataIndexError
from daqcore.data.units import (
    are_compatible,
    base_units,
    check_units,
    convert_values,
    format_units,
    is_quantity,
    quantity,
)

if TYPE_CHECKING:
    import pint

    from daqcore.data.data import DataWithAxes

#: relative tolerance on the step for an axis to be considered linear
LINEAR_RTOL = 1e-9


def _linear_parameters(values: np.ndarray) -> tuple[float, float] | None:
    """(offset, scaling) if ``values`` are evenly spaced (non-zero step), else None."""
    size = values.size
    if size == 0 or not np.issubdtype(values.dtype, np.number):
        return None
    if np.iscomplexobj(values):
        return None
    first = float(values[0])
    if size == 1:
        return (first, 1.0) if np.isfinite(first) else None
    step = (float(values[-1]) - first) / (size - 1)
    if step == 0.0 or not np.isfinite(step):
        return None
    if size > 2:
        deviation = np.max(np.abs(values - (first + step * np.arange(size))))
        if not deviation <= LINEAR_RTOL * max(abs(step) * size, abs(first)):
            return None
    return first, step


class _AxisSlicer:
    """``axis.iaxis[...]`` (by index) and ``axis.vaxis[...]`` (by value); both also assign
    (``axis.iaxis[2:4] = values`` writes those values, as PyMoDAQ)."""

    __slots__ = ("_axis", "_by_value")

    def __init__(self, axis: Axis, by_value: bool) -> None:
        self._axis = axis
        self._by_value = by_value

    def _index(self, item: Any) -> Any:
        return self._axis.value_to_index_slice(item) if self._by_value else item

    def __getitem__(self, item: Any) -> Axis:
        return self._axis._take(self._index(item))

    def __setitem__(self, item: Any, value: Any) -> None:
        self._axis._assign(self._index(item), value)


class Axis:
    """Values along one dimension of a :class:`~daqcore.data.DataWithAxes`.

    Parameters
    ----------
    label : str
        Name of the axis, e.g. ``'time'``.
    units : str
        pint-parsable units of the values (``''`` for none).
    data : array-like or pint.Quantity, optional
        1-D values. A Quantity also sets ``units``. Without values nor size the axis is
        empty (size 0) until ``data`` or ``size`` is set.
    index : int
        Dimension of the data this axis describes.
    scaling, offset, size : float, float, int, optional
        Linear description, used when ``data`` is None (``offset + scaling * arange(size)``).
    spread_order : int
        Order among several axes sharing one ``index`` (spread distribution).

    Raises
    ------
    DataAxisError
        Values not 1-D, negative/non-integer index or size.
    DataUnitsError
        Invalid units string.
    """

    __slots__ = (
        "_index",
        "_label",
        "_offset",
        "_scaling",
        "_size",
        "_units",
        "_values",
        "spread_order",
    )

    def __init__(
        self,
        label: str = "",
        units: str = "",
        data: Any = None,
        index: int = 0,
        scaling: float | None = None,
        offset: float | None = None,
        size: int | None = None,
        spread_order: int = 0,
    ) -> None:
        if not isinstance(label, str):
            raise AxisTypeError(f"axis label must be a string, got {label!r}")
        self._label = label
        if is_quantity(data):
            units = format_units(data.units)
            data = data.magnitude
        self._units = check_units(units)
        self._index = self._check_index(index, "index")
        self.spread_order = self._check_index(spread_order, "spread_order")
        self._values: np.ndarray | None = None
        self._offset: float | None = None
        self._scaling: float | None = None
        self._size = 0
        if data is not None:
            self._set_values(data)
        elif scaling is not None and offset is not None and size is not None:
            self._set_linear(offset, scaling, size)
        elif size is not None:
            # PyMoDAQ's "create_missing_axes" convention: plain indexes 0..size-1
            self._set_linear(0.0 if offset is None else offset,
                             1.0 if scaling is None else scaling, size)
        else:
            # an empty axis (PyMoDAQ allows it): values or a size must be given before use;
            # a DataWithAxes refuses it since no data dimension has length 0
            self._offset = None if offset is None else float(offset)
            self._scaling = None if scaling is None else float(scaling)

    # ----------------------------------------------------------------- construction helpers
    @staticmethod
    def _check_index(value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise AxisTypeError(f"axis {what} must be a non-negative integer, got {value!r}")
        if value < 0:
            raise DataAxisError(f"axis {what} must be a non-negative integer, got {value!r}")
        return int(value)

    def _set_values(self, data: Any) -> None:
        values = np.asarray(data)
        if values.ndim != 1:
            raise DataAxisError(
                f"axis {self._label!r} values must be 1-D, got shape {values.shape}"
            )
        self._values = values
        self._size = values.size
        linear = _linear_parameters(values)
        if linear is None:
            self._offset = self._scaling = None
        else:
            self._offset, self._scaling = linear

    def _set_linear(self, offset: float, scaling: float, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise DataAxisError(f"axis {self._label!r} size must be an integer >= 0, got {size!r}")
        self._values = None
        self._offset = float(offset)
        self._scaling = float(scaling)
        self._size = int(size)

    @classmethod
    def from_quantity(cls, quantity: pint.Quantity, label: str = "axis", index: int = 0) -> Axis:
        """Axis whose values and units come from a pint Quantity array."""
        return cls(label, data=quantity, index=index)

    # ---------------------------------------------------------------------- properties
    @property
    def label(self) -> str:
        """Name of the axis."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise AxisTypeError(f"axis label must be a string, got {label!r}")
        self._label = label

    @property
    def units(self) -> str:
        """Units string; setting it relabels without converting (as :meth:`force_units`)."""
        return self._units

    @units.setter
    def units(self, units: str) -> None:
        self._units = check_units(units)

    def force_units(self, units: str) -> None:
        """Relabel the values with ``units`` without converting them."""
        self._units = check_units(units)

    @property
    def index(self) -> int:
        """Dimension of the data this axis describes."""
        return self._index

    @index.setter
    def index(self, index: int) -> None:
        self._index = self._check_index(index, "index")

    @property
    def size(self) -> int:
        """Number of points."""
        return self._size

    @size.setter
    def size(self, size: int) -> None:
        if self._values is not None:
            raise DataAxisError(f"cannot set the size of axis {self._label!r} holding values")
        self._set_linear(self._offset or 0.0, 1.0 if self._scaling is None else self._scaling,
                         size)

    @property
    def offset(self) -> float | None:
        """First value of a linear axis (None when the values are not linear)."""
        return self._offset

    @offset.setter
    def offset(self, offset: float) -> None:
        self._set_linear(offset, 1.0 if self._scaling is None else self._scaling, self._size)

    @property
    def scaling(self) -> float | None:
        """Step of a linear axis (None when the values are not linear)."""
        return self._scaling

    @scaling.setter
    def scaling(self, scaling: float) -> None:
        self._set_linear(self._offset or 0.0, scaling, self._size)

    def _lin(self) -> tuple[float, float]:
        """``(offset, scaling)`` of a linear axis (raises for an axis without them)."""
        if self._offset is None or self._scaling is None:
            raise DataAxisError(f"axis {self._label!r} is not linear (no offset/scaling)")
        return self._offset, self._scaling

    @property
    def data(self) -> np.ndarray:
        """The values (regenerated from offset/scaling for a linear axis built that way)."""
        if self._values is not None:
            return self._values
        if self._size == 0:
            return np.empty(0)
        offset, scaling = self._lin()
        return offset + scaling * np.arange(self._size, dtype=float)

    @data.setter
    def data(self, data: Any) -> None:
        if is_quantity(data):
            self._units = format_units(data.units)
            data = data.magnitude
        self._set_values(data)

    def get_data(self) -> np.ndarray:
        """The values as an ndarray (same as :attr:`data`)."""
        return self.data

    def get_data_at(self, indexes: Any) -> np.ndarray:
        """Values at ``indexes``: an int, a slice, or a sequence (list, tuple, array) of ints."""
        if not isinstance(indexes, np.ndarray | slice | numbers.Integral):
            indexes = np.asarray(indexes, dtype=int)
        return np.asarray(self.data[indexes])

    def get_quantity(self) -> pint.Quantity:
        """Values as a pint Quantity array."""
        return quantity(self.data, self._units)

    def is_axis_linear(self) -> bool:
        """True if the values are ``offset + scaling * arange(size)``."""
        return self._scaling is not None

    @property
    def iaxis(self) -> _AxisSlicer:
        """Slice by index: ``axis.iaxis[2:10]`` returns a new Axis."""
        return _AxisSlicer(self, by_value=False)

    @property
    def vaxis(self) -> _AxisSlicer:
        """Slice by value: ``axis.vaxis[1.0:2.5]`` (see :meth:`value_to_index_slice`)."""
        return _AxisSlicer(self, by_value=True)

    @property
    def axis_width(self) -> pint.Quantity:
        """max - min, as a Quantity."""
        return quantity(self.max() - self.min(), self._units)

    # ---------------------------------------------------------------------- operations
    def copy(self) -> Axis:
        """Independent copy (values are copied)."""
        new = Axis.__new__(Axis)
        new._label = self._label
        new._units = self._units
        new._index = self._index
        new.spread_order = self.spread_order
        new._values = None if self._values is None else self._values.copy()
        new._offset = self._offset
        new._scaling = self._scaling
        new._size = self._size
        return new

    def _with_values(self, values: np.ndarray, units: str | None = None) -> Axis:
        new = self.copy()
        if units is not None:
            new._units = units
        new._set_values(values)
        return new

    def _take(self, item: Any) -> Axis:
        """New axis restricted to ``item`` (int -> one point, slice, or index array)."""
        if isinstance(item, numbers.Integral) and not isinstance(item, bool):
            position = int(item)
            if not -self._size <= position < self._size:
                raise DataIndexError(f"index {position} out of range for axis {self._label!r} "
                                     f"of size {self._size}")
            item = slice(position, position + 1 if position != -1 else None)
        if item is Ellipsis:
            return self.copy()
        if isinstance(item, slice):
            if self._values is None:
                start, stop, step = item.indices(self._size)
                count = len(range(start, stop, step))
                offset, scaling = self._lin()
                new = self.copy()
                new._set_linear(offset + scaling * start, scaling * step, count)
                return new
            return self._with_values(self._values[item])
        try:
            return self._with_values(self.data[np.asarray(item)])
        except IndexError as error:
            raise DataIndexError(f"invalid index {item!r} for axis {self._label!r}: {error}") \
                from None

    def units_as(self, units: str, inplace: bool = True, context: str | None = None,
                 **context_kwargs: Any) -> Axis:
        """Convert the values to ``units``, **in place** by default (as PyMoDAQ).

        Returns the converted axis (this object when ``inplace``, a copy otherwise), so both
        ``axis.units_as('mm')`` and ``new = axis.units_as('mm', inplace=False)`` work.

        Parameters
        ----------
        context : str, optional
            pint context relating other dimensionalities, e.g. ``'spectroscopy'`` (or
            ``'sp'``) for eV <-> nm; the values are then generally no longer linear.

        Raises
        ------
        IncompatibleUnitsError
            If ``units`` has another dimensionality (also a ``pint.DimensionalityError``).
        """
        units = check_units(units)
        target = self if inplace else self.copy()
        if context is None and self._values is None and self._size > 0:
            assert self._offset is not None and self._scaling is not None  # linear axis
            start = convert_values(self._offset, self._units, units)
            step = convert_values(self._offset + self._scaling, self._units, units) - start
            target._units = units
            target._set_linear(start, step, self._size)
        else:
            target._set_values(np.asarray(convert_values(self.data, self._units, units,
                                                         context, **context_kwargs)))
            target._units = units
        return target

    def to_base_units(self, inplace: bool = False) -> Axis:
        """Axis converted to SI base units (a new object unless ``inplace``)."""
        return self.units_as(base_units(self._units) if self._units else "", inplace=inplace)

    def to_reduced_units(self, inplace: bool = False) -> Axis:
        """Axis in reduced units (e.g. ``m / mm`` -> dimensionless); new unless ``inplace``."""
        reduced = self.get_quantity().to_reduced_units()
        target = self if inplace else self.copy()
        target._units = format_units(reduced.units)
        target._set_values(np.asarray(reduced.magnitude))
        return target

    def min(self) -> float:
        """Smallest value."""
        if self._size == 0:
            raise DataAxisError(f"axis {self._label!r} is empty")
        if self._scaling is not None:
            offset, scaling = self._lin()
            return min(offset, offset + scaling * (self._size - 1))
        return float(np.min(self.data))

    def max(self) -> float:
        """Largest value."""
        if self._size == 0:
            raise DataAxisError(f"axis {self._label!r} is empty")
        if self._scaling is not None:
            offset, scaling = self._lin()
            return max(offset, offset + scaling * (self._size - 1))
        return float(np.max(self.data))

    def mean(self) -> float:
        """Mean of the values."""
        if self._scaling is not None:
            offset, scaling = self._lin()
            return offset + scaling * (self._size - 1) / 2
        return float(np.mean(self.data))

    def flip(self) -> None:
        """Reverse the values in place."""
        self._set_values(self.data[::-1].copy())

    def _value_in_units(self, value: Any) -> Any:
        if is_quantity(value):
            return convert_values(value.magnitude, format_units(value.units), self._units)
        return value

    def _position(self, value: Any) -> int:
        """PyMoDAQ's position of ``value`` on the axis, in ``0..size`` (``size`` past the end).

        Linear axis: ``floor((value - offset) / scaling)`` (with a 1e-9 tolerance, so that a
        value on a grid point, e.g. 0.3 on a 0.1 step, is not floored to the previous point
        by rounding, as it is in PyMoDAQ), clipped to ``0..size``. Other axes: ``0`` at or
        below the minimum, ``size`` at or above the maximum, else the nearest point.
        """
        if self._size == 0:
            raise DataAxisError(f"axis {self._label!r} is empty")
        value = self._value_in_units(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real | np.integer
                                                      | np.floating):
            raise DataIndexError(f"axis value must be a real number, got {value!r}")
        if self._scaling is not None and self._offset is not None:
            position = np.floor((float(value) - self._offset) / self._scaling + 1e-9)
            return int(min(max(float(position), 0.0), float(self._size)))
        values = self.data
        if value <= np.nanmin(values):
            return 0
        if value >= np.nanmax(values):
            return self._size
        return int(np.nanargmin(np.abs(values - value)))

    def find_index(self, value: Any) -> int:
        """Index of ``value`` on the axis, by PyMoDAQ's rule (a Quantity is converted to the
        axis units first).

        On a linear axis, the index of the last point not above ``value`` (``floor``); on
        another axis, the nearest point. Values below the range give 0, values above it the
        last index (PyMoDAQ returns ``len(axis)``, an index out of range).
        """
        return min(self._position(value), self._size - 1)

    def find_indexes(self, values: Any) -> list[int]:
        """:meth:`find_index` for each value of an iterable (or a single number)."""
        if (isinstance(values, numbers.Number) or is_quantity(values)) and np.ndim(values) == 0:
            values = [values]
        return [self.find_index(value) for value in values]

    def value_to_index_slice(self, item: Any) -> Any:
        """Translate a value (or a slice of values) into an index (or a slice of indexes).

        A value gives :meth:`find_index`. A slice of values ``start:stop`` is the slice of
        indexes ``find_index(start):position(stop)``, as PyMoDAQ computes it: the stop point
        is **excluded** (``vaxis[2.0:6.0]`` on ``0, 1, ... 9`` gives ``2, 3, 4, 5``), a stop
        beyond the last point includes it, and an omitted bound means the first/last point
        (last included).
        """
        if item is Ellipsis:
            return item
        if isinstance(item, slice):
            if item.step is not None:
                raise DataIndexError(f"value slices take no step, got {item!r}")
            if item.start is None and item.stop is None:
                return slice(None)
            start = 0 if item.start is None else self.find_index(item.start)
            if item.stop is None:
                return slice(start, None)
            return slice(start, self._position(item.stop))
        return self.find_index(item)

    def _assign(self, item: Any, value: Any) -> None:
        """Write ``value`` (numbers, an array or an Axis) at the indexes ``item``."""
        if isinstance(value, Axis):
            value = convert_values(value.data, value.units, self._units)
        elif is_quantity(value):
            value = convert_values(np.asarray(value.magnitude), format_units(value.units),
                                   self._units)
        values = np.array(self.data, dtype=np.result_type(self.data, np.asarray(value)))
        try:
            values[item] = value
        except (IndexError, ValueError) as error:
            raise DataIndexError(f"cannot assign {value!r:.60} to axis {self._label!r} at "
                                 f"{item!r}: {error}") from None
        self._set_values(values)

    def as_dwa(self) -> DataWithAxes:
        """The values as a 1-D DataCalculated (named after the label) with this axis."""
        from daqcore.data.kinds import DataCalculated

        axis = self.copy()
        axis.index = 0
        return DataCalculated(self._label, data=[self.data], units=self._units,
                              labels=[self._label], axes=[axis])

    def __len__(self) -> int:
        return self._size

    def __mul__(self, scale: Any) -> Axis:
        if not isinstance(scale, numbers.Real):
            return NotImplemented
        if self._values is None:
            offset, scaling = self._lin()
            new = self.copy()
            new._set_linear(offset * float(scale), scaling * float(scale), self._size)
            return new
        return self._with_values(self._values * scale)

    __rmul__ = __mul__

    def __add__(self, shift: Any) -> Axis:
        if not isinstance(shift, numbers.Real):
            return NotImplemented
        if self._values is None:
            offset, scaling = self._lin()
            new = self.copy()
            new._set_linear(offset + float(shift), scaling, self._size)
            return new
        return self._with_values(self._values + shift)

    __radd__ = __add__

    def __sub__(self, shift: Any) -> Axis:
        if not isinstance(shift, numbers.Real):
            return NotImplemented
        return self + (-shift)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Axis):
            return NotImplemented
        if (self._label != other._label or self._index != other._index
                or self.spread_order != other.spread_order or self._size != other._size):
            return False
        if not are_compatible(self._units, other._units):
            return False
        if self._size == 0:
            return True
        try:
            theirs = convert_values(other.data, other._units, self._units)
            return bool(np.allclose(self.data, theirs, equal_nan=True))
        except (TypeError, ValueError):
            return bool(np.array_equal(self.data, other.data))

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def __repr__(self) -> str:
        linear = self._scaling is not None and self._offset is not None and self._values is None
        kind = f"offset={self._offset:g}, scaling={self._scaling:g}" if linear else "values"
        return (f"Axis(label={self._label!r}, units={self._units!r}, index={self._index}, "
                f"size={self._size}, {kind}, spread_order={self.spread_order})")

    def __deepcopy__(self, memo: dict) -> Axis:
        return self.copy()

    def __copy__(self) -> Axis:
        return self.copy()


__all__ = ["Axis"]
