"""joulescope v0 statistics helpers: ``Statistics``, ``RunningStatistics``, ``stats_compute``,
``reduction_downsample`` and the record array helpers, plus the test packet factories.

``Statistics`` wraps one ``(STATS_FIELD_COUNT,)`` record (``variance`` = sum of squared
deviations, as everywhere in this module family) and combines records with the parallel
update. ``RunningStatistics`` is a scalar Welford accumulator whose ``var`` is the sample
variance.
"""

from __future__ import annotations

import math

import numpy as np

from .stats import STATS_DTYPE, STATS_FIELD_COUNT, stats_array_factory, stats_invalidate

_DBL_MAX = float(np.finfo(np.float64).max)


def stats_factory() -> np.ndarray:
    """One cleared ``(STATS_FIELD_COUNT,)`` record (length 0, min +max float, max -max float)."""
    out = np.zeros(STATS_FIELD_COUNT, dtype=STATS_DTYPE)
    stats_array_clear(out)
    return out


def stats_array_clear(records: np.ndarray) -> None:
    """Reset records in place to the empty accumulator state."""
    records["length"] = 0
    records["mean"] = 0.0
    records["variance"] = 0.0
    records["min"] = _DBL_MAX
    records["max"] = -_DBL_MAX


def stats_array_invalidate(records: np.ndarray) -> None:
    """Mark records as invalid in place (length 0, NaN)."""
    stats_invalidate(records)


def _combine_into(dst: np.ndarray, src: np.ndarray) -> None:
    """Parallel combination of record ``src`` into ``dst`` (both (6,) STATS_DTYPE)."""
    k1 = int(dst[0]["length"])
    k2 = int(src[0]["length"])
    if k2 == 0:
        return
    if k1 == 0:
        dst[:] = src
        return
    k = k1 + k2
    m1 = dst["mean"].astype(np.float64)
    m2 = src["mean"].astype(np.float64)
    delta = m2 - m1
    dst["mean"] = m1 + delta * (k2 / k)
    dst["variance"] = dst["variance"] + src["variance"] + delta * delta * (k1 * k2 / k)
    dst["min"] = np.fmin(dst["min"], src["min"])
    dst["max"] = np.fmax(dst["max"], src["max"])
    dst["length"] = k


class Statistics:
    """Combinable statistics of the six signals (one STATS_DTYPE record)."""

    def __init__(self, length: int = 0, stats: np.ndarray | None = None) -> None:
        if stats is None:
            self._value = stats_factory()
            self._value["length"] = int(length)
        else:
            self._value = np.array(stats, dtype=STATS_DTYPE).reshape(STATS_FIELD_COUNT)

    def __len__(self) -> int:
        return int(self._value[0]["length"])

    @property
    def value(self) -> np.ndarray:
        return self._value

    def combine(self, other: Statistics) -> Statistics:
        """Add ``other`` into this instance; return self."""
        _combine_into(self._value, other.value)
        return self


class RunningStatistics:
    """Welford accumulator of one scalar signal (``var`` is the sample variance)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._k = 0
        self._mean = 0.0
        self._m2 = 0.0
        self._min = _DBL_MAX
        self._max = -_DBL_MAX

    def __len__(self) -> int:
        return self._k

    def add(self, x: float) -> None:
        x = float(x)
        self._k += 1
        delta = x - self._mean
        self._mean += delta / self._k
        self._m2 += delta * (x - self._mean)
        self._min = min(self._min, x)
        self._max = max(self._max, x)

    def copy(self, other: RunningStatistics) -> None:
        self._k, self._mean, self._m2 = other._k, other._mean, other._m2
        self._min, self._max = other._min, other._max

    def combine(self, other: RunningStatistics) -> RunningStatistics:
        """Add ``other`` into this instance; return self."""
        if other._k == 0:
            return self
        if self._k == 0:
            self.copy(other)
            return self
        k = self._k + other._k
        delta = other._mean - self._mean
        self._mean += delta * other._k / k
        self._m2 += other._m2 + delta * delta * self._k * other._k / k
        self._k = k
        self._min = min(self._min, other._min)
        self._max = max(self._max, other._max)
        return self

    def invalid(self) -> None:
        """Mark as invalid: no samples, NaN statistics."""
        self._k = 0
        self._mean = self._m2 = self._min = self._max = math.nan

    @property
    def mean(self) -> float:
        return self._mean

    @property
    def var(self) -> float:
        return self._m2 / (self._k - 1) if self._k > 1 else 0.0

    @property
    def std(self) -> float:
        return math.sqrt(self.var)

    @property
    def min(self) -> float:
        return self._min

    @property
    def max(self) -> float:
        return self._max


def stats_compute(data: np.ndarray, out: np.ndarray) -> int:
    """Statistics of the finite values of ``data`` into the record ``out[0]``; returns the
    count (0 leaves an invalid record)."""
    x = np.asarray(data, dtype=np.float64)
    x = x[np.isfinite(x)]
    k = len(x)
    if k == 0:
        stats_invalidate(out)
        return 0
    mean = float(x.mean())
    out["length"] = k
    out["mean"] = mean
    out["variance"] = float(((x - mean) ** 2).sum())
    out["min"] = float(x.min())
    out["max"] = float(x.max())
    return k


def reduction_downsample(reduction: np.ndarray, idx_start: int, idx_stop: int,
                         increment: int) -> np.ndarray:
    """Combine rows ``[idx_start, idx_stop)`` of a reduction in groups of ``increment``
    (a trailing partial group is dropped)."""
    from .stats import combine_plain, pack_records

    increment = max(1, int(increment))
    n = (int(idx_stop) - int(idx_start)) // increment
    if n <= 0:
        return stats_array_factory(0)
    rows = reduction[idx_start:idx_start + n * increment]
    k = rows[:, 0]["length"].astype(np.int64).reshape(n, increment)
    mean, m2, mn, mx = (rows[name].astype(np.float64).reshape(n, increment, STATS_FIELD_COUNT)
                        for name in ("mean", "variance", "min", "max"))
    return pack_records(*combine_plain(k, mean, m2, mn, mx, axis=1))


def _packet_header(index: int) -> np.ndarray:
    return np.array([1, 0, 0, 2, index & 0xFF, (index >> 8) & 0xFF, 0, 0], dtype=np.uint8)


def usb_packet_factory(packet_index: int, count: int | None = None) -> np.ndarray:
    """JS110 USB packets whose word ``w`` (counted from packet 0) holds ``w << 2`` with the
    sample toggle bit alternating: a test pattern (as joulescope's factory; a count of
    None or 0 gives one packet)."""
    count = max(1, int(count or 1))
    out = np.zeros((count, 512), dtype=np.uint8)
    for p in range(count):
        index = int(packet_index) + p
        out[p, :8] = _packet_header(index)
        w = (np.arange(252, dtype=np.int64) + index * 252)
        words = ((w << 2) & 0xFFFF).astype(np.uint16)
        words[3::4] |= 2
        out[p, 8:] = words.view(np.uint8)
    return out.reshape(-1)


def usb_packet_factory_signal(packet_index: int, count: int | None = None,
                              samples_total: int | None = None) -> np.ndarray:
    """JS110 USB packets of a constant signal (current code 0, voltage word 0xFFFE)."""
    count = max(1, int(count or 1))
    out = np.zeros((count, 512), dtype=np.uint8)
    words = np.tile(np.array([0, 0xFFFE], dtype=np.uint16), 126)
    for p in range(count):
        out[p, :8] = _packet_header(int(packet_index) + p)
        out[p, 8:] = words.view(np.uint8)
    return out.reshape(-1)


__all__ = [
    "RunningStatistics",
    "Statistics",
    "reduction_downsample",
    "stats_array_clear",
    "stats_array_invalidate",
    "stats_compute",
    "stats_factory",
    "usb_packet_factory",
    "usb_packet_factory_signal",
]
