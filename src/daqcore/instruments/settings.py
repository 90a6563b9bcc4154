"""The typed settings tree of instruments: ``daqcore.settings_tree``, under its old name."""

from daqcore.settings_tree.tree import SETTING_TYPES, ChangeCallback, Setting, Settings

__all__ = ["SETTING_TYPES", "ChangeCallback", "Setting", "Settings"]
