"""``DataLoader``: rebuild DataWithAxes / DataToExport from a PyMoDAQ-convention file.

Unlike :class:`~daqcore.saving.management.DataSaverLoader`, the loader adds the navigation
axes stored in the nearest ``NavAxes`` group above the data (scan or time axes). It reads
files written by daqcore and by ``pymodaq_data`` (either backend) and never writes to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from daqcore.data import DataWithAxes
from daqcore.saving.enums import DataType
from daqcore.saving.errors import NodeError
from daqcore.saving.h5saver import H5SaverLowLevel
from daqcore.saving.management import (
    SPECIAL_GROUP_NAMES,
    AxisSaverLoader,
    BkgSaver,
    DataSaverLoader,
    ErrorSaverLoader,
    H5SaverClient,
)
from daqcore.saving.nodes import GROUP, Node


class _EnlargeableLoader(DataSaverLoader):
    data_type = DataType.data_enlargeable


class DataLoader(H5SaverClient):
    """Load DataWithAxes (with navigation axes) and DataToExport objects from a file.

    Parameters
    ----------
    h5saver : H5SaverLowLevel, Path or str
        A path is opened read-only.
    swmr_mode : bool
        Open a path as an SWMR reader (h5py) to follow a file being written.
    backend : str
        Backend used to open a path (``'h5py'`` or ``'tables'``).
    """

    def __init__(self, h5saver: Any, swmr_mode: bool = False, backend: str = "h5py") -> None:
        if isinstance(h5saver, (str, Path)):
            h5saver = H5SaverLowLevel.from_file(h5saver, swmr_mode=swmr_mode, mode="r",
                                                backend=backend)
        self.h5saver = h5saver

    @H5SaverClient.h5saver.setter
    def h5saver(self, h5saver: H5SaverLowLevel) -> None:
        self._h5saver = h5saver
        self._axis_loader = AxisSaverLoader(h5saver)
        self._loaders: dict[DataType, DataSaverLoader] = {
            DataType.data: DataSaverLoader(h5saver), DataType.bkg: BkgSaver(h5saver),
            DataType.error: ErrorSaverLoader(h5saver),
            DataType.data_enlargeable: _EnlargeableLoader(h5saver)}

    def refresh(self) -> None:
        """SWMR readers: see what the writer flushed since the file was opened."""
        saver = self._h5saver
        for node in saver.walk_nodes("/"):
            saver.backend.refresh(node.node)

    def walk_nodes(self, where: Any = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """Iterate over the nodes below ``where`` (``where`` first)."""
        return self._h5saver.walk_nodes(where, depth=depth, only_groups=only_groups)

    def get_node(self, where: Any, name: str | None = None) -> Node:
        return self._h5saver.get_node(where, name)

    def get_nav_group(self, where: Any) -> GROUP | None:
        """The nearest ``NavAxes`` group at or above ``where`` (None if there is none)."""
        saver = self._h5saver
        node: Node | None = saver.get_node(where)
        name = SPECIAL_GROUP_NAMES["nav_axes"]
        while node is not None:
            if isinstance(node, GROUP) and saver.is_node_in_group(node, name):
                for child_name in node.children_name():
                    if child_name.lower() == name.lower():
                        return saver.get_node(node, child_name)
            node = node.parent_node
        return None

    def load_data(self, where: Any, with_bkg: bool = False,
                  load_all: bool = False) -> DataWithAxes:
        """DataWithAxes from a data node (all channels of its group with ``load_all``).

        Navigation axes are added from the nearest ``NavAxes`` group; an axis longer than
        the data (SWMR reader racing the writer) is truncated; dimensions without any axis get
        a linear index axis.
        """
        node = self._h5saver.get_node(where)
        if "data_type" not in node.attrs:
            raise NodeError(f"node {node.path!r} holds no data (no 'data_type' attribute)")
        data_type = DataType.check(node.attrs["data_type"])
        if data_type == DataType.axis:
            axis = self._axis_loader.load_axis(node)
            return DataWithAxes(axis.label, data=[np.asarray(axis.get_data())],
                                units=axis.units, path=node.path)
        loader = self._loaders.get(data_type)
        if loader is None:
            raise NodeError(f"node {node.path!r} has data_type {data_type.name!r}, which "
                            "cannot be loaded as DataWithAxes")
        dwa = loader.load_data(node, with_bkg=with_bkg, load_all=load_all)
        if dwa is None:
            raise NodeError(f"node {node.path!r} is not a data array")
        nav_group = self.get_nav_group(node)
        if nav_group is not None and dwa.nav_indexes:
            nav_axes = []
            for axis in self._axis_loader.get_axes(nav_group):
                if axis.index >= len(dwa.nav_indexes):
                    continue
                length = dwa.shape[dwa.nav_indexes[axis.index]]
                if axis.size > length:
                    axis = axis.iaxis[:length] if length > 0 else axis
                axis.index = dwa.nav_indexes[axis.index]
                if axis.size == length:
                    nav_axes.append(axis)
            if nav_axes:
                dwa.axes = [*dwa.axes, *nav_axes]
        dwa.create_missing_axes()
        return dwa

    def load_all(self, where: Any, data: Any = None, with_bkg: bool = False) -> Any:
        """DataToExport with one DataWithAxes per channel group found below ``where``."""
        from daqcore.data import DataToExport

        if data is None:
            data = DataToExport("Loaded data")
        node = self._h5saver.get_node(where)
        children = node.children() if isinstance(node, GROUP) else {node.name: node}
        found = []
        for child in children.values():
            if isinstance(child, GROUP):
                self.load_all(child, data, with_bkg=with_bkg)
            elif "data_type" in child.attrs and "data" in str(child.attrs["data_type"]):
                found.append(self.load_data(child, with_bkg=with_bkg, load_all=True))
                break
        for dwa in found:
            data.append(dwa)
        return data

    def load_data_from_name_origin(self, name: str, origin: str = "", where: Any = None,
                                   with_bkg: bool = False, load_all: bool = True) -> DataWithAxes:
        """First data whose TITLE is ``name`` and origin ``origin`` below ``where``."""
        where = self._h5saver.raw_group if where is None else self._h5saver.get_node(where)
        for node in self._h5saver.walk_nodes(where):
            if isinstance(node, GROUP) or "data_type" not in node.attrs:
                continue
            if "data" not in str(node.attrs["data_type"]):
                continue
            if node.title == name and node.attrs.get("origin", "") == origin:
                return self.load_data(node, with_bkg=with_bkg, load_all=load_all)
        raise NodeError(f"no data named {name!r} with origin {origin!r} below {where.path!r}")


__all__ = ["DataLoader"]
