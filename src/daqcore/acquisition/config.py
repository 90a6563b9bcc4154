"""Scan and logger descriptions as plain dictionaries (what a TOML file holds).

A scan file for ``daqcore scan --config scan.toml``::

    [scan]
    actuators = ["mock_x", "mock_y"]
    detectors = ["mock_0d", "mock_1d"]
    naverage = 1
    output = "daqcore_data"        # directory or .h5 file
    title = "my scan"

    [scan.scanner]
    type = "grid"                  # grid | spread | random | tabular
    axes = [[0, 1, 0.1], [0, 2, 0.5]]
    order = "snake"                # normal | snake | random  (grid only)

    [instruments.mock_x]           # per-instrument settings, optional
    speed = 0

``spread`` takes ``points = [[x, y], ...]``; ``random`` takes ``n_points``, ``bounds`` and
``seed``; ``tabular`` takes ``table = [[...]]`` or ``file = "path.csv"`` and an optional ``step``.
A logger file uses a ``[log]`` table with ``detectors``, ``interval``, ``duration``,
``n_samples`` and ``output``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from daqcore.acquisition.errors import ScanConfigurationError, ScannerError
from daqcore.acquisition.scanners import Scanner, ScannerGrid, ScannerSpread, ScannerTabular

SCANNER_TYPES = ("grid", "spread", "random", "tabular")


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; errors become :class:`ScanConfigurationError` naming the file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ScanConfigurationError(f"cannot read config file {str(p)!r}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScanConfigurationError(f"config file {str(p)!r} is not valid TOML: {exc}") from exc


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScanConfigurationError(
            f"unknown key(s) {unknown} in [{where}]; allowed: {sorted(allowed)}"
        )


def scanner_from_dict(spec: Mapping[str, Any]) -> Scanner:
    """Build a scanner from a ``[scan.scanner]``-like mapping (see module docstring)."""
    kind = str(spec.get("type", "grid")).lower()
    common = {"labels", "units", "type"}
    labels = spec.get("labels")
    units = spec.get("units")
    try:
        if kind == "grid":
            _check_keys(spec, common | {"axes", "order", "seed"}, "scan.scanner")
            return ScannerGrid(axes=[tuple(a) for a in spec.get("axes", [])],
                               order=spec.get("order", "normal"), seed=spec.get("seed"),
                               labels=labels, units=units)
        if kind == "spread":
            _check_keys(spec, common | {"points"}, "scan.scanner")
            return ScannerSpread(points=spec.get("points", []), labels=labels, units=units)
        if kind == "random":
            _check_keys(spec, common | {"n_points", "bounds", "seed"}, "scan.scanner")
            return ScannerSpread.random(int(spec.get("n_points", 0)), spec.get("bounds", []),
                                        seed=spec.get("seed"), labels=labels, units=units)
        if kind == "tabular":
            _check_keys(spec, common | {"table", "file", "step"}, "scan.scanner")
            if "file" in spec:
                return ScannerTabular.from_file(str(spec["file"]), step=spec.get("step"),
                                                labels=labels, units=units)
            return ScannerTabular(table=spec.get("table", []), step=spec.get("step"),
                                  labels=labels, units=units)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ScannerError | ScanConfigurationError):
            raise
        raise ScannerError(f"bad {kind} scanner description {dict(spec)!r}: {exc}") from exc
    raise ScannerError(f"unknown scanner type {kind!r}; known: {', '.join(SCANNER_TYPES)}")


__all__ = ["SCANNER_TYPES", "load_toml", "scanner_from_dict"]
