"""Scan and logger descriptions read from TOML files, validated against a schema.

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
``n_samples``, ``output``, ``backend``, ``instrument_backend`` and ``flush_interval``.
Every key is listed in ``docs/scans.md``; the schema is
:mod:`daqcore.acquisition.config_schema`. Unknown keys and values of the wrong type are
:class:`~daqcore.acquisition.errors.ScanConfigurationError` naming the file and the key.

The number of points a scanner description makes is computed arithmetically (nothing is
allocated) and refused above ``max_points`` before any position is computed.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from daqcore.acquisition.errors import ScanConfigurationError, ScannerError
from daqcore.acquisition.scanners import Scanner, ScannerGrid, ScannerSpread, ScannerTabular

if TYPE_CHECKING:
    import numpy as np

    from daqcore.acquisition.config_schema import ConfigFile, ScannerSpec

SCANNER_TYPES = ("grid", "spread", "random", "tabular")
#: Default largest number of points a scan may plan (same value as the schema's).
DEFAULT_MAX_POINTS = 10_000_000


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


def load_config(path: str | Path) -> ConfigFile:
    """Read and validate a scan / logger TOML file.

    Raises
    ------
    ScanConfigurationError
        The file cannot be read, is not TOML, has an unknown key or a value of the wrong
        type; the message names the file, the key and the type expected.
    """
    from daqcore.acquisition.config_schema import ConfigFile, validate

    return validate(ConfigFile, load_toml(path), f"config file {str(path)!r}")


def count_grid_points(axes: Sequence[Sequence[float]]) -> int | float:
    """Points of a grid of ``(start, stop, step)`` axes, computed without allocating them.

    Returns ``math.inf`` when a ratio overflows. Uses the rule of
    :func:`~daqcore.acquisition.scanners.linear_values`.

    Raises
    ------
    ScannerError
        An axis is not three finite numbers, or a step is zero.
    """
    total: int | float = 1
    for i, spec in enumerate(axes):
        try:
            start, stop, step = (float(v) for v in spec)
        except (TypeError, ValueError):
            raise ScannerError(f"grid axis {i} must be (start, stop, step), got {spec!r}") from None
        if not all(math.isfinite(v) for v in (start, stop, step)):
            raise ScannerError(
                f"start/stop/step must be finite, got {start!r}, {stop!r}, {step!r}")
        if step == 0:
            raise ScannerError(f"step must be non-zero (start={start!r}, stop={stop!r})")
        ratio = abs(stop - start) / abs(step) * (1 + 1e-12) + 1e-9
        if not math.isfinite(ratio) or ratio > 1e300:
            return math.inf
        total *= math.floor(ratio) + 1
    return total


def count_path_points(table: np.ndarray, step: float | None) -> int:
    """Points of a tabular scan: its rows, or the points every ``step`` along its path."""
    import numpy as np

    if step is None:
        return int(table.shape[0])
    lengths = np.linalg.norm(np.diff(table, axis=0), axis=1)
    per_segment = np.maximum(np.ceil(lengths / step - 1e-9), 0)
    total = float(per_segment.sum()) + 1
    return int(total) if math.isfinite(total) else 2**63


def read_table(path: str | Path) -> np.ndarray:
    """Read a position table from a CSV or whitespace-separated text file.

    ``#`` starts a comment; a first line that is not numbers (a header such as ``x,y``) is
    skipped. Returns a ``(n_rows, n_columns)`` float array.

    Raises
    ------
    ScannerError
        The file cannot be read or holds something other than a table of numbers.
    """
    import numpy as np

    p = Path(path)
    delimiter = "," if p.suffix.lower() == ".csv" else None
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ScannerError(f"cannot read a position table from {str(p)!r}: {exc}") from None
    skip = 0
    for number, line in enumerate(lines):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        try:
            [float(v) for v in content.split(delimiter) if v.strip()]
        except ValueError:
            skip = number + 1  # a header row
        break
    try:
        table = np.loadtxt(p, delimiter=delimiter, ndmin=2, skiprows=skip)
    except ValueError as exc:
        raise ScannerError(f"cannot read a position table from {str(p)!r}: {exc}") from None
    if table.size == 0:
        raise ScannerError(f"the position table {str(p)!r} has no rows")
    return table


def _describe_count(count: int | float) -> str:
    return "more than 1e300" if math.isinf(count) else f"{int(count):,}"


def check_point_count(count: int | float, max_points: int, what: str) -> None:
    """Refuse a plan of more than ``max_points`` points, saying how many it makes."""
    if count > max_points:
        raise ScannerError(
            f"{what} make {_describe_count(count)} points, above the limit of "
            f"{max_points:,} (set --max-points / [scan] max_points to allow more)"
        )


def scanner_spec(spec: Mapping[str, Any], source: str = "scanner description") -> ScannerSpec:
    """Validate a ``[scan.scanner]``-like mapping against the schema of its ``type``."""
    from daqcore.acquisition.config_schema import SCANNER_SPECS, validate

    kind = spec.get("type", "grid")
    if not isinstance(kind, str) or kind.lower() not in SCANNER_SPECS:
        raise ScannerError(f"{source}: scan.scanner.type: unknown scanner type {kind!r}; known: "
                           f"{', '.join(SCANNER_SPECS)}")
    data = {**spec, "type": kind.lower()}
    return validate(SCANNER_SPECS[kind.lower()], data, source, prefix=("scan", "scanner"),
                    error=ScannerError)


def scanner_from_dict(spec: Mapping[str, Any], *, max_points: int = DEFAULT_MAX_POINTS,
                      source: str = "scanner description") -> Scanner:
    """Build a scanner from a ``[scan.scanner]``-like mapping (see module docstring).

    Parameters
    ----------
    spec : mapping
        The scanner description.
    max_points : int
        Refuse descriptions making more points (counted before anything is allocated).
    source : str
        Where the description comes from, named in error messages.

    Raises
    ------
    ScannerError, ScanConfigurationError
        Unknown type, unknown key, wrong type, too many points, inconsistent values.
    """
    from daqcore.acquisition.config_schema import GridSpec, RandomSpec, SpreadSpec, TabularSpec

    checked = scanner_spec(spec, source)
    common: dict[str, Any] = {"labels": checked.labels, "units": checked.units}
    if isinstance(checked, GridSpec):
        check_point_count(count_grid_points(checked.axes), max_points, f"{source}: the ranges")
        return ScannerGrid(axes=[(a[0], a[1], a[2]) for a in checked.axes],
                           order=checked.order, seed=checked.seed, **common)
    if isinstance(checked, SpreadSpec):
        check_point_count(len(checked.points), max_points, f"{source}: the points")
        return ScannerSpread(points=checked.points, **common)
    if isinstance(checked, RandomSpec):
        check_point_count(checked.n_points, max_points, f"{source}: n_points")
        return ScannerSpread.random(checked.n_points, [(b[0], b[1]) for b in checked.bounds],
                                    seed=checked.seed, **common)
    if isinstance(checked, TabularSpec):
        import numpy as np

        table = read_table(checked.file) if checked.file is not None else None
        if table is None:
            try:
                table = np.array(checked.table, dtype=float)
            except ValueError as exc:  # rows of different lengths
                raise ScannerError(f"{source}: table rows must all have the same length: "
                                   f"{exc}") from None
        check_point_count(count_path_points(table, checked.step), max_points,
                          f"{source}: the table and step")
        return ScannerTabular(table=table, step=checked.step, **common)
    raise ScannerError(f"{source}: unknown scanner type {checked.type!r}")  # pragma: no cover


__all__ = [
    "DEFAULT_MAX_POINTS",
    "SCANNER_TYPES",
    "check_point_count",
    "count_grid_points",
    "count_path_points",
    "load_config",
    "load_toml",
    "read_table",
    "scanner_from_dict",
    "scanner_spec",
]
