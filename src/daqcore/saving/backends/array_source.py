"""A picklable, read-only source of one HDF5 dataset, for lazy (dask) arrays.

:class:`HDF5ArraySource` has what ``dask.array.from_array`` needs -- ``shape``, ``dtype``,
``ndim`` and ``__getitem__`` -- and holds only the file path and the node path. The file is
opened read-only on the first read in each process (and again after a fork or unpickling), so
the source travels to the workers of a ``distributed`` cluster, and every read takes only the
chunks a slice touches. Files are opened with h5py whatever backend wrote them (HDF5 is one
format); SWMR readers see data flushed by a live writer.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import h5py
import numpy as np


class HDF5ArraySource:
    """Read slices of ``file_path:node_path`` on demand.

    Parameters
    ----------
    file_path : str
        The HDF5 file.
    node_path : str
        Path of a dataset in it.
    """

    def __init__(self, file_path: str, node_path: str) -> None:
        self.file_path = os.fspath(file_path)
        self.node_path = node_path
        self._lock = threading.Lock()
        self._file: h5py.File | None = None
        self._pid = -1
        dataset = self._dataset()
        self.shape: tuple[int, ...] = tuple(dataset.shape)
        self.dtype = np.dtype(dataset.dtype)
        self.chunks: tuple[int, ...] | None = (None if dataset.chunks is None
                                               else tuple(dataset.chunks))

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    def _dataset(self) -> Any:
        if self._file is None or self._pid != os.getpid():
            try:
                self._file = h5py.File(self.file_path, "r", swmr=True)
            except OSError:
                self._file = h5py.File(self.file_path, "r")
            self._pid = os.getpid()
        return self._file[self.node_path]

    def __getitem__(self, key: Any) -> np.ndarray:
        with self._lock:
            return np.asarray(self._dataset()[key])

    def close(self) -> None:
        """Close the file if this process opened it (a later read opens it again)."""
        with self._lock:
            if self._file is not None and self._pid == os.getpid():
                self._file.close()
            self._file = None

    def __getstate__(self) -> dict[str, Any]:
        return {"file_path": self.file_path, "node_path": self.node_path,
                "shape": self.shape, "dtype": self.dtype, "chunks": self.chunks}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._file = None
        self._pid = -1

    def __repr__(self) -> str:
        return (f"HDF5ArraySource({self.file_path!r}, {self.node_path!r}, shape={self.shape}, "
                f"dtype={self.dtype})")


__all__ = ["HDF5ArraySource"]
