"""PyTables implementation of :class:`~daqcore.saving.backends.base.H5Backend`."""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
import tables

from daqcore.saving.backends.base import Compression, OpenFileMixin
from daqcore.saving.errors import H5FileError, NodeError, SWMRError

warnings.filterwarnings("ignore", category=tables.NaturalNameWarning)
warnings.filterwarnings("ignore", category=tables.FlavorWarning)


class TablesBackend(OpenFileMixin):
    """HDF5 access through PyTables. Handles are ``tables.Group`` / ``tables.Leaf`` objects."""

    name = "tables"

    def __init__(self) -> None:
        self._file: tables.File | None = None
        self._filters: tables.Filters | None = None

    # ------------------------------------------------------------------ file
    def open(self, path: str, mode: str, swmr: bool = False) -> None:
        path = os.fspath(path)
        if swmr:
            raise SWMRError("SWMR is only available with the 'h5py' backend")
        if os.path.isdir(path):
            raise H5FileError(f"{path!r} is a directory, not an HDF5 file")
        if mode in ("r", "a", "r+") and os.path.exists(path) and not tables.is_hdf5_file(path):
            raise H5FileError(f"{path!r} is not an HDF5 file")
        try:
            if mode == "w":
                self._file = tables.open_file(path, "w", title="PyMoDAQ file")
            else:
                self._file = tables.open_file(path, mode)
        except (OSError, ValueError, tables.HDF5ExtError) as exc:
            raise H5FileError(f"cannot open {path!r} (mode {mode!r}): {exc}") from None

    @staticmethod
    def _is_valid(file: tables.File) -> bool:
        return bool(file.isopen)

    @property
    def writable(self) -> bool:
        return self.isopen and self._file.mode != "r"

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
        raise SWMRError("SWMR is only available with the 'h5py' backend")

    @property
    def swmr_active(self) -> bool:
        return False

    def refresh(self, h: Any) -> None:
        return None

    # ------------------------------------------------------------------ tree
    def root(self) -> Any:
        return self.file.root

    def get(self, path: str) -> Any:
        try:
            return self.file.get_node(path)
        except (tables.NoSuchNodeError, ValueError, TypeError) as exc:
            raise NodeError(f"node {path!r} does not exist in {self.file.filename!r}: {exc}") \
                from None

    def child(self, group: Any, name: str) -> Any | None:
        if not isinstance(group, tables.Group):
            return None
        children = group._v_children  # lazy dict: .get() would skip unloaded nodes
        return children[name] if name in children else None

    def children(self, group: Any) -> list[tuple[str, Any]]:
        if not isinstance(group, tables.Group):
            return []
        children = group._v_children
        return [(name, children[name]) for name in sorted(children)]

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
        dtype = np.dtype(dtype)
        atom = tables.Atom.from_dtype(dtype, dflt=fill_value if fill_value is not None else 0)
        return self.file.create_carray(parent, name, atom=atom, shape=tuple(shape),
                                       title=str(title), filters=self._filters,
                                       chunkshape=None if chunks is None else tuple(chunks))

    def create_earray(self, parent: Any, name: str, dtype: Any, row_shape: tuple[int, ...],
                      title: str = "", expected_rows: int | None = None) -> Any:
        atom = tables.Atom.from_dtype(np.dtype(dtype))
        return self.file.create_earray(parent, name, atom=atom, shape=(0, *row_shape),
                                       title=str(title), filters=self._filters,
                                       expectedrows=expected_rows or 10000)

    def create_vlarray(self, parent: Any, name: str, dtype: Any, title: str = "") -> Any:
        atom = tables.Atom.from_dtype(np.dtype(dtype))
        # variable-length rows (the Logger) are small and not all filters support them
        return self.file.create_vlarray(parent, name, atom=atom, title=str(title))

    # ------------------------------------------------------------------ attributes
    def attr_names(self, h: Any) -> list[str]:
        return list(h._v_attrs._v_attrnames)

    def get_attr(self, h: Any, name: str) -> Any:
        attrs = h._v_attrs
        if name not in attrs._v_attrnames:
            raise NodeError(f"node {h._v_pathname!r} has no attribute {name!r}")
        try:
            return attrs[name]
        except Exception as exc:  # PyTables may fail on odd stored types
            from daqcore.saving.errors import AttributeDecodeError

            raise AttributeDecodeError(
                f"attribute {name!r} of node {h._v_pathname!r} cannot be read: {exc}") from None

    def set_attr(self, h: Any, name: str, value: Any) -> None:
        h._v_attrs[name] = value

    def has_attr(self, h: Any, name: str) -> bool:
        return name in h._v_attrs._v_attrnames

    # ------------------------------------------------------------------ content
    def shape(self, h: Any) -> tuple[int, ...]:
        return tuple(h.shape)

    def dtype(self, h: Any) -> np.dtype:
        return h.atom.dtype if hasattr(h, "atom") else h.dtype

    def read(self, h: Any, selection: Any = ...) -> np.ndarray:
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
        return [np.asarray(r) for r in h.read()]


__all__ = ["TablesBackend"]
