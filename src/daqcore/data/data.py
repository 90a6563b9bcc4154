"""``DataWithAxes``: multi-channel data with axes, units, navigation indexes and errors.

Its kinds (``DataRaw``, ``DataCalculated``, ``DataFromPlugins``, ``DataActuator``,
``DataFromRoi``) are in :mod:`daqcore.data.kinds`; the helpers are split into mixins (channels,
axes, arithmetic, reductions, processing) in their own modules. :class:`DataBase` is PyMoDAQ's
base class of data without axes (its constructor takes PyMoDAQ's arguments, no axes); every
DataWithAxes is a DataBase and a :class:`~daqcore.data.lowlevel.DataLowLevel`.

A DataWithAxes (DWA) is a list of same-shape ndarrays (*channels*) sharing one units string,
the axes that describe their dimensions, which of those dimensions are *navigation* (scan)
dimensions, optional per-point standard deviations (``errors``) and metadata. Names and
semantics follow pymodaq_data; differences are documented in ``docs/data_model.md``.

Construction does not copy ndarrays and never writes into them: every operation returns new
arrays, so the caller's arrays are never modified.
"""

from __future__ import annotations

import copy
import numbers
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.arithmetic import ArithmeticMixin
from daqcore.data.axis import Axis
from daqcore.data.dwa_axes import AxesMixin
from daqcore.data.dwa_channels import ChannelsMixin
from daqcore.data.enums import DataDim, DataDistribution, DataSource
from daqcore.data.errors import (
    DataDimWarning,
    DataError,
    DataShapeError,
    DataTypeError,
)
from daqcore.data.lowlevel import DataLowLevel
from daqcore.data.processing import ProcessingMixin
from daqcore.data.reductions import ReductionMixin
from daqcore.data.slicing import DataSlicer, remove_dimensions
from daqcore.data.units import (
    check_units,
    convert_errors,
    convert_values,
    get_unit,
    quantity,
    register_upcast_type,
)
from daqcore.data.validation import (
    _LEGACY_AXES_KEYWORDS,
    dim_from_shape,
    infer_dim,
    legacy_named_axes,
    normalize_channels,
    normalize_errors,
    normalize_labels,
    normalize_nav_indexes,
    validate_axes,
)

if TYPE_CHECKING:
    import pint


class DataBase(DataLowLevel, ChannelsMixin, AxesMixin, ArithmeticMixin, ReductionMixin,
               ProcessingMixin):
    """PyMoDAQ's base of homogeneous data: channels, units, labels, metadata, no axes.

    ``DataBase(name, source=None, dim=None, distribution='uniform', data=None, labels=None,
    origin='', units='', **extra_attributes)`` takes PyMoDAQ's arguments in PyMoDAQ's order.
    Every :class:`DataWithAxes` is a DataBase; use DataWithAxes (or its kinds) for data with
    axes, navigation indexes or errors. See :class:`DataWithAxes` for the parameters.
    """

    _default_source = DataSource.raw
    _data: list[np.ndarray]
    _units: str
    _shape: tuple[int, ...]
    _labels: list[str]
    _nav_indexes: tuple[int, ...]
    _distribution: DataDistribution
    _source: DataSource
    _axes: list[Axis]
    _errors: list[np.ndarray] | None
    _dim: DataDim
    _origin: str
    _extra_attributes: list[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_upcast_type(cls)

    def __init__(
        self,
        name: str,
        source: DataSource | str | None = None,
        dim: DataDim | str | None = None,
        distribution: DataDistribution | str = DataDistribution.uniform,
        data: Any = None,
        labels: list[str] | None = None,
        origin: str = "",
        units: str = "",
        **extra_attributes: Any,
    ) -> None:
        self._setup(name, source, data, dim, distribution, labels, origin, (), None, None,
                    units, extra_attributes)

    def _setup(self, name: str, source: DataSource | str | None, data: Any,
               dim: DataDim | str | None, distribution: DataDistribution | str,
               labels: list[str] | None, origin: str, nav_indexes: tuple[int, ...],
               axes: list[Axis] | None, errors: Any, units: str,
               extra_attributes: dict[str, Any]) -> None:
        if not isinstance(name, str):
            raise DataTypeError(f"name must be a string, got {name!r}")
        if not isinstance(origin, str):
            raise DataTypeError(f"origin must be a string, got {origin!r}")
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
        if _LEGACY_AXES_KEYWORDS.intersection(extra_attributes):
            nav_indexes = extra_attributes.pop("nav_axes", nav_indexes)
        self._nav_indexes = normalize_nav_indexes(nav_indexes, len(self._shape))
        if _LEGACY_AXES_KEYWORDS.intersection(extra_attributes):
            axes = legacy_named_axes(axes, extra_attributes, self._shape, self._nav_indexes)
        if not self._nav_indexes:
            self._distribution = DataDistribution.uniform
        self._axes = validate_axes(axes, self._shape, self._distribution, self._nav_indexes)
        self._errors = normalize_errors(errors, channels, units)
        self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)
        if dim is not None:
            self._check_declared_dim(dim)
        self._extra_attributes = []
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
    def _new_unchecked(cls, template: DataBase, data: list[np.ndarray],
                       errors: list[np.ndarray] | None, axes: list[Axis],
                       nav_indexes: tuple[int, ...], units: str | None = None,
                       name: str | None = None,
                       source: DataSource | None = None) -> Any:
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
    def origin(self) -> str:
        """Name of the producer; ``''`` until set (a DataToExport sets it to its name)."""
        return self._origin

    @origin.setter
    def origin(self, origin: str) -> None:
        if not isinstance(origin, str):
            raise DataTypeError(f"origin must be a string, got {origin!r}")
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
        return [quantity(array, unit) for array in self._data]

    @property
    def units(self) -> str:
        """Units string of every channel. Setting it **converts** the data (``units_as`` in
        place), as PyMoDAQ; use :meth:`force_units` to relabel without converting."""
        return self._units

    @units.setter
    def units(self, units: str) -> None:
        self.units_as(units, inplace=True)

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

    # ------------------------------------------------------------------- copies
    def deepcopy(self) -> Any:
        """Fully independent copy (arrays, axes, errors and extra attributes copied)."""
        return copy.deepcopy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        new = object.__new__(type(self))
        for key, value in self.__dict__.items():
            setattr(new, key, copy.deepcopy(value, memo))
        return new

    def __copy__(self) -> Any:
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
    ) -> Any:
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
        """Value slicing of the navigation dimensions (PyMoDAQ's rule: stop value excluded)."""
        return DataSlicer(self, navigation=True, by_value=True)

    @property
    def vsig(self) -> DataSlicer:
        """Value slicing of the signal dimensions (PyMoDAQ's rule: stop value excluded)."""
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

    @classmethod
    def from_xarray(cls, obj: Any, name: str | None = None) -> Any:
        """Rebuild a DataWithAxes from an xarray Dataset/DataArray (see
        :func:`daqcore.data.xarray_export.dwa_from_xarray`)."""
        from daqcore.data.xarray_export import dwa_from_xarray

        return dwa_from_xarray(obj, name=name)

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
        if not isinstance(other, DataBase):
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
        if self._errors is not None and other.errors is not None:
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

    def _compare_all(self, other: Any, ufunc: np.ufunc) -> bool:
        """True if ``ufunc`` holds for every element of every channel.

        DWAs and Quantities are converted to this object's units (incompatible units raise
        IncompatibleUnitsError); a plain number or array is read in this object's units.
        """
        if isinstance(other, numbers.Number | np.ndarray):
            return all(bool(np.all(ufunc(array, other))) for array in self._data)
        result = ufunc(self, other)
        return all(bool(np.all(array)) for array in result.data)

    def __lt__(self, other: Any) -> bool:
        """``a < b``: True if every element of every channel is smaller (as PyMoDAQ);
        ``np.less(a, b)`` gives the element-wise DWA."""
        return self._compare_all(other, np.less)

    def __le__(self, other: Any) -> bool:
        """``a <= b`` for every element (see :meth:`__lt__`)."""
        return self._compare_all(other, np.less_equal)

    def __gt__(self, other: Any) -> bool:
        """``a > b`` for every element (see :meth:`__lt__`)."""
        return self._compare_all(other, np.greater)

    def __ge__(self, other: Any) -> bool:
        """``a >= b`` for every element (see :meth:`__lt__`)."""
        return self._compare_all(other, np.greater_equal)

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable


class DataWithAxes(DataBase):
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
        self._setup(name, source, data, dim, distribution, labels, origin, nav_indexes, axes,
                    errors, units, extra_attributes)


register_upcast_type(DataBase)

__all__ = ["DataBase", "DataWithAxes"]
