"""The seam between the savers and an HDF5 library: one small protocol, two implementations.

The savers (:mod:`daqcore.saving.h5saver`, :mod:`daqcore.saving.management`) only talk to an
object following :class:`H5LibraryBackend`; handles (``h``) are the library's own group and dataset
objects, so a user can always drop down a level. Both implementations write the same tree as
PyMoDAQ: ``CLASS``/``TITLE`` attributes on every node (``GROUP``, ``CARRAY``, ``EARRAY``,
``VLARRAY``), ``EXTDIM`` on enlargeable arrays.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from daqcore.saving.backends.capabilities import BackendCapabilities
from daqcore.saving.errors import CompressionError, FileClosedError


@dataclass(frozen=True)
class Compression:
    """Compression settings applied to every array created afterwards.

    Parameters
    ----------
    library : str
        ``'zlib'``/``'gzip'`` (the same deflate filter, any backend) or ``'blosc2'``
        (needs :mod:`hdf5plugin` for h5py; PyTables ships blosc2).
    level : int
        0 (none) to 9 (max).
    """

    library: str = "zlib"
    level: int = 5

    def __post_init__(self) -> None:
        lib = str(self.library).lower()
        if lib == "gzip":
            lib = "zlib"
        if lib not in ("zlib", "blosc2", "blosc"):
            raise CompressionError(
                f"unknown compression library {self.library!r}; use 'zlib', 'gzip' or 'blosc2'")
        if isinstance(self.level, bool) or not isinstance(self.level, (int, np.integer)) \
                or not 0 <= int(self.level) <= 9:
            raise CompressionError(f"compression level {self.level!r} is not an integer in 0-9")
        object.__setattr__(self, "library", "blosc2" if lib == "blosc" else lib)
        object.__setattr__(self, "level", int(self.level))

    @property
    def active(self) -> bool:
        return self.level > 0


class OpenFileMixin:
    """File-handle bookkeeping shared by the backends: ``close``, ``flush``, ``file``,
    ``isopen`` around ``self._file`` (the library's file object, None when closed).

    A backend defines :meth:`_is_valid` (is the library file object still open) and
    ``writable``. Backends built on this class may also offer what PyMoDAQ's low-level
    ``H5Backend`` needs beyond :class:`H5LibraryBackend` (the built-ins do): ``library`` (the
    module), ``attach(file)`` (work on a library file opened elsewhere), ``file_of(h)`` (the
    library file holding a handle) and ``remove(h)`` (delete a node).
    """

    _file: Any = None

    def __eq__(self, other: object) -> bool:
        """A backend equals its name (``saver.backend == 'h5py'``, as PyMoDAQ's string)."""
        if isinstance(other, str):
            return other == getattr(self, "name", None)
        return self is other

    def __hash__(self) -> int:
        return hash(getattr(self, "name", id(self)))

    @staticmethod
    def _is_valid(file: Any) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        if self._file is not None:
            try:
                if self._is_valid(self._file):
                    self._file.close()
            finally:
                self._file = None

    def flush(self) -> None:
        if self.isopen and self.writable:  # type: ignore[attr-defined]
            self._file.flush()

    @property
    def file(self) -> Any:
        if self._file is None or not self._is_valid(self._file):
            raise FileClosedError("the HDF5 file is closed")
        return self._file

    @property
    def isopen(self) -> bool:
        return self._file is not None and self._is_valid(self._file)


@runtime_checkable
class H5LibraryBackend(Protocol):
    """Operations the savers need from an HDF5 library (see module docstring)."""

    name: str

    @property
    def capabilities(self) -> BackendCapabilities: ...

    # file
    def open(self, path: str, mode: str, swmr: bool = False,
             title: str = "PyMoDAQ file") -> None: ...
    def close(self) -> None: ...
    def flush(self) -> None: ...
    @property
    def file(self) -> Any: ...
    @property
    def isopen(self) -> bool: ...
    @property
    def writable(self) -> bool: ...
    @property
    def filename(self) -> str: ...
    def set_compression(self, compression: Compression | None) -> None: ...
    # SWMR (backends whose capabilities say swmr=True)
    def start_swmr(self) -> None: ...
    def leave_swmr(self) -> None: ...
    @property
    def swmr_active(self) -> bool: ...
    def refresh(self, h: Any) -> None: ...

    # tree
    def root(self) -> Any: ...
    def get(self, path: str) -> Any: ...
    def child(self, group: Any, name: str) -> Any | None: ...
    def children(self, group: Any) -> list[tuple[str, Any]]:
        """``(name, handle)`` of the children in the library's own order (PyMoDAQ's)."""
        ...

    def link_names(self, group: Any) -> list[str]: ...
    def is_group(self, h: Any) -> bool: ...
    def path(self, h: Any) -> str: ...
    def node_name(self, h: Any) -> str: ...
    def parent(self, h: Any) -> Any | None: ...
    def object_key(self, h: Any) -> Hashable: ...
    def is_enlargeable(self, h: Any) -> bool: ...
    def create_group(self, parent: Any, name: str, title: str = "") -> Any: ...
    def remove(self, h: Any) -> None: ...
    def create_carray(self, parent: Any, name: str, data: np.ndarray | None = None,
                      shape: tuple[int, ...] | None = None, dtype: Any = None,
                      fill_value: Any = None, title: str = "",
                      chunks: tuple[int, ...] | None = None) -> Any: ...
    def create_earray(self, parent: Any, name: str, dtype: Any, row_shape: tuple[int, ...],
                      title: str = "", expected_rows: int | None = None) -> Any: ...
    def create_vlarray(self, parent: Any, name: str, dtype: Any, title: str = "") -> Any: ...

    # attributes (raw values; the codec lives in daqcore.saving.attributes)
    def attr_names(self, h: Any) -> list[str]: ...
    def get_attr(self, h: Any, name: str) -> Any: ...
    def set_attr(self, h: Any, name: str, value: Any) -> None: ...
    def has_attr(self, h: Any, name: str) -> bool: ...

    # array content
    def shape(self, h: Any) -> tuple[int, ...]: ...
    def dtype(self, h: Any) -> np.dtype: ...
    def read(self, h: Any, selection: Any = ...) -> np.ndarray: ...
    def write(self, h: Any, selection: Any, value: np.ndarray) -> None: ...
    def write_point(self, h: Any, index: tuple[int, ...], value: np.ndarray) -> None: ...
    def append(self, h: Any, rows: np.ndarray) -> None: ...
    def truncate(self, h: Any, n_rows: int) -> None: ...
    def vl_append(self, h: Any, row: np.ndarray) -> None: ...
    def vl_read(self, h: Any) -> list[np.ndarray]: ...


__all__ = ["Compression", "H5LibraryBackend", "OpenFileMixin"]
