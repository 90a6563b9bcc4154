"""What can go wrong with remote instruments."""

from __future__ import annotations

from daqcore.errors import DaqcoreError
from daqcore.instruments.errors import SettingValueError


class RemoteError(DaqcoreError):
    """Base of the errors of :mod:`daqcore.remote`."""


class CoordinatorUnreachableError(RemoteError, ConnectionError):
    """No LECO Coordinator answered at the given address."""


class ActorNotFoundError(RemoteError, LookupError):
    """The Coordinator does not know an Actor of that name."""


class RemoteTimeoutError(RemoteError, TimeoutError):
    """An Actor did not answer in time (process killed, network down, instrument stuck)."""


class RemoteInstrumentError(RemoteError):
    """The remote instrument raised; the message carries its error type and text."""


class RemoteSettingError(RemoteInstrumentError, SettingValueError):
    """The remote instrument refused a setting value."""


__all__ = [
    "ActorNotFoundError",
    "CoordinatorUnreachableError",
    "RemoteError",
    "RemoteInstrumentError",
    "RemoteSettingError",
    "RemoteTimeoutError",
]
