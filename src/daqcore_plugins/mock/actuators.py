"""Mock actuator: one axis of a :class:`~daqcore_plugins.mock.stage.SimulatedStage`."""

from __future__ import annotations

from typing import Any, ClassVar

from daqcore.instruments import SIM, Actuator, Setting
from daqcore_plugins.mock.stage import SimulatedStage, default_stage


class MockActuator(Actuator):
    """A simulated translation stage axis in mm, moving at ``speed`` mm/s.

    Parameters
    ----------
    backend : str
        Only ``'sim'``.
    stage : SimulatedStage, optional
        The world it moves in (shared with the mock detectors); the process-wide
        :func:`~daqcore_plugins.mock.stage.default_stage` by default.
    **settings
        ``axis`` (name on the stage), ``speed`` (mm/s; 0 or inf = instantaneous, the
        default), bounds (enabled, [-10, 10] mm by default), ``epsilon``, ``timeout``...
    """

    units: ClassVar[str] = "mm"
    epsilon: ClassVar[float] = 1e-4
    backends = (SIM,)
    params = (
        Setting("axis", "str", "x", title="Stage axis", tip="axis name on the simulated stage"),
        Setting("speed", "float", 0.0, limits=(0.0, None), units="mm/s", title="Speed",
                tip="0 or inf: instantaneous"),
    )

    def __init__(
        self,
        backend: str = "sim",
        *,
        title: str | None = None,
        stage: SimulatedStage | None = None,
        **settings: Any,
    ) -> None:
        defaults = {"is_bounds": True, "min_bound": -10.0, "max_bound": 10.0}
        super().__init__(backend, title=title, **{**defaults, **settings})
        self.stage = stage if stage is not None else default_stage()

    @property
    def axis(self) -> str:
        """Name of the stage axis this actuator moves."""
        return self.settings["axis"]

    def _ini_actuator(self) -> str:
        return f"mock actuator on stage axis {self.axis!r}"

    def _move_abs(self, value: float) -> None:
        self.stage.start_move(self.axis, value, self.settings["speed"])

    def _get_actuator_value(self) -> float:
        return self.stage.position(self.axis)

    def _stop_motion(self) -> None:
        self.stage.stop(self.axis)


__all__ = ["MockActuator"]
