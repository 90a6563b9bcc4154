"""The bridge: how results from worker threads reach widgets in the GUI thread.

Acquisition threads (an instrument worker, a live grab, a running scan) never touch a widget
and never call Qt. They call :meth:`GuiBridge.post` (any callable, run later in the GUI thread)
or :meth:`LatestValue.set` (keep only the newest value of a fast stream, so a detector grabbing
faster than the screen refreshes never builds a backlog). Both only put Python objects in a
thread-safe queue; one :class:`Dispatcher` timer in the GUI thread drains it every
``PERIOD_MS`` milliseconds. No Qt object is ever emitted on or touched from another thread,
which also makes a widget deleted while a thread still reports harmless: a bridge belongs to
its widget (Qt parent) and, once closed or destroyed, its pending calls are dropped.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from qtpy import QtCore

PERIOD_MS = 5
"""How often the GUI thread runs what threads posted (at most 200 deliveries per second per
stream, well above a screen's refresh rate)."""


class Gate:
    """Whether a bridge's owner still wants its calls (checked in the GUI thread)."""

    def __init__(self) -> None:
        self.is_open = True

    def close(self, *_args: Any) -> None:
        """Drop every pending and later call."""
        self.is_open = False


class Dispatcher(QtCore.QObject):
    """The process-wide queue of calls for the GUI thread, drained by a timer."""

    _instance: Dispatcher | None = None

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue[tuple[Gate, Callable[..., Any], tuple[Any, ...]]] = \
            queue.SimpleQueue()
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(PERIOD_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    @classmethod
    def instance(cls) -> Dispatcher:
        """The dispatcher (created in the calling thread, which must be the GUI thread)."""
        if cls._instance is None:
            cls._instance = Dispatcher()
        return cls._instance

    def put(self, gate: Gate, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Queue a call (thread-safe, no Qt involved)."""
        self._queue.put((gate, function, args))

    def drain(self) -> int:
        """Run every queued call whose gate is open; returns how many ran."""
        n = 0
        while True:
            try:
                gate, function, args = self._queue.get_nowait()
            except queue.Empty:
                return n
            if gate.is_open:
                function(*args)
                n += 1


class GuiBridge(QtCore.QObject):
    """Run callables in the GUI thread on behalf of its parent widget (create it there)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.gate = Gate()
        self._dispatcher = Dispatcher.instance()

    def post(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` in the GUI thread, soon (thread-safe).

        Dropped once the bridge is closed (its widget is going away).
        """
        if self.gate.is_open:
            self._dispatcher.put(self.gate, function, args)

    def close(self) -> None:
        """Drop pending and later posts (call before the owning widget goes away)."""
        self.gate.close()


class LatestValue(QtCore.QObject):
    """Deliver the newest value of a stream to ``consumer`` in the GUI thread.

    :meth:`set` may be called from any thread at any rate; ``consumer(value)`` runs in the
    GUI thread with the latest value, at most once per dispatcher pass. :attr:`n_set` and
    :attr:`n_delivered` count both sides (the benchmark reads them).
    """

    def __init__(self, consumer: Callable[[Any], None],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._consumer = consumer
        self.gate = Gate()
        self._dispatcher = Dispatcher.instance()
        self._lock = threading.Lock()
        self._value: Any = None
        self._pending = False
        self.n_set = 0
        self.n_delivered = 0

    def set(self, value: Any) -> None:
        """Offer a new value (thread-safe); an undelivered older value is dropped."""
        with self._lock:
            self._value = value
            self.n_set += 1
            if self._pending or not self.gate.is_open:
                return
            self._pending = True
        self._dispatcher.put(self.gate, self._deliver, ())

    def close(self) -> None:
        """Drop every later value."""
        self.gate.close()

    def _deliver(self) -> None:
        with self._lock:
            value, self._value = self._value, None
            self._pending = False
        self.n_delivered += 1
        self._consumer(value)


__all__ = ["PERIOD_MS", "Dispatcher", "Gate", "GuiBridge", "LatestValue"]
