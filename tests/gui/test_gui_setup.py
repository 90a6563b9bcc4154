"""Setup tab (plugins and failures, preset builder), plugin panels, saving settings dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qtpy import QtCore, QtWidgets

from daqcore.data import DataRaw, DataToExport
from daqcore.gui.preset import load_preset
from daqcore.gui.saving_dialog import show_settings
from daqcore.saving import DataToExportSaver, H5Saver

pytestmark = pytest.mark.gui
KEEP: list[Any] = []  # top-level widgets are closed, not destroyed (see conftest._KEEP)
LEFT = QtCore.Qt.MouseButton.LeftButton


def test_plugins_view_lists_instruments_and_failures(qtbot: Any, dashboard: Any) -> None:
    view = dashboard.plugins_view
    qtbot.waitUntil(lambda: view.report is not None, timeout=10000)
    names = {i["name"] for i in view.report["instruments"]}
    assert {"mock_x", "mock_2d", "faulty_0d"} <= names
    failures = view.failure_texts()
    assert any(t.startswith("acme") and "vendor SDK 'acme' is not installed" in t
               for t in failures)
    assert "failed" in view.summary.text()


def test_plugin_panels_are_tabs_and_a_broken_one_explains(dashboard: Any) -> None:
    titles = [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())]
    assert {"Good panel", "Broken panel"} <= set(titles)
    good = dashboard.tabs.widget(titles.index("Good panel"))
    assert isinstance(good, QtWidgets.QLabel) and "instruments" in good.text()
    broken = next(p for p in dashboard.panels if p.name == "broken")
    assert "no scope connected" in broken.error
    assert any("no scope connected" in e for e in dashboard.errors)


def test_preset_builder_save_load_and_open(qtbot: Any, dashboard: Any, tmp_path: Path) -> None:
    builder = dashboard.preset_builder
    builder.add_instrument("mock_x")
    builder.add_instrument("mock_1d")
    spec = builder.add_instrument("mock_1d", backend="sim")
    assert spec.name == "mock_1d_2"
    builder.table.item(0, 0).setText("stage x")  # rename in the table
    builder.title.setText("two spectrometers")
    builder.title.editingFinished.emit()
    path = builder.save(tmp_path / "bench.toml")
    preset = load_preset(path)
    assert [m.name for m in preset.modules] == ["stage x", "mock_1d", "mock_1d_2"]
    assert preset.title == "two spectrometers"
    qtbot.mouseClick(builder.apply_button, LEFT)
    assert set(dashboard.detector_modules) == {"mock_1d", "mock_1d_2"}
    assert set(dashboard.actuator_modules) == {"stage x"}
    assert dashboard.windowTitle().endswith("two spectrometers")
    bad = tmp_path / "bad.toml"
    bad.write_text("title = ", encoding="utf-8")
    assert builder.load(bad) is None and "not valid TOML" in dashboard.errors[-1]


def test_saving_settings_dialog_applies_validated_options(qtbot: Any, dashboard: Any) -> None:
    dialog = dashboard.open_saving_settings()  # a child of the window, deleted with it
    dialog.tree.param("compression_level").setValue(12)
    assert "outside the limits" in dialog.status.text()
    dialog.tree.param("compression").setValue("zlib")
    dialog.tree.param("base_name").setValue("Sample")
    dialog.accept()
    assert dashboard.saving_options.compression == "zlib"
    assert dashboard.saving_options.base_name == "Sample"
    assert dashboard.saving_options.compression_level == 5


def test_show_settings_and_show_file_content_of_an_h5saver(qtbot: Any, tmp_path: Path) -> None:
    saver = H5Saver("detector", base_path=tmp_path, base_name="Run")
    dialog = show_settings(saver)
    dialog.tree.param("dynamic").setValue("float32")
    first = dialog.new_file()
    assert first is not None and first.name.startswith("Run_") and saver.dynamic == "float32"
    group = saver.add_det_group(saver.raw_group, title="det")
    DataToExportSaver(saver).add_data(group, DataToExport("d", data=[
        DataRaw("v", data=[np.arange(4.0)], units="V")]))
    browser = dialog.show_content()  # a child window of the dialog
    assert browser is not None
    assert "/RawData/Detector000/Data1D/CH00/Data00" in browser.node_paths()
    browser.close_file()
    saver.close_file()
    dialog.close()
    KEEP.append(dialog)


def test_an_h5saver_settings_tree_is_shown_and_its_new_file_button_acts(
        qtbot: Any, tmp_path: Path) -> None:
    from daqcore.gui.bridge import GuiBridge
    from daqcore.gui.settings_tree import SettingsTree

    saver = H5Saver("detector", base_path=tmp_path)
    widget = SettingsTree(saver.settings, GuiBridge())
    qtbot.addWidget(widget)
    assert widget.param("base_path").value() == str(tmp_path)
    assert widget.param("backend/hsds_options").opts["visible"] is False
    widget.param("new_file").activate()  # PyMoDAQ's "New file" button
    assert saver.isopen() and saver.file_path.name.startswith("Scan_")
    widget.param("data_format/compression_options/h5comp_level").setValue(7)
    assert saver.compression is not None and saver.compression.level == 7
    widget.detach()
    saver.close_file()
