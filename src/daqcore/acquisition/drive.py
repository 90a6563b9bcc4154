"""How the acquisition engines talk to instruments: names, units, bounds, moves and grabs.

The engines only rely on the :mod:`daqcore.instruments` contract (``move_abs``,
``get_actuator_value``, ``grab_data``, ``stop_motion``...). Everything that reads an optional
attribute of an instrument lives here, so the scan engine itself stays a plain loop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from daqcore.acquisition.errors import (
    ActuatorError,
    ActuatorTimeoutError,
    DetectorError,
    OutOfBoundsError,
    ScanConfigurationError,
)
from daqcore.data import DataToExport
from daqcore.data.validation import unique_name
from daqcore.instruments import Detector
from daqcore.instruments.averaging import AveragingError, average_grabs


def instrument_name(instrument: Any, default: str) -> str:
    """The user-facing name of an instrument (``title``, then ``name``, else ``default``)."""
    for attr in ("title", "name"):
        value = getattr(instrument, attr, None)
        if isinstance(value, str) and value:
            return value
    return default


def settings_xml(instrument: Any) -> str:
    """The instrument's settings tree as PyMoDAQ-style XML ('' when it has none)."""
    settings = getattr(instrument, "settings", None)
    to_xml = getattr(settings, "to_xml", None)
    if to_xml is None:
        return ""
    try:
        return str(to_xml())
    except Exception:  # settings are metadata: never block a scan on them
        return ""


def unique_names(instruments: Sequence[Any], prefix: str) -> list[str]:
    """Names of ``instruments``, made unique by suffixing ``_1``, ``_2``... when repeated."""
    taken: set[str] = set()
    return [unique_name(instrument_name(inst, f"{prefix}{i:02d}"), taken)
            for i, inst in enumerate(instruments)]


def actuator_units(actuator: Any) -> str:
    """Units of an actuator's positions ('' when it does not say)."""
    value = getattr(actuator, "units", "")
    return value if isinstance(value, str) else ""


def actuator_bounds(actuator: Any) -> tuple[float, float] | None:
    """``(min, max)`` bounds of an actuator, or ``None`` when it is unbounded."""
    bounds = getattr(actuator, "bounds", None)
    if callable(bounds):
        bounds = bounds()
    if bounds is None:
        return None
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        return None
    lo = -math.inf if lo is None else float(lo)
    hi = math.inf if hi is None else float(hi)
    return lo, hi


def check_all_targets(actuators: Sequence[Any], names: Sequence[str], scanner: Any) -> None:
    """Check every scan target against the actuator bounds before anything moves.

    The scanner's per-axis :meth:`~daqcore.acquisition.scanners.Scanner.bounds` are compared
    first (no point list is built); only when an axis leaves its actuator's range are the
    steps walked, chunk by chunk, to name the first offending point.

    Parameters
    ----------
    scanner : Scanner or ndarray
        The scanner (or an ``(n_steps, n_actuators)`` array of targets).

    Raises
    ------
    ScanConfigurationError
        The scanner drives another number of actuators than given.
    OutOfBoundsError
        Naming the actuator, the first offending value and its point index.
    """
    if isinstance(scanner, np.ndarray):
        n_axes = scanner.shape[1]
        axis_bounds = [(float(scanner[:, i].min()), float(scanner[:, i].max()))
                       for i in range(n_axes)]
        chunks: Any = lambda: iter([(0, scanner, None)])  # noqa: E731
    else:
        n_axes = scanner.n_axes
        axis_bounds = scanner.bounds()
        chunks = scanner.iter_chunks
    if n_axes != len(actuators):
        raise ScanConfigurationError(
            f"the scanner drives {n_axes} actuator(s) but {len(actuators)} "
            f"were given ({', '.join(names)})"
        )
    for col, (act, name) in enumerate(zip(actuators, names)):
        bounds = actuator_bounds(act)
        if bounds is None:
            continue
        lo, hi = bounds
        low, high = axis_bounds[col]
        if lo <= low and high <= hi:
            continue
        if getattr(scanner, "adaptive", False):
            bad_value = low if low < lo else high
            raise OutOfBoundsError(name, bad_value, (lo, hi), 0)
        for first_step, positions, _ in chunks():
            column = positions[:, col]
            bad = np.flatnonzero((column < lo) | (column > hi))
            if bad.size:
                first = int(bad[0])
                raise OutOfBoundsError(name, float(column[first]), (lo, hi), first_step + first)


def read_position(actuator: Any) -> float:
    """Current position of an actuator as a float in its units."""
    return float(actuator.get_actuator_value().value())


class MoveTracker:
    """Per-actuator memory of the last target and the position reached for it.

    Lets :func:`move_all` skip actuators whose target did not change (the slow axes of a
    grid) and gives the engine the read-back positions to save without another query.
    """

    def __init__(self, n: int) -> None:
        self.targets: list[float | None] = [None] * n
        self.reached: list[Any] = [None] * n


def move_all(
    actuators: Sequence[Any],
    names: Sequence[str],
    targets: Sequence[float],
    timeout: float,
    point_index: int,
    tracker: MoveTracker,
) -> None:
    """Start every move (``move_abs(wait=False)``), then wait for each to be reached.

    Raises
    ------
    ActuatorTimeoutError
        An actuator did not reach its target in ``timeout`` seconds (it was stopped).
    ActuatorError
        An actuator raised; names the actuator and the point index.
    """
    moving = []
    for i, (act, name, target) in enumerate(zip(actuators, names, targets)):
        if tracker.targets[i] == target and tracker.reached[i] is not None:
            continue
        tracker.targets[i] = None
        tracker.reached[i] = None
        try:
            act.move_abs(target, wait=False)
        except Exception as exc:
            raise ActuatorError(name, point_index, exc) from exc
        moving.append(i)
    for i in moving:
        act, name, target = actuators[i], names[i], targets[i]
        try:
            reached = act.wait_until_reached(timeout=timeout)
        except TimeoutError as exc:
            raise ActuatorTimeoutError(
                f"actuator {name!r} did not reach {target!r} within {timeout} s "
                f"at point {point_index}: {exc}"
            ) from exc
        except Exception as exc:
            raise ActuatorError(name, point_index, exc) from exc
        tracker.targets[i] = target
        tracker.reached[i] = reached


def stop_all(actuators: Sequence[Any]) -> None:
    """Ask every actuator to stop moving, ignoring failures (used while aborting)."""
    for act in actuators:
        stop = getattr(act, "stop_motion", None)
        if stop is None:
            continue
        try:
            stop()
        except Exception:  # aborting: best effort
            pass


def grab(detector: Any, name: str, point_index: int, naverage: int = 1) -> DataToExport:
    """One ``grab_data()`` call (``grab_data(naverage)`` when ``naverage > 1``), checked, with
    failures wrapped in :class:`DetectorError`."""
    try:
        dte = detector.grab_data() if naverage == 1 else detector.grab_data(naverage)
    except Exception as exc:
        raise DetectorError(name, point_index, exc) from exc
    if not isinstance(dte, DataToExport):
        raise DetectorError(
            name, point_index, TypeError(f"grab_data returned {type(dte).__name__}, "
                                         "not a DataToExport")
        )
    return dte


def grab_averaged(detector: Any, name: str, point_index: int, naverage: int) -> DataToExport:
    """One point of ``detector`` averaged over ``naverage`` acquisitions.

    A daqcore :class:`~daqcore.instruments.Detector` (hardware averaging or its own software
    averaging) and any detector declaring ``hardware_averaging = True`` get one
    ``grab_data(naverage)`` call; other (duck-typed) detectors are grabbed ``naverage`` times
    and averaged by :func:`~daqcore.instruments.averaging.average_grabs`.
    """
    if naverage == 1:
        return grab(detector, name, point_index)
    if isinstance(detector, Detector) or getattr(detector, "hardware_averaging", False) is True:
        return grab(detector, name, point_index, naverage)
    grabs = [grab(detector, name, point_index) for _ in range(naverage)]
    try:
        return average_grabs(grabs)
    except AveragingError as exc:
        raise DetectorError(name, point_index, exc) from exc


__all__ = [
    "MoveTracker",
    "actuator_bounds",
    "actuator_units",
    "check_all_targets",
    "grab",
    "grab_averaged",
    "instrument_name",
    "move_all",
    "read_position",
    "settings_xml",
    "stop_all",
    "unique_names",
]
