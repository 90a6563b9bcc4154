"""Exceptions raised on purpose by the PicoScope plugin.

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin that fits.
"""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class PicoScopeError(DaqcoreError):
    """Base class of the PicoScope plugin errors."""


class ScopeConfigError(PicoScopeError, ValueError):
    """A streaming configuration the device does not offer (channel, range, rate, resolution...).

    Raised before anything is opened or started.
    """


class ScopeStateError(PicoScopeError, RuntimeError):
    """A device call in the wrong state (streaming before open, configuring while streaming)."""


class DriverError(PicoScopeError, RuntimeError):
    """The driver returned a status that is not tolerated (the status name is in the message)."""


class StreamFileError(PicoScopeError, ValueError):
    """A file that is not a PicoStream / daqcore stream file, or a bad read request."""


__all__ = ["DriverError", "PicoScopeError", "ScopeConfigError", "ScopeStateError",
           "StreamFileError"]
