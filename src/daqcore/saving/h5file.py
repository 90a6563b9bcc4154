"""The file object the savers hold (:class:`H5File`): open/create/close, root attributes,
attribute encoding, SWMR (and its start policy, ``swmr_auto_start``), flushing, and the
tree basics a file needs on its own (nodes, groups, the ``Logger`` array, walking).

:class:`~daqcore.saving.h5saver.H5SaverLowLevel` and :class:`~daqcore.saving.h5saver.H5Saver`
hold one ``H5File`` (``saver.file``) and add PyMoDAQ's group and array API on top.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import numpy as np

from daqcore import __version__ as DAQCORE_VERSION
from daqcore.saving import attributes as codec
from daqcore.saving.atomic import CreatedNodes
from daqcore.saving.backends.base import Compression, H5LibraryBackend
from daqcore.saving.backends.registry import get_backend
from daqcore.saving.dynamic import check_dynamic
from daqcore.saving.enums import DataType, SaveType
from daqcore.saving.errors import (
    AttributeDecodeError,
    FileClosedError,
    H5FileError,
    NodeError,
    ReadOnlyFileError,
    SWMRError,
)
from daqcore.saving.nodes import EARRAY, GROUP, VLARRAY, Node, StringARRAY
from daqcore.saving.tree import walk, walk_groups, wrap

#: ``pymodaq_version`` written in the root: the PyMoDAQ file-format generation we follow
#: (PyMoDAQ's H5Browser refuses files below 4.0.0).
PYMODAQ_VERSION = "5.3.0"
LARGE_ATTRIBUTES_GROUP = "LargeAttributes"
logger = logging.getLogger(__name__)
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


class H5File:
    """Create, append to or read a PyMoDAQ-convention HDF5 file.

    Parameters
    ----------
    save_type : SaveType or str
        ``scan``, ``detector``, ``logger``, ``custom``, ``actuator`` or ``optimizer``; written
        as the ``type`` attribute of ``/RawData`` in new files.
    backend : str or H5LibraryBackend
        ``'h5py'`` (default, as PyMoDAQ 5.3), ``'tables'``, the name of a backend registered
        by a plugin, or a backend object.
    compression : Compression, (library, level) or None
        Compression of every array created afterwards.
    dynamic : str
        Saving dynamic (``'as_is'`` keeps the data dtype).
    flush_period : float or None
        Seconds between automatic flushes done by :meth:`tick_flush` (``None``: never).
    fill_value : float
        Value of not-yet-written points of extended (scan) arrays, cast to the dtype as
        numpy (and PyMoDAQ) cast it.
    swmr_auto_start : bool
        SWMR start policy of a file opened with ``swmr_mode=True``: True (PyMoDAQ's
        behaviour) lets a DataToExport *extended* (scan) saver switch SWMR on after its first
        write (timed and enlargeable savers never do, as in PyMoDAQ: call
        :meth:`enable_swmr`); False leaves it to the caller. Also a public attribute.

    Notes
    -----
    HDF5 forbids creating nodes and writing attributes while SWMR writing is on. When a
    PyMoDAQ script asks for one (a new detector group, a new saver), the file *leaves* SWMR
    (it is closed and reopened in append mode: the savers' handles are re-resolved), the node
    is created, and SWMR resumes at the next data write of a DataToExport saver. Both steps
    are logged (``daqcore.saving.h5file``, INFO); readers' side: ``docs/file_format.md``.
    """

    def __init__(self, save_type: SaveType | str = "scan",
                 backend: str | H5LibraryBackend = "h5py", *,
                 compression: Any = None, dynamic: str = "as_is",
                 flush_period: float | None = 1.0, fill_value: float = np.nan,
                 swmr_auto_start: bool = True) -> None:
        self.backend: H5LibraryBackend = (get_backend(backend) if isinstance(backend, str)
                                          else backend)
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
        self._swmr_paused = False  # left SWMR to create a node: resume at the next write
        self._created = CreatedNodes(self.backend)  # removed if a save fails half-way
        #: SWMR start policy (see the ``swmr_auto_start`` parameter).
        self.swmr_auto_start = bool(swmr_auto_start)
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
                  **kwargs: Any) -> Self:
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
        """The underlying ``h5py.File`` / ``tables.File`` (deferred ``shape``/``size``
        attributes are written first, so the library sees them right)."""
        self.reconcile_if_stale()
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
        node = self.get_node(self._raw_group_path)
        if not isinstance(node, GROUP):
            raise NodeError(f"{self._raw_group_path!r} is not a group")
        return node

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
        if swmr_mode and not self.is_swmr_capable:
            raise SWMRError(f"SWMR is not available with the {self.backend.name!r} backend")
        self.close_file()
        if swmr_mode and not new_file and mode != "r":
            self.backend.open(str(fullpath), "r")
            try:
                root = self.backend.root()
                flag = self.backend.get_attr(root, "swmr_compatible") \
                    if self.backend.has_attr(root, "swmr_compatible") else "false"
                compatible = codec.decode(flag) in (True, "true")
            finally:
                self.backend.close()
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
        self.backend.open(str(fullpathname), mode, swmr=swmr_mode, title=title)
        self._generation += 1
        self._swmr_mode = bool(swmr_mode)
        self._swmr_enabled = False
        self._swmr_paused = False
        self._stale.clear()
        self._write_count = 0
        self._last_flush = time.monotonic()
        if mode == "w":
            root = self.backend.root()
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
            self._swmr_paused = False
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

    def __enter__(self) -> Self:
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
        return self.backend.capabilities.swmr

    @property
    def is_swmr_compatible(self) -> bool:
        root = self.root()
        return "swmr_compatible" in root.attrs and bool(root.attrs["swmr_compatible"])

    def enable_swmr(self) -> None:
        """Switch the open file to SWMR writing (after every node has been created)."""
        if self._swmr_enabled:
            return
        if not self.is_swmr_capable:
            raise SWMRError(f"SWMR is not available with the {self.backend.name!r} backend")
        if not self._swmr_mode:
            raise SWMRError("the file was not opened with swmr_mode=True")
        self._check_writable()
        self.flush()
        # uint8, not bool: h5py stores bools as an HDF5 enum that PyTables (PyMoDAQ's
        # default browser backend) cannot read
        self.backend.set_attr(self.backend.root(), "swmr_active", np.uint8(1))
        self.backend.start_swmr()
        self._swmr_enabled = True
        self._swmr_paused = False

    @property
    def is_swmr_paused(self) -> bool:
        """True between a node creation that left SWMR and the next data write."""
        return self._swmr_paused

    def _pause_swmr(self, reason: str) -> None:
        """Leave SWMR writing so that ``reason`` (a node creation or an attribute write) is
        allowed: flush, close, reopen in append mode (libver latest, so SWMR can resume).
        Handles held before are invalid afterwards: savers re-resolve them (``_generation``)
        and :class:`~daqcore.saving.nodes.Node` objects by path."""
        backend = self.backend
        path = backend.filename
        stale = [backend.path(h) for h in self._stale.values()]
        logger.info("%s: leaving SWMR writing for %s (HDF5 forbids it under SWMR); the file "
                    "is reopened and SWMR resumes at the next data write", path, reason)
        self._swmr_enabled = False
        self._stale.clear()
        self._generation += 1
        backend.leave_swmr()
        self._swmr_paused = True
        backend.set_attr(backend.root(), "swmr_active", np.uint8(0))
        for node_path in stale:
            self._reconcile_handle(backend.get(node_path))

    def resume_swmr(self) -> None:
        """Switch SWMR back on if a node creation left it (called after data writes)."""
        if self._swmr_paused and self.backend.isopen:
            self.enable_swmr()
            logger.info("%s: SWMR writing resumed", self.backend.filename)

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
        backend.set_attr(backend.root(), "swmr_active", np.uint8(0))
        for node in self.walk_nodes("/"):
            if isinstance(node, EARRAY | VLARRAY | StringARRAY):
                self._reconcile_handle(node.node)

    # ================================================================== tree basics
    def wrap(self, handle: Any) -> Node:
        """Wrap a library handle in the node class its ``CLASS`` attribute names."""
        return wrap(self, handle)

    def _handle(self, where: Node | str | Path | Any) -> Any:
        if isinstance(where, Node):
            return where.node
        if isinstance(where, (str, Path)):
            return self.backend.get(str(where).replace("\\", "/"))
        if where is None:
            raise NodeError("no node given")
        return where

    def get_node(self, where: Node | str | Path | Any, name: str | None = None) -> Node:
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

    def walk_nodes(self, where: Node | str = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """Yield ``where`` then the children of every group of :meth:`walk_groups`, in
        PyMoDAQ's order (see ``daqcore.saving.tree.walk``); each group entered once, whatever
        hard links lead to it."""
        return walk(self, self.get_node(where), depth, only_groups)

    def walk_groups(self, where: Node | str = "/") -> Iterator[GROUP]:
        """Yield ``where`` then every group below it, in PyMoDAQ's order (see
        ``daqcore.saving.tree.walk_groups``); nothing if ``where`` is not a group."""
        return walk_groups(self, self.get_node(where))

    def get_set_group(self, where: Node | str, name: str, title: str = "",
                      **kwargs: Any) -> GROUP:
        """The group ``name`` under ``where``, created (with ``title`` and raw ``kwargs``
        attributes such as ``origin``) if absent."""
        parent = self._handle(where)
        handle = self.backend.child(parent, name)
        if handle is None:
            parent = self._creation_parent(where, f"group {name!r}")
            handle = self.backend.create_group(parent, name, title=title)
            self._record_created(handle)
            for key, value in kwargs.items():
                self.backend.set_attr(handle, key, value if isinstance(value, (str, bool, int))
                                      else str(value))
        elif self.backend.is_group(handle) is False:
            raise NodeError(f"{self.backend.path(handle)!r} exists and is not a group")
        self._current_group = GROUP(handle, self)
        return self._current_group

    def add_string_array(self, where: Node | str, name: str, title: str = "",
                         metadata: dict | None = None) -> StringARRAY:
        """A ``StringARRAY`` (pickled strings, PyMoDAQ's ``Logger`` layout) under ``where``."""
        parent = self._creation_parent(where, f"array {name!r}")
        handle = self.backend.create_vlarray(parent, name, np.uint8, title=title)
        self._record_created(handle)
        for key, value in {"shape": (0,), "data_type": "strings", "dtype": "uint8",
                           "subdtype": "string", "backend": self.backend.name,
                           **(metadata or {})}.items():
            self._set_attr_handle(handle, key, value)
        return StringARRAY(handle, self)

    def get_set_logger(self, where: Node | str | None = None) -> StringARRAY:
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
        logger = self._logger_array if self._logger_array is not None else \
            self.get_set_logger()
        logger.append(msg)

    # ================================================================== attributes
    def _check_writable(self) -> None:
        backend = self.backend
        if not backend.writable:
            if not backend.isopen:
                raise FileClosedError("cannot write: the HDF5 file is closed")
            raise ReadOnlyFileError(f"cannot write: {backend.filename!r} is open read-only")

    def where_key(self, where: Any) -> str:
        """Path of ``where`` (a path string, a Node or a library handle), cheaply."""
        if isinstance(where, str):
            return where.rstrip("/") or "/"
        if isinstance(where, Node):
            return where.path
        if isinstance(where, Path):
            return str(where).replace("\\", "/")
        return self.backend.path(where)

    def _check_can_create(self) -> None:
        """Ready to create a node: writable, and out of SWMR (left if needed: handles held
        before are invalid afterwards; use :meth:`_creation_parent`)."""
        self._check_writable()
        if self._swmr_enabled:
            self._pause_swmr("a node creation")

    def _creation_parent(self, where: Node | str | Path | Any, what: str) -> Any:
        """Library handle of ``where``, ready for creating ``what`` below it (SWMR left if
        it was on, ``where`` re-resolved by path after the reopening)."""
        self._check_writable()
        if not self._swmr_enabled:
            return self._handle(where)
        path = self.where_key(where)
        self._pause_swmr(f"creating {what} in {path}")
        return self.backend.get(path)

    def _record_created(self, handle: Any) -> None:
        self._created.record(handle)

    @contextmanager
    def atomic_creation(self) -> Iterator[None]:
        """Nodes created inside the block are removed again if it raises, so a failed save
        leaves no half-made group behind (see :mod:`daqcore.saving.atomic`)."""
        with self._created.atomic(self._after_removal):
            yield

    def _after_removal(self) -> None:
        self._stale = {k: h for k, h in self._stale.items() if self._created.exists(h)}
        self._generation += 1  # savers drop the handles and paths they cached

    def _set_attr_handle(self, handle: Any, name: str, value: Any) -> None:
        self._check_writable()
        if self._swmr_enabled and not self.backend.has_attr(handle, name):
            # a new attribute is a new header message: not under SWMR (rewriting one is fine)
            handle = self._creation_parent(handle, f"attribute {name!r}")
        if name in codec.RAW_ATTRIBUTES:
            if name in ("TITLE", "CLASS"):
                value = str(value)
            self.backend.set_attr(handle, name, value)
            return
        encoded = codec.encode(value)
        limit = self.backend.capabilities.max_attribute_bytes
        if limit is not None and len(encoded.encode("utf-8")) > limit:
            encoded = codec.encode_large_ref(self._store_large_attribute(encoded))
        self.backend.set_attr(handle, name, encoded)

    def _store_large_attribute(self, encoded: str) -> str:
        self._check_can_create()
        root = self.backend.root()
        group = self.backend.child(root, LARGE_ATTRIBUTES_GROUP)
        if group is None:
            group = self.backend.create_group(root, LARGE_ATTRIBUTES_GROUP,
                                              title="attributes too large for a header")
            self._record_created(group)
        index = len(self.backend.children(group))
        payload = np.frombuffer(encoded.encode("utf-8"), dtype=np.uint8)
        dset = self.backend.create_carray(group, f"Attr{index:05d}", data=payload,
                                          title="large attribute")
        self._record_created(dset)
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

    def reconcile_if_stale(self) -> None:
        """Write the deferred ``shape``/``size`` attributes of arrays appended to since (not
        under SWMR, where attributes cannot be written): attributes read right after every
        append, and appends cost no attribute write."""
        if self._stale and not self._swmr_enabled and self.backend.writable:
            self._reconcile_stale()

    def get_attr(self, node: Any, attr_name: str | None = None) -> Any:
        node = self.get_node(node)
        return node.attrs.to_dict() if attr_name is None else node.attrs[attr_name]

    def set_attr(self, node: Any, attr_name: str, attr_value: Any) -> None:
        self.get_node(node).attrs[attr_name] = attr_value

    def has_attr(self, node: Any, attr_name: str) -> bool:
        return attr_name in self.get_node(node).attrs


__all__ = ["PYMODAQ_VERSION", "H5File", "capitalize"]
