"""Hook implementations of the Joulescope plugin (entry point ``joulescope``).

Registers the detector ``joulescope`` (backends ``sim`` and ``real``) and the command
``daqcore joulescope`` (record / info / export). Importing this module
does not import the vendor ``joulescope`` package, nor the detector and its numba kernels: the
record names the class by import string, so it loads only when the instrument is used or listed
with its dims.
"""

from __future__ import annotations

from daqcore.plugins import CommandRecord, InstrumentRecord, hookimpl


@hookimpl
def daqcore_register_instruments(register):
    """Register the Joulescope detector."""
    register(InstrumentRecord(
        "joulescope", "daqcore_plugins.joulescope.detector:JoulescopeDetector", kind="detector",
        description="Joulescope JS110 current/voltage/power: 0D means, charge, energy, traces"))


@hookimpl
def daqcore_register_commands(register):
    """Register ``daqcore joulescope`` (record, info, export)."""
    register(CommandRecord("joulescope", "daqcore_plugins.joulescope.cli:joulescope",
                           help="Record, inspect and export Joulescope recordings"))
