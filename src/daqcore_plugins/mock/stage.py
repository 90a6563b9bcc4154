"""A shared simulated world: named axes whose positions mock actuators move and detectors read.

The stage is the physics of the mock instruments. A motion is stored as (start, target,
start time, speed) and the position is computed when read, so a detector grabbing while an
actuator moves sees the intermediate position. A speed of 0 or infinity means the motion is
instantaneous (handy in tests and benchmarks).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class _Motion:
    start: float
    target: float
    t0: float
    speed: float

    def position(self, now: float) -> float:
        if self.speed == 0 or math.isinf(self.speed):
            return self.target
        distance = self.target - self.start
        travelled = self.speed * (now - self.t0)
        if travelled >= abs(distance):
            return self.target
        return self.start + math.copysign(travelled, distance)


class SimulatedStage:
    """Positions of named axes (``'x'``, ``'y'``...), all starting at 0.

    Parameters
    ----------
    clock : callable, optional
        Time source in seconds (``time.monotonic`` by default; tests may pass a fake one).
    """

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._motions: dict[str, _Motion] = {}
        self._lock = threading.Lock()

    def position(self, axis: str) -> float:
        """The current position of ``axis`` (0.0 for an axis never moved)."""
        with self._lock:
            motion = self._motions.get(axis)
            return 0.0 if motion is None else motion.position(self._clock())

    def positions(self) -> dict[str, float]:
        """All known axes and their current positions."""
        with self._lock:
            now = self._clock()
            return {axis: m.position(now) for axis, m in self._motions.items()}

    def start_move(self, axis: str, target: float, speed: float) -> None:
        """Start moving ``axis`` to ``target`` at ``speed`` units/s (0 or inf: at once)."""
        if speed < 0 or math.isnan(speed):
            raise ValueError(f"speed must be >= 0, got {speed!r}")
        with self._lock:
            now = self._clock()
            previous = self._motions.get(axis)
            start = 0.0 if previous is None else previous.position(now)
            self._motions[axis] = _Motion(start, float(target), now, float(speed))

    def set_position(self, axis: str, value: float) -> None:
        """Put ``axis`` at ``value`` at once."""
        self.start_move(axis, value, 0.0)

    def stop(self, axis: str) -> None:
        """Freeze ``axis`` where it is now."""
        with self._lock:
            motion = self._motions.get(axis)
            if motion is not None:
                here = motion.position(self._clock())
                self._motions[axis] = _Motion(here, here, self._clock(), 0.0)

    def is_moving(self, axis: str) -> bool:
        """True while ``axis`` has not reached its target."""
        with self._lock:
            motion = self._motions.get(axis)
            return motion is not None and motion.position(self._clock()) != motion.target


_default_stage = SimulatedStage()


def default_stage() -> SimulatedStage:
    """The process-wide stage shared by mock instruments created without ``stage=``."""
    return _default_stage


__all__ = ["SimulatedStage", "default_stage"]
