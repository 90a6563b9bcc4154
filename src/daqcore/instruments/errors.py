"""Exceptions raised by the instrument layer (detectors, actuators); the settings tree's
(``daqcore.settings_tree.errors``) are re-exported here."""

from __future__ import annotations

from daqcore.errors import DaqcoreError
from daqcore.settings_tree.errors import (
    ReadOnlySettingError,
    SettingNotFoundError,
    SettingsDefinitionError,
    SettingsError,
    SettingValueError,
)


class InstrumentError(DaqcoreError):
    """Base class of the errors raised by :mod:`daqcore.instruments`."""


class BackendError(InstrumentError):
    """Base class of backend selection problems."""


class UnknownBackendError(BackendError, ValueError):
    """The requested backend is not declared by the instrument."""


class BackendUnavailableError(BackendError, RuntimeError):
    """The requested backend is declared but unusable here (driver not installed, no device)."""


class InstrumentStateError(InstrumentError, RuntimeError):
    """An operation was called in the wrong state (not initialised, already closed)."""


class OutOfBoundsError(InstrumentError, ValueError):
    """An actuator target lies outside the actuator bounds."""


class MoveTimeoutError(InstrumentError, TimeoutError):
    """An actuator did not reach its target within the timeout."""


class InstrumentDataError(InstrumentError, TypeError):
    """An instrument returned data that does not follow the contract."""


__all__ = [
    "BackendError",
    "BackendUnavailableError",
    "InstrumentDataError",
    "InstrumentError",
    "InstrumentStateError",
    "MoveTimeoutError",
    "OutOfBoundsError",
    "ReadOnlySettingError",
    "SettingNotFoundError",
    "SettingValueError",
    "SettingsDefinitionError",
    "SettingsError",
    "UnknownBackendError",
]
