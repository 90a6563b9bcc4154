"""``H5SaverLowLevel`` and ``H5Saver``: PyMoDAQ-compatible HDF5 files on any registered backend.

Both hold an :class:`~daqcore.saving.h5file.H5File` (``saver.file``: opening, attributes,
SWMR, flushing) and share PyMoDAQ's group and array API through :class:`H5SaverCore`. They
differ only in ``init_file``: ``H5SaverLowLevel.init_file(file_name, ...)`` opens a given
file, ``H5Saver.init_file(update_h5, custom_naming, addhoc_file_path, metadata)`` names files
as PyMoDAQ's GUI saver does. Neither overrides the other.

:class:`H5SaverLowLevel` has PyMoDAQ's methods (``init_file``, ``raw_group``,
``add_scan_group``, ``add_det_group``, ``add_act_group``, ``get_node``, ``walk_nodes``,
``add_array``, ``close_file``...) so a script written for ``pymodaq_data`` runs after changing
its imports. daqcore extras, all keyword arguments:

* ``backend='h5py' | 'tables'`` (chosen per file; both write the same tree);
* ``compression=('zlib', 5)`` or :class:`~daqcore.saving.backends.base.Compression`
  (also ``define_compression('gzip'|'zlib'|'blosc2', level)``);
* ``dynamic='as_is' | 'float64' | 'int16' | ...``: dtype data arrays are stored with, applied
  and range-checked (see :mod:`daqcore.saving.dynamic`);
* ``swmr_mode`` (h5py) in ``init_file`` plus ``flush_interval`` (points, PyMoDAQ's
  ``set_swmr_flush_interval``) and ``flush_period`` (seconds, default 1 s): ``tick_flush``
  flushes when either is reached, in SWMR mode or not, which bounds what a crash can lose;
* ``swmr_auto_start`` (constructor, default True): SWMR start policy (True: the extended
  saver starts SWMR after its first point, as PyMoDAQ; False: only ``enable_swmr``). A node
  created under SWMR makes the file leave SWMR and resume it at the next data write.

:class:`~daqcore.saving.settings_saver.H5Saver` (also importable from here) adds PyMoDAQ's GUI
saver without Qt: its settings tree, automatic file naming, scan indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import numpy as np

from daqcore.saving.backends.base import Compression, H5LibraryBackend
from daqcore.saving.blocks import scan_chunk_shape
from daqcore.saving.dynamic import cast, fill_value_for
from daqcore.saving.enums import DataType, GroupType, SaveType
from daqcore.saving.errors import NodeError
from daqcore.saving.h5backend import H5Backend
from daqcore.saving.h5file import PYMODAQ_VERSION, H5File, capitalize
from daqcore.saving.nodes import GROUP, ArrayNode, Node, StringARRAY

_DATA_KINDS = (DataType.data, DataType.data_enlargeable, DataType.bkg)


class H5SaverCore(H5Backend):
    """PyMoDAQ's group, array and node API over the :class:`H5File` it holds (``.file``).

    Parameters are those of :class:`H5File` (``save_type``, ``backend``, ``compression``,
    ``dynamic``, ``flush_period``, ``fill_value``, ``swmr_auto_start``). The low-level file
    methods PyMoDAQ's ``H5SaverLowLevel`` inherits from its ``H5Backend`` (``create_carray``,
    ``add_group``, ``read``, ``set_backend``, ``save_file_as``...) come from daqcore's
    :class:`~daqcore.saving.h5backend.H5Backend`; ``backend`` is the backend object here
    (it compares equal to its name).
    """

    def __init__(self, save_type: SaveType | str = "scan",
                 backend: str | H5LibraryBackend | None = "h5py", **kwargs: Any) -> None:
        # None: the default backend, as PyMoDAQ's (its configuration's first, 'h5py')
        self.file = H5File(save_type, "h5py" if backend is None else backend, **kwargs)

    # ================================================================== the file (delegated)
    @property
    def backend(self) -> H5LibraryBackend:  # type: ignore[override]
        return self.file.backend

    @property
    def backend_name(self) -> str:
        return self.file.backend_name

    @property
    def save_type(self) -> SaveType:
        return self.file.save_type

    @property
    def h5_file(self) -> Any:
        """The library's file object (``h5py.File`` / ``tables.File``)."""
        return self.file.h5_file

    @property
    def filename(self) -> str:
        return self.file.filename

    @property
    def file_path(self) -> Path | None:
        return self.file.file_path

    @property
    def h5_file_path(self) -> Path | None:
        return self.file.h5_file_path

    @property
    def h5_file_name(self) -> str | None:
        return self.file.h5_file_name

    @property
    def file_loaded(self) -> bool:
        return self.file.file_loaded

    @property
    def writable(self) -> bool:
        return self.file.writable

    @property
    def raw_group(self) -> GROUP:
        return self.file.raw_group

    @property
    def dynamic(self) -> str:
        return self.file.dynamic

    @dynamic.setter
    def dynamic(self, value: str) -> None:
        self.file.dynamic = value

    @property
    def dynamic_dtype(self) -> np.dtype | None:
        return self.file.dynamic_dtype

    @property
    def compression(self) -> Compression | None:
        return self.file.compression

    @property
    def fill_value(self) -> float:
        return self.file.fill_value

    @fill_value.setter
    def fill_value(self, value: float) -> None:
        self.file.fill_value = value

    @property
    def flush_period(self) -> float | None:
        return self.file.flush_period

    @flush_period.setter
    def flush_period(self, value: float | None) -> None:
        self.file.flush_period = value

    @property
    def swmr_auto_start(self) -> bool:
        return self.file.swmr_auto_start

    @swmr_auto_start.setter
    def swmr_auto_start(self, value: bool) -> None:
        self.file.swmr_auto_start = bool(value)

    @property
    def swmr_mode(self) -> bool:
        return self.file.swmr_mode

    @property
    def is_swmr_active(self) -> bool:
        return self.file.is_swmr_active

    @property
    def is_swmr_capable(self) -> bool:
        return self.file.is_swmr_capable

    @property
    def is_swmr_compatible(self) -> bool:
        return self.file.is_swmr_compatible

    @property
    def flush_interval(self) -> int:
        return self.file.flush_interval

    @property
    def _generation(self) -> int:
        """Incremented on every open: savers drop the node handles they cached."""
        return self.file._generation

    @property
    def _swmr_mode(self) -> bool:
        return self.file._swmr_mode

    @property
    def _swmr_enabled(self) -> bool:
        return self.file._swmr_enabled

    @property
    def _last_flush(self) -> float:
        """``time.monotonic()`` of the last flush."""
        return self.file._last_flush

    def define_compression(self, compression: str, compression_opts: int) -> None:
        self.file.define_compression(compression, compression_opts)

    def open_file(self, fullpathname: Path | str, mode: str = "r", title: str = "PyMoDAQ file",
                  swmr_mode: bool = False, **kwargs: Any) -> Any:
        return self.file.open_file(fullpathname, mode, title, swmr_mode, **kwargs)

    def isopen(self) -> bool:
        return self.file.isopen()

    def flush(self) -> None:
        self.file.flush()

    def tick_flush(self) -> None:
        self.file.tick_flush()

    def close_file(self) -> None:
        self.file.close_file()

    close = close_file

    def finalize_swmr(self, keep_open: bool = False) -> None:
        self.file.finalize_swmr(keep_open)

    def enable_swmr(self) -> None:
        self.file.enable_swmr()

    def set_swmr_flush_interval(self, interval: int) -> None:
        self.file.set_swmr_flush_interval(interval)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_file()

    def get_attr(self, node: Node | str, attr_name: str | None = None) -> Any:
        return self.file.get_attr(node, attr_name)

    def set_attr(self, node: Node | str, attr_name: str, attr_value: Any) -> None:
        self.file.set_attr(node, attr_name, attr_value)

    def has_attr(self, node: Node | str, attr_name: str) -> bool:
        return self.file.has_attr(node, attr_name)

    def where_key(self, where: Node | str | Path | Any) -> str:
        return self.file.where_key(where)

    def _check_writable(self) -> None:
        self.file._check_writable()

    def _check_can_create(self) -> None:
        self.file._check_can_create()

    def _mark_stale(self, handle: Any) -> None:
        self.file._mark_stale(handle)

    def _set_attr_handle(self, handle: Any, name: str, value: Any) -> None:
        self.file._set_attr_handle(handle, name, value)

    # ================================================================== nodes
    def root(self) -> GROUP:
        return self.file.root()

    def wrap(self, handle: Any) -> Node:
        """Wrap a library handle in the node class its ``CLASS`` attribute names."""
        return self.file.wrap(handle)

    def _handle(self, where: Node | str | Path | Any) -> Any:
        return self.file._handle(where)

    def get_node(self, where: Node | str | Path | Any, name: str | None = None) -> Node:
        """The node at ``where`` (path, Node or library handle), or its child ``name``."""
        return self.file.get_node(where, name)

    def get_node_name(self, node: Node | str) -> str:
        return self.get_node(node).name

    def get_node_path(self, node: Node | str) -> str:
        return self.get_node(node).path

    def get_parent_node(self, node: Node | str) -> GROUP | None:
        return self.get_node(node).parent_node

    def get_children(self, where: Node | str) -> dict[str, Node]:
        node = self.get_node(where)
        return node.children() if isinstance(node, GROUP) else {}

    def is_node_in_group(self, where: Node | str, name: str) -> bool:
        """True if ``where`` has a child called ``name`` (case-insensitive, as PyMoDAQ)."""
        handle = self._handle(where)
        lname = name.lower()
        return any(child.lower() == lname for child, _ in self.backend.children(handle))

    def walk_nodes(self, where: Node | str = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """Yield ``where`` then the children of every group of :meth:`walk_groups`, in
        PyMoDAQ's order (``depth``: PyMoDAQ's rule, see ``daqcore.saving.tree.walk``); each
        group entered once, whatever hard links lead to it."""
        return self.file.walk_nodes(where, depth, only_groups)

    # ================================================================== groups
    def get_set_group(self, where: Node | str, name: str, title: str = "",
                      **kwargs: Any) -> GROUP:
        """The group ``name`` under ``where``, created (with ``title`` and raw ``kwargs``
        attributes such as ``origin``) if absent."""
        return self.file.get_set_group(where, name, title, **kwargs)

    def add_incremental_group(self, group_type: GroupType | str, where: Any, title: str = "",
                              settings_as_xml: str = "", metadata: dict | None = None) -> GROUP:
        """Add ``<Type>NNN`` (``Scan000``, ``Detector001``...) under ``where``."""
        gtype = group_type.name if isinstance(group_type, GroupType) else str(group_type)
        prefix = capitalize(gtype.lower())
        existing = sorted(name for name, _ in self.backend.children(self._handle(where))
                          if prefix in name)
        index = -1
        for name in reversed(existing):
            if name[-3:].isdigit():
                index = int(name[-3:])
                break
        group = self.get_set_group(where, f"{prefix}{index + 1:03d}", title)
        group.attrs["settings"] = settings_as_xml
        group.attrs["type"] = gtype.lower() if gtype.lower() != "ch" else ""
        for key, value in (metadata or {}).items():
            group.attrs[key] = value
        return group

    def add_scan_group(self, where: Node | str = "/RawData", title: str = "",
                       settings_as_xml: str = "",
                       metadata: dict | None = None) -> GROUP:
        """Add a ``ScanNNN`` group (attributes ``type='scan'``, ``description=''``)."""
        return self.add_generic_group(where, title, settings_as_xml, metadata, GroupType.scan)

    def add_generic_group(self, where: Node | str = "/RawData", title: str = "",
                          settings_as_xml: str = "", metadata: dict | None = None,
                          group_type: GroupType | str = GroupType.scan) -> GROUP:
        metadata = dict(metadata or {})
        metadata.setdefault("description", "")
        return self.add_incremental_group(group_type, where, title, settings_as_xml, metadata)

    def add_det_group(self, where: Node | str, title: str = "", settings_as_xml: str = "",
                      metadata: dict | None = None) -> GROUP:
        """Add a ``DetectorNNN`` group."""
        return self.add_incremental_group("detector", where, title, settings_as_xml, metadata)

    def add_act_group(self, where: Node | str, title: str = "", settings_as_xml: str = "",
                      metadata: dict | None = None) -> GROUP:
        """Add an ``ActuatorNNN`` group."""
        return self.add_incremental_group("actuator", where, title, settings_as_xml, metadata)

    add_move_group = add_act_group

    def add_ch_group(self, where: Node | str, title: str = "", settings_as_xml: str = "",
                     metadata: dict | None = None) -> GROUP:
        return self.add_incremental_group("ch", where, title, settings_as_xml, metadata)

    def add_data_group(self, where: Node | str, data_dim: Any, title: str = "",
                       settings_as_xml: str = "", metadata: dict | None = None,
                       group_name: str | None = None) -> GROUP:
        name = str(group_name or getattr(data_dim, "name", data_dim))
        metadata = dict(metadata or {})
        metadata["settings"] = settings_as_xml
        return self.add_group(name, GroupType.data, where, title, metadata)

    def get_groups(self, where: Node | str, group_type: GroupType | str) -> list[GROUP]:
        gtype = (group_type.name if isinstance(group_type, GroupType) else str(group_type)).lower()
        out = []
        for node in self.get_children(where).values():
            if isinstance(node, GROUP) and "type" in node.attrs and \
                    str(node.attrs["type"]).lower() == gtype:
                out.append(node)
        return out

    def get_last_group(self, where: Node | str, group_type: GroupType | str) -> GROUP | None:
        groups = self.get_groups(where, group_type)
        return groups[-1] if groups else None

    def get_node_from_attribute_match(self, where: Node | str, attr_name: str,
                                      attr_value: Any) -> Node | None:
        for node in self.walk_nodes(where):
            if attr_name in node.attrs and node.attrs[attr_name] == attr_value:
                return node
        return None

    def get_node_from_title(self, where: Node | str, title: str) -> Node | None:
        return self.get_node_from_attribute_match(where, "TITLE", title)

    # ================================================================== arrays
    def add_array(self, where: Node | str, name: str, data_type: DataType | str,
                  array_to_save: np.ndarray | None = None,
                  data_shape: tuple[int, ...] | None = None,
                  array_type: Any = None, fill_value: Any = None, data_dimension: Any = None,
                  scan_shape: tuple = (), add_scan_dim: bool = False, enlargeable: bool = False,
                  title: str = "", metadata: dict | None = None) -> ArrayNode:
        """Create an array node with PyMoDAQ's attributes (see ``pymodaq_data``'s method).

        Data arrays (``data``, ``data_enlargeable``, ``bkg``) are stored with the saving
        dynamic; integers that do not fit raise
        :class:`~daqcore.saving.errors.DtypeOverflowError`.
        """
        kind = DataType.check(data_type)
        dim_name = getattr(data_dimension, "name", data_dimension)
        name = capitalize(name)
        parent = self.file._creation_parent(where, f"array {name!r}")
        dynamic = self.dynamic_dtype if kind in _DATA_KINDS else None
        if array_to_save is not None:
            array_to_save = np.asarray(array_to_save)
        if array_type is None:
            array_type = array_to_save.dtype if array_to_save is not None else \
                (self.dynamic_dtype or np.dtype(np.float64))
        dtype = dynamic if dynamic is not None else np.dtype(array_type)
        if enlargeable:
            row_shape = tuple(data_shape) if data_shape is not None else ()
            handle = self.backend.create_earray(parent, name, dtype, row_shape, title=title)
        elif add_scan_dim:
            row = tuple(data_shape) if data_shape is not None else (1,)
            full_shape = tuple(scan_shape) + (() if row == (1,) else row)
            fill = fill_value_for(dtype, self.fill_value if fill_value is None else fill_value)
            # chunked, no pre-fill: the file grows with the points written
            chunks = scan_chunk_shape(full_shape, len(scan_shape), np.dtype(dtype).itemsize)
            handle = self.backend.create_carray(parent, name, shape=full_shape, dtype=dtype,
                                                fill_value=fill, title=title, chunks=chunks)
        else:
            if array_to_save is None:
                raise NodeError(f"no data given to create the fixed-size array {name!r}")
            data = cast(array_to_save, dynamic, what=f"{title or name}")
            if data.ndim == 0:
                data = data.reshape((1,))
            handle = self.backend.create_carray(parent, name, data=data, title=title)
        self.file._record_created(handle)
        shape = self.backend.shape(handle)
        attrs = {"shape": tuple(int(s) for s in shape), "dtype": np.dtype(dtype).name,
                 "subdtype": "", "backend": self.backend.name,
                 "data_type": kind.name, "data_dimension": dim_name}
        attrs.update(metadata or {})
        for key, value in attrs.items():
            self._set_attr_handle(handle, key, value)
        node = self.wrap(handle)
        assert isinstance(node, ArrayNode)
        return node

    def add_string_array(self, where: Node | str, name: str, title: str = "",
                         metadata: dict | None = None) -> StringARRAY:
        return self.file.add_string_array(where, name, title, metadata)

    def get_set_logger(self, where: Node | str | None = None) -> StringARRAY:
        """The ``Logger`` string array under ``where`` (``/RawData``), created if absent."""
        return self.file.get_set_logger(where)

    def add_log(self, msg: str) -> None:
        """Append a message to the ``Logger`` array."""
        self.file.add_log(msg)

    def save_file(self, filename: Path | str | None = None) -> None:
        """Copy the current file to ``filename`` (after a flush), which must not exist: PyMoDAQ's
        ``save_file``, i.e. :meth:`save_file_as` when a name is given."""
        if filename:
            self.save_file_as(filename)



class H5SaverLowLevel(H5SaverCore):
    """Create, append to or read a PyMoDAQ-convention HDF5 file (see :class:`H5File` for the
    constructor arguments): groups, arrays, nodes and tree walking."""

    @classmethod
    def from_file(cls, path: Path | str, save_type: SaveType | str = "scan",
                  new_file: bool = False, metadata: dict | None = None,
                  swmr_mode: bool = False, mode: str = "a",
                  backend: str | H5LibraryBackend = "h5py", **kwargs: Any) -> Self:
        """Build a saver and call :meth:`init_file` on ``path`` (PyMoDAQ's ``from_file``)."""
        saver = cls(save_type, backend=backend, **kwargs)
        saver.init_file(Path(path), new_file=new_file, metadata=metadata, swmr_mode=swmr_mode,
                        mode=mode)
        return saver

    def init_file(self, file_name: Path | str, raw_group_name: str = "RawData",
                  new_file: bool = False, metadata: dict | None = None,
                  swmr_mode: bool = False, mode: str = "a") -> bool:
        """Create (``new_file`` or missing file) or open a file and set up ``/RawData``
        (see ``H5File.init_file``). Returns True if a new file was created."""
        return self.file.init_file(file_name, raw_group_name, new_file, metadata, swmr_mode,
                                   mode)


def __getattr__(name: str) -> Any:
    """``H5Saver`` lives in :mod:`daqcore.saving.settings_saver` (imported on first use)."""
    if name == "H5Saver":
        from daqcore.saving.settings_saver import H5Saver

        return H5Saver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PYMODAQ_VERSION", "DataType", "GroupType", "H5File", "H5SaverCore",
           "H5SaverLowLevel", "SaveType"]
