"""One worker thread per instrument: hardware calls never run in the GUI thread.

:class:`InstrumentWorker` runs submitted calls one after the other in its own thread (an
instrument is never called from two module actions at once) and hands the outcome back to the
GUI thread through a :class:`~daqcore.gui.bridge.GuiBridge`: ``on_done(result)`` or
``on_error(exception)``. An exception never escapes to Qt: it becomes an ``on_error`` call, which
the modules show in their status line.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

from daqcore.gui.bridge import GuiBridge

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class InstrumentWorker:
    """A single background thread executing calls in submission order.

    Parameters
    ----------
    bridge : GuiBridge
        Created in the GUI thread; callbacks are run through it.
    name : str
        Thread name prefix (shown in debuggers and thread dumps).
    """

    def __init__(self, bridge: GuiBridge, name: str = "daqcore-gui-worker") -> None:
        self._bridge = bridge
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=name)
        self._pending = 0
        self._closed = False

    @property
    def busy(self) -> bool:
        """True while a submitted call has not finished."""
        return self._pending > 0

    def submit(self, function: Callable[[], Any], on_done: DoneCallback | None = None,
               on_error: ErrorCallback | None = None) -> concurrent.futures.Future[Any] | None:
        """Run ``function()`` in the worker thread; report through the callbacks.

        Returns the future (None once the worker is shut down).
        """
        if self._closed:
            return None
        self._pending += 1

        def job() -> Any:
            try:
                result = function()
            except BaseException as exc:  # reported in the GUI, never lost in the thread
                self._bridge.post(self._finish, on_error, exc)
                raise
            self._bridge.post(self._finish, on_done, result)
            return result

        return self._executor.submit(job)

    def _finish(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        self._pending -= 1
        if callback is not None:
            callback(value)

    def shutdown(self, wait: bool = True) -> None:
        """Refuse new calls; with ``wait``, let the queued ones finish first."""
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


__all__ = ["DoneCallback", "ErrorCallback", "InstrumentWorker"]
