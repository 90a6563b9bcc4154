"""The settings tree reads PyMoDAQ's parameter dictionaries of the H5Saver: the types
``text``/``browsepath``/``action``, ``visible``, ``{label: value}`` limits, ``min``/``max``,
``tooltip``, NaN choices, ``settings['a', 'b']``, ``setValue`` on read-only settings."""

from __future__ import annotations

import math

import pytest

from daqcore.instruments import Setting, Settings
from daqcore.instruments.errors import SettingsError as InstrumentsSettingsError
from daqcore.settings_tree import (
    ReadOnlySettingError,
    SettingsDefinitionError,
    SettingsError,
    SettingValueError,
)

PARAMS = [
    {"title": "Base path:", "name": "base_path", "type": "browsepath", "value": "/data",
     "readonly": True},
    {"title": "Current path:", "name": "current_scan_path", "type": "text", "value": "",
     "visible": False},
    {"title": "New file", "name": "new_file", "type": "action"},
    {"title": "Format", "name": "fmt", "type": "group", "children": [
        {"name": "fill_value", "type": "list", "limits": {"0": 0.0, "nan": float("nan")},
         "value": float("nan"), "tooltip": "unwritten points"},
        {"name": "level", "type": "int", "value": 5, "min": 0, "max": 9},
    ]},
]


def test_pymodaq_keys_and_types():
    tree = Settings(PARAMS)
    assert tree["base_path"] == "/data" and tree.child("base_path").type == "browsepath"
    assert tree.child("current_scan_path").visible is False
    assert tree.child("fmt", "fill_value").choices[0] == 0.0
    assert math.isnan(tree["fmt", "fill_value"])
    assert tree.child("fmt/fill_value").tip == "unwritten points"
    assert tree.child("fmt", "level").limits == (0, 9)
    with pytest.raises(SettingValueError, match="outside the limits"):
        tree["fmt", "level"] = 10
    tree["fmt", "fill_value"] = 0.0
    tree["fmt", "fill_value"] = float("nan")  # another NaN object is the NaN choice
    with pytest.raises(SettingValueError):
        tree["fmt", "fill_value"] = 5.0
    assert "new_file" not in tree.values() and set(tree.values()["fmt"]) == {"fill_value", "level"}


def test_readonly_refuses_the_editor_path_not_pymodaq_s_setvalue():
    tree = Settings(PARAMS)
    with pytest.raises(ReadOnlySettingError):
        tree["base_path"] = "/elsewhere"
    assert tree.child("base_path").setValue("/elsewhere") == "/elsewhere"
    assert tree["base_path"] == "/elsewhere"


def test_actions_notify_and_hold_no_value():
    tree = Settings(PARAMS)
    seen = []
    tree.subscribe(lambda setting, old, new: seen.append((setting.name, old, new)))
    tree.child("new_file").activate()
    assert seen == [("new_file", None, None)] and tree["new_file"] is None
    with pytest.raises(SettingValueError):
        tree.child("new_file").set_value(1)
    with pytest.raises(SettingValueError, match="not an action"):
        tree.child("base_path").activate()
    with pytest.raises(SettingsDefinitionError):
        Setting("a", "action", 3)


def test_round_trips_keep_types_and_visibility():
    tree = Settings(PARAMS)
    for copy in (Setting.from_xml(tree.to_xml()), Setting.from_json(tree.to_json()),
                 tree.copy()):
        assert copy.child("current_scan_path").visible is False
        assert copy.child("new_file").type == "action"
        assert copy.child("base_path").type == "browsepath" and copy["base_path"] == "/data"
        assert copy.child("fmt", "level").limits == (0, 9)


def test_settings_errors_are_one_class_for_both_imports():
    assert InstrumentsSettingsError is SettingsError
    assert issubclass(SettingValueError, ValueError)
