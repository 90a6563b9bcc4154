"""A PicoScope 5000a (simulated or real) as a :class:`~daqcore.acquisition.stream.StreamSource`.

:class:`ScopeStreamSource` opens the device, registers its driver ring buffers, starts
streaming and, on every poll, copies the region the driver's callback announces straight into
the stream engine's pool (:meth:`~daqcore.acquisition.stream.BlockFiller.write`). In aggregate
mode each channel's min and max buffers are interleaved ``[min0, max0, min1, max1, ...]``
(PicoStream's layout). Stall gaps the simulator reports are placed in the stream where they
happened; the real driver does not say how long a stall lasted, so only the stall is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from daqcore.acquisition.stream import BlockFiller, PollResult
from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.constants import (
    CHANNELS,
    PICO_BUFFER_STALL,
    TOLERATED_POLL_STATUSES,
)
from daqcore_plugins.picoscope.device import ScopeDevice, configure_device
from daqcore_plugins.picoscope.errors import DriverError
from daqcore_plugins.picoscope.layout import picostream_attrs


class ScopeStreamSource:
    """Stream source over a :class:`~daqcore_plugins.picoscope.device.ScopeDevice`.

    Parameters
    ----------
    device : ScopeDevice
        An unopened device; the source opens it in :meth:`start` and closes it in :meth:`stop`.
    config : StreamConfig
        Checked at construction (:meth:`StreamConfig.validate`).
    """

    def __init__(self, device: ScopeDevice, config: StreamConfig) -> None:
        self.config = config.validate()
        self.device = device
        self.interval_ns = config.sample_interval_ns
        self._buffers: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        self._filler: BlockFiller | None = None
        self._delivered = 0  # time steps delivered
        self._gaps_seen = 0
        self._pairs: np.ndarray | None = None
        self._n_polled = 0
        self._mask = 0

    @property
    def channels(self) -> tuple[str, ...]:
        return self.config.channel_names

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.int16)

    def start(self) -> Mapping[str, Any]:
        cfg = self.config
        size = cfg.driver_buffer_samples
        aggregate = cfg.downsample_mode == "aggregate"
        self._buffers = {name: (np.empty(size, np.int16),
                                np.empty(size, np.int16) if aggregate else None)
                         for name in cfg.channel_names}
        for buf_max, buf_min in self._buffers.values():  # touch every page now, not while
            buf_max.fill(0)                               # the first seconds stream in
            if buf_min is not None:
                buf_min.fill(0)
        self.device.open(cfg.resolution_bits)
        self.interval_ns = configure_device(self.device, cfg, self._buffers)
        step_ns = self.interval_ns * cfg.ratio
        return {"sample_interval": step_ns * 1e-9 / cfg.values_per_step,
                "time_step": step_ns * 1e-9,
                "attrs": picostream_attrs(cfg, self.interval_ns, self.device.max_adc)}

    def _note_gaps(self) -> None:
        gaps = getattr(self.device, "gaps", None)
        if not gaps or self._filler is None:
            return
        while self._gaps_seen < len(gaps) and gaps[self._gaps_seen][0] <= self._delivered:
            n_gap = gaps[self._gaps_seen][1] * self.config.values_per_step
            self._filler.note_gap(n_gap)
            self._gaps_seen += 1

    def _callback(self, n: int, start: int, overrange_mask: int) -> None:
        filler = self._filler
        assert filler is not None
        self._note_gaps()
        if self.config.downsample_mode == "aggregate":
            arrays = []
            for buf_max, buf_min in self._buffers.values():
                assert buf_min is not None
                pairs = np.empty(2 * n, np.int16)
                pairs[0::2] = buf_min[start:start + n]
                pairs[1::2] = buf_max[start:start + n]
                arrays.append(pairs)
            filler.write(arrays)
        else:
            filler.write([buf_max for buf_max, _ in self._buffers.values()], start, n)
        self._delivered += n
        self._n_polled += n
        self._mask |= overrange_mask
        self._note_gaps()

    def poll(self, filler: BlockFiller) -> PollResult:
        self._filler = filler
        self._n_polled = 0
        self._mask = 0
        status = self.device.get_streaming_latest_values(self._callback)
        self._note_gaps()  # a stall right after the delivered samples
        if status not in TOLERATED_POLL_STATUSES and status != PICO_BUFFER_STALL:
            raise DriverError(f"GetStreamingLatestValues returned status 0x{status:X}")
        over = tuple(name for name in self.channels if self._mask >> CHANNELS.index(name) & 1)
        return PollResult(self._n_polled * self.config.values_per_step,
                          stalled=status == PICO_BUFFER_STALL, overrange=over)

    def stop(self) -> None:
        try:
            self.device.stop()
        finally:
            self.device.close()


__all__ = ["ScopeStreamSource"]
