"""A typed settings tree (plain Python, no Qt), shared by every layer.

Instruments declare their settings with it (:mod:`daqcore.instruments` re-exports it) and the
saving layer describes PyMoDAQ's H5Saver options with it
(``daqcore.saving.h5saver_settings``). It sits outside the layers so that both can use it;
it imports nothing of daqcore but :mod:`daqcore.errors`.
"""

from daqcore.settings_tree.errors import (
    ReadOnlySettingError,
    SettingNotFoundError,
    SettingsDefinitionError,
    SettingsError,
    SettingValueError,
)
from daqcore.settings_tree.tree import SETTING_TYPES, ChangeCallback, Setting, Settings

__all__ = [
    "SETTING_TYPES",
    "ChangeCallback",
    "ReadOnlySettingError",
    "Setting",
    "SettingNotFoundError",
    "SettingValueError",
    "Settings",
    "SettingsDefinitionError",
    "SettingsError",
]
