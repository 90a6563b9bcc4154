"""Exceptions raised by a settings tree (re-exported by :mod:`daqcore.instruments.errors`)."""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class SettingsError(DaqcoreError):
    """Base class of the errors raised by a :class:`~daqcore.settings_tree.Setting` tree."""


class SettingValueError(SettingsError, ValueError):
    """A value was refused by a setting (wrong type, outside limits, not one of the choices)."""


class SettingNotFoundError(SettingsError, LookupError):
    """A setting path does not exist in the tree."""


class ReadOnlySettingError(SettingsError, PermissionError):
    """A read-only setting was written."""


class SettingsDefinitionError(SettingsError, TypeError):
    """A settings tree was declared badly (unknown type, duplicate child name, bad default)."""


__all__ = [
    "ReadOnlySettingError",
    "SettingNotFoundError",
    "SettingValueError",
    "SettingsDefinitionError",
    "SettingsError",
]
