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
  flushes when either is reached, in SWMR mode or not, which bounds what a crash can lose.

:class:`H5Saver` adds PyMoDAQ's GUI saver options without Qt: base path / base name, automatic
file naming, new file, save type, current scan group.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from daqcore import __version__ as DAQCORE_VERSION
from daqcore.saving import attributes as codec
from daqcore.saving.backends.base import Compression, H5Backend, get_backend
from daqcore.saving.dynamic import cast, check_dynamic, fill_value_for
from daqcore.saving.enums import DataType, GroupType, SaveType
from daqcore.saving.errors import (
    AttributeDecodeError,
    FileClosedError,
    H5FileError,
    NodeError,
    ReadOnlyFileError,
    SWMRError,
)
from daqcore.saving.nodes import CARRAY, EARRAY, GROUP, VLARRAY, Node, StringARRAY

#: ``pymodaq_version`` written in the root: the PyMoDAQ file-format generation we follow
#: (PyMoDAQ's H5Browser refuses files below 4.0.0).
PYMODAQ_VERSION = "5.3.0"
LARGE_ATTRIBUTES_GROUP = "LargeAttributes"
_DATA_KINDS = (DataType.data, DataType.data_enlargeable, DataType.bkg)


def capitalize(text: str) -> str:
    """First letter upper-case, the rest unchanged (PyMoDAQ's ``capitalize``)."""
    return text[:1].upper() + text[1:]


def _as_compression(compression: Any) -> Compression | None:
    if compression is None or isinstance(compression, Compression):
        return compression
    if isinstance(compression, str):
        return Compression(compression)
    library, level = compression
    return Compression(library, level)


class H5SaverLowLevel:
    """Create, append to or read a PyMoDAQ-convention HDF5 file.

    Parameters
    ----------
    save_type : SaveType or str
        ``scan``, ``detector``, ``logger``, ``custom``, ``actuator`` or ``optimizer``; written
        as the ``type`` attribute of ``/RawData`` in new files.
    backend : str
        ``'h5py'`` (default, as PyMoDAQ 5.3) or ``'tables'``.
    compression : Compression, (library, level) or None
        Compression of every array created afterwards.
    dynamic : str
        Saving dynamic (``'as_is'`` keeps the data dtype).
    flush_period : float or None
        Seconds between automatic flushes done by :meth:`tick_flush` (``None``: never).
    fill_value : float
        Value of not-yet-written points of extended (scan) arrays (integers use 0 for NaN).
    """

    def __init__(self, save_type: SaveType | str = "scan", backend: str = "h5py", *,
                 compression: Any = None, dynamic: str = "as_is",
                 flush_period: float | None = 1.0, fill_value: float = np.nan) -> None:
        self.backend: H5Backend = get_backend(backend)
        self.save_type = SaveType.check(save_type)
        self._compression = _as_compression(compression)
        self.backend.set_compression(self._compression)
        self._dynamic = check_dynamic(dynamic)
        self.fill_value = fill_value
        self.h5_file_path: Path | None = None
        self.h5_file_name: str | None = None
        self.file_loaded = False
        self._raw_group_path = "/RawData"
        self._logger_array: StringARRAY | None = None
        self._current_group: GROUP | None = None
        self._stale: dict[int, Any] = {}
        self._swmr_mode = False
        self._swmr_enabled = False
        self._flush_interval = 0
        self._write_count = 0
        self.flush_period = flush_period
        self._last_flush = time.monotonic()
        self._generation = 0  # incremented on every open: savers drop cached handles

    # ================================================================== construction
    @classmethod
    def from_file(cls, path: Path | str, save_type: SaveType | str = "scan",
                  new_file: bool = False, metadata: dict | None = None,
                  swmr_mode: bool = False, mode: str = "a", backend: str = "h5py",
                  **kwargs: Any) -> H5SaverLowLevel:
        """Build a saver and call :meth:`init_file` on ``path`` (PyMoDAQ's ``from_file``)."""
        saver = cls(save_type, backend=backend, **kwargs)
        saver.init_file(Path(path), new_file=new_file, metadata=metadata, swmr_mode=swmr_mode,
                        mode=mode)
        return saver

    # ================================================================== properties
    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def dynamic(self) -> str:
        return "as_is" if self._dynamic is None else self._dynamic.name

    @dynamic.setter
    def dynamic(self, value: str) -> None:
        self._dynamic = check_dynamic(value)

    @property
    def dynamic_dtype(self) -> np.dtype | None:
        return self._dynamic

    @property
    def compression(self) -> Compression | None:
        return self._compression

    def define_compression(self, compression: str, compression_opts: int) -> None:
        """Compression for arrays created afterwards: ``'zlib'``/``'gzip'``/``'blosc2'``, 0-9."""
        self._compression = Compression(compression, compression_opts)
        self.backend.set_compression(self._compression)

    @property
    def h5_file(self) -> Any:
        """The underlying ``h5py.File`` / ``tables.File``."""
        return self.backend.file

    h5file = h5_file

    @property
    def filename(self) -> str:
        return self.backend.filename

    @property
    def file_path(self) -> Path | None:
        if self.h5_file_path is None or self.h5_file_name is None:
            return None
        return Path(self.h5_file_path) / self.h5_file_name

    def isopen(self) -> bool:
        return self.backend.isopen

    @property
    def writable(self) -> bool:
        return self.backend.writable

    @property
    def raw_group(self) -> GROUP:
        """The ``/RawData`` group where data are saved."""
        return self.get_node(self._raw_group_path)

    def root(self) -> GROUP:
        return GROUP(self.backend.root(), self)

    # ================================================================== file
    def init_file(self, file_name: Path | str, raw_group_name: str = "RawData",
                  new_file: bool = False, metadata: dict | None = None,
                  swmr_mode: bool = False, mode: str = "a") -> bool:
        """Create (``new_file`` or missing file) or open a file and set up ``/RawData``.

        Parameters
        ----------
        file_name : Path or str
            File path; a suffix without ``h5`` is replaced by ``.h5``.
        raw_group_name : str
            Name of the base group (``RawData``).
        new_file : bool
            Create (overwrite) the file.
        metadata : dict
            Attributes of the raw group, written in new files (large values are fine).
        swmr_mode : bool
            h5py only: create the file for Single-Writer-Multiple-Reader use.
        mode : str
            ``'a'`` (append) or ``'r'`` (read only) when the file already exists.

        Returns
        -------
        bool
            True if a new file was created.
        """
        if file_name is None:
            raise H5FileError("no file name given")
        path = Path(file_name)
        if path.is_dir():
            raise H5FileError(f"{str(path)!r} is a directory, not an HDF5 file")
        name = path.name if "h5" in path.suffix else path.stem + ".h5"
        fullpath = path.parent / name
        if mode not in ("a", "r", "r+", "w"):
            raise H5FileError(f"unknown file mode {mode!r}; use 'a', 'r' or 'w'")
        if mode == "w":
            new_file = True
        if not fullpath.is_file():
            if mode == "r":
                raise H5FileError(f"{str(fullpath)!r} does not exist")
            new_file = True
        if swmr_mode and self.backend.name != "h5py":
            raise SWMRError("SWMR is only available with the 'h5py' backend")
        if swmr_mode and not new_file and mode != "r":
            import h5py

            try:
                with h5py.File(fullpath, "r") as probe:
                    compatible = bool(codec.decode(probe.attrs.get("swmr_compatible", "false"))
                                      in (True, "true"))
            except OSError as exc:
                raise H5FileError(f"cannot open {str(fullpath)!r}: {exc}") from None
            if not compatible:
                raise SWMRError(f"{str(fullpath)!r} was not created for SWMR; "
                                "use new_file=True or swmr_mode=False")
        self.h5_file_path = fullpath.parent
        self.h5_file_name = fullpath.name
        self.close_file()
        self.open_file(fullpath, "w" if new_file else mode, swmr_mode=swmr_mode)
        self._raw_group_path = "/" + raw_group_name
        if self.writable:
            raw = self.get_set_group(self.root(), raw_group_name,
                                     title="Data from PyMoDAQ modules")
            self.get_set_logger(raw)
            if new_file:
                raw.attrs["type"] = self.save_type.name
                root = self.root()
                root.attrs["file"] = self.h5_file_name
                now = datetime.datetime.now()
                root.attrs["date"] = now.date().isoformat()
                root.attrs["time"] = now.time().isoformat()
                for key, value in (metadata or {}).items():
                    raw.attrs[key] = value
        self.file_loaded = True
        return new_file

    def open_file(self, fullpathname: Path | str, mode: str = "r", title: str = "PyMoDAQ file",
                  swmr_mode: bool = False, **kwargs: Any) -> Any:
        """Open a file directly (PyMoDAQ's ``H5Backend.open_file``); ``'w'`` writes root attrs."""
        self.close_file()
        fullpathname = Path(fullpathname)
        if self.h5_file_name is None or self.file_path != fullpathname:
            self.h5_file_path, self.h5_file_name = fullpathname.parent, fullpathname.name
        self.backend.open(str(fullpathname), mode, swmr=swmr_mode)
        self._generation += 1
        self._swmr_mode = bool(swmr_mode)
        self._swmr_enabled = False
        self._stale.clear()
        self._write_count = 0
        self._last_flush = time.monotonic()
        if mode == "w":
            root = self.backend.root()
            if self.backend.name == "h5py":
                self.backend.set_attr(root, "CLASS", "GROUP")
                self.backend.set_attr(root, "TITLE", str(title))
            self._set_attr_handle(root, "pymodaq_version", PYMODAQ_VERSION)
            self._set_attr_handle(root, "pymodaq_data_version", PYMODAQ_VERSION)
            self._set_attr_handle(root, "daqcore_version", DAQCORE_VERSION)
            if swmr_mode:
                self._set_attr_handle(root, "swmr_compatible", True)
        return self.backend.file

    def flush(self) -> None:
        """Write buffered data to disk (and refresh deferred ``shape``/``size`` attributes)."""
        if not self.backend.isopen or not self.backend.writable:
            return
        if not self._swmr_enabled:
            self._reconcile_stale()
        self.backend.flush()
        self._last_flush = time.monotonic()

    def close_file(self) -> None:
        """Flush and close; after SWMR, reopen once to update the deferred attributes."""
        if not self.backend.isopen:
            self.backend.close()
            return
        swmr_was_on = self._swmr_enabled
        try:
            if self.backend.writable:
                self.flush()
        finally:
            path = self.backend.filename
            self.backend.close()
            self._swmr_enabled = False
            self._stale.clear()
            self._logger_array = None
            self._current_group = None
        if swmr_was_on:
            self.backend.open(path, "a")
            try:
                self._reconcile_all()
                self.backend.flush()
            finally:
                self.backend.close()

    close = close_file

    def finalize_swmr(self, keep_open: bool = False) -> None:
        """End SWMR: close, reopen in append mode and reconcile the deferred attributes."""
        path = self.file_path
        self.close_file()
        if keep_open and path is not None:
            self.open_file(path, "a")

    def __enter__(self) -> H5SaverLowLevel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_file()

    # ================================================================== SWMR and flushing
    @property
    def swmr_mode(self) -> bool:
        return self._swmr_mode

    @property
    def is_swmr_active(self) -> bool:
        return self._swmr_enabled

    @property
    def is_swmr_capable(self) -> bool:
        return self.backend.name == "h5py"

    @property
    def is_swmr_compatible(self) -> bool:
        root = self.root()
        return "swmr_compatible" in root.attrs and bool(root.attrs["swmr_compatible"])

    def enable_swmr(self) -> None:
        """Switch the open file to SWMR writing (after every node has been created)."""
        if self._swmr_enabled:
            return
        if not self.is_swmr_capable:
            raise SWMRError("SWMR is only available with the 'h5py' backend")
        if not self._swmr_mode:
            raise SWMRError("the file was not opened with swmr_mode=True")
        self._check_writable()
        self.flush()
        self.backend.set_attr(self.backend.root(), "swmr_active", True)
        self.backend.start_swmr()
        self._swmr_enabled = True

    def set_swmr_flush_interval(self, interval: int) -> None:
        """Flush every ``interval`` calls of :meth:`tick_flush` (0: only on time/at the end)."""
        self._flush_interval = int(interval)
        self._write_count = 0

    @property
    def flush_interval(self) -> int:
        return self._flush_interval

    def tick_flush(self) -> None:
        """Count one logical write; flush when the interval or the flush period is reached."""
        self._write_count += 1
        if self._flush_interval > 0 and self._write_count % self._flush_interval == 0:
            self.flush()
        elif self.flush_period is not None and \
                time.monotonic() - self._last_flush >= self.flush_period:
            self.flush()

    def _mark_stale(self, handle: Any) -> None:
        self._stale[id(handle)] = handle

    def _reconcile_stale(self) -> None:
        if not self._stale:
            return
        backend = self.backend
        for handle in self._stale.values():
            self._reconcile_handle(handle)
        self._stale.clear()
        del backend

    def _reconcile_handle(self, handle: Any) -> None:
        backend = self.backend
        shape = backend.shape(handle)
        backend.set_attr(handle, "shape", codec.encode(tuple(int(s) for s in shape)))
        if backend.has_attr(handle, "data_type") and \
                codec.decode(backend.get_attr(handle, "data_type")) == "axis":
            backend.set_attr(handle, "size", codec.encode(int(shape[0])))

    def _reconcile_all(self) -> None:
        backend = self.backend
        backend.set_attr(backend.root(), "swmr_active", False)
        for node in self.walk_nodes("/"):
            if isinstance(node, (EARRAY, VLARRAY)):
                self._reconcile_handle(node.node)

    # ================================================================== attributes
    def _check_writable(self) -> None:
        if not self.backend.isopen:
            raise FileClosedError("cannot write: the HDF5 file is closed")
        if not self.backend.writable:
            raise ReadOnlyFileError(f"cannot write: {self.backend.filename!r} is open read-only")

    def where_key(self, where: Any) -> str:
        """Path of ``where`` (a path string, a Node or a library handle), cheaply."""
        if isinstance(where, str):
            return where.rstrip("/") or "/"
        if isinstance(where, Node):
            return self.backend.path(where.node)
        if isinstance(where, Path):
            return str(where).replace("\\", "/")
        return self.backend.path(where)

    def _check_can_create(self) -> None:
        self._check_writable()
        if self._swmr_enabled:
            raise SWMRError("no node can be created while SWMR writing is active")

    def _set_attr_handle(self, handle: Any, name: str, value: Any) -> None:
        self._check_writable()
        if name in codec.RAW_ATTRIBUTES:
            if name in ("TITLE", "CLASS"):
                value = str(value)
            self.backend.set_attr(handle, name, value)
            return
        encoded = codec.encode(value)
        if len(encoded) > codec.LARGE_ATTRIBUTE_BYTES:
            encoded = codec.encode_large_ref(self._store_large_attribute(encoded))
        self.backend.set_attr(handle, name, encoded)

    def _store_large_attribute(self, encoded: str) -> str:
        self._check_can_create()
        root = self.backend.root()
        group = self.backend.child(root, LARGE_ATTRIBUTES_GROUP)
        if group is None:
            group = self.backend.create_group(root, LARGE_ATTRIBUTES_GROUP,
                                              title="attributes too large for a header")
        index = len(self.backend.children(group))
        payload = np.frombuffer(encoded.encode("utf-8"), dtype=np.uint8)
        dset = self.backend.create_carray(group, f"Attr{index:05d}", data=payload,
                                          title="large attribute")
        return self.backend.path(dset)

    def _read_large_attribute(self, ref: str, name: str) -> Any:
        try:
            handle = self.backend.get(str(ref))
            text = self.backend.read(handle).tobytes().decode("utf-8")
        except (NodeError, UnicodeDecodeError, AttributeError) as exc:
            raise AttributeDecodeError(f"large attribute {name!r} ({ref}) cannot be read: {exc}") \
                from None
        value = codec.decode(text)
        if isinstance(value, codec.LargeAttributeRef):
            raise AttributeDecodeError(f"large attribute {name!r} points to another reference")
        return value

    def get_attr(self, node: Any, attr_name: str | None = None) -> Any:
        node = self.get_node(node)
        return node.attrs.to_dict() if attr_name is None else node.attrs[attr_name]

    def set_attr(self, node: Any, attr_name: str, attr_value: Any) -> None:
        self.get_node(node).attrs[attr_name] = attr_value

    def has_attr(self, node: Any, attr_name: str) -> bool:
        return attr_name in self.get_node(node).attrs

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
            handle = self.backend.create_carray(parent, name, shape=tuple(shape), dtype=dtype,
                                                fill_value=fill, title=title)
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
        """
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
