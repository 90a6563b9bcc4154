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


__all__ = ["JoulescopeDevice"]
