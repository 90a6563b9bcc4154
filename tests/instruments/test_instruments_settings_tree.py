"""The typed settings tree: validation on set, round trips, PyMoDAQ-style dicts and XML."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daqcore.errors import DaqcoreError
from daqcore.instruments import (
    ReadOnlySettingError,
    Setting,
    SettingNotFoundError,
    Settings,
    SettingValueError,
)
from daqcore.instruments.errors import SettingsDefinitionError

PYMODAQ_PARAMS = [
    {"title": "Exposure:", "name": "exposure", "type": "float", "value": 0.1,
     "limits": [0.0, 10.0], "suffix": "s"},
    {"title": "Mode:", "name": "mode", "type": "list", "limits": ["fast", "slow"],
     "value": "slow"},
    {"title": "Device", "name": "device", "type": "group", "children": [
        {"title": "Serial", "name": "serial", "type": "str", "value": "A12",
         "readonly": True},
        {"title": "Channels", "name": "nchannels", "type": "int", "value": 2,
         "limits": [1, 8]},
        {"title": "Enabled", "name": "enabled", "type": "bool", "value": True,
         "visible": False, "removable": False},
    ]},
]


@pytest.fixture
def tree() -> Setting:
    return Settings(PYMODAQ_PARAMS)


def test_pymodaq_dicts_build_typed_tree(tree):
    assert tree.values() == {
        "exposure": 0.1, "mode": "slow",
        "device": {"serial": "A12", "nchannels": 2, "enabled": True},
    }
    exposure = tree.child("exposure")
    assert (exposure.units, exposure.limits, exposure.title) == ("s", (0.0, 10.0), "Exposure:")
    assert tree.child("mode").choices == ("fast", "slow")
    assert tree.child("device/serial").readonly
    assert tree["device/nchannels"] == 2
    assert tree.child("device", "enabled").path == "device/enabled"


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("exposure", 10.5),  # above limit
        ("exposure", -1),  # below limit
        ("exposure", "fast"),  # wrong type
        ("exposure", math.nan),
        ("exposure", True),  # a bool is not a number here
        ("mode", "medium"),  # not a choice
        ("device/nchannels", 2.5),  # not an integer
        ("device/nchannels", 9),
        ("device/enabled", 1),  # not a bool
    ],
)
def test_bad_value_is_refused_and_old_value_kept(tree, path, bad):
    old = tree[path]
    with pytest.raises(SettingValueError) as info:
        tree[path] = bad
    assert repr(bad) in str(info.value) or str(bad) in str(info.value)
    assert repr(path) in str(info.value)
    assert tree[path] == old


def test_errors_are_daqcore_and_builtin_errors(tree):
    with pytest.raises(DaqcoreError):
        tree["exposure"] = 99.0
    with pytest.raises(ValueError):
        tree["exposure"] = 99.0
    with pytest.raises(LookupError):
        tree.child("nope")


def test_value_conversion(tree):
    tree["device/nchannels"] = 4.0
    assert tree["device/nchannels"] == 4 and isinstance(tree["device/nchannels"], int)
    tree["exposure"] = 2
    assert tree["exposure"] == 2.0 and isinstance(tree["exposure"], float)


def test_read_only_setting(tree):
    with pytest.raises(ReadOnlySettingError, match="read-only"):
        tree["device/serial"] = "B"
    tree.child("device/serial").set_value("B7", force=True)
    assert tree["device/serial"] == "B7"


def test_unknown_path_lists_known_names(tree):
    with pytest.raises(SettingNotFoundError, match="nchannels"):
        tree.child("device/nchanels")
    assert "device/nchannels" in tree and "device/nchanels" not in tree


def test_update_is_all_or_nothing(tree):
    with pytest.raises(SettingValueError):
        tree.update({"exposure": 1.0, "device": {"nchannels": 100}})
    assert tree["exposure"] == 0.1
    tree.update({"exposure": 1.0, "device/nchannels": 3})
    assert (tree["exposure"], tree["device/nchannels"]) == (1.0, 3)
    with pytest.raises(ReadOnlySettingError):
        tree.update({"device": {"serial": "x"}})


def test_change_callbacks_reach_the_root(tree):
    seen = []
    tree.subscribe(lambda s, old, new: seen.append((s.path, old, new)))
    tree["device/nchannels"] = 5
    tree["device/nchannels"] = 5  # unchanged: no notification
    tree["mode"] = "fast"
    assert seen == [("device/nchannels", 2, 5), ("mode", "slow", "fast")]


def test_dict_json_round_trip(tree):
    assert Setting.from_dict(tree.to_dict()) == tree
    assert Setting.from_json(tree.to_json()) == tree
    spec = json.loads(tree.to_json())
    assert spec["children"][0] == {"name": "exposure", "type": "float", "title": "Exposure:",
                                   "value": 0.1, "limits": [0.0, 10.0], "units": "s"}


def test_xml_round_trip_and_layout(tree):
    text = tree.to_xml()
    assert Setting.from_xml(text) == tree
    root = ET.fromstring(text)
    assert root.tag == "settings" and root.get("type") == "group"
    exposure = root.find("exposure")
    assert exposure is not None
    assert (exposure.get("type"), exposure.text, exposure.get("suffix")) == ("float", "0.1", "s")
    assert exposure.get("limits") == "[0.0, 10.0]"
    assert root.find("device/serial").get("readonly") == "1"
    assert root.find("device/enabled").text == "1"
    assert root.find("mode").get("limits") == "['fast', 'slow']"
    assert root.find("mode").text == "slow"


def test_reads_pymodaq_style_xml_without_eval():
    text = (
        '<settings title="Settings" type="group">'
        '<gain title="Gain" type="float" limits="[0, None]" readonly="0">2.5</gain>'
        '<on title="On" type="bool" visible="1" removable="0" readonly="1">0</on>'
        '<mode title="Mode" type="list" limits="[\'a\', \'b\']">b</mode>'
        '<label title="Label" type="str" />'
        "</settings>"
    )
    tree = Setting.from_xml(text)
    assert tree.values() == {"gain": 2.5, "on": False, "mode": "b", "label": ""}
    assert tree.child("gain").limits == (0, None) and tree.child("on").readonly
    with pytest.raises(SettingValueError, match="cannot read an int from 'abc'"):
        Setting.from_xml('<n type="int">abc</n>')
    with pytest.raises(SettingsDefinitionError, match="not a settings JSON document"):
        Setting.from_json("{")
    with pytest.raises(SettingsDefinitionError, match="must be an object"):
        Setting.from_json("[1]")
    with pytest.raises(SettingsDefinitionError, match="not a settings XML document"):
        Setting.from_xml("<settings type='group'>")
    with pytest.raises(SettingsDefinitionError, match="unreadable limits"):
        Setting.from_xml('<x type="float" limits="__import__(\'os\')">1</x>')


def test_infinite_limit_round_trips_as_open_bound():
    tree = Settings([Setting("speed", "float", 1.0, limits=(0.0, math.inf))])
    assert tree.child("speed").limits == (0.0, None)
    back = Setting.from_xml(tree.to_xml())
    assert back == tree
    assert back.child("speed").limits == (0.0, None)
    with pytest.raises(SettingValueError):
        back["speed"] = -1.0


@settings(max_examples=50, deadline=None)
@given(
    value=st.floats(allow_nan=False, allow_infinity=True),
    number=st.integers(min_value=-(2**60), max_value=2**60),
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    flag=st.booleans(),
)
def test_xml_round_trip_is_exact(value, number, text, flag):
    tree = Settings([
        Setting("x", "float", value), Setting("n", "int", number),
        Setting("s", "str", text), Setting("b", "bool", flag),
        Setting("c", "list", 2, choices=[1, 2, 3]),
    ])
    back = Setting.from_xml(tree.to_xml())
    assert back.values() == tree.values()
    assert back == tree


@pytest.mark.parametrize(
    "build",
    [
        lambda: Setting("a", "complex"),
        lambda: Setting("1a", "float"),
        lambda: Setting("a b", "float"),
        lambda: Setting("a", "float", 5.0, limits=(0, 1)),
        lambda: Setting("a", "float", limits=(2, 1)),
        lambda: Setting("a", "list"),
        lambda: Setting("a", "float", choices=[1]),
        lambda: Settings([Setting("a"), Setting("a")]),
        lambda: Setting("g", "group", 3),
        lambda: Setting.from_dict({"type": "float"}),
    ],
)
def test_bad_declarations(build):
    with pytest.raises(SettingsDefinitionError):
        build()


def test_group_holds_no_value(tree):
    with pytest.raises(SettingValueError, match="group"):
        tree.child("device").set_value(3)


def test_copy_is_independent(tree):
    twin = tree.copy()
    twin["exposure"] = 5.0
    assert tree["exposure"] == 0.1
