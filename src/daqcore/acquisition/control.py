"""Shared life cycle of the scan engine and the logger: run, start/wait, pause/resume/stop, events.

Subclasses implement :meth:`Acquisition.iterate`, a generator that does the work in the calling
thread and yields one :class:`~daqcore.acquisition.events.ProgressEvent` per point; this base
turns it into a blocking :meth:`run`, a background :meth:`start` / :meth:`wait`, and thread-safe
:meth:`pause`, :meth:`resume` and :meth:`stop`.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from typing import Any

from daqcore.acquisition.errors import ScanStateError
from daqcore.acquisition.events import EventHub, ProgressEvent


class AcquisitionState(enum.Enum):
    """Life cycle of a scan or a logger."""

    idle = "idle"
    running = "running"
    paused = "paused"
    finished = "finished"
    stopped = "stopped"
    failed = "failed"


class Acquisition:
    """Base class: control and event plumbing common to :class:`Scan` and :class:`Logger`."""

    _thread_name = "daqcore-acquisition"

    def __init__(self) -> None:
        self._hub = EventHub()
        self._lock = threading.Lock()
        self._state = AcquisitionState.idle
        self._stop_requested = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._thread: threading.Thread | None = None
        self._thread_error: BaseException | None = None
        # Set when a background run has ended. Waiting on an Event (not Thread.join) is safe
        # against Ctrl-C: an interrupted Thread.join can mark a running thread as finished.
        self._finished = threading.Event()
        self.result: Any = None

    # ---------------------------------------------------------------- to implement
    def iterate(self) -> Iterator[ProgressEvent]:  # pragma: no cover - abstract
        """Do the acquisition in this thread, yielding one event per point."""
        raise NotImplementedError

    # ---------------------------------------------------------------- state
    @property
    def state(self) -> AcquisitionState:
        """Current :class:`AcquisitionState`."""
        return self._state

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop_requested.is_set()

    def _enter_running(self) -> None:
        with self._lock:
            if self._state is not AcquisitionState.idle:
                raise ScanStateError(
                    f"{type(self).__name__} objects run once (state {self._state.value})"
                )
            self._state = AcquisitionState.running

    # ---------------------------------------------------------------- events
    def subscribe(self, callback: Callable[[ProgressEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` (in the acquisition thread) for every progress event.

        Returns a function that unsubscribes. A callback that raises is dropped.
        """
        return self._hub.subscribe(callback)

    def events(self, timeout: float | None = None) -> Iterator[ProgressEvent]:
        """Iterate, from another thread, over the events from now until the end."""
        return self._hub.iter_events(timeout=timeout)

    # ---------------------------------------------------------------- control
    def pause(self) -> None:
        """Pause before the next point (thread-safe; no effect once ended)."""
        self._resume.clear()

    def resume(self) -> None:
        """Resume after :meth:`pause`."""
        self._resume.set()

    def stop(self) -> None:
        """Stop after the current point; everything saved so far is kept."""
        self._stop_requested.set()
        self._resume.set()

    def _pause_point(self, on_pause: Callable[[], None], on_resume: Callable[[], None]) -> bool:
        """Block while paused; return False if a stop was requested meanwhile."""
        if self._resume.is_set():
            return not self._stop_requested.is_set()
        self._state = AcquisitionState.paused
        on_pause()
        self._resume.wait()
        self._state = AcquisitionState.running
        if self._stop_requested.is_set():
            return False
        on_resume()
        return True

    def run(self) -> Any:
        """Run to the end in this thread and return the result (see subclasses)."""
        for _ in self.iterate():
            pass
        return self.result

    def start(self) -> Acquisition:
        """Run in a background thread; follow it with events, end it with :meth:`wait`."""
        with self._lock:
            if self._state is not AcquisitionState.idle or self._thread is not None:
                raise ScanStateError(f"already started (state {self._state.value})")
            self._thread = threading.Thread(
                target=self._thread_main, name=self._thread_name, daemon=True
            )
        self._thread.start()
        return self

    def _thread_main(self) -> None:
        try:
            self.run()
        except BaseException as exc:  # re-raised by wait()
            self._thread_error = exc
        finally:
            self._finished.set()

    @property
    def is_alive(self) -> bool:
        """True while a background run is in progress."""
        return self._thread is not None and not self._finished.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for a background run; True once it has ended."""
        if self._thread is None:
            raise ScanStateError("join() needs an acquisition started with start()")
        return self._finished.wait(timeout)

    def wait(self, timeout: float | None = None) -> Any:
        """Wait for a background run to end and return its result; re-raise its error.

        Raises
        ------
        ScanStateError
            If not started with :meth:`start`, or still running after ``timeout`` seconds.
        """
        if self._thread is None:
            raise ScanStateError("wait() needs an acquisition started with start()")
        if not self._finished.wait(timeout):
            raise ScanStateError(f"still running after {timeout} s")
        if self._thread_error is not None:
            raise self._thread_error
        return self.result


__all__ = ["Acquisition", "AcquisitionState"]
