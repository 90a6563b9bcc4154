"""Tiny deterministic instruments for the acquisition tests (no plugin needed).

``FakeStage`` holds positions; ``FakeActuator`` moves instantly on it; ``Fake0D`` and
``Fake1D`` return values that are exact functions of the positions plus a grab counter, and
remember every DataToExport they returned (``grabbed``) so tests compare files exactly.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from daqcore.data import Axis, DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import Actuator, Detector


class FakeStage:
    def __init__(self) -> None:
        self.pos: dict[str, float] = {}


class FakeActuator(Actuator):
    units: ClassVar[str] = "mm"
    epsilon: ClassVar[float] = 1e-9

    def __init__(self, *, title: str, stage: FakeStage, reach: bool = True, **settings: Any):
        super().__init__("sim", title=title, **settings)
        self.stage = stage
        self.reach = reach
        self.moves: list[float] = []
        stage.pos[title] = 0.0

    def _move_abs(self, value: float) -> None:
        self.moves.append(value)
        if self.reach:
            self.stage.pos[self.title] = value

    def _get_actuator_value(self) -> float:
        return self.stage.pos[self.title]


class _FakeDetector(Detector):
    def __init__(self, *, title: str, stage: FakeStage, fail_at: int | None = None,
                 noise: bool = False, **settings: Any):
        super().__init__("sim", title=title, **settings)
        self.stage = stage
        self.fail_at = fail_at
        self.noise = noise
        self.n_grabs = 0
        self.grabbed: list[DataToExport] = []

    def _xy(self) -> tuple[float, float]:
        values = [*list(self.stage.pos.values()), 0.0, 0.0]
        return values[0], values[1]

    def _grab_data(self, naverage: int) -> DataToExport:
        if self.fail_at is not None and self.n_grabs == self.fail_at:
            self.n_grabs += 1
            raise RuntimeError(f"{self.title} exploded")
        k = self.n_grabs
        self.n_grabs += 1
        dte = self._make(k)
        self.grabbed.append(dte.deepcopy())
        return dte


class Fake0D(_FakeDetector):
    dims = (DataDim.Data0D,)

    def _make(self, k: int) -> DataToExport:
        x, y = self._xy()
        jitter = (k % 3) * 0.25 if self.noise else 0.0
        dwa = DataFromPlugins("power", data=[np.array([10 * x + y + jitter]),
                                             np.array([x - y])],
                              labels=["sum", "diff"], units="W", origin=self.title)
        return DataToExport(self.title, data=[dwa])


class Fake1D(_FakeDetector):
    dims = (DataDim.Data1D,)
    npts: ClassVar[int] = 8

    def _make(self, k: int) -> DataToExport:
        x, y = self._xy()
        jitter = (k % 2) * 0.5 if self.noise else 0.0
        sig = np.arange(self.npts) * x + y + jitter
        axis = Axis("wavelength", "nm", data=np.linspace(400.0, 470.0, self.npts), index=0)
        dwa = DataFromPlugins("spectrum", data=[sig], labels=["spec"], units="V",
                              axes=[axis], origin=self.title)
        return DataToExport(self.title, data=[dwa])


class Rig:
    """Two actuators (x, y) and two detectors (0D, 1D) on one fake stage."""

    def __init__(self, *, fail_at: int | None = None, noise: bool = False,
                 bounds: tuple[float, float] | None = None) -> None:
        self.stage = FakeStage()
        extra = {} if bounds is None else {"is_bounds": True, "min_bound": bounds[0],
                                           "max_bound": bounds[1]}
        self.x = FakeActuator(title="x", stage=self.stage, **extra)
        self.y = FakeActuator(title="y", stage=self.stage)
        self.d0 = Fake0D(title="det0", stage=self.stage, noise=noise)
        self.d1 = Fake1D(title="det1", stage=self.stage, fail_at=fail_at, noise=noise)
        for inst in (self.x, self.y):
            inst.ini_actuator()
        for inst in (self.d0, self.d1):
            inst.ini_detector()

    @property
    def actuators(self) -> list[Any]:
        return [self.x, self.y]

    @property
    def detectors(self) -> list[Any]:
        return [self.d0, self.d1]

    def close(self) -> None:
        for inst in (self.x, self.y, self.d0, self.d1):
            inst.close()


@pytest.fixture
def rig():
    r = Rig()
    yield r
    r.close()


@pytest.fixture
def make_rig():
    made: list[Rig] = []

    def factory(**kwargs: Any) -> Rig:
        r = Rig(**kwargs)
        made.append(r)
        return r

    yield factory
    for r in made:
        r.close()
