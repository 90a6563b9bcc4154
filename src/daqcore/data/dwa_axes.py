"""Axes helpers of DataWithAxes (a mixin of :class:`DataWithAxes`) and its ``axes_manager``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from daqcore.data.axis import Axis
from daqcore.data.enums import DataDim, DataDistribution
from daqcore.data.errors import DataIndexError
from daqcore.data.validation import infer_dim

if TYPE_CHECKING:
    from daqcore.data.axes_manager import AxesManager


class AxesMixin:
    """Look-ups of the axes by dimension, label and spread order; creation of missing axes."""

    if TYPE_CHECKING:
        _axes: list[Axis]
        _shape: tuple[int, ...]
        _nav_indexes: tuple[int, ...]
        _distribution: DataDistribution
        _dim: DataDim

        @property
        def sig_indexes(self) -> tuple[int, ...]: ...

    def _copy_axes(self) -> list[Axis]:
        return [axis.copy() for axis in self._axes]

    def _check_dimension(self, index: int) -> int:
        if not 0 <= index < len(self._shape):
            raise DataIndexError(f"dimension index {index} out of range for shape {self._shape}")
        return int(index)

    def _axes_of(self, index: int) -> list[Axis]:
        """The axes given for dimension ``index`` (sorted by spread order; may be empty)."""
        found = [axis for axis in self._axes if axis.index == index]
        if len(found) > 1:
            found.sort(key=lambda axis: axis.spread_order)
        return found

    def _index_axis(self, index: int) -> Axis:
        """A linear axis of indexes ``0..n-1`` for dimension ``index`` (label ``''``)."""
        return Axis("", "", index=index, offset=0.0, scaling=1.0, size=self._shape[index])

    def _is_spread_dimension(self, index: int) -> bool:
        return self._distribution is DataDistribution.spread and index in self._nav_indexes

    def get_axis_indexes(self) -> list[int]:
        """Dimension indexes that have at least one axis."""
        return sorted({axis.index for axis in self._axes})

    def get_axis_from_index(self, index: int, create: bool = False) -> list[Axis | None]:
        """Axes describing dimension ``index``, as PyMoDAQ returns them.

        A list of one axis for a uniform dimension; ``[None]`` when the dimension has no axis
        (PyMoDAQ's convention), unless ``create`` is True: then a linear axis of indexes
        ``0..n-1`` (label ``''``) is returned, *without* being added to :attr:`axes` (see
        :meth:`create_missing_axes`). On a spread navigation dimension, every axis sharing
        the index, in spread order (an empty list if there is none).

        Raises
        ------
        DataIndexError
            If ``index`` is not a dimension of the data.
        """
        index = self._check_dimension(index)
        found: list[Axis | None] = list(self._axes_of(index))
        if found or self._is_spread_dimension(index):
            return found
        return [self._index_axis(index) if create else None]

    def get_axis_from_index_spread(self, index: int, spread_order: int) -> Axis | None:
        """The axis with this ``index`` and ``spread_order`` (None if absent)."""
        for axis in self._axes:
            if axis.index == index and axis.spread_order == spread_order:
                return axis
        return None

    def get_axis_from_label(self, label: str) -> Axis | None:
        """First axis called ``label`` (None if absent)."""
        for axis in self._axes:
            if axis.label == label:
                return axis
        return None

    def _axes_or_created(self, index: int) -> list[Axis]:
        found = self._axes_of(index)
        if found or self._is_spread_dimension(index):
            return found
        return [self._index_axis(index)]

    def get_nav_axes(self) -> list[Axis]:
        """Navigation axes, in dimension order; missing ones are created (not attached)."""
        return [axis for index in self._nav_indexes for axis in self._axes_or_created(index)]

    def get_nav_axes_with_data(self) -> list[Axis]:
        """Navigation axes that were given (none created)."""
        return [axis for index in self._nav_indexes for axis in self._axes_of(index)]

    def get_signal_axes(self) -> list[Axis]:
        """Signal axes in dimension order; missing ones of length > 1 are created (not attached)."""
        axes = []
        for index in self.sig_indexes:
            given = self._axes_of(index)
            if given:
                axes.extend(given)
            elif self._shape[index] > 1:
                axes.append(self._index_axis(index))
        return axes

    def get_sig_index(self) -> list[Axis]:
        """Same as :meth:`get_signal_axes` (PyMoDAQ's name)."""
        return self.get_signal_axes()

    def axes_limits(self, axes_indexes: list[int] | None = None) -> list[tuple[float, float]]:
        """(min, max) of the axes of the given dimensions (all by default)."""
        indexes = range(len(self._shape)) if axes_indexes is None else axes_indexes
        return [(axis.min(), axis.max()) for index in indexes for axis in self._axes_of(index)]

    def create_missing_axes(self) -> None:
        """Attach a linear index axis to every dimension of length > 1 that has none."""
        present = {axis.index for axis in self._axes}
        created = [self._index_axis(index) for index, length in enumerate(self._shape)
                   if index not in present and length > 1]
        if created:
            self._axes = sorted(self._axes + created, key=lambda a: (a.index, a.spread_order))
            self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)

    @property
    def axes_manager(self) -> AxesManager:
        """PyMoDAQ's axes manager of this object (what its viewers use): a live view of the
        axes, navigation/signal indexes and shapes (see :class:`AxesManager`)."""
        from daqcore.data.axes_manager import AxesManager

        return AxesManager(self)

    @property
    def _am(self) -> AxesManager:
        """Short name of :attr:`axes_manager` used in PyMoDAQ's code."""
        return self.axes_manager


__all__ = ["AxesMixin"]
