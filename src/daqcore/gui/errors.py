"""Exceptions raised by the dashboard layer (:mod:`daqcore.gui`)."""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class GuiError(DaqcoreError):
    """Base class of the errors raised on purpose by :mod:`daqcore.gui`."""


class PresetError(GuiError, ValueError):
    """A dashboard preset file cannot be read: missing, not TOML, or a bad entry.

    The message names the file and the entry at fault.
    """


class BrowserError(GuiError, OSError):
    """A file cannot be opened in the H5 browser (missing, not HDF5, unreadable)."""


__all__ = ["BrowserError", "GuiError", "PresetError"]
