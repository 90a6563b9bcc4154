"""The device protocol shared by the simulated and the real Joulescope.

The detector (and the ``daqcore joulescope record`` command) talk to a device only through
this protocol, so the simulated and the real JS110 are interchangeable: both fill a daqcore
:class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer` that consumers read under
the device's ``lock``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from .stream_buffer import StreamBuffer


class StreamProcess(Protocol):
    """An object notified of new samples (e.g. a DataRecorder); True asks to stop."""

    def stream_notify(self, stream_buffer: Any) -> Any: ...


class JoulescopeDevice(Protocol):
    """A Joulescope delivering samples into a StreamBuffer."""

    lock: threading.RLock
    stream_error: BaseException | None

    @property
    def sampling_frequency(self) -> float: ...

    @property
    def stream_buffer(self) -> StreamBuffer: ...

    @property
    def is_streaming(self) -> bool: ...

    def open(self) -> Any: ...

    def close(self) -> None: ...

    def start(self, stop_fn: Callable[..., Any] | None = None,
              duration: float | None = None) -> None: ...

    def stop(self) -> None: ...

    def fill_to(self, sample_id: int, timeout: float) -> bool:
        """Return once the buffer has processed ``sample_id`` (False: timeout or stopped)."""
        ...

    def statistics_callback_register(self, cbk: Callable[[dict], None] | None) -> None: ...

    def stream_process_register(self, obj: StreamProcess) -> None:
        """Call ``obj.stream_notify(stream_buffer)`` after each processed chunk, in the
        device's thread under its lock (how recorders keep up with the stream)."""
        ...

    def stream_process_unregister(self, obj: StreamProcess) -> None: ...


class StreamProcessors:
    """The registered stream-process objects of a device (composition helper)."""

    def __init__(self) -> None:
        self._objs: list[StreamProcess] = []

    def register(self, obj: StreamProcess) -> None:
        if obj not in self._objs:
            self._objs.append(obj)

    def unregister(self, obj: StreamProcess) -> None:
        if obj in self._objs:
            self._objs.remove(obj)

    def notify(self, stream_buffer: StreamBuffer) -> bool:
        """Notify every object; True when one of them asks to stop."""
        stop = False
        for obj in list(self._objs):
            stop |= bool(obj.stream_notify(stream_buffer))
        return stop


__all__ = ["JoulescopeDevice", "StreamProcess", "StreamProcessors"]
