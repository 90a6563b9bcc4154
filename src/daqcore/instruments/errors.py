"""Exceptions raised by the instrument layer (settings trees, detectors, actuators)."""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class InstrumentError(DaqcoreError):
    """Base class of the errors raised by :mod:`daqcore.instruments`."""


class SettingsError(InstrumentError):
    """Base class of the errors raised by a :class:`~daqcore.instruments.settings.Settings` tree."""


class SettingValueError(SettingsError, ValueError):
    """A value was refused by a setting (wrong type, outside limits, not one of the choices)."""


class SettingNotFoundError(SettingsError, LookupError):
    """A setting path does not exist in the tree."""


class ReadOnlySettingError(SettingsError, PermissionError):
    """A read-only setting was written."""


class SettingsDefinitionError(SettingsError, TypeError):
    """A settings tree was declared badly (unknown type, duplicate child name, bad default)."""


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
