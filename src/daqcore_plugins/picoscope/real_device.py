"""The real PicoScope 5000a through Pico's ``picosdk`` ctypes wrappers (imported lazily).

Importing this module never imports ``picosdk``: :func:`probe` and :meth:`PicoScope5000a.open`
do. ``picosdk.ps5000a`` raises at import time when the native ``libps5000a`` is missing; that
shows as "driver not installed" in ``daqcore plugins``. The ctypes callback object and every
registered buffer are kept referenced for the whole session (a collected buffer crashes the
driver).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from daqcore_plugins.picoscope.constants import (
    COUPLINGS,
    DOWNSAMPLE_MODES,
    PICO_OK,
    PICO_POWER_SUPPLY_NOT_CONNECTED,
    PICO_USB3_0_DEVICE_NON_USB3_0_PORT,
    RANGES_V,
    RESOLUTION_ENUM,
    parse_range,
)
from daqcore_plugins.picoscope.device import StreamingCallback
from daqcore_plugins.picoscope.errors import DriverError, ScopeStateError

_CHANNEL_INDEX = {"A": 0, "B": 1, "C": 2, "D": 3}
_TIME_UNITS_NS = 2


def _sdk() -> Any:  # pragma: no cover - needs the vendor SDK
    try:
        from picosdk.ps5000a import ps5000a
    except ImportError as exc:
        raise DriverError(f"driver not installed: {exc}") from exc
    except OSError as exc:  # CannotFindPicoSDKError: the native library is missing
        raise DriverError(f"driver not installed: {exc}") from exc
    return ps5000a


def probe() -> str | None:  # pragma: no cover - needs the vendor SDK
    """``None`` when the SDK loads and a unit answers, else the reason."""
    try:
        sdk = _sdk()
    except DriverError as exc:
        return str(exc)
    handle = ctypes.c_int16()
    status = sdk.ps5000aOpenUnit(ctypes.byref(handle), None, RESOLUTION_ENUM[8])
    if status not in (PICO_OK, PICO_POWER_SUPPLY_NOT_CONNECTED,
                      PICO_USB3_0_DEVICE_NON_USB3_0_PORT):
        return f"no device (status 0x{status:X})"
    sdk.ps5000aCloseUnit(handle)
    return None


class PicoScope5000a:  # pragma: no cover - needs hardware
    """A PicoScope 5000a on USB, following :class:`~.device.ScopeDevice`."""

    def __init__(self, serial: str | None = None) -> None:
        self.serial = serial
        self._sdk: Any = None
        self._handle = ctypes.c_int16()
        self._max_adc = 0
        self._open = False
        self._streaming = False
        self._keep: list[Any] = []  # buffers and the ctypes callback, alive for the session

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def max_adc(self) -> int:
        return self._max_adc

    def _check(self, status: int, what: str) -> None:
        if status != PICO_OK:
            raise DriverError(f"{what} failed with PICO status 0x{status:X}")

    def open(self, resolution_bits: int) -> None:
        sdk = self._sdk = _sdk()
        serial = self.serial.encode() if self.serial else None
        status = sdk.ps5000aOpenUnit(ctypes.byref(self._handle), serial,
                                     RESOLUTION_ENUM[resolution_bits])
        if status in (PICO_POWER_SUPPLY_NOT_CONNECTED, PICO_USB3_0_DEVICE_NON_USB3_0_PORT):
            status = sdk.ps5000aChangePowerSource(self._handle, status)
        self._check(status, "ps5000aOpenUnit")
        self._open = True
        value = ctypes.c_int16()
        self._check(sdk.ps5000aMaximumValue(self._handle, ctypes.byref(value)),
                    "ps5000aMaximumValue")
        self._max_adc = int(value.value)

    def set_channel(self, name: str, enabled: bool, coupling: str = "DC",
                    range_v: float = 20.0, analog_offset_v: float = 0.0) -> None:
        if not self._open:
            raise ScopeStateError("the scope is not open")
        self._check(self._sdk.ps5000aSetChannel(
            self._handle, _CHANNEL_INDEX[name], int(enabled), COUPLINGS[coupling],
            RANGES_V.index(parse_range(range_v)), ctypes.c_float(analog_offset_v)),
            f"ps5000aSetChannel({name})")

    def set_data_buffers(self, name: str, buffer_max: np.ndarray,
                         buffer_min: np.ndarray | None = None) -> None:
        self._keep.extend(b for b in (buffer_max, buffer_min) if b is not None)
        ptr = ctypes.POINTER(ctypes.c_int16)
        pmin = buffer_min.ctypes.data_as(ptr) if buffer_min is not None else None
        self._pending_buffers = getattr(self, "_pending_buffers", [])
        self._pending_buffers.append((name, buffer_max.ctypes.data_as(ptr), pmin,
                                      buffer_max.shape[0]))

    def run_streaming(self, sample_interval_ns: int, downsample_mode: str,
                      downsample_ratio: int, overview_buffer_size: int) -> int:
        mode = DOWNSAMPLE_MODES[downsample_mode]
        for name, pmax, pmin, length in getattr(self, "_pending_buffers", []):
            self._check(self._sdk.ps5000aSetDataBuffers(
                self._handle, _CHANNEL_INDEX[name], pmax, pmin, length, 0, mode),
                f"ps5000aSetDataBuffers({name})")
        interval = ctypes.c_int32(int(sample_interval_ns))
        self._check(self._sdk.ps5000aRunStreaming(
            self._handle, ctypes.byref(interval), _TIME_UNITS_NS, 0, overview_buffer_size, 0,
            int(downsample_ratio), mode, overview_buffer_size), "ps5000aRunStreaming")
        self._streaming = True
        return int(interval.value)

    def get_streaming_latest_values(self, callback: StreamingCallback) -> int:
        def on_ready(handle: int, n: int, start: int, overflow: int, trigger_at: int,
                     triggered: int, auto_stop: int, param: Any) -> None:
            if n > 0:
                callback(int(n), int(start), int(overflow))

        c_callback = self._sdk.StreamingReadyType(on_ready)
        self._keep.append(c_callback)
        if len(self._keep) > 64:  # keep the buffers, drop old callbacks
            buffers = [k for k in self._keep if isinstance(k, np.ndarray)]
            self._keep = [*buffers, c_callback]
        return int(self._sdk.ps5000aGetStreamingLatestValues(self._handle, c_callback, None))

    def stop(self) -> None:
        if self._streaming:
            self._streaming = False
            self._sdk.ps5000aStop(self._handle)

    def close(self) -> None:
        self.stop()
        if self._open:
            self._open = False
            self._sdk.ps5000aCloseUnit(self._handle)


__all__ = ["PicoScope5000a", "probe"]
