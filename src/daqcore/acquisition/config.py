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
allocated) and refused above ``max_points`` before any position is computed. Validation
imports neither numpy nor the data model, so a bad file is reported at once.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from daqcore.acquisition.errors import ScanConfigurationError, ScannerError
from daqcore.errors import DaqcoreError

if TYPE_CHECKING:
    import numpy as np

    from daqcore.acquisition.config_schema import ConfigFile, ScannerParams, TabularParams
    from daqcore.acquisition.scanners import Scanner

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


def _table_of(checked: TabularParams, source: str) -> np.ndarray:
    import numpy as np

    if checked.file is not None:
        return read_table(checked.file)
    try:
        return np.array(checked.table, dtype=float)
    except ValueError as exc:  # rows of different lengths
        raise ScannerError(f"{source}: table rows must all have the same length: "
                           f"{exc}") from None


def _planned_points(checked: ScannerParams) -> int | float:
    """Points a validated description makes, computed without building the scanner."""
    from daqcore.acquisition.config_schema import (
        GridParams,
        RandomParams,
        SpreadParams,
        TabularParams,
    )

    if isinstance(checked, GridParams):
        return count_grid_points(checked.axes)
    if isinstance(checked, SpreadParams):
        return len(checked.points)
    if isinstance(checked, RandomParams):
        return checked.n_points
    if isinstance(checked, TabularParams):
        return count_path_points(_table_of(checked, "scanner description"), checked.step)
    return 0


def _what(checked: ScannerParams) -> str:
    return {"grid": "the ranges", "spread": "the points", "random": "n_points",
            "tabular": "the table and step"}.get(checked.type, "the parameters")


#: HDF5 backends when this daqcore has no backend registry.
BUILTIN_SAVER_BACKENDS = ("h5py", "tables")


def check_saver_backend(name: str, where: str) -> str:
    """Check that ``name`` is an HDF5 backend known here (built-in or registered by a plugin
    through the backend registry); return it.

    Raises
    ------
    ScanConfigurationError
        Unknown backend, naming ``where`` it was given and the known backends.
    """
    import importlib

    backends = importlib.import_module("daqcore.saving.backends")
    available = getattr(backends, "available_backends", None)
    find = getattr(backends, "find_backend", None)
    key = name.strip().lower()
    if available is None or find is None:  # no backend registry: the built-in backends
        if key in BUILTIN_SAVER_BACKENDS:
            return key
        raise ScanConfigurationError(
            f"{where}: unknown HDF5 backend {name!r}; known backends: "
            f"{', '.join(BUILTIN_SAVER_BACKENDS)}")
    from daqcore.plugins import get_registry

    get_registry()  # backends registered by plugins are known once the plugins are loaded
    try:
        find(key)
    except DaqcoreError:
        known = ", ".join(available(importable_only=False))
        raise ScanConfigurationError(
            f"{where}: unknown HDF5 backend {name!r}; known backends: {known}") from None
    return key


def registered_scanners() -> dict[str, Any]:
    """Scanners registered by plugins through the scanner registry, by name (empty when this
    daqcore has no scanner registry). The built-in types of the schema are used first."""
    try:
        from daqcore.acquisition.scanner_registry import available_scanners
    except ImportError:
        return {}
    return dict(available_scanners())


def known_scanner_types() -> list[str]:
    """Every scanner type a description may name: the schema's, then the registered ones."""
    from daqcore.acquisition.config_schema import SCANNER_PARAMS

    return [*SCANNER_PARAMS, *(n for n in registered_scanners() if n not in SCANNER_PARAMS)]


def describe_scanners() -> list[str]:
    """One line per known scanner type: name, its parameters (``*`` required) and summary."""
    from daqcore.acquisition.config_schema import SCANNER_PARAMS, ScannerParams

    registered = registered_scanners()
    common = set(ScannerParams.model_fields)
    lines = []
    for name in known_scanner_types():
        spec = registered.get(name)
        if spec is not None:
            params = [f"{p.name}{'*' if p.required else ''}"
                      for p in getattr(spec, "parameters", {}).values()]
            summary = str(getattr(spec, "summary", ""))
            plugin = str(getattr(spec, "plugin", ""))
            if plugin and not plugin.startswith("daqcore"):
                summary += f" [plugin {plugin}]"
        else:
            model = SCANNER_PARAMS[name]
            params = [f"{key}{'*' if field.is_required() else ''}"
                      for key, field in model.model_fields.items() if key not in common]
            summary = (model.__doc__ or "").strip().splitlines()[0]
        lines.append(f"{name}: {', '.join(params) or '-'}  {summary}".rstrip())
    return lines


def _unknown_type(kind: object, source: str) -> ScannerError:
    return ScannerError(f"{source}: unknown scanner type {kind!r}; known: "
                        f"{', '.join(known_scanner_types())}")


def _registered_scanner(kind: str, spec: Mapping[str, Any], max_points: int,
                        source: str) -> Scanner:
    """Build a scanner of a type the schema does not know through the scanner registry."""
    registered = registered_scanners()
    if kind not in registered:
        raise _unknown_type(kind, source)
    params = {key: value for key, value in spec.items() if key != "type"}
    try:
        scanner: Scanner = registered[kind].create(params)
    except (ScanConfigurationError, ScannerError) as exc:
        raise type(exc)(f"{source}: {exc}") from exc
    except (TypeError, ValueError) as exc:  # a plugin's factory refusing its values
        raise ScannerError(f"{source}: scanner {kind!r} refused {params!r}: {exc}") from exc
    check_point_count(scanner.n_steps, max_points, f"{source}: scanner {kind!r} would")
    return scanner


def scanner_params(spec: Mapping[str, Any], source: str = "scanner description",
                   prefix: Sequence[str] = ("scan", "scanner")) -> ScannerParams:
    """Validate a ``[scan.scanner]``-like mapping against the schema of its ``type``.

    ``prefix`` is where the parameters are in the file (``("scanner",)`` for the
    ``[scanner]`` table of ``[scan] scanner = "NAME"``), for the key names of errors.
    """
    from daqcore.acquisition.config_schema import SCANNER_PARAMS, validate

    kind = spec.get("type", "grid")
    if not isinstance(kind, str) or kind.lower() not in SCANNER_PARAMS:
        raise _unknown_type(kind, source)
    data = {**spec, "type": kind.lower()}
    return validate(SCANNER_PARAMS[kind.lower()], data, source, prefix=tuple(prefix),
                    error=ScannerError)


def scanner_from_dict(spec: Mapping[str, Any], *, max_points: int = DEFAULT_MAX_POINTS,
                      source: str = "scanner description",
                      prefix: Sequence[str] = ("scan", "scanner")) -> Scanner:
    """Build a scanner from a ``[scan.scanner]``-like mapping (see module docstring).

    Parameters
    ----------
    spec : mapping
        The scanner description.
    max_points : int
        Refuse descriptions making more points (counted before anything is allocated).
    source : str
        Where the description comes from, named in error messages.
    prefix : sequence of str
        Where its keys are in the file, for the key names of errors.

    Raises
    ------
    ScannerError, ScanConfigurationError
        Unknown type, unknown key, wrong type, too many points, inconsistent values.

    Notes
    -----
    The types of the schema (``grid``, ``spread``, ``random``, ``tabular``) are checked key by
    key and counted before anything is built; any other type is looked up in the scanner
    registry (scanners of plugins, ``daqcore_scanners`` hook) and built by it, then counted.
    """
    from daqcore.acquisition.config_schema import (
        SCANNER_PARAMS,
        GridParams,
        RandomParams,
        SpreadParams,
        TabularParams,
    )

    kind = spec.get("type", "grid")
    if isinstance(kind, str) and kind.strip().lower() not in SCANNER_PARAMS:
        return _registered_scanner(kind.strip().lower(), spec, max_points, source)
    checked = scanner_params(spec, source, prefix)
    check_point_count(_planned_points(checked), max_points, f"{source}: {_what(checked)}")
    # the scanners (numpy, the data model) are imported once the description is known valid
    from daqcore.acquisition.scanners import ScannerGrid, ScannerSpread, ScannerTabular

    common: dict[str, Any] = {"labels": checked.labels, "units": checked.units}
    if isinstance(checked, GridParams):
        return ScannerGrid(axes=[(a[0], a[1], a[2]) for a in checked.axes],
                           order=checked.order, seed=checked.seed, **common)
    if isinstance(checked, SpreadParams):
        return ScannerSpread(points=checked.points, **common)
    if isinstance(checked, RandomParams):
        return ScannerSpread.random(checked.n_points, [(b[0], b[1]) for b in checked.bounds],
                                    seed=checked.seed, **common)
    if isinstance(checked, TabularParams):
        return ScannerTabular(table=_table_of(checked, source), step=checked.step, **common)
    raise ScannerError(f"{source}: unknown scanner type {checked.type!r}")  # pragma: no cover


__all__ = [
    "BUILTIN_SAVER_BACKENDS",
    "DEFAULT_MAX_POINTS",
    "SCANNER_TYPES",
    "check_point_count",
    "check_saver_backend",
    "count_grid_points",
    "count_path_points",
    "describe_scanners",
    "known_scanner_types",
    "load_config",
    "load_toml",
    "read_table",
    "registered_scanners",
    "scanner_from_dict",
    "scanner_params",
]
