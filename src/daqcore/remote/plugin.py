"""Hook implementations of daqcore.remote (entry point ``remote``): its two commands.

Registered by import string, so ``daqcore --help`` does not import pyleco.
"""

from __future__ import annotations

from typing import Any

from daqcore.plugins import CommandRecord, hookimpl


@hookimpl
def daqcore_register_commands(register: Any) -> None:
    """Register ``daqcore coordinator`` and ``daqcore serve``."""
    register(CommandRecord("coordinator", "daqcore.remote.cli:coordinator",
                           help="Run a LECO Coordinator (pyleco)."))
    register(CommandRecord("serve", "daqcore.remote.cli:serve_command",
                           help="Serve a daqcore instrument as a LECO Actor."))
