"""Presets: TOML round trip, and every bad file or entry refused with a PresetError naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from daqcore.gui.errors import GuiError, PresetError
from daqcore.gui.preset import ModuleSpec, Preset, load_preset, save_preset
from daqcore.gui.saving_options import SavingOptions


def test_preset_round_trips_through_toml(tmp_path: Path) -> None:
    preset = Preset(title='bench "A"\nline 2', saving={"base_path": "C:\\data", "swmr": False})
    preset.add(ModuleSpec("x axis", "mock_x", "actuator", settings={"speed": 2.5,
                                                                    "bounds/max_bound": 4.0}))
    preset.add(ModuleSpec("cam", "mock_2d", "detector", backend="real", init=False,
                          settings={"nx": 32, "x_axis": "é/x", "bounds": {"is_bounds": True}}))
    path = save_preset(preset, tmp_path / "sub" / "p.toml")
    assert load_preset(path) == preset


def test_unique_names_and_duplicates() -> None:
    preset = Preset()
    preset.add(ModuleSpec("mock_0d", "mock_0d", "detector"))
    assert preset.unique_name("mock_0d") == "mock_0d_2"
    with pytest.raises(PresetError, match="already has a module named 'mock_0d'"):
        preset.add(ModuleSpec("mock_0d", "mock_1d", "detector"))


@pytest.mark.parametrize(("text", "message"), [
    ("[[detectors]\nname = 1", "is not valid TOML"),
    ("colour = 'red'", r"unknown key\(s\) \['colour'\]"),
    ("[[detectors]]\nname = 'a'", "'instrument' .* is missing"),
    ("[[detectors]]\ninstrument = 'mock_0d'\ninit = 'yes'", "'init' must be true or false"),
    ("[[actuators]]\ninstrument = 'mock_x'\nspeed = 3", r"actuators\[0\]: unknown key"),
    ("detectors = 3", "must be an array of tables"),
    ("[[detectors]]\ninstrument = 'a'\n[[detectors]]\ninstrument = 'a'",
     "already has a module named 'a'"),
])
def test_bad_presets_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PresetError, match=message) as info:
        load_preset(path)
    assert "bad.toml" in str(info.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="does not exist"):
        load_preset(tmp_path / "nope.toml")
    binary = tmp_path / "image.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(PresetError, match=r"cannot read|not valid TOML"):
        load_preset(binary)


def test_saving_options_are_validated() -> None:
    options = SavingOptions.from_dict({"backend": "tables", "compression": "zlib",
                                       "compression_level": 3})
    assert (options.backend, options.compression_level) == ("tables", 3)
    assert SavingOptions.from_settings(options.settings()) == options
    with pytest.raises(GuiError, match=r"compression_level.*outside the limits"):
        options.with_values(compression_level=12)
    with pytest.raises(GuiError, match="unknown saving option"):
        SavingOptions.from_dict({"colour": 1})
    h5py_options = options.with_values(backend="h5py", swmr=True, dynamic="float32")
    saver = h5py_options.h5saver("detector")
    assert SavingOptions.from_h5saver(saver) == h5py_options
    assert not options.h5saver("detector").swmr  # SWMR needs h5py
