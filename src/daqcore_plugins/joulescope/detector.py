"""The Joulescope as a daqcore detector: 0D means and accumulators, 1D traces.

Each ``grab_data`` waits for (sim, real time) or produces (sim, ``sim_realtime`` off) the next
integration ``window`` of samples, then returns:

* 0D ``current`` (A), ``voltage`` (V), ``power`` (W): means over the window (missing samples
  excluded), and ``charge`` (C), ``energy`` (J): the device accumulators (completed
  reduction entries on the simulated backend; grabbed windows on the real backend);
* 1D ``current_trace`` (A) and ``voltage_trace`` (V): the window reduced to
  ``display_points`` means by ``StreamBuffer.data_get``, with a ``time`` axis (s, from the
  window start).

Backends: ``sim`` (:class:`~daqcore_plugins.joulescope.sim_device.SimulatedJoulescope`) and
``real`` (the vendor package, imported lazily; unavailable with "driver not installed" or
"no device").
"""

from __future__ import annotations

import numpy as np

from daqcore.data import Axis, DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Backend, Detector, Setting, SettingValueError

from .raw_format import I_RANGE_NAMES
from .sim_device import REDUCTION_FREQUENCIES, SAMPLING_FREQUENCIES, SimulatedJoulescope
from .sim_model import pulsed_load, sleep_wake_load, steady_load
from .stream_buffer import warm_up


def _probe_real():
    from . import real_device

    return real_device.probe()


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

    def __init__(self, backend: str = "sim", *, title: str | None = None, **settings):
        super().__init__(backend, title=title, **settings)
        self.device = None

    # ------------------------------------------------------------------ device
    def _make_load(self):
        s = self.settings
        if s["sim_load"] == "steady":
            return steady_load(s["sim_current"])
        if s["sim_load"] == "pulsed":
            return pulsed_load(s["sim_current"], s["sim_current"] / 100.0, 0.01, 0.5)
        return sleep_wake_load()

    def _open_device(self) -> str:
        s = self.settings
        params = dict(sampling_frequency=float(s["sampling_frequency"]), i_range=s["i_range"],
                      v_range=s["v_range"], buffer_duration=s["buffer_duration"],
                      reduction_frequency=s["reduction_frequency"])
        if self.backend == "real":
            from .real_device import RealJoulescope

            self.device = RealJoulescope(**params).open()
            return "Joulescope (real device)"
        warm_up()
        dev = SimulatedJoulescope(load=self._make_load(),
                                  drop_probability=s["sim_drop_probability"], **params)
        dev.open()
        if s["sim_realtime"]:
            dev.start()
        self.device = dev
        return f"simulated Joulescope at {params['sampling_frequency']:g} Hz"

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
        if self.backend == "real":
            return self._grab_real()
        dev = self.device
        fs = dev.sampling_frequency
        n = self._window_samples(fs)
        sb = dev.stream_buffer
        start = sb.sample_id_range[1]
        end = start + n
        if dev.is_streaming:
            if not dev.wait_for_samples(end, timeout=self.settings["window"] + 10.0):
                raise SettingValueError(f"simulated stream stopped: {dev.stream_error!r}")
        else:
            while sb.sample_id_range[1] < end:
                dev.generate(end - sb.sample_id_range[1] + 126)
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

    def _grab_real(self) -> DataToExport:  # pragma: no cover - needs hardware
        dev = self.device
        fs = dev.sampling_frequency
        n = self._window_samples(fs)
        data = dev.read(n / fs).astype(np.float64)
        cur, volt = data[:, 0], data[:, 1]
        power = cur * volt
        mi, mv, mp = np.nanmean(cur), np.nanmean(volt), np.nanmean(power)
        dev._charge += mi * n / fs
        dev._energy += mp * n / fs
        points = min(self.settings["display_points"], len(cur))
        inc = max(1, len(cur) // points)
        m = (len(cur) // inc) * inc
        trace_i = np.nanmean(cur[:m].reshape(-1, inc), axis=1)
        trace_v = np.nanmean(volt[:m].reshape(-1, inc), axis=1)
        t = (np.arange(len(trace_i)) * inc + inc / 2.0) / fs
        return self._package(mi, mv, mp, dev._charge, dev._energy, t, trace_i, trace_v)

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


__all__ = ["REAL", "JoulescopeDetector"]
