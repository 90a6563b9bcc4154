"""A detector module: settings, init/close, snap, live grab, viewers, snapshots, saving.

Grabs run in the module's worker thread; a live grab runs in the detector's own live thread
and hands each DataToExport to the viewers through a :class:`~daqcore.gui.bridge.LatestValue`
(the screen shows the newest data, never a backlog) and, when continuous saving is on, to a
:class:`~daqcore.gui.detector_saving.ContinuousSaver` in that same thread (every grab is saved).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.data import DataToExport
from daqcore.gui.bridge import LatestValue
from daqcore.gui.data_viewer import DataViewer
from daqcore.gui.detector_saving import ContinuousSaver, save_snapshot
from daqcore.gui.module_base import InstrumentModule
from daqcore.gui.saving_options import SavingOptions
from daqcore.gui.status_line import describe_error

OptionsGetter = Callable[[], SavingOptions]


class DetectorModule(InstrumentModule):
    """Dashboard module of one detector (PyMoDAQ's DAQ_Viewer).

    Parameters
    ----------
    name : str
        Module title.
    detector : Detector
        A created detector.
    saving_options : callable
        Returns the dashboard's current :class:`SavingOptions` (read at each save).
    """

    kind = "detector"
    data_shown = QtCore.Signal(object)
    """Emitted with each DataToExport drawn."""

    def __init__(self, name: str, detector: Any, saving_options: OptionsGetter = SavingOptions,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(name, detector, parent)
        self._options = saving_options
        self.last_data: DataToExport | None = None
        self.n_shown = 0
        self.last_saved: Path | None = None
        self.continuous: ContinuousSaver | None = None
        self._latest = LatestValue(self._show, self)

        self.snap_button = QtWidgets.QPushButton("Snap")
        self.grab_button = QtWidgets.QPushButton("Grab")
        self.grab_button.setCheckable(True)
        self.save_button = QtWidgets.QPushButton("Save snapshot")
        self.continuous_box = QtWidgets.QCheckBox("Continuous saving")
        self.snap_button.clicked.connect(self.snap)
        self.grab_button.toggled.connect(self._grab_toggled)
        self.save_button.clicked.connect(self.save_snapshot)
        self.continuous_box.toggled.connect(self._continuous_toggled)

        buttons = QtWidgets.QGridLayout()
        for column, widget in enumerate((self.init_button, self.close_button,
                                         self.settings_button)):
            buttons.addWidget(widget, 0, column)
        actions: tuple[QtWidgets.QWidget, ...] = (self.snap_button, self.grab_button,
                                                  self.save_button, self.continuous_box)
        for column, action in enumerate(actions):
            buttons.addWidget(action, 1, column)
        buttons.setColumnStretch(4, 1)
        self.viewer = DataViewer()
        splitter = QtWidgets.QSplitter()
        splitter.addWidget(self.settings_tree)
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([200, 500])
        self.settings_button.setChecked(True)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(splitter, 1)
        self.layout_.addWidget(self.status)

        self._watch = QtCore.QTimer(self)
        self._watch.setInterval(200)
        self._watch.timeout.connect(self._check_live)
        self._update_enabled()

    # ------------------------------------------------------------------ actions
    def update_actions(self, ready: bool) -> None:
        self.snap_button.setEnabled(ready and not self.grab_button.isChecked())
        self.grab_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        if not ready and self.grab_button.isChecked():
            self.grab_button.blockSignals(True)
            self.grab_button.setChecked(False)
            self.grab_button.blockSignals(False)
            self._watch.stop()

    def snap(self) -> None:
        """Grab once and show the data."""
        self.run("snap", self.instrument.grab_data, self._snapped)

    def _snapped(self, dte: DataToExport) -> None:
        self._show(dte)
        self.status.info(f"snap: {len(dte)} data")

    def _show(self, dte: DataToExport | None) -> None:
        if dte is None:
            return
        self.last_data = dte
        try:
            self.viewer.show_dte(dte)
        except Exception as exc:  # a viewer problem must not end the live loop
            self.status.error(f"display failed: {describe_error(exc)}")
            return
        self.n_shown += 1
        self.data_shown.emit(dte)

    # ------------------------------------------------------------------ live
    @property
    def is_grabbing(self) -> bool:
        """True while the continuous grab runs."""
        return bool(self.instrument.is_live)

    def start_grab(self) -> None:
        """Start the continuous grab (same as checking *Grab*)."""
        self.grab_button.setChecked(True)

    def stop_grab(self) -> None:
        """Stop the continuous grab (same as unchecking *Grab*)."""
        self.grab_button.setChecked(False)

    def _grab_toggled(self, on: bool) -> None:
        self.snap_button.setEnabled(not on and self.is_initialized)
        if on:
            self.run("grab", lambda: self.instrument.start_live(self._live_data),
                     lambda _r: self._grab_started())
        else:
            self._watch.stop()
            self.run("stop grab", self.instrument.stop_live,
                     lambda _r: self.status.info(f"grab stopped after {self.n_shown} frames"))

    def _grab_started(self) -> None:
        self.status.info("grabbing")
        self._watch.start()

    def _live_data(self, dte: DataToExport) -> None:  # live thread
        saver = self.continuous
        if saver is not None:
            try:
                saver.add(dte)
            except Exception as exc:  # stop saving, keep grabbing
                self.continuous = None
                self.bridge.post(self._continuous_failed, saver, exc)
        self._latest.set(dte)

    def _check_live(self) -> None:
        if self.grab_button.isChecked() and not self.instrument.is_live:
            self._watch.stop()
            error = self.instrument.live_error
            self.grab_button.blockSignals(True)
            self.grab_button.setChecked(False)
            self.grab_button.blockSignals(False)
            self.snap_button.setEnabled(self.is_initialized)
            if error is not None:
                self.report_error("grab", error)
            else:
                self.status.info("grab ended")

    # ------------------------------------------------------------------ saving
    def save_snapshot(self) -> None:
        """Save the data shown (or a fresh grab if none) in a new file."""
        options = self._options()
        title = self.name
        settings_xml = self.instrument.settings.to_xml()
        shown = self.last_data

        def save() -> Path:
            dte = shown if shown is not None else self.instrument.grab_data()
            return save_snapshot(options, dte, title, settings_xml)

        self.run("snapshot", save, self._snapshot_saved)

    def _snapshot_saved(self, path: Path) -> None:
        self.last_saved = path
        self.status.info(f"snapshot saved: {path}")

    def _continuous_toggled(self, on: bool) -> None:
        if on:
            options = self._options()
            settings_xml = self.instrument.settings.to_xml()
            self.run("continuous saving",
                     lambda: ContinuousSaver(options, self.name, settings_xml),
                     self._continuous_started)
        else:
            saver, self.continuous = self.continuous, None
            if saver is not None:
                self.run("closing the continuous file", saver.close, self._continuous_closed)

    def _continuous_started(self, saver: ContinuousSaver) -> None:
        if not self.continuous_box.isChecked():  # unchecked meanwhile
            self.run("closing the continuous file", saver.close)
            return
        self.continuous = saver
        self.status.info(f"continuous saving to {saver.path}")

    def _continuous_closed(self, path: Path) -> None:
        self.last_saved = path
        self.status.info(f"continuous saving ended: {path}")

    def _continuous_failed(self, saver: ContinuousSaver, exc: BaseException) -> None:
        self.continuous_box.blockSignals(True)
        self.continuous_box.setChecked(False)
        self.continuous_box.blockSignals(False)
        self.report_error("continuous saving", exc)
        self.run("closing the continuous file", saver.close)

    # ------------------------------------------------------------------ shutdown
    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        self._latest.close()

    def before_close(self) -> None:
        self._watch.stop()
        saver, self.continuous = self.continuous, None
        self.run("stop grab", self.instrument.stop_live)
        if saver is not None:
            self.run("closing the continuous file", saver.close)
        self.continuous_box.blockSignals(True)
        self.continuous_box.setChecked(False)
        self.continuous_box.blockSignals(False)


__all__ = ["DetectorModule"]
