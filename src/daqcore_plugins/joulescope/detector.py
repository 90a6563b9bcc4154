"""The Joulescope as a daqcore detector: 0D means and accumulators, 1D traces.

Each ``grab_data`` waits for (sim, real time) or produces (sim, ``sim_realtime`` off) the next
integration ``window`` of samples, then returns:

* 0D ``current`` (A), ``voltage`` (V), ``power`` (W): means over the window (missing samples
  excluded), and ``charge`` (C), ``energy`` (J): the StreamBuffer accumulators (completed
  reduction entries, integer pico-units);
* 1D ``current_trace`` (A) and ``voltage_trace`` (V): the window reduced to
  ``display_points`` means by ``StreamBuffer.data_get``, with a ``time`` axis (s, from the
  window start).

Backends: ``sim`` (:class:`~daqcore_plugins.joulescope.sim_device.SimulatedJoulescope`) and
``real`` (:class:`~daqcore_plugins.joulescope.real_device.RealJoulescope`: the vendor package,
imported lazily; unavailable with "driver not installed" or "no device"). Both implement
:class:`~daqcore_plugins.joulescope.device.JoulescopeDevice` and fill a daqcore StreamBuffer,
so the detector's methods do not depend on the backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data import Axis, DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Backend, Detector, Setting, SettingValueError

from .raw_format import I_RANGE_NAMES, REDUCTION_FREQUENCIES, SAMPLING_FREQUENCIES

if TYPE_CHECKING:
    from .device import JoulescopeDevice
from .sim_model import Load, pulsed_load, sleep_wake_load, steady_load


def _probe_real():
    from .real_probe import probe  # not real_device: listing must not load the kernels

    return probe()


REAL = Backend("real", "Joulescope through the joulescope package", requires=("joulescope",),
               probe=_probe_real)

_DEVICE_SETTINGS = ("sampling_frequency", "i_range", "v_range", "buffer_duration",
                    "reduction_frequency", "sim_realtime", "sim_load", "sim_current",
                    "sim_drop_probability")


class JoulescopeDetector(Detector):
    """Joulescope current/voltage/power meter (0D statistics and 1D traces)."""

    dims = (DataDim.Data0D, DataDim.Data1D)
    backends = (SIM, REAL)
    params = (
        Setting("sampling_frequency", "list", 2e6, choices=SAMPLING_FREQUENCIES, units="Hz",
                title="Sampling frequency"),
        Setting("i_range", "list", "auto", choices=("auto", *I_RANGE_NAMES[:8]),
                title="Current range"),
        Setting("v_range", "list", "15V", choices=("15V", "5V"), title="Voltage range"),
        Setting("window", "float", 0.02, limits=(1e-4, 3600.0), units="s",
                title="Integration window"),
        Setting("display_points", "int", 1000, limits=(2, 1_000_000), title="Trace points"),
        Setting("buffer_duration", "float", 4.0, limits=(0.05, 86400.0), units="s",
                title="Buffer duration"),
        Setting("reduction_frequency", "list", 2, choices=REDUCTION_FREQUENCIES, units="Hz",
                title="Statistics rate"),
        Setting("sim_realtime", "bool", True, title="Sim: real-time streaming",
                tip="off: each grab synthesises its window at once (fast scans, tests)"),
        Setting("sim_load", "list", "sleep_wake", choices=("sleep_wake", "steady", "pulsed"),
                title="Sim: load"),
        Setting("sim_current", "float", 2e-3, limits=(0.0, 3.0), units="A",
                title="Sim: load current", tip="steady current, or the pulse height"),
        Setting("sim_drop_probability", "float", 0.0, limits=(0.0, 0.5),
                title="Sim: USB packet loss"),
    )

    def __init__(self, backend: str = "sim", *, title: str | None = None,
                 **settings: Any) -> None:
        super().__init__(backend, title=title, **settings)
        self.device: JoulescopeDevice | None = None

    # ------------------------------------------------------------------ device
    def make_load(self) -> Load:
        s = self.settings
        if s["sim_load"] == "steady":
            return steady_load(s["sim_current"])
        if s["sim_load"] == "pulsed":
            return pulsed_load(s["sim_current"], s["sim_current"] / 100.0, 0.01, 0.5)
        return sleep_wake_load()

    def device_parameters(self) -> dict[str, Any]:
        s = self.settings
        return dict(sampling_frequency=float(s["sampling_frequency"]), i_range=s["i_range"],
                    v_range=s["v_range"], buffer_duration=s["buffer_duration"],
                    reduction_frequency=s["reduction_frequency"])

    def _open_device(self) -> str:
        device, realtime, label = _DEVICE_FACTORIES[self.backend](self)
        device.open()
        if realtime:
            device.start()
        self.device = device
        return label

    def _ini_detector(self) -> str:
        return self._open_device()

    def commit_settings(self, setting: Setting) -> None:
        if setting.name in _DEVICE_SETTINGS:
            self._close()
            self._open_device()

    def _close(self) -> None:
        dev, self.device = self.device, None
        if dev is not None:
            dev.close()

    # ------------------------------------------------------------------ data
    def _window_samples(self, fs: float) -> int:
        s = self.settings
        n = round(s["window"] * fs)
        if n < 1:
            raise SettingValueError(f"window {s['window']} s holds no sample at {fs:g} Hz")
        if n > s["buffer_duration"] * fs / 2:
            raise SettingValueError(
                f"window {s['window']} s must be at most half of buffer_duration "
                f"({s['buffer_duration']} s)")
        return n

    def _grab_data(self, naverage: int) -> DataToExport:
        dev = self._require_device()
        fs = dev.sampling_frequency
        n = self._window_samples(fs)
        sb = dev.stream_buffer
        start = sb.sample_id_range[1]
        end = start + n
        if not dev.fill_to(end, timeout=self.settings["window"] + 10.0):
            raise SettingValueError(f"Joulescope stream stopped: {dev.stream_error!r}")
        points = min(self.settings["display_points"], n)
        inc = max(1, n // points)
        with dev.lock:
            stats, _ = sb.statistics_get(start, end)
            rows = sb.data_get(start, start + inc * (n // inc), inc)
            acc = sb.accumulators
        means = stats["mean"]
        trace_i = rows["mean"][:, 0]
        trace_v = rows["mean"][:, 1]
        t = (np.arange(len(rows)) * inc + inc / 2.0) / fs
        return self._package(means[0], means[1], means[2], acc["charge"]["value"],
                             acc["energy"]["value"], t, trace_i, trace_v)

    def _require_device(self) -> JoulescopeDevice:
        if self.device is None:
            raise SettingValueError("the Joulescope is not open")
        return self.device

    def _package(self, i_mean, v_mean, p_mean, charge, energy, t, trace_i, trace_v):
        origin = self.title
        zero_d = [
            DataFromPlugins(name, data=[np.array([float(value)])], units=units, labels=[name],
                            origin=origin)
            for name, value, units in (("current", i_mean, "A"), ("voltage", v_mean, "V"),
                                       ("power", p_mean, "W"), ("charge", charge, "C"),
                                       ("energy", energy, "J"))
        ]
        one_d = [
            DataFromPlugins(name, data=[np.asarray(values, dtype=np.float64)], units=units,
                            labels=[name], axes=[Axis("time", "s", data=t, index=0)],
                            origin=origin)
            for name, values, units in (("current_trace", trace_i, "A"),
                                        ("voltage_trace", trace_v, "V"))
        ]
        return DataToExport(self.title, data=zero_d + one_d)


def _simulated(det: JoulescopeDetector) -> tuple[JoulescopeDevice, bool, str]:
    # imported here: listing the plugin (dims, backends) must not load the numba kernels
    from .sim_device import SimulatedJoulescope
    from .stream_buffer import warm_up

    warm_up()
    s = det.settings
    params = det.device_parameters()
    dev = SimulatedJoulescope(load=det.make_load(),
                              drop_probability=s["sim_drop_probability"], **params)
    return dev, bool(s["sim_realtime"]), (
        f"simulated Joulescope at {params['sampling_frequency']:g} Hz")


def _real(det: JoulescopeDetector) -> tuple[JoulescopeDevice, bool, str]:
    from .real_device import RealJoulescope

    return RealJoulescope(**det.device_parameters()), True, "Joulescope (real device)"


#: backend name -> factory of (device, stream in real time, description)
_DEVICE_FACTORIES: dict[str, Callable[[JoulescopeDetector],
                                      tuple[JoulescopeDevice, bool, str]]] = {
    "sim": _simulated,
    "real": _real,
}

__all__ = ["REAL", "JoulescopeDetector"]
