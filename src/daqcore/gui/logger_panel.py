"""The logger panel: grab detectors every interval into a time-stamped file, watch them live."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.acquisition import Logger
from daqcore.data import DataDim
from daqcore.gui.bridge import GuiBridge, LatestValue
from daqcore.gui.data_viewer import DataViewer
from daqcore.gui.module_picker import ModulePicker
from daqcore.gui.saving_options import SavingOptions
from daqcore.gui.status_line import StatusLine, describe_error

ModulesGetter = Callable[[], dict[str, Any]]


class LoggerPanel(QtWidgets.QWidget):
    """Configure and run a :class:`~daqcore.acquisition.Logger` over initialised detectors."""

    log_done = QtCore.Signal(str)
    """Emitted with the file path when logging ends."""
    open_requested = QtCore.Signal(str)
    """*Show in browser* was clicked (with the last file)."""

    def __init__(self, detectors: ModulesGetter, options: Callable[[], SavingOptions],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._detectors = detectors
        self._options = options
        self.bridge = GuiBridge(self)
        self.logger: Logger | None = None
        self.last_path = ""
        self.last_status = ""
        self.n_samples = 0
        self.detector_list = ModulePicker()
        self.interval = QtWidgets.QDoubleSpinBox()
        self.interval.setRange(0.0, 86_400.0)
        self.interval.setDecimals(3)
        self.interval.setValue(0.1)
        self.interval.setSuffix(" s")
        self.duration = QtWidgets.QDoubleSpinBox()
        self.duration.setRange(0.0, 1e7)
        self.duration.setSuffix(" s")
        self.duration.setSpecialValueText("until stopped")
        self.start_button = QtWidgets.QPushButton("Start logging")
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.samples = QtWidgets.QLabel("0 samples")
        self.file_path = QtWidgets.QLineEdit()
        self.file_path.setReadOnly(True)
        self.show_button = QtWidgets.QPushButton("Show in browser")
        self.show_button.clicked.connect(lambda: self.open_requested.emit(self.last_path))
        self.status = StatusLine()
        self.viewer = DataViewer()
        self._latest = LatestValue(self._show, self)
        self._lock = threading.Lock()
        self._pending: list[Any] = []

        form = QtWidgets.QFormLayout()
        form.addRow("detectors", self.detector_list)
        form.addRow("interval", self.interval)
        form.addRow("duration", self.duration)
        left = QtWidgets.QVBoxLayout()
        left.addLayout(form)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        left.addLayout(row)
        left.addWidget(self.samples)
        left.addWidget(QtWidgets.QLabel("file"))
        left.addWidget(self.file_path)
        left.addWidget(self.show_button)
        left.addWidget(self.status)
        left.addStretch(1)
        holder = QtWidgets.QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(380)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(holder)
        layout.addWidget(self.viewer, 1)
        self._set_running(False)

    def refresh_modules(self) -> None:
        """Update the detector list from the dashboard."""
        self.detector_list.set_names(self._detectors())

    def start(self) -> bool:
        """Start logging; False (reason in the status line) if it cannot start."""
        if self.logger is not None and self.logger.is_alive:
            self.status.error("the logger is already running")
            return False
        detectors = self._detectors()
        names = self.detector_list.checked()
        try:
            if not names:
                raise ValueError("check at least one detector")
            for name in names:
                if not detectors[name].is_initialized:
                    raise ValueError(f"detector {name!r} is not initialised")
                if detectors[name].is_grabbing:
                    detectors[name].stop_grab()
            options = self._options()
            logger = Logger([detectors[n].instrument for n in names], self.interval.value(),
                            self.duration.value() or None, path=options.scan_path(),
                            backend=options.backend,
                            swmr=options.use_swmr,
                            flush_interval=options.flush_interval)
        except Exception as exc:
            self.status.error(f"cannot start: {describe_error(exc)}")
            return False
        logger.subscribe(self._on_event)
        self.logger = logger
        self.n_samples = 0
        self.viewer.clear()
        self.last_status = "running"
        self._set_running(True)
        logger.start()
        return True

    def _on_event(self, event: Any) -> None:  # logger thread
        if event.kind == "point":
            with self._lock:
                self._pending.append(event)
            self._latest.set(event)
        else:
            self.bridge.post(self._on_state_event, event)

    def _show(self, _latest: Any) -> None:
        """Draw every sample received since the last pass: all of them in the 0D trends,
        the newest one only in 1D/2D viewers."""
        with self._lock:
            events, self._pending = self._pending, []
        if not events:
            return
        for event in events[:-1]:
            for dte in event.data or ():
                for dwa in dte:
                    if dwa.dim == DataDim.Data0D:
                        self.viewer.show_dwa(dwa)
        last = events[-1]
        for dte in last.data or ():
            self.viewer.show_dte(dte)
        self.n_samples = last.n_done
        self.samples.setText(f"{last.n_done} samples in {last.elapsed:.1f} s")

    def _on_state_event(self, event: Any) -> None:
        if event.path:
            self.file_path.setText(event.path)
            self.last_path = event.path
        if event.kind == "started":
            self.status.info(f"logging into {event.path}")
        elif event.is_terminal:
            self.last_status = event.kind
            self.n_samples = event.n_done
            self.samples.setText(f"{event.n_done} samples in {event.elapsed:.1f} s")
            text = f"logging {event.kind}: {event.n_done} samples"
            if event.error is not None:
                self.status.error(f"{text}; {describe_error(event.error)}")
            else:
                self.status.info(text)
            self._set_running(False)
            self.log_done.emit(event.path)

    def stop(self) -> None:
        """Stop logging (buffered samples are written, the file closed)."""
        if self.logger is not None:
            self.logger.stop()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.show_button.setEnabled(bool(self.last_path))

    def shutdown(self) -> None:
        """Stop a running logger and wait for its file to be closed."""
        logger = self.logger
        if logger is not None and logger.is_alive:
            logger.stop()
            logger.join(timeout=30)
        self.bridge.close()
        self._latest.close()


__all__ = ["LoggerPanel"]
