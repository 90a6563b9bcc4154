"""2D viewer: an image with its axes, a colour bar and a cross-hair reading the value under it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from qtpy import QtCore, QtWidgets

from daqcore.data import DataWithAxes
from daqcore.gui.plot_data import AxisView, axis_for, channel_arrays, reduce_to_2d, value_text


class Viewer2D(QtWidgets.QWidget):
    """Image of one channel of a 2D DataWithAxes (choose it in the combo box)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QtWidgets.QHBoxLayout()
        self.channel = QtWidgets.QComboBox()
        self.crosshair_box = QtWidgets.QCheckBox("cross-hair")
        self.crosshair_box.setChecked(True)
        self.readout = QtWidgets.QLabel("")
        self.channel_label = QtWidgets.QLabel("channel")
        bar.addWidget(self.channel_label)
        bar.addWidget(self.channel)
        bar.addWidget(self.crosshair_box)
        bar.addWidget(self.readout, 1)
        layout.addLayout(bar)
        self.graphics = pg.GraphicsLayoutWidget()
        layout.addWidget(self.graphics, 1)
        self.plot = self.graphics.addPlot()
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.v_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("r"))
        self.h_line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("r"))
        self.plot.addItem(self.v_line, ignoreBounds=True)
        self.plot.addItem(self.h_line, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.crosshair_box.toggled.connect(self._toggle_crosshair)
        self.channel.currentIndexChanged.connect(self._redraw)
        self._arrays: list[np.ndarray] = []
        self._x: AxisView | None = None
        self._y: AxisView | None = None
        self._units = ""
        self.n_updates = 0

    def show_data(self, dwa: DataWithAxes) -> None:
        """Draw ``dwa`` (dimensions beyond two are sliced at index 0)."""
        arrays = []
        kept: tuple[int, ...] = ()
        for array in channel_arrays(dwa):
            a = np.squeeze(array) if array.ndim > 2 else array
            a, kept = reduce_to_2d(a if a.ndim >= 2 else np.atleast_2d(a))
            arrays.append(a)
        self._arrays = arrays
        if not arrays:
            return
        rows, cols = arrays[0].shape
        squeezed = [i for i, s in enumerate(dwa.shape) if s > 1]
        row_dim, col_dim = (squeezed[-2], squeezed[-1]) if len(squeezed) >= 2 else (0, 1)
        if len(kept) == 2 and len(squeezed) < 2:
            row_dim, col_dim = kept
        self._y = axis_for(dwa, row_dim, rows)
        self._x = axis_for(dwa, col_dim, cols)
        self._units = dwa.units
        labels = dwa.labels or [f"CH{i:02d}" for i in range(len(arrays))]
        if [self.channel.itemText(i) for i in range(self.channel.count())] != labels:
            self.channel.blockSignals(True)
            self.channel.clear()
            self.channel.addItems(labels)
            self.channel.blockSignals(False)
            self.channel.setVisible(len(labels) > 1)
            self.channel_label.setVisible(len(labels) > 1)
        self.plot.setLabel("bottom", self._x.text)
        self.plot.setLabel("left", self._y.text)
        self._redraw()
        self.n_updates += 1

    def _redraw(self) -> None:
        if not self._arrays or self._x is None or self._y is None:
            return
        image = self._arrays[max(self.channel.currentIndex(), 0)]
        finite = image[np.isfinite(image)]
        levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if levels[0] == levels[1]:
            levels = (levels[0] - 0.5, levels[1] + 0.5)
        self.image.setImage(image, autoLevels=False, levels=levels)
        self.colorbar.setLevels(levels)
        x0, width = self._x.linear_rect()
        y0, height = self._y.linear_rect()
        self.image.setRect(QtCore.QRectF(x0, y0, width, height))

    def _toggle_crosshair(self, on: bool) -> None:
        self.v_line.setVisible(on)
        self.h_line.setVisible(on)
        if not on:
            self.readout.setText("")

    def _mouse_moved(self, position: QtCore.QPointF) -> None:
        if self.crosshair_box.isChecked() and self.plot.sceneBoundingRect().contains(position):
            point = self.plot.vb.mapSceneToView(position)
            self.set_crosshair(point.x(), point.y())

    def set_crosshair(self, x: float, y: float) -> float:
        """Move the cross-hair to (x, y) in axis units; returns the value under it."""
        self.v_line.setPos(x)
        self.h_line.setPos(y)
        value = self.value_at(x, y)
        self.readout.setText(f"x={x:.4g} y={y:.4g}  value={value_text(value, self._units)}")
        return value

    def value_at(self, x: float, y: float) -> float:
        """The image value at (x, y) in axis units (nan outside the image)."""
        if not self._arrays or self._x is None or self._y is None:
            return float("nan")
        image = self._arrays[max(self.channel.currentIndex(), 0)]
        col = int(np.argmin(np.abs(self._x.values - x)))
        row = int(np.argmin(np.abs(self._y.values - y)))
        x0, width = self._x.linear_rect()
        y0, height = self._y.linear_rect()
        if not (min(x0, x0 + width) <= x <= max(x0, x0 + width)
                and min(y0, y0 + height) <= y <= max(y0, y0 + height)):
            return float("nan")
        return float(image[row, col])


__all__ = ["Viewer2D"]
