"""Detector and actuator modules driven through their widgets, over mock instruments.

Checks what is drawn against the data grabbed, settings refusals, moves and bounds, saving
(snapshot and continuous files reloaded with DataLoader), and that an instrument error ends in
the module's status line while the rest of the dashboard keeps working.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from qtpy import QtCore

from daqcore.gui.viewer0d import Viewer0D
from daqcore.gui.viewer1d import Viewer1D
from daqcore.gui.viewer2d import Viewer2D
from daqcore.saving import DataLoader

pytestmark = pytest.mark.gui
LEFT = QtCore.Qt.MouseButton.LeftButton


def test_preset_opens_modules_and_shows_unavailable_ones(qtbot: Any, dashboard: Any,
                                                         write_preset: Any) -> None:
    path = write_preset(["mock_x"], ["mock_0d", "picoscope_5000"])
    assert dashboard.load_preset_file(path)
    assert set(dashboard.actuator_modules) == {"mock_x"}
    assert set(dashboard.detector_modules) == {"mock_0d"}
    missing = dashboard.unavailable_modules["picoscope_5000"]
    assert "unknown detector 'picoscope_5000'" in missing.status.text()
    assert "mock_0d" in missing.status.text()  # the known names are listed
    assert "1 unavailable" in dashboard.messages[-1][0]
    qtbot.waitUntil(lambda: dashboard.detector_modules["mock_0d"].is_initialized, timeout=5000)
    assert dashboard.scan_panel.detector_list.count() == 1


def test_corrupt_preset_gives_a_message(dashboard: Any, tmp_path: Any) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[[detectors]\ninstrument = ", encoding="utf-8")
    assert not dashboard.load_preset_file(bad)
    assert "broken.toml" in dashboard.errors[-1] and "not valid TOML" in dashboard.errors[-1]
    assert dashboard.modules == {}
    assert not dashboard.load_preset_file(tmp_path / "absent.toml")
    assert "does not exist" in dashboard.errors[-1]


def test_detector_snap_viewers_and_crosshair(qtbot: Any, loaded: Any) -> None:
    window = loaded([], ["mock_0d", "mock_1d", "mock_2d"])
    modules = window.detector_modules
    for module in modules.values():
        qtbot.mouseClick(module.snap_button, LEFT)
    qtbot.waitUntil(lambda: all(m.n_shown >= 1 for m in modules.values()), timeout=5000)

    v0 = modules["mock_0d"].viewer.viewers["mock_0d"]
    assert isinstance(v0, Viewer0D)
    dwa0 = modules["mock_0d"].last_data[0]
    assert v0.last_values == pytest.approx([float(dwa0[0][0]), float(dwa0[1][0])])
    assert "spot" in v0.numbers.text() and " V" in v0.numbers.text()

    v1 = modules["mock_1d"].viewer.viewers["mock_1d"]
    assert isinstance(v1, Viewer1D)
    dwa1 = modules["mock_1d"].last_data[0]
    x, y = v1.curves[0].getData()
    np.testing.assert_allclose(y, dwa1[0])
    np.testing.assert_allclose(x, dwa1.axes[0].get_data())
    assert v1.x_label == "wavelength (nm)" and v1.y_label == "mock_1d (V)"

    v2 = modules["mock_2d"].viewer.viewers["mock_2d"]
    assert isinstance(v2, Viewer2D)
    dwa2 = modules["mock_2d"].last_data[0]
    np.testing.assert_allclose(v2.image.image, dwa2[0])
    xs = dwa2.get_axis_from_index(1)[0].get_data()
    ys = dwa2.get_axis_from_index(0)[0].get_data()
    assert v2.set_crosshair(xs[10], ys[7]) == pytest.approx(dwa2[0][7, 10])
    assert v2.colorbar.levels() == pytest.approx((dwa2[0].min(), dwa2[0].max()))
    assert "x (mm)" in v2.plot.getAxis("bottom").labelText


def test_settings_edits_are_validated(qtbot: Any, loaded: Any) -> None:
    module = loaded([], ["mock_1d"]).detector_modules["mock_1d"]
    tree = module.settings_tree
    tree.param("npoints").setValue(1)  # limits (2, 100000)
    qtbot.waitUntil(lambda: "refused" in module.status.text(), timeout=3000)
    assert "npoints" in module.status.text() and "outside the limits" in module.status.text()
    assert tree.param("npoints").value() == 256 == module.instrument.settings["npoints"]
    tree.param("npoints").setValue(100)
    qtbot.waitUntil(lambda: module.instrument.settings["npoints"] == 100, timeout=3000)
    qtbot.mouseClick(module.snap_button, LEFT)
    qtbot.waitUntil(lambda: module.n_shown >= 1, timeout=3000)
    assert module.viewer.viewers["mock_1d"].curves[0].getData()[1].size == 100
    # a change made by the instrument side shows in the tree
    module.instrument.settings["center"] = 600.0
    qtbot.waitUntil(lambda: tree.param("center").value() == 600.0, timeout=3000)


def test_live_grab_and_continuous_saving(qtbot: Any, loaded: Any) -> None:
    module = loaded([], ["mock_1d"]).detector_modules["mock_1d"]
    module.instrument.settings["exposure"] = 0.01
    module.continuous_box.setChecked(True)
    qtbot.waitUntil(lambda: module.continuous is not None, timeout=3000)
    qtbot.mouseClick(module.grab_button, LEFT)
    qtbot.waitUntil(lambda: module.n_shown >= 5, timeout=5000)
    assert module.is_grabbing and not module.snap_button.isEnabled()
    module.continuous_box.setChecked(False)
    qtbot.waitUntil(lambda: "continuous saving ended" in module.status.text(), timeout=5000)
    qtbot.mouseClick(module.grab_button, LEFT)
    qtbot.waitUntil(lambda: not module.is_grabbing, timeout=5000)
    with DataLoader(module.last_saved) as loader:
        group = loader.get_node("/RawData/Detector000")
        n_saved = group.attrs["n_samples_done"]
        dwa = loader.load_all(group)[0]
    assert n_saved >= 3 and dwa.shape == (n_saved, 256)
    assert [a.label for a in dwa.axes] == ["wavelength", "time"]
    assert np.all(np.diff(dwa.get_axis_from_index(0)[0].get_data()) > 0)  # times increase


def test_snapshot_file_holds_the_data_shown(qtbot: Any, loaded: Any) -> None:
    module = loaded([], ["mock_2d"]).detector_modules["mock_2d"]
    qtbot.mouseClick(module.snap_button, LEFT)
    qtbot.waitUntil(lambda: module.n_shown == 1, timeout=3000)
    qtbot.mouseClick(module.save_button, LEFT)
    qtbot.waitUntil(lambda: module.last_saved is not None, timeout=5000)
    assert "snapshot saved" in module.status.text()
    with DataLoader(module.last_saved) as loader:
        dwa = loader.load_all("/RawData")[0]
        settings = loader.get_node("/RawData/Detector000").attrs["settings"]
    np.testing.assert_array_equal(dwa[0], module.last_data[0][0])
    assert dwa.units == "V" and "<nx" in settings


def test_actuator_moves_bounds_home_and_stop(qtbot: Any, loaded: Any) -> None:
    module = loaded(["mock_x"], []).actuator_modules["mock_x"]
    assert module.bounds_label.text() == "bounds: [-10, 10] mm"
    module.abs_spin.setValue(2.5)
    qtbot.mouseClick(module.abs_button, LEFT)
    qtbot.waitUntil(lambda: module.current_value == pytest.approx(2.5), timeout=3000)
    module.rel_spin.setValue(0.5)
    qtbot.mouseClick(module.rel_minus_button, LEFT)
    qtbot.waitUntil(lambda: module.current_value == pytest.approx(2.0), timeout=3000)
    assert module.value_label.text() == "2 mm"
    module.abs_spin.setValue(25.0)
    qtbot.mouseClick(module.abs_button, LEFT)
    qtbot.waitUntil(lambda: "outside the bounds" in module.status.text(), timeout=3000)
    assert module.instrument.current_value == pytest.approx(2.0)  # nothing moved
    module.settings_tree.param("bounds/max_bound").setValue(30.0)
    qtbot.waitUntil(lambda: module.bounds_label.text() == "bounds: [-10, 30] mm", timeout=3000)
    qtbot.mouseClick(module.home_button, LEFT)
    qtbot.waitUntil(lambda: module.current_value == pytest.approx(0.0), timeout=3000)
    # a slow move is stopped by Stop, which does not wait behind the move
    module.instrument.settings["speed"] = 2.0
    module.instrument.settings["timeout"] = 1.5
    module.abs_spin.setValue(8.0)
    qtbot.mouseClick(module.abs_button, LEFT)
    qtbot.waitUntil(lambda: (module.current_value or 0) > 0.1, timeout=3000)
    qtbot.mouseClick(module.stop_button, LEFT)
    qtbot.waitUntil(lambda: module.status.text() == "stopped", timeout=3000)
    stopped_at = module.instrument.current_value
    qtbot.wait(200)
    assert module.instrument.current_value == stopped_at < 1.5
    qtbot.waitUntil(lambda: "not reached within 1.5 s" in module.status.text(), timeout=5000)


def test_instrument_errors_stay_in_the_status_line(qtbot: Any, loaded: Any) -> None:
    window = loaded([], ["faulty_0d", "mock_0d"])
    faulty = window.detector_modules["faulty_0d"]
    qtbot.mouseClick(faulty.snap_button, LEFT)
    qtbot.waitUntil(lambda: "snap failed" in faulty.status.text(), timeout=3000)
    assert "sensor unplugged" in faulty.status.text()
    faulty.instrument.settings["fail_after"] = 3  # live grab fails after a few frames
    qtbot.mouseClick(faulty.grab_button, LEFT)
    qtbot.waitUntil(lambda: "grab failed" in faulty.status.text(), timeout=5000)
    assert not faulty.grab_button.isChecked() and faulty.snap_button.isEnabled()
    good = window.detector_modules["mock_0d"]
    qtbot.mouseClick(good.snap_button, LEFT)  # the dashboard carries on
    qtbot.waitUntil(lambda: good.n_shown == 1, timeout=3000)
    qtbot.mouseClick(faulty.close_button, LEFT)
    qtbot.waitUntil(lambda: faulty.status.text() == "closed", timeout=3000)
    assert not faulty.snap_button.isEnabled()


def test_a_slow_instrument_does_not_freeze_the_window(qtbot: Any, dashboard: Any,
                                                     tmp_path: Any) -> None:
    preset = tmp_path / "slow.toml"
    preset.write_text('[[detectors]]\ninstrument = "faulty_0d"\n'
                      'settings = { init_delay = 0.8 }\n', encoding="utf-8")
    ticks: list[float] = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    assert dashboard.load_preset_file(preset)
    returned = time.perf_counter()
    module = dashboard.detector_modules["faulty_0d"]
    assert module.status.text() == "initialising..."  # the worker is still on it
    qtbot.waitUntil(lambda: module.status.text() == "initialised: faulty detector ready",
                    timeout=5000)
    ready = time.perf_counter()
    timer.stop()
    during = [t for t in ticks if returned < t < ready]
    assert ready - returned > 0.3
    assert len(during) >= 4  # the event loop kept running while the device initialised
