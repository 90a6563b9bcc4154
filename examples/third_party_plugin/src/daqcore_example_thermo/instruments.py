"""Thermometer (0D detector) and heater (actuator)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Actuator, Backend, Detector, Setting
from daqcore_example_thermo.oven import Oven, shared_oven

THERMAL_ZONE = Path("/sys/class/thermal/thermal_zone0/temp")


def _probe_thermal_zone() -> str | None:
    """Real backend availability: the kernel exposes a readable thermal zone."""
    try:
        int(THERMAL_ZONE.read_text().strip())
    except (OSError, ValueError):
        return f"no device ({THERMAL_ZONE} not readable)"
    return None


REAL = Backend("real", "Linux thermal zone 0", probe=_probe_thermal_zone)


class Thermometer(Detector):
    """Temperature in degC: simulated oven, or the host's thermal zone 0 (``real``)."""

    dims = (DataDim.Data0D,)
    backends = (SIM, REAL)
    params = (
        Setting("noise", "float", 0.02, limits=(0.0, None), units="degC", title="Noise"),
        Setting("seed", "int", 0, limits=(0, None), title="Noise seed"),
    )

    def __init__(self, backend: str = "sim", *, title: str | None = None,
                 oven: Oven | None = None, **settings) -> None:
        super().__init__(backend, title=title, **settings)
        self.oven = oven if oven is not None else shared_oven()

    def _ini_detector(self) -> str:
        self._rng = np.random.default_rng(self.settings["seed"])
        return "simulated oven" if self.backend == "sim" else str(THERMAL_ZONE)

    def read_temperature(self) -> float:
        """One reading in degC."""
        if self.backend == "real":
            return int(THERMAL_ZONE.read_text().strip()) / 1000.0
        return self.oven.temperature + self._rng.normal(0.0, self.settings["noise"])

    def _grab_data(self, naverage: int) -> DataToExport:
        dwa = DataFromPlugins("temperature", data=[np.array([self.read_temperature()])],
                              labels=["T"], units="degC", origin=self.title)
        return DataToExport(self.title, data=[dwa])


class Heater(Actuator):
    """Heater power of the simulated oven, in W (0 to 100)."""

    units = "W"
    epsilon = 1e-6

    def __init__(self, backend: str = "sim", *, title: str | None = None,
                 oven: Oven | None = None, **settings) -> None:
        defaults = {"is_bounds": True, "min_bound": 0.0, "max_bound": 100.0}
        super().__init__(backend, title=title, **{**defaults, **settings})
        self.oven = oven if oven is not None else shared_oven()

    def _ini_actuator(self) -> str:
        return "simulated oven heater"

    def _move_abs(self, value: float) -> None:
        self.oven.power = value

    def _get_actuator_value(self) -> float:
        return self.oven.power

    def _stop_motion(self) -> None:
        """A power setpoint applies at once: nothing to stop."""
