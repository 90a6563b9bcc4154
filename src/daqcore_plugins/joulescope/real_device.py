"""Real Joulescope through the vendor ``joulescope`` package (imported lazily, here only).

:func:`probe` reports why the real backend cannot be used ("driver not installed" when the
package is missing, "no device" when ``joulescope.scan()`` finds nothing). :class:`RealJoulescope`
opens the first device found, applies the same parameter names as the simulated device and
reads blocks with the vendor's ``Device.read`` (float32 current and voltage).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import numpy as np

from .errors import DeviceNotAvailableError

PARAMETERS = ("sampling_frequency", "i_range", "v_range", "buffer_duration",
              "reduction_frequency")


def _import_joulescope() -> Any:
    try:
        return importlib.import_module("joulescope")
    except ImportError as exc:
        raise DeviceNotAvailableError(f"driver not installed: joulescope ({exc})") from exc


def probe() -> str | None:
    """None when a device is present, else the reason ('driver not installed', 'no device')."""
    if importlib.util.find_spec("joulescope") is None:
        return "driver not installed: joulescope"
    try:
        js = _import_joulescope()
        devices = js.scan()
    except DeviceNotAvailableError as exc:
        return str(exc)
    except Exception as exc:  # a broken driver must not break a listing
        return f"driver error: {type(exc).__name__}: {exc}"
    if not devices:
        return "no device"
    return None


class RealJoulescope:
    """The first Joulescope found by ``joulescope.scan()``, configured like the simulator."""

    def __init__(self, **parameters: Any) -> None:
        unknown = set(parameters) - set(PARAMETERS)
        if unknown:
            raise DeviceNotAvailableError(f"unknown parameters {sorted(unknown)}")
        self._parameters = parameters
        self._device: Any = None
        self._charge = 0.0
        self._energy = 0.0

    def open(self) -> RealJoulescope:
        js = _import_joulescope()
        devices = js.scan()
        if not devices:
            raise DeviceNotAvailableError("no device: joulescope.scan() found no Joulescope")
        device = devices[0]
        device.open()
        for name, value in self._parameters.items():
            device.parameter_set(name, value)
        self._device = device
        return self

    @property
    def sampling_frequency(self) -> float:
        return float(self._parameters.get("sampling_frequency", 2e6))

    def read(self, duration: float) -> np.ndarray:
        """``(N, 2)`` float32 current (A) and voltage (V) of the next ``duration`` s."""
        if self._device is None:
            raise DeviceNotAvailableError("device is not open")
        data = np.asarray(self._device.read(contiguous_duration=duration), dtype=np.float32)
        return data[:, :2]

    def close(self) -> None:
        if self._device is not None:
            try:
                self._device.close()
            finally:
                self._device = None


__all__ = ["PARAMETERS", "RealJoulescope", "probe"]
