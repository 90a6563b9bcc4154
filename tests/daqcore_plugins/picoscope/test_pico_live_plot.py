"""HDF5LivePlotter renders stream files offscreen: ring wrap-around, a growing file, 'S' key."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("pyqtgraph")
qtpy = pytest.importorskip("qtpy")

from qtpy import QtCore, QtWidgets  # noqa: E402
from qtpy.QtTest import QTest  # noqa: E402

from daqcore.gui.stream_plot import HDF5LivePlotter  # noqa: E402
from daqcore_plugins.picoscope import StreamConfig  # noqa: E402
from daqcore_plugins.picoscope.signals import Signal  # noqa: E402
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a  # noqa: E402
from daqcore_plugins.picoscope.streaming import build_engine, stream_to_file  # noqa: E402

pytestmark = pytest.mark.gui

SINE = Signal("sine", amplitude_v=0.8, frequency_hz=1e4)


@pytest.fixture(scope="module")
def app() -> QtWidgets.QApplication:
    return QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


def device() -> SimulatedPicoScope5000a:
    return SimulatedPicoScope5000a(signals={"A": SINE}, table_samples=1 << 16)


def test_ring_file_after_wrap(app: QtWidgets.QApplication, tmp_path: Path) -> None:
    path = tmp_path / "ring.hdf5"
    config = StreamConfig.simple("A", "1V", resolution_bits=16, sample_rate_sps=1e6)
    run = stream_to_file(path, config, device=device(), max_buff_sec=0.2,
                         max_samples=730_000)  # the 200 000-sample ring wrapped three times
    assert run.ok
    plotter = HDF5LivePlotter(str(path), display_window_seconds=0.1, max_display_points=2000)
    plotter.show()
    plotter.update_plot()
    app.processEvents()
    assert plotter.error_count == 0, plotter.last_error
    assert plotter.state == "finished" and plotter.n_samples == 730_000
    x, y = plotter._curves[0].getData()
    assert x.size <= 2000 and x[-1] <= 0.73 and x[0] >= 0.63 - 1e-6
    assert 780 < y.max() < 820 and -820 < y.min() < -780  # mV of the 0.8 V sine
    QTest.keyClick(plotter, QtCore.Qt.Key.Key_S)
    shots = list(tmp_path.glob("ring_*.png"))
    assert len(shots) == 1 and shots[0].stat().st_size > 1000
    plotter.close()


def test_follows_a_growing_file(app: QtWidgets.QApplication, tmp_path: Path) -> None:
    path = tmp_path / "live.hdf5"
    plotter = HDF5LivePlotter(str(path), update_interval_ms=20)
    plotter.update_plot()
    assert plotter.state == "waiting for file"
    config = StreamConfig.simple("A", "1V", resolution_bits=12, sample_rate_sps=5e6)
    engine, _ = build_engine(path, config, device=device(), pool_seconds=0.5)
    engine.start()
    counts = []
    try:
        plotter.start_updates()
        deadline = time.monotonic() + 10
        while len(set(counts)) < 3 and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
            if plotter.n_samples:
                counts.append(plotter.n_samples)
    finally:
        plotter.stop_updates()
        engine.stop()
        engine.wait(30)
    assert len(set(counts)) >= 3 and plotter.error_count == 0, plotter.last_error
    plotter.update_plot()
    assert plotter.state == "stopped"
    _, y = plotter._curves[0].getData()
    assert np.abs(y).max() > 700
    image = plotter.grab().toImage()
    assert image.width() > 100
    plotter.close()
