"""Read side of the StreamBuffer: ``data_get``, ``statistics_get``, ``samples_get``...

A mixin of :class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer`; it relies on the
buffer's ``_decode``, ``_block_stats`` and ``_range_stats`` primitives and its counters.
"""

from __future__ import annotations

import logging

import numpy as np

from .buffer_state import BufferState
from .decode import ring_words
from .errors import InvalidParameterError, OutputArrayError, SampleRangeError
from .range_stats import statistics_entries_kernel, statistics_kernel
from .stats import STATS_DTYPE, STATS_FIELD_COUNT, pack_records, stats_invalidate

log = logging.getLogger("daqcore_plugins.joulescope.stream_buffer")

FIELD_UNITS = {
    "current": "A", "voltage": "V", "power": "W", "current_voltage": "",
    "current_range": "", "current_lsb": "", "voltage_lsb": "", "bits": "",
    "raw": "", "raw_current": "LSBs", "raw_voltage": "LSBs",
}
#: Fields derived from the sample bits (current range and LSBs).
_BITS_FIELDS = frozenset(("bits", "current_range", "current_lsb", "voltage_lsb"))
DEFAULT_FIELDS = ("current", "voltage", "power", "current_range", "current_lsb",
                  "voltage_lsb", "raw")


class QueryMixin(BufferState):
    """Statistics and sample access of a StreamBuffer."""

    def _constrain(self, start: int, stop: int) -> tuple[int, int]:
        rs, re = self.sample_id_range
        x_start = max(0, int(start), rs)
        x_stop = min(int(stop), re)
        x_stop = max(x_start, x_stop)
        if x_start != start or x_stop != stop:
            log.info("range [%r, %r] constrained to [%r, %r]", start, stop, x_start, x_stop)
        return x_start, x_stop

    def statistics_get(self, start: int, stop: int, out: np.ndarray | None = None):
        """Exact statistics over ``[start, stop)``, constrained to :attr:`sample_id_range`.

        Returns ``(np.ndarray((STATS_FIELD_COUNT,), STATS_DTYPE), [start, stop])``. NaN
        (missing) samples are excluded; ``variance`` is the sum of squared deviations.
        """
        if out is None:
            out = np.empty(STATS_FIELD_COUNT, dtype=STATS_DTYPE)  # every field gets written
        elif (not isinstance(out, np.ndarray) or out.dtype != STATS_DTYPE
              or out.shape != (STATS_FIELD_COUNT,) or not out.flags.c_contiguous):
            raise OutputArrayError(
                f"out must be np.ndarray(({STATS_FIELD_COUNT},), STATS_DTYPE), got "
                f"{getattr(out, 'shape', None)} {getattr(out, 'dtype', type(out))}")
        if not self._use_numba:
            return out, self._statistics_one(start, stop, out)
        # numba fast path inlined: at ~2 us per call every Python statement counts
        a = int(start)
        b = int(stop)
        s0 = self._step0
        if a % s0 or b % s0:
            x_start, x_stop = statistics_kernel(
                a, b, self.processed_sample_id, self.device_sample_id, self._valid_from,
                *self._kargs_stats, out)
        else:  # whole level-0 blocks: reduction entries only (cheaper call)
            x_start, x_stop, done = statistics_entries_kernel(
                a, b, self.processed_sample_id, self.device_sample_id, self._valid_from,
                *self._kargs_stats[:3], out)
            if not done:  # clamped to a partial block
                x_start, x_stop = statistics_kernel(
                    a, b, self.processed_sample_id, self.device_sample_id, self._valid_from,
                    *self._kargs_stats, out)
        if x_start != start or x_stop != stop:
            log.info("range [%r, %r] constrained to [%r, %r]", start, stop, x_start, x_stop)
        return out, [x_start, x_stop]

    def data_get(self, start: int, stop: int, increment: int | None = None,
                 out: np.ndarray | None = None) -> np.ndarray:
        """Statistics of consecutive windows of ``increment`` samples from ``start``.

        Returns ``np.ndarray((N, STATS_FIELD_COUNT), STATS_DTYPE)`` with
        ``N = (stop - start) // increment``. ``increment`` 1 gives one row per sample
        (``length`` 1, ``variance`` 0, ``min``/``max`` NaN). Rows older than the buffer are
        invalid (length 0, NaN); requests reaching past the newest sample return 0 rows.
        ``variance`` is the sum of squared deviations (see :func:`stats_to_api`).
        """
        start = int(start)
        stop = int(stop)
        inc = 1 if increment is None else max(1, int(increment))
        if start >= stop:
            return np.zeros((0, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
        expected = (stop - start) // inc
        if out is None:
            out = np.empty((expected, STATS_FIELD_COUNT), dtype=STATS_DTYPE)  # all rows set
        elif (not isinstance(out, np.ndarray) or out.dtype != STATS_DTYPE or out.ndim != 2
              or out.shape[1] != STATS_FIELD_COUNT or len(out) < expected):
            raise OutputArrayError(
                f"out must be np.ndarray((>= {expected}, {STATS_FIELD_COUNT}), STATS_DTYPE), "
                f"got {getattr(out, 'shape', None)} {getattr(out, 'dtype', type(out))}")
        processed = self.processed_sample_id
        rs, _ = self.sample_id_range
        fill = 0
        if stop + self._length < processed:
            stats_invalidate(out[:expected])
            return out[:expected]
        if start < 0:
            fill = (-start + inc - 1) // inc
            start += fill * inc
        if stop <= start or start >= processed or stop > processed:
            log.warning("data_get [%d, %d) outside of the processed range [.., %d)",
                        start, stop, processed)
            return out[:0]
        if start < rs:
            f2 = (rs - start) // inc
            start += f2 * inc
            fill += f2
        n_rows = (stop - start) // inc
        n_rows = min(n_rows, len(out) - fill)
        if fill:
            stats_invalidate(out[:fill])
        rows = out[fill:fill + n_rows]
        if n_rows <= 0:
            return out[:fill]
        if inc == 1:
            self._direct_rows(start, start + n_rows, rows)
        elif inc < self._reductions[0]:
            first = 0
            if start < rs:
                self._range_stats(np.array([rs]), np.array([start + inc]), out=rows[:1])
                first = 1
            a = start + first * inc
            b = start + n_rows * inc
            if b > a:
                ci, cv, bits = self._decode(a, b)
                k, mean, m2, mn, mx = self._block_stats(ci, cv, bits, inc)
                pack_records(k, mean, m2, mn, mx, out=rows[first:])
        else:
            w = start + inc * np.arange(n_rows, dtype=np.int64)
            ws = np.maximum(w, max(0, rs))
            we = np.minimum(w + inc, processed)
            self._range_stats(ws, we, out=rows)
        return out[:fill + n_rows]

    def _check_held(self, start: int, stop: int) -> None:
        rs, re = self.sample_id_range
        if start < rs or stop > re:
            raise SampleRangeError(
                f"samples [{start}, {stop}) are not held by the buffer; available: "
                f"[{rs}, {re})")

    def raw_get(self, start: int, stop: int) -> np.ndarray:
        """Copy of the raw words of ``[start, stop)`` as an (N, 2) uint16 array."""
        start, stop = int(start), int(stop)
        if stop <= start:
            return np.zeros((0, 2), dtype=np.uint16)
        self._check_held(start, stop)
        return ring_words(self._view, start, stop)

    def raw_segments(self, start: int, stop: int) -> list[np.ndarray]:
        """Read-only views of the raw words of ``[start, stop)`` in the ring (one or two
        (n, 2) uint16 arrays, no copy) for writers that consume them at once, under the
        device lock: the views show newer data once the ring wraps over them."""
        start, stop = int(start), int(stop)
        if stop <= start:
            return []
        self._check_held(start, stop)
        ring = len(self._flags)
        a = start % ring
        n = stop - start
        parts = [(a, min(ring, a + n))]
        if a + n > ring:
            parts.append((0, a + n - ring))
        views = []
        for x, y in parts:
            v = self._raw[2 * x:2 * y].reshape(-1, 2)
            v.flags.writeable = False
            views.append(v)
        return views

    def samples_get(self, start: int, stop: int, fields=None):
        """Exact sample data of ``[start, stop)`` (always copies, never ring views).

        ``fields``: None (current, voltage, power, current_range, current_lsb, voltage_lsb,
        raw), a list of names, or one name (then just that array is returned). Names: raw,
        raw_current, raw_voltage, current, voltage, current_voltage, power, bits,
        current_range, current_lsb, voltage_lsb.

        Raises
        ------
        SampleRangeError
            If part of ``[start, stop)`` is not held any more (overwritten) or not yet
            processed. joulescope silently returned newer data for overwritten ids.
        """
        start, stop = int(start), int(stop)
        is_single = False
        if fields is None:
            fields = list(DEFAULT_FIELDS)
        elif isinstance(fields, str):
            fields = [fields]
            is_single = True
        else:
            fields = list(fields)
        for field in fields:
            if field not in FIELD_UNITS:
                raise InvalidParameterError(
                    f"unsupported field {field!r}; available: {', '.join(FIELD_UNITS)}")
        if stop <= start:
            start = stop
        else:
            self._check_held(start, stop)
        t1 = self.sample_id_to_time(start)
        t2 = self.sample_id_to_time(stop)
        result: dict = {
            "time": {
                "range": {"value": [t1, t2], "units": "s"},
                "delta": {"value": t2 - t1, "units": "s"},
                "sample_id_range": {"value": [start, stop], "units": "samples"},
                "samples": {"value": stop - start, "units": "samples"},
                "input_sampling_frequency": {"value": self._fs, "units": "Hz"},
                "output_sampling_frequency": {"value": self._fs, "units": "Hz"},
                "sampling_frequency": {"value": self._fs, "units": "Hz"},
            },
            "signals": {},
        }
        decoded = None
        words = None
        for field in fields:
            entry: dict = {"units": FIELD_UNITS[field]}
            if field.startswith("raw"):
                if words is None:
                    words = (ring_words(self._view, start, stop) if stop > start
                             else np.zeros((0, 2), dtype=np.uint16))
                if field == "raw":
                    value = words
                    entry["voltage_range"] = self._voltage_range
                elif field == "raw_current":
                    value = words[:, 0] >> 2
                else:
                    value = words[:, 1] >> 2
            else:
                if decoded is None:
                    if stop > start:  # power (if wanted) in the same pass as the decoding
                        decoded = self._decode(start, stop, power="power" in fields,
                                               bits=not _BITS_FIELDS.isdisjoint(fields))
                    else:
                        decoded = (np.zeros(0, np.float32), np.zeros(0, np.float32),
                                   np.zeros(0, np.uint8))
                ci, cv, bits = decoded[:3]
                # decoded arrays are fresh: handing them out never aliases the ring
                if field == "current":
                    value = ci
                elif field == "voltage":
                    value = cv
                elif field == "power":
                    value = decoded[3] if len(decoded) > 3 else ci * cv
                elif field == "current_voltage":
                    value = np.stack([ci, cv], axis=1)
                elif field == "bits":
                    value = bits
                elif field == "current_range":
                    value = bits & 0x0F
                elif field == "current_lsb":
                    value = (bits >> 4) & 1
                else:
                    value = (bits >> 5) & 1
            entry["value"] = value
            result["signals"][field] = entry
        if is_single:
            return result["signals"][fields[0]]["value"]
        return result

    def get_reduction(self, idx: int, start: int, stop: int) -> np.ndarray:
        """Copy of the stored entries of reduction level ``idx`` covering ``[start, stop)``
        (testing aid)."""
        lv = self._levels
        if not 0 <= idx < lv.levels:
            raise InvalidParameterError(f"reduction index {idx} outside [0, {lv.levels})")
        s = int(lv.steps[idx])
        e0 = int(start) // s
        e1 = int(stop) // s
        if e1 - e0 > int(lv.n_entries[idx]):
            raise SampleRangeError(f"requested span [{start}, {stop}) exceeds the buffer")
        if e1 <= e0:
            return np.zeros((0, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
        return pack_records(*lv.read(idx, e0, e1 - e0))

    @property
    def data_buffer(self) -> np.ndarray:
        """Calibrated samples in joulescope's layout: a flat float32 array of ``2 * len(self)``
        values, current and voltage interleaved, sample ``s`` at ring position
        ``s % len(self)``; positions not holding a sample are NaN.

        A copy computed from the raw words (testing aid: joulescope exposed its ring here).
        """
        length = self._length
        out = np.full((length, 2), np.nan, dtype=np.float32)
        rs, re = self.sample_id_range
        if re > rs:
            ci, cv, _ = self._decode(rs, re)
            pos = np.arange(rs, re, dtype=np.int64) % length
            out[pos, 0] = ci
            out[pos, 1] = cv
        return out.reshape(-1)


__all__ = ["DEFAULT_FIELDS", "FIELD_UNITS", "QueryMixin"]
