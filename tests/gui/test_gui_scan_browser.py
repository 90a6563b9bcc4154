"""Scan and logger panels over mock instruments, the files they write, and the H5 browser.

The scan test drives the panel's widgets, checks what the live view showed against the saved
file (reloaded with DataLoader), then opens that file in the browser and plots a channel
against both actuators. The logger test follows a file being written in SWMR mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qtpy import QtCore

from daqcore.gui.viewer1d import Viewer1D
from daqcore.gui.viewer2d import Viewer2D
from daqcore.saving import DataLoader

pytestmark = pytest.mark.gui
KEEP: list[Any] = []  # top-level widgets are closed, not destroyed (see conftest._KEEP)
LEFT = QtCore.Qt.MouseButton.LeftButton


def test_scan_panel_runs_a_grid_and_the_browser_shows_it(qtbot: Any, loaded: Any) -> None:
    window = loaded(["mock_x", "mock_y"], ["mock_0d", "mock_1d"])
    panel = window.scan_panel
    panel.configure(["mock_x", "mock_y"], ["mock_0d", "mock_1d"])
    panel.set_range("mock_x", -1.0, 1.0, 1.0)
    panel.set_range("mock_y", 0.0, 0.5, 0.5)
    panel.title.setText("gui grid")
    qtbot.mouseClick(panel.start_button, LEFT)
    qtbot.waitUntil(lambda: panel.last_status == "finished", timeout=20000)
    assert panel.progress.value() == panel.progress.maximum() == 6
    path = Path(panel.file_path.text())
    assert path.is_file() and path.parent == Path(window.saving_options.base_path)
    assert "scan finished: 6/6 points" in panel.status.text()
    assert window.last_file == path

    # the live view showed what the file holds
    live = panel.model.as_dwa("mock_0d/mock_0d/spot")
    with DataLoader(path) as loader:
        saved = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    assert saved.shape == (3, 2) == live.shape
    np.testing.assert_allclose(live[0], saved[0])
    assert [a.label for a in saved.axes] == ["mock_x", "mock_y"]
    view = panel.live.viewer.viewers["scan"]
    assert isinstance(view, Viewer2D)
    np.testing.assert_allclose(view.image.image, saved[0])

    # open it in the browser: tree, attributes, and a channel plotted against the actuators
    qtbot.mouseClick(panel.show_button, LEFT)
    browser = window.browser
    assert window.tabs.currentWidget() is browser and browser.path == path
    assert "/RawData/Scan000/Detector001/Data1D/CH00/Data00" in browser.node_paths()
    assert browser.select("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    assert browser.attribute_values()["units"] == "V"
    image = browser.viewer.viewers["node"]
    assert isinstance(image, Viewer2D)
    np.testing.assert_allclose(image.image.image, saved[0])
    assert image.plot.getAxis("left").labelText == "mock_x (mm)"
    assert browser.select("/RawData/Scan000")
    assert browser.attribute_values()["status"] == "finished"


def test_scan_panel_refuses_bad_input_and_pause_stop(qtbot: Any, loaded: Any) -> None:
    window = loaded(["mock_x"], ["mock_0d"])
    panel = window.scan_panel
    panel.configure(["mock_x"], [])
    assert not panel.start()
    assert "check at least one detector" in panel.status.text()
    panel.configure(["mock_x"], ["mock_0d"])
    panel.set_range("mock_x", 0.0, 50.0, 1.0)  # the stage is bounded to [-10, 10] mm
    assert not panel.start()
    assert "outside its bounds" in panel.status.text()
    panel.ranges.item(0, 2).setText("fast")
    assert not panel.start()
    assert "must be three numbers" in panel.status.text()
    # a long scan: pause, check nothing moves on, stop; the file keeps the points done
    window.detector_modules["mock_0d"].instrument.settings["exposure"] = 0.02
    panel.set_range("mock_x", 0.0, 9.0, 0.1)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() >= 2, timeout=10000)
    assert panel.eta.text().startswith("ETA")
    panel.pause()
    qtbot.waitUntil(lambda: "paused" in panel.status.text(), timeout=5000)
    paused_at = panel.scan.result.n_points_done if panel.scan.result else 0
    qtbot.wait(150)
    panel.stop()
    qtbot.waitUntil(lambda: panel.last_status == "stopped", timeout=10000)
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    with DataLoader(panel.last_path) as loader:
        group = loader.get_node("/RawData/Scan000")
        assert group.attrs["status"] == "stopped"
        assert group.attrs["n_points_done"] == panel.progress.value() >= paused_at


def test_logger_panel_and_browser_on_a_live_swmr_file(qtbot: Any, loaded: Any) -> None:
    window = loaded([], ["mock_0d"])
    panel = window.logger_panel
    panel.detector_list.set_checked(["mock_0d"])
    panel.interval.setValue(0.02)
    window.saving_options = window.saving_options.with_values(flush_interval=0.05)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.n_samples >= 5 and panel.file_path.text() != "",
                    timeout=10000)
    browser = window.browser
    assert window.open_file(panel.file_path.text())  # a file being written (SWMR)
    node = "/RawData/Detector000/Data0D/CH00/EnlData00"
    qtbot.waitUntil(lambda: browser.select(node), timeout=3000)
    first = browser.plotted.shape[0]
    qtbot.waitUntil(lambda: panel.n_samples >= first + 10, timeout=10000)
    browser.refresh()
    assert browser.current_path() == node and browser.plotted.shape[0] > first
    curve = browser.viewer.viewers["node"]
    assert isinstance(curve, Viewer1D) and curve.x_label == "time (s)"
    times = curve.curves[0].getData()[0]  # epoch seconds shown from the first sample
    assert times[0] == 0.0 and np.all(np.diff(times) > 0) and curve.time_origin[:2] == "20"
    qtbot.mouseClick(panel.stop_button, LEFT)
    qtbot.waitUntil(lambda: panel.last_status == "stopped", timeout=10000)
    browser.close_file()
    with DataLoader(panel.last_path) as loader:
        dwa = loader.load_data(node)
    assert dwa.shape[0] == panel.n_samples
    trend = panel.viewer.viewers["mock_0d"]  # every sample is in the trend, none dropped
    _x, y = trend.curves[0].getData()
    assert y.size == dwa.shape[0]
    np.testing.assert_allclose(y, dwa[0])


def test_browser_refuses_files_it_cannot_read(dashboard: Any, tmp_path: Path) -> None:
    text = tmp_path / "notes.h5"
    text.write_text("not an HDF5 file", encoding="utf-8")
    assert not dashboard.open_file(text)
    assert "is not an HDF5 file" in dashboard.errors[-1]
    assert not dashboard.open_file(tmp_path / "missing.h5")
    assert "does not exist" in dashboard.errors[-1]
    assert not dashboard.open_file(tmp_path)
    assert "is a directory" in dashboard.errors[-1]


@pytest.mark.parametrize("backend", ["tables", "h5py"])
def test_browser_plots_a_log_written_by_pymodaq(qtbot: Any, tmp_path: Path, backend: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pymodaq_data", reason="pymodaq_data writes the reference file")
    monkeypatch.setenv("HOME", str(tmp_path))  # pymodaq_utils writes its config at import
    import pymodaq_data.data as pd
    from pymodaq_data.h5modules.data_saving import DataToExportTimedSaver
    from pymodaq_data.h5modules.saving import H5SaverLowLevel

    from daqcore.gui.h5_browser import H5Browser

    path = tmp_path / f"pymodaq_{backend}.h5"
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="cryostat")
    saver = DataToExportTimedSaver(h5)
    temps = [4.2, 4.3, 4.5, 4.4]
    for k, temp in enumerate(temps):
        dte = pd.DataToExport("cryo", data=[pd.DataRaw("T", units="K",
                                                         data=[np.array([temp])])])
        dte.timestamp = 1000.0 + k
        saver.add_data(det, dte)
    h5.close_file()

    browser = H5Browser()
    assert browser.open_file(path)
    node = "/RawData/Detector000/Data0D/CH00/EnlData00"
    assert browser.select(node)
    curve = browser.viewer.viewers["node"]
    assert isinstance(curve, Viewer1D) and curve.x_label == "time (s)"
    x, y = curve.curves[0].getData()
    np.testing.assert_allclose(y, temps)
    np.testing.assert_allclose(x, 1000.0 + np.arange(4))
    browser.close_file()
    browser.close()
    KEEP.append(browser)


def test_live_model_takes_point_records_and_events() -> None:
    from daqcore.acquisition.events import ProgressEvent
    from daqcore.data import Axis, DataRaw, DataToExport
    from daqcore.data.records import PointRecord, RunStop
    from daqcore.gui.scan_live import ScanLiveModel

    def dte(value: float) -> DataToExport:
        return DataToExport("d", data=[DataRaw("sig", units="V", labels=["a"],
                                               data=[np.array([value])]),
                                       DataRaw("trace", units="V", labels=["t"],
                                               data=[np.full(8, 2 * value)])])

    axes = [Axis("x", "mm", data=np.array([0.0, 1.0]), index=0),
            Axis("y", "mm", data=np.array([5.0, 6.0, 7.0]), index=1)]
    model = ScanLiveModel((2, 3), axes, ["det"])
    assert model.add(PointRecord("uid", 0, (0, 1), (0.0, 6.0), (dte(1.5),)))
    assert model.add(ProgressEvent("point", 2, 6, 0.1, step=1, indexes=(1, 2),
                                   positions=(1.0, 7.0), data=(dte(2.5),)))
    assert not model.add(RunStop("uid", "finished", 2))
    sig = model.as_dwa("det/sig/a")
    assert sig.shape == (2, 3) and sig.units == "V"
    assert sig[0][0, 1] == 1.5 and sig[0][1, 2] == 2.5 and np.isnan(sig[0][0, 0])
    assert [a.label for a in sig.axes] == ["x", "y"]
    assert model.as_dwa("det/trace/t")[0][1, 2] == 5.0  # 1D data by their mean
