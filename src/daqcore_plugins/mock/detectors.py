"""Mock detectors whose signal depends on the mock actuators' positions.

All three look at the same Gaussian spot centred at (``x0``, ``y0``) mm on the simulated
stage, with width ``width`` mm, peak ``amplitude`` and Gaussian noise of standard
deviation ``noise`` drawn from a generator seeded with ``seed`` (re-seeded at
initialisation and whenever ``seed`` changes), so a scan of the mock actuators gives a
recognisable, reproducible picture:

- :class:`Mock0D`: the spot intensity at the stage position (a 2D scan over x, y draws
  the spot) plus a flat ``reference`` channel;
- :class:`Mock1D`: a spectrum whose peak wavelength moves with x and whose height follows
  the spot intensity;
- :class:`Mock2D`: a camera image of the spot, moving in the image as the stage moves.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from daqcore.data import Axis, DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Detector, Setting
from daqcore_plugins.mock.stage import SimulatedStage, default_stage

_SPOT_PARAMS = (
    Setting("x_axis", "str", "x", title="X stage axis"),
    Setting("y_axis", "str", "y", title="Y stage axis"),
    Setting("x0", "float", 0.0, units="mm", title="Spot x"),
    Setting("y0", "float", 0.0, units="mm", title="Spot y"),
    Setting("width", "float", 1.0, limits=(1e-9, None), units="mm", title="Spot width"),
    Setting("amplitude", "float", 1.0, units="V", title="Amplitude"),
    Setting("noise", "float", 0.01, limits=(0.0, None), units="V", title="Noise (std)"),
    Setting("seed", "int", 0, limits=(0, None), title="Noise seed"),
    Setting("exposure", "float", 0.0, limits=(0.0, 10.0), units="s", title="Exposure",
            tip="simulated acquisition time (sleep)"),
)


class _MockDetector(Detector):
    """Shared machinery: stage link, seeded noise, spot intensity."""

    backends = (SIM,)
    params: ClassVar[Sequence[Mapping[str, Any] | Setting]] = _SPOT_PARAMS

    def __init__(
        self,
        backend: str = "sim",
        *,
        title: str | None = None,
        stage: SimulatedStage | None = None,
        **settings: Any,
    ) -> None:
        super().__init__(backend, title=title, **settings)
        self.stage = stage if stage is not None else default_stage()
        self._rng = np.random.default_rng(self.settings["seed"])

    def _ini_detector(self) -> str:
        self._rng = np.random.default_rng(self.settings["seed"])
        return f"{type(self).__name__} on a simulated stage"

    def commit_settings(self, setting: Setting) -> None:
        if setting.name == "seed":
            self._rng = np.random.default_rng(setting.value)

    def stage_xy(self) -> tuple[float, float]:
        """The stage position (x, y) the detector currently sees, in mm."""
        return (self.stage.position(self.settings["x_axis"]),
                self.stage.position(self.settings["y_axis"]))

    def spot(self, x: Any, y: Any) -> Any:
        """Noise-free spot intensity at (x, y) mm (arrays broadcast)."""
        s = self.settings
        r2 = (np.asarray(x) - s["x0"]) ** 2 + (np.asarray(y) - s["y0"]) ** 2
        return s["amplitude"] * np.exp(-r2 / (2.0 * s["width"] ** 2))

    def noise(self, shape: tuple[int, ...]) -> np.ndarray:
        """Gaussian noise of the configured standard deviation."""
        return self._rng.normal(0.0, self.settings["noise"], size=shape)

    def _expose(self) -> None:
        if self.settings["exposure"] > 0:
            time.sleep(self.settings["exposure"])


class Mock0D(_MockDetector):
    """0D detector: spot intensity at the stage position (channel ``spot``) and ``reference``."""

    dims = (DataDim.Data0D,)

    def _grab_data(self, naverage: int) -> DataToExport:
        self._expose()
        x, y = self.stage_xy()
        values = np.array([self.spot(x, y), self.settings["amplitude"]]) + self.noise((2,))
        dwa = DataFromPlugins(
            "mock_0d", data=[np.array([values[0]]), np.array([values[1]])],
            labels=["spot", "reference"], units="V", origin=self.title,
        )
        return DataToExport(self.title, data=[dwa])


class Mock1D(_MockDetector):
    """1D detector: a spectrum (nm) whose peak position follows x and height the spot."""

    dims = (DataDim.Data1D,)
    params = (
        *_SPOT_PARAMS,
        Setting("npoints", "int", 256, limits=(2, 100_000), title="Points"),
        Setting("center", "float", 550.0, units="nm", title="Peak at x=0"),
        Setting("dispersion", "float", 10.0, units="nm/mm", title="Peak shift per mm"),
        Setting("linewidth", "float", 5.0, limits=(1e-9, None), units="nm", title="Line width"),
    )

    def wavelengths(self) -> np.ndarray:
        """The spectral axis: 100 nm around ``center``."""
        c = self.settings["center"]
        return np.linspace(c - 50.0, c + 50.0, self.settings["npoints"])

    def _grab_data(self, naverage: int) -> DataToExport:
        self._expose()
        x, y = self.stage_xy()
        s = self.settings
        wl = self.wavelengths()
        peak = s["center"] + s["dispersion"] * x
        height = self.spot(s["x0"], y)  # x moves the peak, y its height
        signal = height * np.exp(-((wl - peak) ** 2) / (2.0 * s["linewidth"] ** 2))
        signal = signal + self.noise(wl.shape)
        axis = Axis("wavelength", "nm", data=wl, index=0)
        dwa = DataFromPlugins("mock_1d", data=[signal], labels=["spectrum"], units="V",
                              axes=[axis], origin=self.title)
        return DataToExport(self.title, data=[dwa])


class Mock2D(_MockDetector):
    """2D detector: a camera image (``ny`` x ``nx`` pixels over a 10 mm field) of the spot."""

    dims = (DataDim.Data2D,)
    params = (
        *_SPOT_PARAMS,
        Setting("nx", "int", 64, limits=(2, 8192), title="Width (px)"),
        Setting("ny", "int", 48, limits=(2, 8192), title="Height (px)"),
        Setting("field", "float", 10.0, limits=(1e-9, None), units="mm", title="Field of view"),
    )

    def pixel_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel centre coordinates (x, y) in mm, centred on 0."""
        s = self.settings
        half_x = s["field"] / 2.0
        half_y = half_x * s["ny"] / s["nx"]
        return (np.linspace(-half_x, half_x, s["nx"]), np.linspace(-half_y, half_y, s["ny"]))

    def _grab_data(self, naverage: int) -> DataToExport:
        self._expose()
        sx, sy = self.stage_xy()
        xs, ys = self.pixel_axes()
        # the camera rides on the stage: the spot appears shifted by -stage position
        image = self.spot(xs[np.newaxis, :] + sx, ys[:, np.newaxis] + sy)
        image = image + self.noise(image.shape)
        axes = [Axis("y", "mm", data=ys, index=0), Axis("x", "mm", data=xs, index=1)]
        dwa = DataFromPlugins("mock_2d", data=[image], labels=["camera"], units="V",
                              axes=axes, origin=self.title)
        return DataToExport(self.title, data=[dwa])


__all__ = ["Mock0D", "Mock1D", "Mock2D"]
