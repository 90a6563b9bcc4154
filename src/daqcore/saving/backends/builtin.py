"""First-party hook implementation registering the built-in ``h5py`` and ``tables`` backends.

Registered through the ``daqcore`` entry-point group (``hdf5 = "daqcore.saving.backends.builtin"``)
like any third-party plugin; :mod:`daqcore.saving.backends.registry` also calls this hook
directly when no plugin registry is loaded, so plain saving scripts need no plugin machinery.
The hook is a plain ``daqcore_*`` function (the plugin manager accepts undecorated hook
implementations), so the saving layer does not import :mod:`daqcore.plugins`.
"""

from __future__ import annotations

from collections.abc import Callable

from daqcore.saving.backends.records import H5BackendRecord


def daqcore_register_h5_backends(register: Callable[[H5BackendRecord], None]) -> None:
    """Register the h5py (default, SWMR) and PyTables backends."""
    register(H5BackendRecord("h5py", "daqcore.saving.backends.h5py_backend:H5pyBackend",
                             description="h5py: SWMR capable, PyMoDAQ 5.3's default"))
    register(H5BackendRecord("tables", "daqcore.saving.backends.tables_backend:TablesBackend",
                             description="PyTables: blosc2 built in, no SWMR",
                             aliases=("pytables",)))


__all__ = ["daqcore_register_h5_backends"]
