"""HDF5 backends behind the :class:`H5LibraryBackend` protocol, registered by name through the
``daqcore_register_h5_backends`` hook (built-ins: ``h5py``, ``tables``), each declaring its
:class:`BackendCapabilities`.

Nothing outside this package imports h5py or PyTables or asks a backend for its name.
Names are imported on first use (the plugin registry reads :class:`H5BackendRecord` without
loading numpy or an HDF5 library).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.backends.base import Compression, H5LibraryBackend
    from daqcore.saving.backends.capabilities import BackendCapabilities
    from daqcore.saving.backends.records import H5BackendRecord
    from daqcore.saving.backends.registry import (
        available_backends,
        backend_capabilities,
        backends_available,
        find_backend,
        get_backend,
    )

_EXPORTS = {
    "Compression": "base", "H5LibraryBackend": "base", "BackendCapabilities": "capabilities",
    "H5BackendRecord": "records", "available_backends": "registry",
    "backend_capabilities": "registry", "backends_available": "registry",
    "find_backend": "registry", "get_backend": "registry",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "BackendCapabilities",
    "Compression",
    "H5BackendRecord",
    "H5LibraryBackend",
    "available_backends",
    "backend_capabilities",
    "backends_available",
    "find_backend",
    "get_backend",
]
