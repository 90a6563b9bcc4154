"""Data processors: reduce the signal dimensions of a DataWithAxes to one value per navigation
point, by name (PyMoDAQ's ``DataProcessorFactory``, used by its ROI and scan viewers).

>>> factory = DataProcessorFactory()
>>> factory.get("mean").process(dwa)          # doctest: +SKIP

``mean``, ``sum``, ``max``, ``min`` and ``std`` reduce the signal dimensions of every channel
(navigation axes kept) with daqcore's reductions, so errors are *propagated* (PyMoDAQ applies
the same function to the error arrays: a sum of standard deviations). ``argmax``/``argmin``
give, per channel and per signal dimension, the axis value of the extremum; ``argmean`` and
``argstd`` (1D signals) the centre of mass and width along the signal axis. New processors
are added with ``@DataProcessorFactory.register('name')`` on a :class:`DataProcessorBase`
subclass. Needs numpy only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from daqcore.data.data import DataWithAxes
from daqcore.data.enums import DataDim
from daqcore.data.errors import DataDimError, DataError
from daqcore.data.kinds import DataCalculated


class DataProcessorBase(ABC):
    """A processing of the signal dimensions of a DataWithAxes.

    Attributes
    ----------
    apply_to : DataDim
        The highest signal dimensionality the processor accepts (``DataND``: any).
    """

    apply_to: ClassVar[DataDim] = DataDim.DataND

    def process(self, data: DataWithAxes) -> DataWithAxes:
        """Apply the processor to ``data``."""
        if not isinstance(data, DataWithAxes):
            raise DataError(f"a processor applies to a DataWithAxes, got {data!r:.60}")
        return self.operate(data)

    @abstractmethod
    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        """The processing itself (``process`` checks the input first)."""

    @staticmethod
    def flatten_signal_dim(sub_data: DataWithAxes) -> tuple[list[int], list[np.ndarray]]:
        """Navigation shape + one flattened signal dimension, and the channels reshaped so."""
        new_shape = [sub_data.shape[i] for i in sub_data.nav_indexes]
        new_shape.append(int(np.prod([sub_data.shape[i] for i in sub_data.sig_indexes])))
        order = list(sub_data.nav_indexes) + list(sub_data.sig_indexes)
        return new_shape, [np.transpose(array, order).reshape(new_shape) for array in sub_data]


class DataProcessorFactory:
    """Processors by name; ``get(name)`` returns a new processor instance."""

    _builders: ClassVar[dict[str, type[DataProcessorBase]]] = {}

    @classmethod
    def register(cls, key: str) -> Callable[[type[DataProcessorBase]],
                                            type[DataProcessorBase]]:
        """Class decorator registering a :class:`DataProcessorBase` subclass under ``key``."""
        def inner(processor: type[DataProcessorBase]) -> type[DataProcessorBase]:
            cls._builders[key] = processor
            return processor

        return inner

    @classmethod
    def create(cls, key: str, **kwargs: Any) -> DataProcessorBase:
        """A new processor ``key``.

        Raises
        ------
        DataError
            If no processor has this name (also a ``ValueError``, as PyMoDAQ).
        """
        builder = cls._builders.get(key)
        if builder is None:
            raise DataError(f"no data processor named {key!r}; known: {sorted(cls._builders)}")
        return builder(**kwargs)

    def get(self, processor_name: str, **kwargs: Any) -> DataProcessorBase:
        """Same as :meth:`create`."""
        return self.create(processor_name, **kwargs)

    @classmethod
    def get_class(cls, key: str) -> type[DataProcessorBase] | None:
        """The registered class (None if unknown)."""
        return cls._builders.get(key)

    @property
    def builders(self) -> dict[str, type[DataProcessorBase]]:
        """``{name: processor class}``."""
        return dict(self._builders)

    @property
    def keys(self) -> list[str]:
        """Sorted names."""
        return sorted(self._builders)

    def keys_function(self, do_sort: bool = True) -> list[str]:
        """Names, sorted or in registration order."""
        return self.keys if do_sort else list(self._builders)

    @property
    def functions(self) -> list[str]:
        """Names in registration order."""
        return self.keys_function(do_sort=False)

    def functions_filtered(self, dim: DataDim | str) -> list[str]:
        """Names of the processors accepting signals of dimensionality ``dim``."""
        return [key for key in self.functions if self._builders[key].apply_to >= dim]


def _reduce_signal(sub_data: DataWithAxes, method: str) -> DataWithAxes:
    if not sub_data.sig_indexes:
        return sub_data.deepcopy()
    result: DataWithAxes = getattr(sub_data, method)(axis=tuple(sub_data.sig_indexes))
    return result


@DataProcessorFactory.register("mean")
class MeanProcessor(DataProcessorBase):
    """Mean over the signal dimensions."""

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        return _reduce_signal(sub_data, "mean")


@DataProcessorFactory.register("std")
class StdProcessor(DataProcessorBase):
    """Standard deviation over the signal dimensions."""

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        return _reduce_signal(sub_data, "std")


@DataProcessorFactory.register("sum")
class SumProcessor(DataProcessorBase):
    """Sum over the signal dimensions."""

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        return _reduce_signal(sub_data, "sum")


@DataProcessorFactory.register("max")
class MaxProcessor(DataProcessorBase):
    """Maximum over the signal dimensions."""

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        return _reduce_signal(sub_data, "max")


@DataProcessorFactory.register("min")
class MinProcessor(DataProcessorBase):
    """Minimum over the signal dimensions."""

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        return _reduce_signal(sub_data, "min")


def _nav_result(sub_data: DataWithAxes, arrays: list[np.ndarray],
                units: str = "") -> DataWithAxes:
    axes = [axis.copy() for axis in sub_data.axes if axis.index in sub_data.nav_indexes]
    nav = tuple(range(len(sub_data.nav_indexes)))
    for axis in axes:
        axis.index = sub_data.nav_indexes.index(axis.index)
    return DataCalculated("processed_data", data=[np.atleast_1d(a) for a in arrays],
                          nav_indexes=nav, axes=axes, units=units,
                          distribution=sub_data.distribution if nav else "uniform")


class _ArgExtremumProcessor(DataProcessorBase):
    _pick: ClassVar[Callable[..., Any]]

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        new_shape, flattened = self.flatten_signal_dim(sub_data)
        sig_shape = sub_data.sig_shape
        arrays = []
        for array in flattened:
            flat_index = type(self)._pick(array, axis=len(new_shape) - 1)
            indexes = np.unravel_index(flat_index, sig_shape) if sig_shape else ()
            for position, dim in enumerate(sub_data.sig_indexes):
                axis = sub_data._axes_or_created(dim)[0]
                arrays.append(np.asarray(axis.data)[indexes[position]])
        units = sub_data._axes_or_created(sub_data.sig_indexes[0])[0].units \
            if sub_data.sig_indexes else ""
        return _nav_result(sub_data, arrays, units)


@DataProcessorFactory.register("argmax")
class ArgMaxProcessor(_ArgExtremumProcessor):
    """Axis value(s) of the maximum of the signal, per channel and signal dimension."""

    _pick = staticmethod(np.nanargmax)


@DataProcessorFactory.register("argmin")
class ArgMinProcessor(_ArgExtremumProcessor):
    """Axis value(s) of the minimum of the signal, per channel and signal dimension."""

    _pick = staticmethod(np.nanargmin)


def _signal_axis_1d(sub_data: DataWithAxes) -> tuple[np.ndarray, str]:
    if len(sub_data.sig_indexes) != 1:
        raise DataDimError(f"this processor needs 1D signals; {sub_data.name!r} is "
                           f"{sub_data.get_data_dimension()}")
    axis = sub_data._axes_or_created(sub_data.sig_indexes[0])[0]
    return np.asarray(axis.data), axis.units


@DataProcessorFactory.register("argmean")
class ArgMeanProcessor(DataProcessorBase):
    """Centre of mass of 1D signals along their axis (data as weights)."""

    apply_to = DataDim.Data1D

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        values, units = _signal_axis_1d(sub_data)
        new_shape, flattened = self.flatten_signal_dim(sub_data)
        last = len(new_shape) - 1
        arrays = [np.sum(weights * values, axis=last) / np.sum(weights, axis=last)
                  for weights in flattened]
        return _nav_result(sub_data, arrays, units)


@DataProcessorFactory.register("argstd")
class ArgStdProcessor(DataProcessorBase):
    """Width (weighted standard deviation) of 1D signals along their axis."""

    apply_to = DataDim.Data1D

    def operate(self, sub_data: DataWithAxes) -> DataWithAxes:
        values, units = _signal_axis_1d(sub_data)
        new_shape, flattened = self.flatten_signal_dim(sub_data)
        last = len(new_shape) - 1
        arrays = []
        for weights in flattened:
            total = np.sum(weights, axis=last, keepdims=True)
            mean = np.sum(weights * values, axis=last, keepdims=True) / total
            arrays.append(np.sqrt(np.sum(weights * (values - mean) ** 2, axis=last)
                                  / np.squeeze(total, axis=last)))
        return _nav_result(sub_data, arrays, units)


__all__ = [
    "ArgMaxProcessor",
    "ArgMeanProcessor",
    "ArgMinProcessor",
    "ArgStdProcessor",
    "DataProcessorBase",
    "DataProcessorFactory",
    "MaxProcessor",
    "MeanProcessor",
    "MinProcessor",
    "StdProcessor",
    "SumProcessor",
]
