"""What detector and actuator modules share: instrument, worker, init/close, settings, status.

Every call to the instrument goes through the module's
:class:`~daqcore.gui.worker.InstrumentWorker` (one thread per instrument); outcomes come back
through the :class:`~daqcore.gui.bridge.GuiBridge`. An exception ends in the status line
(:class:`~daqcore.gui.status_line.StatusLine`), never in Qt's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qtpy import QtCore, QtWidgets

from daqcore.gui.bridge import GuiBridge
from daqcore.gui.settings_tree import SettingsTree
from daqcore.gui.status_line import StatusLine, describe_error
from daqcore.gui.worker import InstrumentWorker


class InstrumentModule(QtWidgets.QGroupBox):
    """Base widget of a module driving one instrument (see the module docstring).

    Parameters
    ----------
    name : str
        Module title (the instrument's ``title``).
    instrument : Detector or Actuator
        A created instrument (not necessarily initialised).

    The module owns its :class:`GuiBridge` (a Qt child), so results arriving after the module
    was deleted are dropped.
    """

    kind = ""
    state_changed = QtCore.Signal(str)
    """Emitted with ``'initialized'``, ``'closed'`` or ``'error'``."""

    def __init__(self, name: str, instrument: Any,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(f"{name}  [{getattr(instrument, 'backend', '?')}]", parent)
        self.name = name
        self.instrument = instrument
        self.bridge = GuiBridge(self)
        self.worker = InstrumentWorker(self.bridge, name=f"daqcore-gui-{name}")
        self.status = StatusLine()
        self.init_button = QtWidgets.QPushButton("Initialise")
        self.close_button = QtWidgets.QPushButton("Close")
        self.init_button.clicked.connect(self.initialise)
        self.close_button.clicked.connect(self.close_instrument)
        self.settings_tree = SettingsTree(instrument.settings, self.bridge,
                                          apply=self._apply_setting,
                                          on_refused=self.status.error)
        self.settings_button = QtWidgets.QPushButton("Settings")
        self.settings_button.setCheckable(True)
        self.settings_button.toggled.connect(self.settings_tree.setVisible)
        self.layout_ = QtWidgets.QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        # subclasses build their widgets, then call self._update_enabled()

    # ------------------------------------------------------------------ helpers
    @property
    def is_initialized(self) -> bool:
        """True once the instrument is initialised and not closed."""
        return bool(self.instrument.is_initialized)

    def run(self, what: str, function: Callable[[], Any],
            on_done: Callable[[Any], None] | None = None) -> None:
        """Run ``function`` in the worker; errors go to the status line as ``what failed: ...``."""
        self.worker.submit(function, on_done, lambda exc: self.report_error(what, exc))

    def report_error(self, what: str, exc: BaseException) -> None:
        """Show ``what`` failed and why, in red."""
        self.status.error(f"{what} failed: {describe_error(exc)}")
        self._update_enabled()
        self.state_changed.emit("error")

    def _apply_setting(self, path: str, value: Any, on_ok: Callable[[], None],
                       on_error: Callable[[BaseException], None]) -> None:
        settings = self.instrument.settings
        self.worker.submit(lambda: settings.child(path).set_value(value),
                           lambda _result: self._setting_applied(path, on_ok), on_error)

    def _setting_applied(self, path: str, on_ok: Callable[[], None]) -> None:
        self.status.info(f"{path} = {self.instrument.settings[path]!r}")
        on_ok()

    # ------------------------------------------------------------------ life cycle
    def initialise(self) -> None:
        """Initialise the instrument (``ini_detector`` / ``ini_actuator``) in the worker."""
        method = getattr(self.instrument, f"ini_{self.kind}")
        self.status.info("initialising...")
        self.run("initialisation", method, self._initialised)

    def _initialised(self, info: Any) -> None:
        self.status.info(f"initialised{': ' + str(info) if info else ''}")
        self._update_enabled()
        self.state_changed.emit("initialized")

    def close_instrument(self) -> None:
        """Stop and close the instrument in the worker."""
        self.before_close()
        self.run("close", self.instrument.close, self._closed)

    def _closed(self, _result: Any) -> None:
        self.status.info("closed")
        self._update_enabled()
        self.state_changed.emit("closed")

    def before_close(self) -> None:
        """Stop what the module runs (live grab, polling) before closing (override)."""

    def shutdown(self, wait: bool = True) -> None:
        """Stop everything, close the instrument, end the worker thread.

        With ``wait=False`` (a preset replaced while the dashboard runs) the instrument closes
        in the background once its queued calls are done, and the window does not wait.
        """
        self.before_close()
        self.settings_tree.detach()
        self.worker.submit(self.instrument.close)
        self.worker.shutdown(wait=wait)
        self.bridge.close()

    def _update_enabled(self) -> None:
        ready = self.is_initialized
        self.init_button.setEnabled(not ready and not self.instrument.is_closed)
        self.close_button.setEnabled(ready)
        self.update_actions(ready)

    def update_actions(self, ready: bool) -> None:
        """Enable the module's own actions (override)."""


class UnavailableModule(QtWidgets.QGroupBox):
    """Placeholder of a preset module whose instrument cannot be created, with the reason."""

    def __init__(self, name: str, kind: str, instrument: str, reason: str,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(f"{name}  [unavailable]", parent)
        self.name = name
        self.kind = kind
        self.reason = reason
        layout = QtWidgets.QVBoxLayout(self)
        self.status = StatusLine()
        self.status.error(f"{kind} {instrument!r} unavailable: {reason}")
        layout.addWidget(self.status)

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to release."""


__all__ = ["InstrumentModule", "UnavailableModule"]
