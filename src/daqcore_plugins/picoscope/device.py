"""The device protocol both the simulated and the real PicoScope 5000a follow.

It is the ps5000a streaming sequence in Python terms (reference §2.2): open at a resolution,
configure channels, register one driver buffer per channel (two in aggregate mode), start
streaming (the device returns the interval it really uses), then poll with
:meth:`ScopeDevice.get_streaming_latest_values`. The poll invokes the callback with the region
``[start_index, start_index + n)`` of the registered buffers that holds new samples; the
buffers are used as a ring, so the callback must copy the data out before returning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from daqcore_plugins.picoscope.config import StreamConfig

StreamingCallback = Callable[[int, int, int], None]
"""``callback(n_samples, start_index, overrange_mask)``: bit k of the mask is set when channel
k (A = bit 0) went over range in these samples."""


@runtime_checkable
class ScopeDevice(Protocol):
    """A PicoScope 5000a that can stream (simulated or real)."""

    @property
    def is_open(self) -> bool: ...
    @property
    def max_adc(self) -> int: ...

    def open(self, resolution_bits: int) -> None:
        """Open the unit at a resolution."""

    def set_channel(self, name: str, enabled: bool, coupling: str = "DC",
                    range_v: float = 20.0, analog_offset_v: float = 0.0) -> None:
        """Enable or disable an input channel."""

    def set_data_buffers(self, name: str, buffer_max: np.ndarray,
                         buffer_min: np.ndarray | None = None) -> None:
        """Register the ring buffer(s) the driver writes a channel's samples into."""

    def run_streaming(self, sample_interval_ns: int, downsample_mode: str,
                      downsample_ratio: int, overview_buffer_size: int) -> int:
        """Start endless streaming; return the sample interval (ns) really used."""

    def get_streaming_latest_values(self, callback: StreamingCallback) -> int:
        """Deliver new samples through ``callback``; return the PICO status code."""

    def stop(self) -> None:
        """Stop streaming (idempotent)."""

    def close(self) -> None:
        """Close the unit (idempotent; stops streaming first)."""


def configure_device(device: ScopeDevice, config: StreamConfig,
                     buffers: dict[str, tuple[np.ndarray, np.ndarray | None]]) -> int:
    """Apply ``config`` to an open device, register ``buffers``, start streaming.

    Returns the interval (ns) the device uses. Channels of the device not in ``config`` are
    disabled.
    """
    from daqcore_plugins.picoscope.constants import CHANNELS

    enabled = {c.name: c for c in config.channels}
    for name in CHANNELS:
        chan = enabled.get(name)
        if chan is None:
            device.set_channel(name, False)
        else:
            device.set_channel(name, True, chan.coupling, chan.volts, chan.analog_offset_v)
    for name, (buf_max, buf_min) in buffers.items():
        device.set_data_buffers(name, buf_max, buf_min)
    return device.run_streaming(config.sample_interval_ns, config.downsample_mode,
                                config.ratio, config.driver_buffer_samples)


__all__ = ["ScopeDevice", "StreamingCallback", "configure_device"]
