"""Hook implementations of the PyMoDAQ interop (entry point ``pymodaq_bridge``).

Registers the ``daqcore pymodaq-bridge`` command by import string, so listing commands does
not import PyMoDAQ.
"""

from __future__ import annotations

from typing import Any

from daqcore.plugins import CommandRecord, hookimpl


@hookimpl
def daqcore_register_commands(register: Any) -> None:
    """Register ``daqcore pymodaq-bridge``."""
    register(CommandRecord(
        "pymodaq-bridge", "daqcore.interop.pymodaq.cli:pymodaq_bridge",
        help="Write (and install) a PyMoDAQ plugin package exposing daqcore instruments."))
