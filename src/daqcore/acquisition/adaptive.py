"""An adaptive 1D scanner: measure first where the signal changes fastest.

:class:`ScannerAdaptive1D` visits ``n_initial`` evenly spaced points between ``start`` and
``stop``, then, until ``n_points`` are measured, bisects the interval with the largest
*loss*: the length of the interval in the (position, signal) plane, both scaled to their
range. Flat regions get few points; steps and peaks get many. The engine gives it each
measured point through :meth:`ScannerAdaptive1D.tell` (a
:class:`~daqcore.data.records.PointRecord`) before asking for the next step; without
measurements (a dry run) it refines the longest intervals, i.e. a grid in bisection order.

The data are stored as spread data (``extended_shape=(n_points,)``, in visiting order); the
positions are not known in advance, so the saving sink writes each point's position into
the navigation axis as it arrives.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from daqcore.acquisition.errors import ScannerError
from daqcore.acquisition.scanners import Scanner, ScanStep
from daqcore.data import DataDistribution


def point_signal(point: Any, signal: str = "") -> float:
    """The scalar a point contributes: the mean of the first channel of the data named
    ``signal`` (the first data of the first detector when empty) of ``point``'s
    ``detector_data``; NaN when it has none."""
    for dte in getattr(point, "detector_data", ()) or ():
        for dwa in dte:
            if signal and signal not in (dwa.name, getattr(dwa, "full_name", "")):
                continue
            values = np.asarray(dwa.data[0], dtype=float)
            return float(values.mean()) if values.size else math.nan
    return math.nan


@dataclass
class _Refinement:
    """Measured ``(x, y)`` pairs kept sorted by ``x``."""

    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)

    def add(self, x: float, y: float) -> None:
        i = bisect.bisect_left(self.xs, x)
        self.xs.insert(i, x)
        self.ys.insert(i, y)

    def next_x(self, span: float) -> float:
        xs = np.asarray(self.xs)
        ys = np.asarray(self.ys)
        dx = np.diff(xs) / span
        finite = ys[np.isfinite(ys)]
        y_range = float(finite.max() - finite.min()) if finite.size > 1 else 0.0
        dy = np.abs(np.diff(ys)) / y_range if y_range > 0 else np.zeros_like(dx)
        loss = np.hypot(dx, np.nan_to_num(dy, nan=0.0))
        i = int(np.argmax(loss))
        return float((xs[i] + xs[i + 1]) / 2)


@dataclass(frozen=True)
class ScannerAdaptive1D(Scanner):
    """Refine a 1D scan where the signal changes fastest (see module docstring).

    Parameters
    ----------
    start, stop : float
        The interval scanned (both ends are measured first).
    n_points : int
        Points measured in total (the budget).
    n_initial : int
        Evenly spaced points measured before refining (>= 2, <= ``n_points``).
    signal : str
        Name of the DataWithAxes followed (default: the first of the first detector).
    """

    start: float = 0.0
    stop: float = 1.0
    n_points: int = 50
    n_initial: int = 5
    signal: str = ""

    adaptive = True

    def __post_init__(self) -> None:
        start, stop = float(self.start), float(self.stop)
        if not (math.isfinite(start) and math.isfinite(stop)) or start == stop:
            raise ScannerError(f"adaptive scan needs finite start != stop, got {start!r}, "
                               f"{stop!r}")
        n_points, n_initial = int(self.n_points), int(self.n_initial)
        if n_initial < 2 or n_points < n_initial:
            raise ScannerError(f"adaptive scan needs 2 <= n_initial <= n_points, got "
                               f"n_initial={n_initial}, n_points={n_points}")
        self._set("start", start)
        self._set("stop", stop)
        self._set("_state", _Refinement())
        self._finish(n_points, 1, (n_points,))
        self._set("scan_type", "Scan1D")
        self._set("scan_subtype", "Adaptive")

    @property
    def distribution(self) -> DataDistribution:
        return DataDistribution.spread

    def __iter__(self) -> Iterator[ScanStep]:
        state = _Refinement()
        self._set("_state", state)
        self._set("_pending", None)
        initial = np.linspace(self.start, self.stop, self.n_initial)
        span = abs(self.stop - self.start)
        for step in range(self.n_steps):
            pending = self.__dict__["_pending"]
            if pending is not None:  # not told: refine by interval length only
                state.add(pending, math.nan)
            x = float(initial[step]) if step < self.n_initial else state.next_x(span)
            self._set("_pending", x)
            yield ScanStep(step, (step,), (x,))

    def tell(self, point: Any) -> None:
        """Take the measured point (a PointRecord) of the last step into account."""
        pending = self.__dict__.get("_pending")
        if pending is None:
            return
        self._set("_pending", None)
        self.__dict__["_state"].add(pending, point_signal(point, self.signal))

    def bounds(self) -> list[tuple[float, float]]:
        return [(min(self.start, self.stop), max(self.start, self.stop))]

    def axis_values(self) -> list[np.ndarray]:
        """NaN until measured: the positions are written point by point."""
        return [np.full(self.n_steps, np.nan)]


__all__ = ["ScannerAdaptive1D", "point_signal"]
