"""A viewer chosen by dimension for each DataWithAxes of a DataToExport."""

from __future__ import annotations

from qtpy import QtWidgets

from daqcore.data import DataDim, DataToExport, DataWithAxes
from daqcore.gui.plot_data import displayed_ndim
from daqcore.gui.viewer0d import Viewer0D
from daqcore.gui.viewer1d import Viewer1D
from daqcore.gui.viewer2d import Viewer2D

Viewer = Viewer0D | Viewer1D | Viewer2D


def viewer_for_ndim(ndim: int, parent: QtWidgets.QWidget | None = None) -> Viewer:
    """A 0D (numbers and trend), 1D (curves) or 2D (image) viewer."""
    if ndim <= 0:
        return Viewer0D(parent=parent)
    if ndim == 1:
        return Viewer1D(parent=parent)
    return Viewer2D(parent=parent)


def ndim_of(dwa: DataWithAxes) -> int:
    """Viewer dimensionality of a detector's DataWithAxes (its declared dim, at most 2)."""
    if dwa.dim == DataDim.DataND:
        return 2
    return min(int(dwa.dim.value), 2)


class DataViewer(QtWidgets.QWidget):
    """One viewer per DataWithAxes (keyed by name), created at the first data received.

    Parameters
    ----------
    by_shape : bool
        Choose the viewer from the number of non-trivial dimensions (browser, scan data)
        instead of the declared ``dim`` (detector data).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, by_shape: bool = False) -> None:
        super().__init__(parent)
        self.by_shape = by_shape
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setDocumentMode(True)
        self._layout.addWidget(self.tabs)
        self.viewers: dict[str, Viewer] = {}

    def show_dte(self, dte: DataToExport) -> None:
        """Show every DataWithAxes of ``dte``."""
        for dwa in dte:
            self.show_dwa(dwa)

    def show_dwa(self, dwa: DataWithAxes, key: str | None = None) -> Viewer:
        """Show ``dwa`` in the viewer named ``key`` (default: its name), created or replaced
        when the dimension changes."""
        ndim = displayed_ndim(dwa) if self.by_shape else ndim_of(dwa)
        key = key or dwa.name or "data"
        viewer = self.viewers.get(key)
        if viewer is None or _ndim(viewer) != ndim:
            new = viewer_for_ndim(ndim)
            if viewer is not None:
                index = self.tabs.indexOf(viewer)
                self.tabs.removeTab(index)
                viewer.deleteLater()
                self.tabs.insertTab(index, new, key)
            else:
                self.tabs.addTab(new, key)
            self.viewers[key] = new
            viewer = new
        viewer.show_data(dwa)
        self.tabs.tabBar().setVisible(len(self.viewers) > 1)
        return viewer

    def clear(self) -> None:
        """Remove every viewer."""
        self.tabs.clear()
        for viewer in self.viewers.values():
            viewer.deleteLater()
        self.viewers.clear()


def _ndim(viewer: Viewer) -> int:
    return 0 if isinstance(viewer, Viewer0D) else 1 if isinstance(viewer, Viewer1D) else 2


__all__ = ["DataViewer", "Viewer", "ndim_of", "viewer_for_ndim"]
