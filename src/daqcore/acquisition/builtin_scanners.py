"""The specs of the built-in scanners (``SPECS``).

They are registered through the ``daqcore_scanners`` hook like a third party's, by the
first-party plugin :mod:`daqcore_plugins.scanners.plugin` (entry point ``daqcore-scanners``).
This module imports nothing heavy: factories import the scanner classes when a scanner is
created.
"""

from __future__ import annotations

from typing import Any

from daqcore.acquisition.scanner_params import ParameterSpec, Table
from daqcore.acquisition.scanner_registry import ScannerSpec

_ORDER = ParameterSpec("order", str, "normal", "visiting order", ("normal", "snake", "random"))
_SEED = ParameterSpec("seed", int | None, None, "seed of the random order / points")
_LABELS = ParameterSpec("labels", list[str] | None, None, "one label per actuator")
_UNITS = ParameterSpec("units", list[str] | None, None, "one unit per actuator")


def _grid(axes: Any, order: str, seed: int | None, labels: list[str] | None,
          units: list[str] | None) -> Any:
    from daqcore.acquisition.scanners import ScannerGrid

    return ScannerGrid(axes=[tuple(row) for row in axes.tolist()], order=order,  # type: ignore[arg-type]
                       seed=seed, labels=labels, units=units)


def _linear(start: float, stop: float, step: float, order: str, seed: int | None,
            label: str | None, units: str | None) -> Any:
    from daqcore.acquisition.scanners import Scanner1DLinear

    return Scanner1DLinear(start, stop, step, order=order, seed=seed,  # type: ignore[arg-type]
                           label=label, units=units)


def _random(n_points: int, bounds: Any, seed: int | None, labels: list[str] | None,
            units: list[str] | None) -> Any:
    from daqcore.acquisition.errors import ScannerError
    from daqcore.acquisition.scanners import ScannerSpread

    if bounds.shape[1] != 2:
        raise ScannerError(f"bounds must be (low, high) pairs, got {bounds.tolist()!r}")
    return ScannerSpread.random(n_points, [tuple(b) for b in bounds.tolist()], seed=seed,
                                labels=labels, units=units)


def _tabular(table: Any, file: str | None, step: float | None, labels: list[str] | None,
             units: list[str] | None) -> Any:
    from daqcore.acquisition.errors import ScanConfigurationError
    from daqcore.acquisition.scanners import ScannerTabular

    if (table is None) == (file is None):
        raise ScanConfigurationError("scanner 'tabular' needs exactly one of 'table' or 'file'")
    if file is not None:
        return ScannerTabular.from_file(file, step=step, labels=labels, units=units)
    return ScannerTabular(table=table, step=step, labels=labels, units=units)


SPECS = (
    ScannerSpec("linear", _linear, "1D linear scan of one actuator (PyMoDAQ Scan1D Linear)", [
        ParameterSpec("start", float, help="first position"),
        ParameterSpec("stop", float, help="last position (included when on the grid)"),
        ParameterSpec("step", float, help="distance between points"),
        _ORDER, _SEED,
        ParameterSpec("label", str | None, None, "axis label"),
        ParameterSpec("units", str | None, None, "axis units"),
    ]),
    ScannerSpec("grid", _grid, "regular grid over N actuators, raster / snake / random order", [
        ParameterSpec("axes", Table, help="one (start, stop, step) row per actuator, slowest "
                      "first, e.g. '0,1,0.1;0,2,0.5'"),
        _ORDER, _SEED, _LABELS, _UNITS,
    ]),
    ScannerSpec("spread", "daqcore.acquisition.scanners:ScannerSpread",
                "list of points, visited in order, saved as spread data", [
                    ParameterSpec("points", Table, help="one row of targets per point"),
                    _LABELS, _UNITS,
                ]),
    ScannerSpec("random", _random, "uniform random points inside bounds (spread data)", [
        ParameterSpec("n_points", int, help="number of points"),
        ParameterSpec("bounds", Table, help="one (low, high) row per actuator"),
        _SEED, _LABELS, _UNITS,
    ]),
    ScannerSpec("tabular", _tabular, "path through table rows, optionally walked at a step", [
        ParameterSpec("table", Table | None, None, "rows of targets (or give 'file')"),
        ParameterSpec("file", str | None, None, "CSV / text file holding the table"),
        ParameterSpec("step", float | None, None, "walk the path every 'step' (Euclidean)"),
        _LABELS, _UNITS,
    ]),
    ScannerSpec("adaptive", "daqcore.acquisition.adaptive:ScannerAdaptive1D",
                "1D scan refined where the signal changes fastest", [
                    ParameterSpec("start", float, help="first end of the interval"),
                    ParameterSpec("stop", float, help="second end of the interval"),
                    ParameterSpec("n_points", int, 50, "points measured in total"),
                    ParameterSpec("n_initial", int, 5, "evenly spaced points measured first"),
                    ParameterSpec("signal", str, "", "data name followed (default: first)"),
                ]),
)


__all__ = ["SPECS"]
