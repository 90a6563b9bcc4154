"""Savers that write a DataWithAxes piece by piece: extended (scan) and enlargeable (logger).

Both create their arrays on the first call (PyMoDAQ's layout, see ``docs/file_format.md``) and
then keep the library handles, shapes and dtypes of every array in a small per-group cache,
so an append or a scan point costs one write per array, with no tree walk and no attribute
read (PyMoDAQ re-walks the group and decodes ~100 attributes per call).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from daqcore.data import Axis, DataWithAxes
from daqcore.data.enums import DataDistribution
from daqcore.saving.blocks import PreparedWrite, write_blocks
from daqcore.saving.dynamic import cast
from daqcore.saving.enums import DataType
from daqcore.saving.errors import DataShapeError, ExtendedIndexError, NodeError
from daqcore.saving.management import DataSaverLoader, dwa_metadata


@dataclass
class _Target:
    """Cached handles of the arrays of one channel group."""

    generation: int
    data: list[Any]
    errors: list[Any] | None
    data_shape: tuple[int, ...]          # shape of one channel as given by the DWA
    value_shape: tuple[int, ...]         # shape written at one index / one row
    dtypes: list[np.dtype]
    enl_axes: list[Any] = field(default_factory=list)


def _copy_axis(axis: Axis, shift: int) -> Axis:
    new = axis.copy()
    new.index = axis.index + shift
    return new


def _nav_axis(data: DataWithAxes) -> Axis:
    """The navigation axis of a DataND with one navigation dimension (appended row by row)."""
    axis = data.get_axis_from_index(data.nav_indexes[0])[0]
    if axis is None:
        raise DataShapeError(f"{data.name!r} has no axis for its navigation index "
                             f"{data.nav_indexes[0]}")
    return axis


def _check_n_channels(where: str, data: DataWithAxes, target: _Target) -> None:
    if len(data) != len(target.data):
        raise DataShapeError(f"{data.name!r} has {len(data)} channel(s) but {where!r} holds "
                             f"{len(target.data)}")


class DataExtendedSaver(DataSaverLoader):
    """Save DataWithAxes at given indexes of arrays with an extra (scan) shape.

    Parameters
    ----------
    h5saver : H5SaverLowLevel
    extended_shape : tuple of int
        The scan shape prepended to the data shape (``(nx, ny)`` for a 2D scan).
    fill_value : float, optional
        Value of points not written yet (default: the saver's, NaN, cast to the dtype as
        PyMoDAQ's pre-filled arrays are).
    """

    data_type = DataType.data

    def __init__(self, h5saver: Any, extended_shape: Iterable[int],
                 fill_value: float | None = None) -> None:
        super().__init__(h5saver)
        try:
            self.extended_shape = tuple(int(n) for n in extended_shape)
        except (TypeError, ValueError):
            raise ExtendedIndexError(f"extended_shape {extended_shape!r} is not a tuple of "
                                     "integers") from None
        if not self.extended_shape or any(n < 1 for n in self.extended_shape):
            raise ExtendedIndexError(f"extended_shape {self.extended_shape!r} must hold "
                                     "positive integers")
        self.fill_value = fill_value
        self._targets: dict[str, _Target] = {}

    def check_indexes(self, indexes: Sequence[int]) -> tuple[int, ...]:
        """Validated indexes as a tuple of ints (raises ExtendedIndexError)."""
        try:
            idx = tuple(int(i) for i in indexes)
        except (TypeError, ValueError):
            raise ExtendedIndexError(f"indexes {indexes!r} are not integers") from None
        shape = self.extended_shape
        if len(idx) != len(shape):
            raise ExtendedIndexError(f"indexes {idx} do not match the extended shape {shape}")
        for i, n in zip(idx, shape):
            if not 0 <= i < n:
                raise ExtendedIndexError(f"indexes {idx} are out of the extended shape {shape}")
        return idx

    def _create_data_arrays(self, where: Any, data: DataWithAxes, save_axes: bool = True,
                            distribution: Any = DataDistribution.uniform) -> None:
        k = len(self.extended_shape)
        nav = tuple(range(k)) + tuple(int(i) + k for i in data.nav_indexes)
        dist = getattr(distribution, "name", str(distribution))
        errors = data.errors_as_dwa() if data.errors is not None else None
        for ind in range(len(data)):
            self._h5saver.add_array(
                where, self._node_name(ind), self.data_type, title=data.name,
                data_shape=data.data[ind].shape, array_type=data.data[ind].dtype,
                fill_value=self.fill_value, scan_shape=self.extended_shape, add_scan_dim=True,
                data_dimension=data.dim.name,
                metadata=dwa_metadata(data, ind, nav_indexes=nav, distribution=dist))
            if errors is not None:
                self._h5saver.add_array(
                    where, self._error_saver._node_name(ind), DataType.error, title=errors.name,
                    data_shape=errors.data[ind].shape, array_type=errors.data[ind].dtype,
                    fill_value=self.fill_value, scan_shape=self.extended_shape,
                    add_scan_dim=True, data_dimension=errors.dim.name,
                    metadata=dwa_metadata(errors, ind, nav_indexes=nav, distribution=dist,
                                          extras=False))
        if save_axes:
            for axis in data.axes:
                self._axis_saver.add_axis(where, _copy_axis(axis, k))

    def _prepare(self, where: Any, key: str, data: DataWithAxes, distribution: Any) -> _Target:
        if self.get_last_node_name(where) is None:
            self._create_data_arrays(where, data, save_axes=True, distribution=distribution)
        n = self._get_next_data_type_index_in_group(where)
        backend = self._h5saver.backend
        handles = [self.get_node_from_index(where, i).node for i in range(n)]
        try:
            errs = [self._error_saver.get_node_from_index(where, i).node for i in range(n)]
        except NodeError:
            errs = None
        data_shape = tuple(data.data[0].shape)
        stored = backend.shape(handles[0]) if handles else ()
        k = len(self.extended_shape)
        if tuple(stored[:k]) != self.extended_shape:
            raise DataShapeError(f"arrays in {key!r} have shape {stored}, not the extended "
                                 f"shape {self.extended_shape}")
        value_shape = tuple(stored[k:])
        if int(np.prod(value_shape, dtype=np.int64)) != int(np.prod(data_shape, dtype=np.int64)):
            raise DataShapeError(f"{data.name!r} has shape {data_shape} but the arrays in {key!r}"
                                 f" hold points of shape {value_shape}")
        target = _Target(self._h5saver._generation, handles, errs, data_shape, value_shape,
                         [backend.dtype(h) for h in handles])
        _check_n_channels(key, data, target)
        self._targets[key] = target
        return target

    def add_data(self, where: Any, data: DataWithAxes,  # type: ignore[override]  # PyMoDAQ's API
                 indexes: Sequence[int], distribution: Any = DataDistribution.uniform) -> None:
        """Write ``data`` at ``indexes`` of the extended arrays (created on the first call)."""
        idx = self.check_indexes(indexes)
        with self._h5saver.file.atomic_creation():  # a failure leaves no half-made array
            writes = self.prepare(where, data, idx, distribution)
        write_blocks(self._h5saver, writes)

    def prepare(self, where: Any, data: DataWithAxes, idx: tuple[int, ...],
                distribution: Any = DataDistribution.uniform) -> list[PreparedWrite]:
        """Validated ``(handle, index, value)`` writes for ``data`` (nothing written yet;
        see :mod:`daqcore.saving.blocks`)."""
        self._h5saver._check_writable()
        key = self._h5saver.where_key(where)
        target = self._targets.get(key)
        if target is None or target.generation != self._h5saver._generation:
            target = self._prepare(where, key, data, distribution)
        _check_n_channels(key, data, target)
        value_shape, data_shape = target.value_shape, target.data_shape
        channels = data.data
        err_handles = target.errors or []
        errors = data.errors if err_handles else None
        writes: list[PreparedWrite] = []
        for i, handle in enumerate(target.data):
            arr = channels[i]
            if arr.shape != data_shape:
                raise DataShapeError(f"{data.name!r} channel {i} has shape {arr.shape}, "
                                     f"{key!r} expects {data_shape}")
            dtype = target.dtypes[i]
            if arr.dtype != dtype:
                arr = cast(arr, dtype, what=data.name)
            writes.append((handle, idx, arr.reshape(value_shape)))
            if errors is not None:
                writes.append((err_handles[i], idx,
                               np.asarray(errors[i], dtype=np.float64).reshape(value_shape)))
        return writes


def write_all(h5saver: Any, writes: list[tuple[Any, Any, Any]]) -> None:
    """Execute prepared appends (``index`` None: append rows and mark the array) or single
    point writes one by one (extended arrays are written by
    :func:`~daqcore.saving.blocks.write_blocks`)."""
    backend = h5saver.backend
    for handle, idx, value in writes:
        if idx is None:
            backend.append(handle, value)
            h5saver._mark_stale(handle)
        else:
            backend.write_point(handle, idx, value)


class DataEnlargeableSaver(DataSaverLoader):
    """Append DataWithAxes to arrays enlargeable along their first axis (``EnlDataNN``).

    0D/1D/2D data add one row per call; a DataND with one navigation axis adds as many rows
    as that axis is long (its values then feed the enlargeable axis).
    """

    data_type = DataType.data_enlargeable

    def __init__(self, h5saver: Any, enl_axis_names: Sequence[str] = ("nav axis",),
                 enl_axis_units: Sequence[str] = ("",)) -> None:
        super().__init__(h5saver)
        if len(enl_axis_names) != len(enl_axis_units):
            raise DataShapeError("enl_axis_names and enl_axis_units must have the same length")
        self._enl_axis_names = tuple(enl_axis_names)
        self._enl_axis_units = tuple(enl_axis_units)
        self._n_enl_axes = len(self._enl_axis_names)
        self._targets: dict[str, _Target] = {}

    def _create_data_arrays(self, where: Any, data: DataWithAxes, save_axes: bool = True,
                            add_enl_axes: bool = True) -> None:
        nav = (0, *tuple(int(i) + 1 for i in data.nav_indexes))
        errors = data.errors_as_dwa() if data.errors is not None else None
        for ind in range(len(data)):
            self._h5saver.add_array(
                where, self._node_name(ind), self.data_type, title=data.name,
                data_shape=data.data[ind].shape, array_type=data.data[ind].dtype,
                enlargeable=True, data_dimension=data.dim.name,
                metadata=dwa_metadata(data, ind, nav_indexes=nav, distribution="spread"))
            if errors is not None:
                self._h5saver.add_array(
                    where, self._error_saver._node_name(ind), DataType.error, title=errors.name,
                    data_shape=errors.data[ind].shape, array_type=np.float64, enlargeable=True,
                    data_dimension=errors.dim.name,
                    metadata=dwa_metadata(errors, ind, nav_indexes=nav, distribution="spread",
                                          extras=False))
        if add_enl_axes:
            for ind in range(self._n_enl_axes):
                self._axis_saver.add_axis(
                    where, Axis(self._enl_axis_names[ind], self._enl_axis_units[ind],
                                data=np.array([0.0, 1.0]), index=0, spread_order=ind),
                    enlargeable=True)
        if save_axes:
            for axis in data.axes:
                self._axis_saver.add_axis(where, _copy_axis(axis, 1))

    def _prepare(self, where: Any, key: str, data: DataWithAxes, add_enl_axes: bool) -> _Target:
        if self.get_last_node_name(where) is None:
            init: Any = data
            if len(data.nav_indexes) == 1:
                init = data.inav[0]
                axis = _nav_axis(data)
                self._enl_axis_names, self._enl_axis_units = (axis.label,), (axis.units,)
                self._n_enl_axes = 1
                add_enl_axes = True
            elif len(data.nav_indexes) > 1:
                raise DataShapeError(f"{data.name!r}: DataND with {len(data.nav_indexes)} "
                                     "navigation axes cannot be appended")
            self._create_data_arrays(where, init, save_axes=True, add_enl_axes=add_enl_axes)
        backend = self._h5saver.backend
        n = self._get_next_data_type_index_in_group(where)
        handles = [self.get_node_from_index(where, i).node for i in range(n)]
        try:
            errs = [self._error_saver.get_node_from_index(where, i).node for i in range(n)]
        except NodeError:
            errs = None
        enl_axes = []
        for i in range(self._n_enl_axes):
            try:
                node = self._axis_saver.get_node_from_index(where, i)
            except NodeError:
                break
            if backend.has_attr(node.node, "CLASS") and node.attrs["CLASS"] == "EARRAY":
                enl_axes.append(node.node)
        row = tuple(backend.shape(handles[0])[1:]) if handles else ()
        target = _Target(self._h5saver._generation, handles, errs, row, row,
                         [backend.dtype(h) for h in handles], enl_axes)
        _check_n_channels(key, data, target)
        self._targets[key] = target
        return target

    def add_data(self, where: Any, data: DataWithAxes,  # type: ignore[override]  # PyMoDAQ's API
                 axis_values: Iterable[Any] | None = None, **kwargs: Any) -> None:
        """Append ``data``; ``axis_values`` (one per enlargeable axis) extend those axes."""
        with self._h5saver.file.atomic_creation():  # a failure leaves no half-made array
            writes, n_rows, target = self.prepare(where, data, axis_values is not None)
        nav = data.nav_indexes
        if len(nav) == 1:
            axis_values = (_nav_axis(data).get_data(),)
        if axis_values is not None and target.enl_axes:
            values = check_axis_values(target.enl_axes, axis_values, n_rows)
            writes += [(h, None, v) for h, v in zip(target.enl_axes, values)]
        write_all(self._h5saver, writes)

    def prepare(self, where: Any, data: DataWithAxes, add_enl_axes: bool = False,
                ) -> tuple[list[tuple[Any, Any, Any]], int, _Target]:
        """Validated appends for ``data``: ``(writes, number of rows, target)``."""
        self._h5saver._check_writable()
        nav = data.nav_indexes
        if len(nav) > 1:
            raise DataShapeError(f"{data.name!r}: DataND with {len(nav)} navigation axes cannot "
                                 "be appended")
        key = self._h5saver.where_key(where)
        target = self._targets.get(key)
        if target is None or target.generation != self._h5saver._generation:
            target = self._prepare(where, key, data, add_enl_axes)
        _check_n_channels(key, data, target)
        row = target.value_shape
        n_rows = 1
        err_handles = target.errors or []
        errors = data.errors if err_handles else None
        writes = []
        for i, handle in enumerate(target.data):
            arr = data.data[i]
            if nav:
                arr = np.moveaxis(arr, nav[0], 0)
                ok = arr.shape[1:] == row
                rows = arr
                if not ok and arr.ndim == 1 and row == (1,):  # points of 0D data: one per row
                    ok, rows = True, arr.reshape(-1, 1)
            else:
                ok = arr.shape == row
                rows = arr.reshape((1, *row)) if ok else arr
            if not ok:
                raise DataShapeError(f"{data.name!r} channel {i} has shape {arr.shape}, "
                                     f"{key!r} holds rows of shape {row}")
            dtype = target.dtypes[i]
            if rows.dtype != dtype:
                rows = cast(rows, dtype, what=data.name)
            writes.append((handle, None, rows))
            n_rows = rows.shape[0]
            if errors is not None:
                err = np.asarray(errors[i], dtype=np.float64)
                if nav:
                    err = np.moveaxis(err, nav[0], 0)
                writes.append((err_handles[i], None, err.reshape((n_rows, *row))))
        return writes, n_rows, target


def check_axis_values(handles: list[Any], axis_values: Iterable[Any],
                      n_rows: int | None = None) -> list[np.ndarray]:
    """Axis values as float arrays, one per enlargeable axis, ``n_rows`` long each."""
    values = list(axis_values)
    if len(values) < len(handles):
        raise DataShapeError(f"{len(values)} axis value(s) given for {len(handles)} "
                             "enlargeable axes")
    out = []
    for value in values[:len(handles)]:
        try:
            arr = np.atleast_1d(np.asarray(value, dtype=np.float64)).reshape(-1)
        except (TypeError, ValueError):
            raise DataShapeError(f"axis value {value!r} is not a number") from None
        if n_rows is not None and arr.shape[0] != n_rows:
            raise DataShapeError(f"{arr.shape[0]} axis value(s) given for {n_rows} new row(s)")
        out.append(arr)
    return out


def append_axis_values(h5saver: Any, handles: list[Any], axis_values: Iterable[Any],
                       n_rows: int | None = None) -> None:
    """Append one value (or ``n_rows`` values) to each enlargeable axis array."""
    values = check_axis_values(handles, axis_values, n_rows)
    write_all(h5saver, [(h, None, v) for h, v in zip(handles, values)])


__all__ = ["DataEnlargeableSaver", "DataExtendedSaver", "append_axis_values",
           "check_axis_values", "write_all"]
