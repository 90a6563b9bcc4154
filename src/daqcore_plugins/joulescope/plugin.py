"""Hook implementations of the Joulescope plugin (entry point ``joulescope``).

Registers the detector ``joulescope`` (backends ``sim`` and ``real``). Importing this module
does not import the vendor ``joulescope`` package.
"""

from __future__ import annotations

from daqcore.plugins import InstrumentRecord, hookimpl

from .detector import JoulescopeDetector


@hookimpl
def daqcore_register_instruments(register):
    """Register the Joulescope detector."""
    register(InstrumentRecord(
        "joulescope", JoulescopeDetector,
        description="Joulescope JS110 current/voltage/power: 0D means, charge, energy, traces"))
