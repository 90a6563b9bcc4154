"""``DataWithAxes`` and its kinds (``DataRaw``, ``DataCalculated``, ``DataFromPlugins``,
``DataActuator``).

A DataWithAxes (DWA) is a list of same-shape ndarrays (*channels*) sharing one units string,
the axes that describe their dimensions, which of those dimensions are *navigation* (scan)
dimensions, optional per-point standard deviations (``errors``) and metadata. Names and
semantics follow pymodaq_data; differences are documented in ``docs/data_model.md``.

Construction does not copy ndarrays and never writes into them: every operation returns new
arrays, so the caller's arrays are never modified.
"""

from __future__ import annotations

import copy
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pint

from daqcore.data.arithmetic import ArithmeticMixin
from daqcore.data.axis import Axis
from daqcore.data.enums import DataDim, DataDistribution, DataSource
from daqcore.data.errors import (
    DataDimWarning,
    DataError,
    DataIndexError,
    DataShapeError,
)
from daqcore.data.processing import ProcessingMixin
from daqcore.data.reductions import ReductionMixin
from daqcore.data.slicing import DataSlicer, remove_dimensions
from daqcore.data.units import (
    Q_,
    check_units,
    convert_errors,
    convert_values,
    format_units,
    get_unit,
)
from daqcore.data.validation import (
    dim_from_shape,
    infer_dim,
    normalize_channels,
    normalize_errors,
    normalize_labels,
    normalize_nav_indexes,
    validate_axes,
)

if TYPE_CHECKING:
    from daqcore.data.export import DataToExport

#: attribute names that cannot be used as extra attributes
_RESERVED: frozenset[str] = frozenset()


class DataWithAxes(ArithmeticMixin, ReductionMixin, ProcessingMixin):
    """Multi-channel data with axes, units, navigation indexes and error bars.

    Parameters
    ----------
    name : str
        Name of the data (e.g. ``'spectrum'``).
    source : DataSource or str
        ``raw`` (from a detector) or ``calculated``.
    data : list of ndarray (or Quantity), ndarray, Quantity or number
        The channels, all of the same shape. A single array/number is one channel; a number
        becomes a 1-element array (0D). Quantities set (or are converted to) ``units``.
    dim : DataDim or str, optional
        Declared dimensionality. It is inferred from the shape, the axes and ``nav_indexes``
        (PyMoDAQ's rule); a contradicting declaration is replaced with a
        :class:`~daqcore.data.errors.DataDimWarning` (except the PyMoDAQ file convention where
        ``dim`` is the dimensionality of the signal part of navigated data).
    distribution : DataDistribution or str
        ``uniform`` (one axis per dimension) or ``spread`` (several axes share a nav index).
    labels : list of str, optional
        One label per channel (default ``CH00``, ``CH01`` ...).
    origin : str
        Name of the producer (detector/module); ``full_name`` is ``origin/name``.
    nav_indexes : tuple of int
        Dimensions that are navigation (scan) dimensions; the others are signal dimensions.
    axes : list of Axis, optional
        Axes of (some of) the dimensions; each axis length must match its dimension.
    errors : list of ndarray, optional
        Standard deviations, one array per channel, same shape as the data (scalars and
        broadcastable arrays are broadcast).
    units : str
        pint-parsable units of every channel.
    **extra_attributes
        Any other metadata; each becomes an attribute and its name is listed in
        :attr:`extra_attributes` (saved to HDF5 by the savers).

    Raises
    ------
    DataShapeError, DataAxisError, DataIndexError, DataUnitsError
        For invalid input; the message names the offending value.
    """

    _default_source = DataSource.raw

    def __init__(
        self,
        name: str,
        source: DataSource | str | None = None,
        data: Any = None,
        dim: DataDim | str | None = None,
        distribution: DataDistribution | str = DataDistribution.uniform,
        labels: list[str] | None = None,
        origin: str = "",
        nav_indexes: tuple[int, ...] = (),
        axes: list[Axis] | None = None,
        errors: Any = None,
        units: str = "",
        **extra_attributes: Any,
    ) -> None:
        if not isinstance(name, str):
            raise DataError(f"name must be a string, got {name!r}")
        if not isinstance(origin, str):
            raise DataError(f"origin must be a string, got {origin!r}")
        self._name = name
        self._origin = origin
        self._timestamp = time.time()
        self._source = self._default_source if source is None else DataSource.coerce(source)
        self._distribution = DataDistribution.coerce(distribution)
        units = check_units(units)
        channels, units = normalize_channels(data, units)
        self._data = channels
        self._units = units
        self._shape = channels[0].shape
        self._labels = normalize_labels(labels, len(channels))
        self._nav_indexes = normalize_nav_indexes(nav_indexes, len(self._shape))
        if not self._nav_indexes:
            self._distribution = DataDistribution.uniform
        self._axes = validate_axes(axes, self._shape, self._distribution, self._nav_indexes)
        self._errors = normalize_errors(errors, channels, units)
        self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)
        if dim is not None:
            self._check_declared_dim(dim)
        self._extra_attributes: list[str] = []
        if extra_attributes:
            self.add_extra_attribute(**extra_attributes)

    # --------------------------------------------------------------------- internals
    def _check_declared_dim(self, dim: Any) -> None:
        declared = DataDim.coerce(dim)
        if declared is self._dim:
            return
        if self._nav_indexes and declared is dim_from_shape(self.sig_shape or (1,)):
            return  # PyMoDAQ files: data_dimension is the dim of the signal part
        warnings.warn(
            DataDimWarning(
                f"{self._name!r}: declared dim {declared.name} does not match the shape "
                f"{self._shape} / nav_indexes {self._nav_indexes}; using {self._dim.name}"
            ),
            stacklevel=3,
        )

    @classmethod
    def _new_unchecked(cls, template: DataWithAxes, data: list[np.ndarray],
                       errors: list[np.ndarray] | None, axes: list[Axis],
                       nav_indexes: tuple[int, ...], units: str | None = None,
                       name: str | None = None,
                       source: DataSource | None = None) -> DataWithAxes:
        """Build a DWA of ``template``'s kind from already validated parts (internal)."""
        new = object.__new__(type(template))
        new.__dict__.update(template.__dict__)
        new._name = template._name if name is None else name
        new._timestamp = template._timestamp
        new._data = data
        new._units = template._units if units is None else units
        new._shape = data[0].shape
        new._labels = list(template._labels)
        new._nav_indexes = nav_indexes
        new._distribution = template._distribution if nav_indexes else DataDistribution.uniform
        new._axes = axes
        new._errors = errors
        new._dim = infer_dim(new._shape, axes, nav_indexes)
        new._extra_attributes = list(template._extra_attributes)
        if source is not None:
            new._source = source
        return new

    # ------------------------------------------------------------------- properties
    @property
    def name(self) -> str:
        """Name of the data."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        if not isinstance(name, str):
            raise DataError(f"name must be a string, got {name!r}")
        self._name = name

    @property
    def origin(self) -> str:
        """Name of the producer; ``''`` until set (a DataToExport sets it to its name)."""
        return self._origin

    @origin.setter
    def origin(self, origin: str) -> None:
        if not isinstance(origin, str):
            raise DataError(f"origin must be a string, got {origin!r}")
        self._origin = origin

    @property
    def full_name(self) -> str:
        """``origin/name`` (unique key inside a DataToExport)."""
        return f"{self._origin}/{self._name}"

    def get_full_name(self) -> str:
        """Same as :attr:`full_name`."""
        return self.full_name

    @staticmethod
    def get_origin_name_from_full_name(full_name: str) -> tuple[str, str]:
        """Split ``'origin/name'`` into ``(origin, name)``."""
        origin, _, name = full_name.rpartition("/")
        return origin, name

    @property
    def timestamp(self) -> float:
        """Creation time (``time.time()`` seconds); settable."""
        return self._timestamp

    @timestamp.setter
    def timestamp(self, value: float) -> None:
        self._timestamp = float(value)

    @property
    def source(self) -> DataSource:
        """:class:`DataSource` of the data."""
        return self._source

    @source.setter
    def source(self, source: DataSource | str) -> None:
        self._source = DataSource.coerce(source)

    @property
    def distribution(self) -> DataDistribution:
        """:class:`DataDistribution` of the navigation points."""
        return self._distribution

    @property
    def dim(self) -> DataDim:
        """Dimensionality (inferred)."""
        return self._dim

    def get_data_dimension(self) -> str:
        """``'(nav|sig)'`` description of the shape, e.g. ``'(10, 5|256)'``."""
        return self._shape_str()

    @property
    def data(self) -> list[np.ndarray]:
        """The channels (list of same-shape ndarrays)."""
        return self._data

    @data.setter
    def data(self, data: Any) -> None:
        channels, units = normalize_channels(data, self._units)
        if channels[0].shape != self._shape:
            raise DataShapeError(
                f"new data have shape {channels[0].shape}, {self._name!r} has {self._shape}; "
                f"use deepcopy_with_new_data to change the shape"
            )
        self._data = channels
        self._units = units
        self._labels = normalize_labels(self._labels[: len(channels)], len(channels))
        if self._errors is not None and len(self._errors) != len(channels):
            self._errors = None

    @property
    def quantities(self) -> list[pint.Quantity]:
        """The channels as pint Quantity arrays."""
        unit = get_unit(self._units)
        return [Q_(array, unit) for array in self._data]

    @property
    def units(self) -> str:
        """Units string of every channel; setting it relabels (see :meth:`force_units`)."""
        return self._units

    @units.setter
    def units(self, units: str) -> None:
        self.force_units(units)

    @property
    def labels(self) -> list[str]:
        """One label per channel."""
        return self._labels

    @labels.setter
    def labels(self, labels: list[str]) -> None:
        self._labels = normalize_labels(labels, len(self._data))

    @property
    def errors(self) -> list[np.ndarray] | None:
        """Standard deviations per channel, or None."""
        return self._errors

    @errors.setter
    def errors(self, errors: Any) -> None:
        self._errors = normalize_errors(errors, self._data, self._units)

    @property
    def axes(self) -> list[Axis]:
        """Axes given for (some of) the dimensions."""
        return self._axes

    @axes.setter
    def axes(self, axes: list[Axis]) -> None:
        self._axes = validate_axes(axes, self._shape, self._distribution, self._nav_indexes)
        self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)

    @property
    def nav_indexes(self) -> tuple[int, ...]:
        """Dimensions that are navigation dimensions (sorted)."""
        return self._nav_indexes

    @nav_indexes.setter
    def nav_indexes(self, nav_indexes: tuple[int, ...]) -> None:
        nav = normalize_nav_indexes(nav_indexes, len(self._shape))
        validate_axes(self._axes, self._shape, self._distribution, nav)
        self._nav_indexes = nav
        if not nav:
            self._distribution = DataDistribution.uniform
        self._dim = infer_dim(self._shape, self._axes, nav)

    @property
    def sig_indexes(self) -> tuple[int, ...]:
        """Dimensions that are signal dimensions."""
        return tuple(i for i in range(len(self._shape)) if i not in self._nav_indexes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of each channel."""
        return self._shape

    @property
    def nav_shape(self) -> tuple[int, ...]:
        """Lengths of the navigation dimensions."""
        return tuple(self._shape[i] for i in self._nav_indexes)

    @property
    def sig_shape(self) -> tuple[int, ...]:
        """Lengths of the signal dimensions."""
        return tuple(self._shape[i] for i in self.sig_indexes)

    @property
    def size(self) -> int:
        """Number of elements of one channel."""
        return self._data[0].size

    @property
    def length(self) -> int:
        """Number of channels."""
        return len(self._data)

    @property
    def dtype(self) -> np.dtype:
        """dtype of the first channel."""
        return self._data[0].dtype

    @property
    def n_axes(self) -> int:
        """Number of axes given."""
        return len(self._axes)

    @property
    def extra_attributes(self) -> list[str]:
        """Names of the extra attributes (their values are attributes of this object)."""
        return self._extra_attributes

    def add_extra_attribute(self, **attributes: Any) -> None:
        """Add metadata; each keyword becomes an attribute listed in :attr:`extra_attributes`.

        Raises
        ------
        DataError
            If a name collides with an existing attribute/method of the class.
        """
        for key, value in attributes.items():
            if key.startswith("_") or (hasattr(type(self), key)):
                raise DataError(f"extra attribute name {key!r} is reserved by "
                                f"{type(self).__name__}")
            setattr(self, key, value)
            if key not in self._extra_attributes:
                self._extra_attributes.append(key)

    # ------------------------------------------------------------------- channels
    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self):
        return iter(self._data)

    def __getitem__(self, index: int) -> np.ndarray:
        return self._data[index]

    def __setitem__(self, index: int, value: Any) -> None:
        """Replace channel ``index`` by an array of the same shape (not copied)."""
        if not isinstance(index, int) or not -len(self._data) <= index < len(self._data):
            raise DataIndexError(f"channel index {index!r} out of range for {len(self._data)}")
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
        """Channel ``index`` alone as a new DWA (with its errors and label)."""
        if not -len(self._data) <= index < len(self._data):
            raise DataIndexError(f"channel index {index} out of range for {len(self._data)}")
        errors = None if self._errors is None else [self._errors[index]]
        new = self._new_unchecked(self, [self._data[index]], errors, self._copy_axes(),
                                  self._nav_indexes)
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
        if (self._errors is None) != (other.errors is None):
            mine = self._errors or [np.zeros(self._shape) for _ in self._data]
            theirs = other.errors or [np.zeros(self._shape) for _ in other.data]
        else:
            mine, theirs = self._errors, other.errors
        self._data = self._data + factor_data
        self._labels = self._labels + list(other.labels)
        if mine is not None:
            self._errors = list(mine) + [convert_errors(e, other.units, self._units)
                                         for e in theirs]

    def pop(self, index: int) -> DataWithAxes:
        """Remove channel ``index`` and return it as a DWA."""
        if len(self._data) == 1:
            raise DataShapeError(f"cannot pop the only channel of {self._name!r}")
        popped = self.get_data_as_dwa(index)
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

    # ------------------------------------------------------------------- axes
    def _copy_axes(self) -> list[Axis]:
        return [axis.copy() for axis in self._axes]

    def get_axis_indexes(self) -> list[int]:
        """Dimension indexes that have at least one axis."""
        return sorted({axis.index for axis in self._axes})

    def get_axis_from_index(self, index: int, create: bool = False) -> list[Axis]:
        """Axes describing dimension ``index`` (several for spread navigation).

        Returns an empty list when there is none, unless ``create`` is True: then a linear axis
        of indexes ``0..n-1`` (label ``''``) is returned, *without* being added to
        :attr:`axes` (see :meth:`create_missing_axes`).

        Raises
        ------
        DataIndexError
            If ``index`` is not a dimension of the data.
        """
        if not 0 <= index < len(self._shape):
            raise DataIndexError(f"dimension index {index} out of range for shape {self._shape}")
        found = [axis for axis in self._axes if axis.index == index]
        if not found and create:
            found = [Axis("", "", index=index, offset=0.0, scaling=1.0, size=self._shape[index])]
        return sorted(found, key=lambda axis: axis.spread_order)

    def get_axis_from_index_spread(self, index: int, spread_order: int) -> Axis | None:
        """The axis with this ``index`` and ``spread_order`` (None if absent)."""
        for axis in self._axes:
            if axis.index == index and axis.spread_order == spread_order:
                return axis
        return None

    def get_axis_from_label(self, label: str) -> Axis | None:
        """First axis called ``label`` (None if absent)."""
        for axis in self._axes:
            if axis.label == label:
                return axis
        return None

    def get_nav_axes(self) -> list[Axis]:
        """Navigation axes, in dimension order; missing ones are created (not attached)."""
        return [axis for index in self._nav_indexes
                for axis in self.get_axis_from_index(index, create=True)]

    def get_nav_axes_with_data(self) -> list[Axis]:
        """Navigation axes that were given (none created)."""
        return [axis for index in self._nav_indexes for axis in self.get_axis_from_index(index)]

    def get_signal_axes(self) -> list[Axis]:
        """Signal axes in dimension order; missing ones of length > 1 are created (not attached)."""
        axes = []
        for index in self.sig_indexes:
            for axis in self.get_axis_from_index(index, create=True):
                if axis.size > 1 or axis in self._axes:
                    axes.append(axis)
        return axes

    def axes_limits(self, axes_indexes: list[int] | None = None) -> list[tuple[float, float]]:
        """(min, max) of the axes of the given dimensions (all by default)."""
        indexes = range(len(self._shape)) if axes_indexes is None else axes_indexes
        return [(axis.min(), axis.max()) for index in indexes
                for axis in self.get_axis_from_index(index)]

    def create_missing_axes(self) -> None:
        """Attach a linear index axis to every dimension of length > 1 that has none."""
        present = {axis.index for axis in self._axes}
        created = [Axis("", "", index=index, offset=0.0, scaling=1.0, size=length)
                   for index, length in enumerate(self._shape)
                   if index not in present and length > 1]
        if created:
            self._axes = sorted(self._axes + created, key=lambda a: (a.index, a.spread_order))
            self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)

    # ------------------------------------------------------------------- units
    def units_as(self, units: str, inplace: bool = False) -> DataWithAxes:
        """Data (and errors) converted to ``units`` (a new object unless ``inplace``).

        Raises
        ------
        IncompatibleUnitsError
            If ``units`` has another dimensionality than :attr:`units`.
        """
        units = check_units(units)
        data = [convert_values(array, self._units, units) for array in self._data]
        errors = None if self._errors is None else \
            [convert_errors(array, self._units, units) for array in self._errors]
        if inplace:
            self._data, self._errors, self._units = data, errors, units
            return self
        return self._new_unchecked(self, data, errors, self._copy_axes(), self._nav_indexes,
                                   units=units)

    def force_units(self, units: str) -> None:
        """Relabel the data with ``units`` without converting the values (use with care)."""
        self._units = check_units(units)

    def to_base_units(self) -> DataWithAxes:
        """New object converted to SI base units."""
        unit = Q_(1.0, get_unit(self._units)).to_base_units().units
        return self.units_as(format_units(unit))

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

    # ------------------------------------------------------------------- copies
    def deepcopy(self) -> DataWithAxes:
        """Fully independent copy (arrays, axes, errors and extra attributes copied)."""
        return copy.deepcopy(self)

    def __deepcopy__(self, memo: dict) -> DataWithAxes:
        new = object.__new__(type(self))
        for key, value in self.__dict__.items():
            setattr(new, key, copy.deepcopy(value, memo))
        return new

    def __copy__(self) -> DataWithAxes:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._data = list(self._data)
        new._labels = list(self._labels)
        new._axes = list(self._axes)
        new._errors = None if self._errors is None else list(self._errors)
        new._extra_attributes = list(self._extra_attributes)
        return new

    def deepcopy_with_new_data(
        self,
        data: Any = None,
        remove_axes_index: int | list[int] | None = None,
        source: DataSource | str | None = DataSource.calculated,
        keep_dim: bool = False,
        errors: Any = None,
    ) -> DataWithAxes:
        """Copy of the metadata with new channels (not copied), dropping some dimensions.

        Parameters
        ----------
        data : list of ndarray
            The new channels; their shape must be this shape without ``remove_axes_index``.
        remove_axes_index : int or list of int, optional
            Dimensions that the new data no longer have: their axes are removed and the
            indexes of the following dimensions (axes, nav_indexes) shifted down.
        source : DataSource, optional
            Source of the new object (``calculated`` by default, None keeps it).
        keep_dim : bool
            Accepted for PyMoDAQ compatibility; the dim is always re-inferred.
        errors : list of ndarray, optional
            Errors of the new data (default: none).

        Raises
        ------
        DataShapeError
            If the new data do not have the expected shape.
        """
        del keep_dim
        if data is None:
            data = self._data
        channels, units = normalize_channels(data, self._units)
        removed = [] if remove_axes_index is None else (
            [remove_axes_index] if isinstance(remove_axes_index, int) else list(remove_axes_index))
        axes, nav_indexes = remove_dimensions(self._copy_axes(), self._nav_indexes,
                                              len(self._shape), removed)
        expected_ndim = len(self._shape) - len(set(removed))
        new_shape = channels[0].shape
        if len(new_shape) != expected_ndim and not (expected_ndim == 0 and new_shape == (1,)):
            raise DataShapeError(
                f"new data of shape {new_shape} do not fit {self._name!r} of shape {self._shape} "
                f"with dimensions {removed} removed"
            )
        axes = validate_axes([a for a in axes if a.index < len(new_shape)
                              and a.size == new_shape[a.index]], new_shape,
                             self._distribution, nav_indexes)
        errs = normalize_errors(errors, channels, units)
        new = self._new_unchecked(self, channels, errs, axes, nav_indexes, units=units,
                                  source=None if source is None else DataSource.coerce(source))
        if len(channels) != len(self._labels):
            new._labels = normalize_labels(self._labels[: len(channels)], len(channels))
        return new

    def as_dte(self, name: str = "mydte") -> DataToExport:
        """This object alone in a :class:`~daqcore.data.DataToExport`."""
        from daqcore.data.export import DataToExport

        return DataToExport(name, data=[self])

    def split_as_dte(self, name: str = "mydte") -> DataToExport:
        """One DWA per channel (named after the labels) in a DataToExport."""
        from daqcore.data.export import DataToExport

        items = []
        for index, label in enumerate(self._labels):
            item = self.get_data_as_dwa(index)
            item.name = label
            items.append(item)
        return DataToExport(name, data=items)

    # ------------------------------------------------------------------- slicing
    @property
    def inav(self) -> DataSlicer:
        """Index slicing of the navigation dimensions: ``dwa.inav[2, 1:5]``."""
        return DataSlicer(self, navigation=True, by_value=False)

    @property
    def isig(self) -> DataSlicer:
        """Index slicing of the signal dimensions: ``dwa.isig[10:20]``."""
        return DataSlicer(self, navigation=False, by_value=False)

    @property
    def vnav(self) -> DataSlicer:
        """Value slicing of the navigation dimensions (nearest points, bounds inclusive)."""
        return DataSlicer(self, navigation=True, by_value=True)

    @property
    def vsig(self) -> DataSlicer:
        """Value slicing of the signal dimensions (nearest points, bounds inclusive)."""
        return DataSlicer(self, navigation=False, by_value=True)

    # ------------------------------------------------------------------- export
    def to_xarray(self) -> Any:
        """This object as an ``xarray.Dataset`` (one variable per channel; see
        :func:`daqcore.data.xarray_export.dwa_to_xarray`).

        Raises
        ------
        OptionalDependencyError
            If xarray is not installed.
        """
        from daqcore.data.xarray_export import dwa_to_xarray

        return dwa_to_xarray(self)

    # ------------------------------------------------------------------- display / compare
    def _shape_str(self) -> str:
        nav = ", ".join(str(n) for n in self.nav_shape)
        sig = ", ".join(str(n) for n in self.sig_shape)
        return f"({nav}|{sig})"

    def __repr__(self) -> str:
        return (f"<{type(self).__name__}: {self._name} <u: {self._units}> <len:{len(self._data)}> "
                f"{self._shape_str()}>")

    def __eq__(self, other: object) -> bool:
        """Same shape, unit-compatible channels allclose, same nav indexes, axes and errors.

        Names and labels are ignored (as PyMoDAQ).
        """
        if not isinstance(other, DataWithAxes):
            return NotImplemented
        if other.shape != self._shape or len(other) != len(self):
            return False
        if other.nav_indexes != self._nav_indexes:
            return False
        try:
            theirs = [convert_values(a, other.units, self._units) for a in other.data]
        except DataError:
            return False
        for mine, their in zip(self._data, theirs):
            if not np.allclose(mine, their, equal_nan=True):
                return False
        if (self._errors is None) != (other.errors is None):
            return False
        if self._errors is not None:
            their_errors = [convert_errors(e, other.units, self._units) for e in other.errors]
            if not all(np.allclose(a, b, equal_nan=True)
                       for a, b in zip(self._errors, their_errors)):
                return False
        mine_axes = sorted(self._axes, key=lambda a: (a.index, a.spread_order))
        their_axes = sorted(other.axes, key=lambda a: (a.index, a.spread_order))
        return len(mine_axes) == len(their_axes) and all(
            a == b for a, b in zip(mine_axes, their_axes))

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None


class DataRaw(DataWithAxes):
    """Data straight from a detector (source forced to ``raw``)."""

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("source", None)
        super().__init__(name, DataSource.raw, *args, **kwargs)


class DataCalculated(DataWithAxes):
    """Data computed from other data (source forced to ``calculated``)."""

    _default_source = DataSource.calculated

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("source", None)
        super().__init__(name, DataSource.calculated, *args, **kwargs)


class DataFromPlugins(DataRaw):
    """Data emitted by a detector plugin; extra attributes ``do_plot`` and ``do_save``."""

    def __init__(self, name: str, *args: Any, do_plot: bool = True, do_save: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(name, *args, **kwargs)
        self._extra_attributes = ["do_plot", "do_save", *self._extra_attributes]
        self.do_plot = do_plot
        self.do_save = do_save


class DataActuator(DataRaw):
    """Actuator positions; ``data`` may be a plain number (-> 0D).

    ``DataActuator()`` is a 0D value ``0.0`` named ``'actuator'``.
    """

    def __init__(self, name: str = "actuator", *args: Any, data: Any = None,
                 **kwargs: Any) -> None:
        if data is None and not args:
            data = [np.array([0.0])]
        if args:
            super().__init__(name, *args, **kwargs)
        else:
            super().__init__(name, data=data, **kwargs)

    def __repr__(self) -> str:
        if self._dim is DataDim.Data0D:
            values = ", ".join(f"{a.flat[0]:g}" for a in self._data)
            return f"<DataActuator: {self._name} <u: {self._units}> <{values}>>"
        return super().__repr__()


__all__ = [
    "DataActuator",
    "DataCalculated",
    "DataFromPlugins",
    "DataRaw",
    "DataWithAxes",
]
