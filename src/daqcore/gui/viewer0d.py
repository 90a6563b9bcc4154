"""0D viewer: the latest value of every channel in large digits, and their trend."""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from qtpy import QtWidgets

from daqcore.data import DataWithAxes
from daqcore.gui.plot_data import channel_arrays, value_text

PENS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


class Viewer0D(QtWidgets.QWidget):
    """Numbers and a trend plot of the last ``history`` values of each channel."""

    def __init__(self, history: int = 500, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.numbers = QtWidgets.QLabel("-")
        font = self.numbers.font()
        font.setPointSize(font.pointSize() + 6)
        self.numbers.setFont(font)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "sample")
        self.plot.addLegend(offset=(5, 5))
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        layout.addWidget(self.numbers)
        layout.addWidget(self.plot, 1)
        self._trends: list[deque[float]] = []
        self.curves: list[pg.PlotDataItem] = []
        self.n_updates = 0

    def show_data(self, dwa: DataWithAxes) -> None:
        """Append the channels' values (their mean, for a non-scalar array) and redraw."""
        values = [float(np.nanmean(a)) if a.size else float("nan") for a in channel_arrays(dwa)]
        labels = dwa.labels or [f"CH{i:02d}" for i in range(len(values))]
        if len(self.curves) != len(values):
            self._reset(labels)
        for trend, curve, value in zip(self._trends, self.curves, values):
            trend.append(value)
            curve.setData(np.fromiter(trend, float, len(trend)))
        self.numbers.setText("   ".join(f"{label}: {value_text(v, dwa.units)}"
                                        for label, v in zip(labels, values)))
        self.plot.setLabel("left", "value", units=None)
        if dwa.units:
            self.plot.setLabel("left", f"value ({dwa.units})")
        self.n_updates += 1

    def _reset(self, labels: list[str]) -> None:
        self.plot.clear()
        self._trends = [deque(maxlen=self.history) for _ in labels]
        self.curves = [self.plot.plot(pen=PENS[i % len(PENS)], name=label)
                        for i, label in enumerate(labels)]

    @property
    def last_values(self) -> list[float]:
        """The latest value of each channel (tests read it)."""
        return [t[-1] for t in self._trends if t]


__all__ = ["PENS", "Viewer0D"]
