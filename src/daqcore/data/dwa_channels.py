"""Channel, units and value helpers of DataWithAxes (a mixin of :class:`DataWithAxes`)."""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from daqcore.data.enums import DataSource
from daqcore.data.errors import DataError, DataIndexError, DataShapeError, IndexTypeError
from daqcore.data.lazy import as_array
from daqcore.data.units import (
    base_units,
    check_units,
    convert_errors,
    convert_values,
)
from daqcore.data.validation import normalize_channels

if TYPE_CHECKING:
    from daqcore.data.axis import Axis
    from daqcore.data.data import DataWithAxes
    from daqcore.data.export import DataToExport


class ChannelsMixin:
    """Channels (``len``, ``[i]``, append/pop), errors helpers, units and values."""

    if TYPE_CHECKING:
        _data: list[np.ndarray]
        _errors: list[np.ndarray] | None
        _labels: list[str]
        _units: str
        _shape: tuple[int, ...]
        _name: str
        _nav_indexes: tuple[int, ...]
        _new_unchecked: Any

        def _copy_axes(self) -> list[Axis]: ...

        @property
        def name(self) -> str: ...

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(self._data)

    def _channel_index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise IndexTypeError(f"channel index must be an integer, got {index!r} "
                                 f"({type(index).__name__})")
        position = int(index)
        if not -len(self._data) <= position < len(self._data):
            raise DataIndexError(f"channel index {position} out of range for "
                                 f"{len(self._data)} channel(s) of {self._name!r}")
        return position

    def __getitem__(self, index: int) -> np.ndarray:
        """Channel ``index`` (an int; anything else raises :class:`IndexTypeError`, an
        ``IndexError`` as in PyMoDAQ)."""
        return self._data[self._channel_index(index)]

    def __setitem__(self, index: int, value: Any) -> None:
        """Replace channel ``index`` by an array of the same shape (not copied)."""
        index = self._channel_index(index)
        array, _ = normalize_channels([value], "")
        if array[0].shape != self._shape:
            raise DataShapeError(f"channel of shape {array[0].shape} for {self._name!r} of "
                                 f"shape {self._shape}")
        self._data = list(self._data)
        self._data[index] = array[0]

    def get_data_index(self, index: int = 0) -> np.ndarray:
        """Channel ``index``."""
        return self._data[index]

    def get_error(self, index: int) -> np.ndarray:
        """Errors of channel ``index`` (``np.array([0])`` when there are none, as PyMoDAQ)."""
        if self._errors is None:
            return np.array([0])
        return self._errors[index]

    def errors_as_dwa(self) -> DataWithAxes:
        """A DWA (same axes) whose channels are the errors; name ``<name>_errors``.

        Raises
        ------
        DataError
            If there are no errors.
        """
        if self._errors is None:
            raise DataError(f"{self._name!r} has no errors")
        return self._new_unchecked(self, list(self._errors), None, self._copy_axes(),
                                   self._nav_indexes, name=f"{self._name}_errors",
                                   source=DataSource.calculated)

    def get_data_as_dwa(self, index: int = 0) -> DataWithAxes:
        """Channel ``index`` alone as a new DWA (with its errors and label), ``source =
        calculated`` as PyMoDAQ."""
        return self._channel_as_dwa(index, DataSource.calculated)

    def _channel_as_dwa(self, index: int, source: DataSource | None = None) -> DataWithAxes:
        if not -len(self._data) <= index < len(self._data):
            raise DataIndexError(f"channel index {index} out of range for {len(self._data)}")
        errors = None if self._errors is None else [self._errors[index]]
        new: DataWithAxes = self._new_unchecked(self, [self._data[index]], errors,
                                                self._copy_axes(), self._nav_indexes,
                                                source=source)
        new._labels = [self._labels[index]]
        return new

    def append(self, other: DataWithAxes) -> None:
        """Append the channels of ``other`` (same shape; converted to this object's units).

        Raises
        ------
        DataShapeError, IncompatibleUnitsError
        """
        if other.shape != self._shape:
            raise DataShapeError(f"cannot append {other.name!r} of shape {other.shape} to "
                                 f"{self._name!r} of shape {self._shape}")
        factor_data = [convert_values(array, other.units, self._units) for array in other.data]
        mine: list[np.ndarray] | None = self._errors
        theirs: list[np.ndarray] | None = other.errors
        if (mine is None) != (theirs is None):
            mine = mine or [np.zeros(self._shape) for _ in self._data]
            theirs = theirs or [np.zeros(self._shape) for _ in other.data]
        self._data = self._data + factor_data
        self._labels = self._labels + list(other.labels)
        if mine is not None and theirs is not None:
            self._errors = list(mine) + [convert_errors(e, other.units, self._units)
                                         for e in theirs]

    def pop(self, index: int) -> DataWithAxes:
        """Remove channel ``index`` and return it as a DWA."""
        if len(self._data) == 1:
            raise DataShapeError(f"cannot pop the only channel of {self._name!r}")
        popped = self._channel_as_dwa(index)
        self._data = [a for i, a in enumerate(self._data) if i != index % len(self._data)]
        self._labels = [a for i, a in enumerate(self._labels) if i != index % len(self._labels)]
        if self._errors is not None:
            self._errors = [a for i, a in enumerate(self._errors)
                            if i != index % len(self._errors)]
        return popped

    def stack_as_array(self, axis: int = 0, dtype: Any = None) -> np.ndarray:
        """All channels stacked into one ndarray along a new ``axis``."""
        return np.stack(self._data, axis=axis).astype(dtype, copy=False) if dtype else \
            np.stack(self._data, axis=axis)

    # ------------------------------------------------------------------- units
    def units_as(self, units: str, inplace: bool = True, context: str | None = None,
                 **context_kwargs: Any) -> Any:
        """Convert data (and errors) to ``units``, **in place** by default (as PyMoDAQ).

        Returns the converted object: this one when ``inplace`` (so ``dwa.units_as('mV')``
        alone converts ``dwa``, and chained code such as ``dwa.units_as('mV').mean()`` works),
        a new one otherwise. The arrays are replaced, never written into.

        Parameters
        ----------
        units : str
            Target units.
        inplace : bool
            Convert this object (default) or return a converted copy.
        context : str, optional
            pint context relating other dimensionalities (``'spectroscopy'``/``'sp'``:
            eV <-> nm ...). Errors are then converted with the local derivative.

        Raises
        ------
        IncompatibleUnitsError
            If ``units`` has another dimensionality than :attr:`units` (also a
            ``pint.DimensionalityError``; PyMoDAQ raises its ``DataUnitError`` here, which
            is daqcore's ``DataUnitsError``).
        """
        units = check_units(units)
        data = [as_array(convert_values(array, self._units, units, context,
                                          **context_kwargs)) for array in self._data]
        errors = None
        if self._errors is not None:
            if context is None:
                errors = [convert_errors(array, self._units, units) for array in self._errors]
            else:  # |dy/dx|·s: the conversion through a context is generally not linear
                errors = [np.abs(as_array(convert_values(x + s, self._units, units, context,
                                                           **context_kwargs)) - y)
                          for x, s, y in zip(self._data, self._errors, data)]
        if inplace:
            self._data, self._errors, self._units = data, errors, units
            return self
        return self._new_unchecked(self, data, errors, self._copy_axes(), self._nav_indexes,
                                   units=units)

    def force_units(self, units: str) -> None:
        """Relabel the data with ``units`` without converting the values (use with care)."""
        self._units = check_units(units)

    def to_base_units(self) -> Any:
        """New object converted to SI base units (this object is unchanged, as PyMoDAQ)."""
        return self.units_as(base_units(self._units) if self._units else "", inplace=False)

    def value(self, units: str | None = None) -> float:
        """The number held by 0D single-point data (mean of channel 0 otherwise, as PyMoDAQ).

        Parameters
        ----------
        units : str, optional
            Convert to these units first.
        """
        array = self._data[0]
        number = float(array.flat[0]) if array.size == 1 else float(np.mean(array))
        if units is not None:
            number = float(convert_values(number, self._units, check_units(units)))
        return number

    def values(self, units: str | None = None) -> list[float]:
        """:meth:`value` for every channel."""
        result = [float(a.flat[0]) if a.size == 1 else float(np.mean(a)) for a in self._data]
        if units is not None:
            units = check_units(units)
            result = [float(convert_values(v, self._units, units)) for v in result]
        return result

    def as_dte(self, name: str = "mydte") -> DataToExport:
        """This object alone in a :class:`~daqcore.data.DataToExport`."""
        from daqcore.data.export import DataToExport

        return DataToExport(name, data=[cast("DataWithAxes", self)])

    def split_as_dte(self, name: str = "mydte") -> DataToExport:
        """One DWA per channel (named after the labels) in a DataToExport."""
        from daqcore.data.export import DataToExport

        items = []
        for index, label in enumerate(self._labels):
            item = self._channel_as_dwa(index)
            item.name = label
            items.append(item)
        return DataToExport(name, data=items)



__all__ = ["ChannelsMixin"]
