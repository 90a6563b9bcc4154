"""1D viewer: one curve per channel, against the signal axis with its label and units."""

from __future__ import annotations

import datetime

import numpy as np
import pyqtgraph as pg
from qtpy import QtWidgets

from daqcore.data import DataWithAxes
from daqcore.gui.plot_data import AxisView, axis_for, channel_arrays
from daqcore.gui.viewer0d import PENS


class Viewer1D(QtWidgets.QWidget):
    """Curves of a 1D DataWithAxes (downsampled and clipped to view for long traces)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget()
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.addLegend(offset=(5, 5))
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        layout.addWidget(self.plot)
        self.curves: list[pg.PlotDataItem] = []
        self._labels: list[str] = []
        self.n_updates = 0
        self.x_label = ""
        self.y_label = ""
        self.time_origin = ""

    def show_data(self, dwa: DataWithAxes) -> None:
        """Draw every channel of ``dwa`` (arrays of more than one dimension are flattened)."""
        arrays = [a.ravel() for a in channel_arrays(dwa)]
        size = arrays[0].size if arrays else 0
        axis = axis_for(dwa, _first_long_dim(dwa), size)
        labels = dwa.labels or [f"CH{i:02d}" for i in range(len(arrays))]
        if labels != self._labels:
            self.plot.clear()
            self.curves = [self.plot.plot(pen=PENS[i % len(PENS)], name=label)
                           for i, label in enumerate(labels)]
            self._labels = list(labels)
        values, origin = relative_time(axis)
        for curve, y in zip(self.curves, arrays):
            x = values if values.size == y.size else np.arange(y.size, dtype=float)
            curve.setData(x, y)
        if origin != self.time_origin:
            self.time_origin = origin
            self.plot.setTitle(f"time from {origin}" if origin else None)
        if axis.text != self.x_label:
            self.x_label = axis.text
            self.plot.setLabel("bottom", axis.text)
        y_text = f"{dwa.name} ({dwa.units})" if dwa.units else dwa.name
        if y_text != self.y_label:
            self.y_label = y_text
            self.plot.setLabel("left", y_text)
        self.n_updates += 1


EPOCH_THRESHOLD = 1e8
"""Time values above this (seconds) are taken as seconds since the epoch (logger files)."""


def relative_time(axis: AxisView) -> tuple[np.ndarray, str]:
    """A ``time`` axis of epoch seconds as seconds from its first value, with that first value
    as local date and time text; any other axis unchanged (and ``''``)."""
    values = axis.values
    if axis.label.lower() != "time" or axis.units != "s" or values.size == 0 \
            or not np.isfinite(values[0]) or values[0] < EPOCH_THRESHOLD:
        return values, ""
    start = float(values[0])
    text = datetime.datetime.fromtimestamp(start).strftime("%Y-%m-%d %H:%M:%S")
    return values - start, text


def _first_long_dim(dwa: DataWithAxes) -> int:
    for index, size in enumerate(dwa.shape):
        if size > 1:
            return index
    return 0


__all__ = ["Viewer1D"]
