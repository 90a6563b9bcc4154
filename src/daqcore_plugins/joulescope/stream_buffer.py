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
* joulescope's 64-sample suppression FIFO limit does not exist here (long runs of switches
  are suppressed whole). Every suppression mode (interp, mean, nan, off) is supported.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .calibration import CalibrationHistory
from .decode import (
    FLAG_VRANGE,
    RingView,
)
from .errors import (
    BufferTooLargeError,
    InvalidParameterError,
    InvalidRawDataError,
    InvalidReductionsError,
)
from .glitch import parse_suppress_mode
from .kernels import NUMBA_AVAILABLE
from .memory import available_memory_bytes
from .processing import ProcessingMixin
from .queries import DEFAULT_FIELDS, FIELD_UNITS, QueryMixin
from .raw_format import I_RANGE_OFF, SAMPLES_PER_PACKET
from .raw_processor import I_RANGE_MISSING, SUPPRESS_SAMPLES_MAX, RawProcessor
from .reductions import (
    ReductionLevels,
)
from .stats import (
    NP_STATS_NAMES,
    STATS_DTYPE,
    STATS_FIELD_COUNT,
    STATS_FIELD_NAMES,
    single_stat_to_api,
    stats_array_factory,
    stats_invalidate,
    stats_to_api,
)
from .stats_v0 import (
    RunningStatistics,
    Statistics,
    reduction_downsample,
    stats_array_clear,
    stats_array_invalidate,
    stats_compute,
    stats_factory,
    usb_packet_factory,
    usb_packet_factory_signal,
)
from .usb import UsbInputMixin

log = logging.getLogger(__name__)

REDUCTION_MAX = 5
#: Extra raw samples kept beyond ``length`` so pending (inserted, unprocessed) samples and
#: the suppression look-back never eat into the reported range.
RAW_MARGIN = 1 << 16
#: Fraction of the available memory a buffer may use.
MEMORY_FRACTION = 0.8

def _internal_reduction(length: int) -> int:
    """Level-0 size used internally when the user asks for no reductions: the largest
    divisor of ``length`` in [2, 200] (statistics then still combine blocks)."""
    for d in range(min(200, length), 1, -1):
        if length % d == 0:
            return d
    raise InvalidReductionsError(
        f"reductions=[] needs a buffer length with a divisor in [2, 200], got {length} samples; "
        "change the duration slightly")


def _validate_reductions(reductions: object) -> list[int]:
    if not isinstance(reductions, Iterable) or isinstance(reductions, (str, bytes)):
        raise InvalidReductionsError(f"reductions must be a sequence of integers, "
                                     f"got {reductions!r}")
    values = list(reductions)
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


class StreamBuffer(ProcessingMixin, UsbInputMixin, QueryMixin):
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
        step = int(np.prod(red)) if red else 1
        length = -(-length // step) * step
        self._user_reductions = red
        if not red:
            red = [_internal_reduction(length)]
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
        self._suppress = parse_suppress_mode("interp_1_n_1")
        self._callback: Callable[[dict], object] | None = None
        self._voltage_range = 0
        self._win_starts = np.empty(0, dtype=np.int64)
        self._win_ends = np.empty(0, dtype=np.int64)
        self._ring_len = raw_len
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
        return f"StreamBuffer(length={self._length}, reductions={self._user_reductions!r})"

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
        """The reduction factors as given (an internal level exists even for ``[]``)."""
        return list(self._user_reductions)

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
        """Range-switch glitch suppression: ``'interp_1_n_1'`` (default) or any of
        joulescope's modes (``'mean_1_n_1'``, ``'nan_0_m_0'``, ``'interp_1_5_1'``, ``'off'``...)."""
        return self._suppress.name

    @suppress_mode.setter
    def suppress_mode(self, value) -> None:
        self._suppress = parse_suppress_mode(value)

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

    def calibration_get(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The calibration applied to new samples: (current_offset (7), current_gain (7),
        voltage_offset (2), voltage_gain (2)), float32 copies."""
        ioff, igain, voff, vgain = self._cal.current
        return ioff[:7].copy(), igain[:7].copy(), voff.copy(), vgain.copy()

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
#: What ``joulescope.v0.stream_buffer`` users import: this module is its drop-in.
__all__ = [
    "DEFAULT_FIELDS",
    "FIELD_UNITS",
    "I_RANGE_MISSING",
    "NP_STATS_NAMES",
    "STATS_DTYPE",
    "STATS_FIELD_COUNT",
    "STATS_FIELD_NAMES",
    "SUPPRESS_SAMPLES_MAX",
    "RawProcessor",
    "RunningStatistics",
    "Statistics",
    "StreamBuffer",
    "reduction_downsample",
    "single_stat_to_api",
    "stats_array_clear",
    "stats_array_factory",
    "stats_array_invalidate",
    "stats_compute",
    "stats_factory",
    "stats_invalidate",
    "stats_to_api",
    "usb_packet_factory",
    "usb_packet_factory_signal",
    "warm_up",
]
