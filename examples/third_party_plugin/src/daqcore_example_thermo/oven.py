"""The simulated world shared by the thermometer and the heater."""

from __future__ import annotations

import math
import threading
import time


class Oven:
    """First-order thermal model: T relaxes towards ``ambient + gain * power`` (time ``tau``)."""

    def __init__(self, ambient: float = 20.0, gain: float = 0.5, tau: float = 30.0,
                 clock=time.monotonic) -> None:
        self.ambient, self.gain, self.tau = ambient, gain, tau
        self._clock = clock
        self._lock = threading.Lock()
        self._power = 0.0
        self._t0 = clock()
        self._temp0 = ambient

    def _temperature_at(self, now: float) -> float:
        target = self.ambient + self.gain * self._power
        return target + (self._temp0 - target) * math.exp(-(now - self._t0) / self.tau)

    @property
    def temperature(self) -> float:
        """Current temperature in degC."""
        with self._lock:
            return self._temperature_at(self._clock())

    @property
    def power(self) -> float:
        """Current heater power in W."""
        return self._power

    @power.setter
    def power(self, watts: float) -> None:
        with self._lock:
            now = self._clock()
            self._temp0 = self._temperature_at(now)
            self._t0 = now
            self._power = float(watts)


_shared = Oven()


def shared_oven() -> Oven:
    """The process-wide oven used by instruments created without ``oven=``."""
    return _shared
