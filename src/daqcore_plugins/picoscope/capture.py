"""Block captures: a fixed number of consecutive samples per channel from a streaming device.

Used by the scan detector: the device keeps streaming between grabs; :meth:`BlockCapture.grab`
discards what arrived since the previous grab and returns the next ``n`` samples of every
channel, contiguous (a stall inside a capture restarts it, so a capture never hides a gap).
"""

from __future__ import annotations

import time

import numpy as np

from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.constants import PICO_BUFFER_STALL
from daqcore_plugins.picoscope.device import ScopeDevice, configure_device
from daqcore_plugins.picoscope.errors import ScopeStateError


class BlockCapture:
    """Open ``device`` with ``config`` and stream; :meth:`grab` returns blocks of samples.

    Aggregate down-sampling is not offered here (a capture is one value per time step).
    """

    def __init__(self, device: ScopeDevice, config: StreamConfig) -> None:
        self.config = config.validate()
        if config.downsample_mode == "aggregate":
            from daqcore_plugins.picoscope.errors import ScopeConfigError

            raise ScopeConfigError("block captures do not support aggregate down-sampling")
        self.device = device
        size = config.driver_buffer_samples
        self._buffers: dict[str, tuple[np.ndarray, np.ndarray | None]] = {
            name: (np.zeros(size, np.int16), None) for name in config.channel_names}
        device.open(config.resolution_bits)
        try:
            self.interval_ns = configure_device(device, config, self._buffers)
        except BaseException:
            device.close()
            raise
        self.time_step_s = self.interval_ns * config.ratio * 1e-9
        self.max_adc = device.max_adc

    def grab(self, n: int, timeout: float = 10.0) -> tuple[dict[str, np.ndarray], int]:
        """The next ``n`` samples of every channel (int16 codes) and the over-range mask."""
        if not self.device.is_open:
            raise ScopeStateError("the capture device is closed")
        out = {name: np.empty(n, np.int16) for name in self._buffers}
        state = {"filled": 0, "mask": 0, "discard": True}

        def take(count: int, start: int, mask: int) -> None:
            if state["discard"]:
                return
            k = min(count, n - state["filled"])
            for name, (buf, _) in self._buffers.items():
                out[name][state["filled"]:state["filled"] + k] = buf[start:start + k]
            state["filled"] += k
            state["mask"] |= mask

        for _ in range(3):  # drop stale data (two calls when the ring wrapped)
            self.device.get_streaming_latest_values(take)
        state["discard"] = False
        deadline = time.monotonic() + timeout
        while state["filled"] < n:
            if self.device.get_streaming_latest_values(take) == PICO_BUFFER_STALL:
                state["filled"] = 0  # a gap inside the capture: start again
            if time.monotonic() > deadline:
                raise ScopeStateError(f"capture of {n} samples timed out after {timeout} s")
            if state["filled"] < n:
                time.sleep(min(1e-3, n * self.time_step_s / 4))
        return out, state["mask"]

    def close(self) -> None:
        try:
            self.device.stop()
        finally:
            self.device.close()


__all__ = ["BlockCapture"]
