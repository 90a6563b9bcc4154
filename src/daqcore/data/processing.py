"""Processing helpers of DataWithAxes (PyMoDAQ names): averaging, sorting, interpolation,
padding, rotation, Fourier transforms, moments, and (with scipy, the ``processing`` extra)
curve fitting and peak finding.

Each returns a new object (``source = calculated``) unless stated otherwise; the caller's arrays
are never modified. Errors are propagated where the operation is linear in the data (average,
sort, interpolation, padding, rotation) and dropped otherwise (Fourier transforms, moments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.axis import Axis
from daqcore.data.enums import DataDim, DataDistribution, DataSource
from daqcore.data.errors import (
    DataAxisError,
    DataDimError,
    DataIndexError,
    DataShapeError,
    OptionalDependencyError,
)
from daqcore.data.units import format_units, get_unit

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from daqcore.data.data import DataWithAxes
    from daqcore.data.export import DataToExport
    from daqcore.data.kinds import DataCalculated


def _import_scipy(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(f"scipy.{module}")
    except ImportError:
        raise OptionalDependencyError(
            f"this needs scipy (scipy.{module}): pip install 'daqcore[processing]'") from None


class ProcessingMixin:
    """Processing methods for DataWithAxes (see the module docstring)."""

    def average(self, other: DataWithAxes, weight: float) -> DataWithAxes:
        """Running average ``(other * weight + self) / (weight + 1)``.

        ``other`` is the average of ``weight`` previous acquisitions and ``self`` the new one;
        errors propagate as for the operators (uncorrelated).

        Raises
        ------
        DataShapeError
            If ``other`` has another number of channels or shape.
        """
        dwa: DataWithAxes = self  # type: ignore[assignment]
        if len(other) != len(dwa) or other.shape != dwa.shape:
            raise DataShapeError(f"cannot average {dwa.name!r} {dwa.shape} x{len(dwa)} with "
                                 f"{other.name!r} {other.shape} x{len(other)}")
        result = (other * weight + dwa) / (weight + 1)
        result.name = dwa.name
        return result

    def sort_data(self, axis_index: int = 0, spread_index: int = 0,
                  inplace: bool = False) -> DataWithAxes:
        """Reorder dimension ``axis_index`` by increasing values of its axis.

        For a spread dimension, the axis with ``spread_order == spread_index`` decides. Data,
        errors and every axis of that dimension are reordered. Without such an axis (or such
        a dimension) the data are returned unchanged (a copy unless ``inplace``), as PyMoDAQ.
        """
        dwa: DataWithAxes = self  # type: ignore[assignment]
        axes = dwa._axes_of(axis_index)
        key_axis = next((a for a in axes if a.spread_order == spread_index), None) \
            if len(axes) > 1 else (axes[0] if axes else None)
        if key_axis is None:
            return dwa if inplace else dwa.deepcopy()
        order = np.argsort(key_axis.data, kind="stable")
        data = [np.take(array, order, axis=axis_index) for array in dwa.data]
        errors = None if dwa.errors is None else \
            [np.take(array, order, axis=axis_index) for array in dwa.errors]
        new_axes = [axis._take(order) if axis.index == axis_index else axis.copy()
                    for axis in dwa.axes]
        if inplace:
            dwa._data, dwa._errors, dwa._axes = data, errors, new_axes
            return dwa
        return type(dwa)._new_unchecked(dwa, data, errors, new_axes, dwa.nav_indexes)

    def interp(self, new_axis_data: Axis | np.ndarray, **kwargs: Any) -> DataCalculated:
        """Linear interpolation of 1D data on new axis values (``numpy.interp``).

        Errors are interpolated as those of a linear combination of the two neighbours:
        ``s = sqrt((1-t)²·s0² + t²·s1²)``.

        Raises
        ------
        DataShapeError
            If the data are not 1D or have no axis.
        """
        from daqcore.data.kinds import DataCalculated

        dwa: DataWithAxes = self  # type: ignore[assignment]
        if dwa.dim is not DataDim.Data1D or not dwa._axes_of(0):
            raise DataShapeError(f"interp needs 1D data with an axis; {dwa.name!r} is "
                                 f"{dwa.dim.name} {dwa.get_data_dimension()}")
        old_axis = dwa._axes_of(0)[0]
        if not isinstance(new_axis_data, Axis):
            new_axis_data = Axis(old_axis.label, old_axis.units, np.asarray(new_axis_data))
        new_axis = new_axis_data.copy()
        new_axis.index = 0
        x_old, x_new = old_axis.data, new_axis.data
        if np.any(np.diff(x_old) < 0):
            raise DataAxisError("interp needs an increasing axis; sort_data() first")
        data = [np.interp(x_new, x_old, array, **kwargs) for array in dwa.data]
        errors = None
        if dwa.errors is not None:
            right = np.clip(np.searchsorted(x_old, x_new, side="right"), 1, len(x_old) - 1)
            left = right - 1
            span = x_old[right] - x_old[left]
            t = np.clip(np.where(span != 0, (x_new - x_old[left]) / np.where(span != 0, span, 1),
                                 0.0), 0.0, 1.0)
            errors = [np.hypot((1 - t) * sigma[left], t * sigma[right]) for sigma in dwa.errors]
        return DataCalculated(f"{dwa.name}_interp", data=data, errors=errors, axes=[new_axis],
                              labels=list(dwa.labels), units=dwa.units, origin=dwa.origin)

    def pad(self, pad_width: Any, mode: str = "constant", **kwargs: Any) -> DataWithAxes:
        """Pad every channel with ``numpy.pad``; linear axes are extended, others dropped.

        Errors are padded with the same mode (with zeros for ``constant``: padded values are
        exact).
        """
        dwa: DataWithAxes = self  # type: ignore[assignment]
        ndim = len(dwa.shape)
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (ndim, 2))
        pad: Any = np.pad  # numpy's stubs do not take a str mode with **kwargs
        data = [pad(array, widths, mode=mode, **kwargs) for array in dwa.data]
        errors = None
        if dwa.errors is not None:
            errors = [pad(e, widths, mode="constant") if mode == "constant"
                      else pad(e, widths, mode=mode) for e in dwa.errors]
        axes = []
        for axis in dwa.axes:
            before, after = widths[axis.index]
            if before == 0 and after == 0:
                axes.append(axis.copy())
            elif axis.is_axis_linear() and not (dwa.distribution is DataDistribution.spread
                                                and axis.index in dwa.nav_indexes):
                axes.append(Axis(axis.label, axis.units, index=axis.index,
                                 offset=axis.offset - before * axis.scaling,
                                 scaling=axis.scaling, size=axis.size + before + after,
                                 spread_order=axis.spread_order))
        return type(dwa)._new_unchecked(dwa, data, errors, axes, dwa.nav_indexes,
                                        source=DataSource.calculated)

    def rot90(self, k: int = 1) -> DataWithAxes:
        """Rotate 2D data by ``k`` quarter turns (``numpy.rot90``), swapping axes as needed."""
        dwa: DataWithAxes = self  # type: ignore[assignment]
        if len(dwa.shape) != 2 or dwa.nav_indexes:
            raise DataShapeError(f"rot90 needs 2D signal data; {dwa.name!r} is "
                                 f"{dwa.get_data_dimension()}")
        result = dwa
        for _ in range(k % 4):
            result = result._rot90_once()
        if result is dwa:
            return type(dwa)._new_unchecked(dwa, list(dwa.data), dwa.errors, dwa._copy_axes(),
                                            (), source=DataSource.calculated)
        return result

    def _rot90_once(self) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        data = [np.rot90(array) for array in dwa.data]
        errors = None if dwa.errors is None else [np.rot90(e) for e in dwa.errors]
        axes = []
        for axis in dwa.axes:  # rot90: new[i, j] = old[j, n1 - 1 - i]
            new = axis.copy()
            if axis.index == 1:
                new = new._take(slice(None, None, -1))
                new.index = 0
            else:
                new.index = 1
            axes.append(new)
        return type(dwa)._new_unchecked(dwa, data, errors, axes, (),
                                        source=DataSource.calculated)

    def ft(self, axis: int = 0, axis_label: str | None = None, axis_units: str | None = None,
           labels: list[str] | None = None) -> DataWithAxes:
        """Centred discrete Fourier transform along dimension ``axis``.

        ``fftshift(fft(ifftshift(data)))``; the new axis holds the angular frequencies
        ``2π·fftshift(fftfreq(n, step))`` in ``rad / <axis units>`` (label ``ft(<label>)``).
        Errors are dropped.
        """
        return self._fourier(axis, axis_label, axis_units, labels, inverse=False)

    def ift(self, axis: int = 0, axis_label: str | None = None, axis_units: str | None = None,
            labels: list[str] | None = None) -> DataWithAxes:
        """Centred inverse transform (the inverse of :meth:`ft`); errors are dropped."""
        return self._fourier(axis, axis_label, axis_units, labels, inverse=True)

    def _fourier(self, axis: int, axis_label: str | None, axis_units: str | None,
                 labels: list[str] | None, inverse: bool) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        if not 0 <= axis < len(dwa.shape):
            raise DataIndexError(f"axis {axis} out of range for {dwa.get_data_dimension()}")
        transform = np.fft.ifft if inverse else np.fft.fft
        data = [np.fft.fftshift(transform(np.fft.ifftshift(a, axes=axis), axis=axis), axes=axis)
                for a in dwa.data]
        old = dwa._axes_or_created(axis)[0]
        count = dwa.shape[axis]
        step = (old.max() - old.min()) / (count - 1) if count > 1 else 1.0
        frequencies = 2 * np.pi * np.fft.fftshift(np.fft.fftfreq(count, d=step))
        if axis_units is None:
            axis_units = format_units(get_unit("rad") / get_unit(old.units)) if old.units \
                else "rad"
        new_axis = Axis(axis_label or f"ft({old.label})", axis_units, frequencies, index=axis)
        axes = [a.copy() for a in dwa.axes if a.index != axis] + [new_axis]
        new = type(dwa)._new_unchecked(dwa, data, None, axes, dwa.nav_indexes,
                                       source=DataSource.calculated)
        if labels is not None:
            new.labels = labels
        return new

    def moment(self) -> tuple[DataCalculated, DataCalculated]:
        """Centre of mass and width of 1D data along its axis: ``(mean, std)`` per channel.

        ``mean = Σ x·y / Σ y`` and ``std = sqrt(Σ (x - mean)²·y / Σ y)``, in the axis units.
        """
        from daqcore.data.kinds import DataCalculated

        dwa: DataWithAxes = self  # type: ignore[assignment]
        if dwa.dim is not DataDim.Data1D:
            raise DataDimError(f"moment needs 1D data; {dwa.name!r} is {dwa.dim.name}")
        axis = dwa._axes_or_created(0)[0]
        x = axis.data
        means, stds = [], []
        for y in dwa.data:
            total = np.sum(y)
            mean = np.sum(x * y) / total
            means.append(np.array([mean]))
            stds.append(np.array([np.sqrt(np.sum((x - mean) ** 2 * y) / total)]))
        return (DataCalculated("mean", data=means, units=axis.units, labels=list(dwa.labels)),
                DataCalculated("std", data=stds, units=axis.units, labels=list(dwa.labels)))


    def _check_1d(self, what: str) -> DataWithAxes:
        dwa: DataWithAxes = self  # type: ignore[assignment]
        if dwa.dim is not DataDim.Data1D:
            raise DataDimError(f"{what} works on 1D data only; {dwa.name!r} is {dwa.dim.name} "
                               f"{dwa.get_data_dimension()}")
        return dwa

    def fit(self, function: Callable[..., Any], initial_guess: Sequence[float],
            data_index: int | None = None, axis_index: int = 0,
            **kwargs: Any) -> DataCalculated:
        """Least-squares fit of ``function(x, *params)`` to 1D data (``scipy.optimize
        .curve_fit``), as PyMoDAQ's ``fit``.

        Parameters
        ----------
        function : callable
            Model ``f(x, *params)`` evaluated on the axis values.
        initial_guess : sequence of float
            Starting parameters.
        data_index : int, optional
            Fit only this channel (default: every channel).
        axis_index : int
            Dimension whose axis gives x (an index axis if there is none).
        **kwargs
            Passed to ``curve_fit`` (e.g. ``bounds``).

        Returns
        -------
        DataCalculated
            ``<name>_fit``: the fitted curves on the axis, labels ``<label>_fit``, with the
            extra attribute ``fit_coeffs`` (one parameter array per fitted channel).

        Raises
        ------
        DataDimError
            If the data are not 1D (a ``ValueError``, as PyMoDAQ).
        OptionalDependencyError
            Without scipy.
        """
        from daqcore.data.kinds import DataCalculated

        dwa = self._check_1d("fit")
        optimize = _import_scipy("optimize")
        axis = dwa._axes_or_created(axis_index)[0].copy()
        x = np.asarray(axis.data)
        indexes = range(len(dwa)) if data_index is None else [data_index]
        fitted, coefficients = [], []
        for index in indexes:
            params, _ = optimize.curve_fit(function, x, dwa.data[index], p0=initial_guess,
                                           **kwargs)
            fitted.append(np.asarray(function(x, *params), dtype=float))
            coefficients.append(params)
        return DataCalculated(f"{dwa.name}_fit", data=fitted, units=dwa.units,
                              labels=[f"{dwa.labels[i]}_fit" for i in indexes], axes=[axis],
                              fit_coeffs=coefficients)

    def find_peaks(self, height: Any = None, threshold: Any = None,
                   **kwargs: Any) -> DataToExport:
        """Peaks of every channel of 1D data (``scipy.signal.find_peaks``), as PyMoDAQ.

        Returns
        -------
        DataToExport
            ``'peaks'``: one DataCalculated per channel (named by its label) with two
            channels, ``peak value`` and ``peak indexes``, on an axis ``peak position``
            holding the axis values of the peaks.

        Raises
        ------
        DataDimError
            If the data are not 1D; :class:`DataIndexError` if a channel has no peak.
        OptionalDependencyError
            Without scipy.
        """
        from daqcore.data.export import DataToExport
        from daqcore.data.kinds import DataCalculated

        dwa = self._check_1d("find_peaks")
        signal = _import_scipy("signal")
        axis = dwa._axes_or_created(0)[0]
        peaks = DataToExport("peaks")
        for index, array in enumerate(dwa.data):
            found, _ = signal.find_peaks(array, height, threshold, **kwargs)
            if found.size == 0:  # PyMoDAQ fails with an IndexError here
                raise DataIndexError(f"no peak found in channel {dwa.labels[index]!r} of "
                                     f"{dwa.name!r} (height={height}, threshold={threshold})")
            peaks.append(DataCalculated(
                dwa.labels[index], data=[array[found], found],
                labels=["peak value", "peak indexes"],
                axes=[Axis("peak position", axis.units, axis.get_data_at(found))]))
        return peaks


__all__ = ["ProcessingMixin"]
