"""Exceptions raised by the plugin layer."""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class PluginError(DaqcoreError):
    """Base class of the errors raised by :mod:`daqcore.plugins`."""


class PluginLoadError(PluginError, ImportError):
    """A plugin failed to load and ``DAQCORE_STRICT_PLUGINS=1`` asked for an error.

    The message names the plugin, its distribution and version, the stage that failed
    (``import``, ``validate``, ``hook``, ``duplicate``) and the original error, which is
    also chained as ``__cause__``.
    """


class PluginRecordError(PluginError, TypeError):
    """A plugin registered something that is not a valid record (wrong type, bad name)."""


class DuplicateNameError(PluginError, ValueError):
    """Two plugins registered a record under the same name."""


class UnknownInstrumentError(PluginError, LookupError):
    """No instrument of that name (and kind) is registered; the message lists the known names."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError does not
        return str(self.args[0]) if self.args else ""


__all__ = [
    "DuplicateNameError",
    "PluginError",
    "PluginLoadError",
    "PluginRecordError",
    "UnknownInstrumentError",
]
