"""``RawProcessor``: calibrate JS110 raw words and suppress range-switch glitches, sample by
sample, with every suppression mode joulescope's v0 module accepts.

Mode strings are ``'<kind>_<pre>_<window>_<post>'``:

* kind ``interp`` (or ``interpolate``): the window is replaced by a linear interpolation from
  the sample before it to its post sample (pre and post are forced to 1);
* kind ``mean``: the window is replaced by the mean of ``pre`` samples before it and ``post``
  samples ending it (``pre``, ``post`` <= 8; both 0 becomes 1, 1);
* kind ``nan``: the window's current and voltage become NaN (pre and post ignored);
* kind ``off``: no suppression (any window spelling, e.g. ``off_1_2_1``);
* window ``n`` or ``m``: the published per range-pair tables at 2 MS/s, or an integer <= 12.

``'off'``, ``''``, None and False mean no suppression; ``'normal'`` is ``'interp_1_n_1'``.
Output is delayed while a window is open: :meth:`RawProcessor.process_bulk` returns as many
rows as it was given, trailing not-yet-resolved rows are NaN with current range 8 (missing),
and the delayed samples come out first in the next call (as joulescope).
"""

from __future__ import annotations

import logging

import numpy as np

from .calibration import calibration_tables
from .errors import InvalidParameterError, InvalidRawDataError
from .glitch import SUPPRESS_MATRIX_M, SUPPRESS_MATRIX_N
from .kernels import jit

log = logging.getLogger(__name__)

SUPPRESS_SAMPLES_MAX = 64
I_RANGE_MISSING = 8
SUPPRESS_WINDOW_MAX = 12
SUPPRESS_PRE_MAX = 8
SUPPRESS_POST_MAX = 8

MODE_OFF, MODE_INTERP, MODE_MEAN, MODE_NAN = 0, 1, 2, 3
_KIND_NAMES = {MODE_NAN: "nan", MODE_INTERP: "interp", MODE_MEAN: "mean"}

# int64 state slots of the kernel
(_MISSING, _SKIPPING, _SKIPS, _SYNC, _CONTIG, _REMAIN, _COUNTER, _RANGE_LAST, _TOGGLE_LAST,
 _TOGGLE_MASK, _IDX_OUT, _IDX_START, _VRANGE, _NSTATE) = range(14)
_MASK = SUPPRESS_SAMPLES_MAX - 1


def parse_mode(value: object) -> tuple[int, int, int, int, str]:
    """``(kind, pre, window, post, matrix)`` of a mode string; matrix is 'n', 'm' or ''."""
    if isinstance(value, str):
        value = value.lower()
    if value is None or not value or value == "off":
        return MODE_OFF, 0, 0, 0, ""
    if not isinstance(value, str):
        raise InvalidParameterError(f"suppress_mode must be a string, got {value!r}")
    if value == "normal":
        value = "interp_1_n_1"
    parts = value.split("_")
    if len(parts) != 4:
        raise InvalidParameterError(f"invalid suppress_mode {value!r}: expected "
                                    "'<kind>_<pre>_<window>_<post>', e.g. 'interp_1_n_1'")
    try:
        pre = max(0, int(parts[1]))
        post = max(0, int(parts[3]))
        matrix = parts[2] if parts[2] in ("n", "m") else ""
        window = 0 if matrix else int(parts[2])
    except ValueError:
        raise InvalidParameterError(f"invalid suppress_mode {value!r}: pre, window and post "
                                    "must be integers (window also 'n' or 'm')") from None
    if window > SUPPRESS_WINDOW_MAX:
        raise InvalidParameterError(
            f"suppress_mode {value!r}: window must be <= {SUPPRESS_WINDOW_MAX}, was {window}")
    kind = parts[0]
    if kind == "nan":
        return MODE_NAN, 0, window, 0, matrix
    if kind in ("interp", "interpolate"):
        return MODE_INTERP, 1, window, 1, matrix
    if kind == "mean":
        if pre > SUPPRESS_PRE_MAX:
            raise InvalidParameterError(f"suppress_mode {value!r}: pre must be <= "
                                        f"{SUPPRESS_PRE_MAX}, was {pre}")
        if post > SUPPRESS_POST_MAX:
            raise InvalidParameterError(f"suppress_mode {value!r}: post must be <= "
                                        f"{SUPPRESS_POST_MAX}, was {post}")
        if pre + post <= 0:
            log.warning("suppress_mode %r: pre and post are both 0, using 1 and 1", value)
            pre = post = 1
        return MODE_MEAN, pre, window, post, matrix
    if kind == "off":
        return MODE_OFF, 0, window, 0, matrix
    raise InvalidParameterError(f"invalid suppress_mode {value!r}: kind must be interp, mean, "
                                "nan or off")


@jit
def raw_process_kernel(raw, st, cal_pre_arr, fifo_cal, fifo_bits, ioff, igain, voff, vgain,
                       mode, pre, post, window, table, use_table, out_cal, out_bits):
    # pragma: no cover - jit
    """Process interleaved raw words sample by sample; return the number of rows emitted.

    The state lives in local variables during the loop (loaded from and stored back to
    ``st`` / ``cal_pre_arr``) so that numba keeps it in registers.
    """
    nan = np.float32(np.nan)
    n_max = out_bits.shape[0]
    n_out = 0
    missing_count = st[0]
    skipping = st[1]
    skips = st[2]
    sync_count = st[3]
    contig = st[4]
    remain = st[5]
    counter = st[6]
    range_last = st[7]
    toggle_last = st[8]
    toggle_mask = st[9]
    idx_out = st[10]
    idx_start = st[11]
    vr = st[12]
    cal_pre = cal_pre_arr[0]
    vo = voff[vr]
    vg = vgain[vr]
    for s in range(raw.shape[0] // 2):
        raw_i = np.int64(raw[2 * s])
        raw_v = np.int64(raw[2 * s + 1])
        missing = raw_i == 0xFFFF and raw_v == 0xFFFF
        if missing:
            i_range = np.int64(8)
            missing_count += 1
            contig = 0
            if skipping == 0:
                skips += 1
                skipping = 1
        else:
            i_range = (raw_i & 3) | ((raw_v & 1) << 2)
            skipping = 0
            contig += 1
        bits = np.uint8(((i_range & 0x0F) | ((raw_i & 4) << 2) | ((raw_v & 4) << 3)) & 0xFF)
        toggle = (raw_v >> 1) & 1
        if ((toggle ^ toggle_last ^ 1) & toggle_mask) and not missing:
            skips += 1
            skipping = 1
            sync_count += 1
        toggle_last = toggle
        toggle_mask = 1
        if missing:
            cal_i = nan
            cal_v = nan
        else:
            cal_i = (np.float32(raw_i >> 2) + ioff[i_range]) * igain[i_range]
            cal_v = (np.float32(raw_v >> 2) + vo) * vg
        if remain == 0 and i_range == range_last:  # fast path: no window, no change
            cal_pre = cal_i
            if n_out < n_max:
                out_cal[n_out, 0] = cal_i
                out_cal[n_out, 1] = cal_v
                out_bits[n_out] = bits
            n_out += 1
            counter = 0
            fifo_bits[idx_out] = bits
            fifo_cal[idx_out, 0] = cal_i
            fifo_cal[idx_out, 1] = cal_v
            idx_out = (idx_out + 1) & 63
            continue
        fifo_bits[idx_out] = bits
        fifo_cal[idx_out, 0] = cal_i
        fifo_cal[idx_out, 1] = cal_v
        if i_range != range_last:
            w = np.int64(0)
            if mode != 0:
                w = np.int64(table[i_range, range_last]) if use_table else np.int64(window)
            if w > 0 and w + post > remain:
                remain = w + post
            if w > 0 and counter == 0:
                idx_start = idx_out
                if mode == 2:
                    acc = np.float32(0.0)
                    for q in range(pre):
                        acc += fifo_cal[(idx_out - pre + q) & 63, 0]
                    cal_pre = acc
                else:
                    cal_pre = fifo_cal[(idx_out - 1) & 63, 0]
        if remain > 0:
            counter += 1
            if remain == 1:
                if counter >= 64:
                    while counter >= 64:
                        if n_out < n_max:
                            out_cal[n_out, 0] = nan
                            out_cal[n_out, 1] = nan
                            out_bits[n_out] = 0xFF
                        n_out += 1
                        counter -= 1
                    if n_out < n_max:
                        out_cal[n_out, 0] = nan
                        out_cal[n_out, 1] = nan
                        out_bits[n_out] = 0xFF
                    n_out += 1
                    idx_start = (idx_out + 1) & 63
                    cal_pre = nan
                if mode == 1:
                    if not np.isfinite(cal_pre):
                        cal_pre = cal_i
                    step = np.float32(0.0)
                    if counter > 0:
                        step = np.float32((cal_i - cal_pre) / np.float32(counter))
                    for q in range(counter - 1):
                        cal_pre = np.float32(cal_pre + step)
                        j = (idx_start + q) & 63
                        if n_out < n_max:
                            out_cal[n_out, 0] = cal_pre
                            out_cal[n_out, 1] = fifo_cal[j, 1]
                            out_bits[n_out] = fifo_bits[j]
                        n_out += 1
                elif mode == 2:
                    nsum = pre
                    if not np.isfinite(cal_pre):
                        nsum = 0
                        cal_pre = np.float32(0.0)
                    for q in range(post):
                        cal_pre = np.float32(cal_pre + fifo_cal[(idx_out - q) & 63, 0])
                        nsum += 1
                    m = nan
                    if nsum:
                        m = np.float32(cal_pre / np.float32(nsum))
                    cal_pre = m
                    for q in range(counter - post):
                        j = (idx_start + q) & 63
                        if n_out < n_max:
                            out_cal[n_out, 0] = m
                            out_cal[n_out, 1] = fifo_cal[j, 1]
                            out_bits[n_out] = fifo_bits[j]
                        n_out += 1
                else:
                    for q in range(counter):
                        j = (idx_start + q) & 63
                        if n_out < n_max:
                            out_cal[n_out, 0] = nan
                            out_cal[n_out, 1] = nan
                            out_bits[n_out] = fifo_bits[j]
                        n_out += 1
                for q in range(post):
                    j = (idx_out + 1 - post + q) & 63
                    if n_out < n_max:
                        out_cal[n_out, 0] = fifo_cal[j, 0]
                        out_cal[n_out, 1] = fifo_cal[j, 1]
                        out_bits[n_out] = fifo_bits[j]
                    n_out += 1
                counter = 0
            remain -= 1
        else:
            cal_pre = cal_i
            if n_out < n_max:
                out_cal[n_out, 0] = cal_i
                out_cal[n_out, 1] = cal_v
                out_bits[n_out] = bits
            n_out += 1
            counter = 0
        idx_out = (idx_out + 1) & 63
        range_last = i_range
    st[0] = missing_count
    st[1] = skipping
    st[2] = skips
    st[3] = sync_count
    st[4] = contig
    st[5] = remain
    st[6] = counter
    st[7] = range_last
    st[8] = toggle_last
    st[9] = toggle_mask
    st[10] = idx_out
    st[11] = idx_start
    cal_pre_arr[0] = cal_pre
    return n_out


_EMPTY_TABLE = np.zeros((9, 9), dtype=np.uint8)


class RawProcessor:
    """Sample-by-sample JS110 raw processing (joulescope v0 ``RawProcessor`` semantics).

    ``process_bulk(raw)`` takes interleaved u16 words (current, voltage) and returns
    ``(cal, bits)``: calibrated float32 ``(N, 2)`` current/voltage and u8 bits
    (``voltage_lsb << 5 | current_lsb << 4 | current_range``). State (suppression window,
    counters) carries over between calls until :meth:`reset`.
    """

    def __init__(self) -> None:
        self._state = np.zeros(_NSTATE, dtype=np.int64)
        self._cal_pre = np.full(1, np.nan, dtype=np.float32)
        self._fifo_cal = np.full((SUPPRESS_SAMPLES_MAX, 2), np.nan, dtype=np.float32)
        self._fifo_bits = np.full(SUPPRESS_SAMPLES_MAX, 0xFF, dtype=np.uint8)
        self._ioff, self._igain, self._voff, self._vgain = calibration_tables(
            [0.0] * 7, [1.0] * 7, [0.0] * 2, [1.0] * 2)
        self._mode = (MODE_INTERP, 1, 0, 1, "n")
        self.reset()

    # ---------------------------------------------------------------- settings
    @property
    def suppress_mode(self) -> str:
        kind, pre, window, post, matrix = self._mode
        if kind == MODE_OFF:
            return "off"
        return f"{_KIND_NAMES[kind]}_{pre}_{matrix or window}_{post}"

    @suppress_mode.setter
    def suppress_mode(self, value: object) -> None:
        self._mode = parse_mode(value)

    @property
    def voltage_range(self) -> int:
        return int(self._state[_VRANGE])

    @voltage_range.setter
    def voltage_range(self, value: int) -> None:
        if int(value) not in (0, 1):
            raise InvalidParameterError(f"voltage_range must be 0 or 1, got {value!r}")
        self._state[_VRANGE] = int(value)

    def calibration_set(self, current_offset, current_gain, voltage_offset,
                        voltage_gain) -> None:
        """Set the calibration (>= 7 current and 2 voltage entries; range 7 gives 0 A)."""
        self._ioff, self._igain, self._voff, self._vgain = calibration_tables(
            current_offset, current_gain, voltage_offset, voltage_gain)

    def calibration_get(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(current_offset, current_gain, voltage_offset, voltage_gain) in use (copies)."""
        return self._ioff.copy(), self._igain.copy(), self._voff.copy(), self._vgain.copy()

    def reset(self) -> None:
        """Clear counters, the suppression history and the voltage range."""
        self._state[:] = 0
        self._state[_SKIPPING] = 1
        self._state[_RANGE_LAST] = 7
        self._cal_pre[0] = np.nan
        self._fifo_cal[:] = np.nan
        self._fifo_bits[:] = 0xFF

    # ---------------------------------------------------------------- counters
    @property
    def sample_missing_count(self) -> int:
        return int(self._state[_MISSING])

    @property
    def skip_count(self) -> int:
        return int(self._state[_SKIPS])

    @property
    def sample_sync_count(self) -> int:
        return int(self._state[_SYNC])

    @property
    def contiguous_count(self) -> int:
        return int(self._state[_CONTIG])

    # ---------------------------------------------------------------- processing
    def process_bulk(self, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Calibrate and suppress ``raw`` (u16, interleaved current/voltage words)."""
        words = np.ascontiguousarray(raw, dtype=np.uint16).reshape(-1)
        if len(words) % 2:
            raise InvalidRawDataError(f"raw data must hold an even number of u16 words, "
                                      f"got {len(words)}")
        n = len(words) // 2
        out_cal = np.empty((n, 2), dtype=np.float32)
        out_bits = np.empty(n, dtype=np.uint8)
        kind, pre, window, post, matrix = self._mode
        table = SUPPRESS_MATRIX_N if matrix == "n" else (
            SUPPRESS_MATRIX_M if matrix == "m" else _EMPTY_TABLE)
        emitted = raw_process_kernel(words, self._state, self._cal_pre, self._fifo_cal,
                                     self._fifo_bits, self._ioff[:8], self._igain[:8],
                                     self._voff, self._vgain, kind, pre, post, window, table,
                                     bool(matrix), out_cal, out_bits)
        if emitted < n:
            out_cal[emitted:] = np.nan
            out_bits[emitted:] = I_RANGE_MISSING
        return out_cal, out_bits


__all__ = ["I_RANGE_MISSING", "SUPPRESS_SAMPLES_MAX", "RawProcessor", "parse_mode"]
