"""Per-node savers and loaders of DataWithAxes and Axis (PyMoDAQ's ``data_saving`` classes).

:class:`DataManagement` is the base; :class:`AxisSaverLoader`, :class:`DataSaverLoader`,
:class:`BkgSaver` and :class:`ErrorSaverLoader` write/read the arrays of one channel group
(``CH00``): ``Data00, Data01...``, ``Axis00...``, ``ErrorBar00...``, ``Bkg00...``.
The extended (scan) and enlargeable (logger) savers are in :mod:`daqcore.saving.array_savers`.

Differences from PyMoDAQ, on purpose: ``units`` are written by every saver, the caller's data
and axes are never modified, attributes are decoded without ``eval``, and loading never writes
to the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Self

import numpy as np

from daqcore.data import Axis, DataWithAxes
from daqcore.errors import DaqcoreError
from daqcore.saving.axis_node_data import first_axis_per_dimension
from daqcore.saving.complete_rows import cap_rows, complete_rows
from daqcore.saving.enums import DataType, SaveType
from daqcore.saving.errors import AttributeDecodeError, AxisError, DataTooLargeError, NodeError
from daqcore.saving.h5saver import H5SaverCore, H5SaverLowLevel, capitalize
from daqcore.saving.nodes import EARRAY, GROUP, ArrayNode, Node
from daqcore.saving.selection import (
    NavSelection,
    Selection,
    parse_nav_indexes,
    resolve_selection,
)

SPECIAL_GROUP_NAMES = {"nav_axes": "NavAxes"}

#: Attributes of a data node that are not passed to DataWithAxes as extra attributes.
_NOT_EXTRA = frozenset({"TITLE", "CLASS", "VERSION", "backend", "source", "data_dimension",
                        "distribution", "label", "origin", "nav_indexes", "dtype", "data_type",
                        "subdtype", "shape", "size", "EXTDIM", "path", "timestamp", "units"})


def as_h5saver(h5saver: Any, save_type: SaveType | str = SaveType.custom, new_file: bool = False,
               metadata: dict | None = None, swmr_mode: bool = False, mode: str = "a",
               backend: str = "h5py") -> H5SaverCore:
    """Return ``h5saver`` itself, or a saver opened on it when it is a path."""
    if isinstance(h5saver, (str, Path)):
        return H5SaverLowLevel.from_file(h5saver, save_type, new_file=new_file,
                                         metadata=metadata, swmr_mode=swmr_mode, mode=mode,
                                         backend=backend)
    if not isinstance(h5saver, H5SaverCore):
        raise TypeError(f"expected an H5SaverLowLevel/H5Saver, a Path or a str, got {h5saver!r}")
    return h5saver


def squeeze_signal(array: np.ndarray, nav_indexes: tuple[int, ...]) -> np.ndarray:
    """Drop length-1 dimensions that are not navigation dimensions (PyMoDAQ's ``squeeze``)."""
    axes = tuple(i for i, n in enumerate(array.shape) if n == 1 and i not in nav_indexes)
    if axes:
        array = np.squeeze(array, axis=axes)
    return np.atleast_1d(array)


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units (``6.0 TiB``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def default_max_read_bytes() -> int:
    """Largest single read a loader attempts: half the machine's physical memory."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return 8 * 1024**3


def dwa_metadata(data: DataWithAxes, index: int, *, nav_indexes: tuple[int, ...] | None = None,
                 distribution: str | None = None, extras: bool = True) -> dict[str, Any]:
    """Attributes PyMoDAQ writes on the array of channel ``index`` (plus ``units``)."""
    meta: dict[str, Any] = {
        "timestamp": float(data.timestamp), "label": data.labels[index],
        "source": data.source.name,
        "distribution": distribution or data.distribution.name, "origin": data.origin,
        "units": data.units,
        "nav_indexes": tuple(int(i) for i in (data.nav_indexes if nav_indexes is None
                                               else nav_indexes)),
    }
    if extras:
        for name in data.extra_attributes:
            meta[name] = getattr(data, name)
    return meta


class H5SaverClient:
    """Base of the objects working on one file through ``self._h5saver``
    (an :class:`H5SaverLowLevel`): the ``h5saver`` property, ``raw_group``, context manager
    (closes the file), ``close_file``/``close`` and ``isopen``."""

    _h5saver: H5SaverCore

    @property
    def h5saver(self) -> H5SaverCore:
        return self._h5saver

    @h5saver.setter
    def h5saver(self, h5saver: H5SaverCore) -> None:
        self._h5saver = h5saver

    @property
    def raw_group(self) -> GROUP:
        return self._h5saver.raw_group

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_file()

    def close_file(self) -> None:
        self._h5saver.close_file()

    def close(self) -> None:
        self.close_file()

    def isopen(self) -> bool:
        return self._h5saver.isopen()


class ForwardingH5SaverClient(H5SaverClient):
    """:class:`H5SaverClient` forwarding unknown attributes to the saver, as in PyMoDAQ."""

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__") or item == "_h5saver":
            raise AttributeError(item)
        return getattr(self._h5saver, item)


class DataManagement(ForwardingH5SaverClient):
    """Base of the node savers/loaders: naming and finding the nodes of one data type.

    Attribute access not found here is forwarded to the underlying saver, as in PyMoDAQ.
    """

    data_type: DataType = DataType.data

    def __init__(self, h5saver: Any) -> None:
        self._h5saver = as_h5saver(h5saver)

    @classmethod
    def _format_node_name(cls, ind: int) -> str:
        return f"{capitalize(cls.data_type.value)}{ind:02d}"

    def _node_name(self, ind: int) -> str:
        return f"{capitalize(self.data_type.value)}{ind:02d}"

    def _get_node(self, where: Node | str) -> Node:
        return self._h5saver.get_node(where)

    def _node_data_type(self, node: Node) -> str | None:
        backend = self._h5saver.backend
        if not backend.has_attr(node.node, "data_type"):
            return None
        return node.attrs["data_type"]

    def _is_node_of_data_type(self, where: Node | str) -> bool:
        return self._node_data_type(self._get_node(where)) == self.data_type.name

    def _get_next_data_type_index_in_group(self, where: Node | str) -> int:
        return sum(1 for node in self._h5saver.walk_nodes(where)
                   if self._node_data_type(node) == self.data_type.name)

    def _get_next_node_name(self, where: Node | str) -> str:
        return self._node_name(self._get_next_data_type_index_in_group(where))

    def get_last_node_name(self, where: Node | str) -> str | None:
        """Name of the last node of this data type under ``where`` (None if there is none)."""
        index = self._get_next_data_type_index_in_group(where) - 1
        return None if index < 0 else self._node_name(index)

    def get_node_from_index(self, where: Node | str, index: int) -> Node:
        return self._h5saver.get_node(where, self._node_name(index))

    def get_index_from_node_name(self, where: Node | str) -> int | None:
        name = self._get_node(where).name
        prefix = capitalize(self.data_type.value)
        if not name.startswith(prefix) or not name[len(prefix):].isdigit():
            return None
        return int(name[len(prefix):])

    def _get_nodes(self, where: Node | str) -> list[Node]:
        node = self._get_node(where)
        return list(self._h5saver.walk_nodes(node)) if isinstance(node, GROUP) else [node]

    def _get_nodes_from_data_type(self, where: Node | str) -> list[Node]:
        node = self._get_node(where)
        parent = node if isinstance(node, GROUP) else node.parent_node
        if parent is None:
            return []
        return [child for child in self._h5saver.walk_nodes(parent)
                if self._node_data_type(child) == self.data_type.name]


class AxisSaverLoader(DataManagement):
    """Save and load :class:`~daqcore.data.Axis` objects (``AxisNN`` nodes)."""

    data_type = DataType.axis

    def add_axis(self, where: Node | str, axis: Axis, enlargeable: bool = False) -> ArrayNode:
        """Write ``axis`` (full values + label/units/index/spread_order...) under ``where``."""
        values = np.asarray(axis.get_data()) if axis.size else np.zeros((0,))
        linear = bool(axis.is_axis_linear()) if axis.size else False
        meta = {"size": 0 if enlargeable else int(axis.size), "label": axis.label,
                "units": axis.units, "index": int(axis.index),
                "offset": None if axis.offset is None else float(axis.offset),
                "scaling": None if axis.scaling is None else float(axis.scaling),
                "distribution": "uniform" if linear else "spread",
                "spread_order": int(axis.spread_order)}
        return self._h5saver.add_array(
            where, self._get_next_node_name(where), self.data_type, title=axis.label,
            array_to_save=None if enlargeable else values, array_type=np.float64
            if enlargeable else values.dtype, data_shape=() if enlargeable else None,
            data_dimension="Data1D", enlargeable=enlargeable, metadata=meta)

    def load_axis(self, where: Node | str, selection: slice | None = None) -> Axis:
        """Build an Axis from an ``axis`` node (only the ``selection`` slice of its values)."""
        node = self._get_node(where)
        if self._node_data_type(node) != "axis":
            raise AxisError(f"node {node.path!r} is not an axis node")
        if not isinstance(node, ArrayNode):
            raise AxisError(f"node {node.path!r} is a group, not an axis array")
        attrs = node.attrs
        if node.dtype.kind not in "biuf":
            raise AxisError(f"node {node.path!r} holds {node.dtype} values, not axis values")
        raw = node.read() if selection is None else node[selection]
        values = np.atleast_1d(np.squeeze(np.asarray(raw)))
        try:
            label = attrs["label"] if "label" in attrs else node.title
            units = attrs["units"] if "units" in attrs else ""
            if not isinstance(label, str) or not isinstance(units, str):
                raise TypeError(f"label {label!r} and units {units!r} must be strings")
            return Axis(label=label, units=units, data=values, index=int(attrs["index"]),
                        spread_order=int(attrs["spread_order"]) if "spread_order" in attrs
                        else 0)
        except (KeyError, TypeError, ValueError, DaqcoreError) as exc:
            raise AxisError(f"node {node.path!r} cannot be read as an Axis: {exc}") from None

    def get_axes(self, where: Node | str) -> list[Axis]:
        """Axes of every axis node hanging from (or beside) ``where``."""
        return [self.load_axis(node) for node in self._get_nodes_from_data_type(where)]


class DataSaverLoader(DataManagement):
    """Save and load a DataWithAxes in one channel group (``DataNN`` + axes + error bars).

    Parameters
    ----------
    h5saver : H5SaverLowLevel, Path or str
        A path opens (or creates, ``new_file``) the file with the other arguments.
    """

    data_type = DataType.data
    #: Reads needing more bytes raise :class:`DataTooLargeError` (half the physical memory).
    max_read_bytes: int = default_max_read_bytes()
    #: Return dask arrays over the HDF5 chunks instead of reading (see :mod:`daqcore.saving.lazy`).
    lazy: bool = False

    def __init__(self, h5saver: Any, new_file: bool = False, metadata: dict | None = None,
                 save_type: SaveType | str = SaveType.custom, swmr_mode: bool = False) -> None:
        super().__init__(as_h5saver(h5saver, save_type, new_file=new_file, metadata=metadata,
                                    swmr_mode=swmr_mode))
        self._axis_saver = AxisSaverLoader(self._h5saver)
        if self.data_type != DataType.error:
            self._error_saver = ErrorSaverLoader(self._h5saver)

    def add_data(self, where: Node | str, data: DataWithAxes, save_axes: bool = True,
                 **kwargs: Any) -> None:
        """Write every channel of ``data`` as ``DataNN`` nodes, then its axes and errors
        (all or nothing: a failure removes the nodes this call created)."""
        with self._h5saver.file.atomic_creation():
            self._add_data(where, data, save_axes, **kwargs)

    def _add_data(self, where: Node | str, data: DataWithAxes, save_axes: bool,
                  **kwargs: Any) -> None:
        for ind in range(len(data)):
            meta = dwa_metadata(data, ind)
            meta.update(kwargs)
            self._h5saver.add_array(where, self._get_next_node_name(where), self.data_type,
                                    title=data.name, array_to_save=data.data[ind],
                                    data_dimension=data.dim.name, metadata=meta)
        if save_axes:
            for axis in data.axes:
                self._axis_saver.add_axis(where, axis)
        if data.errors is not None and self.data_type == DataType.data:
            self._error_saver.add_data(where, data.errors_as_dwa(), save_axes=False)

    def get_axes(self, where: Node | str) -> list[Axis]:
        return self._axis_saver.get_axes(where)

    def get_bkg_nodes(self, where: Node | str) -> list[Node]:
        return [node for node in self._h5saver.walk_nodes(where)
                if self._node_data_type(node) == "bkg"]

    @staticmethod
    def _nav_of(node: Node) -> tuple[int, ...]:
        if "nav_indexes" not in node.attrs:
            return ()
        shape = node.shape if isinstance(node, ArrayNode) else ()
        return parse_nav_indexes(node.attrs["nav_indexes"], len(shape), node.path)

    def _selection(self, node: Node, nav: NavSelection | None,
                   rows: int | None = None) -> Selection:
        if not isinstance(node, ArrayNode):
            raise NodeError(f"node {node.path!r} is a group, not a data array")
        return resolve_selection(nav, node.shape, self._nav_of(node), node.path, rows)

    def _read(self, node: ArrayNode, selection: Selection) -> np.ndarray:
        """Read ``selection`` of ``node``, refusing reads larger than :attr:`max_read_bytes`."""
        if node.dtype.kind not in "biufc":
            raise NodeError(f"{node.path!r} in {self._h5saver.filename!r} holds {node.dtype} "
                            "values, not numbers: it is not a data array")
        if self.lazy:  # nothing is read now: the dask graph reads chunk by chunk
            from daqcore.saving.lazy import lazy_array

            return lazy_array(self._h5saver.filename, node.path,
                              None if selection.is_everything else selection.key)
        needed = selection.nbytes(node.dtype.itemsize)
        if needed > self.max_read_bytes:
            raise DataTooLargeError(
                f"{node.path!r} in {self._h5saver.filename!r}: reading "
                f"{'x'.join(map(str, selection.shape))} {node.dtype} values needs "
                f"{format_bytes(needed)}, more than the {format_bytes(self.max_read_bytes)} "
                "allowed (max_read_bytes); load a part with nav=...")
        if selection.is_everything:
            return node.read()
        return node[selection.key]

    def _read_array(self, node: Node, bkg: Node | None = None,
                    selection: Selection | None = None) -> np.ndarray:
        if selection is None:
            selection = self._selection(node, None)
        assert isinstance(node, ArrayNode)
        array = self._read(node, selection)
        if bkg is not None:
            if not isinstance(bkg, ArrayNode) or bkg.shape != node.shape:
                raise NodeError(f"background {bkg.path!r} does not match {node.path!r}")
            array = array - self._read(bkg, selection)
        return squeeze_signal(array, selection.nav_indexes)

    def get_data_arrays(self, where: Node | str, with_bkg: bool = False,
                        load_all: bool = False, *,
                        nav: NavSelection | None = None) -> list[np.ndarray]:
        """Arrays of the node (or of all nodes of this type beside it), bkg subtracted."""
        node = self._get_node(where)
        nodes = self._get_nodes_from_data_type(node) if load_all else self._get_nodes(node)
        bkgs: list[Node | None] = [None] * len(nodes)
        if with_bkg:
            parent = node.parent_node
            found = self.get_bkg_nodes(parent) if parent is not None else []
            if found:  # as PyMoDAQ: node i minus background i, as many as backgrounds
                bkgs = list(found)
        return self._arrays(nodes, bkgs, nav)

    def _arrays(self, nodes: list[Node], bkgs: list[Node | None], nav: NavSelection | None,
                first: Selection | None = None, rows: int | None = None) -> list[np.ndarray]:
        """Read ``nodes`` (``first``: the selection of ``nodes[0]``, already resolved;
        ``rows``: only the first rows, see :mod:`daqcore.saving.complete_rows`)."""
        return [self._read_array(n, b, first if i == 0 and first is not None
                                 else self._selection(n, nav, rows))
                for i, (n, b) in enumerate(zip(nodes, bkgs))]

    def load_data(self, where: Node | str, with_bkg: bool = False,
                  load_all: bool = False, *, nav: NavSelection | None = None
                  ) -> DataWithAxes | None:
        """DataWithAxes from the node ``where`` (all channels with ``load_all``), with its
        signal axes and error bars; navigation axes stored elsewhere are not included.

        ``nav`` selects navigation indexes or slices (see
        ``resolve_selection`` in ``daqcore.saving.selection``): only those points are read.
        """
        loaded = self._load_with_selection(where, with_bkg, load_all, nav=nav)
        return None if loaded is None else loaded[0]

    def _load_with_selection(self, where: Node | str, with_bkg: bool = False,
                            load_all: bool = False, *, nav: NavSelection | None = None,
                            rows: int | None = None
                            ) -> tuple[DataWithAxes, Selection] | None:
        """:meth:`load_data` and the ``Selection`` applied to the stored arrays.

        An enlargeable node (a log) loads only its complete rows: the leading rows held by
        every channel and error array, and by the caller's ``rows`` (its navigation axes); see
        :mod:`daqcore.saving.complete_rows`.
        """
        data_node = self._get_node(where)
        parent = data_node.parent_node
        if parent is None:
            raise NodeError(f"node {data_node.path!r} is not in a channel group")
        error_node: Node | None = None
        if load_all:
            data_nodes = self._get_nodes_from_data_type(parent)
            if not data_nodes:
                raise NodeError(f"no {self.data_type.name!r} node beside {data_node.path!r}")
            data_node = data_nodes[0]
            if self.data_type != DataType.error:
                errors = self._error_saver._get_nodes_from_data_type(parent)
                error_node = errors[0] if errors else None
        else:
            if not isinstance(data_node, ArrayNode):
                return None
            data_nodes = [data_node]
            index = self.get_index_from_node_name(data_node)
            if index is not None and self.data_type != DataType.error:
                try:
                    error_node = self._error_saver.get_node_from_index(parent, index)
                except NodeError:
                    error_node = None
        error_nodes: list[Node] = []
        if error_node is not None:
            es = self._error_saver
            error_nodes = es._get_nodes_from_data_type(error_node) if load_all \
                else es._get_nodes(error_node)
        if isinstance(data_node, EARRAY):
            rows = cap_rows(rows, complete_rows([*data_nodes, *error_nodes]))
        else:
            rows = None
        selection = self._selection(data_node, nav, rows)
        assert isinstance(data_node, ArrayNode)  # checked by _selection
        for other in data_nodes[1:]:
            if not isinstance(other, ArrayNode) or other.shape[1:] != data_node.shape[1:] or \
                    (rows is None and other.shape != data_node.shape):
                raise NodeError(f"{other.path!r} does not have the shape of {data_node.path!r}")
        bkgs: list[Node | None] = [None] * len(data_nodes)
        if with_bkg:
            found = self.get_bkg_nodes(parent)
            if found:  # as PyMoDAQ: node i minus background i, as many as backgrounds
                bkgs = list(found)
        arrays = self._arrays(data_nodes, bkgs, nav, first=selection, rows=rows)
        axes = [self._move_signal_axis(axis, selection, parent.path)
                for axis in first_axis_per_dimension(self.get_axes(parent), parent.path)]
        error_arrays = None
        if error_node is not None:
            self._error_saver.max_read_bytes = self.max_read_bytes
            self._error_saver.lazy = self.lazy
            error_arrays = self._error_saver._arrays(error_nodes, [None] * len(error_nodes),
                                                     nav, rows=rows)
            if len(error_arrays) != len(arrays):  # PyMoDAQ drops them too
                error_arrays = None
        return self._build_dwa(data_node, data_nodes[:len(arrays)], arrays, axes, error_arrays,
                               selection), selection

    @staticmethod
    def _move_signal_axis(axis: Axis, selection: Selection, where: str) -> Axis:
        if axis.index >= len(selection.dims) or selection.dims[axis.index] is None:
            raise AxisError(f"axis {axis.label!r} of {where!r} has index {axis.index}, which is "
                            "not a signal dimension of the data")
        new_index = selection.dims[axis.index]
        assert new_index is not None
        axis.index = new_index
        return axis

    def _build_dwa(self, data_node: Node, data_nodes: list[Node], arrays: list[np.ndarray],
                   axes: list[Axis], errors: list[np.ndarray] | None,
                   selection: Selection) -> DataWithAxes:
        attrs = data_node.attrs.to_dict()
        extras = {k: v for k, v in attrs.items() if k not in _NOT_EXTRA and k.isidentifier()}
        labels = []
        for i, n in enumerate(data_nodes):
            label = n.attrs["label"] if "label" in n.attrs else f"CH{i:02d}"
            labels.append(_text_attr(label, "label", n.path))
        units = _text_attr(attrs.get("units", "") or "", "units", data_node.path)
        origin = _text_attr(attrs.get("origin", ""), "origin", data_node.path)
        try:
            dwa = DataWithAxes(_text_attr(attrs.get("TITLE", data_node.name), "TITLE",
                                          data_node.path),
                               source=attrs.get("source", "raw"),
                               distribution=attrs.get("distribution", "uniform"),
                               data=arrays, labels=labels, origin=origin,
                               nav_indexes=selection.nav_indexes, axes=axes, errors=errors,
                               units=units, path=data_node.path, **extras)
        except (DaqcoreError, ValueError, TypeError) as exc:  # enums raise ValueError
            raise NodeError(f"{data_node.path!r} in {self._h5saver.filename!r} cannot be "
                            f"loaded as DataWithAxes: {exc}") from None
        if "timestamp" in attrs and isinstance(attrs["timestamp"], (int, float)):
            dwa.timestamp = float(attrs["timestamp"])
        return dwa


def _text_attr(value: Any, name: str, where: str) -> str:
    """A string attribute (``origin``, ``label``, ``units``...), refusing arrays and numbers."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise AttributeDecodeError(f"node {where!r}: attribute {name!r} should be a string, "
                                   f"got {type(value).__name__} {_short(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


class BkgSaver(DataSaverLoader):
    """Save and load background arrays (``BkgNN``)."""

    data_type = DataType.bkg

    def __init__(self, h5saver: Any) -> None:
        super().__init__(h5saver)


class ErrorSaverLoader(DataSaverLoader):
    """Save and load error bars (``ErrorBarNN``, standard deviations)."""

    data_type = DataType.error

    def __init__(self, h5saver: Any) -> None:
        super().__init__(h5saver)


__all__ = ["SPECIAL_GROUP_NAMES", "AxisSaverLoader", "BkgSaver", "DataManagement",
           "DataSaverLoader", "ErrorSaverLoader", "as_h5saver", "squeeze_signal"]
