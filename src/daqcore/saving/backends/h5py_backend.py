"""h5py implementation of :class:`~daqcore.saving.backends.base.H5LibraryBackend` (SWMR capable)."""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import h5py
import numpy as np
from h5py import h5a, h5s, h5t

from daqcore.saving.backends.base import Compression, OpenFileMixin
from daqcore.saving.backends.capabilities import BackendCapabilities
from daqcore.saving.backends.integrity import check_superblock
from daqcore.saving.errors import (
    AttributeDecodeError,
    CompressionError,
    DamagedFileError,
    H5FileError,
    NodeError,
    SWMRError,
)


def _open_error(path: str, mode: str, exc: BaseException) -> H5FileError:
    if os.path.isdir(path):
        return H5FileError(f"{path!r} is a directory, not an HDF5 file")
    if mode in ("r", "r+", "a") and os.path.exists(path):
        if not h5py.is_hdf5(path):
            return H5FileError(f"{path!r} is not an HDF5 file")
        return DamagedFileError(f"{path!r} is damaged and cannot be opened: {exc}")
    return H5FileError(f"cannot open {path!r} (mode {mode!r}): {exc}")


def _open_for_write_flag(exc: BaseException) -> bool:
    """True if h5py refused the file only because a writer left it marked open (SWMR)."""
    text = str(exc).lower()
    return "already open for write" in text or "file close degree" in text


def _check_intact(path: str, live: bool) -> None:
    """Refuse truncated files before HDF5 reads them (see :mod:`.integrity`); a file being
    written (``live``) gets a few chances to catch up with its superblock."""
    tries = 5 if live else 1
    for attempt in range(tries):
        try:
            check_superblock(path)
            return
        except DamagedFileError:
            if attempt == tries - 1:
                raise
            time.sleep(0.1)


#: What h5py raises on a damaged file (KeyError, for missing names, is handled apart).
try:  # h5py's process-wide re-entrant lock, taken by each of its calls
    from h5py._objects import phil as _h5py_lock
except ImportError:  # pragma: no cover - a future h5py without it: appends are not atomic
    import threading

    _h5py_lock = threading.RLock()

_READ_ERRORS = (OSError, RuntimeError, SystemError, ValueError)
#: HDF5 type classes attributes of daqcore / PyMoDAQ files use (h5py bools are enums).
_PLAIN_ATTRIBUTE_CLASSES = frozenset({h5t.INTEGER, h5t.FLOAT, h5t.STRING, h5t.ENUM})


def _sort_key(name: str | bytes) -> str:
    """Names are str, or bytes when a (damaged) file stores invalid UTF-8."""
    return name if isinstance(name, str) else name.decode("utf-8", errors="replace")


def _read_attribute(attr: Any) -> Any:
    """Value of an opened plain attribute, as h5py's ``attrs[name]`` gives it."""
    shape = attr.shape
    if shape is None:  # an empty (null) dataspace
        return h5py.Empty(attr.dtype)
    dtype = attr.dtype
    memory_type = h5t.py_create(dtype)
    if dtype.subdtype is not None:  # array-typed elements: numpy wants them as dimensions
        dtype, extra = dtype.subdtype
        shape = shape + extra
    values = np.zeros(shape, dtype=dtype)
    attr.read(values, mtype=memory_type)
    info = h5t.check_string_dtype(dtype)
    if info is not None and info.length is None:  # variable-length strings come as bytes
        values = np.array([b.decode("utf-8", "surrogateescape") for b in values.flat],
                          dtype=dtype).reshape(values.shape)
    return values[()] if values.ndim == 0 else values


def check_attribute_types(path: str) -> None:
    """Raise :class:`DamagedFileError` if an object or attribute of ``path`` cannot be opened
    or has an attribute of an HDF5 type no PyMoDAQ file uses.

    Libraries that read every attribute of a node when they open it (PyTables) crash on such
    files; this walk opens objects and attribute types without converting any value.
    """
    try:
        with h5py.File(path, "r") as f:
            seen: set[tuple[int, int]] = set()
            stack: list[Any] = [f.id]
            while stack:
                obj = stack.pop()
                info = h5py.h5o.get_info(obj)
                if (info.fileno, info.addr) in seen:
                    continue
                seen.add((info.fileno, info.addr))
                for index in range(h5a.get_num_attrs(obj)):
                    type_class = h5a.open(obj, index=index).get_type().get_class()
                    if type_class not in _PLAIN_ATTRIBUTE_CLASSES:
                        raise DamagedFileError(f"{path!r} is damaged: an attribute has an HDF5 "
                                               f"type (class {type_class}) no PyMoDAQ file uses")
                if isinstance(obj, h5py.h5g.GroupID):
                    for name in obj:
                        if obj.links.get_info(name).type == h5py.h5l.TYPE_HARD:
                            stack.append(h5py.h5o.open(obj, name))
    except DamagedFileError:
        raise
    except (OSError, RuntimeError, SystemError, ValueError, KeyError, TypeError) as exc:
        raise DamagedFileError(f"{path!r} is damaged: {exc}") from None


#: Rows of a chunk of an enlargeable array whose rows are small (PyMoDAQ/h5py's order).
SMALL_ROWS_PER_CHUNK = 1024
#: Smallest and largest chunk of an enlargeable array (bytes).
MIN_CHUNK_BYTES = 8 * 1024
MAX_CHUNK_BYTES = 256 * 1024


def chunk_rows(row_shape: tuple[int, ...], itemsize: int) -> int:
    """Rows per chunk of an enlargeable array: the chunk follows the row size.

    1024 rows when that makes a chunk of 8 to 256 KiB; tiny rows (under 8 bytes) get 8 KiB
    chunks, large rows as many rows as fit in 256 KiB (at least one). A short log of scalars
    then costs 8 KiB per array (h5py's own guess for PyMoDAQ's arrays), while image logs keep
    one large chunk per write.
    """
    row_bytes = max(1, int(np.prod(row_shape, dtype=np.int64)) * itemsize)
    chunk_bytes = min(MAX_CHUNK_BYTES, max(MIN_CHUNK_BYTES, SMALL_ROWS_PER_CHUNK * row_bytes))
    return max(1, chunk_bytes // row_bytes)


class H5pyBackend(OpenFileMixin):
    """HDF5 access through h5py. Handles are ``h5py.Group`` / ``h5py.Dataset`` objects."""

    name = "h5py"
    #: The library module (PyMoDAQ's ``H5Backend.h5_library``).
    library = h5py

    def __init__(self) -> None:
        self._file: h5py.File | None = None
        self._mode = "r"
        self._filters: dict[str, Any] = {}
        self._swmr_file = False
        self._memspaces: dict[tuple[int, ...], Any] = {}

    # ------------------------------------------------------------------ file
    @property
    def capabilities(self) -> BackendCapabilities:
        compression = {"zlib"}
        if importlib.util.find_spec("hdf5plugin") is not None:
            compression.add("blosc2")
        return BackendCapabilities(swmr=True, compression=frozenset(compression),
                                   complex_types=True, vlen_strings=True,
                                   max_attribute_bytes=None, fill_values=True,
                                   object_identity=True)

    def open(self, path: str, mode: str, swmr: bool = False,
             title: str = "PyMoDAQ file") -> None:
        """Open ``path``; read modes check the superblock first (see :mod:`.integrity`).

        A file a killed SWMR writer left marked "open for writing" is opened as an SWMR
        reader, but only once its superblock shows it is not truncated.
        """
        path = os.fspath(path)
        if os.path.isdir(path):
            raise H5FileError(f"{path!r} is a directory, not an HDF5 file")
        if os.path.exists(path) and mode in ("r", "r+", "a") and not h5py.is_hdf5(path):
            raise H5FileError(f"{path!r} is not an HDF5 file")
        kwargs: dict[str, Any] = {}
        if swmr and mode in ("w", "a", "r+", "w-", "x"):
            kwargs["libver"] = "latest"
        elif swmr and mode == "r":
            kwargs["swmr"] = True
            # an SWMR reader skips HDF5's truncation check: never let it near a cut file
            _check_intact(path, live=True)
        try:
            self._file = h5py.File(path, mode, **kwargs)
        except (OSError, ValueError) as exc:
            if mode == "r" and not swmr and _open_for_write_flag(exc):
                _check_intact(path, live=False)
                try:
                    self._file = h5py.File(path, "r", swmr=True)
                except (OSError, ValueError):
                    raise _open_error(path, mode, exc) from None
            else:
                raise _open_error(path, mode, exc) from None
        self._mode = "r" if mode == "r" else "a"
        self._swmr_file = bool(swmr)
        if mode in ("w", "w-", "x"):
            root = self._file["/"]
            root.attrs["CLASS"] = "GROUP"
            root.attrs["TITLE"] = str(title)

    def attach(self, file: Any) -> None:
        """Work on an ``h5py.File`` opened elsewhere (PyMoDAQ's ``H5Backend.h5file = file``)."""
        if not isinstance(file, h5py.File) or not file.id.valid:
            raise H5FileError(f"{file!r} is not an open h5py.File")
        self._file = file
        self._mode = "r" if file.mode == "r" else "a"
        self._swmr_file = bool(file.swmr_mode) or file.libver[0] != "earliest"

    def file_of(self, h: Any) -> Any:
        """The ``h5py.File`` holding the group or dataset ``h``."""
        if not isinstance(h, h5py.Group | h5py.Dataset):
            raise NodeError(f"{h!r} is not an h5py group or dataset")
        return h.file

    def remove(self, h: Any) -> None:
        """Delete the node ``h`` (and everything below it) from the file."""
        del h.parent[self.node_name(h)]

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Turn the library's errors on a damaged file into :class:`DamagedFileError`."""
        try:
            yield
        except _READ_ERRORS as exc:
            raise self._damaged(what, exc) from None

    def _damaged(self, what: str, exc: BaseException) -> DamagedFileError:
        name = self._file.filename if self._file is not None else "?"
        return DamagedFileError(f"{name!r}: {what} cannot be read (the file is damaged): {exc}")

    @staticmethod
    def _is_valid(file: h5py.File) -> bool:
        return bool(file.id.valid)

    @property
    def writable(self) -> bool:
        return self.isopen and self._mode != "r"

    @property
    def filename(self) -> str:
        return self.file.filename

    def set_compression(self, compression: Compression | None) -> None:
        if compression is None or not compression.active:
            self._filters = {}
        elif compression.library == "zlib":
            self._filters = {"compression": "gzip", "compression_opts": compression.level}
        else:
            try:
                import hdf5plugin
            except ImportError:
                raise CompressionError("blosc2 compression with h5py needs hdf5plugin") from None
            self._filters = dict(hdf5plugin.Blosc2(cname="zstd", clevel=compression.level,
                                                   filters=hdf5plugin.Blosc2.SHUFFLE))

    # ------------------------------------------------------------------ SWMR
    def start_swmr(self) -> None:
        if not self._swmr_file:
            raise SWMRError("the file was not opened with swmr=True")
        if not self.file.swmr_mode:
            self.file.swmr_mode = True

    @property
    def swmr_active(self) -> bool:
        return self.isopen and bool(self.file.swmr_mode)

    def leave_swmr(self) -> None:
        """End SWMR writing and keep the file open for appending: HDF5 has no other way than
        closing the file and reopening it (``libver='latest'``, so SWMR can start again).
        The reopening does not take HDF5's file lock: SWMR readers may still hold the file.
        Handles of the old file object are invalid afterwards."""
        path = self.filename
        self.flush()
        self.close()
        try:
            self._file = h5py.File(path, "a", libver="latest", locking=False)
        except (OSError, ValueError) as exc:
            raise SWMRError(f"{path!r}: SWMR writing was ended but the file cannot be "
                            f"reopened for writing: {exc}; it holds everything written so "
                            "far") from None
        self._mode = "a"
        self._swmr_file = True

    def refresh(self, h: Any) -> None:
        if isinstance(h, h5py.Dataset):
            # the high-level refresh also clears the shape h5py caches for read-only files
            # (``h.id.refresh()`` alone leaves ``h.shape`` at its first value)
            h.refresh()

    # ------------------------------------------------------------------ tree
    def root(self) -> h5py.Group:
        try:
            with self._reading("the root group"):
                return self.file["/"]
        except KeyError as exc:
            raise DamagedFileError(f"{self.file.filename!r}: the root group cannot be read (the "
                                   f"file is damaged): {exc}") from None

    def get(self, path: str) -> Any:
        try:
            with self._reading(f"node {path!r}"):
                return self.file[path]
        except (KeyError, ValueError, TypeError) as exc:
            raise NodeError(f"node {path!r} does not exist in {self.file.filename!r}: {exc}") \
                from None

    def child(self, group: Any, name: str) -> Any | None:
        try:
            with self._reading(f"child {name!r} of {group.name!r}"):
                found = group[name] if name in group else None
            return found if isinstance(found, h5py.Group | h5py.Dataset) else None
        except (KeyError, ValueError):
            return None

    def children(self, group: Any) -> list[tuple[str, Any]]:
        if not isinstance(group, h5py.Group):
            return []
        with self._reading(f"the children of {group.name!r}"):
            names = list(group.keys())  # h5py's order (PyMoDAQ's): by name or creation order
        out = []
        for name in names:
            try:
                with self._reading(f"node {group.name.rstrip('/')}/{name}"):
                    found = group[name]
                if isinstance(found, h5py.Group | h5py.Dataset):  # not committed datatypes
                    out.append((name, found))
            except KeyError:
                raise NodeError(f"{group.name.rstrip('/')}/{name} in {self.file.filename!r} is a "
                                "dangling link (its target does not exist)") from None
        return out

    def child_groups(self, group: Any) -> list[tuple[str, Any]]:
        """``(name, group)`` of the child groups in h5py's order, datasets not opened (a tree
        walk lists them with :meth:`children` afterwards); dangling links are skipped."""
        if not isinstance(group, h5py.Group):
            return []
        out = []
        with self._reading(f"the children of {group.name!r}"):
            for name in list(group.keys()):
                try:
                    if group.get(name, getclass=True) is h5py.Group:
                        out.append((name, group[name]))
                except KeyError:
                    continue  # dangling: children() names it
        return out

    def link_names(self, group: Any) -> list[str]:
        """Names of the links of ``group`` (even dangling ones)."""
        with self._reading(f"the children of {group.name!r}"):
            return sorted(group.keys(), key=_sort_key)

    def object_key(self, h: Any) -> Hashable:
        """The object's file number and header address: equal for every hard link to it."""
        with self._reading(f"node {h.name!r}"):
            info = h5py.h5o.get_info(h.id)
        return (info.fileno, info.addr)

    def is_enlargeable(self, h: Any) -> bool:
        maxshape: tuple[int | None, ...] | None = getattr(h, "maxshape", None)
        return maxshape is not None and len(maxshape) > 0 and maxshape[0] is None

    def is_group(self, h: Any) -> bool:
        return isinstance(h, h5py.Group)

    def path(self, h: Any) -> str:
        return h.name

    def node_name(self, h: Any) -> str:
        return "/" if h.name == "/" else h.name.rsplit("/", 1)[-1]

    def parent(self, h: Any) -> Any | None:
        return None if h.name == "/" else h.parent

    def create_group(self, parent: Any, name: str, title: str = "") -> Any:
        group = parent.create_group(name)
        group.attrs["CLASS"] = "GROUP"
        group.attrs["TITLE"] = str(title)
        return group

    def create_carray(self, parent: Any, name: str, data: np.ndarray | None = None,
                      shape: tuple[int, ...] | None = None, dtype: Any = None,
                      fill_value: Any = None, title: str = "",
                      chunks: tuple[int, ...] | None = None) -> Any:
        kwargs: dict[str, Any] = dict(self._filters)
        if chunks is not None and data is None:
            # chunked: allocated as written, unwritten chunks read as the fill value
            kwargs["chunks"] = tuple(int(c) for c in chunks)
        elif kwargs:
            kwargs["chunks"] = True
        if data is not None:
            dset = parent.create_dataset(name, data=data, **kwargs)
        else:
            if shape is None:
                raise NodeError(f"array {name!r}: give data or a shape")
            dset = parent.create_dataset(name, shape=tuple(shape), dtype=np.dtype(dtype),
                                         fillvalue=fill_value, **kwargs)
        dset.attrs["CLASS"] = "CARRAY"
        dset.attrs["TITLE"] = str(title)
        return dset

    def create_earray(self, parent: Any, name: str, dtype: Any, row_shape: tuple[int, ...],
                      title: str = "", expected_rows: int | None = None) -> Any:
        dtype = np.dtype(dtype)
        row_shape = tuple(int(s) for s in row_shape)
        rows = chunk_rows(row_shape, dtype.itemsize)
        dset = parent.create_dataset(name, shape=(0, *row_shape), maxshape=(None, *row_shape),
                                     dtype=dtype, chunks=(rows, *row_shape), **self._filters)
        dset.attrs["CLASS"] = "EARRAY"
        dset.attrs["TITLE"] = str(title)
        dset.attrs["EXTDIM"] = np.int64(0)
        return dset

    def create_vlarray(self, parent: Any, name: str, dtype: Any, title: str = "") -> Any:
        dset = parent.create_dataset(name, shape=(0,), maxshape=(None,),
                                     dtype=h5py.vlen_dtype(np.dtype(dtype)))
        dset.attrs["CLASS"] = "VLARRAY"
        dset.attrs["TITLE"] = str(title)
        dset.attrs["EXTDIM"] = np.int64(0)
        return dset

    # ------------------------------------------------------------------ attributes
    def attr_names(self, h: Any) -> list[str]:
        with self._reading(f"the attributes of {h.name!r}"):
            names = list(h.attrs.keys())
        # a damaged file may store names in invalid UTF-8: keep them readable (round trip)
        return [n if isinstance(n, str) else n.decode("utf-8", "surrogateescape")
                for n in names]

    def get_attr(self, h: Any, name: str) -> Any:
        """The stored value; only plain types are read (a corrupt file can declare types that
        crash the HDF5 conversion code), through one low-level open of the attribute."""
        try:
            attr = h5a.open(h.id, name.encode("utf-8", "surrogateescape"))
            type_class = attr.get_type().get_class()
        except KeyError:
            raise NodeError(f"node {h.name!r} has no attribute {name!r}") from None
        except _READ_ERRORS as exc:
            raise self._damaged(f"attribute {name!r} of {h.name!r}", exc) from None
        if type_class not in _PLAIN_ATTRIBUTE_CLASSES:
            raise AttributeDecodeError(f"attribute {name!r} of node {h.name!r} has an HDF5 type "
                                       f"(class {type_class}) no daqcore or PyMoDAQ file uses")
        try:
            return _read_attribute(attr)
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise AttributeDecodeError(
                f"attribute {name!r} of node {h.name!r} cannot be read: {exc}") from None

    def set_attr(self, h: Any, name: str, value: Any) -> None:
        h.attrs[name] = value

    def has_attr(self, h: Any, name: str) -> bool:
        try:
            return name in h.attrs
        except _READ_ERRORS as exc:
            raise self._damaged(f"the attributes of {h.name!r}", exc) from None

    # ------------------------------------------------------------------ content
    def shape(self, h: Any) -> tuple[int, ...]:
        # the dataspace now, not h5py's cached ``Dataset.shape`` (frozen until ``refresh`` on
        # read-only files, while reads see the extent a writer in this process just set)
        try:
            return tuple(h.id.shape)
        except _READ_ERRORS as exc:
            raise self._damaged(f"the shape of {h.name!r}", exc) from None

    def dtype(self, h: Any) -> np.dtype:
        try:
            return h.dtype
        except _READ_ERRORS as exc:
            raise self._damaged(f"the type of {h.name!r}", exc) from None

    def read(self, h: Any, selection: Any = ...) -> np.ndarray:
        with self._reading(f"the data of {h.name!r}"):
            if h.shape == ():
                return np.asarray(h[()])
            return np.asarray(h[selection])

    def write(self, h: Any, selection: Any, value: np.ndarray) -> None:
        h[selection] = value

    def _memspace(self, count: tuple[int, ...]) -> Any:
        space = self._memspaces.get(count)
        if space is None:
            space = self._memspaces[count] = h5s.create_simple(count)
        return space

    def write_point(self, h: Any, index: tuple[int, ...], value: np.ndarray) -> None:
        """Write ``value`` at the integer ``index`` of the leading axes (low-level h5py:
        one hyperslab, no high-level selection machinery)."""
        dsid = h.id
        fspace = dsid.get_space()
        shape = fspace.shape
        k = len(index)
        count = (1,) * k + shape[k:]
        fspace.select_hyperslab(index + (0,) * (len(shape) - k), count)
        if not value.flags.c_contiguous:
            value = np.ascontiguousarray(value)
        dsid.write(self._memspace(count), fspace, value.reshape(count))

    def append(self, h: Any, rows: np.ndarray) -> None:
        """Append ``rows`` (shape ``(n,) + row``) along axis 0 with low-level calls.

        The extent change and the write run under h5py's own lock, which every h5py call
        takes: a reader in another thread of this process never sees the new rows before
        they hold their values (a row of fill values).
        """
        if not rows.flags.c_contiguous:
            rows = np.ascontiguousarray(rows)
        dsid = h.id
        with _h5py_lock:
            fspace = dsid.get_space()
            old = fspace.shape
            n = rows.shape[0]
            new = (old[0] + n, *old[1:])
            dsid.set_extent(new)
            fspace.set_extent_simple(new)
            count = (n, *old[1:])
            fspace.select_hyperslab((old[0],) + (0,) * (len(old) - 1), count)
            dsid.write(self._memspace(count), fspace, rows.reshape(count))

    def truncate(self, h: Any, n_rows: int) -> None:
        """Shrink an enlargeable array to its first ``n_rows`` rows (rollback of appends)."""
        h.resize(int(n_rows), axis=0)

    # ------------------------------------------------------------------ streams
    def create_stream_array(self, parent: Any, name: str, dtype: Any, chunk_rows: int,
                            capacity: int | None = None) -> Any:
        """A 1-D chunked array for a sample stream, uncompressed (streams are too fast for the
        filters): enlargeable from 0 when ``capacity`` is None, else fixed at ``capacity``
        samples (a ring). No PyMoDAQ ``CLASS`` attributes: stream files have their own layout."""
        chunk = max(1, int(chunk_rows) if capacity is None else min(int(chunk_rows), capacity))
        if capacity is None:
            return parent.create_dataset(name, shape=(0,), maxshape=(None,),
                                         dtype=np.dtype(dtype), chunks=(chunk,))
        return parent.create_dataset(name, shape=(int(capacity),), dtype=np.dtype(dtype),
                                     chunks=(chunk,), fillvalue=0)

    def flush_node(self, h: Any) -> None:
        """Flush one dataset: under SWMR its new content becomes visible to readers."""
        h.flush()

    def read_into(self, h: Any, start: int, out: np.ndarray) -> None:
        """Read ``out.shape[0]`` rows from ``start`` straight into ``out`` (no temporary)."""
        n = out.shape[0]
        if not n:
            return
        if out.ndim != 1 or not out.flags.c_contiguous or out.dtype != h.dtype:
            h.read_direct(out, np.s_[start:start + n], np.s_[0:n])
            return
        # the low-level call skips h5py's selection objects (~50 us a call, 20 % of a 1 MiB
        # read); HDF5 releases the GIL while it copies
        fspace = h.id.get_space()
        fspace.select_hyperslab((int(start),), (n,))
        h.id.read(h5s.create_simple((n,)), fspace, out)

    def vl_append(self, h: Any, row: np.ndarray) -> None:
        with _h5py_lock:  # as :meth:`append`: no reader sees the new row before its value
            n_old = h.id.shape[0]
            h.resize(n_old + 1, axis=0)
            h[n_old] = row

    def vl_read(self, h: Any) -> list[np.ndarray]:
        with self._reading(f"the rows of {h.name!r}"):
            return [np.asarray(r) for r in h[:]]


__all__ = ["H5pyBackend", "chunk_rows"]
