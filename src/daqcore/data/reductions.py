"""Axis-aware reductions of DataWithAxes: ``mean``, ``sum``, ``max``, ``min``, ``std``, ...

``axis`` is a data dimension index (or a tuple of them, or None for all). The reduced
dimensions disappear with their axes; ``nav_indexes`` and the remaining axes are re-indexed.
Reducing every dimension gives 0D data of shape ``(1,)``. The same reductions are reachable as
``np.mean(dwa, axis=...)`` etc. through ``__array_function__``.

Error propagation (uncorrelated points, standard deviations ``s``):

* ``sum``: ``sqrt(sum(s²))``
* ``mean``: ``sqrt(sum(s²)) / N`` (N points averaged)
* ``max`` / ``min``: the error of the selected point
* ``std``, ``argmax``, ``argmin``, ``all``, ``any``: no errors (a statistic of the values)
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.enums import DataSource
from daqcore.data.errors import DataIndexError, DataShapeError
from daqcore.data.lazy import as_array

if TYPE_CHECKING:
    from daqcore.data.data import DataWithAxes


def _normalize_axis(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple | list) else (axis,)
    result = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise DataIndexError(f"axis must be an int, a tuple of ints or None, got {axis!r}")
        position = int(item)
        if not -ndim <= position < ndim:
            raise DataIndexError(f"axis {position} out of range for data with {ndim} "
                                 f"dimensions")
        result.append(position % ndim)
    if len(set(result)) != len(result):
        raise DataIndexError(f"axis {axis!r} repeats a dimension")
    return tuple(sorted(result))


def _take_at_extremum(values: np.ndarray, errors: np.ndarray, axes: tuple[int, ...],
                      pick: Any) -> np.ndarray:
    """Errors at the position of the max/min of ``values`` over ``axes``."""
    moved = np.moveaxis(values, axes, range(-len(axes), 0))
    moved_err = np.moveaxis(errors, axes, range(-len(axes), 0))
    flat_shape = (*moved.shape[: moved.ndim - len(axes)], -1)
    flat = moved.reshape(flat_shape)
    flat_err = moved_err.reshape(flat_shape)
    index = pick(flat, axis=-1)[..., np.newaxis]
    return np.take_along_axis(flat_err, index, axis=-1)[..., 0]


class ReductionMixin:
    """Reduction methods and ``__array_function__`` for DataWithAxes."""

    def _reduce(self, function: Any, axis: Any, errors_rule: str, **kwargs: Any) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        axes = _normalize_axis(axis, len(dwa.shape))
        data = [as_array(function(array, axis=axes, **kwargs)) for array in dwa.data]
        errors = None
        if dwa.errors is not None and errors_rule != "none":
            errors = []
            count = int(np.prod([dwa.shape[i] for i in axes]))
            for array, sigma in zip(dwa.data, dwa.errors):
                if errors_rule == "sum":
                    errors.append(np.sqrt(np.sum(np.square(sigma), axis=axes)))
                elif errors_rule == "mean":
                    errors.append(np.sqrt(np.sum(np.square(sigma), axis=axes)) / count)
                elif errors_rule in ("max", "min"):
                    pick = np.nanargmax if errors_rule == "max" else np.nanargmin
                    errors.append(_take_at_extremum(array, np.asarray(sigma), axes, pick))
        if data[0].ndim == 0:
            data = [array.reshape(1) for array in data]
            errors = None if errors is None else [as_array(e).reshape(1) for e in errors]
        new = dwa.deepcopy_with_new_data(data, remove_axes_index=list(axes),
                                         source=DataSource.calculated, errors=errors)
        return new

    def mean(self, axis: Any = None) -> DataWithAxes:
        """Mean over ``axis`` (data dimension(s); all if None); errors: sqrt(Σs²)/N."""
        return self._reduce(np.mean, axis, "mean")

    def sum(self, axis: Any = None) -> DataWithAxes:
        """Sum over ``axis``; errors: sqrt(Σs²)."""
        return self._reduce(np.sum, axis, "sum")

    def max(self, axis: Any = None) -> DataWithAxes:
        """Maximum over ``axis``; errors: those of the maximal points."""
        return self._reduce(np.max, axis, "max")

    def min(self, axis: Any = None) -> DataWithAxes:
        """Minimum over ``axis``; errors: those of the minimal points."""
        return self._reduce(np.min, axis, "min")

    def std(self, axis: Any = None, ddof: int = 0) -> DataWithAxes:
        """Standard deviation of the values over ``axis`` (no errors)."""
        return self._reduce(np.std, axis, "none", ddof=ddof)

    def argmax(self, axis: Any = None) -> DataWithAxes:
        """Flat index (within the reduced dimensions) of the maximum; dimensionless."""
        return self._reduce_arg(np.argmax, axis)

    def argmin(self, axis: Any = None) -> DataWithAxes:
        """Flat index (within the reduced dimensions) of the minimum; dimensionless."""
        return self._reduce_arg(np.argmin, axis)

    def _reduce_arg(self, function: Any, axis: Any) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        axes = _normalize_axis(axis, len(dwa.shape))

        def flat_arg(array: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
            moved = np.moveaxis(array, axis, range(-len(axis), 0))
            return function(moved.reshape((*moved.shape[: moved.ndim - len(axis)], -1)),
                            axis=-1)

        new = self._reduce(flat_arg, axes, "none")
        new.force_units("")
        return new

    def all(self, axis: Any = None) -> DataWithAxes:
        """Logical AND over ``axis``."""
        return self._reduce(np.all, axis, "none")

    def any(self, axis: Any = None) -> DataWithAxes:
        """Logical OR over ``axis``."""
        return self._reduce(np.any, axis, "none")

    def transpose(self) -> DataWithAxes:
        """Reverse the dimensions of the signal part (2D images: swap x and y)."""
        dwa: DataWithAxes = self  # type: ignore[assignment]
        ndim = len(dwa.shape)
        order = list(range(ndim))
        sig = list(dwa.sig_indexes)
        for position, index in zip(sig, reversed(sig)):
            order[position] = index
        data = [np.transpose(array, order) for array in dwa.data]
        errors = None if dwa.errors is None else [np.transpose(e, order) for e in dwa.errors]
        axes = dwa._copy_axes()
        inverse = {old: new for new, old in enumerate(order)}
        for axis in axes:
            axis.index = inverse[axis.index]
        return type(dwa)._new_unchecked(dwa, data, errors, axes, dwa.nav_indexes,
                                        source=DataSource.calculated)

    def _flip(self, dimension: int) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        if dimension >= len(dwa.shape):
            raise DataShapeError(f"cannot flip dimension {dimension} of shape {dwa.shape}")
        data = [np.flip(array, dimension) for array in dwa.data]
        errors = None if dwa.errors is None else [np.flip(e, dimension) for e in dwa.errors]
        axes = dwa._copy_axes()
        for axis in axes:
            if axis.index == dimension:
                axis.flip()
        return type(dwa)._new_unchecked(dwa, data, errors, axes, dwa.nav_indexes,
                                        source=DataSource.calculated)

    def flipud(self) -> DataWithAxes:
        """Reverse dimension 0 (and its axes)."""
        return self._flip(0)

    def fliplr(self) -> DataWithAxes:
        """Reverse dimension 1 (and its axes)."""
        return self._flip(1)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = _HANDLED.get(func)
        if handler is None:
            return NotImplemented
        return handler(*args, **kwargs)


def _method(name: str) -> Any:
    """``np.<function>(dwa, axis, ...)`` -> ``dwa.<name>(axis, ...)``."""

    def call(dwa: Any, axis: Any = None, **kwargs: Any) -> Any:
        if kwargs.pop("keepdims", False):
            raise DataShapeError("keepdims=True is not supported on DataWithAxes reductions")
        return getattr(dwa, name)(axis, **kwargs)

    return call


def _allclose(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8,
              equal_nan: bool = False) -> bool:
    from daqcore.data.data import DataBase
    from daqcore.data.units import convert_values

    if isinstance(a, DataBase) and isinstance(b, DataBase):
        if len(a) != len(b):
            return False
        return all(np.allclose(x, convert_values(y, b.units, a.units), rtol=rtol, atol=atol,
                               equal_nan=equal_nan) for x, y in zip(a.data, b.data))
    dwa, other = (a, b) if isinstance(a, DataBase) else (b, a)
    return all(np.allclose(x, other, rtol=rtol, atol=atol, equal_nan=equal_nan)
               for x in dwa.data)


_HANDLED: dict[Any, Any] = {
    np.mean: _method("mean"),
    np.sum: _method("sum"),
    np.max: _method("max"),
    np.amax: _method("max"),
    np.min: _method("min"),
    np.amin: _method("min"),
    np.std: _method("std"),
    np.argmax: lambda dwa, axis=None: dwa.argmax(axis),
    np.argmin: lambda dwa, axis=None: dwa.argmin(axis),
    np.all: lambda dwa, axis=None: dwa.all(axis),
    np.any: lambda dwa, axis=None: dwa.any(axis),
    np.real: lambda dwa: dwa.real(),
    np.imag: lambda dwa: dwa.imag(),
    np.angle: lambda dwa, deg=False: dwa.angle() if not deg else dwa.angle().units_as("deg"),
    np.transpose: lambda dwa, axes=None: dwa.transpose(),
    np.flipud: lambda dwa: dwa.flipud(),
    np.fliplr: lambda dwa: dwa.fliplr(),
    np.allclose: _allclose,
}

__all__ = ["ReductionMixin"]
