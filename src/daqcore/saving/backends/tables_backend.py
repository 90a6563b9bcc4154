"""PyTables implementation of :class:`~daqcore.saving.backends.base.H5LibraryBackend`."""

from __future__ import annotations

import os
import warnings
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import tables

from daqcore.saving.backends.base import Compression, OpenFileMixin
from daqcore.saving.backends.capabilities import BackendCapabilities
from daqcore.saving.backends.h5py_backend import check_attribute_types, chunk_rows
from daqcore.saving.errors import (
    AttributeDecodeError,
    DamagedFileError,
    H5FileError,
    NodeError,
    SWMRError,
)

warnings.filterwarnings("ignore", category=tables.NaturalNameWarning)
warnings.filterwarnings("ignore", category=tables.FlavorWarning)


def _close_leftovers(path: str) -> None:
    """Close what a failed ``tables.open_file`` left registered for ``path``."""
    registry = getattr(tables.file, "_open_files", None)
    if registry is None:  # pragma: no cover - PyTables internals changed
        return
    target = os.path.abspath(path)
    for handler in list(getattr(registry, "handlers", ())):
        if os.path.abspath(str(getattr(handler, "filename", ""))) != target:
            continue
        try:
            handler.close()
        except Exception:  # best effort on a file that failed to open
            pass


class TablesBackend(OpenFileMixin):
    """HDF5 access through PyTables. Handles are ``tables.Group`` / ``tables.Leaf`` objects."""

    name = "tables"
    #: The library module (PyMoDAQ's ``H5Backend.h5_library``).
    library = tables

    def __init__(self) -> None:
        self._file: tables.File | None = None
        self._filters: tables.Filters | None = None

    # ------------------------------------------------------------------ file
    @property
    def capabilities(self) -> BackendCapabilities:
        return BackendCapabilities(swmr=False, compression=frozenset({"zlib", "blosc2"}),
                                   complex_types=True, vlen_strings=False,
                                   max_attribute_bytes=65_000, fill_values=True,
                                   object_identity=False)

    def open(self, path: str, mode: str, swmr: bool = False,
             title: str = "PyMoDAQ file") -> None:
        path = os.fspath(path)
        if swmr:
            raise SWMRError("SWMR is not available with the 'tables' backend")
        if os.path.isdir(path):
            raise H5FileError(f"{path!r} is a directory, not an HDF5 file")
        if mode in ("r", "a", "r+") and os.path.exists(path):
            if not tables.is_hdf5_file(path):
                raise H5FileError(f"{path!r} is not an HDF5 file")
            if mode == "r":
                # PyTables reads every attribute of a node it opens and crashes on some
                # corrupt ones: check their types first (no value is converted)
                check_attribute_types(path)
        try:
            if mode == "w":
                self._file = tables.open_file(path, "w", title=str(title))
            else:
                self._file = tables.open_file(path, mode)
        except (OSError, ValueError, SystemError, tables.HDF5ExtError) as exc:
            _close_leftovers(path)
            if mode in ("r", "a", "r+") and os.path.exists(path):
                raise DamagedFileError(f"{path!r} is damaged and cannot be opened: {exc}") \
                    from None
            raise H5FileError(f"cannot open {path!r} (mode {mode!r}): {exc}") from None

    def attach(self, file: Any) -> None:
        """Work on a ``tables.File`` opened elsewhere (PyMoDAQ's ``H5Backend.h5file = file``)."""
        if not isinstance(file, tables.File) or not file.isopen:
            raise H5FileError(f"{file!r} is not an open tables.File")
        self._file = file

    def file_of(self, h: Any) -> Any:
        """The ``tables.File`` holding the node ``h``."""
        if not isinstance(h, tables.Node):
            raise NodeError(f"{h!r} is not a PyTables node")
        return h._v_file

    def remove(self, h: Any) -> None:
        """Delete the node ``h`` (and everything below it) from the file."""
        h._f_remove(recursive=True)

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Turn the library's errors on a damaged file into :class:`DamagedFileError`."""
        try:
            yield
        except (OSError, RuntimeError, SystemError, ValueError, tables.HDF5ExtError) as exc:
            name = self._file.filename if self._file is not None else "?"
            raise DamagedFileError(f"{name!r}: {what} cannot be read (the file is damaged): "
                                   f"{exc}") from None

    @staticmethod
    def _is_valid(file: tables.File) -> bool:
        return bool(file.isopen)

    @property
    def writable(self) -> bool:
        return self.isopen and self.file.mode != "r"

    @property
    def filename(self) -> str:
        return self.file.filename

    def set_compression(self, compression: Compression | None) -> None:
        if compression is None or not compression.active:
            self._filters = None
        elif compression.library == "zlib":
            self._filters = tables.Filters(complevel=compression.level, complib="zlib")
        else:
            self._filters = tables.Filters(complevel=compression.level, complib="blosc2:zstd",
                                           shuffle=True)

    # ------------------------------------------------------------------ SWMR
    def start_swmr(self) -> None:
        raise SWMRError("SWMR is not available with the 'tables' backend")

    def leave_swmr(self) -> None:
        raise SWMRError("SWMR is not available with the 'tables' backend")

    @property
    def swmr_active(self) -> bool:
        return False

    def refresh(self, h: Any) -> None:
        return None

    # ------------------------------------------------------------------ tree
    def root(self) -> Any:
        with self._reading("the root group"):
            return self.file.root

    def get(self, path: str) -> Any:
        try:
            with self._reading(f"node {path!r}"):
                return self.file.get_node(path)
        except (tables.NoSuchNodeError, ValueError, TypeError) as exc:
            raise NodeError(f"node {path!r} does not exist in {self.file.filename!r}: {exc}") \
                from None

    def child(self, group: Any, name: str) -> Any | None:
        if not isinstance(group, tables.Group):
            return None
        with self._reading(f"child {name!r} of {group._v_pathname!r}"):
            children = group._v_children  # lazy dict: .get() would skip unloaded nodes
            return children[name] if name in children else None

    def children(self, group: Any) -> list[tuple[str, Any]]:
        if not isinstance(group, tables.Group):
            return []
        with self._reading(f"the children of {group._v_pathname!r}"):
            children = group._v_children  # PyTables' order, PyMoDAQ's get_children order
            return [(name, children[name]) for name in list(children)]

    def child_groups(self, group: Any) -> list[tuple[str, Any]]:
        """``(name, handle)`` of the child groups in PyTables' ``walk_groups`` order (sorted
        by name), leaves not loaded (loading them would push groups out of PyTables' node
        cache, which rebuilds their children order from the file)."""
        if not isinstance(group, tables.Group):
            return []
        with self._reading(f"the groups of {group._v_pathname!r}"):
            groups = group._v_groups
            return [(name, groups[name]) for name in sorted(groups)]

    def link_names(self, group: Any) -> list[str]:
        """Names of the children of ``group``."""
        with self._reading(f"the children of {group._v_pathname!r}"):
            return sorted(group._v_children)

    def object_key(self, h: Any) -> Hashable:
        """The node path (PyTables does not expose object addresses: see capabilities)."""
        return str(h._v_pathname)

    def is_enlargeable(self, h: Any) -> bool:
        return isinstance(h, tables.EArray | tables.VLArray)

    def is_group(self, h: Any) -> bool:
        return isinstance(h, tables.Group)

    def path(self, h: Any) -> str:
        return h._v_pathname

    def node_name(self, h: Any) -> str:
        return h._v_name

    def parent(self, h: Any) -> Any | None:
        return None if h._v_pathname == "/" else h._v_parent

    def create_group(self, parent: Any, name: str, title: str = "") -> Any:
        return self.file.create_group(parent, name, title=str(title))

    def create_carray(self, parent: Any, name: str, data: np.ndarray | None = None,
                      shape: tuple[int, ...] | None = None, dtype: Any = None,
                      fill_value: Any = None, title: str = "",
                      chunks: tuple[int, ...] | None = None) -> Any:
        if data is not None:
            data = np.ascontiguousarray(data)
            return self.file.create_carray(parent, name, obj=data, title=str(title),
                                           filters=self._filters)
        if shape is None:
            raise NodeError(f"array {name!r}: give data or a shape")
        dtype = np.dtype(dtype)
        atom = tables.Atom.from_dtype(dtype, dflt=fill_value if fill_value is not None else 0)
        return self.file.create_carray(parent, name, atom=atom, shape=tuple(shape),
                                       title=str(title), filters=self._filters,
                                       chunkshape=None if chunks is None else tuple(chunks))

    def create_earray(self, parent: Any, name: str, dtype: Any, row_shape: tuple[int, ...],
                      title: str = "", expected_rows: int | None = None) -> Any:
        dtype = np.dtype(dtype)
        row_shape = tuple(int(s) for s in row_shape)
        atom = tables.Atom.from_dtype(dtype)
        rows = chunk_rows(row_shape, dtype.itemsize)  # the same chunks as with h5py
        return self.file.create_earray(parent, name, atom=atom, shape=(0, *row_shape),
                                       title=str(title), filters=self._filters,
                                       chunkshape=(rows, *row_shape))

    def create_vlarray(self, parent: Any, name: str, dtype: Any, title: str = "") -> Any:
        atom = tables.Atom.from_dtype(np.dtype(dtype))
        # variable-length rows (the Logger) are small and not all filters support them
        return self.file.create_vlarray(parent, name, atom=atom, title=str(title))

    # ------------------------------------------------------------------ attributes
    def attr_names(self, h: Any) -> list[str]:
        with self._reading(f"the attributes of {h._v_pathname!r}"):
            return list(h._v_attrs._v_attrnames)

    def get_attr(self, h: Any, name: str) -> Any:
        attrs = h._v_attrs
        if name not in attrs._v_attrnames:
            raise NodeError(f"node {h._v_pathname!r} has no attribute {name!r}")
        try:
            return attrs[name]
        except Exception as exc:  # PyTables may fail on odd stored types
            raise AttributeDecodeError(
                f"attribute {name!r} of node {h._v_pathname!r} cannot be read: {exc}") from None

    def set_attr(self, h: Any, name: str, value: Any) -> None:
        h._v_attrs[name] = value

    def has_attr(self, h: Any, name: str) -> bool:
        with self._reading(f"the attributes of {h._v_pathname!r}"):
            return name in h._v_attrs._v_attrnames

    # ------------------------------------------------------------------ content
    def shape(self, h: Any) -> tuple[int, ...]:
        with self._reading(f"the shape of {h._v_pathname!r}"):
            return tuple(h.shape)

    def dtype(self, h: Any) -> np.dtype:
        with self._reading(f"the type of {h._v_pathname!r}"):
            return h.atom.dtype if hasattr(h, "atom") else h.dtype

    def read(self, h: Any, selection: Any = ...) -> np.ndarray:
        with self._reading(f"the data of {h._v_pathname!r}"):
            if selection is ...:
                return np.asarray(h.read())
            return np.asarray(h[selection])

    def write(self, h: Any, selection: Any, value: np.ndarray) -> None:
        h[selection] = value

    def write_point(self, h: Any, index: tuple[int, ...], value: np.ndarray) -> None:
        h[index] = value

    def append(self, h: Any, rows: np.ndarray) -> None:
        h.append(rows)

    def truncate(self, h: Any, n_rows: int) -> None:
        """Shrink an enlargeable array to its first ``n_rows`` rows (rollback of appends)."""
        h.truncate(int(n_rows))

    def vl_append(self, h: Any, row: np.ndarray) -> None:
        h.append(row)

    def vl_read(self, h: Any) -> list[np.ndarray]:
        with self._reading(f"the rows of {h._v_pathname!r}"):
            return [np.asarray(r) for r in h.read()]


__all__ = ["TablesBackend"]
