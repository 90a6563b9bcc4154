"""The *Modules* tab: actuator modules in a column, detector modules in a grid, both scrollable."""

from __future__ import annotations

from qtpy import QtCore, QtWidgets


def _scroll(widget: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    area = QtWidgets.QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class ModulesArea(QtWidgets.QSplitter):
    """Holds module widgets; :meth:`add` places one by kind, :meth:`remove` takes it out."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(QtCore.Qt.Orientation.Horizontal, parent)
        self._actuators = QtWidgets.QWidget()
        self._actuator_layout = QtWidgets.QVBoxLayout(self._actuators)
        self._actuator_layout.addStretch(1)
        self._detectors = QtWidgets.QWidget()
        self._detector_layout = QtWidgets.QGridLayout(self._detectors)
        self.addWidget(_scroll(self._actuators))
        self.addWidget(_scroll(self._detectors))
        self.setStretchFactor(1, 3)
        self.setSizes([460, 1000])
        self._n_detectors = 0

    def add(self, widget: QtWidgets.QWidget, kind: str) -> None:
        """Place a module (``kind`` 'actuator' or 'detector')."""
        if kind == "actuator":
            self._actuator_layout.insertWidget(self._actuator_layout.count() - 1, widget)
        else:
            row, column = divmod(self._n_detectors, 2)
            self._detector_layout.addWidget(widget, row, column)
            widget.setMinimumHeight(380)
            self._n_detectors += 1

    def clear(self) -> None:
        """Remove every module widget (they are deleted)."""
        # No layout.removeWidget: with PySide it hands the widget's ownership back to Python,
        # whose wrapper may then be freed while Qt still lists the widget as a child (a crash
        # when the parent is deleted). deleteLater also takes the widget out of its layout.
        for layout in (self._actuator_layout, self._detector_layout):
            for index in range(layout.count()):
                item = layout.itemAt(index)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    widget.deleteLater()
        self._n_detectors = 0


__all__ = ["ModulesArea"]
