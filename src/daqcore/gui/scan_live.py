"""Live display of a scan as it fills: every detector channel reduced to one value per point.

:class:`ScanLiveModel` (no Qt) receives the engine's point events or records in the scan
thread and fills one NaN-initialised array of the scan shape per channel (0D channels as they
are, higher-dimensional ones by their mean). :class:`ScanLiveView` redraws the selected channel
at most ``refresh_hz`` times per second, as a curve against the actuator for a 1D scan or an
image with both actuator axes for a 2D grid.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from qtpy import QtCore, QtWidgets

from daqcore.data import Axis, DataWithAxes
from daqcore.gui.data_viewer import DataViewer


def point_data(item: Any) -> tuple[tuple[int, ...], tuple[Any, ...]] | None:
    """``(indexes, detector_data)`` of a scan point event or record; None for anything else.

    Accepts :class:`~daqcore.acquisition.events.ProgressEvent` (``kind == 'point'``) and
    :class:`~daqcore.data.records.PointRecord`.
    """
    data = getattr(item, "detector_data", None)
    if data is None and getattr(item, "kind", None) == "point":
        data = item.data
    indexes = getattr(item, "indexes", None)
    if data is None or indexes is None:
        return None
    return tuple(int(i) for i in indexes), tuple(data)


class ScanLiveModel:
    """Arrays of the scan shape, one per detector channel, filled point by point (thread-safe).

    Parameters
    ----------
    shape : tuple of int
        Extended (scan) shape.
    nav_axes : sequence of Axis
        The scanner's navigation axes (``index`` = dimension of ``shape``).
    detector_names : sequence of str
        Names of the detectors, in the order of the point data.
    """

    def __init__(self, shape: Sequence[int], nav_axes: Sequence[Axis],
                 detector_names: Sequence[str]) -> None:
        self.shape = tuple(int(s) for s in shape)
        self.nav_axes = list(nav_axes)
        self.detector_names = list(detector_names)
        self._lock = threading.Lock()
        self._arrays: dict[str, np.ndarray] = {}
        self._units: dict[str, str] = {}
        self.n_points = 0
        self.version = 0

    @property
    def channels(self) -> list[str]:
        """``detector/data/channel`` keys seen so far, in order of appearance."""
        with self._lock:
            return list(self._arrays)

    def add(self, item: Any) -> bool:
        """Store one point (event or record); False when ``item`` is not a point."""
        point = point_data(item)
        if point is None:
            return False
        indexes, detector_data = point
        if len(indexes) != len(self.shape):
            return False
        with self._lock:
            for name, dte in zip(self.detector_names, detector_data):
                for dwa in dte:
                    labels = dwa.labels or [f"CH{i:02d}" for i in range(len(dwa))]
                    for label, array in zip(labels, dwa.data):
                        key = f"{name}/{dwa.name}/{label}"
                        target = self._arrays.get(key)
                        if target is None:
                            target = np.full(self.shape, np.nan)
                            self._arrays[key] = target
                            self._units[key] = dwa.units
                        a = np.asarray(array)
                        target[indexes] = float(np.nanmean(np.abs(a) if np.iscomplexobj(a)
                                                           else a)) if a.size else np.nan
            self.n_points += 1
            self.version += 1
        return True

    def as_dwa(self, key: str) -> DataWithAxes:
        """The channel ``key`` as a DataWithAxes with the navigation axes (a copy)."""
        with self._lock:
            array = self._arrays[key].copy()
            units = self._units[key]
        axes = [Axis(a.label, a.units, data=np.asarray(a.get_data()), index=a.index)
                for a in self.nav_axes
                if a.index < array.ndim and a.size == array.shape[a.index]]
        return DataWithAxes(key, data=[array], units=units, axes=axes, labels=[key])


class ScanLiveView(QtWidgets.QWidget):
    """Channel selector and a viewer redrawn from a :class:`ScanLiveModel` on a timer."""

    def __init__(self, refresh_hz: float = 20.0, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: ScanLiveModel | None = None
        self.channel = QtWidgets.QComboBox()
        self.viewer = DataViewer(by_shape=True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("live channel"))
        row.addWidget(self.channel, 1)
        layout.addLayout(row)
        layout.addWidget(self.viewer, 1)
        self._drawn_version = -1
        self.n_redraws = 0
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(max(int(1000 / refresh_hz), 1))
        self._timer.timeout.connect(self.redraw)
        self.channel.currentIndexChanged.connect(lambda _i: self.redraw(force=True))

    def follow(self, model: ScanLiveModel) -> None:
        """Show ``model`` from now on (a new scan)."""
        self.model = model
        self.channel.clear()
        self.viewer.clear()
        self._drawn_version = -1
        self._timer.start()

    def stop_following(self) -> None:
        """Last redraw and stop the timer (the scan ended)."""
        self.redraw()
        self._timer.stop()

    def redraw(self, force: bool = False) -> None:
        """Redraw if new points arrived since the last redraw."""
        model = self.model
        if model is None or (model.version == self._drawn_version and not force):
            return
        channels = model.channels
        if channels and self.channel.count() != len(channels):
            current = self.channel.currentText()
            self.channel.blockSignals(True)
            self.channel.clear()
            self.channel.addItems(channels)
            if current in channels:
                self.channel.setCurrentText(current)
            self.channel.blockSignals(False)
        key = self.channel.currentText()
        if not key:
            return
        self._drawn_version = model.version
        self.viewer.show_dwa(model.as_dwa(key), key="scan")
        self.n_redraws += 1


__all__ = ["ScanLiveModel", "ScanLiveView", "point_data"]
