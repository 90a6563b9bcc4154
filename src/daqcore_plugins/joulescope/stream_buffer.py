"""Real-time JS110 sample buffer, a drop-in for joulescope's v0 ``StreamBuffer``.

Storage is the raw u16 words (4 B/sample) plus one flag byte per sample (voltage range and
"current replaced by glitch suppression"), and reduction levels (1 B/sample for level 0 with
the default 200). Calibrated current/voltage/power are computed when read, so nothing is
stored twice; results never alias the ring.

Differences from joulescope (all deliberate, see ``docs/joulescope.md``):

* ``samples_get`` on ids that are not held (overwritten, or newer than processed) raises
  :class:`~daqcore_plugins.joulescope.errors.SampleRangeError` instead of returning whatever
  occupies the ring slot; results are always copies.
* The voltage range of a sample is the one in force when it was *inserted* (joulescope applies
  the range current at ``process()`` time to everything pending).
* A calibration change applies to samples processed afterwards; older samples keep theirs.
* When ``process()`` falls more than one buffer behind, it restarts at a block boundary and
  the skipped samples are no longer reported in ``sample_id_range``.
* A ``data_get`` window that starts before the oldest held sample is computed over the held
  part only (joulescope reads stale ring slots on its raw paths).
* joulescope's ``mean_*``/``nan_*`` suppression modes are not implemented; its 64-sample
  suppression FIFO limit does not exist here (long runs of switches are interpolated whole).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

import numpy as np

from .calibration import CalibrationHistory
from .decode import (
    FLAG_SUPPRESSED,
    FLAG_VRANGE,
    RingView,
    decode_numba,
    decode_numpy,
    ring_words,
)
from .errors import (
    BufferTooLargeError,
    InvalidParameterError,
    InvalidRawDataError,
    InvalidReductionsError,
)
from .glitch import find_windows_numpy, mark_kernel, parse_suppress_mode, scan_kernel
from .kernels import NUMBA_AVAILABLE
from .memory import available_memory_bytes
from .queries import DEFAULT_FIELDS, FIELD_UNITS, QueryMixin
from .range_stats import (
    direct_rows_packed,
    range_stats_kernel,
    range_stats_one,
    range_stats_packed,
)
from .raw_format import I_RANGE_OFF, SAMPLES_PER_PACKET
from .reductions import (
    NF,
    ReductionLevels,
    block_stats_numba,
    block_stats_numpy,
    level0_kernel,
    range_stats_numpy,
)
from .stats import STATS_DTYPE, STATS_FIELD_COUNT, pack_records, stats_to_api
from .usb import UsbInputMixin

log = logging.getLogger(__name__)

REDUCTION_MAX = 5
#: Extra raw samples kept beyond ``length`` so pending (inserted, unprocessed) samples and
#: the suppression look-back never eat into the reported range.
RAW_MARGIN = 1 << 16
#: Fraction of the available memory a buffer may use.
MEMORY_FRACTION = 0.8
_PROCESS_CHUNK = 1 << 20

def _validate_reductions(reductions) -> list[int]:
    try:
        if isinstance(reductions, (str, bytes)):
            raise TypeError
        values = list(reductions)
    except TypeError:
        raise InvalidReductionsError(f"reductions must be a sequence of integers, "
                                     f"got {reductions!r}") from None
    if not values:
        raise InvalidReductionsError("reductions must hold at least one factor, got []")
    if len(values) > REDUCTION_MAX:
        raise InvalidReductionsError(
            f"at most {REDUCTION_MAX} reduction levels are supported, got {len(values)}")
    out = []
    for r in values:
        if (isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating))
                or not float(r).is_integer() or int(r) < 2):
            raise InvalidReductionsError(
                f"each reduction must be an integer >= 2, got {r!r} in {values!r}")
        out.append(int(r))
    return out


class StreamBuffer(UsbInputMixin, QueryMixin):
    """Efficient real-time Joulescope (JS110) data buffering.

    Parameters
    ----------
    duration
        Buffer length in seconds. The sample length is rounded up to a multiple of the
        product of ``reductions`` (1 s at 2 MS/s with the defaults).
    reductions
        Reduction factors; entry 0 is in samples, each next one in entries of the previous
        level (at most 5 levels).
    sampling_frequency
        Samples per second (2e6 for a JS110 at full rate).
    backend
        ``'auto'`` (numba when available), ``'numba'`` or ``'numpy'``.

    Notes
    -----
    Statistics records use ``STATS_DTYPE``: the ``variance`` field holds the **sum of squared
    deviations** (not a variance), as in joulescope; use :func:`stats_to_api` or divide by
    ``length - 1``.
    """

    def __init__(self, duration: float, reductions: Sequence[int] = (200, 100, 100),
                 sampling_frequency: float = 2e6, *, backend: str = "auto") -> None:
        fs = float(sampling_frequency)
        if not math.isfinite(fs) or fs <= 0:
            raise InvalidParameterError(
                f"sampling_frequency must be > 0, got {sampling_frequency!r}")
        duration = float(duration)
        if not math.isfinite(duration) or duration <= 0:
            raise InvalidParameterError(f"duration must be > 0 seconds, got {duration!r}")
        red = _validate_reductions(reductions)
        length = int(fs * duration)
        if length < SAMPLES_PER_PACKET:
            raise InvalidParameterError(
                f"duration {duration} s at {fs} Hz gives {length} samples; "
                f"at least {SAMPLES_PER_PACKET} are needed")
        step = int(np.prod(red))
        length = -(-length // step) * step
        raw_len = length + RAW_MARGIN
        need = raw_len * 5 + ReductionLevels.bytes_for(length, red)
        avail = available_memory_bytes()
        if avail is not None and need > avail * MEMORY_FRACTION:
            raise BufferTooLargeError(
                f"StreamBuffer(duration={duration}, sampling_frequency={fs}) needs "
                f"{need / 1e6:.1f} MB but only {avail / 1e6:.1f} MB are available")
        if backend not in ("auto", "numba", "numpy"):
            raise InvalidParameterError(
                f"backend must be 'auto', 'numba' or 'numpy', got {backend!r}")
        if backend == "numba" and not NUMBA_AVAILABLE:
            raise InvalidParameterError("backend='numba' requested but numba is not available")
        self._use_numba = NUMBA_AVAILABLE if backend == "auto" else backend == "numba"
        self._fs = fs
        self._length = length
        self._reductions = red
        # np.full writes every page now, so streaming does not pay the page faults later
        self._raw = np.full(2 * raw_len, 0, dtype=np.uint16)
        self._flags = np.full(raw_len, 0, dtype=np.uint8)
        self._levels = ReductionLevels(length, red)
        self._cal = CalibrationHistory()
        self._view = RingView(self._raw, self._flags, self._cal)
        self._suppress_name, self._suppress_table = parse_suppress_mode("interp_1_n_1")
        self._callback: Callable[[dict], object] | None = None
        self._voltage_range = 0
        self._win_starts = np.empty(0, dtype=np.int64)
        self._win_ends = np.empty(0, dtype=np.int64)
        self._ring_len = raw_len
        self._ws_small = np.empty((13, 6))           # scratch of the statistics_get kernel
        self._ws_int = np.empty(3, dtype=np.int64)
        self._one_start = np.zeros(1, dtype=np.int64)
        self._one_stop = np.zeros(1, dtype=np.int64)
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Forget all samples and counters (calibration and suppression mode are kept)."""
        self.device_sample_id = 0
        self._preprocessed_sample_id = 0
        self.processed_sample_id = 0
        self._valid_from = 0
        self._sample_id_max = 1 << 63
        self._contiguous_max = 1 << 63
        self._charge_picocoulomb = 0
        self._energy_picojoules = 0
        self._last_range = I_RANGE_OFF
        self._sample_missing_count = 0
        self._skip_count = 0
        self._sample_sync_count = 0
        self._contiguous_count = 0
        self._is_skipping = True
        self._toggle_last = 0
        self._toggle_seen = False
        self._voltage_range = 0
        self._usb_voltage_range = 0
        self._packet_index = 0
        self._packet_missing_count = 0
        self._packet_type_invalid_count = 0
        self._packet_data_invalid_count = 0
        self._flags[:] = 0
        self._levels.clear()
        tables = self._cal.current
        self._cal.reset()
        self._cal.set(0, tables[0][:7], tables[1][:7], tables[2], tables[3])
        self._refresh_kernel_args()

    def __len__(self) -> int:
        return self._length

    def __str__(self) -> str:
        return f"StreamBuffer(length={self._length}, reductions={self._reductions!r})"

    @property
    def backend(self) -> str:
        """``'numba'`` or ``'numpy'``: the implementation this instance uses."""
        return "numba" if self._use_numba else "numpy"

    @property
    def has_raw(self) -> bool:
        """True: ``samples_get`` supports the ``raw`` fields."""
        return True

    @property
    def reductions(self) -> list[int]:
        return list(self._reductions)

    @property
    def sampling_frequency(self) -> float:
        return self._fs

    @property
    def input_sampling_frequency(self) -> float:
        return self._fs

    @property
    def output_sampling_frequency(self) -> float:
        return self._fs

    @property
    def nbytes(self) -> int:
        """Bytes held by the sample and reduction arrays."""
        lv = self._levels
        return (self._raw.nbytes + self._flags.nbytes + lv.k.nbytes + lv.mean.nbytes
                + lv.m2.nbytes + lv.mn.nbytes + lv.mx.nbytes)

    @property
    def sample_id_range(self) -> tuple[int, int]:
        """``(start, stop)`` of the sample ids held (start inclusive, stop exclusive)."""
        end = int(self.processed_sample_id)
        raw_oldest = self.device_sample_id - len(self._flags) + 1
        start = max(0, end - self._length, self._valid_from, raw_oldest)
        return min(start, end), end

    @property
    def limits_samples(self) -> tuple[int, int]:
        """``(processed - length, processed)``; start may be negative early on."""
        _, s_max = self.sample_id_range
        return s_max - self._length, s_max

    @property
    def limits_time(self) -> tuple[float, float]:
        """``(0.0, length / fs)``: times are relative to the current buffer window."""
        return 0.0, self._length / self._fs

    def time_to_sample_id(self, t: float) -> int:
        idx_start, idx_end = self.limits_samples
        t_start, t_end = self.limits_time
        return round((float(t) - t_start) / (t_end - t_start) * (idx_end - idx_start)
                         + idx_start)

    def sample_id_to_time(self, s: int) -> float:
        idx_start, idx_end = self.limits_samples
        t_start, t_end = self.limits_time
        return (int(s) - idx_start) / (idx_end - idx_start) * (t_end - t_start) + t_start

    @property
    def sample_id_max(self) -> int:
        return self._sample_id_max

    @sample_id_max.setter
    def sample_id_max(self, value: int) -> None:
        self._sample_id_max = int(value)

    @property
    def contiguous_max(self) -> int:
        return self._contiguous_max

    @contiguous_max.setter
    def contiguous_max(self, value: int) -> None:
        self._contiguous_max = int(value)

    @property
    def callback(self):
        """Called with an API statistics dict (plus ``accumulators``) per last-level entry."""
        return self._callback

    @callback.setter
    def callback(self, value) -> None:
        self._callback = value

    @property
    def voltage_range(self) -> int:
        """Voltage range (0 = 15 V, 1 = 5 V) applied to samples given to ``insert_raw``."""
        return self._voltage_range

    @voltage_range.setter
    def voltage_range(self, value: int) -> None:
        if int(value) not in (0, 1):
            raise InvalidParameterError(f"voltage_range must be 0 or 1, got {value!r}")
        self._voltage_range = int(value)

    @property
    def suppress_mode(self) -> str:
        """Range-switch glitch suppression: ``'interp_1_n_1'`` (default), ``'interp_1_m_1'``
        or ``'off'``."""
        return self._suppress_name

    @suppress_mode.setter
    def suppress_mode(self, value) -> None:
        self._suppress_name, self._suppress_table = parse_suppress_mode(value)

    def status(self) -> dict:
        """Counters, each ``{'value': ..., 'units': ...}``."""
        return {
            "device_sample_id": {"value": self.device_sample_id, "units": "samples"},
            "sample_id": {"value": self.processed_sample_id, "units": "samples"},
            "sample_missing_count": {"value": self._sample_missing_count, "units": "samples"},
            "skip_count": {"value": self._skip_count, "units": ""},
            "sample_sync_count": {"value": self._sample_sync_count, "units": "samples"},
            "contiguous_count": {"value": self._contiguous_count, "units": "samples"},
            "packet_missing_count": {"value": self._packet_missing_count, "units": "packets"},
            "packet_data_invalid_count": {"value": self._packet_data_invalid_count,
                                          "units": "packets"},
            "packet_type_invalid_count": {"value": self._packet_type_invalid_count,
                                          "units": "packets"},
        }

    def calibration_set(self, current_offset, current_gain, voltage_offset, voltage_gain) -> None:
        """Set the calibration for samples processed from now on (>= 7 current, 2 voltage)."""
        self._cal.set(self._preprocessed_sample_id, current_offset, current_gain,
                      voltage_offset, voltage_gain)
        self._cal.forget_before(self._oldest())
        self._refresh_kernel_args()

    # ------------------------------------------------------------------ input
    def _check_stop(self) -> bool:
        if self.device_sample_id >= self._sample_id_max:
            return True
        return self._contiguous_count >= self._contiguous_max

    def _write_raw(self, words: np.ndarray, vrange) -> None:
        n = len(words) // 2
        ring = len(self._flags)
        vflags = None if np.isscalar(vrange) else np.asarray(vrange, dtype=np.uint8)
        if n > ring:
            skip = n - ring
            self.device_sample_id += skip
            words = words[2 * skip:]
            if vflags is not None:
                vflags = vflags[skip:]
            n = ring
        pos = self.device_sample_id % ring
        first = min(n, ring - pos)
        self._raw[2 * pos:2 * (pos + first)] = words[:2 * first]
        if vflags is None:
            self._flags[pos:pos + first] = int(vrange) & FLAG_VRANGE
        else:
            self._flags[pos:pos + first] = vflags[:first] & FLAG_VRANGE
        if first < n:
            rest = n - first
            self._raw[:2 * rest] = words[2 * first:]
            if vflags is None:
                self._flags[:rest] = int(vrange) & FLAG_VRANGE
            else:
                self._flags[:rest] = vflags[first:] & FLAG_VRANGE
        self.device_sample_id += n

    def insert_raw(self, data: np.ndarray) -> bool:
        """Insert interleaved u16 words (current, voltage); call :meth:`process` to use them.

        Returns True when ``sample_id_max`` or ``contiguous_max`` is reached (stop streaming).
        """
        if not isinstance(data, np.ndarray) or data.dtype != np.uint16:
            dtype = getattr(data, "dtype", type(data).__name__)
            raise InvalidRawDataError(f"raw data must be a numpy uint16 array, got {dtype}")
        data = data.reshape(-1)
        if len(data) % 2:
            raise InvalidRawDataError(
                f"raw data must hold an even number of u16 words (current, voltage pairs), "
                f"got {len(data)}")
        if len(data):
            self._write_raw(data, self._voltage_range)
        return self._check_stop()

    # ------------------------------------------------------------------ processing
    def _decode(self, start: int, stop: int):
        oldest = max(self._valid_from, self.device_sample_id - len(self._flags))
        if self._use_numba:
            return decode_numba(self._view, start, stop, oldest)
        return decode_numpy(self._view, start, stop, oldest)

    def _block_stats(self, ci, cv, bits, block_len):
        if self._use_numba:
            return block_stats_numba(ci, cv, bits, block_len)
        return block_stats_numpy(ci, cv, bits, block_len)

    def _refresh_kernel_args(self) -> None:
        """Cache the array arguments of the numba query kernels (after calibration changes)."""
        lv = self._levels
        cal = self._cal
        self._kargs_levels = (lv.steps, lv.offsets, lv.n_entries, lv.k, lv.mean, lv.m2,
                              lv.mn, lv.mx, self._raw, self._flags)
        self._kargs_cal = (cal.start_ids, cal.i_offset, cal.i_gain, cal.v_offset, cal.v_gain)
        self._kargs_packed = (lv.info, lv.k, lv.stats, self._raw, self._flags)
        self._cal_ids = cal.start_ids
        self._cal_table = cal.table

    def _oldest(self) -> int:
        return max(self._valid_from, self.device_sample_id - len(self._flags))

    def _statistics_one(self, start: int, stop: int, out: np.ndarray) -> list[int]:
        """Fast path of ``statistics_get``: clamp ``[start, stop)`` and fill the (6,) ``out``."""
        end = self.processed_sample_id
        rs = max(0, end - self._length, self._valid_from,
                 self.device_sample_id - self._ring_len + 1)
        x_start = max(int(start), rs)
        x_stop = max(x_start, min(int(stop), end))
        if x_start != start or x_stop != stop:
            log.info("range [%r, %r] constrained to [%r, %r]", start, stop, x_start, x_stop)
        if self._use_numba:
            range_stats_one(x_start, x_stop, *self._kargs_packed, self._oldest(), self._cal_ids,
                            self._cal_table, out, self._ws_small, self._ws_int)
        else:
            self._range_stats(np.array([x_start]), np.array([x_stop]), out=out.reshape(1, -1))
        return [x_start, x_stop]

    def _stats_one(self, a: int, b: int, out2d: np.ndarray) -> None:
        """Exact statistics of ``[a, b)`` into the (1, 6) records ``out2d``."""
        if self._use_numba:
            self._one_start[0] = a
            self._one_stop[0] = b
            range_stats_packed(self._one_start, self._one_stop, *self._kargs_packed,
                               self._oldest(), self._cal_ids, self._cal_table, out2d)
        else:
            self._range_stats(np.array([a]), np.array([b]), out=out2d)

    def _direct_rows(self, start: int, stop: int, rows: np.ndarray) -> None:
        """Joulescope's increment-1 rows for samples ``[start, stop)``."""
        if self._use_numba:
            direct_rows_packed(self._raw, self._flags, start, stop, self._oldest(),
                               self._cal_ids, self._cal_table, rows)
            return
        ci, cv, bits = self._decode(start, stop)
        rows["length"] = 1
        rows["variance"] = 0.0
        rows["min"] = np.nan
        rows["max"] = np.nan
        rows["mean"][:, 0] = ci
        rows["mean"][:, 1] = cv
        rows["mean"][:, 2] = ci * cv
        rows["mean"][:, 3] = bits & 0x0F
        rows["mean"][:, 4] = (bits >> 4) & 1
        rows["mean"][:, 5] = (bits >> 5) & 1

    def _range_stats(self, starts: np.ndarray, stops: np.ndarray,
                     out: np.ndarray | None = None) -> np.ndarray:
        """Exact statistics of windows ``[starts[w], stops[w])`` as (N, 6) records."""
        oldest = self._oldest()
        n = len(starts)
        if out is None:
            out = np.empty((n, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
        if self._use_numba:
            range_stats_kernel(starts.astype(np.int64, copy=False),
                               stops.astype(np.int64, copy=False), *self._kargs_levels,
                               oldest, *self._kargs_cal, out)
            return out
        k = np.zeros(n, dtype=np.int64)
        mean = np.empty((n, NF))
        m2 = np.empty((n, NF))
        mn = np.empty((n, NF))
        mx = np.empty((n, NF))
        for w in range(n):
            r = range_stats_numpy(self._levels, self._view, int(starts[w]), int(stops[w]), oldest)
            k[w], mean[w], m2[w], mn[w], mx[w] = r
        return pack_records(k, mean, m2, mn, mx, out=out)

    def process(self) -> None:
        """Calibrate, suppress range-switch glitches and reduce all pending raw samples."""
        if self._preprocessed_sample_id + self._length < self.device_sample_id:
            s0 = self._reductions[0]
            new = -(-(self.device_sample_id - self._length) // s0) * s0
            log.warning("process: stream buffer is behind: %d + %d < %d, restarting at %d",
                        self._preprocessed_sample_id, self._length, self.device_sample_id, new)
            self._preprocessed_sample_id = self.processed_sample_id = self._valid_from = new
            self._last_range = I_RANGE_OFF
        chunk = _PROCESS_CHUNK
        while self.processed_sample_id < self.device_sample_id:
            lo = self.processed_sample_id
            hi = min(self.device_sample_id, lo + chunk)
            p = self._process_span(lo, hi)
            if p == lo:
                if hi == self.device_sample_id:
                    break
                chunk *= 2
                continue
            if hi == self.device_sample_id and p < hi:
                break

    def _process_span(self, lo: int, hi: int) -> int:
        """Process ``[lo, hi)``; return the new processed sample id."""
        n = hi - lo
        new_from = max(lo, self._preprocessed_sample_id)
        if self._use_numba:
            if len(self._win_starts) < n:
                self._win_starts = np.empty(n, dtype=np.int64)
                self._win_ends = np.empty(n, dtype=np.int64)
            starts, ends = self._win_starts, self._win_ends
            state = np.array([self._sample_missing_count, self._sample_sync_count,
                              self._skip_count, self._contiguous_count, int(self._is_skipping),
                              self._toggle_last, int(self._toggle_seen)], dtype=np.int64)
            count = scan_kernel(self._raw, lo, hi, new_from, self._last_range,
                                self._suppress_table, starts, ends, state)
            (self._sample_missing_count, self._sample_sync_count, self._skip_count,
             self._contiguous_count, skipping, self._toggle_last, seen) = state.tolist()
            self._is_skipping = bool(skipping)
            self._toggle_seen = bool(seen)
            p_rel = n
            if count and ends[count - 1] >= n:
                p_rel = int(starts[count - 1])
                count -= 1
            if count:
                mark_kernel(self._flags, lo, starts, ends, count, FLAG_SUPPRESSED)
            i_range = None
        else:
            words = ring_words(self._view, lo, hi)
            iw = words[:, 0]
            vw = words[:, 1]
            missing = (iw == 0xFFFF) & (vw == 0xFFFF)
            i_range = ((iw & 3) | ((vw & 1) << 2)).astype(np.uint8)
            i_range[missing] = 8
            if self._suppress_table.any():
                starts, ends = find_windows_numpy(i_range, self._last_range,
                                                  self._suppress_table)
            else:
                starts = ends = np.zeros(0, np.int64)
            if hi > new_from:
                self._update_counters(missing[new_from - lo:], vw[new_from - lo:])
            p_rel = n
            if len(ends) and ends[-1] >= n:
                p_rel = int(starts[-1])
                starts, ends = starts[:-1], ends[:-1]
            ring = len(self._flags)
            for s, e in zip(starts.tolist(), ends.tolist()):
                idx = (lo + np.arange(s, e)) % ring
                self._flags[idx] |= FLAG_SUPPRESSED
        if hi > new_from:
            self._preprocessed_sample_id = hi
        if p_rel > 0:
            if i_range is not None:
                self._last_range = int(i_range[p_rel - 1])
            else:
                self._last_range = self._range_of(lo + p_rel - 1)
        old = self.processed_sample_id
        new = lo + p_rel
        self.processed_sample_id = new
        if new > old:
            self._update_reductions(old, new)
        return new

    def _range_of(self, sample_id: int) -> int:
        j = sample_id % len(self._flags)
        wi = int(self._raw[2 * j])
        wv = int(self._raw[2 * j + 1])
        if wi == 0xFFFF and wv == 0xFFFF:
            return 8
        return (wi & 3) | ((wv & 1) << 2)

    def _update_counters(self, missing: np.ndarray, vw: np.ndarray) -> None:
        n = len(missing)
        toggle = ((vw >> 1) & 1).astype(np.uint8)
        prev = np.empty(n, dtype=np.uint8)
        prev[0] = self._toggle_last
        prev[1:] = toggle[:-1]
        sync = (toggle == prev) & ~missing
        if not self._toggle_seen:
            sync[0] = False
        skipping_after = missing | sync
        prev_skip = np.empty(n, dtype=bool)
        prev_skip[0] = self._is_skipping
        prev_skip[1:] = skipping_after[:-1]
        skip_inc = sync | (missing & ~prev_skip)
        self._sample_missing_count += int(missing.sum())
        self._sample_sync_count += int(sync.sum())
        self._skip_count += int(skip_inc.sum())
        miss_idx = np.flatnonzero(missing)
        if len(miss_idx):
            self._contiguous_count = n - int(miss_idx[-1]) - 1
        else:
            self._contiguous_count += n
        self._is_skipping = bool(skipping_after[-1])
        self._toggle_last = int(toggle[-1])
        self._toggle_seen = True

    def _update_reductions(self, old: int, new: int) -> None:
        lv = self._levels
        s0 = int(lv.steps[0])
        b0, b1 = old // s0, new // s0
        if b1 <= b0:
            return
        last = lv.levels - 1
        if self._use_numba:
            cal = self._cal
            oldest = max(self._valid_from, self.device_sample_id - len(self._flags))
            level0_kernel(self._raw, self._flags, b0 * s0, b1 - b0, s0, oldest, cal.start_ids,
                          cal.i_offset, cal.i_gain, cal.v_offset, cal.v_gain, lv.k, lv.mean,
                          lv.m2, lv.mn, lv.mx, 0, int(lv.n_entries[0]))
        else:
            ci, cv, bits = self._decode(b0 * s0, b1 * s0)
            lv.write(0, b0, self._block_stats(ci, cv, bits, s0))
        for level in range(1, lv.levels):
            s = int(lv.steps[level])
            c0, c1 = old // s, new // s
            if c1 <= c0:
                break
            if self._use_numba:
                lv.cascade_numba(level, c0, c1 - c0)
                if level == last:
                    self._on_last_level(c0, lv.read(level, c0, c1 - c0))
            else:
                stats = lv.cascade(level, c0, c1 - c0)
                if level == last:
                    self._on_last_level(c0, stats)
        if last == 0:
            self._on_last_level(b0, lv.read(0, b0, b1 - b0))

    def _on_last_level(self, first_entry: int, stats) -> None:
        """Accumulate charge/energy (integer pC/pJ) and call the callback per entry."""
        k, mean, m2, mn, mx = stats
        step = int(self._levels.steps[-1])
        duration = step / self._fs
        for e in range(len(k)):
            start_id = (first_entry + e) * step
            end_id = start_id + step
            charge = float(mean[e, 0]) * 1e12 * duration
            energy = float(mean[e, 2]) * 1e12 * duration
            if math.isfinite(charge) and math.isfinite(energy):
                self._charge_picocoulomb += int(charge)
                self._energy_picojoules += int(energy)
            if not callable(self._callback):
                continue
            rec = pack_records(k[e:e + 1], mean[e:e + 1], m2[e:e + 1], mn[e:e + 1],
                               mx[e:e + 1])[0]
            start_time = start_id / self._fs
            data = stats_to_api(rec, start_time, start_time + duration)
            data["time"]["sample_range"] = {"value": [start_id, end_id], "units": "input_samples"}
            data["accumulators"] = {
                "charge": {"value": self._charge_picocoulomb * 1e-12, "units": "C"},
                "energy": {"value": self._energy_picojoules * 1e-12, "units": "J"},
            }
            self._callback(data)

    @property
    def accumulators(self) -> dict:
        """Charge (C) and energy (J) accumulated over completed last-level entries."""
        return {
            "charge": {"value": self._charge_picocoulomb * 1e-12, "units": "C"},
            "energy": {"value": self._energy_picojoules * 1e-12, "units": "J"},
        }

    def accumulators_clear(self) -> None:
        self._charge_picocoulomb = 0
        self._energy_picojoules = 0


_WARM = {"done": False}


def warm_up() -> None:
    """Load (or compile) the numba kernels once, so the first real call is fast."""
    if _WARM["done"] or not NUMBA_AVAILABLE:
        return
    from .raw_format import encode_words

    sb = StreamBuffer(0.002, (10, 10), 2e6, backend="numba")
    n = 4000
    ranges = np.repeat(np.arange(8) % 7, n // 8).astype(np.uint8)
    sb.insert_raw(encode_words(np.full(n, 2000), np.full(n, 3000), ranges))
    sb.process()
    s0, s1 = sb.sample_id_range
    sb.data_get(s0, s1, 1)
    sb.data_get(s0, s1, 5)
    sb.data_get(s0, s1, 250)
    sb.statistics_get(s0 + 3, s1 - 3)
    sb.samples_get(s0, s1, fields=["current", "voltage"])
    _WARM["done"] = True
__all__ = ["DEFAULT_FIELDS", "FIELD_UNITS", "StreamBuffer", "warm_up"]
