"""The signal bridge: how results from worker threads reach widgets in the GUI thread.

Acquisition threads (an instrument worker, a live grab, a running scan) never touch a widget.
They call :meth:`GuiBridge.post` (any callable, run later in the GUI thread through a queued
Qt signal) or :meth:`LatestValue.set` (keep only the newest value of a fast stream: at most one
delivery is pending at any time, so a detector grabbing faster than the screen refreshes never
floods the event queue).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from qtpy import QtCore


class GuiBridge(QtCore.QObject):
    """Run callables in the thread that owns this object (create it in the GUI thread)."""

    _posted = QtCore.Signal(object)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._run, QtCore.Qt.ConnectionType.QueuedConnection)

    def post(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` in the GUI thread, soon (thread-safe)."""
        self._posted.emit((function, args))

    @staticmethod
    def _run(item: tuple[Callable[..., Any], tuple[Any, ...]]) -> None:
        function, args = item
        function(*args)


class LatestValue(QtCore.QObject):
    """Deliver the newest value of a stream to ``consumer`` in the GUI thread.

    :meth:`set` may be called from any thread at any rate; ``consumer(value)`` runs in the
    GUI thread with the latest value, once per event-loop pass at most. :attr:`n_set` and
    :attr:`n_delivered` count both sides (the benchmark reads them).
    """

    _ready = QtCore.Signal()

    def __init__(self, consumer: Callable[[Any], None],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._consumer = consumer
        self._lock = threading.Lock()
        self._value: Any = None
        self._pending = False
        self.n_set = 0
        self.n_delivered = 0
        self._ready.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    def set(self, value: Any) -> None:
        """Offer a new value (thread-safe); an undelivered older value is dropped."""
        with self._lock:
            self._value = value
            self.n_set += 1
            if self._pending:
                return
            self._pending = True
        self._ready.emit()

    def _deliver(self) -> None:
        with self._lock:
            value, self._value = self._value, None
            self._pending = False
        self.n_delivered += 1
        self._consumer(value)


__all__ = ["GuiBridge", "LatestValue"]
