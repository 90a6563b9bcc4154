"""PyMoDAQ's own H5Browser (``pymodaq_gui``) opens, walks and displays files written by daqcore.

Each test writes a file with daqcore (snapshot, 2D grid and spread scans through the scan engine
over mock instruments, a scan written with DataToExportExtendedSaver + add_nav_axes, timed logs,
a live SWMR file; h5py and PyTables backends, browsed with the same or the other backend), opens
it in ``pymodaq_gui.h5modules.browsing.H5Browser`` (offscreen, no event loop), walks the
browser's tree, clicks nodes with real mouse events on the tree's viewport (the browser then runs
its own ``show_h5_attributes`` / ``show_h5_data`` slots and its actions), and checks:

* the tree holds exactly the nodes of the file;
* the attribute panel shows the attributes we wrote, ``units`` included;
* the DataWithAxes the browser loads and hands to its ND viewer, and what the signal viewers draw,
  equal the data, axes and units we saved;
* nothing went to PyMoDAQ's error log (the browser catches and logs every exception);
* the browser accepts the file's ``pymodaq_version`` and browsing never modifies the file;
* where the browser fails in its own code, it fails the same way on files pymodaq_data writes.

Run this file as a script to (re)render ``docs/img/h5browser_daqcore_scan.png``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = [
    pytest.mark.gui,
    # raised inside PyMoDAQ's loader and viewers, identically for files written by
    # pymodaq_data (its loader replaces the saved `Data0D` dim of scan data by the nav dim;
    # its viewers take ROI means over empty selections and create index axes); the tests
    # check what is displayed instead
    pytest.mark.filterwarnings("ignore:The specified dimensionality is not coherent:Warning"),
    pytest.mark.filterwarnings("ignore:The axis requested with index:Warning"),
    pytest.mark.filterwarnings("ignore:The size of the axis is not coherent:Warning"),
    pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
]

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs/img/h5browser_daqcore_scan.png"
BACKENDS = ("h5py", "tables")
# Errors PyMoDAQ's browser logs for files written by pymodaq_data itself, in its own code
# (test_browser_behaves_the_same_on_pymodaq_written_files proves they are not ours):
KNOWN_BROWSER_DEFECTS = (
    # show_h5_attributes parses every `settings` attribute as XML, also the '' PyMoDAQ writes
    # on groups created without settings (daqcore writes the same)
    "no element found: line 1, column 0",
    # ViewerND hands a 0D snapshot (shape (1,), no axis) to its 1D viewer, which needs an axis
    "'NoneType' object has no attribute 'get_data'",
    # Viewer2D needs linear image axes (offset/scaling), a non-linear one has None
    "QTransform.translate' called with wrong argument types",
)


# --------------------------------------------------------------------------------------------
# Driving the browser
# --------------------------------------------------------------------------------------------

def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def hdf5_node_paths(path: Path) -> set[str]:
    """Every group and dataset path of the file, read with plain h5py."""
    import h5py

    paths: set[str] = {"/"}
    with h5py.File(path, "r", locking=False) as f:  # the browser opens without locking
        f.visit(lambda name: paths.add("/" + name))
    return paths


class ErrorRecorder(logging.Handler):
    """Collects ERROR records of PyMoDAQ's loggers (the browser logs the exceptions it catches)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records]

    def unexpected(self) -> list[str]:
        """Messages that are not one of :data:`KNOWN_BROWSER_DEFECTS`."""
        return [m for m in self.messages()
                if not any(defect in m for defect in KNOWN_BROWSER_DEFECTS)]


class Spy:
    """Replaces ``obj.<name>`` by a wrapper that records the first positional argument."""

    def __init__(self, obj: Any, name: str) -> None:
        self.calls: list[Any] = []
        original: Callable[..., Any] = getattr(obj, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(args[0] if args else None)
            return original(*args, **kwargs)

        setattr(obj, name, wrapper)

    @property
    def last(self) -> Any:
        return self.calls[-1] if self.calls else None


class BrowserWindow:
    """One PyMoDAQ H5Browser window, driven as a user does with the mouse.

    The window is built on a first file; later files go through the browser's own
    ``load_file`` (its File > Load action), as when a user opens another file.

    Parameters
    ----------
    path : Path
        First file to open.
    backend : str
        Backend the browser opens files with (``'h5py'`` or ``'tables'``).
    swmr : bool
        Open files as SWMR readers (h5py), as the browser does for live files.
    """

    VIEWERS = ("viewer0D", "viewer1D", "viewer2D", "navigator1D", "navigator2D")

    def __init__(self, path: Path, backend: str, swmr: bool = False) -> None:
        from pymodaq_gui.h5modules import browsing
        from qtpy import QtWidgets

        self.backend = backend
        self.errors = ErrorRecorder()
        logging.getLogger("pymodaq").addHandler(self.errors)
        self._start(path)
        self.window = QtWidgets.QMainWindow()
        self.window.resize(1400, 800)
        self.browser = browsing.H5Browser(self.window, h5file_path=str(self.path),
                                          backend=backend, swmr=swmr)
        self.window.show()
        viewer = self.browser.hyper_viewer
        self.shown = Spy(viewer, "show_data")  # what the browser hands to its ND viewer
        self.drawn = {name: Spy(getattr(viewer, name), "show_data") for name in self.VIEWERS}
        self.tree = self.browser.view.h5file_tree.tree
        self._collect_items()

    def _start(self, path: Path) -> None:
        self.path = Path(path)
        self.digest_before = file_digest(self.path)
        self.errors.records.clear()

    def load(self, path: Path) -> BrowserWindow:
        """Open another file in this window."""
        self._start(path)
        self.browser.load_file(h5file_path=str(self.path))
        self._collect_items()
        return self

    def refresh(self) -> None:
        """File > Refresh (F5): the browser reloads the file and rebuilds its tree."""
        self.browser.get_action("refresh").trigger()
        self._collect_items()

    def _collect_items(self) -> None:
        self.items: dict[str, Any] = {}
        for index in range(self.tree.topLevelItemCount()):
            self._collect(self.tree.topLevelItem(index))

    def _collect(self, item: Any) -> None:
        self.items[item.text(2)] = item
        for index in range(item.childCount()):
            self._collect(item.child(index))

    def mouse_click(self, node_path: str, double: bool = False) -> None:
        """Click (or double-click) the node's row with the mouse."""
        from qtpy import QtCore
        from qtpy.QtTest import QTest

        item = self.items[node_path]
        self.tree.scrollToItem(item)
        center = self.tree.visualItemRect(item).center()
        assert self.tree.itemAt(center) is item, f"{node_path} is not under the mouse"
        QTest.mouseClick(self.tree.viewport(), QtCore.Qt.MouseButton.LeftButton,
                         QtCore.Qt.KeyboardModifier.NoModifier, center)
        if double:  # a double click is a click (selects the item) then a double-click event
            QTest.mouseDClick(self.tree.viewport(), QtCore.Qt.MouseButton.LeftButton,
                              QtCore.Qt.KeyboardModifier.NoModifier, center)
        assert self.browser.current_node_path == node_path

    def click(self, node_path: str) -> dict[str, str]:
        """Click a node; return the attribute panel (name -> shown text)."""
        self.mouse_click(node_path, double=False)
        return {child.name(): str(child.value())
                for child in self.browser.settings_attributes.settings.children()}

    def open(self, node_path: str) -> Any:
        """Double-click a data node; return the DataWithAxes the browser gives its viewer."""
        n_calls = len(self.shown.calls)
        self.mouse_click(node_path, double=True)
        assert len(self.shown.calls) > n_calls, f"the browser displayed nothing for {node_path}"
        return self.shown.last

    def open_all(self, node_path: str) -> Any:
        """Select a node and run the browser's 'Plot Nodes' action (all channels of the group)."""
        n_calls = len(self.shown.calls)
        self.mouse_click(node_path, double=False)
        self.browser.get_action("plot_nodes").trigger()
        assert len(self.shown.calls) > n_calls, f"the browser displayed nothing for {node_path}"
        return self.shown.last

    def settings_shown(self) -> dict[str, Any]:
        """Parameters of the settings panel (detector settings XML parsed by PyMoDAQ)."""
        out: dict[str, Any] = {}
        for group in self.browser.settings.children():
            for child in group.children():
                out[child.name()] = child.value()
        return out

    def log_lines(self) -> list[str]:
        text_list = self.browser.view.text_list
        return [text_list.item(i).text() for i in range(text_list.count())]

    def close_file(self) -> None:
        """Close the browsed file; it must be byte-for-byte unchanged."""
        if self.browser.h5utils.isopen():
            self.browser.h5utils.close_file()
        assert file_digest(self.path) == self.digest_before, "browsing modified the file"

    def close(self) -> None:
        """Close the file and the window."""
        self.close_file()
        self.window.close()
        self.window.deleteLater()
        logging.getLogger("pymodaq").removeHandler(self.errors)


@pytest.fixture(scope="module")
def qapp() -> Any:
    pytest.importorskip("pymodaq_gui", reason="PyMoDAQ's H5Browser comes with pymodaq_gui "
                                              "(installed by the test extra)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg

    return pg.mkQApp("daqcore-h5browser-tests")


@pytest.fixture(scope="module")
def windows(qapp: Any) -> Iterator[dict[str, BrowserWindow]]:
    """One browser window per backend, shared by the tests of this module."""
    opened: dict[str, BrowserWindow] = {}
    yield opened
    for window in opened.values():
        window.close()
    qapp.processEvents()


@pytest.fixture
def browse(windows: dict[str, BrowserWindow]) -> Iterator[Callable[[Path, str], BrowserWindow]]:
    """Open a file in the browser; afterwards the file is closed and checked unchanged, and
    PyMoDAQ's log must hold no error other than the browser's known defects."""
    used: list[BrowserWindow] = []

    def _open(path: Path, backend: str) -> BrowserWindow:
        if backend in windows:
            windows[backend].load(path)
        else:
            windows[backend] = BrowserWindow(path, backend)
        used.append(windows[backend])
        return windows[backend]

    yield _open
    for window in used:
        window.close_file()
        assert window.errors.unexpected() == []


# --------------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------------

def assert_axis(dwa: Any, index: int, label: str, units: str, values: np.ndarray) -> None:
    axes = [a for a in dwa.axes if a.index == index]
    assert len(axes) == 1, (index, dwa.axes)
    assert (axes[0].label, axes[0].units) == (label, units)
    np.testing.assert_allclose(axes[0].get_data(), values, rtol=0, atol=1e-12)


def assert_shown(shown: Any, name: str, units: str, labels: list[str],
                 data: list[np.ndarray], nav_indexes: tuple[int, ...]) -> None:
    assert shown.name == name
    assert shown.units == units
    assert list(shown.labels) == labels
    assert tuple(shown.nav_indexes) == nav_indexes
    assert len(shown.data) == len(data)
    for got, expected in zip(shown.data, data):
        np.testing.assert_array_equal(np.asarray(got), expected)


# --------------------------------------------------------------------------------------------
# Snapshot (DataToExportSaver) + Logger strings
# --------------------------------------------------------------------------------------------

SPECTRUM = np.array([0.5, 1.5, 4.0, 1.0, 0.25])
SPECTRUM_ERR = np.full(5, 0.05)
WAVELENGTHS = np.linspace(400.0, 440.0, 5)
IMAGE = np.arange(12, dtype=float).reshape(3, 4) ** 1.5
ROWS = np.array([0.0, 1.5, 3.0])
COLS = np.linspace(0.0, 3.0, 4)


def write_snapshot(path: Path, backend: str) -> None:
    import daqcore.data as dd
    import daqcore.saving as ds

    dte = dd.DataToExport("camera", data=[
        dd.DataRaw("temp", units="K", data=[np.array([293.5]), np.array([4.2])],
                   labels=["T1", "T2"], origin="cryo"),
        dd.DataRaw("spec", units="V", data=[SPECTRUM], labels=["s"], origin="spectro",
                   axes=[dd.Axis("wl", units="nm", data=WAVELENGTHS, index=0)],
                   errors=[SPECTRUM_ERR]),
        dd.DataRaw("img", units="count", data=[IMAGE], labels=["frame"], origin="cam",
                   axes=[dd.Axis("row", units="um", data=ROWS, index=0),
                         dd.Axis("col", units="um", data=COLS, index=1)]),
    ])
    h5 = ds.H5SaverLowLevel("detector", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="camera",
                           settings_as_xml='<settings type="group" title="camera">'
                                           '<exposure type="float" title="Exposure" '
                                           'suffix="s">0.25</exposure></settings>')
    ds.DataToExportSaver(h5).add_data(det, dte)
    h5.add_log("snapshot taken")
    h5.add_log("détecteur prêt")
    h5.close_file()


@pytest.mark.parametrize(("writer_backend", "browser_backend"),
                         [("h5py", "tables"), ("tables", "h5py")])
def test_browser_shows_snapshot(tmp_path: Path, browse: Any, writer_backend: str,
                                browser_backend: str) -> None:
    path = tmp_path / "snapshot.h5"
    write_snapshot(path, writer_backend)
    b = browse(path, browser_backend)

    assert set(b.items) == hdf5_node_paths(path)
    det = "/RawData/Detector000"
    for node in ("/RawData/Logger", f"{det}/Data0D/CH00/Data00", f"{det}/Data0D/CH00/Data01",
                 f"{det}/Data1D/CH00/Data00", f"{det}/Data1D/CH00/Axis00",
                 f"{det}/Data1D/CH00/ErrorBar00", f"{det}/Data2D/CH00/Data00",
                 f"{det}/Data2D/CH00/Axis00", f"{det}/Data2D/CH00/Axis01"):
        assert node in b.items
    # tooltip = origin/name; a PyTables string attribute reads as bytes through h5py and the
    # browser then drops the origin (the same for files PyTables-written by pymodaq_data)
    tooltip = "spec" if (writer_backend, browser_backend) == ("tables", "h5py") else "spectro/spec"
    assert b.items[f"{det}/Data1D/CH00"].toolTip(0) == tooltip

    root = b.click("/")
    assert root["TITLE"] == "PyMoDAQ file"
    group = b.click(det)
    assert (group["type"], group["TITLE"]) == ("detector", "camera")
    assert b.settings_shown()["exposure"] == pytest.approx(0.25)

    # 0D, two channels: double-click loads the clicked channel, 'Plot Nodes' all of them
    attrs = b.click(f"{det}/Data0D/CH00/Data01")
    assert (attrs["units"], attrs["TITLE"], attrs["label"], attrs["data_type"]) == (
        "K", "temp", "T2", "data")
    shown = b.open(f"{det}/Data0D/CH00/Data01")
    assert_shown(shown, "temp", "K", ["T2"], [np.array([4.2])], ())
    shown = b.open_all(f"{det}/Data0D/CH00/Data00")
    assert_shown(shown, "temp", "K", ["T1", "T2"], [np.array([293.5]), np.array([4.2])], ())

    # 1D with error bars
    attrs = b.click(f"{det}/Data1D/CH00/Data00")
    assert (attrs["units"], attrs["origin"], attrs["nav_indexes"]) == ("V", "spectro", "()")
    axis_attrs = b.click(f"{det}/Data1D/CH00/Axis00")
    assert (axis_attrs["units"], axis_attrs["label"], axis_attrs["data_type"]) == (
        "nm", "wl", "axis")
    shown = b.open(f"{det}/Data1D/CH00/Data00")
    assert_shown(shown, "spec", "V", ["s"], [SPECTRUM], ())
    assert_axis(shown, 0, "wl", "nm", WAVELENGTHS)
    np.testing.assert_array_equal(shown.errors[0], SPECTRUM_ERR)
    drawn = b.drawn["viewer1D"].last
    np.testing.assert_array_equal(drawn.data[0], SPECTRUM)
    assert_axis(drawn, 0, "wl", "nm", WAVELENGTHS)

    # 2D image with both axes
    assert b.click(f"{det}/Data2D/CH00/Data00")["units"] == "count"
    shown = b.open(f"{det}/Data2D/CH00/Data00")
    assert_shown(shown, "img", "count", ["frame"], [IMAGE], ())
    assert_axis(shown, 0, "row", "um", ROWS)
    assert_axis(shown, 1, "col", "um", COLS)
    np.testing.assert_array_equal(b.drawn["viewer2D"].last.data[0], IMAGE)

    # the Logger VLARRAY of pickled strings goes to the browser's text list
    assert b.click("/RawData/Logger")["data_type"] == "strings"
    b.mouse_click("/RawData/Logger", double=True)
    assert b.log_lines() == ["snapshot taken", "détecteur prêt"]


# --------------------------------------------------------------------------------------------
# 2D scans
# --------------------------------------------------------------------------------------------

X_VALUES = np.array([-1.0, 0.0, 1.0])
Y_VALUES = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])


def run_mock_scan(path: Path, backend: str, x: tuple = (-1, 1, 1), y: tuple = (-1, 1, 0.5),
                  scanner: Any = None) -> tuple[Any, dict[str, np.ndarray]]:
    """2D snake scan (or ``scanner``) of mock_0d and mock_1d over mock_x / mock_y.

    Returns the scan result and, per detector, the channel-0 data of every point as the engine
    reported them in its events, placed at the event's indexes (shape ``scan + signal``).
    """
    from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments

    scanner = Scanner2DGrid(x, y, snake=True) if scanner is None else scanner
    events: list[Any] = []
    with open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"]) as (stage, detectors):
        scan = Scan(stage, detectors, scanner, path=path,
                    title="spot map", backend=backend)
        scan.subscribe(lambda e: events.append(e) if e.kind == "point" else None)
        result = scan.run()
    assert result.status == "finished"
    expected: dict[str, np.ndarray] = {}
    for event in events:
        for dte in event.data:
            for dwa in dte:
                values = np.asarray(dwa.data[0]).reshape(-1)
                if dwa.name not in expected:
                    expected[dwa.name] = np.full(result_shape(events) + values.shape, np.nan)
                expected[dwa.name][tuple(event.indexes)] = values
    return result, {k: v.squeeze(axis=-1) if v.shape[-1] == 1 else v
                    for k, v in expected.items()}


def result_shape(events: list[Any]) -> tuple[int, ...]:
    return tuple(int(n) + 1 for n in np.max([e.indexes for e in events], axis=0))


@pytest.mark.parametrize("backend", BACKENDS)
def test_browser_shows_engine_scan(tmp_path: Path, browse: Any, backend: str) -> None:
    path = tmp_path / "scan.h5"
    result, expected = run_mock_scan(path, backend)
    assert expected["mock_0d"].shape == (3, 5)
    assert expected["mock_1d"].shape == (3, 5, 256)
    b = browse(path, "tables" if backend == "h5py" else "h5py")  # cross-backend

    assert set(b.items) == hdf5_node_paths(path)
    root = b.click("/")
    assert (root["pymodaq_version"], root["TITLE"]) == ("5.3.0", "PyMoDAQ file")
    if backend == "h5py":  # SWMR scan file: once a bool (HDF5 enum), PyTables showed ''
        assert root["swmr_active"] == "0"
    det0 = result.detector_groups["mock_0d"]
    det1 = result.detector_groups["mock_1d"]
    for node in (f"{det0}/Data0D/CH00/Data00", f"{det0}/NavAxes/Axis00",
                 f"{det0}/NavAxes/Axis01", f"{det1}/Data1D/CH00/Data00",
                 f"{det1}/Data1D/CH00/Axis00", *result.actuator_groups.values()):
        assert node in b.items
    scan_attrs = b.click(result.scan_group)
    assert (scan_attrs["type"], scan_attrs["TITLE"], scan_attrs["status"]) == (
        "scan", "spot map", "finished")
    b.click(det1)
    assert b.settings_shown()["npoints"] == 256  # the detector settings XML, parsed by PyMoDAQ

    nav_attrs = b.click(f"{det0}/NavAxes/Axis01")
    assert (nav_attrs["label"], nav_attrs["units"], nav_attrs["index"]) == ("mock_y", "mm", "1")

    attrs = b.click(f"{det0}/Data0D/CH00/Data00")
    assert (attrs["units"], attrs["nav_indexes"], attrs["shape"]) == ("V", "(0, 1)", "(3, 5)")
    shown = b.open(f"{det0}/Data0D/CH00/Data00")
    assert (shown.name, shown.units, tuple(shown.nav_indexes)) == ("mock_0d", "V", (0, 1))
    np.testing.assert_array_equal(shown.data[0], expected["mock_0d"])
    assert_axis(shown, 0, "mock_x", "mm", X_VALUES)
    assert_axis(shown, 1, "mock_y", "mm", Y_VALUES)
    # the navigation panel draws the 2D map of the 0D detector
    np.testing.assert_array_equal(b.drawn["navigator2D"].last.data[0], expected["mock_0d"])

    attrs = b.click(f"{det1}/Data1D/CH00/Data00")
    assert (attrs["units"], attrs["shape"]) == ("V", "(3, 5, 256)")
    shown = b.open(f"{det1}/Data1D/CH00/Data00")
    assert (shown.name, shown.units, tuple(shown.nav_indexes)) == ("mock_1d", "V", (0, 1))
    np.testing.assert_array_equal(shown.data[0], expected["mock_1d"])
    assert_axis(shown, 0, "mock_x", "mm", X_VALUES)
    assert_axis(shown, 1, "mock_y", "mm", Y_VALUES)
    assert [a.units for a in shown.axes if a.index == 2] == ["nm"]
    # the signal panel draws the spectrum of one scan point
    drawn = np.asarray(b.drawn["viewer1D"].last.data[0])
    assert any(np.array_equal(drawn, spectrum) for spectrum in expected["mock_1d"].reshape(-1, 256))


def test_browser_shows_spread_scan(tmp_path: Path, browse: Any) -> None:
    """Random points: spread distribution, both nav axes on dimension 0 (spread_order 0, 1)."""
    from daqcore.acquisition import ScannerSpread

    scanner = ScannerSpread.random(8, [(-1.0, 1.0), (-0.5, 0.5)], seed=3)
    path = tmp_path / "spread.h5"
    result, expected = run_mock_scan(path, "h5py", scanner=scanner)
    positions = np.asarray(scanner.positions)
    b = browse(path, "tables")

    assert set(b.items) == hdf5_node_paths(path)
    det1 = result.detector_groups["mock_1d"]
    assert b.click(f"{det1}/NavAxes/Axis01")["spread_order"] == "1"
    shown = b.open(f"{det1}/Data1D/CH00/Data00")
    assert (shown.name, shown.units, tuple(shown.nav_indexes)) == ("mock_1d", "V", (0,))
    assert shown.distribution.name == "spread"
    np.testing.assert_array_equal(shown.data[0], expected["mock_1d"])
    nav = sorted((a.spread_order, a.label, a.units, tuple(a.get_data()))
                 for a in shown.axes if a.index == 0)
    assert nav == [(0, "mock_x", "mm", tuple(positions[:, 0])),
                   (1, "mock_y", "mm", tuple(positions[:, 1]))]
    drawn = np.asarray(b.drawn["viewer1D"].last.data[0])
    assert any(np.array_equal(drawn, spectrum) for spectrum in expected["mock_1d"])


def write_extended_scan(path: Path, backend: str) -> dict[str, np.ndarray]:
    """3x4 scan written point by point with DataToExportExtendedSaver; the last point missing."""
    import daqcore.data as dd
    import daqcore.saving as ds

    shape = (3, 4)
    rng = np.random.default_rng(12)
    power = rng.random(shape)
    spectra = rng.random((*shape, 6))
    h5 = ds.H5SaverLowLevel("scan", backend=backend)
    h5.init_file(path, new_file=True)
    scan = h5.add_scan_group(h5.raw_group, title="raster")
    det = h5.add_det_group(scan, title="sensor")
    saver = ds.DataToExportExtendedSaver(h5, extended_shape=shape)
    saver.add_nav_axes(det, [dd.Axis("x", units="mm", data=np.linspace(0.0, 1.0, 3), index=0),
                             dd.Axis("y", units="um", data=np.array([5.0, 6.0, 8.0, 11.0]),
                                     index=1)])
    for i, j in np.ndindex(*shape):
        if (i, j) == (2, 3):
            continue
        saver.add_data(det, dd.DataToExport("sensor", data=[
            dd.DataRaw("power", units="mW", data=[np.array([power[i, j]])], labels=["P"]),
            dd.DataRaw("spec", units="V", data=[spectra[i, j]], labels=["S"],
                       axes=[dd.Axis("f", units="THz", data=np.arange(6.0) + 190.0, index=0)]),
        ]), indexes=(i, j))
    h5.close_file()
    power[2, 3] = np.nan
    spectra[2, 3] = np.nan
    return {"power": power, "spec": spectra}


@pytest.mark.parametrize("backend", BACKENDS)
def test_browser_shows_extended_saver_scan(tmp_path: Path, browse: Any, backend: str) -> None:
    path = tmp_path / "raster.h5"
    expected = write_extended_scan(path, backend)
    b = browse(path, "tables" if backend == "h5py" else "h5py")  # cross-backend

    assert set(b.items) == hdf5_node_paths(path)
    det = "/RawData/Scan000/Detector000"
    assert b.click(f"{det}/NavAxes/Axis00")["units"] == "mm"
    assert b.click(f"{det}/Data0D/CH00/Data00")["units"] == "mW"
    shown = b.open(f"{det}/Data0D/CH00/Data00")
    assert_shown(shown, "power", "mW", ["P"], [expected["power"]], (0, 1))
    assert_axis(shown, 0, "x", "mm", np.linspace(0.0, 1.0, 3))
    assert_axis(shown, 1, "y", "um", np.array([5.0, 6.0, 8.0, 11.0]))

    assert b.click(f"{det}/Data1D/CH00/Data00")["units"] == "V"
    shown = b.open(f"{det}/Data1D/CH00/Data00")
    assert_shown(shown, "spec", "V", ["S"], [expected["spec"]], (0, 1))
    assert_axis(shown, 2, "f", "THz", np.arange(6.0) + 190.0)
    assert_axis(shown, 1, "y", "um", np.array([5.0, 6.0, 8.0, 11.0]))


# --------------------------------------------------------------------------------------------
# Timed log (DataToExportTimedSaver)
# --------------------------------------------------------------------------------------------

TIMESTAMPS = 1_790_000_000.0 + np.array([0.0, 0.5, 1.25, 3.0, 3.5])


def write_timed_log(path: Path, backend: str) -> dict[str, np.ndarray]:
    import daqcore.data as dd
    import daqcore.saving as ds

    temps = 290.0 + np.arange(5.0) * 0.75
    pressures = np.array([1.0e-6, 2.0e-6, 1.5e-6, 3.0e-6, 2.5e-6])
    traces = np.arange(5.0)[:, None] + np.linspace(0.0, 1.0, 4)[None, :]
    h5 = ds.H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="cryostat")
    saver = ds.DataToExportTimedSaver(h5)
    for k, timestamp in enumerate(TIMESTAMPS):
        dte = dd.DataToExport("cryostat", data=[
            dd.DataRaw("gauges", units="K", data=[np.array([temps[k]]),
                                                  np.array([pressures[k]])],
                       labels=["T", "p"]),
            dd.DataRaw("trace", units="mV", data=[traces[k]], labels=["tr"],
                       axes=[dd.Axis("t", units="ms", data=np.linspace(0.0, 1.0, 4), index=0)]),
        ])
        dte.timestamp = float(timestamp)
        saver.add_data(det, dte)
    h5.close_file()
    return {"temps": temps, "pressures": pressures, "traces": traces}


@pytest.mark.parametrize("backend", BACKENDS)
def test_browser_shows_timed_log(tmp_path: Path, browse: Any, backend: str) -> None:
    path = tmp_path / "log.h5"
    expected = write_timed_log(path, backend)
    nodes = hdf5_node_paths(path)
    b = browse(path, backend)

    assert set(b.items) == nodes
    det = "/RawData/Detector000"
    assert {f"{det}/Data0D/CH00/EnlData00", f"{det}/Data0D/CH00/EnlData01",
            f"{det}/Data1D/CH00/EnlData00", f"{det}/NavAxes/Axis00"} <= set(b.items)
    time_attrs = b.click(f"{det}/NavAxes/Axis00")
    assert (time_attrs["label"], time_attrs["units"], time_attrs["CLASS"]) == (
        "time", "s", "EARRAY")
    attrs = b.click(f"{det}/Data0D/CH00/EnlData00")
    assert (attrs["units"], attrs["data_type"], attrs["CLASS"]) == (
        "K", "data_enlargeable", "EARRAY")

    shown = b.open(f"{det}/Data0D/CH00/EnlData01")
    assert_shown(shown, "gauges", "K", ["p"], [expected["pressures"]], (0,))
    assert_axis(shown, 0, "time", "s", TIMESTAMPS)
    shown = b.open_all(f"{det}/Data0D/CH00/EnlData00")
    assert_shown(shown, "gauges", "K", ["T", "p"],
                 [expected["temps"], expected["pressures"]], (0,))
    assert_axis(shown, 0, "time", "s", TIMESTAMPS)

    shown = b.open(f"{det}/Data1D/CH00/EnlData00")
    assert_shown(shown, "trace", "mV", ["tr"], [expected["traces"]], (0,))
    assert_axis(shown, 0, "time", "s", TIMESTAMPS)
    assert_axis(shown, 1, "t", "ms", np.linspace(0.0, 1.0, 4))

    # File > Refresh (F5) closes and reopens the file (read-write in PyMoDAQ 5.3) and rebuilds
    # the tree; the file stays byte-for-byte the same (checked when the test ends)
    b.refresh()
    assert set(b.items) == nodes
    shown = b.open(f"{det}/Data1D/CH00/EnlData00")
    assert_shown(shown, "trace", "mV", ["tr"], [expected["traces"]], (0,))


# --------------------------------------------------------------------------------------------
# Live file (SWMR)
# --------------------------------------------------------------------------------------------

LIVE_WRITER = """
import sys
import numpy as np
import daqcore.data as dd
import daqcore.saving as ds

h5 = ds.H5SaverLowLevel("logger", backend="h5py")
h5.init_file(sys.argv[1], new_file=True, swmr_mode=True)
det = h5.add_det_group(h5.raw_group, title="live")
saver = ds.DataToExportTimedSaver(h5)
k = 0
for line in sys.stdin:  # each line: number of samples to append, 0 closes the file
    if int(line) == 0:
        break
    for _ in range(int(line)):
        dte = dd.DataToExport("live", data=[dd.DataRaw("v", units="V",
                                                       data=[np.array([0.5 * k])])])
        dte.timestamp = 100.0 + k
        saver.add_data(det, dte)
        if k == 0:
            h5.enable_swmr()  # a timed saver leaves it to the caller, as in PyMoDAQ
        k += 1
    h5.flush()
    print(k, h5.is_swmr_active, flush=True)
h5.close_file()
print("closed", flush=True)
"""


@pytest.mark.slow
def test_browser_follows_a_live_swmr_file(tmp_path: Path, qapp: Any) -> None:
    """A daqcore SWMR writer (another process) appends; the browser, opened as SWMR reader
    while the file is being written, shows what was flushed and more after File > Refresh."""
    import subprocess
    import sys

    path = tmp_path / "live.h5"
    node = "/RawData/Detector000/Data0D/CH00/EnlData00"
    writer = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    b = None
    try:
        def append(n: int) -> str:
            assert writer.stdin is not None and writer.stdout is not None
            writer.stdin.write(f"{n}\n")
            writer.stdin.flush()
            return writer.stdout.readline().strip()

        assert append(3) == "3 True"  # SWMR writing is on
        b = BrowserWindow(path, "h5py", swmr=True)
        shown = b.open(node)
        assert (shown.name, shown.units, tuple(shown.nav_indexes)) == ("v", "V", (0,))
        np.testing.assert_array_equal(shown.data[0], [0.0, 0.5, 1.0])
        assert_axis(shown, 0, "time", "s", np.array([100.0, 101.0, 102.0]))

        assert append(4) == "7 True"
        b.refresh()
        shown = b.open(node)
        np.testing.assert_array_equal(shown.data[0], 0.5 * np.arange(7))
        assert_axis(shown, 0, "time", "s", 100.0 + np.arange(7))

        assert append(0) == "closed"  # the writer closes while the browser reads
        assert writer.wait(timeout=30) == 0
        b.digest_before = file_digest(path)  # from here on only the browser has the file
        b.mouse_click(node, double=True)
        assert b.errors.unexpected() == []
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        if b is not None:
            b.close()


# --------------------------------------------------------------------------------------------
# Version check
# --------------------------------------------------------------------------------------------

def test_browser_accepts_daqcore_version_and_rejects_old_files(
        tmp_path: Path, browse: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser's own version check passes for our files; a 3.x file trips it (control)."""
    import h5py
    from packaging.version import Version
    from pymodaq_gui.h5modules import browsing
    from qtpy import QtWidgets

    warnings: list[str] = []
    monkeypatch.setattr(browsing, "messagebox", lambda **kw: warnings.append(kw["text"]))
    # the warning text asks for the installed `pymodaq` version (not installed here)
    monkeypatch.setattr(browsing.utils, "get_version", lambda *args, **kwargs: "5.0.0")
    ours = tmp_path / "ours.h5"
    write_snapshot(ours, "h5py")
    b = browse(ours, "h5py")
    version = b.browser.h5utils.root().attrs["pymodaq_version"]
    assert Version(version) >= Version("4.0.0")
    assert warnings == []
    assert b.browser.h5utils.isopen()
    assert set(b.items) == hdf5_node_paths(ours)

    old = tmp_path / "old.h5"
    shutil.copy(ours, old)
    with h5py.File(old, "r+") as f:
        f.attrs["pymodaq_version"] = '{"module": "builtins", "type": "str", "data": "\'3.6.9\'"}'
    window = QtWidgets.QMainWindow()
    rejecting = browsing.H5Browser(window, h5file_path=str(old), backend="h5py")
    assert len(warnings) == 1 and "3.6.9" in warnings[0]
    assert not rejecting.h5utils.isopen()  # the browser closed the file it refused
    window.deleteLater()


# --------------------------------------------------------------------------------------------
# Same behaviour as on files written by PyMoDAQ itself
# --------------------------------------------------------------------------------------------

def write_parity_file(lib: str, path: Path, backend: str) -> None:
    """The same groups and data written by daqcore or by pymodaq_data.

    Includes what trips the browser's known defects: a scan group without settings, a 0D
    snapshot and an image with a non-linear axis.
    """
    if lib == "daqcore":
        import daqcore.data as data_mod
        import daqcore.saving as saving
        from daqcore.saving import H5SaverLowLevel as Saver
    else:
        import pymodaq_data.data as data_mod
        from pymodaq_data.h5modules import data_saving as saving
        from pymodaq_data.h5modules.saving import H5SaverLowLevel as Saver
    dte = data_mod.DataToExport("det", data=[
        data_mod.DataRaw("temp", units="K", data=[np.array([293.5]), np.array([4.2])],
                         labels=["T1", "T2"], origin="cryo"),
        data_mod.DataRaw("spec", units="V", data=[SPECTRUM], labels=["s"], origin="spectro",
                         axes=[data_mod.Axis("wl", units="nm", data=WAVELENGTHS, index=0)],
                         errors=[SPECTRUM_ERR]),
        data_mod.DataRaw("img", units="count", data=[IMAGE], labels=["frame"], origin="cam",
                         axes=[data_mod.Axis("row", units="um", data=np.array([0.0, 1.0, 3.0]),
                                             index=0),
                               data_mod.Axis("col", units="um", data=COLS, index=1)]),
    ])
    h5 = Saver("detector", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
    saving.DataToExportSaver(h5).add_data(det, dte)
    h5.close_file()
    if lib == "pymodaq":
        import h5py

        # without the `pymodaq` package pymodaq_data stamps pymodaq_version='0.0.0', which
        # its own browser refuses; PyMoDAQ proper writes its version (daqcore writes 5.3.0)
        with h5py.File(path, "r+") as f:
            f.attrs["pymodaq_version"] = (
                '{"module": "builtins", "type": "str", "data": "\'5.3.0\'"}')


def browse_everything(b: BrowserWindow) -> dict[str, tuple[list[str], Any]]:
    """Click every node and double-click every data array; per node, the errors logged and a
    summary of what was displayed."""
    out: dict[str, tuple[list[str], Any]] = {}
    for node_path in sorted(b.items):
        before_errors, before_shown = len(b.errors.records), len(b.shown.calls)
        b.click(node_path)
        name = node_path.rsplit("/", 1)[-1]
        if name.startswith(("Data", "EnlData")) and name[-1].isdigit():
            b.mouse_click(node_path, double=True)
        shown = None
        if len(b.shown.calls) > before_shown:
            dwa = b.shown.last
            shown = (dwa.name, dwa.units, list(dwa.labels), tuple(dwa.nav_indexes),
                     [np.asarray(d).tolist() for d in dwa.data],
                     sorted((a.label, a.units, int(a.index), np.asarray(a.get_data()).tolist())
                            for a in dwa.axes))
        out[node_path] = ([r.getMessage() for r in b.errors.records[before_errors:]], shown)
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_browser_behaves_the_same_on_pymodaq_written_files(tmp_path: Path, browse: Any,
                                                           backend: str) -> None:
    """Every node clicked and opened: the same errors and the same displayed data as for the
    same content written by pymodaq_data; so the known defects are the browser's own."""
    pytest.importorskip("pymodaq_data", reason="pymodaq_data writes the reference file")
    seen = {}
    for lib in ("daqcore", "pymodaq"):
        path = tmp_path / f"{lib}.h5"
        write_parity_file(lib, path, backend)
        seen[lib] = browse_everything(browse(path, backend))
    assert seen["daqcore"].keys() == seen["pymodaq"].keys()
    for node_path, (errors, shown) in seen["daqcore"].items():
        assert errors == seen["pymodaq"][node_path][0], node_path
        assert shown == seen["pymodaq"][node_path][1], node_path
    displayed = [shown for _, shown in seen["daqcore"].values() if shown is not None]
    assert len(displayed) == 4  # both 0D channels, the spectrum and the image were displayed


# --------------------------------------------------------------------------------------------
# Screenshot
# --------------------------------------------------------------------------------------------

def render_scan_screenshot(open_window: Callable[[Path, str], BrowserWindow], data_dir: Path,
                           png: Path, step: float = 0.25) -> BrowserWindow:
    """Run a 2D mock scan, show its spectra in the H5Browser and save the window as PNG."""
    from qtpy import QtWidgets

    result, _ = run_mock_scan(data_dir / "scan.h5", "h5py", x=(-2, 2, step),
                              y=(-1.5, 1.5, step))
    b = open_window(result.path, "h5py")
    b.open(f"{result.detector_groups['mock_1d']}/Data1D/CH00/Data00")
    QtWidgets.QApplication.processEvents()
    png.parent.mkdir(parents=True, exist_ok=True)
    assert b.window.grab().save(str(png))
    return b


def test_browser_screenshot_of_scan(tmp_path: Path, browse: Any) -> None:
    from qtpy import QtGui

    png = tmp_path / "shot.png"
    b = render_scan_screenshot(browse, tmp_path, png, step=0.5)
    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (b.window.width(), b.window.height())
    assert image.width() >= 800 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 20)
               for y in range(0, image.height(), 20)}
    assert len(colours) > 20  # a drawn window, not a blank one


if __name__ == "__main__":  # pragma: no cover - renders the picture used in docs/file_format.md
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pymodaq_gui.qt_utils import mkQApp

    app = mkQApp("H5Browser")
    with tempfile.TemporaryDirectory() as tmp:
        window = render_scan_screenshot(BrowserWindow, Path(tmp), DOCS_SCREENSHOT)
        window.close()
    assert window.errors.unexpected() == [], window.errors.messages()
    print(DOCS_SCREENSHOT)
