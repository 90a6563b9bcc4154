"""HDF5 backends (PyTables and h5py) behind the :class:`H5Backend` protocol."""

from daqcore.saving.backends.base import Compression, H5Backend, backends_available, get_backend

__all__ = ["Compression", "H5Backend", "backends_available", "get_backend"]
