"""Hook implementations of the PicoScope plugin (entry point ``picoscope``).

Registers the detector ``picoscope`` (backends ``sim`` and ``real``) and the ``daqcore
picostream`` command. Nothing here imports ``picosdk``, numba or Qt: records name their targets
by import string.
"""

from __future__ import annotations

from collections.abc import Callable

from daqcore.plugins import CommandRecord, InstrumentRecord, hookimpl


@hookimpl
def daqcore_register_instruments(register: Callable[[InstrumentRecord], None]) -> None:
    """Register the PicoScope 5000a detector."""
    register(InstrumentRecord(
        "picoscope", "daqcore_plugins.picoscope.detector:PicoScopeDetector", kind="detector",
        description="PicoScope 5000a: block captures (1D traces) and 0D mean/RMS/peak-to-peak"))


@hookimpl
def daqcore_register_commands(register: Callable[[CommandRecord], None]) -> None:
    """Register ``daqcore picostream``."""
    register(CommandRecord("picostream", "daqcore_plugins.picoscope.cli:picostream",
                           help="Stream a PicoScope 5000a to HDF5 without loss"))
