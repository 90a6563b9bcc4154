"""``SimulatedPicoScope5000a``: a ps5000a in software, with the driver's streaming behaviour.

What it reproduces (reference §2.5): the resolutions and their max ADC counts, ranges,
couplings and analogue offsets (checked like the driver), integer-ns interval quantisation
(the interval passed to :meth:`run_streaming` is rounded down to whole ns and returned),
hardware down-sampling (``average``; ``aggregate`` filling a max and a min buffer), a driver
ring buffer of ``overview_buffer_size`` samples written at the sample clock and handed over by
:meth:`get_streaming_latest_values` with a wrapping ``start_index``, per-channel over-range
bits, and stalls: when the application does not poll within one ring buffer's worth of time
the poll returns ``PICO_BUFFER_STALL`` and the simulated clock pauses for the samples that did
not fit, so a stall shows as a time gap, never as corrupted samples. ``n_gap_samples`` counts
the samples never acquired because of stalls.

Signals come from periodic tables (:mod:`~daqcore_plugins.picoscope.signals`); the clock is
``time.perf_counter`` unless a ``clock`` callable is given (tests drive it by hand).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from daqcore_plugins.picoscope.constants import (
    CHANNELS,
    COUPLINGS,
    DOWNSAMPLE_MODES,
    PICO_BUFFER_STALL,
    PICO_NO_SAMPLES_AVAILABLE,
    PICO_OK,
    max_adc_count,
    max_analog_offset,
    parse_range,
)
from daqcore_plugins.picoscope.device import StreamingCallback
from daqcore_plugins.picoscope.errors import ScopeConfigError, ScopeStateError
from daqcore_plugins.picoscope.signals import (
    Signal,
    default_signals,
    downsample_table,
    quantise,
    signal_volts,
)

_RAW_TABLE_LIMIT = 1 << 24


@dataclass
class _ChannelState:
    enabled: bool = False
    coupling: str = "DC"
    range_v: float = 20.0
    analog_offset_v: float = 0.0


@dataclass
class _Table:
    values: np.ndarray
    minima: np.ndarray | None
    over_cumsum: np.ndarray | None  # None: never over range


def _copy_periodic(table: np.ndarray, table_pos: int, dst: np.ndarray, dst_pos: int,
                   n: int) -> None:
    """Copy ``n`` samples of the periodic ``table`` from ``table_pos`` into the ring ``dst``."""
    length, size = table.shape[0], dst.shape[0]
    while n > 0:
        step = min(n, length - table_pos, size - dst_pos)
        dst[dst_pos:dst_pos + step] = table[table_pos:table_pos + step]
        n -= step
        table_pos = (table_pos + step) % length
        dst_pos = (dst_pos + step) % size


def _count_periodic(cumsum: np.ndarray, pos: int, n: int) -> int:
    """Number of flagged samples in ``n`` samples of a periodic table from ``pos``."""
    length = cumsum.shape[0] - 1
    total = 0
    while n > 0:
        step = min(n, length - pos)
        total += int(cumsum[pos + step] - cumsum[pos])
        n -= step
        pos = (pos + step) % length
    return total


class SimulatedPicoScope5000a:
    """A simulated 4-channel PicoScope 5000a following :class:`~.device.ScopeDevice`.

    Parameters
    ----------
    signals : mapping of str to Signal, optional
        Input signal of each channel (default: sine, square, noise, bursts on A-D).
    clock : callable, optional
        Returns seconds; defaults to :func:`time.perf_counter`.
    table_samples : int
        Length of the periodic signal tables in raw samples (a multiple of the down-sampling
        ratio keeps the raw signal the same whatever the ratio).
    seed : int
        Seed of the noise.
    """

    def __init__(self, signals: Mapping[str, Signal] | None = None,
                 clock: Callable[[], float] | None = None, table_samples: int = 1 << 20,
                 seed: int = 0) -> None:
        self.signals: dict[str, Signal] = default_signals()
        if signals:
            self.signals.update(signals)
        self._clock = clock or time.perf_counter
        self._table_samples = int(table_samples)
        self._seed = seed
        self._open = False
        self._bits = 8
        self._channels = {name: _ChannelState() for name in CHANNELS}
        self._buffers: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        self._streaming = False
        self.n_stalls = 0
        self.n_gap_samples = 0
        self.n_generated = 0
        self.gaps: list[tuple[int, int]] = []
        """Stalls as (output sample index where the gap starts, samples never acquired)."""

    # ------------------------------------------------------------------ unit
    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def is_streaming(self) -> bool:
        return self._streaming

    @property
    def max_adc(self) -> int:
        return max_adc_count(self._bits)

    @property
    def resolution_bits(self) -> int:
        return self._bits

    def open(self, resolution_bits: int) -> None:
        max_adc_count(resolution_bits)  # checks the resolution
        self._bits = int(resolution_bits)
        self._open = True

    def close(self) -> None:
        self.stop()
        self._open = False
        self._buffers.clear()

    def _require_open(self, action: str) -> None:
        if not self._open:
            raise ScopeStateError(f"cannot {action}: the simulated scope is not open")

    # ------------------------------------------------------------------ configuration
    def set_channel(self, name: str, enabled: bool, coupling: str = "DC",
                    range_v: float = 20.0, analog_offset_v: float = 0.0) -> None:
        self._require_open("set a channel")
        if self._streaming:
            raise ScopeStateError("cannot change a channel while streaming")
        if name not in self._channels:
            raise ScopeConfigError(f"unknown channel {name!r}; channels are {CHANNELS}")
        if not enabled:
            self._channels[name] = _ChannelState(False)
            return
        if coupling not in COUPLINGS:
            raise ScopeConfigError(f"coupling {coupling!r} is not one of {sorted(COUPLINGS)}")
        range_v = parse_range(range_v)
        if abs(analog_offset_v) > max_analog_offset(range_v):
            raise ScopeConfigError(
                f"analogue offset {analog_offset_v} V too large for ±{range_v} V")
        self._channels[name] = _ChannelState(True, coupling, range_v, float(analog_offset_v))

    def set_data_buffers(self, name: str, buffer_max: np.ndarray,
                         buffer_min: np.ndarray | None = None) -> None:
        self._require_open("register buffers")
        if buffer_max.dtype != np.int16 or buffer_max.ndim != 1:
            raise ScopeConfigError("driver buffers must be 1-D int16 arrays")
        self._buffers[name] = (buffer_max, buffer_min)

    @property
    def enabled_channels(self) -> tuple[str, ...]:
        return tuple(n for n in CHANNELS if self._channels[n].enabled)

    # ------------------------------------------------------------------ streaming
    def _build_table(self, name: str, raw_dt_s: float) -> _Table:
        state = self._channels[name]
        ratio = self._ratio
        out_len = max(64, min(self._table_samples, _RAW_TABLE_LIMIT) // ratio)
        volts = signal_volts(self.signals.get(name, Signal("dc", 0.0)), out_len * ratio, raw_dt_s,
                             seed=self._seed + CHANNELS.index(name))
        if state.coupling == "AC":
            volts = volts - volts.mean()
        codes, over = quantise(volts, state.range_v, state.analog_offset_v, self._bits,
                               self.max_adc)
        values, minima, flags = downsample_table(codes, over, self._mode, ratio)
        cumsum = None
        if flags.any():
            cumsum = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return _Table(np.ascontiguousarray(values), minima, cumsum)

    def run_streaming(self, sample_interval_ns: int, downsample_mode: str,
                      downsample_ratio: int, overview_buffer_size: int) -> int:
        self._require_open("start streaming")
        if self._streaming:
            raise ScopeStateError("already streaming")
        enabled = self.enabled_channels
        if not enabled:
            raise ScopeConfigError("no channel enabled")
        if downsample_mode not in DOWNSAMPLE_MODES or downsample_mode == "decimate":
            raise ScopeConfigError(f"unsupported down-sampling mode {downsample_mode!r}")
        interval = int(sample_interval_ns)
        if interval < 1:
            raise ScopeConfigError(f"sample interval {sample_interval_ns} ns is below 1 ns")
        size = int(overview_buffer_size)
        for name in enabled:
            bufs = self._buffers.get(name)
            if bufs is None:
                raise ScopeConfigError(f"no buffer registered for channel {name}")
            if bufs[0].shape[0] < size:
                raise ScopeConfigError(f"buffer of channel {name} shorter than {size} samples")
            if downsample_mode == "aggregate" and (bufs[1] is None or bufs[1].shape[0] < size):
                raise ScopeConfigError(f"aggregate mode needs a min buffer for channel {name}")
        self._mode = downsample_mode
        self._ratio = 1 if downsample_mode == "none" else max(1, int(downsample_ratio))
        self._interval_ns = interval
        self._out_interval_s = interval * self._ratio * 1e-9
        self._size = size
        self._tables = {name: self._build_table(name, interval * 1e-9) for name in enabled}
        self._write_index = 0
        self._read_index = 0
        self._unread = 0
        self._pending_mask = 0
        self.n_generated = 0
        self.n_stalls = 0
        self.n_gap_samples = 0
        self.gaps = []
        self._t_origin = self._clock()
        self._streaming = True
        return interval

    def _generate(self, n: int) -> None:
        table_pos = self.n_generated % next(iter(self._tables.values())).values.shape[0]
        for name, table in self._tables.items():
            buf_max, buf_min = self._buffers[name]
            _copy_periodic(table.values, table_pos, buf_max, self._write_index, n)
            if table.minima is not None and buf_min is not None:
                _copy_periodic(table.minima, table_pos, buf_min, self._write_index, n)
            if table.over_cumsum is not None and _count_periodic(table.over_cumsum,
                                                                  table_pos, n):
                self._pending_mask |= 1 << CHANNELS.index(name)
        self._write_index = (self._write_index + n) % self._size
        self._unread += n
        self.n_generated += n

    def get_streaming_latest_values(self, callback: StreamingCallback) -> int:
        if not self._streaming:
            raise ScopeStateError("get_streaming_latest_values called while not streaming")
        due = int((self._clock() - self._t_origin) / self._out_interval_s + 1e-6)
        new = due - self.n_generated
        free = self._size - self._unread
        stalled = new > free
        gap = 0
        if stalled:
            gap = new - free
            self.n_stalls += 1
            self.n_gap_samples += gap
            self._t_origin += gap * self._out_interval_s  # the clock pauses: a time gap
            new = free
        if new > 0:
            self._generate(new)
        if gap:
            self.gaps.append((self.n_generated, gap))  # after the samples that filled the ring
        n = min(self._unread, self._size - self._read_index)
        if n > 0:
            mask, self._pending_mask = self._pending_mask, 0
            callback(n, self._read_index, mask)
            self._read_index = (self._read_index + n) % self._size
            self._unread -= n
        if stalled:
            return PICO_BUFFER_STALL
        return PICO_OK if n > 0 else PICO_NO_SAMPLES_AVAILABLE

    def stop(self) -> None:
        self._streaming = False


__all__ = ["SimulatedPicoScope5000a"]
