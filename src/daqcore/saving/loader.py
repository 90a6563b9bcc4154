"""``DataLoader``: rebuild DataWithAxes / DataToExport from a PyMoDAQ-convention file.

Unlike :class:`~daqcore.saving.management.DataSaverLoader`, the loader adds the navigation
axes stored in the nearest ``NavAxes`` group above the data (scan or time axes). It reads
files written by daqcore and by ``pymodaq_data`` (either backend) and never writes to them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from pathlib import Path

import numpy as np

from daqcore.data import Axis, DataToExport, DataWithAxes
from daqcore.saving.axis_node_data import load_axis_node
from daqcore.saving.backends.base import H5LibraryBackend
from daqcore.saving.complete_rows import complete_rows
from daqcore.saving.enums import DataType
from daqcore.saving.errors import NavSelectionError, NodeError
from daqcore.saving.h5saver import H5SaverCore, H5SaverLowLevel
from daqcore.saving.management import (
    SPECIAL_GROUP_NAMES,
    AxisSaverLoader,
    BkgSaver,
    DataSaverLoader,
    ErrorSaverLoader,
    H5SaverClient,
)
from daqcore.saving.nodes import EARRAY, GROUP, ArrayNode, Node
from daqcore.saving.selection import NavSelection, Selection
from daqcore.saving.tree import MAX_WALK_DEPTH


class _EnlargeableLoader(DataSaverLoader):
    data_type = DataType.data_enlargeable


class DataLoader(H5SaverClient):
    """Load DataWithAxes (with navigation axes) and DataToExport objects from a file.

    Parameters
    ----------
    h5saver : H5SaverLowLevel, Path or str
        A path is opened read-only.
    swmr_mode : bool
        Open a path as an SWMR reader to follow a file being written.
    backend : str or H5LibraryBackend
        Backend used to open a path (``'h5py'``, ``'tables'`` or a plugin's backend).
    max_read_bytes : int, optional
        Largest single read; a larger one raises
        :class:`~daqcore.saving.errors.DataTooLargeError` instead of exhausting memory
        (default: half the physical memory). Load a part with ``nav=...``.

    Loads never write to the file; arrays are read once into the returned objects (no copy).
    """

    def __init__(self, h5saver: H5SaverCore | Path | str, swmr_mode: bool = False,
                 backend: str | H5LibraryBackend = "h5py", *,
                 max_read_bytes: int | None = None) -> None:
        if isinstance(h5saver, (str, Path)):
            h5saver = H5SaverLowLevel.from_file(h5saver, swmr_mode=swmr_mode, mode="r",
                                                backend=backend)
        self.h5saver = h5saver
        if max_read_bytes is not None:
            self.max_read_bytes = int(max_read_bytes)

    @H5SaverClient.h5saver.setter  # type: ignore[attr-defined]
    def h5saver(self, h5saver: H5SaverCore) -> None:
        self._h5saver = h5saver
        self._axis_loader = AxisSaverLoader(h5saver)
        self._loaders: dict[DataType, DataSaverLoader] = {
            DataType.data: DataSaverLoader(h5saver), DataType.bkg: BkgSaver(h5saver),
            DataType.error: ErrorSaverLoader(h5saver),
            DataType.data_enlargeable: _EnlargeableLoader(h5saver)}

    @property
    def max_read_bytes(self) -> int:
        """Largest single read (see the class parameters)."""
        return self._loaders[DataType.data].max_read_bytes

    @max_read_bytes.setter
    def max_read_bytes(self, value: int) -> None:
        for loader in self._loaders.values():
            loader.max_read_bytes = int(value)

    def refresh(self) -> None:
        """SWMR readers: see what the writer flushed since the file was opened."""
        saver = self._h5saver
        for node in saver.walk_nodes("/"):
            saver.backend.refresh(node.node)

    def walk_nodes(self, where: Node | str = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """``where`` then the nodes below it, in PyMoDAQ's order (see
        :meth:`~daqcore.saving.h5saver.H5SaverCore.walk_nodes`)."""
        return self._h5saver.walk_nodes(where, depth=depth, only_groups=only_groups)

    def get_node(self, where: Node | str, name: str | None = None) -> Node:
        return self._h5saver.get_node(where, name)

    def get_nav_group(self, where: Node | str) -> GROUP | None:
        """The nearest ``NavAxes`` group at or above ``where`` (None if there is none)."""
        saver = self._h5saver
        node: Node | None = saver.get_node(where)
        name = SPECIAL_GROUP_NAMES["nav_axes"]
        while node is not None:
            if isinstance(node, GROUP) and saver.is_node_in_group(node, name):
                for child_name in node.children_name():
                    if child_name.lower() == name.lower():
                        found = saver.get_node(node, child_name)
                        return found if isinstance(found, GROUP) else None
            node = node.parent_node
        return None

    def load_data(self, where: Node | str, with_bkg: bool = False, load_all: bool = False,
                  *, nav: NavSelection | None = None, lazy: bool = False) -> DataWithAxes:
        """DataWithAxes from a data node (all channels of its group with ``load_all``), or
        from an axis node as PyMoDAQ loads it (the axis values, labelled with the axis label,
        on an index axis).

        Parameters
        ----------
        where : Node or str
            A data node (``DataNN``, ``EnlDataNN``, ``BkgNN``, ``ErrorBarNN``, ``AxisNN``).
        with_bkg : bool
            Subtract the ``BkgNN`` arrays of the channel group.
        load_all : bool
            Load every channel of the node's group.
        nav : int, slice or tuple of them, optional
            Selection along the navigation dimensions, in their order: ``nav=(2, 3)`` is one
            point of a 2D scan, ``nav=slice(100, 200)`` rows 100-199 of a log (see
            :meth:`nav_slice` for a time window). Only the selected chunks are read; the
            result carries the matching navigation axes, units and error bars. An integer
            drops its dimension, a slice keeps it.
        lazy : bool
            Return channels and error bars as dask arrays over the HDF5 chunks instead of
            reading them (extra ``dask``): operations build a graph and
            :func:`daqcore.data.lazy.compute` reads chunk by chunk, in bounded memory, with
            any dask scheduler (threads, processes, ``distributed``). ``max_read_bytes``
            does not apply: nothing is read here.

        Navigation axes are added from the nearest ``NavAxes`` group; an axis longer than
        the data (SWMR reader racing the writer) is truncated; dimensions without any axis get
        a linear index axis.

        Raises
        ------
        NodeError, AttributeDecodeError, AxisError, NavSelectionError, DataTooLargeError,
        DamagedFileError
            (all :class:`~daqcore.saving.errors.SavingError`) for odd or damaged files and
            selections that do not fit.
        """
        node = self._h5saver.get_node(where)
        if "data_type" not in node.attrs:
            raise NodeError(f"node {node.path!r} holds no data (no 'data_type' attribute)")
        data_type = DataType.check(node.attrs["data_type"])
        if data_type == DataType.axis:
            if nav is not None:
                raise NavSelectionError(f"{node.path!r} is an axis: it has no navigation "
                                        "dimension to select")
            return load_axis_node(self._axis_loader, node, load_all=load_all)
        loader = self._loaders.get(data_type)
        if loader is None:
            raise NodeError(f"node {node.path!r} has data_type {data_type.name!r}, which "
                            "cannot be loaded as DataWithAxes")
        nav_group = self.get_nav_group(node)
        rows = None
        if nav_group is not None and isinstance(node, EARRAY) and \
                loader._nav_of(node)[:1] == (0,):
            rows = self._complete_nav_rows(nav_group)
        loader.lazy = bool(lazy)
        try:
            loaded = loader._load_with_selection(node, with_bkg=with_bkg, load_all=load_all,
                                                 nav=nav, rows=rows)
        finally:
            loader.lazy = False
        if loaded is None:
            raise NodeError(f"node {node.path!r} is not a data array")
        dwa, selection = loaded
        if nav_group is not None and dwa.nav_indexes:
            nav_axes = self._nav_axes(nav_group, dwa, selection, node)
            if nav_axes:
                dwa.axes = [*dwa.axes, *nav_axes]
        dwa.create_missing_axes()
        return dwa

    def _complete_nav_rows(self, nav_group: GROUP) -> int | None:
        """Rows held by the enlargeable navigation axes of a log's first dimension, so that
        data and time axis load the same, complete samples (None: no such axis)."""
        axes = [axis for axis in self._axis_loader._get_nodes_from_data_type(nav_group)
                if isinstance(axis, EARRAY) and "index" in axis.attrs
                and axis.attrs["index"] == 0]
        return complete_rows(axes)

    def _nav_axes(self, nav_group: GROUP, dwa: DataWithAxes, selection: Selection,
                  node: Node) -> list[Axis]:
        """The navigation axes of ``nav_group`` cut like the data by ``selection``."""
        assert isinstance(node, ArrayNode)
        stored_nav = selection.stored_nav_indexes
        out = []
        for axis_node in self._axis_loader._get_nodes_from_data_type(nav_group):
            if not isinstance(axis_node, ArrayNode) or "index" not in axis_node.attrs:
                continue
            position = axis_node.attrs["index"]
            if not isinstance(position, int) or not 0 <= position < len(stored_nav):
                continue
            dim = stored_nav[position]
            length = selection.stored_shape[dim] if selection.stored_shape else node.shape[dim]
            item = selection.nav_items.get(dim, slice(0, length, 1))
            if isinstance(item, int):
                continue  # the dimension was selected away
            if axis_node.shape[:1] < (length,):
                continue  # shorter than the data (a writer behind): an index axis instead
            # a growing (enlargeable) axis is always read with explicit bounds: it may
            # get rows between this check and the read
            whole = not isinstance(axis_node, EARRAY) and item.start == 0 and \
                item.step == 1 and item.stop >= axis_node.shape[0]
            axis = self._axis_loader.load_axis(axis_node, selection=None if whole else item)
            new_dim = selection.dims[dim]
            assert new_dim is not None
            axis.index = new_dim
            if axis.size == dwa.shape[new_dim]:
                out.append(axis)
        return out

    def nav_slice(self, where: Node | str, start: float | None = None,
                  stop: float | None = None, axis: int = 0) -> slice:
        """Index slice of the navigation axis ``axis`` (position in ``nav_indexes``) whose
        values lie in ``[start, stop)``: a time window of a log, a range of a scan axis.

        The axis values must be sorted (time axes are). Use the result as ``nav=``.
        """
        node = self._h5saver.get_node(where)
        nav_group = self.get_nav_group(node)
        if nav_group is None:
            raise NodeError(f"{node.path!r} has no NavAxes group above it")
        for axis_node in self._axis_loader._get_nodes_from_data_type(nav_group):
            if isinstance(axis_node, ArrayNode) and "index" in axis_node.attrs and \
                    axis_node.attrs["index"] == axis:
                values = np.atleast_1d(np.squeeze(axis_node.read()))
                first = 0 if start is None else int(np.searchsorted(values, start, "left"))
                last = len(values) if stop is None else int(np.searchsorted(values, stop,
                                                                             "left"))
                return slice(first, max(first, last))
        raise NodeError(f"no navigation axis {axis} in {nav_group.path!r}")

    def load_all(self, where: Node | str, data: DataToExport | None = None,
                 with_bkg: bool = False, *, nav: NavSelection | None = None,
                 lazy: bool = False) -> DataToExport:
        """DataToExport with one DataWithAxes per channel group found below ``where``, in
        PyMoDAQ's order (each group once, whatever hard links lead to it); ``nav`` and
        ``lazy`` as in :meth:`load_data`."""
        if data is None:
            data = DataToExport("Loaded data")
        found: list[DataWithAxes] = []
        self._collect(self._h5saver.get_node(where), found, set(), 0,
                      dict(with_bkg=with_bkg, load_all=True, nav=nav, lazy=lazy))
        for dwa in found:
            data.append(dwa, copy=False)  # freshly read: no copy needed
        return data

    def _collect(self, node: Node, found: list[DataWithAxes], seen: set[Hashable],
                 level: int, options: dict) -> None:
        """PyMoDAQ's ``load_all`` walk: the children of ``node`` in order, a group entered
        (its data coming first) and the first data node loaded, ending the group."""
        if isinstance(node, GROUP):
            key = self._h5saver.backend.object_key(node.node)
            if key in seen or len(seen) > _MAX_GROUPS or level > MAX_WALK_DEPTH:
                return
            seen.add(key)
            children = list(node.children().values())
        else:
            children = [node]
        for child in children:
            if isinstance(child, GROUP):
                self._collect(child, found, seen, level + 1, options)
            elif "data_type" in child.attrs and "data" in str(child.attrs["data_type"]):
                found.append(self.load_data(child, **options))
                break

    def load_data_from_name_origin(self, name: str, origin: str = "",
                                   where: Node | str | None = None, with_bkg: bool = False,
                                   load_all: bool = True) -> DataWithAxes:
        """The first array node below ``where`` (``RawData`` by default) whose title is
        ``name`` and ``origin`` attribute ``origin``, loaded with :meth:`load_data`.

        As PyMoDAQ: nodes come in :meth:`walk_nodes` order and any array node may match (a
        background or an axis node too); a ``where`` that is an array node is loaded and
        returned if its name and origin match. No match raises
        :class:`~daqcore.saving.errors.NodeError` (also a ``NameError``).
        """
        start = self._h5saver.raw_group if where is None else self._h5saver.get_node(where)
        if isinstance(start, GROUP):
            for node in self._h5saver.walk_nodes(start):
                if isinstance(node, GROUP) or "origin" not in node.attrs:
                    continue
                if node.title == name and node.attrs["origin"] == origin:
                    return self.load_data(node, with_bkg=with_bkg, load_all=load_all)
        else:
            dwa = self.load_data(start, with_bkg=with_bkg, load_all=load_all)
            if dwa.name == name and dwa.origin == origin:
                return dwa
        raise NodeError(f"no data named {name!r} with origin {origin!r} below {start.path!r}")


#: ``load_all`` visits at most this many groups (a guard for backends without object identity).
_MAX_GROUPS = 1_000_000

__all__ = ["DataLoader"]
