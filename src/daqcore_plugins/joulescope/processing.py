"""Processing side of the StreamBuffer: calibration state, glitch windows, reductions.

A mixin of :class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer` holding
``process()`` and the primitives the query side uses (``_decode``, ``_range_stats``...).
"""

from __future__ import annotations

import logging
import math

import numpy as np

from .buffer_state import BufferState
from .decode import (
    FLAG_SUPPRESSED,
    decode_numba,
    decode_numpy,
    ring_words,
)
from .glitch import KIND_MEAN, find_windows_numpy, mark_kernel, scan_kernel
from .range_stats import (
    direct_rows_packed,
    kernel_index,
    range_stats_kernel,
)
from .raw_format import I_RANGE_OFF
from .reductions import (
    NF,
    block_stats_numba,
    block_stats_numpy,
    level0_kernel,
    range_stats_numpy,
)
from .stats import STATS_DTYPE, STATS_FIELD_COUNT, pack_records, stats_to_api

log = logging.getLogger("daqcore_plugins.joulescope.stream_buffer")

#: Samples handled per step of ``process()`` (bounds temporary memory).
_PROCESS_CHUNK = 1 << 20


class ProcessingMixin(BufferState):
    """``process()`` and the decoding / statistics primitives of a StreamBuffer."""

    def _decode(self, start: int, stop: int, power: bool = False, bits: bool = True):
        """(current, voltage, bits[, power]) of ``[start, stop)`` as fresh arrays (with
        ``bits=False`` the numba backend may return an empty bits array)."""
        oldest = max(self._valid_from, self.device_sample_id - len(self._flags))
        if self._use_numba:
            return decode_numba(self._view, start, stop, oldest, power, bits)
        return decode_numpy(self._view, start, stop, oldest, power)

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
        self._cal_ids = cal.start_ids
        self._cal_table = cal.table
        self._step0 = int(lv.steps[0])
        self._kargs_stats = (
            kernel_index(self._length, self._ring_len, lv.steps, lv.offsets, lv.n_entries,
                         cal.start_ids),
            lv.k, lv.stats, self._raw, self._flags, self._cal_table)

    def _oldest(self) -> int:
        return max(self._valid_from, self.device_sample_id - len(self._flags))

    def _statistics_one(self, start: int, stop: int, out: np.ndarray) -> list[int]:
        """numpy-backend body of ``statistics_get``: clamp ``[start, stop)``, fill ``out``.

        The numba backend calls :func:`statistics_kernel` directly from ``statistics_get``
        (clamping included, few array arguments: at a few microseconds per call, Python
        statements and numba's dispatch, about 0.1 us per array argument, cost more than
        combining the reduction entries).
        """
        end = self.processed_sample_id
        rs = max(0, end - self._length, self._valid_from,
                 self.device_sample_id - self._ring_len + 1)
        x_start = max(int(start), rs)
        x_stop = max(x_start, min(int(stop), end))
        if x_start != start or x_stop != stop:
            log.info("range [%r, %r] constrained to [%r, %r]", start, stop, x_start, x_stop)
        self._range_stats(np.array([x_start]), np.array([x_stop]), out=out.reshape(1, -1))
        return [x_start, x_stop]

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
        # pending samples still in the raw ring (which has RAW_MARGIN slots beyond the
        # buffer length) are all processed; only overwritten ones force a restart
        if self._preprocessed_sample_id + self._ring_len - 64 < self.device_sample_id:
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
            mode = self._suppress
            count = scan_kernel(self._raw, lo, hi, new_from, self._last_range,
                                mode.table, mode.post, starts, ends, state)
            (self._sample_missing_count, self._sample_sync_count, self._skip_count,
             self._contiguous_count, skipping, self._toggle_last, seen) = state.tolist()
            self._is_skipping = bool(skipping)
            self._toggle_seen = bool(seen)
            p_rel = n
            if count and ends[count - 1] + mode.post > n:  # its post samples are not here yet
                p_rel = int(starts[count - 1])
                count -= 1
            if count:
                mark_kernel(self._flags, lo, starts, ends, count, FLAG_SUPPRESSED | mode.kind)
                if mode.kind == KIND_MEAN:
                    self._mark_mean_counts(lo, starts[:count], ends[:count])
            i_range = None
        else:
            words = ring_words(self._view, lo, hi)
            iw = words[:, 0]
            vw = words[:, 1]
            missing = (iw == 0xFFFF) & (vw == 0xFFFF)
            i_range = ((iw & 3) | ((vw & 1) << 2)).astype(np.uint8)
            i_range[missing] = 8
            mode = self._suppress
            if mode.table.any():
                starts, ends = find_windows_numpy(i_range, self._last_range, mode.table,
                                                  mode.post)
            else:
                starts = ends = np.zeros(0, np.int64)
            if hi > new_from:
                self._update_counters(missing[new_from - lo:], vw[new_from - lo:])
            p_rel = n
            if len(ends) and ends[-1] + mode.post > n:
                p_rel = int(starts[-1])
                starts, ends = starts[:-1], ends[:-1]
            ring = len(self._flags)
            for s, e in zip(starts.tolist(), ends.tolist()):
                idx = (lo + np.arange(s, e)) % ring
                self._flags[idx] |= FLAG_SUPPRESSED | mode.kind
            if mode.kind == KIND_MEAN and len(starts):
                self._mark_mean_counts(lo, starts, ends)
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

    def _mark_mean_counts(self, lo: int, starts: np.ndarray, ends: np.ndarray) -> None:
        """Store the mean mode's pre count in the first sample of each window and its post
        count in the sample after it (flag bits 4-7; decoders read them from there)."""
        ring = len(self._flags)
        pre = self._suppress.pre << 4
        post = self._suppress.post << 4
        for s, e in zip(starts.tolist(), ends.tolist()):
            self._flags[(lo + s) % ring] |= pre
            if post:
                self._flags[(lo + e) % ring] |= post

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
        if not self._user_reductions:  # reductions=[]: no statistics entries (as joulescope)
            return
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


__all__ = ["ProcessingMixin"]
