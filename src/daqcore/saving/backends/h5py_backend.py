"""h5py implementation of :class:`~daqcore.saving.backends.base.H5Backend` (SWMR capable)."""

from __future__ import annotations

import os
from typing import Any

import h5py
import numpy as np
from h5py import h5s

from daqcore.saving.backends.base import Compression, OpenFileMixin
from daqcore.saving.errors import (
    CompressionError,
    H5FileError,
    NodeError,
    SWMRError,
)


def _open_error(path: str, mode: str, exc: BaseException) -> H5FileError:
    if os.path.isdir(path):
        return H5FileError(f"{path!r} is a directory, not an HDF5 file")
    if mode in ("r", "r+", "a") and os.path.exists(path) and not h5py.is_hdf5(path):
        return H5FileError(f"{path!r} is not an HDF5 file")
    return H5FileError(f"cannot open {path!r} (mode {mode!r}): {exc}")


def chunk_rows(row_shape: tuple[int, ...], itemsize: int, target: int = 256 * 1024) -> int:
    """Rows per chunk of an enlargeable array so that a chunk holds about ``target`` bytes."""
    row_bytes = max(1, int(np.prod(row_shape, dtype=np.int64)) * itemsize)
    return int(min(8192, max(1, target // row_bytes)))


class H5pyBackend(OpenFileMixin):
    """HDF5 access through h5py. Handles are ``h5py.Group`` / ``h5py.Dataset`` objects."""

    name = "h5py"

    def __init__(self) -> None:
        self._file: h5py.File | None = None
        self._mode = "r"
        self._filters: dict[str, Any] = {}
        self._swmr_file = False
        self._memspaces: dict[tuple[int, ...], Any] = {}

    # ------------------------------------------------------------------ file
    def open(self, path: str, mode: str, swmr: bool = False) -> None:
        path = os.fspath(path)
        if os.path.isdir(path):
            raise H5FileError(f"{path!r} is a directory, not an HDF5 file")
        kwargs: dict[str, Any] = {}
        if swmr and mode in ("w", "a", "r+", "w-", "x"):
            kwargs["libver"] = "latest"
        elif swmr and mode == "r":
            kwargs["swmr"] = True
        try:
            self._file = h5py.File(path, mode, **kwargs)
        except (OSError, ValueError) as exc:
            if mode == "r" and not swmr and h5py.is_hdf5(path):
                # a file left by a writer killed in SWMR mode keeps its "open for writing"
                # flag; SWMR readers are allowed to open it anyway
                try:
                    self._file = h5py.File(path, "r", swmr=True)
                except (OSError, ValueError):
                    raise _open_error(path, mode, exc) from None
            else:
                raise _open_error(path, mode, exc) from None
        self._mode = "r" if mode == "r" else "a"
        self._swmr_file = bool(swmr)

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
        return self.isopen and bool(self._file.swmr_mode)

    def refresh(self, h: Any) -> None:
        if isinstance(h, h5py.Dataset):
            # the high-level refresh also clears the shape h5py caches for read-only files
            # (``h.id.refresh()`` alone leaves ``h.shape`` at its first value)
            h.refresh()

    # ------------------------------------------------------------------ tree
    def root(self) -> h5py.Group:
        return self.file["/"]

    def get(self, path: str) -> Any:
        try:
            return self.file[path]
        except (KeyError, ValueError, TypeError) as exc:
            raise NodeError(f"node {path!r} does not exist in {self.file.filename!r}: {exc}") \
                from None

    def child(self, group: Any, name: str) -> Any | None:
        try:
            return group[name] if name in group else None
        except (KeyError, ValueError):
            return None

    def children(self, group: Any) -> list[tuple[str, Any]]:
        if not isinstance(group, h5py.Group):
            return []
        return [(name, group[name]) for name in sorted(group.keys())]

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
        return list(h.attrs.keys())

    def get_attr(self, h: Any, name: str) -> Any:
        try:
            value = h.attrs[name]
        except KeyError:
            raise NodeError(f"node {h.name!r} has no attribute {name!r}") from None
        except OSError as exc:
            from daqcore.saving.errors import AttributeDecodeError

            raise AttributeDecodeError(
                f"attribute {name!r} of node {h.name!r} cannot be read: {exc}") from None
        return value

    def set_attr(self, h: Any, name: str, value: Any) -> None:
        h.attrs[name] = value

    def has_attr(self, h: Any, name: str) -> bool:
        return name in h.attrs

    # ------------------------------------------------------------------ content
    def shape(self, h: Any) -> tuple[int, ...]:
        return tuple(h.shape)

    def dtype(self, h: Any) -> np.dtype:
        return h.dtype

    def read(self, h: Any, selection: Any = ...) -> np.ndarray:
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
        """Append ``rows`` (shape ``(n,) + row``) along axis 0 with low-level calls."""
        dsid = h.id
        fspace = dsid.get_space()
        old = fspace.shape
        n = rows.shape[0]
        new = (old[0] + n, *old[1:])
        dsid.set_extent(new)
        fspace.set_extent_simple(new)
        count = (n, *old[1:])
        fspace.select_hyperslab((old[0],) + (0,) * (len(old) - 1), count)
        if not rows.flags.c_contiguous:
            rows = np.ascontiguousarray(rows)
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
        if n:
            h.read_direct(out, np.s_[start:start + n], np.s_[0:n])

    def vl_append(self, h: Any, row: np.ndarray) -> None:
        n_old = h.shape[0]
        h.resize(n_old + 1, axis=0)
        h[n_old] = row

    def vl_read(self, h: Any) -> list[np.ndarray]:
        return [np.asarray(r) for r in h[:]]


__all__ = ["H5pyBackend", "chunk_rows"]
