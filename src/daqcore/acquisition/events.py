"""Progress events of scans and loggers, and a small thread-safe fan-out to subscribers.

An acquisition emits one :class:`ProgressEvent` when it starts, one per point (scan) or sample
(logger), one on pause / resume, and exactly one terminal event (``finished``, ``stopped`` or
``failed``). GUIs and progress bars subscribe a callback (called in the acquisition thread:
keep it short) or consume :meth:`EventHub.iter_events` from another thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

#: Event kinds, in the order they can appear.
EVENT_KINDS = ("started", "point", "paused", "resumed", "finished", "stopped", "failed")
#: Kinds after which no other event follows.
TERMINAL_KINDS = frozenset({"finished", "stopped", "failed"})


@dataclass(frozen=True)
class ProgressEvent:
    """What happened, and how far the acquisition is.

    Attributes
    ----------
    kind : str
        One of ``EVENT_KINDS``.
    n_done : int
        Points (scan) or samples (logger) completely saved so far.
    n_total : int or None
        Planned number of points / samples (``None`` for an open-ended logger).
    elapsed : float
        Seconds since the acquisition started.
    step : int or None
        For ``point`` events: index of the point in the visiting order.
    indexes : tuple of int or None
        For scan ``point`` events: where the point is stored in the extended arrays.
    positions : tuple of float or None
        For scan ``point`` events: the actuator targets of the point.
    data : DataToExport or None
        For ``point`` events: the data saved for that point (averaged when ``naverage > 1``),
        one DataToExport per detector, in detector order.
    error : BaseException or None
        For ``failed`` events: the error that ended the acquisition.
    path : str
        The HDF5 file being written.
    """

    kind: str
    n_done: int
    n_total: int | None
    elapsed: float
    step: int | None = None
    indexes: tuple[int, ...] | None = None
    positions: tuple[float, ...] | None = None
    data: tuple[Any, ...] | None = None
    error: BaseException | None = None
    path: str = ""

    @property
    def fraction(self) -> float | None:
        """Completed fraction in [0, 1], or ``None`` when the total is unknown."""
        if not self.n_total:
            return None
        return self.n_done / self.n_total

    @property
    def eta(self) -> float | None:
        """Seconds left, extrapolated from the mean time per point so far (``None`` if unknown)."""
        if not self.n_total or self.n_done == 0:
            return None
        return self.elapsed / self.n_done * (self.n_total - self.n_done)

    @property
    def is_terminal(self) -> bool:
        """True for ``finished``, ``stopped`` and ``failed``."""
        return self.kind in TERMINAL_KINDS


Callback = Callable[[ProgressEvent], None]
_END = object()


class EventHub:
    """Fan-out of progress events to callbacks and queue iterators (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callbacks: list[Callback] = []
        self._queues: list[queue.SimpleQueue] = []
        self._closed = False

    @property
    def has_subscribers(self) -> bool:
        """True when someone listens (lets the engine skip building events otherwise)."""
        return bool(self._callbacks or self._queues)

    def subscribe(self, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns a function that unsubscribes."""
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def emit(self, event: ProgressEvent) -> None:
        """Deliver ``event``; a raising callback is dropped from the list, never kills the scan."""
        with self._lock:
            callbacks = list(self._callbacks)
            queues = list(self._queues)
        for cb in callbacks:
            try:
                cb(event)
            except Exception:  # a broken GUI callback must not lose the scan's data
                with self._lock:
                    if cb in self._callbacks:
                        self._callbacks.remove(cb)
        for q in queues:
            q.put(event)
        if event.is_terminal:
            with self._lock:
                self._closed = True
                for q in self._queues:
                    q.put(_END)
                self._queues.clear()

    def iter_events(self, timeout: float | None = None) -> Iterator[ProgressEvent]:
        """Events from this call on, until the terminal one (consume from another thread).

        The subscription is made when this method is called (not at the first ``next()``),
        so calling it before starting the acquisition delivers every event.

        Parameters
        ----------
        timeout : float, optional
            Give up (stop iterating) when no event arrives for that many seconds.
        """
        q: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            closed = self._closed
            if not closed:
                self._queues.append(q)
        if closed:
            return iter(())
        return self._drain(q, timeout)

    def _drain(self, q: queue.SimpleQueue, timeout: float | None) -> Iterator[ProgressEvent]:
        try:
            while True:
                try:
                    item = q.get(timeout=timeout)
                except queue.Empty:
                    return
                if item is _END:
                    return
                yield item
        finally:
            with self._lock:
                if q in self._queues:
                    self._queues.remove(q)


__all__ = ["EVENT_KINDS", "TERMINAL_KINDS", "EventHub", "ProgressEvent"]
