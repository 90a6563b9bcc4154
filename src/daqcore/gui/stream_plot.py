"""``HDF5LivePlotter``: a live view of a stream file, reading only the file (PicoStream's API).

The plotter never touches the acquisition: on a timer it refreshes the file (SWMR), reads the
newest ``display_window_seconds`` of every channel (at most ``max_read_samples`` per channel,
the window is clipped beyond), min/max-decimates it to at most ``max_display_points`` points and
draws it against the absolute stream time. Ring files (live-only mode) are read through their
head pointer, so the wrap-around is invisible. Values are in mV when the file carries
PicoStream's conversion attributes (``voltage_range_v``, ``max_adc``), else in ADC counts.

A status row shows the state (waiting for the file / active / finished / error), the sample
count, the measured rate against the configured one, the plot latency and an error count.
Keys: ``S`` saves a PNG screenshot next to the file, ``Q`` closes the window.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from qtpy import QtCore, QtGui, QtWidgets

from daqcore.saving.stream_reader import StreamFileReader

COLOURS = ("#f5c211", "#3584e4", "#2ec27e", "#e01b24")


def _scale_for(attrs: dict[str, Any], channel: str) -> tuple[float, float, str]:
    """(mV per count, offset mV, unit) for a channel of a stream file."""
    if "voltage_range_v" not in attrs or "max_adc" not in attrs:
        return 1.0, 0.0, "counts"
    key = f"channel_{channel.lower()}"
    range_v = float(attrs.get(f"{key}_voltage_range_v", attrs["voltage_range_v"]))
    offset_v = float(attrs.get(f"{key}_analog_offset_v", attrs.get("analog_offset_v", 0.0)))
    return range_v * 1000.0 / float(attrs["max_adc"]), offset_v * 1000.0, "mV"


def _interval_s(attrs: dict[str, Any]) -> float:
    if "sample_interval_ns" in attrs:
        ratio = int(attrs.get("hardware_downsample_ratio", 1) or 1)
        per_step = 2 if attrs.get("interleaved_format") else 1
        return float(attrs["sample_interval_ns"]) * ratio * 1e-9 / per_step
    return float(attrs.get("sample_interval_s", 1.0))


def min_max_envelope(x: np.ndarray, factor: int) -> np.ndarray:
    """``[min_0, max_0, min_1, max_1, ...]`` of groups of ``factor`` samples (tail dropped)."""
    if factor <= 1:
        return x
    g = x.shape[0] // factor
    groups = x[:g * factor].reshape(g, factor)
    out = np.empty(2 * g, dtype=x.dtype)
    out[0::2] = groups.min(axis=1)
    out[1::2] = groups.max(axis=1)
    return out


class HDF5LivePlotter(QtWidgets.QMainWindow):
    """Live plot of a (growing) stream file.

    Parameters
    ----------
    hdf5_path : str
        File to follow (it may not exist yet).
    update_interval_ms : int
        Refresh period.
    display_window_seconds : float
        Newest seconds shown.
    decimation_factor : int
        Minimum min/max decimation factor.
    max_display_points : int
        Upper bound on the points drawn per channel (the factor grows to respect it).
    max_read_samples : int
        Upper bound on the samples read per channel and refresh.
    """

    def __init__(self, hdf5_path: str = "/tmp/data.hdf5", update_interval_ms: int = 50,
                 display_window_seconds: float = 0.5, decimation_factor: int = 150,
                 max_display_points: int = 4000, max_read_samples: int = 4_000_000,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.hdf5_path = os.fspath(hdf5_path)
        self.update_interval_ms = int(update_interval_ms)
        self.display_window_seconds = float(display_window_seconds)
        self.decimation_factor = max(1, int(decimation_factor))
        self.max_display_points = max(2, int(max_display_points))
        self.max_read_samples = int(max_read_samples)
        self.error_count = 0
        self.state = "waiting for file"
        self.last_error = ""
        self.n_samples = 0
        self.latency_ms = 0.0
        self._reader: StreamFileReader | None = None
        self._curves: list[Any] = []
        self._rate_mark: tuple[float, int] | None = None
        self.measured_rate = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.update_plot)
        self._build()

    # ------------------------------------------------------------------ widgets
    def _build(self) -> None:
        self.setWindowTitle(f"daqcore live stream: {self.hdf5_path}")
        central = QtWidgets.QWidget(self)
        layout = QtWidgets.QVBoxLayout(central)
        self.status_label = QtWidgets.QLabel("waiting for file", central)
        self.plot_widget = pg.PlotWidget(parent=central)
        self.plot_widget.showGrid(x=True, y=True, alpha=0.3)
        self.plot_widget.setLabel("bottom", "time", units="s")
        self.plot_widget.addLegend()
        layout.addWidget(self.status_label)
        layout.addWidget(self.plot_widget, 1)
        self.setCentralWidget(central)
        self.resize(900, 500)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if key == QtCore.Qt.Key.Key_S:
            self.save_screenshot()
        elif key == QtCore.Qt.Key.Key_Q:
            self.close()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ public API
    def set_hdf5_path(self, hdf5_path: str) -> None:
        """Follow another file (the current one is closed)."""
        self._close_reader()
        self.hdf5_path = os.fspath(hdf5_path)
        self.setWindowTitle(f"daqcore live stream: {self.hdf5_path}")
        self.state = "waiting for file"

    def start_updates(self) -> None:
        """Refresh every ``update_interval_ms``."""
        self._timer.start(self.update_interval_ms)

    def stop_updates(self) -> None:
        self._timer.stop()

    def save_screenshot(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Save the window as PNG (default: ``<file>_<time>.png`` next to the file)."""
        if path is None:
            stem = Path(self.hdf5_path)
            path = stem.with_name(f"{stem.stem}_{time.strftime('%Y%m%d_%H%M%S')}.png")
        target = Path(path)
        self.grab().save(str(target), "PNG")
        self.status_label.setText(f"{self.status_label.text()}  |  saved {target.name}")
        return target

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.stop_updates()
        self._close_reader()
        super().closeEvent(event)

    # ------------------------------------------------------------------ refresh
    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        self._rate_mark = None

    def _open_reader(self) -> StreamFileReader | None:
        if self._reader is None:
            if not os.path.exists(self.hdf5_path):
                self.state = "waiting for file"
                return None
            self._reader = StreamFileReader(self.hdf5_path)
            self._setup_curves(self._reader)
        return self._reader

    def _setup_curves(self, reader: StreamFileReader) -> None:
        self.plot_widget.clear()
        self._curves = []
        unit = "counts"
        for i, channel in enumerate(reader.channels):
            unit = _scale_for(reader.attrs, channel)[2]
            pen = pg.mkPen(COLOURS[i % len(COLOURS)], width=1)
            curve = self.plot_widget.plot([], [], pen=pen, name=channel)
            curve.setClipToView(True)
            self._curves.append(curve)
        self.plot_widget.setLabel("left", f"signal ({unit})")  # no SI prefix on top of mV

    def update_plot(self) -> None:
        """One refresh: read the newest window from the file and redraw."""
        t_start = time.perf_counter()
        try:
            reader = self._open_reader()
            if reader is None:
                self._show_status()
                return
            total = reader.refresh()
            self.n_samples = total
            self._measure_rate(total)
            dt = _interval_s(reader.attrs)
            window = min(int(self.display_window_seconds / dt), self.max_read_samples,
                         total - reader.first_available)
            if window > 1:
                start = total - window
                factor = max(self.decimation_factor,
                             -(-window // max(1, self.max_display_points // 2)))
                groups = window // factor
                times = np.repeat((start + np.arange(groups) * factor) * dt, 2)
                for i, channel in enumerate(reader.channels):
                    counts = reader.read(i, start, window)
                    env = min_max_envelope(counts, factor).astype(np.float64)
                    scale, offset, _ = _scale_for(reader.attrs, channel)
                    self._curves[i].setData(times[:env.size], env * scale - offset)
                self.plot_widget.setXRange(start * dt, total * dt, padding=0)
            summary = reader.summary()
            self.state = summary.get("status", "active") if summary else "active"
            if self.state == "running":
                self.state = "active"
        except Exception as exc:  # a file being replaced or truncated: retry next time
            self.error_count += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.state = "file error"
            self._close_reader()
        self.latency_ms = (time.perf_counter() - t_start) * 1000
        self._show_status()

    def _measure_rate(self, total: int) -> None:
        now = time.monotonic()
        if self._rate_mark is None:
            self._rate_mark = (now, total)
        elif now - self._rate_mark[0] >= 1.0:
            self.measured_rate = (total - self._rate_mark[1]) / (now - self._rate_mark[0])
            self._rate_mark = (now, total)

    def _show_status(self) -> None:
        configured = ""
        if self._reader is not None:
            configured = f" : {1.0 / _interval_s(self._reader.attrs) / 1e6:.2f}"
        text = (f"{self.state}  |  {self.n_samples:,} samples  |  rate "
                f"{self.measured_rate / 1e6:.2f}{configured} MS/s  |  latency "
                f"{self.latency_ms:.0f} ms  |  errors {self.error_count}")
        self.status_label.setText(text)


def run_viewer(hdf5_path: str, **options: Any) -> int:
    """Open a :class:`HDF5LivePlotter` window on ``hdf5_path`` and run the Qt event loop."""
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    plotter = HDF5LivePlotter(hdf5_path, **options)
    plotter.show()
    plotter.start_updates()
    plotter.update_plot()
    return int(app.exec())


__all__ = ["HDF5LivePlotter", "min_max_envelope", "run_viewer"]
