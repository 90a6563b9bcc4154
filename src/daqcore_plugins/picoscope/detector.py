"""The PicoScope 5000a as a scan detector: block captures as 1D traces plus 0D statistics.

Each ``grab_data`` returns, for every enabled channel ``X``:

* 1D ``X`` (V): ``capture_samples`` consecutive samples with a ``time`` axis (s from the first
  sample of the capture);
* 0D ``X_mean``, ``X_rms``, ``X_ptp`` (V): mean, RMS and peak-to-peak of that capture.

Backends: ``sim`` (:class:`~daqcore_plugins.picoscope.sim_device.SimulatedPicoScope5000a`) and
``real`` (``picosdk``, imported lazily; "driver not installed" when missing).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from daqcore.data import Axis, DataDim, DataFromPlugins, DataToExport, DataWithAxes
from daqcore.instruments import SIM, Backend, Detector, Setting
from daqcore_plugins.picoscope.capture import BlockCapture
from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.constants import RANGES_V as _RANGES_V
from daqcore_plugins.picoscope.constants import RESOLUTION_BITS, range_label


def _probe_real() -> str | None:
    from daqcore_plugins.picoscope import real_device

    return real_device.probe()


REAL = Backend("real", "PicoScope 5000a through picosdk (ps5000a)", requires=("picosdk",),
               probe=_probe_real)

RANGE_CHOICES = tuple(range_label(v) for v in _RANGES_V)


class PicoScopeDetector(Detector):
    """PicoScope 5000a block captures (1D traces and 0D statistics per channel)."""

    dims = (DataDim.Data0D, DataDim.Data1D)
    backends = (SIM, REAL)
    params = (
        Setting("channels", "str", "A", title="Channels", tip="comma-separated, e.g. A,B"),
        Setting("range", "list", "2V", choices=RANGE_CHOICES, title="Range"),
        Setting("coupling", "list", "DC", choices=("DC", "AC"), title="Coupling"),
        Setting("resolution", "list", 12, choices=RESOLUTION_BITS, units="bit",
                title="Resolution"),
        Setting("sample_rate", "float", 10e6, limits=(1.0, 125e6), units="S/s",
                title="Sample rate"),
        Setting("capture_samples", "int", 10_000, limits=(2, 50_000_000),
                title="Samples per capture"),
    )

    def __init__(self, backend: str = "sim", *, title: str | None = None, **settings: Any):
        super().__init__(backend, title=title, **settings)
        self._capture: BlockCapture | None = None

    def _config(self) -> StreamConfig:
        s = self.settings
        return StreamConfig.simple(str(s["channels"]), s["range"], s["coupling"],
                                   resolution_bits=int(s["resolution"]),
                                   sample_rate_sps=float(s["sample_rate"])).validate()

    def _open(self) -> str:
        config = self._config()
        if self.backend == "real":  # pragma: no cover - needs hardware
            from daqcore_plugins.picoscope.real_device import PicoScope5000a

            self._capture = BlockCapture(PicoScope5000a(), config)
            return "PicoScope 5000a (real device)"
        from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a

        self._capture = BlockCapture(SimulatedPicoScope5000a(), config)
        return (f"simulated PicoScope 5000a, channels {','.join(config.channel_names)} at "
                f"{1e9 / self._capture.interval_ns / 1e6:g} MS/s")

    def _ini_detector(self) -> str:
        return self._open()

    def commit_settings(self, setting: Setting) -> None:
        self._close()
        self._open()

    def _close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.close()

    def _grab_data(self, naverage: int) -> DataToExport:
        capture = self._capture
        assert capture is not None
        n = int(self.settings["capture_samples"])
        codes, _ = capture.grab(n, timeout=10.0 + n * capture.time_step_s * 4)
        config = capture.config
        t = np.arange(n) * capture.time_step_s
        data: list[DataWithAxes] = []
        for chan in config.channels:
            volts = (codes[chan.name].astype(np.float64) * (chan.volts / capture.max_adc)
                     - chan.analog_offset_v)
            data.append(DataFromPlugins(chan.name, data=[volts], units="V", labels=[chan.name],
                                        axes=[Axis("time", "s", data=t, index=0)],
                                        origin=self.title))
            stats = {"mean": float(volts.mean()), "rms": float(np.sqrt(np.mean(volts ** 2))),
                     "ptp": float(np.ptp(volts))}
            for key, value in stats.items():
                name = f"{chan.name}_{key}"
                data.append(DataFromPlugins(name, data=[np.array([value])], units="V",
                                            labels=[name], origin=self.title))
        return DataToExport(self.title, data=data)


__all__ = ["REAL", "PicoScopeDetector"]
