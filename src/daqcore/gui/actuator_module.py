"""An actuator module: settings, init/close, current value, moves, home, stop, bounds.

Moves run in the module's worker thread and wait for the target (so the next queued move
starts from there); the position is read every ``poll_ms`` in a short-lived thread of its own,
so the value shown keeps moving during a motion, and *Stop* bypasses the queue.
"""

from __future__ import annotations

import threading
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.gui.module_base import InstrumentModule
from daqcore.gui.status_line import describe_error


def _spin(value: float = 0.0) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox()
    box.setDecimals(6)
    box.setRange(-1e12, 1e12)
    box.setValue(value)
    box.setKeyboardTracking(False)
    return box


class ActuatorModule(InstrumentModule):
    """Dashboard module of one actuator (PyMoDAQ's DAQ_Move)."""

    kind = "actuator"
    position_changed = QtCore.Signal(float)

    def __init__(self, name: str, actuator: Any, parent: QtWidgets.QWidget | None = None,
                 poll_ms: int = 200) -> None:
        super().__init__(name, actuator, parent)
        units = getattr(actuator, "units", "")
        self.units = units
        self.current_value: float | None = None
        self.value_label = QtWidgets.QLabel("-")
        font = self.value_label.font()
        font.setPointSize(font.pointSize() + 6)
        self.value_label.setFont(font)
        self.bounds_label = QtWidgets.QLabel("")
        self.abs_spin = _spin()
        self.rel_spin = _spin(1.0)
        self.abs_button = QtWidgets.QPushButton("Move abs")
        self.rel_plus_button = QtWidgets.QPushButton("Rel +")
        self.rel_minus_button = QtWidgets.QPushButton("Rel -")
        self.home_button = QtWidgets.QPushButton("Home")
        self.stop_button = QtWidgets.QPushButton("Stop")
        for spin in (self.abs_spin, self.rel_spin):
            spin.setSuffix(f" {units}" if units else "")
        self.abs_button.clicked.connect(lambda: self.move_abs(self.abs_spin.value()))
        self.rel_plus_button.clicked.connect(lambda: self.move_rel(self.rel_spin.value()))
        self.rel_minus_button.clicked.connect(lambda: self.move_rel(-self.rel_spin.value()))
        self.home_button.clicked.connect(self.move_home)
        self.stop_button.clicked.connect(self.stop)

        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.init_button)
        top.addWidget(self.close_button)
        top.addWidget(self.settings_button)
        top.addWidget(self.value_label, 1)
        grid = QtWidgets.QGridLayout()
        grid.addWidget(QtWidgets.QLabel("absolute"), 0, 0)
        grid.addWidget(self.abs_spin, 0, 1)
        grid.addWidget(self.abs_button, 0, 2)
        grid.addWidget(QtWidgets.QLabel("relative"), 1, 0)
        grid.addWidget(self.rel_spin, 1, 1)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.rel_minus_button)
        row.addWidget(self.rel_plus_button)
        grid.addLayout(row, 1, 2)
        grid.addWidget(self.home_button, 2, 1)
        grid.addWidget(self.stop_button, 2, 2)
        grid.setColumnStretch(1, 1)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self.bounds_label)
        self.layout_.addLayout(grid)
        self.layout_.addWidget(self.settings_tree, 1)
        self.layout_.addWidget(self.status)

        self._polling = False
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.refresh_value)
        actuator.settings.subscribe(self._settings_changed)
        self._show_bounds()
        self.settings_tree.setVisible(False)
        self._update_enabled()

    # ------------------------------------------------------------------ state
    def update_actions(self, ready: bool) -> None:
        for button in (self.abs_button, self.rel_plus_button, self.rel_minus_button,
                       self.home_button, self.stop_button):
            button.setEnabled(ready)
        if ready:
            self._poll.start()
            self.refresh_value()
        else:
            self._poll.stop()

    def _settings_changed(self, setting: Any, _old: Any, _new: Any) -> None:
        if setting.path.startswith("bounds"):
            self.bridge.post(self._show_bounds)

    def _show_bounds(self) -> None:
        bounds = self.instrument.bounds
        units = f" {self.units}" if self.units else ""
        self.bounds_label.setText("no bounds" if bounds is None
                                  else f"bounds: [{bounds[0]:g}, {bounds[1]:g}]{units}")

    # ------------------------------------------------------------------ moves
    def move_abs(self, value: float) -> None:
        """Move to ``value`` (waits in the worker for the target)."""
        self.status.info(f"moving to {value:g} {self.units}")
        self.run("move", lambda: self.instrument.move_abs(value), self._moved)

    def move_rel(self, step: float) -> None:
        """Move by ``step`` from where the previous queued move ends."""
        self.status.info(f"moving by {step:+g} {self.units}")
        self.run("move", lambda: self.instrument.move_rel(step), self._moved)

    def move_home(self) -> None:
        """Move to the home position."""
        self.status.info("homing")
        self.run("home", self.instrument.move_home, self._moved)

    def _moved(self, reached: Any) -> None:
        value = reached.value() if hasattr(reached, "value") else reached
        if value is not None:
            self._show_value(float(value))
            self.status.info(f"reached {float(value):g} {self.units}")

    def stop(self) -> None:
        """Stop the motion now (not queued behind the running move)."""
        self._side_call(self.instrument.stop_motion, lambda _r: self.status.info("stopped"),
                        "stop")

    # ------------------------------------------------------------------ position
    def refresh_value(self) -> None:
        """Read the position (in a side thread, one read at a time)."""
        if self._polling or not self.is_initialized:
            return
        self._polling = True
        self._side_call(lambda: self.instrument.current_value, self._polled, "read position")

    def _polled(self, value: Any) -> None:
        self._polling = False
        self._show_value(float(value))

    def _show_value(self, value: float) -> None:
        self.current_value = value
        self.value_label.setText(f"{value:.6g} {self.units}".rstrip())
        self.position_changed.emit(value)

    def _side_call(self, function: Any, on_done: Any, what: str) -> None:
        def job() -> None:
            try:
                result = function()
            except Exception as exc:
                self.bridge.post(self._side_failed, what, exc)
            else:
                self.bridge.post(on_done, result)

        threading.Thread(target=job, name=f"daqcore-gui-{self.name}-{what}", daemon=True).start()

    def _side_failed(self, what: str, exc: BaseException) -> None:
        if what == "read position":
            self._polling = False
            if not self.is_initialized:
                return
        self.status.error(f"{what} failed: {describe_error(exc)}")

    def before_close(self) -> None:
        self._poll.stop()
        self.instrument.settings.unsubscribe(self._settings_changed)


__all__ = ["ActuatorModule"]
