"""Remote instruments named in scans, configs and the CLI: ``leco:ACTOR[@HOST:PORT]``.

``daqcore scan -a leco:stage_x -d leco:cam1@lab-router:12300 -d mock_0d ...`` mixes remote and
local instruments. Without ``@HOST:PORT`` the Coordinator is taken from the environment variable
``DAQCORE_LECO_COORDINATOR`` (default ``localhost:12300``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from daqcore.remote.errors import RemoteError

#: Prefix of remote instrument names.
REMOTE_PREFIX = "leco:"
#: Environment variable giving the default Coordinator address.
COORDINATOR_ENV = "DAQCORE_LECO_COORDINATOR"


def is_remote_name(name: str) -> bool:
    """True for ``leco:...`` names."""
    return isinstance(name, str) and name.lower().startswith(REMOTE_PREFIX)


def parse_remote_name(name: str) -> tuple[str, str]:
    """``(actor, coordinator address)`` of a ``leco:ACTOR[@HOST:PORT]`` name.

    Raises
    ------
    RemoteError
        An empty actor name.
    """
    rest = name[len(REMOTE_PREFIX):]
    actor, _, address = rest.partition("@")
    if not actor:
        raise RemoteError(f"{name!r}: no actor name after {REMOTE_PREFIX!r} "
                          "(expected leco:ACTOR or leco:ACTOR@HOST:PORT)")
    return actor, address or os.environ.get(COORDINATOR_ENV, "") or "localhost:12300"


def open_remote(name: str, kind: str, settings: Mapping[str, Any] | None = None, *,
                timeout: float = 5.0) -> Any:
    """Connect to the remote instrument ``name`` and check it is a ``kind``.

    Returns the (not yet initialised) :class:`~daqcore.remote.RemoteDetector` or
    :class:`~daqcore.remote.RemoteActuator`, titled with the actor's name.
    """
    from daqcore.remote.instruments import connect

    actor, address = parse_remote_name(name)
    instrument = connect(actor, address, timeout=timeout, **dict(settings or {}))
    if instrument.kind != kind:
        instrument.close()
        article = "an" if kind[:1] in "aeiou" else "a"
        raise RemoteError(f"{name!r} is a remote {instrument.kind}, not {article} {kind}")
    return instrument


__all__ = ["COORDINATOR_ENV", "REMOTE_PREFIX", "is_remote_name", "open_remote",
           "parse_remote_name"]
