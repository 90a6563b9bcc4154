"""The scan panel: actuators, detectors, scanner and ranges, start/pause/stop, progress, live view.

The scan runs in its engine's background thread (:meth:`Scan.start`); its events reach the
panel through the GUI bridge (progress coalesced with
:class:`~daqcore.gui.bridge.LatestValue`, so a fast scan never floods the event loop) and fill
a :class:`~daqcore.gui.scan_live.ScanLiveModel` in the scan thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.acquisition import Scan
from daqcore.acquisition.config import scanner_from_dict
from daqcore.gui.bridge import GuiBridge, LatestValue
from daqcore.gui.module_picker import ModulePicker
from daqcore.gui.saving_options import SavingOptions
from daqcore.gui.scan_live import ScanLiveModel, ScanLiveView
from daqcore.gui.status_line import StatusLine, describe_error

ModulesGetter = Callable[[], dict[str, Any]]
SCANNERS = ("grid", "random")
ORDERS = ("normal", "snake", "random")


def format_eta(seconds: float | None) -> str:
    """``ETA 1 min 05 s`` style text."""
    if seconds is None:
        return "ETA -"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"ETA {seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"ETA {minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"ETA {hours} h {minutes:02d} min"


class ScanPanel(QtWidgets.QWidget):
    """Configure, run and watch a scan over the dashboard's initialised modules.

    Parameters
    ----------
    actuators, detectors : callable
        Return the dashboard's actuator / detector modules by name.
    options : callable
        Returns the current :class:`SavingOptions`.
    """

    scan_done = QtCore.Signal(str)
    """Emitted with the file path when a scan ends (any status)."""
    open_requested = QtCore.Signal(str)
    """*Show in browser* was clicked (with the last file)."""

    def __init__(self, actuators: ModulesGetter, detectors: ModulesGetter,
                 options: Callable[[], SavingOptions],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._actuators = actuators
        self._detectors = detectors
        self._options = options
        self.bridge = GuiBridge(self)
        self.scan: Scan | None = None
        self.model: ScanLiveModel | None = None
        self.last_path = ""
        self.last_status = ""

        self.actuator_list = ModulePicker()
        self.detector_list = ModulePicker()
        self.actuator_list.itemChanged.connect(lambda _i: self._sync_ranges())
        self.scanner_type = QtWidgets.QComboBox()
        self.scanner_type.addItems(SCANNERS)
        self.order = QtWidgets.QComboBox()
        self.order.addItems(ORDERS)
        self.n_random = QtWidgets.QSpinBox()
        self.n_random.setRange(1, 10_000_000)
        self.n_random.setValue(20)
        self.naverage = QtWidgets.QSpinBox()
        self.naverage.setRange(1, 100_000)
        self.title = QtWidgets.QLineEdit()
        self.ranges = QtWidgets.QTableWidget(0, 3)
        self.ranges.setHorizontalHeaderLabels(["start", "stop", "step"])
        self.ranges.horizontalHeader().setSectionResizeMode(
            QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.ranges.setMaximumHeight(110)
        self._range_values: dict[str, tuple[str, str, str]] = {}

        self.start_button = QtWidgets.QPushButton("Start")
        self.pause_button = QtWidgets.QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.start_button.clicked.connect(self.start)
        self.pause_button.toggled.connect(self._pause_toggled)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QtWidgets.QProgressBar()
        self.eta = QtWidgets.QLabel("ETA -")
        self.file_path = QtWidgets.QLineEdit()
        self.file_path.setReadOnly(True)
        self.show_button = QtWidgets.QPushButton("Show in browser")
        self.show_button.clicked.connect(lambda: self.open_requested.emit(self.last_path))
        self.status = StatusLine()
        self.live = ScanLiveView()
        self._progress = LatestValue(self._show_progress, self)

        form = QtWidgets.QFormLayout()
        form.addRow("actuators", self.actuator_list)
        form.addRow("ranges", self.ranges)
        form.addRow("detectors", self.detector_list)
        form.addRow("scanner", self.scanner_type)
        form.addRow("grid order", self.order)
        form.addRow("random points", self.n_random)
        form.addRow("averaging", self.naverage)
        form.addRow("title", self.title)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        left = QtWidgets.QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.eta)
        left.addWidget(QtWidgets.QLabel("file"))
        left.addWidget(self.file_path)
        left.addWidget(self.show_button)
        left.addWidget(self.status)
        left.addStretch(1)
        holder = QtWidgets.QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(420)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(holder)
        layout.addWidget(self.live, 1)
        self._set_running(False)

    # ------------------------------------------------------------------ configuration
    def refresh_modules(self) -> None:
        """Update the actuator and detector lists from the dashboard."""
        self.actuator_list.set_names(self._actuators())
        self.detector_list.set_names(self._detectors())
        self._sync_ranges()

    def _sync_ranges(self, store: bool = True) -> None:
        if store:
            self._store_ranges()
        names = self.actuator_list.checked()
        self.ranges.setRowCount(len(names))
        self.ranges.setVerticalHeaderLabels(names)
        for row, name in enumerate(names):
            for column, text in enumerate(self._range_values.get(name, ("0", "1", "0.25"))):
                self.ranges.setItem(row, column, QtWidgets.QTableWidgetItem(text))

    def _store_ranges(self) -> None:
        for row in range(self.ranges.rowCount()):
            header = self.ranges.verticalHeaderItem(row)
            if header is None:
                continue
            cells = [self.ranges.item(row, c) for c in range(3)]
            self._range_values[header.text()] = tuple(  # type: ignore[assignment]
                c.text() if c is not None else "" for c in cells)

    def set_range(self, actuator: str, start: float, stop: float, step: float) -> None:
        """Set the range of a checked actuator (tests and scripts)."""
        self._store_ranges()
        self._range_values[actuator] = (repr(start), repr(stop), repr(step))
        self._sync_ranges(store=False)

    def configure(self, actuators: list[str], detectors: list[str]) -> None:
        """Check these actuators and detectors."""
        self.refresh_modules()
        self.actuator_list.set_checked(actuators)
        self.detector_list.set_checked(detectors)
        self._sync_ranges()

    def scanner_spec(self) -> dict[str, Any]:
        """The ``[scan.scanner]`` table of the current settings."""
        self._store_ranges()
        axes = []
        for name in self.actuator_list.checked():
            cells = self._range_values.get(name, ("", "", ""))
            try:
                axes.append([float(c) for c in cells])
            except ValueError as exc:
                raise ValueError(f"range of {name!r} must be three numbers "
                                 f"(start, stop, step), got {list(cells)}") from exc
        if self.scanner_type.currentText() == "random":
            return {"type": "random", "n_points": self.n_random.value(),
                    "bounds": [[a[0], a[1]] for a in axes]}
        return {"type": "grid", "axes": axes, "order": self.order.currentText()}

    # ------------------------------------------------------------------ run
    def start(self) -> bool:
        """Build and start the scan; False (reason in the status line) if it cannot start."""
        if self.scan is not None and self.scan.is_alive:
            self.status.error("a scan is already running")
            return False
        try:
            scan = self._build_scan()
        except Exception as exc:  # bad ranges, instruments not initialised, bounds...
            self.status.error(f"cannot start: {describe_error(exc)}")
            return False
        names = list(scan.detector_names)
        nav_axes = scan.scanner.get_nav_axes(labels=scan.actuator_names or None)
        self.model = ScanLiveModel(scan.scanner.extended_shape, nav_axes, names)
        self.live.follow(self.model)
        scan.subscribe(self._on_event)  # scan thread
        self.scan = scan
        self.progress.setRange(0, scan.n_points)
        self.progress.setValue(0)
        self.eta.setText("ETA -")
        self.file_path.setText("")
        self.last_path = ""
        self.last_status = "running"
        self._set_running(True)
        self.status.info(f"scan of {scan.n_points} points started")
        scan.start()
        return True

    def _build_scan(self) -> Scan:
        actuators = self._actuators()
        detectors = self._detectors()
        act_names = self.actuator_list.checked()
        det_names = self.detector_list.checked()
        if not det_names:
            raise ValueError("check at least one detector")
        if not act_names:
            raise ValueError("check at least one actuator")
        chosen = [actuators[n] for n in act_names] + [detectors[n] for n in det_names]
        for module in chosen:
            if not module.is_initialized:
                raise ValueError(f"{module.kind} {module.name!r} is not initialised")
        for name in det_names:
            if detectors[name].is_grabbing:
                detectors[name].stop_grab()
        scanner = scanner_from_dict(self.scanner_spec())
        options = self._options()
        return Scan([actuators[n].instrument for n in act_names],
                    [detectors[n].instrument for n in det_names], scanner,
                    self.naverage.value(), path=options.scan_path(), title=self.title.text(),
                    backend=options.backend, swmr=options.use_swmr,
                    flush_interval=options.flush_interval)

    def _on_event(self, event: Any) -> None:  # scan thread
        if self.model is not None:
            self.model.add(event)
        if event.kind == "point":
            self._progress.set(event)
        else:
            self.bridge.post(self._on_state_event, event)

    def _show_progress(self, event: Any) -> None:
        if event is None:
            return
        self.progress.setValue(event.n_done)
        self.eta.setText(format_eta(event.eta))
        if event.path and not self.file_path.text():
            self.file_path.setText(event.path)

    def _on_state_event(self, event: Any) -> None:
        if event.path:
            self.file_path.setText(event.path)
        if event.kind == "started":
            self.status.info(f"scanning into {event.path}")
        elif event.kind == "paused":
            self.status.info(f"paused after {event.n_done} points")
        elif event.kind == "resumed":
            self.status.info("resumed")
        elif event.is_terminal:
            self._finished(event)

    def _finished(self, event: Any) -> None:
        self.live.stop_following()
        self.progress.setValue(event.n_done)
        self.eta.setText(f"done in {event.elapsed:.3g} s")
        self.last_path = event.path
        self.last_status = event.kind
        text = (f"scan {event.kind}: {event.n_done}/{event.n_total} points in "
                f"{event.elapsed:.3g} s, file {Path(event.path).name if event.path else '-'}")
        if event.error is not None:
            self.status.error(f"{text}; {describe_error(event.error)}")
        else:
            self.status.info(text)
        self._set_running(False)
        self.scan_done.emit(event.path)

    def pause(self) -> None:
        """Pause before the next point."""
        self.pause_button.setChecked(True)

    def resume(self) -> None:
        """Resume a paused scan."""
        self.pause_button.setChecked(False)

    def _pause_toggled(self, on: bool) -> None:
        if self.scan is None:
            return
        if on:
            self.scan.pause()
            self.pause_button.setText("Resume")
        else:
            self.scan.resume()
            self.pause_button.setText("Pause")

    def stop(self) -> None:
        """Stop after the current point (the file keeps what was measured)."""
        if self.scan is not None:
            self.scan.stop()
            self.status.info("stopping...")

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.show_button.setEnabled(not running and bool(self.last_path))
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        if not running:
            self.pause_button.blockSignals(True)
            self.pause_button.setChecked(False)
            self.pause_button.setText("Pause")
            self.pause_button.blockSignals(False)

    def shutdown(self) -> None:
        """Stop a running scan and wait for its file to be closed."""
        scan = self.scan
        if scan is not None and scan.is_alive:
            scan.stop()
            scan.join(timeout=30)
        self.bridge.close()
        self._progress.close()


__all__ = ["ScanPanel", "format_eta"]
