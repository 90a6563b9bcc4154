"""The hooks a daqcore plugin may implement: the public contract for third parties.

A plugin is a module named by an entry point in the group ``daqcore``::

    [project.entry-points.daqcore]
    myplugin = "my_package.plugin"

The module defines one or more functions named after the hooks below, decorated with
:data:`hookimpl` (``from daqcore.plugins import hookimpl``). Each hook receives a
``register`` callable; the plugin calls it once per record it offers::

    @hookimpl
    def daqcore_register_instruments(register):
        register(InstrumentRecord("my_camera", MyCamera, description="my camera"))

``register`` checks the record type and name at once (a bad record makes the hook fail and
the failure is reported with the plugin's distribution and version); names must be unique
across all plugins, a second use of a name is reported as a failure naming both plugins.
An implementation whose name is not one of the hooks below (a typo) makes the whole plugin
fail validation instead of being silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pluggy

from daqcore.plugins.records import CommandRecord, InstrumentRecord, PanelRecord, ReaderRecord
from daqcore.saving.backends.records import H5BackendRecord

PROJECT_NAME = "daqcore"
"""The pluggy project name, also the entry-point group plugins are found in."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Decorator marking a plugin's hook implementation: ``@hookimpl``."""


@hookspec
def daqcore_register_instruments(register: Callable[[InstrumentRecord], None]) -> None:
    """Register detectors and actuators.

    Parameters
    ----------
    register : callable
        Call ``register(InstrumentRecord(name, cls, ...))`` for each instrument. ``cls``
        subclasses :class:`daqcore.instruments.Detector` or
        :class:`daqcore.instruments.Actuator` (or is an import string to one).
    """


@hookspec
def daqcore_register_commands(register: Callable[[CommandRecord], None]) -> None:
    """Register ``daqcore`` subcommands.

    Parameters
    ----------
    register : callable
        Call ``register(CommandRecord(name, click_command_or_import_string))``. The command
        is added to the ``daqcore`` group lazily; a name already used by a built-in command
        is refused.
    """


@hookspec
def daqcore_register_panels(register: Callable[[PanelRecord], None]) -> None:
    """Register dashboard panels (records only; the GUI layer imports the factories).

    Parameters
    ----------
    register : callable
        Call ``register(PanelRecord(name, "package.module:factory", title=...))``.
        Give the factory as an import string so that listing plugins never imports Qt.
    """


@hookspec
def daqcore_register_readers(register: Callable[[ReaderRecord], None]) -> None:
    """Register readers for foreign file formats.

    Parameters
    ----------
    register : callable
        Call ``register(ReaderRecord(name, ('.ext',), factory=read))`` where
        ``read(path, **options)`` returns a :class:`daqcore.data.DataToExport`.
    """


@hookspec
def daqcore_register_h5_backends(register: Callable[[H5BackendRecord], None]) -> None:
    """Register HDF5 backends (the library that reads and writes the files).

    Parameters
    ----------
    register : callable
        Call ``register(H5BackendRecord(name, "package.module:BackendClass"))``. The class
        follows :class:`daqcore.saving.backends.H5LibraryBackend` (a zero-argument constructor, a
        ``capabilities`` property...); users select it with ``backend=name`` in the savers and
        ``--backend name`` on the command line. The built-in ``h5py`` and ``tables`` backends
        are registered by the first-party plugin ``daqcore.saving.backends.builtin``.
    """


@hookspec
def daqcore_scanners() -> Iterable[Any]:
    """Offer scanners (where a scan goes), usable by name from ``daqcore scan``, TOML and Python.

    Returns
    -------
    iterable of ScannerSpec
        :class:`daqcore.acquisition.scanner_registry.ScannerSpec` objects: name, factory
        (``factory(**params) -> Scanner``), summary and typed parameters. Collected by
        :func:`daqcore.acquisition.scanner_registry.available_scanners`, one plugin at a time
        (a plugin whose hook raises is reported and skipped). This layer only declares the
        hook; the specs live in the acquisition layer, which plugins may import.
    """
    return ()


HOOK_RECORD_TYPES: dict[str, type] = {
    "daqcore_register_instruments": InstrumentRecord,
    "daqcore_register_commands": CommandRecord,
    "daqcore_register_panels": PanelRecord,
    "daqcore_register_readers": ReaderRecord,
    "daqcore_register_h5_backends": H5BackendRecord,
}
"""Each hook and the record type its ``register`` accepts."""

__all__ = [
    "HOOK_RECORD_TYPES",
    "PROJECT_NAME",
    "daqcore_register_commands",
    "daqcore_register_h5_backends",
    "daqcore_register_instruments",
    "daqcore_register_panels",
    "daqcore_register_readers",
    "daqcore_scanners",
    "hookimpl",
    "hookspec",
]
