"""Scanners: the positions a scan visits, as plain data iterated lazily.

A scanner knows nothing about instruments or files. It describes

* ``extended_shape``: the navigation shape of the saved arrays (``(nx,)``, ``(nx, ny)`` for a
  grid, ``(n_points,)`` for spread / tabular / adaptive scans),
* its steps, produced **lazily** by iteration (:class:`ScanStep`: visiting order, storage
  indexes, actuator targets) -- iterating costs O(1) memory per planned point, so a
  2000 x 2000 grid starts at once,
* :meth:`Scanner.bounds`: ``(min, max)`` of each actuator's targets, computed from the axis
  ranges (no point list is built),
* ``distribution``: :class:`~daqcore.data.DataDistribution` ``uniform`` (grids) or ``spread``
  (list of points: several navigation axes share index 0, told apart by ``spread_order``),
* :meth:`Scanner.get_nav_axes`: the navigation :class:`~daqcore.data.Axis` objects, named after
  the actuators and in their units, as PyMoDAQ's DAQ_Scan writes them in ``NavAxes``,
* :meth:`Scanner.tell`: the measured point, given back by the engine after each step. Fixed
  scanners ignore it; an adaptive scanner (:mod:`daqcore.acquisition.adaptive`) chooses its
  next point from it.

``positions`` and ``indexes`` (whole ``(n_steps, n)`` arrays) remain available for small
scans and tests; they build every point, so the engine never uses them. Names follow PyMoDAQ's
scanner families: ``Scan1D Linear``, ``Scan2D Linear`` / ``LinearBack&Forth`` (here
``order='snake'``), ``Random``, ``Tabular``. New scanners are registered through the
``daqcore_register_scanners`` hook (see :mod:`daqcore.acquisition.scanner_registry`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from daqcore.acquisition.errors import ScannerError
from daqcore.data import Axis, DataDistribution

GridOrder = Literal["normal", "snake", "random"]
_ORDERS = ("normal", "snake", "random")
#: Steps computed at once by the lazy iteration (bounded memory, numpy speed).
CHUNK_STEPS = 4096


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


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Scanner:
    """Base class: lazily iterated steps with their storage indexes.

    Subclasses call :meth:`_finish` in ``__post_init__`` and implement :meth:`_chunk`
    (the positions and indexes of steps ``start`` to ``stop``), :meth:`bounds` and
    :meth:`axis_values`. Adaptive scanners override ``__iter__`` and :meth:`tell`.

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

    extended_shape: tuple[int, ...] = field(init=False, compare=False, default=())
    scan_type: str = field(init=False, default="Scan", repr=False, compare=False)
    scan_subtype: str = field(init=False, default="", repr=False, compare=False)
    _n_steps: int = field(init=False, default=0, repr=False, compare=False)
    _n_axes: int = field(init=False, default=0, repr=False, compare=False)

    #: True when the next point depends on the data measured (see :meth:`tell`).
    adaptive = False

    # ---- helpers for subclasses -------------------------------------------------------
    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _finish(self, n_steps: int, n_axes: int, shape: tuple[int, ...]) -> None:
        if n_steps < 1 or n_axes < 1:
            raise ScannerError(f"a scanner needs at least one point and one actuator, got "
                               f"{n_steps} point(s) for {n_axes} actuator(s)")
        self._set("_n_steps", int(n_steps))
        self._set("_n_axes", int(n_axes))
        self._set("extended_shape", tuple(int(s) for s in shape))
        self._set("labels", _as_label_list(self.labels, n_axes, "act{}"))
        units = self.units
        if units is None:
            units = [""] * n_axes
        elif isinstance(units, str):
            units = [units] * n_axes
        self._set("units", _as_label_list(list(units), n_axes, ""))

    def _chunk(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, indexes)`` of steps ``start`` to ``stop`` (float / int64 arrays)."""
        raise NotImplementedError

    # ---- public API -------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of points visited (the budget, for an adaptive scanner)."""
        return self._n_steps

    @property
    def n_axes(self) -> int:
        """Number of actuators driven."""
        return self._n_axes

    @property
    def distribution(self) -> DataDistribution:
        """``uniform`` for grids, ``spread`` for lists of points."""
        return DataDistribution.uniform

    @property
    def positions_known(self) -> bool:
        """True when every position is known before the scan (False: adaptive scanners,
        whose navigation axes are filled point by point)."""
        return not self.adaptive

    def __len__(self) -> int:
        return self.n_steps

    def iter_chunks(self, chunk: int = CHUNK_STEPS) -> Iterator[tuple[int, np.ndarray,
                                                                       np.ndarray]]:
        """``(first_step, positions, indexes)`` blocks of at most ``chunk`` steps, in order."""
        if self.adaptive:
            raise ScannerError(f"{type(self).__name__} is adaptive: its points depend on the "
                               "data and cannot be listed in advance")
        for start in range(0, self.n_steps, chunk):
            positions, indexes = self._chunk(start, min(start + chunk, self.n_steps))
            yield start, positions, indexes

    def __iter__(self) -> Iterator[ScanStep]:
        for start, positions, indexes in self.iter_chunks():
            for k, (pos, ind) in enumerate(zip(positions.tolist(), indexes.tolist())):
                yield ScanStep(start + k, tuple(ind), tuple(pos))

    def tell(self, point: Any) -> None:
        """Receive the measured point of the last step (a
        :class:`~daqcore.data.records.PointRecord`). Fixed scanners ignore it."""

    @property
    def positions(self) -> np.ndarray:
        """All targets, ``(n_steps, n_axes)`` in visiting order (builds every point: for small
        scans and tests; the engine iterates instead)."""
        return _read_only(np.concatenate([p for _, p, _ in self.iter_chunks()]))

    @property
    def indexes(self) -> np.ndarray:
        """All storage indexes, ``(n_steps, len(extended_shape))`` (builds every point)."""
        return _read_only(np.concatenate([i for _, _, i in self.iter_chunks()]))

    def bounds(self) -> list[tuple[float, float]]:
        """``(min, max)`` of the targets of each actuator."""
        raise NotImplementedError

    def axis_values(self) -> list[np.ndarray]:
        """Values of each navigation axis (grid axes, or the per-point positions if spread)."""
        raise NotImplementedError

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
        labels = list(self.labels if labels is None else labels)  # type: ignore[arg-type]
        units = list(self.units if units is None else units)  # type: ignore[arg-type]
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


def _snake(raster: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Boustrophedon generalised to N dimensions: reverse a dimension whenever the combined
    index of the slower dimensions is odd."""
    out = raster.copy()
    for dim in range(1, len(shape)):
        slower = np.zeros(raster.shape[0], dtype=np.int64)
        for d in range(dim):
            slower = slower * shape[d] + raster[:, d]
        flip = (slower % 2) == 1
        out[flip, dim] = shape[dim] - 1 - out[flip, dim]
    return out


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

    Notes
    -----
    Raster and snake orders are computed from the step number; the random order keeps one
    permutation (4 bytes per point, made on the first iteration).
    """

    axes: Sequence[tuple[float, float, float]] = ()
    order: GridOrder = "normal"
    seed: int | None = None

    def __post_init__(self) -> None:
        if len(self.axes) == 0:
            raise ScannerError("a grid scanner needs at least one (start, stop, step) axis")
        if self.order not in _ORDERS:
            raise ScannerError(f"order must be one of {_ORDERS}, got {self.order!r}")
        values = []
        for i, spec in enumerate(self.axes):
            try:
                start, stop, step = spec
            except (TypeError, ValueError):
                raise ScannerError(
                    f"grid axis {i} must be (start, stop, step), got {spec!r}"
                ) from None
            values.append(_read_only(linear_values(start, stop, step)))
        self._set("axes", tuple(tuple(float(v) for v in spec) for spec in self.axes))
        self._set("_values", values)
        self._set("_permutation", None)
        shape = tuple(len(v) for v in values)
        self._finish(math.prod(shape), len(shape), shape)
        self._set("scan_type", f"Scan{len(shape)}D" if len(shape) <= 2 else "ScanND")
        subtype = {"normal": "Linear", "snake": "LinearBack&Forth", "random": "Random"}
        self._set("scan_subtype", subtype[self.order])

    def _order(self, start: int, stop: int) -> np.ndarray:
        if self.order != "random":
            return np.arange(start, stop, dtype=np.int64)
        perm = self.__dict__["_permutation"]
        if perm is None:
            rng = np.random.default_rng(self.seed)
            perm = rng.permutation(self.n_steps)
            if self.n_steps < 2**31:
                perm = perm.astype(np.int32)
            self._set("_permutation", perm)
        return perm[start:stop].astype(np.int64)

    def _chunk(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        shape = self.extended_shape
        flat = self._order(start, stop)
        indexes = np.stack(np.unravel_index(flat, shape), axis=1).astype(np.int64)
        if self.order == "snake" and len(shape) > 1:
            indexes = _snake(indexes, shape)
        values = self.__dict__["_values"]
        positions = np.stack([values[d][indexes[:, d]] for d in range(len(shape))], axis=1)
        return positions, indexes

    def bounds(self) -> list[tuple[float, float]]:
        return [(float(v.min()), float(v.max())) for v in self.__dict__["_values"]]

    def axis_values(self) -> list[np.ndarray]:
        return [v.copy() for v in self.__dict__["_values"]]


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
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        raise ScannerError(f"{what} row {bad} is not finite: {arr[bad].tolist()!r}")
    return _read_only(arr)


def _spread_index(start: int, stop: int) -> np.ndarray:
    return np.arange(start, stop, dtype=np.int64)[:, None]


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
        self._finish(pts.shape[0], pts.shape[1], (pts.shape[0],))
        self._set("scan_type", "Scan" + ("1D" if pts.shape[1] == 1 else "2D"))
        self._set("scan_subtype", "Spread")

    @property
    def distribution(self) -> DataDistribution:
        return DataDistribution.spread

    def _chunk(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.points)[start:stop], _spread_index(start, stop)

    def bounds(self) -> list[tuple[float, float]]:
        pts = np.asarray(self.points)
        return list(zip(pts.min(axis=0).tolist(), pts.max(axis=0).tolist()))

    def axis_values(self) -> list[np.ndarray]:
        pts = np.asarray(self.points)
        return [pts[:, i].copy() for i in range(self.n_axes)]

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
        pairs = [tuple(map(float, b)) for b in bounds]
        if not pairs or any(len(b) != 2 or not b[0] <= b[1] for b in pairs):
            raise ScannerError(f"bounds must be (low, high) pairs with low <= high: {pairs!r}")
        rng = np.random.default_rng(seed)
        lo = np.array([b[0] for b in pairs])
        hi = np.array([b[1] for b in pairs])
        pts = lo + (hi - lo) * rng.random((int(n_points), len(pairs)))
        return cls(points=pts, labels=labels, units=units)


@dataclass(frozen=True)
class ScannerTabular(Scanner):
    """Positions read from a table (PyMoDAQ ``Tabular``), optionally walked at a fixed step.

    The data are stored as spread data, with one extended dimension of ``n_points``.

    Parameters
    ----------
    table : array-like, shape (n_rows, n_actuators)
        The vertices of the path.
    step : float, optional
        If given, the path is followed along straight segments between consecutive rows,
        one point every ``step`` (Euclidean distance in actuator space, the last vertex
        always included); if ``None`` only the table rows are visited. The walked points
        are computed segment by segment as the scan goes.
    """

    table: Sequence[Sequence[float]] | np.ndarray = ()
    step: float | None = None

    def __post_init__(self) -> None:
        table = _points_array(self.table, "table")
        self._set("table", table)
        if self.step is None:
            counts = np.zeros(0, dtype=np.int64)
            n = table.shape[0]
        else:
            step = float(self.step)
            if not math.isfinite(step) or step <= 0:
                raise ScannerError(f"tabular step must be a positive number, got {self.step!r}")
            lengths = np.linalg.norm(np.diff(table, axis=0), axis=1)
            # points at 0, step, 2 step... strictly before the next vertex, then the last one
            counts = np.maximum(np.ceil(lengths / step - 1e-9), 0).astype(np.int64)
            n = int(counts.sum()) + 1
        self._set("_counts", counts)
        self._set("_offsets", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
        self._finish(n, table.shape[1], (n,))
        self._set("scan_type", "Tabular")
        self._set("scan_subtype", "Linear" if self.step is None else "Curvilinear")

    @property
    def distribution(self) -> DataDistribution:
        return DataDistribution.spread

    def _chunk(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        table = np.asarray(self.table)
        if self.step is None:
            return table[start:stop], _spread_index(start, stop)
        offsets = self.__dict__["_offsets"]
        steps = np.arange(start, stop, dtype=np.int64)
        seg = np.clip(np.searchsorted(offsets, steps, side="right") - 1, 0, len(table) - 1)
        last = seg >= len(table) - 1  # the final vertex
        seg_c = np.minimum(seg, len(table) - 2) if len(table) > 1 else seg
        a = table[seg_c]
        b = table[np.minimum(seg_c + 1, len(table) - 1)]
        lengths = np.linalg.norm(b - a, axis=1)
        along = (steps - offsets[seg_c]) * float(self.step)
        frac = np.divide(along, lengths, out=np.zeros_like(along, dtype=float),
                         where=lengths > 0)
        positions = a + frac[:, None] * (b - a)
        positions[last] = table[-1]
        return positions, _spread_index(start, stop)

    def bounds(self) -> list[tuple[float, float]]:
        # straight segments stay within their vertices, and every vertex is visited
        table = np.asarray(self.table)
        return list(zip(table.min(axis=0).tolist(), table.max(axis=0).tolist()))

    def axis_values(self) -> list[np.ndarray]:
        pts = self.positions
        return [pts[:, i].copy() for i in range(self.n_axes)]

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
    "CHUNK_STEPS",
    "ScanStep",
    "Scanner",
    "Scanner1DLinear",
    "Scanner2DGrid",
    "ScannerGrid",
    "ScannerSpread",
    "ScannerTabular",
    "linear_values",
]
