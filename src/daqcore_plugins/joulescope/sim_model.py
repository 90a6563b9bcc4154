"""Synthetic JS110 signal model: loads, auto-ranging, calibration and raw word encoding.

Used by :class:`~daqcore_plugins.joulescope.sim_device.SimulatedJoulescope`, by the tests
and by the benchmark. Everything is deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .errors import InvalidParameterError
from .raw_format import I_RANGE_FULL_SCALE, I_RANGE_NAMES, V_RANGE_FULL_SCALE, encode_words

CODE_SPAN = 15000.0
I_CODE_OFFSET = 1000.0
V_CODE_OFFSET = 500.0

Load = Callable[[np.ndarray], np.ndarray]


def steady_load(current: float) -> Load:
    """Constant current (A)."""
    return lambda t: np.full(len(t), float(current))


def pulsed_load(high: float, low: float, period: float, duty: float) -> Load:
    """``high`` A for ``duty * period`` s, then ``low`` A, repeating every ``period`` s."""
    if period <= 0 or not 0 <= duty <= 1:
        raise InvalidParameterError(f"pulsed load needs period > 0 and 0 <= duty <= 1, "
                                    f"got period={period}, duty={duty}")
    return lambda t: np.where((t % period) < duty * period, float(high), float(low))


def sleep_wake_load(active: float = 20e-3, sleep: float = 50e-6, period: float = 0.010,
                    active_time: float = 0.001) -> Load:
    """A microcontroller-like pattern: short active bursts, long sleep (switches ranges)."""
    return pulsed_load(active, sleep, period, active_time / period)


def calibration_vectors():
    """The simulated device calibration: ``value = (code + offset) * gain``."""
    i_off = np.full(7, -I_CODE_OFFSET)
    i_gain = np.array([fs / CODE_SPAN for fs in I_RANGE_FULL_SCALE])
    v_off = np.full(2, -V_CODE_OFFSET)
    v_gain = np.array([fs / CODE_SPAN for fs in V_RANGE_FULL_SCALE])
    return i_off, i_gain, v_off, v_gain


def parse_i_range(value) -> int | None:
    """``'auto'`` -> None, a range name ('180 mA') or index -> index 0..7."""
    if value is None or value == "auto":
        return None
    if isinstance(value, str):
        key = value.replace("u", "µ").replace(" ", "").lower()
        for idx, name in enumerate(I_RANGE_NAMES[:8]):
            if name.replace(" ", "").lower() == key:
                return idx
        raise InvalidParameterError(f"unknown i_range {value!r}; use 'auto' or one of "
                                    f"{I_RANGE_NAMES[:8]}")
    idx = int(value)
    if not 0 <= idx <= 7:
        raise InvalidParameterError(f"i_range index must be 0..7, got {value!r}")
    return idx


def parse_v_range(value) -> int:
    if value in (0, 1):
        return int(value)
    key = str(value).replace(" ", "").upper()
    if key in ("15V", "15"):
        return 0
    if key in ("5V", "5"):
        return 1
    raise InvalidParameterError(f"v_range must be '15V' or '5V', got {value!r}")


def auto_range(current: np.ndarray) -> np.ndarray:
    """Most sensitive range (largest index 0..6) whose full scale covers ``|current|``."""
    fs = np.asarray(I_RANGE_FULL_SCALE)
    a = np.abs(current)[:, None]
    fits = a <= fs[None, :] * 0.95
    # ranges are ordered from 10 A (0) to 18 µA (6): pick the last range that still fits
    idx = np.where(fits, np.arange(7)[None, :], -1).max(axis=1)
    return np.where(idx < 0, 0, idx).astype(np.uint8)


@dataclass
class SignalModel:
    """A JS110 front end measuring ``load`` at ``voltage`` volts."""

    load: Load = field(default_factory=sleep_wake_load)
    voltage: float = 3.3
    i_range: int | None = None          # None = auto
    v_range: int = 0
    noise_codes: float = 4.0
    seed: int = 1

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def generate(self, start_sample: int, n: int, fs: float) -> np.ndarray:
        """Raw interleaved words for samples ``start_sample .. start_sample + n - 1``."""
        t = (start_sample + np.arange(n)) / fs
        current = np.asarray(self.load(t), dtype=np.float64)
        if self.i_range is None:
            rng_idx = auto_range(current)
        else:
            rng_idx = np.full(n, self.i_range, dtype=np.uint8)
        _, i_gain, _, v_gain = calibration_vectors()
        gain = np.where(rng_idx < 7, i_gain[np.minimum(rng_idx, 6)], 1.0)
        i_code = np.where(rng_idx < 7, current / gain + I_CODE_OFFSET, I_CODE_OFFSET)
        v_code = self.voltage / v_gain[self.v_range] + V_CODE_OFFSET
        if self.noise_codes > 0:
            i_code = i_code + self._rng.normal(0.0, self.noise_codes, n)
            v_code = v_code + self._rng.normal(0.0, self.noise_codes / 4, n)
        v_code = np.broadcast_to(v_code, (n,))
        return encode_words(np.round(i_code), np.round(v_code), rng_idx,
                            first_toggle=start_sample & 1)


__all__ = [
    "SignalModel",
    "auto_range",
    "calibration_vectors",
    "parse_i_range",
    "parse_v_range",
    "pulsed_load",
    "sleep_wake_load",
    "steady_load",
]
