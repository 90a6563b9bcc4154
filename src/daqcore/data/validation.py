"""Normalisation and validation of DataWithAxes inputs (data, errors, labels, axes, indexes).

Kept apart from :mod:`daqcore.data.data` so the checks can be read (and tested) on their own.
Nothing here copies an ndarray that is already an ndarray: a 0D/1D construction stays cheap.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from daqcore.data.axis import Axis
from daqcore.data.enums import DataDim, DataDistribution
from daqcore.data.errors import (
    AxisIndexError,
    AxisTypeError,
    ChannelsTypeError,
    DataAxisError,
    DataIndexError,
    DataShapeError,
    SpreadAxisLengthError,
)
from daqcore.data.lazy import as_array, is_lazy_array
from daqcore.data.units import convert_errors, convert_values, format_units, is_quantity


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_1``, ``name_2``... if already in ``taken``; the result is added to it."""
    candidate, counter = name, 1
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


def _checked_lazy(item: Any, position: int, what: str) -> Any:
    """A lazy (dask) channel is kept as it is, after the checks that need no data."""
    if item.ndim == 0:
        item = item.reshape(1)
    if np.dtype(item.dtype).kind in "OUSV":
        raise ChannelsTypeError(f"{what} {position} is not numeric (dtype {item.dtype})")
    if 0 in item.shape:
        raise ChannelsTypeError(f"{what} {position} is empty (shape {item.shape})")
    return item


def _as_channel(item: Any, position: int, what: str) -> tuple[np.ndarray, str | None]:
    """One channel as an ndarray (at least 1-D) and the units it carried (Quantity) or None."""
    if type(item) is np.ndarray and item.ndim and item.size and item.dtype.kind != "O":
        return item, None  # the hot path: a plain, valid array
    units = None
    if is_quantity(item):
        units = format_units(item.units)
        item = item.magnitude
    if is_lazy_array(item):
        return _checked_lazy(item, position, what), units
    if type(item) is not np.ndarray:
        if isinstance(item, numbers.Number) or isinstance(item, np.generic):
            item = np.array([item])
        else:
            try:
                item = np.asarray(item)
            except (ValueError, TypeError) as error:
                raise ChannelsTypeError(f"{what} {position} cannot be made an array: "
                                        f"{error}") from None
    if item.ndim == 0:
        item = item.reshape(1)
    if item.dtype == object:
        raise ChannelsTypeError(f"{what} {position} has dtype object (ragged or non-numeric): "
                                f"{item!r:.80}")
    if item.dtype.kind in "USV":
        raise ChannelsTypeError(f"{what} {position} is not numeric (dtype {item.dtype}): "
                                f"{item!r:.80}")
    if item.size == 0:
        raise ChannelsTypeError(f"{what} {position} is empty (shape {item.shape})")
    return item, units


def normalize_channels(data: Any, units: str, what: str = "data") -> tuple[list[np.ndarray], str]:
    """Return (list of same-shape arrays, units) from the many forms PyMoDAQ accepts.

    Accepted: a list/tuple of arrays or Quantities, a single array, a Quantity, a number.
    Quantities set the units when ``units`` is empty, otherwise they are converted to ``units``.

    Raises
    ------
    DataShapeError
        None/empty input, empty or object arrays, channels of different shapes.
    IncompatibleUnitsError
        Quantity channels whose units cannot be converted to ``units``.
    """
    if data is None:
        raise ChannelsTypeError(f"{what} is required: a list of numpy arrays, got None")
    if type(data) is list or isinstance(data, list | tuple):
        if len(data) == 0:
            raise ChannelsTypeError(f"{what} is an empty list; give at least one array")
        items = data  # a flat list of numbers is a list of 0D channels
    else:
        items = [data]
    channels: list[np.ndarray] = []
    for position, item in enumerate(items):
        array, item_units = _as_channel(item, position, what)
        if item_units is not None:
            if units == "":
                units = item_units
            elif item_units != units:
                array = convert_values(array, item_units, units)
        channels.append(array)
    shape = channels[0].shape
    for position, array in enumerate(channels):
        if array.shape != shape:
            raise DataShapeError(
                f"{what} channel {position} has shape {array.shape}, channel 0 has {shape}: "
                f"all channels must have the same shape"
            )
    return channels, units


def normalize_errors(errors: Any, data: list[np.ndarray], units: str) -> list[np.ndarray] | None:
    """Validate standard deviations: one array per channel, same shape, non-negative.

    Raises
    ------
    DataShapeError
        Wrong number of arrays, shape mismatch or negative values.
    """
    if errors is None:
        return None
    if isinstance(errors, list | tuple) and len(errors) != len(data):
        raise DataShapeError(f"errors has {len(errors)} arrays for {len(data)} data channels")
    channels = []
    items = errors if isinstance(errors, list | tuple) else [errors]
    if len(items) != len(data):
        raise DataShapeError(f"errors has {len(items)} arrays for {len(data)} data channels")
    for position, item in enumerate(items):
        item_units = None
        if is_quantity(item):
            item_units = format_units(item.units)
            item = item.magnitude
        array = as_array(item)
        if array.ndim == 0:
            array = array.reshape(1)
        if item_units is not None and item_units != units:
            array = convert_errors(array, item_units, units)
        if array.shape != data[position].shape:
            try:
                array = np.broadcast_to(array, data[position].shape)
            except ValueError:
                raise DataShapeError(f"errors array {position} has shape {array.shape}, data "
                                     f"has {data[position].shape}") from None
        if is_lazy_array(array):  # checking the values would read them all
            if np.dtype(array.dtype).kind == "c":
                raise DataShapeError(f"errors array {position} is complex; errors are standard "
                                     f"deviations (>= 0)")
        elif np.iscomplexobj(array) or np.any(array < 0):
            raise DataShapeError(f"errors array {position} has negative or complex values; "
                                 f"errors are standard deviations (>= 0)")
        channels.append(array)
    return channels


def normalize_labels(labels: Any, count: int) -> list[str]:
    """Labels per channel; missing ones become ``CH00``, ``CH01``...

    Raises
    ------
    DataShapeError
        More labels than channels, or non-string labels.
    """
    if labels is None:
        return [f"CH{index:02d}" for index in range(count)]
    if isinstance(labels, str):
        labels = [labels]
    labels = list(labels)
    if len(labels) > count:
        raise DataShapeError(f"{len(labels)} labels {labels!r} for {count} data channels")
    for label in labels:
        if not isinstance(label, str):
            raise DataShapeError(f"labels must be strings, got {label!r}")
    labels.extend(f"CH{index:02d}" for index in range(len(labels), count))
    return labels


def normalize_nav_indexes(nav_indexes: Any, ndim: int) -> tuple[int, ...]:
    """Sorted tuple of distinct dimension indexes, each < ``ndim``.

    Raises
    ------
    DataIndexError
        Out-of-range, repeated or non-integer indexes.
    """
    if nav_indexes is None:
        return ()
    if isinstance(nav_indexes, numbers.Integral):
        nav_indexes = (nav_indexes,)
    result = []
    for index in nav_indexes:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise DataIndexError(f"nav_indexes must be integers, got {index!r}")
        index = int(index)
        if not 0 <= index < ndim:
            raise DataIndexError(
                f"nav index {index} out of range for data with {ndim} dimension(s) "
                f"(nav_indexes={tuple(nav_indexes)!r})"
            )
        result.append(int(index))
    if len(set(result)) != len(result):
        raise DataIndexError(f"nav_indexes {tuple(nav_indexes)!r} has repeated indexes")
    return tuple(sorted(result))


def validate_axes(axes: Any, shape: tuple[int, ...], distribution: DataDistribution,
                  nav_indexes: tuple[int, ...]) -> list[Axis]:
    """Check every axis fits the data: index < ndim and length == that dimension's length.

    Raises
    ------
    DataAxisError
        Non-Axis item, index out of range, wrong length, two axes for one dimension (uniform)
        or the same (index, spread_order) twice (spread).
    """
    if axes is None:
        return []
    if isinstance(axes, Axis):
        axes = [axes]
    if not isinstance(axes, list | tuple):
        raise AxisTypeError(f"axes must be a list of Axis objects, got {type(axes).__name__} "
                            f"{axes!r:.60}")
    axes = list(axes)
    seen: set[tuple[int, int]] = set()
    for axis in axes:
        if not isinstance(axis, Axis):
            raise AxisTypeError(f"axes must be Axis objects, got {type(axis).__name__} "
                                f"{axis!r:.60}")
        index = axis.index
        if index >= len(shape):
            raise AxisIndexError(
                f"axis {axis.label!r} has index {index} but the data have only {len(shape)} "
                f"dimension(s) (shape {shape})"
            )
        if axis.size != shape[index]:
            spread_nav = distribution is DataDistribution.spread and index in nav_indexes
            raise (SpreadAxisLengthError if spread_nav else DataAxisError)(
                f"axis {axis.label!r} has {axis.size} points but data dimension {index} has "
                f"length {shape[index]} (shape {shape})"
            )
        spread = distribution is DataDistribution.spread and index in nav_indexes
        key = (index, axis.spread_order if spread else 0)
        if key in seen:
            raise DataAxisError(
                f"two axes describe dimension {index} (second: {axis.label!r}); only spread "
                f"navigation axes may share an index, with distinct spread_order"
            )
        seen.add(key)
    return axes


_LEGACY_AXES_KEYWORDS = frozenset({"x_axis", "y_axis", "nav_x_axis", "nav_y_axis", "nav_axes"})


def legacy_named_axes(axes: Any, keywords: dict[str, Any], shape: tuple[int, ...],
                      nav_indexes: tuple[int, ...]) -> list[Axis]:
    """PyMoDAQ's deprecated ``x_axis``/``y_axis``/``nav_x_axis``/``nav_y_axis`` keywords,
    popped from ``keywords`` and added to ``axes`` on the dimension PyMoDAQ gives them:
    ``x_axis`` is dimension 0 of 1D data and dimension 1 (columns) of 2D data, ``y_axis``
    dimension 0 of 2D data, ``nav_x_axis``/``nav_y_axis`` the first/second navigation index.
    """
    result = [] if axes is None else ([axes] if isinstance(axes, Axis) else list(axes))
    taken = {axis.index for axis in result if isinstance(axis, Axis)}

    def add(named: Any, index: int) -> None:
        if not isinstance(named, Axis):
            raise AxisTypeError(f"named axes must be Axis objects, got {named!r:.60}")
        result.append(Axis(named.label, named.units, named.data, index=index))
        taken.add(index)

    x_axis, y_axis = keywords.pop("x_axis", None), keywords.pop("y_axis", None)
    nav_x, nav_y = keywords.pop("nav_x_axis", None), keywords.pop("nav_y_axis", None)
    if x_axis is not None:
        add(x_axis, 1 if len(shape) == 2 and 1 not in taken else 0)
    if y_axis is not None and len(shape) == 2 and 0 not in taken:
        add(y_axis, 0)
    if nav_x is not None and nav_indexes:
        add(nav_x, nav_indexes[0])
    if nav_y is not None and len(nav_indexes) > 1:
        add(nav_y, nav_indexes[1])
    return result


def dim_from_shape(shape: tuple[int, ...]) -> DataDim:
    """PyMoDAQ's rule: 1-D of size 1 -> 0D, 1-D -> 1D, 2-D -> 2D, otherwise ND."""
    ndim = len(shape)
    if ndim == 1:
        return DataDim.Data0D if shape[0] == 1 else DataDim.Data1D
    if ndim == 2:
        return DataDim.Data2D
    return DataDim.DataND


def infer_dim(shape: tuple[int, ...], axes: list[Axis], nav_indexes: tuple[int, ...]) -> DataDim:
    """Dimensionality as PyMoDAQ infers it from the shape, the axes and the nav indexes.

    Any navigation index makes it DataND; when there is one axis per dimension, the number of
    axes decides (so a 1-point array with an axis is Data1D); otherwise the shape does.
    """
    if nav_indexes:
        return DataDim.DataND
    if axes and len(axes) == len(shape) and len(axes) <= 2:
        return DataDim(len(axes))
    return dim_from_shape(shape)

