"""daqcore's plugin system: pluggy hooks, entry-point loading, failure report, typed registry.

Plugin authors need only this module::

    from daqcore.plugins import hookimpl, InstrumentRecord

    @hookimpl
    def daqcore_register_instruments(register):
        register(InstrumentRecord("my_detector", MyDetector))

and an entry point in the ``daqcore`` group naming the module (see ``docs/plugins.md``).
"""

from daqcore.plugins.errors import (
    DuplicateNameError,
    PluginError,
    PluginLoadError,
    PluginRecordError,
    UnknownInstrumentError,
)
from daqcore.plugins.hookspecs import hookimpl, hookspec
from daqcore.plugins.manager import PluginFailure, PluginInfo, PluginManager
from daqcore.plugins.records import CommandRecord, InstrumentRecord, PanelRecord, ReaderRecord
from daqcore.plugins.registry import Registry, get_registry, load_registry, set_registry

__all__ = [
    "CommandRecord",
    "DuplicateNameError",
    "InstrumentRecord",
    "PanelRecord",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginLoadError",
    "PluginManager",
    "PluginRecordError",
    "ReaderRecord",
    "Registry",
    "UnknownInstrumentError",
    "get_registry",
    "hookimpl",
    "hookspec",
    "load_registry",
    "set_registry",
]
