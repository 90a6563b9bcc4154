"""Backends by name: the built-ins (registered by :mod:`~daqcore.saving.backends.builtin`) and
the ones plugins register through the ``daqcore_register_h5_backends`` hook.

The saving layer does not import the plugin system (it sits below it). The plugin registry
installs itself as the *plugin source* (:func:`set_plugin_source`) when it is imported, so a
process that loaded plugins (the CLI, acquisition, a script calling
``daqcore.plugins.get_registry()``) also finds third-party backends by name. A script may
always pass a backend object instead of a name (``H5Saver(backend=MyBackend())``).

Look-up order: the built-ins first (cheap: no plugin is loaded to find ``'h5py'``), then the
plugin source. A plugin cannot replace a built-in name: the plugin registry reports such a
record as a duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from daqcore.saving.backends.records import H5BackendRecord
from daqcore.saving.errors import BackendError

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.backends.base import H5LibraryBackend
    from daqcore.saving.backends.capabilities import BackendCapabilities

PluginSource = Callable[[], Mapping[str, H5BackendRecord]]

_lock = threading.Lock()
_builtins: dict[str, H5BackendRecord] | None = None
_plugin_source: PluginSource | None = None


def _builtin_records() -> dict[str, H5BackendRecord]:
    global _builtins
    with _lock:
        if _builtins is None:
            from daqcore.saving.backends import builtin

            found: dict[str, H5BackendRecord] = {}

            def register(record: H5BackendRecord) -> None:
                found[record.name] = record

            builtin.daqcore_register_h5_backends(register=register)
            _builtins = found
        return _builtins


def set_plugin_source(source: PluginSource | None) -> PluginSource | None:
    """Install the callable returning the backend records registered by plugins (by name).

    Called by :mod:`daqcore.plugins.registry`; returns the previous source.
    """
    global _plugin_source
    with _lock:
        previous, _plugin_source = _plugin_source, source
        return previous


def _plugin_records() -> dict[str, H5BackendRecord]:
    source = _plugin_source
    if source is None:
        return {}
    return dict(source())


def _all_records(with_plugins: bool = True) -> dict[str, H5BackendRecord]:
    records = dict(_builtin_records())
    if with_plugins:
        for name, record in _plugin_records().items():
            records.setdefault(name, record)
    return records


def _find(name: str, records: Mapping[str, H5BackendRecord]) -> H5BackendRecord | None:
    for record in records.values():
        if name in record.names:
            return record
    return None


def find_backend(name: str) -> H5BackendRecord:
    """The record registered under ``name`` or one of its aliases (case-insensitive).

    Raises
    ------
    BackendError
        Naming the known backends.
    """
    if not isinstance(name, str):
        raise BackendError(f"an HDF5 backend name must be a str, got {name!r}")
    key = name.strip().lower()
    record = _find(key, _builtin_records())
    if record is None:
        record = _find(key, _plugin_records())
    if record is None:
        known = ", ".join(repr(n) for n in available_backends(importable_only=False))
        hint = "" if _plugin_source is not None else \
            " (backends of plugins are found once daqcore.plugins is loaded)"
        raise BackendError(f"unknown HDF5 backend {name!r}; known backends: {known}{hint}")
    return record


def get_backend(name: str) -> H5LibraryBackend:
    """A new backend object for ``name`` (``'h5py'``, ``'tables'`` or a plugin's backend)."""
    return find_backend(name).create()


def backend_capabilities(name: str) -> BackendCapabilities:
    """The :class:`BackendCapabilities` of the backend called ``name``."""
    return get_backend(name).capabilities


def available_backends(*, importable_only: bool = True) -> list[str]:
    """Names of the registered backends (built-ins first), for listings and CLI validation.

    Parameters
    ----------
    importable_only : bool
        Leave out backends whose library cannot be imported.
    """
    names: list[str] = []
    for record in _all_records().values():
        if importable_only:
            try:
                record.load()
            except BackendError:
                continue
        names.append(record.name)
    return names


def backends_available() -> list[str]:
    """Names of the importable backends (a new list at each call)."""
    return available_backends()


class BackendNameList(list[str]):
    """PyMoDAQ's ``backends_available``: the list of importable backend names
    (``'h5py' in backends_available``). Calling it, as daqcore's earlier function, gives a
    fresh list (backends registered by plugins since included)."""

    def __call__(self) -> list[str]:
        return available_backends()


def backends_available_list() -> BackendNameList:
    """``daqcore.saving.backends_available``, built on first access (it imports the libraries
    to test them, so ``import daqcore.saving`` does not), in PyMoDAQ's order (``tables``,
    ``h5py``, then plugins' backends)."""
    pymodaq_order = {"tables": 0, "h5py": 1}
    return BackendNameList(sorted(available_backends(), key=lambda n: pymodaq_order.get(n, 2)))


def describe_backends() -> list[dict[str, str]]:
    """``name``, ``plugin``, ``description``, ``capabilities`` (or ``error``) of each backend."""
    out = []
    for record in _all_records().values():
        entry = {"name": record.name, "plugin": record.plugin or "daqcore",
                 "description": record.description}
        try:
            entry["capabilities"] = record.create().capabilities.describe()
        except Exception as exc:  # a broken third-party backend is listed with its error
            entry["error"] = f"{type(exc).__name__}: {exc}"
        out.append(entry)
    return out


__all__ = ["BackendNameList", "H5BackendRecord", "available_backends", "backend_capabilities",
           "backends_available", "backends_available_list", "describe_backends", "find_backend",
           "get_backend", "set_plugin_source"]
