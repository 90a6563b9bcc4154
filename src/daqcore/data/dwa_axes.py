"""Axes helpers of DataWithAxes (a mixin of :class:`DataWithAxes`)."""

from __future__ import annotations

from daqcore.data.axis import Axis
from daqcore.data.errors import DataIndexError
from daqcore.data.validation import infer_dim


class AxesMixin:
    """Look-ups of the axes by dimension, label and spread order; creation of missing axes."""

    def _copy_axes(self) -> list[Axis]:
        return [axis.copy() for axis in self._axes]

    def get_axis_indexes(self) -> list[int]:
        """Dimension indexes that have at least one axis."""
        return sorted({axis.index for axis in self._axes})

    def get_axis_from_index(self, index: int, create: bool = False) -> list[Axis]:
        """Axes describing dimension ``index`` (several for spread navigation).

        Returns an empty list when there is none, unless ``create`` is True: then a linear axis
        of indexes ``0..n-1`` (label ``''``) is returned, *without* being added to
        :attr:`axes` (see :meth:`create_missing_axes`).

        Raises
        ------
        DataIndexError
            If ``index`` is not a dimension of the data.
        """
        if not 0 <= index < len(self._shape):
            raise DataIndexError(f"dimension index {index} out of range for shape {self._shape}")
        found = [axis for axis in self._axes if axis.index == index]
        if not found and create:
            found = [Axis("", "", index=index, offset=0.0, scaling=1.0, size=self._shape[index])]
        return sorted(found, key=lambda axis: axis.spread_order)

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

    def get_nav_axes(self) -> list[Axis]:
        """Navigation axes, in dimension order; missing ones are created (not attached)."""
        return [axis for index in self._nav_indexes
                for axis in self.get_axis_from_index(index, create=True)]

    def get_nav_axes_with_data(self) -> list[Axis]:
        """Navigation axes that were given (none created)."""
        return [axis for index in self._nav_indexes for axis in self.get_axis_from_index(index)]

    def get_signal_axes(self) -> list[Axis]:
        """Signal axes in dimension order; missing ones of length > 1 are created (not attached)."""
        axes = []
        for index in self.sig_indexes:
            for axis in self.get_axis_from_index(index, create=True):
                if axis.size > 1 or axis in self._axes:
                    axes.append(axis)
        return axes

    def axes_limits(self, axes_indexes: list[int] | None = None) -> list[tuple[float, float]]:
        """(min, max) of the axes of the given dimensions (all by default)."""
        indexes = range(len(self._shape)) if axes_indexes is None else axes_indexes
        return [(axis.min(), axis.max()) for index in indexes
                for axis in self.get_axis_from_index(index)]

    def create_missing_axes(self) -> None:
        """Attach a linear index axis to every dimension of length > 1 that has none."""
        present = {axis.index for axis in self._axes}
        created = [Axis("", "", index=index, offset=0.0, scaling=1.0, size=length)
                   for index, length in enumerate(self._shape)
                   if index not in present and length > 1]
        if created:
            self._axes = sorted(self._axes + created, key=lambda a: (a.index, a.spread_order))
            self._dim = infer_dim(self._shape, self._axes, self._nav_indexes)



__all__ = ["AxesMixin"]
