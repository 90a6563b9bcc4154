"""Real Joulescope through the vendor ``joulescope`` package (imported lazily, here only).

:func:`probe` reports why the real backend cannot be used ("driver not installed" when the
package is missing, "no device" when ``joulescope.scan()`` finds nothing).

:class:`RealJoulescope` implements the same device protocol as the simulator
(:class:`~daqcore_plugins.joulescope.device.JoulescopeDevice`): it owns a daqcore
:class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer` and registers a stream
process object with the vendor device (its public ``stream_process_register`` hook). On
every notification the new raw JS110 words the vendor parsed from USB are copied into our
buffer (``insert_raw`` + ``process``); samples the vendor buffer lost before they were
copied become missing samples. The calibration is the device's own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .device import StreamProcess, StreamProcessors
from .errors import DeviceNotAvailableError
from .real_probe import import_joulescope, probe
from .sim_device import reductions_for
from .stream_buffer import StreamBuffer

PARAMETERS = ("sampling_frequency", "i_range", "v_range", "buffer_duration",
              "reduction_frequency")
#: Parameters applied to our buffer only (the vendor device keeps its own defaults).
_LOCAL = ("buffer_duration", "reduction_frequency")


def _import_joulescope() -> Any:
    return import_joulescope()


class _RawForwarder:
    """Stream process object: copies new raw words from the vendor buffer into ours."""

    def __init__(self, owner: RealJoulescope) -> None:
        self._owner = owner
        self._next: int | None = None

    def start(self, stream_buffer: Any) -> None:
        self._next = None

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass

    def stream_notify(self, stream_buffer: Any) -> bool:
        start, stop = (int(x) for x in stream_buffer.sample_id_range)
        if self._next is None:
            self._next = start
        gap = max(0, start - self._next)
        first = max(self._next, start)
        if stop <= first and not gap:
            return False
        raw = np.asarray(stream_buffer.samples_get(first, stop, fields="raw"), dtype=np.uint16)
        self._owner.feed(raw.reshape(-1), int(stream_buffer.voltage_range), gap)
        self._next = stop
        return False


class RealJoulescope:
    """The first Joulescope found by ``joulescope.scan()``, streaming into our StreamBuffer.

    Parameters
    ----------
    driver
        The vendor module (default: ``import joulescope`` at :meth:`open`); tests pass a
        fake with the same ``scan()`` API.
    **parameters
        ``sampling_frequency``, ``i_range``, ``v_range``, ``buffer_duration``,
        ``reduction_frequency`` (as the simulator).
    """

    def __init__(self, *, driver: Any = None, **parameters: Any) -> None:
        unknown = set(parameters) - set(PARAMETERS)
        if unknown:
            raise DeviceNotAvailableError(f"unknown parameters {sorted(unknown)}")
        self._driver = driver
        self._parameters = {"sampling_frequency": 2e6, "buffer_duration": 30.0,
                            "reduction_frequency": 2, **parameters}
        self._device: Any = None
        self._buffer: StreamBuffer | None = None
        self._forwarder = _RawForwarder(self)
        self._streaming = False
        self._processors = StreamProcessors()
        self.lock = threading.RLock()
        self.stream_error: BaseException | None = None

    # ------------------------------------------------------------------ protocol
    @property
    def sampling_frequency(self) -> float:
        return float(self._parameters["sampling_frequency"])

    @property
    def stream_buffer(self) -> StreamBuffer:
        if self._buffer is None:
            raise DeviceNotAvailableError("device is not open")
        return self._buffer

    @property
    def is_streaming(self) -> bool:
        return self._streaming

    def open(self) -> RealJoulescope:
        js = self._driver if self._driver is not None else _import_joulescope()
        devices = js.scan()
        if not devices:
            raise DeviceNotAvailableError("no device: joulescope.scan() found no Joulescope")
        device = devices[0]
        device.open()
        try:
            for name, value in self._parameters.items():
                if name not in _LOCAL:
                    device.parameter_set(name, value)
            fs = self.sampling_frequency
            sb = StreamBuffer(float(self._parameters["buffer_duration"]),
                              reductions_for(fs, float(self._parameters["reduction_frequency"])),
                              fs)
            cal = getattr(device, "calibration", None)
            if cal is not None:
                sb.calibration_set(cal.current_offset, cal.current_gain, cal.voltage_offset,
                                   cal.voltage_gain)
            if fs != 2e6:
                sb.suppress_mode = "off"
            device.stream_process_register(self._forwarder)
        except BaseException:
            device.close()
            raise
        with self.lock:
            self._device = device
            self._buffer = sb
        return self

    def start(self, stop_fn: Callable[..., Any] | None = None,
              duration: float | None = None) -> None:
        if self._device is None:
            self.open()
        self.stream_error = None

        def on_stop(event: int = 0, message: str = "") -> None:
            self._streaming = False
            if stop_fn is not None:
                stop_fn(event, message)

        self._streaming = True
        self._device.start(stop_fn=on_stop, duration=duration)

    def stop(self) -> None:
        if self._device is not None and self._streaming:
            self._device.stop()
        self._streaming = False

    def close(self) -> None:
        dev, self._device = self._device, None
        self._streaming = False
        if dev is not None:
            try:
                dev.stop()
            finally:
                dev.close()

    def __enter__(self) -> RealJoulescope:
        if self._device is None:
            self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def feed(self, words: np.ndarray, voltage_range: int, missing: int = 0) -> None:
        """Insert raw words (preceded by ``missing`` lost samples) and process them."""
        sb = self.stream_buffer
        with self.lock:
            sb.voltage_range = voltage_range
            if missing:
                sb.insert_raw(np.full(2 * missing, 0xFFFF, dtype=np.uint16))
            sb.insert_raw(words)
            sb.process()
            if self._processors.notify(sb):
                self._streaming = False

    def fill_to(self, sample_id: int, timeout: float) -> bool:
        """Wait until our buffer has processed ``sample_id`` (False on timeout / stop)."""
        deadline = time.perf_counter() + timeout
        if not self._streaming:
            self.start()
        while time.perf_counter() < deadline:
            if self.stream_buffer.sample_id_range[1] >= sample_id:
                return True
            if not self._streaming:
                return self.stream_buffer.sample_id_range[1] >= sample_id
            time.sleep(0.002)
        return False

    def statistics_callback_register(self, cbk: Callable[[dict], None] | None) -> None:
        self.stream_buffer.callback = cbk

    def stream_process_register(self, obj: StreamProcess) -> None:
        """Call ``obj.stream_notify(stream_buffer)`` after each chunk copied from the vendor
        (under :attr:`lock`, in the vendor's stream thread)."""
        self._processors.register(obj)

    def stream_process_unregister(self, obj: StreamProcess) -> None:
        self._processors.unregister(obj)

    def status(self) -> dict:
        return self.stream_buffer.status()


__all__ = ["PARAMETERS", "RealJoulescope", "probe"]
