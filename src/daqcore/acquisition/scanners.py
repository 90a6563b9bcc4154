"""Scanners: the positions a scan visits, as plain data.

A scanner knows nothing about instruments or files. It describes

* ``extended_shape``: the navigation shape of the saved arrays (``(nx,)``, ``(nx, ny)`` for a
  grid, ``(n_points,)`` for spread / tabular scans),
* ``positions``: an ``(n_steps, n_actuators)`` array of targets, **in visiting order**,
* ``indexes``: an ``(n_steps, len(extended_shape))`` integer array telling where each step is
  stored in the extended arrays,
* ``distribution``: :class:`~daqcore.data.DataDistribution` ``uniform`` (grids) or ``spread``
  (list of points: several navigation axes share index 0, told apart by ``spread_order``),
* :meth:`Scanner.get_nav_axes`: the navigation :class:`~daqcore.data.Axis` objects, named after
  the actuators and in their units, as PyMoDAQ's DAQ_Scan writes them in ``NavAxes``.

Iterating a scanner yields :class:`ScanStep` objects; the engine (:mod:`daqcore.acquisition.scan`)
drives instruments from them. Names follow PyMoDAQ's scanner families: ``Scan1D Linear``,
``Scan2D Linear`` / ``LinearBack&Forth`` (here ``order='snake'``), ``Random``, ``Tabular``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from daqcore.acquisition.errors import ScannerError
from daqcore.data import Axis, DataDistribution

GridOrder = Literal["normal", "snake", "random"]
_ORDERS = ("normal", "snake", "random")


@dataclass(frozen=True)
class ScanStep:
    """One step of a scan.

    Attributes
    ----------
    step : int
        Position of this step in the visiting order (0 .. n_steps-1).
    indexes : tuple of int
        Where the step is stored in the extended arrays (one index per extended dimension).
    positions : tuple of float
        Target of each actuator.
    """

    step: int
    indexes: tuple[int, ...]
    positions: tuple[float, ...]


def linear_values(start: float, stop: float, step: float) -> np.ndarray:
    """Values from ``start`` to ``stop`` (included when on the grid) every ``|step|``.

    The sign of ``step`` is taken from ``stop - start`` (as PyMoDAQ does), so ``step`` may be
    given positive for a decreasing scan.

    Raises
    ------
    ScannerError
        If ``step`` is zero or not finite, or ``start``/``stop`` are not finite.
    """
    start, stop, step = float(start), float(stop), float(step)
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise ScannerError(f"start/stop/step must be finite, got {start!r}, {stop!r}, {step!r}")
    if step == 0:
        raise ScannerError(f"step must be non-zero (start={start!r}, stop={stop!r})")
    span = stop - start
    n_intervals = math.floor(abs(span) / abs(step) * (1 + 1e-12) + 1e-9)
    signed = abs(step) if span >= 0 else -abs(step)
    return start + signed * np.arange(n_intervals + 1, dtype=float)


def _as_label_list(values: Sequence[str] | str | None, n: int, default: str) -> list[str]:
    if values is None:
        return [default.format(i) for i in range(n)]
    if isinstance(values, str):
        values = [values]
    values = [str(v) for v in values]
    if len(values) != n:
        raise ScannerError(f"expected {n} names/units (one per actuator), got {values!r}")
    return values


@dataclass(frozen=True)
class Scanner:
    """Base class: a fixed list of positions with their storage indexes.

    Subclasses compute ``positions``/``indexes`` in ``__post_init__``; everything else
    (iteration, nav axes, bounds) is shared.

    Attributes
    ----------
    labels : list of str
        One label per actuator (replaced by the actuator names when a scan uses the scanner
        and the labels were left at their defaults).
    units : list of str
        One unit per actuator.
    """

    labels: Sequence[str] | None = field(default=None, kw_only=True)
    units: Sequence[str] | str | None = field(default=None, kw_only=True)

    # computed by subclasses
    positions: np.ndarray = field(init=False, repr=False, compare=False)
    indexes: np.ndarray = field(init=False, repr=False, compare=False)
    extended_shape: tuple[int, ...] = field(init=False, compare=False)

    scan_type: str = field(init=False, default="Scan", repr=False, compare=False)
    scan_subtype: str = field(init=False, default="", repr=False, compare=False)

    # ---- helpers for subclasses -------------------------------------------------------
    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _finish(self, positions: np.ndarray, indexes: np.ndarray, shape: tuple[int, ...]):
        positions = np.ascontiguousarray(positions, dtype=float)
        indexes = np.ascontiguousarray(indexes, dtype=np.int64)
        if positions.ndim != 2 or positions.shape[0] == 0:
            raise ScannerError(f"a scanner needs at least one point, got shape {positions.shape}")
        if not np.all(np.isfinite(positions)):
            bad = int(np.argwhere(~np.isfinite(positions))[0, 0])
            raise ScannerError(f"position {bad} is not finite: {positions[bad].tolist()!r}")
        positions.setflags(write=False)
        indexes.setflags(write=False)
        self._set("positions", positions)
        self._set("indexes", indexes)
        self._set("extended_shape", tuple(int(s) for s in shape))
        n_act = positions.shape[1]
        self._set("labels", _as_label_list(self.labels, n_act, "act{}"))
        units = self.units
        if units is None:
            units = [""] * n_act
        elif isinstance(units, str):
            units = [units] * n_act
        self._set("units", _as_label_list(list(units), n_act, ""))

    # ---- public API -------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of points visited."""
        return int(self.positions.shape[0])

    @property
    def n_axes(self) -> int:
        """Number of actuators driven (columns of :attr:`positions`)."""
        return int(self.positions.shape[1])

    @property
    def distribution(self) -> DataDistribution:
        """``uniform`` for grids, ``spread`` for lists of points."""
        return DataDistribution.uniform

    def __len__(self) -> int:
        return self.n_steps

    def __iter__(self) -> Iterator[ScanStep]:
        positions = self.positions.tolist()
        indexes = self.indexes.tolist()
        for step, (pos, ind) in enumerate(zip(positions, indexes)):
            yield ScanStep(step, tuple(ind), tuple(pos))

    def bounds(self) -> list[tuple[float, float]]:
        """``(min, max)`` of the targets of each actuator."""
        return [
            (float(self.positions[:, i].min()), float(self.positions[:, i].max()))
            for i in range(self.n_axes)
        ]

    def axis_values(self) -> list[np.ndarray]:
        """Values of each navigation axis (grid axes, or the per-point positions if spread)."""
        return [self.positions[:, i].copy() for i in range(self.n_axes)]

    def get_nav_axes(
        self, labels: Sequence[str] | None = None, units: Sequence[str] | None = None
    ) -> list[Axis]:
        """Navigation axes for ``NavAxes`` (PyMoDAQ convention).

        Parameters
        ----------
        labels, units : sequence of str, optional
            Override :attr:`labels` / :attr:`units` (the scan engine passes the actuator names
            and units).
        """
        labels = list(self.labels if labels is None else labels)
        units = list(self.units if units is None else units)
        values = self.axis_values()
        if self.distribution is DataDistribution.spread:
            return [
                Axis(label=labels[i], units=units[i], data=values[i], index=0, spread_order=i)
                for i in range(self.n_axes)
            ]
        return [
            Axis(label=labels[i], units=units[i], data=values[i], index=i)
            for i in range(self.n_axes)
        ]

    def describe(self) -> str:
        """One line for reports: type, shape and number of points."""
        shape = "x".join(str(s) for s in self.extended_shape)
        return f"{self.scan_type} {self.scan_subtype} {shape} ({self.n_steps} points)".strip()


def _grid_order_indexes(shape: tuple[int, ...], order: str, seed: int | None) -> np.ndarray:
    """All index tuples of a grid in visiting order (last dimension fastest)."""
    if order not in _ORDERS:
        raise ScannerError(f"order must be one of {_ORDERS}, got {order!r}")
    grids = np.indices(shape).reshape(len(shape), -1).T.copy()
    if order == "snake" and len(shape) > 1:
        # Reverse a dimension's direction whenever the combined index of the slower
        # dimensions is odd (boustrophedon generalised to N dimensions).
        raster = grids.copy()
        for dim in range(1, len(shape)):
            # number of complete lines along `dim` visited before: odd -> go backwards
            slower = np.zeros(grids.shape[0], dtype=np.int64)
            for d in range(dim):
                slower = slower * shape[d] + raster[:, d]
            flip = (slower % 2) == 1
            grids[flip, dim] = shape[dim] - 1 - grids[flip, dim]
    elif order == "random":
        rng = np.random.default_rng(seed)
        grids = grids[rng.permutation(grids.shape[0])]
    return grids


@dataclass(frozen=True)
class ScannerGrid(Scanner):
    """A regular grid over N actuators (``Scan1D/2D/ND Linear``).

    Parameters
    ----------
    axes : sequence of (start, stop, step)
        One triple per actuator; the first is the slowest dimension.
    order : {'normal', 'snake', 'random'}
        Visiting order: raster, back-and-forth (``LinearBack&Forth``), or a random permutation
        of the grid points (``Random``). The storage layout is the same grid in every case.
    seed : int, optional
        Seed of the random order.
    """

    axes: Sequence[tuple[float, float, float]] = ()
    order: GridOrder = "normal"
    seed: int | None = None

    def __post_init__(self) -> None:
        if len(self.axes) == 0:
            raise ScannerError("a grid scanner needs at least one (start, stop, step) axis")
        values = []
        for i, spec in enumerate(self.axes):
            try:
                start, stop, step = spec
            except (TypeError, ValueError):
                raise ScannerError(
                    f"grid axis {i} must be (start, stop, step), got {spec!r}"
                ) from None
            values.append(linear_values(start, stop, step))
        self._set("axes", tuple(tuple(float(v) for v in spec) for spec in self.axes))
        self._set("_values", values)
        shape = tuple(len(v) for v in values)
        indexes = _grid_order_indexes(shape, self.order, self.seed)
        positions = np.column_stack([values[d][indexes[:, d]] for d in range(len(shape))])
        self._finish(positions, indexes, shape)
        self._set("scan_type", f"Scan{len(shape)}D" if len(shape) <= 2 else "ScanND")
        subtype = {"normal": "Linear", "snake": "LinearBack&Forth", "random": "Random"}
        self._set("scan_subtype", subtype[self.order])

    def axis_values(self) -> list[np.ndarray]:
        return [v.copy() for v in self._values]  # type: ignore[attr-defined]


def Scanner1DLinear(
    start: float,
    stop: float,
    step: float,
    *,
    order: GridOrder = "normal",
    seed: int | None = None,
    label: str | None = None,
    units: str | None = None,
) -> ScannerGrid:
    """A 1D linear scan of one actuator from ``start`` to ``stop`` every ``step``."""
    return ScannerGrid(
        axes=[(start, stop, step)],
        order=order,
        seed=seed,
        labels=None if label is None else [label],
        units=None if units is None else [units],
    )


def Scanner2DGrid(
    axis0: tuple[float, float, float],
    axis1: tuple[float, float, float],
    *,
    snake: bool = False,
    labels: Sequence[str] | None = None,
    units: Sequence[str] | str | None = None,
) -> ScannerGrid:
    """A 2D grid (``axis0`` slow, ``axis1`` fast), raster or back-and-forth (``snake``)."""
    return ScannerGrid(
        axes=[axis0, axis1], order="snake" if snake else "normal", labels=labels, units=units
    )


@dataclass(frozen=True)
class ScannerSpread(Scanner):
    """An arbitrary list of N-actuator points stored as spread data (``extended_shape=(n,)``).

    Parameters
    ----------
    points : array-like, shape (n_points, n_actuators) or (n_points,)
        The targets, visited in the given order.
    """

    points: Sequence[Sequence[float]] | np.ndarray = ()

    def __post_init__(self) -> None:
        pts = _points_array(self.points, "points")
        self._set("points", pts)
        n = pts.shape[0]
        self._finish(pts, np.arange(n)[:, None], (n,))
        self._set("scan_type", "Scan" + ("1D" if pts.shape[1] == 1 else "2D"))
        self._set("scan_subtype", "Spread")

    @property
    def distribution(self) -> DataDistribution:
        return DataDistribution.spread

    @classmethod
    def random(
        cls,
        n_points: int,
        bounds: Sequence[tuple[float, float]],
        *,
        seed: int | None = None,
        labels: Sequence[str] | None = None,
        units: Sequence[str] | str | None = None,
    ) -> ScannerSpread:
        """``n_points`` uniform random points inside ``bounds`` (one ``(lo, hi)`` per actuator)."""
        if int(n_points) < 1:
            raise ScannerError(f"n_points must be >= 1, got {n_points!r}")
        bounds = [tuple(map(float, b)) for b in bounds]
        if not bounds or any(len(b) != 2 or not b[0] <= b[1] for b in bounds):
            raise ScannerError(f"bounds must be (low, high) pairs with low <= high: {bounds!r}")
        rng = np.random.default_rng(seed)
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        pts = lo + (hi - lo) * rng.random((int(n_points), len(bounds)))
        return cls(points=pts, labels=labels, units=units)


def _points_array(points: object, what: str) -> np.ndarray:
    try:
        arr = np.array(points, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ScannerError(f"{what} must be numbers, got {points!r}: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ScannerError(f"{what} must be a non-empty (n_points, n_actuators) table, "
                           f"got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class ScannerTabular(Scanner):
    """Positions read from a table (PyMoDAQ ``Tabular``), optionally walked at a fixed step.

    The data are stored as spread data with ``extended_shape=(n_points,)``.

    Parameters
    ----------
    table : array-like, shape (n_rows, n_actuators)
        The vertices of the path.
    step : float, optional
        If given, the path is followed along straight segments between consecutive rows,
        one point every ``step`` (Euclidean distance in actuator space, the last vertex
        always included); if ``None`` only the table rows are visited.
    """

    table: Sequence[Sequence[float]] | np.ndarray = ()
    step: float | None = None

    def __post_init__(self) -> None:
        table = _points_array(self.table, "table")
        self._set("table", table)
        if self.step is None:
            pts = table
        else:
            step = float(self.step)
            if not math.isfinite(step) or step <= 0:
                raise ScannerError(f"tabular step must be a positive number, got {self.step!r}")
            pieces = []
            for a, b in itertools.pairwise(table):
                length = float(np.linalg.norm(b - a))
                # points at 0, step, 2 step... strictly before the next vertex
                n = max(math.ceil(length / step - 1e-9), 0)
                frac = np.arange(n) * step / length if length > 0 else np.zeros(0)
                pieces.append(a + frac[:, None] * (b - a))
            pieces.append(table[-1:])
            pts = np.concatenate(pieces, axis=0)
        self._finish(pts, np.arange(pts.shape[0])[:, None], (pts.shape[0],))
        self._set("scan_type", "Tabular")
        self._set("scan_subtype", "Linear" if self.step is None else "Curvilinear")

    @property
    def distribution(self) -> DataDistribution:
        return DataDistribution.spread

    @classmethod
    def from_file(cls, path: str, *, step: float | None = None, delimiter: str | None = None,
                  labels: Sequence[str] | None = None,
                  units: Sequence[str] | str | None = None) -> ScannerTabular:
        """Read the table from a text file (CSV or whitespace separated, ``#`` comments)."""
        if delimiter is None and str(path).lower().endswith(".csv"):
            delimiter = ","
        try:
            table = np.loadtxt(path, delimiter=delimiter, ndmin=2)
        except (OSError, ValueError) as exc:
            raise ScannerError(f"cannot read a position table from {path!r}: {exc}") from None
        return cls(table=table, step=step, labels=labels, units=units)


__all__ = [
    "ScanStep",
    "Scanner",
    "Scanner1DLinear",
    "Scanner2DGrid",
    "ScannerGrid",
    "ScannerSpread",
    "ScannerTabular",
    "linear_values",
]
