"""Index and value slicing of DataWithAxes along navigation or signal dimensions.

``dwa.inav[...]`` / ``dwa.isig[...]`` take, for each navigation (signal) dimension in order, an
int (the dimension is removed with its axes), a slice (the dimension is kept, its axes sliced;
a slice selecting a single point removes the dimension like an int, as PyMoDAQ), a 1-D
sequence of ints or a boolean mask (kept, points picked), or ``...``. ``vnav``/``vsig`` take
axis *values* instead, translated to indexes by :meth:`Axis.value_to_index_slice` (PyMoDAQ's
rule: the stop point of a slice of values is excluded).

The result has the same kind (DataRaw...), units, labels and metadata, and ``source =
calculated`` (as PyMoDAQ, whose slices are new calculated data); its axes and
``nav_indexes`` are re-indexed to the remaining dimensions. Channels and errors of the result
may be numpy *views* of the original arrays (as numpy slicing); daqcore never writes into them.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.axis import Axis
from daqcore.data.enums import DataDistribution, DataSource
from daqcore.data.errors import DataIndexError, DataShapeError

if TYPE_CHECKING:
    from daqcore.data.data import DataBase as DataWithAxes


def remove_dimensions(axes: list[Axis], nav_indexes: tuple[int, ...], ndim: int,
                      removed: list[int]) -> tuple[list[Axis], tuple[int, ...]]:
    """Drop the axes of the ``removed`` dimensions and shift the following indexes down.

    ``axes`` are modified in place (their ``index``) and must be copies owned by the caller.

    Raises
    ------
    DataIndexError
        If a removed index is not a dimension.
    """
    removed_set = set(removed)
    for index in removed_set:
        if not 0 <= index < ndim:
            raise DataIndexError(f"cannot remove dimension {index} of data with {ndim} dims")

    def shift(index: int) -> int:
        return index - sum(1 for r in removed_set if r < index)

    kept_axes = []
    for axis in axes:
        if axis.index in removed_set:
            continue
        axis.index = shift(axis.index)
        kept_axes.append(axis)
    new_nav = tuple(shift(i) for i in nav_indexes if i not in removed_set)
    return kept_axes, new_nav


def _is_int(item: Any) -> bool:
    return isinstance(item, numbers.Integral) and not isinstance(item, bool)


def _normalize_item(item: Any, length: int, dim: int) -> Any:
    """int (checked, made non-negative), slice, or 1-D int ndarray."""
    if _is_int(item):
        if not -length <= item < length:
            raise DataIndexError(f"index {item} out of range for dimension {dim} of length "
                                 f"{length}")
        return int(item) % length
    if isinstance(item, slice):
        for part in (item.start, item.stop, item.step):
            if part is not None and not _is_int(part):
                raise DataIndexError(f"slice {item!r} on dimension {dim} must use integers "
                                     f"(use vnav/vsig to slice by value)")
        selected = range(*item.indices(length))
        if len(selected) == 0:
            raise DataIndexError(f"slice {item!r} selects no point of dimension {dim} "
                                 f"(length {length})")
        if len(selected) == 1:  # PyMoDAQ squeezes a one-point slice: the dimension goes
            return selected[0]
        return item
    array = np.asarray(item)
    if array.dtype == bool:
        if array.shape != (length,):
            raise DataIndexError(f"boolean mask of shape {array.shape} for dimension {dim} "
                                 f"of length {length}")
        array = np.flatnonzero(array)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer) or array.size == 0:
        raise DataIndexError(f"invalid index {item!r} for dimension {dim}: use an int, a "
                             f"slice, or a non-empty 1-D sequence of ints")
    if np.any(array >= length) or np.any(array < -length):
        raise DataIndexError(f"indexes {item!r} out of range for dimension {dim} of length "
                             f"{length}")
    return array % length


class DataSlicer:
    """The object behind ``inav``, ``isig``, ``vnav`` and ``vsig``."""

    __slots__ = ("_by_value", "_dwa", "_navigation")

    def __init__(self, dwa: DataWithAxes, navigation: bool, by_value: bool) -> None:
        self._dwa = dwa
        self._navigation = navigation
        self._by_value = by_value

    def _name(self) -> str:
        return ("v" if self._by_value else "i") + ("nav" if self._navigation else "sig")

    def _items_per_dim(self, item: Any) -> dict[int, Any]:
        dwa = self._dwa
        targets = dwa.nav_indexes if self._navigation else dwa.sig_indexes
        items = list(item) if isinstance(item, tuple) else [item]
        ellipses = [position for position, sub in enumerate(items) if sub is Ellipsis]
        if len(ellipses) > 1:
            raise DataIndexError(f"{self._name()}[{item!r}]: only one Ellipsis allowed")
        if ellipses:
            at = ellipses[0]
            fill = len(targets) - (len(items) - 1)
            items[at:at + 1] = [slice(None)] * max(fill, 0)
        if len(items) > len(targets):
            kind = "navigation" if self._navigation else "signal"
            raise DataIndexError(
                f"{self._name()}[{item!r}]: {len(items)} indexes for {len(targets)} {kind} "
                f"dimension(s) of {dwa.name!r} (shape {dwa.get_data_dimension()})"
            )
        per_dim = {}
        for dim, sub in zip(targets, items):
            if self._by_value:
                sub = self._value_to_index(dim, sub)
            per_dim[dim] = _normalize_item(sub, dwa.shape[dim], dim)
        return per_dim

    def _value_to_index(self, dim: int, item: Any) -> Any:
        dwa = self._dwa
        axes = dwa._axes_or_created(dim)
        if len(axes) > 1 or (dwa.distribution is DataDistribution.spread
                             and dim in dwa.nav_indexes):
            raise DataIndexError(f"{self._name()}: value slicing is not defined for the spread "
                                 f"dimension {dim} of {dwa.name!r}; use inav")
        return axes[0].value_to_index_slice(item)

    def __getitem__(self, item: Any) -> DataWithAxes:
        dwa = self._dwa
        per_dim = self._items_per_dim(item)
        return slice_dwa(dwa, per_dim)

    def __setitem__(self, item: Any, value: Any) -> None:
        """Write ``value`` into the selected region of every channel (ints and slices only).

        ``value`` may be a DataWithAxes (converted to this object's units, channel by channel;
        its errors are written too), a pint Quantity, an ndarray or a number (both exact: the
        errors of the region become 0). The channel arrays are copied before the first write,
        so arrays given at construction are never modified.
        """
        dwa = self._dwa
        per_dim = self._items_per_dim(item)
        if any(isinstance(sub, np.ndarray) for sub in per_dim.values()):
            raise DataIndexError(f"{self._name()}[...] = ...: only ints and slices can be "
                                 f"assigned to")
        index = tuple(per_dim.get(dim, slice(None)) for dim in range(len(dwa.shape)))
        values, errors = _values_for_assignment(dwa, value)
        target_shape = dwa.data[0][index].shape
        data = [array.copy() for array in dwa.data]
        try:
            for channel, array in enumerate(data):
                array[index] = _fit(values[channel], target_shape)
        except ValueError as error:
            raise DataShapeError(f"cannot assign a value of shape "
                                 f"{np.shape(values[0])} to a region of shape {target_shape}: "
                                 f"{error}") from None
        new_errors = None
        if dwa.errors is not None or errors is not None:
            new_errors = [np.zeros(dwa.shape) if dwa.errors is None
                          else np.array(dwa.errors[c], dtype=float) for c in range(len(data))]
            for channel, array in enumerate(new_errors):
                array[index] = 0.0 if errors is None else _fit(errors[channel], target_shape)
        dwa._data = data
        dwa._errors = new_errors


def _fit(value: Any, shape: tuple[int, ...]) -> Any:
    """``value`` reshaped to ``shape`` when it has as many elements (0D/1D squeezing), else
    as is (numpy broadcasting decides)."""
    if np.size(value) == int(np.prod(shape)):
        return np.reshape(value, shape)
    return value


def _values_for_assignment(dwa: DataWithAxes, value: Any) -> tuple[list, list | None]:
    from daqcore.data.data import DataBase
    from daqcore.data.units import convert_errors, convert_values, format_units

    count = len(dwa.data)
    if isinstance(value, DataBase):
        if len(value) not in (1, count):
            raise DataShapeError(f"cannot assign {len(value)} channels to {count}")
        values = [convert_values(a, value.units, dwa.units) for a in value.data]
        errors = None if value.errors is None else \
            [convert_errors(e, value.units, dwa.units) for e in value.errors]
        if len(values) == 1:
            values = values * count
            errors = None if errors is None else errors * count
        return values, errors
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        converted = convert_values(np.asarray(value.magnitude), format_units(
            f"{value.units:D}"), dwa.units)
        return [converted] * count, None
    return [np.asarray(value)] * count, None


def _apply(array: np.ndarray, per_dim: dict[int, Any]) -> np.ndarray:
    """Index ``array``; ints drop dims, slices keep them, int arrays pick along one dim."""
    basic = tuple(
        (sub if not isinstance(sub, np.ndarray) else slice(None)) if dim in per_dim
        else slice(None)
        for dim, sub in ((d, per_dim.get(d)) for d in range(array.ndim))
    )
    result = array[basic]
    removed_before = 0
    for dim in range(array.ndim):
        sub = per_dim.get(dim)
        if _is_int(sub):
            removed_before += 1
        elif isinstance(sub, np.ndarray):
            result = np.take(result, sub, axis=dim - removed_before)
    return result


def slice_dwa(dwa: DataWithAxes, per_dim: dict[int, Any]) -> DataWithAxes:
    """New DWA with ``per_dim`` ({dimension: int | slice | int array}) applied."""
    data = [_apply(array, per_dim) for array in dwa.data]
    errors = None if dwa.errors is None else [_apply(array, per_dim) for array in dwa.errors]
    removed = [dim for dim, sub in per_dim.items() if _is_int(sub)]
    axes = []
    for axis in dwa.axes:
        sub = per_dim.get(axis.index)
        if sub is None:
            axes.append(axis.copy())
        elif not _is_int(sub):
            axes.append(axis._take(sub))
    axes, nav_indexes = remove_dimensions(axes, dwa.nav_indexes, len(dwa.shape), removed)
    if data[0].ndim == 0:  # every dimension removed: a single point is 0D data of shape (1,)
        data = [array.reshape(1) for array in data]
        errors = None if errors is None else [array.reshape(1) for array in errors]
    return type(dwa)._new_unchecked(dwa, data, errors, axes, nav_indexes,
                                    source=DataSource.calculated)


__all__ = ["DataSlicer", "remove_dimensions", "slice_dwa"]
