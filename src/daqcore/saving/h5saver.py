"""``H5SaverLowLevel`` and ``H5Saver``: PyMoDAQ-compatible HDF5 files on either backend.

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
* ``swmr_auto_start`` (constructor, default True): SWMR start policy. False leaves
  ``enable_swmr`` to the caller, for several savers on one file.

:class:`H5Saver` adds PyMoDAQ's GUI saver options without Qt: base path / base name, automatic
file naming, new file, save type, current scan group.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from daqcore.saving import attributes as codec
from daqcore.saving.blocks import scan_chunk_shape
from daqcore.saving.dynamic import cast, fill_value_for
from daqcore.saving.enums import DataType, GroupType, SaveType
from daqcore.saving.errors import FileClosedError, H5FileError, NodeError
from daqcore.saving.h5file import PYMODAQ_VERSION, H5File, capitalize
from daqcore.saving.nodes import CARRAY, EARRAY, GROUP, VLARRAY, Node, StringARRAY

_DATA_KINDS = (DataType.data, DataType.data_enlargeable, DataType.bkg)


class H5SaverLowLevel(H5File):
    """Create, append to or read a PyMoDAQ-convention HDF5 file (see :class:`H5File` for the
    constructor arguments): groups, arrays, nodes and tree walking."""

    # ================================================================== nodes
    def wrap(self, handle: Any) -> Node:
        """Wrap a library handle in the node class its ``CLASS`` attribute names."""
        backend = self.backend
        if backend.is_group(handle):
            return GROUP(handle, self)
        klass = ""
        if backend.has_attr(handle, "CLASS"):
            klass = codec.decode(backend.get_attr(handle, "CLASS"))
        if not isinstance(klass, str) or "ARRAY" not in klass:
            shape = backend.shape(handle)
            dtype = backend.dtype(handle)
            klass = "VLARRAY" if dtype.kind == "O" else "CARRAY"
            if klass == "CARRAY" and self.backend.name == "h5py" and handle.maxshape and \
                    shape and handle.maxshape[0] is None:
                klass = "EARRAY"
        if klass == "EARRAY":
            return EARRAY(handle, self)
        if klass == "VLARRAY":
            if backend.has_attr(handle, "subdtype") and \
                    codec.decode(backend.get_attr(handle, "subdtype")) == "string":
                return StringARRAY(handle, self)
            return VLARRAY(handle, self)
        return CARRAY(handle, self)

    def _handle(self, where: Any) -> Any:
        if isinstance(where, Node):
            return where.node
        if isinstance(where, (str, Path)):
            return self.backend.get(str(where).replace("\\", "/"))
        if where is None:
            raise NodeError("no node given")
        return where

    def get_node(self, where: Any, name: str | None = None) -> Node:
        """The node at ``where`` (path, Node or library handle), or its child ``name``."""
        if not self.backend.isopen:
            raise FileClosedError("the HDF5 file is closed")
        handle = self._handle(where)
        if name is not None:
            child = self.backend.child(handle, name)
            if child is None:
                raise NodeError(f"node {self.backend.path(handle)!r} has no child {name!r}")
            handle = child
        return self.wrap(handle)

    def get_node_name(self, node: Any) -> str:
        return self.get_node(node).name

    def get_node_path(self, node: Any) -> str:
        return self.get_node(node).path

    def get_parent_node(self, node: Any) -> GROUP | None:
        return self.get_node(node).parent_node

    def get_children(self, where: Any) -> dict[str, Node]:
        node = self.get_node(where)
        return node.children() if isinstance(node, GROUP) else {}

    def is_node_in_group(self, where: Any, name: str) -> bool:
        """True if ``where`` has a child called ``name`` (case-insensitive, as PyMoDAQ)."""
        handle = self._handle(where)
        lname = name.lower()
        return any(child.lower() == lname for child, _ in self.backend.children(handle))

    def walk_groups(self, where: Any) -> Iterator[GROUP]:
        start = self.get_node(where)
        if not isinstance(start, GROUP):
            return
        stack = [start.node]
        while stack:
            handle = stack.pop(0)
            yield GROUP(handle, self)
            stack.extend(h for _, h in self.backend.children(handle) if self.backend.is_group(h))

    def walk_nodes(self, where: Any = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """Yield ``where`` then every node below it (down to ``depth`` levels)."""
        start = self.get_node(where)
        if not only_groups or isinstance(start, GROUP):
            yield start
        if depth == 0 or not isinstance(start, GROUP):
            return
        backend = self.backend
        queue: list[tuple[Any, int]] = [(start.node, 1)]
        while queue:
            handle, level = queue.pop(0)
            for _, child in backend.children(handle):
                is_group = backend.is_group(child)
                if is_group or not only_groups:
                    yield self.wrap(child)
                if is_group and (depth is None or level < depth):
                    queue.append((child, level + 1))

    def read(self, array: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        return self.get_node(array).read()

    # ================================================================== groups
    def get_set_group(self, where: Any, name: str, title: str = "", **kwargs: Any) -> GROUP:
        """The group ``name`` under ``where``, created (with ``title`` and raw ``kwargs``
        attributes such as ``origin``) if absent."""
        parent = self._handle(where)
        handle = self.backend.child(parent, name)
        if handle is None:
            self._check_can_create()
            handle = self.backend.create_group(parent, name, title=title)
            for key, value in kwargs.items():
                self.backend.set_attr(handle, key, value if isinstance(value, (str, bool, int))
                                      else str(value))
        elif self.backend.is_group(handle) is False:
            raise NodeError(f"{self.backend.path(handle)!r} exists and is not a group")
        self._current_group = GROUP(handle, self)
        return self._current_group

    def add_group(self, group_name: str, group_type: GroupType | str, where: Any,
                  title: str = "", metadata: dict | None = None) -> GROUP:
        """Add (or get) a group of a given type (``type`` attribute)."""
        gtype = group_type.name if isinstance(group_type, GroupType) else str(group_type)
        name = capitalize(group_name)
        existed = self.backend.child(self._handle(where), name) is not None
        group = self.get_set_group(where, name, title)
        if not existed:
            group.attrs["type"] = gtype.lower()
            for key, value in (metadata or {}).items():
                group.attrs[key] = value
        group.attrs["backend"] = self.backend.name
        return group

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

    def add_scan_group(self, where: Any = "/RawData", title: str = "", settings_as_xml: str = "",
                       metadata: dict | None = None) -> GROUP:
        """Add a ``ScanNNN`` group (attributes ``type='scan'``, ``description=''``)."""
        return self.add_generic_group(where, title, settings_as_xml, metadata, GroupType.scan)

    def add_generic_group(self, where: Any = "/RawData", title: str = "",
                          settings_as_xml: str = "", metadata: dict | None = None,
                          group_type: GroupType | str = GroupType.scan) -> GROUP:
        metadata = dict(metadata or {})
        metadata.setdefault("description", "")
        return self.add_incremental_group(group_type, where, title, settings_as_xml, metadata)

    def add_det_group(self, where: Any, title: str = "", settings_as_xml: str = "",
                      metadata: dict | None = None) -> GROUP:
        """Add a ``DetectorNNN`` group."""
        return self.add_incremental_group("detector", where, title, settings_as_xml, metadata)

    def add_act_group(self, where: Any, title: str = "", settings_as_xml: str = "",
                      metadata: dict | None = None) -> GROUP:
        """Add an ``ActuatorNNN`` group."""
        return self.add_incremental_group("actuator", where, title, settings_as_xml, metadata)

    add_move_group = add_act_group

    def add_ch_group(self, where: Any, title: str = "", settings_as_xml: str = "",
                     metadata: dict | None = None) -> GROUP:
        return self.add_incremental_group("ch", where, title, settings_as_xml, metadata)

    def add_data_group(self, where: Any, data_dim: Any, title: str = "",
                       settings_as_xml: str = "", metadata: dict | None = None,
                       group_name: str | None = None) -> GROUP:
        name = group_name or getattr(data_dim, "name", str(data_dim))
        metadata = dict(metadata or {})
        metadata["settings"] = settings_as_xml
        return self.add_group(name, GroupType.data, where, title, metadata)

    def get_groups(self, where: Any, group_type: GroupType | str) -> list[GROUP]:
        gtype = (group_type.name if isinstance(group_type, GroupType) else str(group_type)).lower()
        out = []
        for node in self.get_children(where).values():
            if isinstance(node, GROUP) and "type" in node.attrs and \
                    str(node.attrs["type"]).lower() == gtype:
                out.append(node)
        return out

    def get_last_group(self, where: Any, group_type: GroupType | str) -> GROUP | None:
        groups = self.get_groups(where, group_type)
        return groups[-1] if groups else None

    def get_node_from_attribute_match(self, where: Any, attr_name: str,
                                      attr_value: Any) -> Node | None:
        for node in self.walk_nodes(where):
            if attr_name in node.attrs and node.attrs[attr_name] == attr_value:
                return node
        return None

    def get_node_from_title(self, where: Any, title: str) -> Node | None:
        return self.get_node_from_attribute_match(where, "TITLE", title)

    # ================================================================== arrays
    def add_array(self, where: Any, name: str, data_type: DataType | str,
                  array_to_save: np.ndarray | None = None, data_shape: tuple | None = None,
                  array_type: Any = None, fill_value: Any = None, data_dimension: Any = None,
                  scan_shape: tuple = (), add_scan_dim: bool = False, enlargeable: bool = False,
                  title: str = "", metadata: dict | None = None) -> CARRAY:
        """Create an array node with PyMoDAQ's attributes (see ``pymodaq_data``'s method).

        Data arrays (``data``, ``data_enlargeable``, ``bkg``) are stored with the saving
        dynamic; integers that do not fit raise
        :class:`~daqcore.saving.errors.DtypeOverflowError`.
        """
        self._check_can_create()
        data_type = DataType.check(data_type)
        dim_name = getattr(data_dimension, "name", data_dimension)
        parent = self._handle(where)
        name = capitalize(name)
        dynamic = self._dynamic if data_type in _DATA_KINDS else None
        if array_to_save is not None:
            array_to_save = np.asarray(array_to_save)
        if array_type is None:
            array_type = array_to_save.dtype if array_to_save is not None else \
                (self._dynamic or np.dtype(np.float64))
        dtype = dynamic if dynamic is not None else np.dtype(array_type)
        if enlargeable:
            row_shape = tuple(data_shape) if data_shape is not None else ()
            handle = self.backend.create_earray(parent, name, dtype, row_shape, title=title)
        elif add_scan_dim:
            shape = list(scan_shape)
            if not (len(data_shape) == 1 and data_shape[0] == 1):
                shape.extend(data_shape)
            fill = fill_value_for(dtype, self.fill_value if fill_value is None else fill_value)
            # chunked, no pre-fill: the file grows with the points written
            chunks = scan_chunk_shape(tuple(shape), len(scan_shape), np.dtype(dtype).itemsize)
            handle = self.backend.create_carray(parent, name, shape=tuple(shape), dtype=dtype,
                                                fill_value=fill, title=title, chunks=chunks)
        else:
            if array_to_save is None:
                raise NodeError(f"no data given to create the fixed-size array {name!r}")
            data = cast(array_to_save, dynamic, what=f"{title or name}")
            if data.ndim == 0:
                data = data.reshape((1,))
            handle = self.backend.create_carray(parent, name, data=data, title=title)
        shape = self.backend.shape(handle)
        attrs = {"shape": tuple(int(s) for s in shape), "dtype": np.dtype(dtype).name,
                 "subdtype": "", "backend": self.backend.name,
                 "data_type": data_type.name, "data_dimension": dim_name}
        attrs.update(metadata or {})
        for key, value in attrs.items():
            self._set_attr_handle(handle, key, value)
        return self.wrap(handle)

    def add_string_array(self, where: Any, name: str, title: str = "",
                         metadata: dict | None = None) -> StringARRAY:
        self._check_can_create()
        handle = self.backend.create_vlarray(self._handle(where), name, np.uint8, title=title)
        for key, value in {"shape": (0,), "data_type": "strings", "dtype": "uint8",
                           "subdtype": "string", "backend": self.backend.name,
                           **(metadata or {})}.items():
            self._set_attr_handle(handle, key, value)
        return StringARRAY(handle, self)

    def get_set_logger(self, where: Any = None) -> StringARRAY:
        """The ``Logger`` string array under ``where`` (``/RawData``), created if absent."""
        where = self._raw_group_path if where is None else where
        handle = self.backend.child(self._handle(where), "Logger")
        if handle is None:
            self._logger_array = self.add_string_array(where, "Logger")
            self._logger_array.attrs["type"] = "log"
        else:
            self._logger_array = StringARRAY(handle, self)
        return self._logger_array

    def add_log(self, msg: str) -> None:
        """Append a message to the ``Logger`` array."""
        if self._logger_array is None:
            self.get_set_logger()
        self._logger_array.append(msg)

    def save_file(self, filename: Path | str | None = None) -> None:
        """Copy the current file to ``filename`` (after a flush)."""
        if not filename:
            return
        import shutil

        self.flush()
        shutil.copyfile(self.backend.filename, os.fspath(filename))


class H5Saver(H5SaverLowLevel):
    """PyMoDAQ's saver options without a GUI: base path/name, file naming, new file.

    Parameters
    ----------
    save_type : SaveType or str
    backend : str
    base_path : Path or str
        Directory where files are created (default: the current directory).
    base_name : str
        Base of the file names (``Dataset`` for scans as PyMoDAQ).
    dynamic, compression, flush_period, fill_value
        See :class:`H5SaverLowLevel`.
    swmr : bool
        h5py backend: create files for SWMR readers.
    flush_interval : int
        Flush every N points (see :meth:`H5SaverLowLevel.set_swmr_flush_interval`).

    Notes
    -----
    File names follow PyMoDAQ's GUI saver: ``<base_path>/<YYYY>/<YYYYMMDD>/<base_name>_<YYYYMMDD>
    _<NNN>.h5`` for scans (NNN increments) and ``<base_path>/<base_name>_<YYYYMMDD>_<HH>_<MM>
    _<SS>.h5`` otherwise.
    """

    def __init__(self, save_type: SaveType | str = "scan", backend: str = "h5py", *,
                 base_path: Path | str | None = None, base_name: str | None = None,
                 swmr: bool = False, flush_interval: int = 0, **kwargs: Any) -> None:
        super().__init__(save_type, backend, **kwargs)
        self.base_path = Path(base_path) if base_path is not None else Path.cwd()
        self.base_name = base_name or ("Dataset" if self.save_type == SaveType.scan else "Data")
        self.swmr = bool(swmr)
        self.set_swmr_flush_interval(flush_interval)
        self.current_scan_group: GROUP | None = None
        self.current_scan_name = ""

    def next_file_path(self) -> Path:
        """Path of the file :meth:`init_file` would create now."""
        now = datetime.datetime.now()
        if self.save_type == SaveType.scan:
            folder = self.base_path / f"{now:%Y}" / f"{now:%Y%m%d}"
            index = 0
            if folder.is_dir():
                stem = f"{self.base_name}_{now:%Y%m%d}_"
                taken = [p.stem[len(stem):] for p in folder.glob(f"{stem}*.h5")]
                numbers = [int(t) for t in taken if t.isdigit()]
                index = max(numbers) + 1 if numbers else 0
            return folder / f"{self.base_name}_{now:%Y%m%d}_{index:03d}.h5"
        return self.base_path / f"{self.base_name}_{now:%Y%m%d_%H_%M_%S}.h5"

    def init_file(self, update_h5: bool = False, custom_naming: bool = False,  # type: ignore[override]
                  addhoc_file_path: Path | str | None = None, metadata: dict | None = None,
                  file_name: Path | str | None = None, new_file: bool | None = None,
                  **kwargs: Any) -> bool:
        """Create or reopen the file.

        ``update_h5=True`` (or ``new_file=True``) always creates a new file, named
        automatically unless ``addhoc_file_path``/``file_name`` is given; otherwise the
        current file (if any) is reopened in append mode.
        Returns True when a new file was created.

        A path given as first positional argument is taken as ``file_name`` (the first
        argument of :meth:`H5SaverLowLevel.init_file`), not as a truthy ``update_h5``.
        """
        if isinstance(update_h5, (str, os.PathLike)):
            if file_name is not None:
                raise H5FileError(
                    f"init_file got two file names: {str(update_h5)!r} and {str(file_name)!r}")
            update_h5, file_name = False, update_h5
        path = addhoc_file_path or file_name
        create = bool(update_h5 or new_file)
        if path is None:
            if self.file_path is not None and not create:
                path = self.file_path
            else:
                path = self.next_file_path()
                create = True
        path = Path(path)
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        return super().init_file(path, new_file=create, metadata=metadata,
                                 swmr_mode=kwargs.pop("swmr_mode", self.swmr), **kwargs)

    def add_scan_group(self, where: Any = "/RawData", title: str = "", settings_as_xml: str = "",
                       metadata: dict | None = None) -> GROUP:
        group = super().add_scan_group(where, title, settings_as_xml, metadata)
        self.current_scan_group = group
        self.current_scan_name = group.name
        return group

    def get_last_scan(self) -> GROUP | None:
        return self.get_last_group(self.raw_group, GroupType.scan)


__all__ = ["PYMODAQ_VERSION", "DataType", "GroupType", "H5Saver", "H5SaverLowLevel", "SaveType"]
