"""Savers of whole DataToExport objects (PyMoDAQ's ``DataToExport*Saver`` family).

Every DataWithAxes of a DataToExport goes to ``<where>/<DataXD>/CHnn`` (``nn`` counted per
dimensionality, in the DataToExport order); navigation axes shared by all channels go to
``<where>/NavAxes``. The channel-group paths are cached per ``where`` so that repeated calls
(scan points, log appends) do not look groups up again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from daqcore.data import Axis
from daqcore.data.enums import DataDistribution
from daqcore.saving.array_savers import (
    DataEnlargeableSaver,
    DataExtendedSaver,
    _copy_axis,
    check_axis_values,
    write_all,
)
from daqcore.saving.blocks import PreparedWrite, write_blocks
from daqcore.saving.enums import SaveType
from daqcore.saving.errors import DataShapeError, NodeError
from daqcore.saving.management import (
    SPECIAL_GROUP_NAMES,
    AxisSaverLoader,
    BkgSaver,
    DataSaverLoader,
    ErrorSaverLoader,
    ForwardingH5SaverClient,
    as_h5saver,
)
from daqcore.saving.nodes import GROUP

_DIM_ORDER = ("Data0D", "Data1D", "Data2D", "DataND")
_T = TypeVar("_T")


@dataclass
class DataBundle:
    """What to save in one call (PyMoDAQ's ``DataBundle``), for ``add_data_bundle``."""

    dte: Any
    node: Any = None
    settings: str = ""
    indexes: list[int] | None = None
    axis_values: list[Any] | None = None
    distribution: Any = DataDistribution.uniform
    save_index: int = 0


def group_by_dim(data: Any) -> list[tuple[str, list[Any]]]:
    """``[(dim_name, [dwa, ...]), ...]`` in PyMoDAQ's order (Data0D first)."""
    groups: dict[str, list[Any]] = {}
    for dwa in data:
        groups.setdefault(dwa.dim.name, []).append(dwa)
    return [(dim, groups[dim]) for dim in _DIM_ORDER if dim in groups]


class DataToExportSaver(ForwardingH5SaverClient):
    """Save DataToExport objects in a file following PyMoDAQ's convention (snapshots).

    A call that fails (bad data, a dtype the backend cannot store) removes the groups and
    arrays it created, so the file never keeps a half-made channel group.

    Parameters
    ----------
    h5saver : H5SaverLowLevel, Path or str
        A path opens (``new_file``: creates) the file.
    save_type : SaveType or str
        Save type of a file created from a path.
    """

    #: Switch SWMR on after the first write (files opened with ``swmr_mode=True`` and
    #: ``swmr_auto_start``): only the extended (scan) saver does, as in PyMoDAQ.
    starts_swmr = False

    def __init__(self, h5saver: Any, save_type: SaveType | str = SaveType.custom,
                 new_file: bool = False, metadata: dict | None = None) -> None:
        self._h5saver = as_h5saver(h5saver, save_type, new_file=new_file, metadata=metadata)
        self._data_saver: DataSaverLoader = DataSaverLoader(self._h5saver)
        self._bkg_saver = BkgSaver(self._h5saver)
        self._error_saver = ErrorSaverLoader(self._h5saver)
        self._channel_cache: dict[tuple[str, str, int], str] = {}
        self._signatures: dict[str, tuple] = {}
        self._ready: dict[str, int] = {}  # wkey -> file generation its nodes were made in
        self._cache_generation = -1

    @staticmethod
    def channel_formatter(ind: int) -> str:
        """Name of the channel group of the ``ind``-th DataWithAxes of a dimensionality."""
        return f"CH{ind:02d}"

    def _channel_group(self, where: Any, wkey: str, dim: str, ind: int, dwa: Any) -> str:
        """Path of the channel group (created if needed), cached."""
        saver = self._h5saver
        if self._cache_generation != saver._generation:
            self._channel_cache.clear()
            self._cache_generation = saver._generation
        key = (wkey, dim, ind)
        path = self._channel_cache.get(key)
        if path is None:
            dim_group = saver.get_set_group(where, dim)
            group = saver.get_set_group(dim_group, self.channel_formatter(ind), dwa.name,
                                        origin=dwa.origin)
            path = group.path
            self._channel_cache[key] = path
        return path

    def _channels(self, where: Any, data: Any, wkey: str | None = None):
        wkey = self._h5saver.where_key(where) if wkey is None else wkey
        for dim, dwas in group_by_dim(data):
            for ind, dwa in enumerate(dwas):
                yield self._channel_group(where, wkey, dim, ind, dwa), dwa

    @contextmanager
    def _atomic(self, wkey: str | None = None) -> Iterator[None]:
        """Nodes created in the block (and the signature learnt for ``wkey``) are forgotten
        if it raises: see :meth:`H5File.atomic_creation`."""
        had_signature = wkey is None or wkey in self._signatures
        try:
            with self._h5saver.file.atomic_creation():
                yield
        except BaseException:
            if not had_signature and wkey is not None:
                self._signatures.pop(wkey, None)
            raise

    def _guarded(self, wkey: str, prepare: Callable[[], _T]) -> _T:
        """``prepare()`` under :meth:`_atomic` the first time for ``wkey`` (it may create
        nodes); directly afterwards, when every node exists (no cost per scan point)."""
        generation = self._h5saver._generation
        if self._ready.get(wkey) == generation:
            return prepare()
        with self._atomic(wkey):
            result = prepare()
        self._ready[wkey] = self._h5saver._generation
        return result

    def _check_signature(self, wkey: str, data: Any) -> None:
        """Repeated saves into ``wkey`` must carry the same DataWithAxes (names, channels)."""
        signature = tuple((dwa.dim.name, dwa.name, len(dwa)) for dwa in data)
        known = self._signatures.setdefault(wkey, signature)
        if known != signature:
            raise DataShapeError(f"the DataToExport {[s[1] for s in signature]} does not match "
                                 f"the data already saved in {wkey!r}: "
                                 f"{[s[1] for s in known]}")

    def add_data_bundle(self, data: DataBundle) -> None:
        self.add_data(data.node, data.dte, data.settings)

    def add_data(self, where: Any, data: Any, settings_as_xml: str = "", **kwargs: Any) -> None:
        """Save every DataWithAxes of ``data`` under ``where``.

        ``settings_as_xml`` and extra keyword arguments become attributes of the data arrays.
        """
        self._h5saver._check_writable()
        if settings_as_xml and "settings" not in kwargs:
            kwargs["settings"] = settings_as_xml
        with self._atomic():
            for path, dwa in list(self._channels(where, data)):
                self._data_saver.add_data(path, dwa, **kwargs)
        self._h5saver.file.resume_swmr()

    def add_bkg(self, where: Any, data: Any) -> None:
        """Save ``data`` as backgrounds (``BkgNN``) beside the data of the same channels."""
        self._h5saver._check_writable()
        with self._atomic():
            for path, dwa in list(self._channels(where, data)):
                self._bkg_saver.add_data(path, dwa, save_axes=False)
        self._h5saver.file.resume_swmr()

    def add_error(self, where: Any, data: Any) -> None:
        """Save ``data`` as error bars (``ErrorBarNN``) beside the data of the same channels."""
        self._h5saver._check_writable()
        with self._atomic():
            for path, dwa in list(self._channels(where, data)):
                self._error_saver.add_data(path, dwa, save_axes=False)
        self._h5saver.file.resume_swmr()

    def _after_write(self) -> None:
        """After a data write: switch SWMR on if this saver starts it (:attr:`starts_swmr`)
        and the file's ``swmr_auto_start`` policy allows it, or back on if a node creation
        left it; then count a flush tick."""
        saver = self._h5saver
        if self.starts_swmr and saver._swmr_mode and saver.swmr_auto_start and \
                not saver._swmr_enabled and saver.is_swmr_capable:
            saver.enable_swmr()
        else:
            saver.file.resume_swmr()
        saver.tick_flush()


class DataToExportEnlargeableSaver(DataToExportSaver):
    """Append DataToExport objects to enlargeable arrays, with enlargeable navigation axes.

    Parameters
    ----------
    h5saver : H5SaverLowLevel
    enl_axis_names, enl_axis_units : sequence of str
        Names/units of the enlargeable axes (default one axis ``'nav axis'``, ``''``).
    axis_name, axis_units : str
        Deprecated single-axis spelling, as in PyMoDAQ.
    """

    def __init__(self, h5saver: Any, enl_axis_names: Sequence[str] | None = None,
                 enl_axis_units: Sequence[str] | None = None, axis_name: str = "nav axis",
                 axis_units: str = "") -> None:
        super().__init__(h5saver)
        enl_axis_names = (axis_name,) if enl_axis_names is None else tuple(enl_axis_names)
        enl_axis_units = (axis_units,) if enl_axis_units is None else tuple(enl_axis_units)
        if len(enl_axis_names) != len(enl_axis_units):
            raise DataShapeError("enl_axis_names and enl_axis_units must have the same length")
        self._enl_axis_names = enl_axis_names
        self._enl_axis_units = enl_axis_units
        self._n_enl = len(enl_axis_names)
        self._data_saver = DataEnlargeableSaver(self._h5saver)
        self._nav_axis_saver = AxisSaverLoader(self._h5saver)
        self._nav_handles: dict[str, tuple[int, list[Any]]] = {}

    def _nav_axes(self, where: Any, wkey: str) -> list[Any]:
        saver = self._h5saver
        cached = self._nav_handles.get(wkey)
        if cached is not None and cached[0] == saver._generation:
            return cached[1]
        nav_group = saver.get_set_group(where, SPECIAL_GROUP_NAMES["nav_axes"])
        if self._nav_axis_saver.get_last_node_name(nav_group) is None:
            for ind in range(self._n_enl):
                axis = Axis(self._enl_axis_names[ind], self._enl_axis_units[ind],
                            data=np.array([0.0, 1.0]), index=0, spread_order=ind)
                self._nav_axis_saver.add_axis(nav_group, axis, enlargeable=True)
        handles = [self._nav_axis_saver.get_node_from_index(nav_group, ind).node
                   for ind in range(self._n_enl)]
        self._nav_handles[wkey] = (saver._generation, handles)
        return handles

    def add_data_bundle(self, data: DataBundle) -> None:
        self.add_data(data.node, data.dte, axis_values=data.axis_values,
                      settings_as_xml=data.settings)

    def add_data(self, where: Any, data: Any,  # type: ignore[override]  # PyMoDAQ's API
                 axis_values: Sequence[Any] | None = None, axis_value: Any = None,
                 settings_as_xml: str = "", **kwargs: Any) -> None:
        """Append every DataWithAxes of ``data`` and the next value(s) of the enlarged axes.

        Parameters
        ----------
        where : Node or str
            Group (e.g. a ``DetectorNNN``) receiving the data.
        data : DataToExport
        axis_values : sequence
            One value (or array of values) per enlargeable axis.
        axis_value : float, deprecated
            Single-axis spelling of ``axis_values``.
        """
        if axis_values is None and axis_value is not None:
            axis_values = [axis_value]
        saver = self._h5saver
        saver._check_writable()
        write_all(saver, self._prepare_append(where, data, axis_values))
        self._after_write()

    def _prepare_append(self, where: Any, data: Any, axis_values: Sequence[Any] | None,
                        ) -> list[tuple[Any, None, np.ndarray]]:
        """Validate one row of ``data`` (and its enlargeable axis values) and return its
        appends ``(handle, None, rows)``, writing nothing (internal: the log sink collects
        the rows of every detector and appends them in blocks). Creates the arrays on the
        first call for ``where``."""
        if axis_values is None or len(axis_values) < self._n_enl:
            raise DataShapeError(f"axis_values must give {self._n_enl} value(s), "
                                 f"got {axis_values!r}")
        saver = self._h5saver
        saver._check_writable()
        wkey = saver.where_key(where)

        def prepare() -> tuple[list[Any], list[Any]]:
            self._check_signature(wkey, data)
            for dwa in data:
                if dwa.nav_indexes:
                    raise DataShapeError(f"{dwa.name!r}: DataND cannot be appended by a "
                                         "DataToExport enlargeable saver (one row per call)")
            channels = list(self._channels(where, data, wkey))
            nav_handles = self._nav_axes(where, wkey)
            writes = []
            for path, dwa in channels:
                writes += self._data_saver.prepare(path, dwa)[0]
            return writes, nav_handles

        writes, nav_handles = self._guarded(wkey, prepare)
        values = check_axis_values(nav_handles, axis_values, 1)
        writes += [(h, None, v) for h, v in zip(nav_handles, values)]
        return writes


class DataToExportTimedSaver(DataToExportEnlargeableSaver):
    """Append DataToExport objects against time (axis ``time`` in ``s``, the DTE timestamp).

    Made for continuous saving and logging.
    """

    def __init__(self, h5saver: Any) -> None:
        super().__init__(h5saver, enl_axis_names=("time",), enl_axis_units=("s",))

    def add_data_bundle(self, data: DataBundle) -> None:
        self.add_data(data.node, data.dte, settings_as_xml=data.settings)

    def add_data(self, where: Any, data: Any, settings_as_xml: str = "",  # type: ignore[override]
                 **kwargs: Any) -> None:
        super().add_data(where, data, axis_values=[data.timestamp],
                         settings_as_xml=settings_as_xml, **kwargs)


class DataToExportExtendedSaver(DataToExportSaver):
    """Save DataToExport objects at given indexes of arrays with an extended (scan) shape.

    Parameters
    ----------
    h5saver : H5SaverLowLevel
    extended_shape : tuple of int
        Scan shape.
    fill_value : float, optional
        Value of the points not written yet.

    Notes
    -----
    With a file opened with ``swmr_mode=True`` (h5py), SWMR writing is switched on after the
    first point unless the file's ``swmr_auto_start`` is False; a later node creation (another
    saver, a new detector group) leaves SWMR and the next point resumes it (see
    :class:`~daqcore.saving.h5file.H5File`). The file's ``flush_interval`` / ``flush_period``
    set how often readers see new points. Unwritten points read as ``fill_value`` (NaN, cast
    to the dtype as PyMoDAQ's pre-filled arrays) through the HDF5 fill value: chunks are
    allocated as points are written, so the file grows with the points saved.
    """

    starts_swmr = True

    def __init__(self, h5saver: Any, extended_shape: Iterable[int],
                 fill_value: float | None = None) -> None:
        super().__init__(h5saver)
        self._data_saver = DataExtendedSaver(self._h5saver, extended_shape,
                                             fill_value=fill_value)
        self._nav_axis_saver = AxisSaverLoader(self._h5saver)

    @property
    def extended_shape(self) -> tuple[int, ...]:
        return self._data_saver.extended_shape

    def add_nav_axes(self, where: Any, axes: list[Axis]) -> None:
        """Write the navigation (scan) axes in ``<where>/NavAxes`` (once)."""
        nav_group: GROUP = self._h5saver.get_set_group(where, SPECIAL_GROUP_NAMES["nav_axes"])
        if self._nav_axis_saver.get_last_node_name(nav_group) is None:
            for axis in axes:
                self._nav_axis_saver.add_axis(nav_group, _copy_axis(axis, 0))

    def add_data_bundle(self, data: DataBundle) -> None:
        if data.indexes is None:
            raise DataShapeError("a DataBundle for an extended saver needs its indexes")
        self.add_data(data.node, data.dte, data.indexes, data.distribution, data.settings)

    def add_data(self, where: Any, data: Any,  # type: ignore[override]  # PyMoDAQ's API
                 indexes: Sequence[int], distribution: Any = DataDistribution.uniform,
                 settings_as_xml: str = "", **kwargs: Any) -> None:
        """Write every DataWithAxes of ``data`` at ``indexes`` of the extended arrays."""
        self._h5saver._check_writable()
        write_blocks(self._h5saver, self._prepare_point(where, data, indexes, distribution))
        self._after_write()

    def _prepare_point(self, where: Any, data: Any, indexes: Sequence[int],
                       distribution: Any = DataDistribution.uniform) -> list[PreparedWrite]:
        """Validate one point and return its prepared writes, writing no data (internal).

        Does every check of :meth:`add_data` (indexes, DataToExport signature, shapes,
        dtypes) and, on the first call for ``where``, creates its arrays, signal axes and
        attributes. The values are views of ``data`` where no cast was needed. Executed by
        :func:`~daqcore.saving.blocks.write_blocks` (here, or later in blocks by the scan
        sink).
        """
        saver = self._h5saver
        idx = self._data_saver.check_indexes(indexes)
        wkey = saver.where_key(where)

        def prepare() -> list[PreparedWrite]:
            writes: list[PreparedWrite] = []  # (the channel savers check the file is writable)
            self._check_signature(wkey, data)
            for path, dwa in list(self._channels(where, data, wkey)):
                writes += self._data_saver.prepare(path, dwa, idx, distribution)
            return writes

        return self._guarded(wkey, prepare)

    def _nav_axis_handles(self, where: Any) -> list[Any]:
        """Library handles of the arrays in ``<where>/NavAxes`` (internal: the scan sink
        fills the axes of adaptive scans point by point)."""
        nav_group = self._h5saver.get_set_group(where, SPECIAL_GROUP_NAMES["nav_axes"])
        handles = []
        index = 0
        while True:
            try:
                handles.append(self._nav_axis_saver.get_node_from_index(nav_group, index).node)
            except NodeError:
                return handles
            index += 1


__all__ = ["DataBundle", "DataToExportEnlargeableSaver", "DataToExportExtendedSaver",
           "DataToExportSaver", "DataToExportTimedSaver", "group_by_dim"]
