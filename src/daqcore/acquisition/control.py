"""Shared engine of the scan and the logger: the run loop, records, control, events.

:meth:`Acquisition.iterate` is the one loop of every engine. It asks the subclass for the
run's :class:`~daqcore.data.records.RunStart` (everything that can fail on bad input fails
there, before anything moves), gives every record to the run's saving *sink* first (a
failure to save ends the run as ``failed``) then to the record subscribers
(:meth:`Acquisition.subscribe_records`: live views, remote publishers), derives the
:class:`~daqcore.acquisition.events.ProgressEvent` stream from the records (progress bars,
:meth:`events`), and on every path -- finished, stopped, failed, interrupted -- sends the
:class:`~daqcore.data.records.RunStop`, closes the sink, sets the result's status and emits
the terminal event. A sink that fails while finishing turns the run into ``failed`` and its
error is raised after the file was closed.

Subclasses implement :meth:`_run_start`, :meth:`_make_sink`, :meth:`_make_result`,
:meth:`_records` (a generator of point / row records, driving the instruments) and
:meth:`_end_status`; this base also gives a blocking :meth:`run`, a background
:meth:`start` / :meth:`wait`, and thread-safe :meth:`pause`, :meth:`resume`, :meth:`stop`.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from daqcore.acquisition.errors import PointSaveError, ScanStateError
from daqcore.acquisition.events import EventHub, ProgressEvent
from daqcore.data.records import (
    PointRecord,
    Record,
    RunStart,
    RunStop,
    Sink,
    Subscriber,
    error_text,
)


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
        self._observers: list[Subscriber] = []
        self._sink: Sink | None = None
        self._t0 = time.perf_counter()
        self._n_total: int | None = None
        self._n_done = 0

    # ---------------------------------------------------------------- to implement
    def _run_start(self) -> RunStart:  # pragma: no cover - abstract
        """Check the configuration and describe the run (nothing moves yet)."""
        raise NotImplementedError

    def _make_sink(self, start: RunStart) -> Sink | None:  # pragma: no cover - abstract
        """The saving sink of the run (``None``: nothing saved)."""
        raise NotImplementedError

    def _make_result(self, sink: Sink | None) -> Any:  # pragma: no cover - abstract
        """The result object, once the sink has started the run (its paths are known)."""
        raise NotImplementedError

    def _records(self, start: RunStart) -> Iterator[Record]:
        """Drive the instruments, yielding one record per point / sample; stop when done or
        when :meth:`_checkpoint` says so. Resumed after the record was saved and published."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _end_status(self, n_done: int) -> str:  # pragma: no cover - abstract
        """``'finished'`` or ``'stopped'`` once :meth:`_records` ended without error."""
        raise NotImplementedError

    def _abort(self) -> None:
        """Called when the run ends on an error or an interruption (stop actuators...)."""

    def _stop_counts(self) -> dict[str, int]:
        """Extra counters of the :class:`~daqcore.data.records.RunStop`."""
        return {}

    def _update_result(self, stop: RunStop, elapsed: float,
                       error: BaseException | None) -> None:
        """Copy the end of the run into :attr:`result` (status is never left running)."""

    # ---------------------------------------------------------------- the loop
    def iterate(self) -> Iterator[ProgressEvent]:
        """Run in this thread, yielding a ``point`` event after each saved point / sample.

        Leaving the loop early (``break``) stops the run cleanly, like :meth:`stop`.
        """
        self._enter_running()
        self._t0 = time.perf_counter()
        n_done = 0
        status = "failed"
        error: BaseException | None = None
        start: RunStart | None = None
        sink: Sink | None = None
        try:
            start = self._run_start()
            self._n_total = start.n_planned
            sink = self._sink = self._make_sink(start)
            if sink is not None:
                sink(start)
            self.result = self._make_result(sink)
            self._observe(start)
            self._emit("started", 0)
            for record in self._records(start):
                if sink is not None:
                    try:
                        sink(record)
                    except Exception as exc:
                        raise self._save_error(record, exc) from exc
                self._observe(record)
                n_done += 1
                self._n_done = n_done
                event = self._point_event(record, n_done)
                self._hub.emit(event)
                yield event
            status = self._end_status(n_done)
        except (GeneratorExit, KeyboardInterrupt):
            status = "stopped"
            self._abort()
            raise
        except BaseException as exc:
            error = exc
            status = "failed"
            self._abort()
            raise
        finally:
            self._finish_run(start, sink, n_done, status, error)

    def _save_error(self, record: Record, exc: BaseException) -> BaseException:
        index = record.step if isinstance(record, PointRecord) else getattr(record, "index", 0)
        return PointSaveError(int(index), exc)

    def _point_event(self, record: Record, n_done: int) -> ProgressEvent:
        elapsed = time.perf_counter() - self._t0
        if isinstance(record, PointRecord):
            return ProgressEvent("point", n_done, self._n_total, elapsed, step=record.step,
                                 indexes=record.indexes, positions=record.positions,
                                 data=record.detector_data, path=self._path_text())
        return ProgressEvent("point", n_done, self._n_total, elapsed, step=n_done - 1,
                             data=getattr(record, "detector_data", None),
                             path=self._path_text())

    def _finish_run(self, start: RunStart | None, sink: Sink | None, n_done: int,
                    status: str, error: BaseException | None) -> None:
        """Send the RunStop, close the sink, set the result, emit the terminal event."""
        sink_error: BaseException | None = None
        uid = start.uid if start is not None else ""
        n_planned = start.n_planned if start is not None else None
        stop = RunStop(uid, status, n_done, n_planned, error_text(error), error,  # type: ignore[arg-type]
                       self._stop_counts())
        try:
            if sink is not None and start is not None:
                try:
                    sink(stop)
                except BaseException as exc:  # the data could not be finalised
                    sink_error = exc
        finally:
            if sink is not None:
                sink.close()
            if sink_error is not None:
                if error is None:
                    error = sink_error
                status = "failed"
                stop = RunStop(uid, "failed", n_done, n_planned, error_text(error), error,
                               self._stop_counts())
            elapsed = time.perf_counter() - self._t0
            try:
                self._update_result(stop, elapsed, error)
            finally:
                self._state = AcquisitionState[status]
                if start is not None:
                    self._observe(stop)
                self._hub.emit(ProgressEvent(status, n_done, self._n_total, elapsed,
                                             error=error, path=self._path_text()))
        if sink_error is not None and error is sink_error:
            raise sink_error

    def _n_saved(self, stop: RunStop) -> int:
        """Points / samples in the file: what the sink wrote (less than ``stop.n_done`` when
        the last writes failed)."""
        sink = getattr(self._sink, "sink", self._sink)
        written = getattr(sink, "n_written", None)
        return stop.n_done if written is None else min(stop.n_done, int(written))

    def _path_text(self) -> str:
        path = getattr(self._sink, "path", None)
        return "" if path is None else str(path)

    def _emit(self, kind: str, n_done: int, error: BaseException | None = None) -> None:
        self._hub.emit(ProgressEvent(kind, n_done, self._n_total,
                                     time.perf_counter() - self._t0, error=error,
                                     path=self._path_text()))

    def _checkpoint(self) -> bool:
        """Between two points: block while paused (the sink flushes first, so a paused run
        has everything on disk); False when a stop was requested."""
        def on_pause() -> None:
            flush = getattr(self._sink, "flush", None)
            if flush is not None:
                flush()
            self._emit("paused", self._n_done)

        return self._pause_point(on_pause, lambda: self._emit("resumed", self._n_done))

    # ---------------------------------------------------------------- records
    def subscribe_records(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(record)`` (in the acquisition thread) for every record of the run:
        :class:`~daqcore.data.records.RunStart`, point / row records (after they were
        saved), :class:`~daqcore.data.records.RunStop`. Returns a function that unsubscribes.
        A callback that raises is dropped; it never ends the run."""
        with self._lock:
            self._observers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._observers:
                    self._observers.remove(callback)

        return unsubscribe

    def _observe(self, record: Record) -> None:
        with self._lock:
            observers = list(self._observers)
        for callback in observers:
            try:
                callback(record)
            except Exception:  # a broken view must not lose the run's data
                with self._lock:
                    if callback in self._observers:
                        self._observers.remove(callback)

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
