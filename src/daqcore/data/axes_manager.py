"""``AxesManager``: PyMoDAQ's view of the axes of a DataWithAxes, as its viewers use it.

In pymodaq_data every DataWithAxes owns an ``axes_manager`` (uniform or spread) holding its
axes and navigation indexes. In daqcore the DataWithAxes holds them itself; its
``axes_manager`` property returns this thin, *live* view, so code written for PyMoDAQ
(``dwa.axes_manager.sig_shape``, ``.get_nav_axes()``, ``.get_axis_from_index(i)``...) runs
unchanged and always sees the current state of the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from daqcore.data.axis import Axis
from daqcore.data.enums import DataDistribution

if TYPE_CHECKING:
    from daqcore.data.dwa_axes import AxesMixin


class AxesManager:
    """Axes, navigation/signal indexes and shapes of one DataWithAxes (a live view).

    Parameters
    ----------
    dwa : DataWithAxes
        The data whose axes are described.
    """

    __slots__ = ("_dwa",)

    def __init__(self, dwa: AxesMixin) -> None:
        self._dwa = dwa

    @property
    def axes(self) -> list[Axis]:
        """The axes of the data (the DataWithAxes' own list)."""
        return self._dwa._axes

    @property
    def distribution(self) -> DataDistribution:
        """``uniform`` or ``spread`` (PyMoDAQ uses two manager classes for them)."""
        return self._dwa._distribution

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the data."""
        return self._dwa._shape

    @property
    def nav_indexes(self) -> tuple[int, ...]:
        """Navigation dimensions."""
        return self._dwa._nav_indexes

    @property
    def sig_indexes(self) -> tuple[int, ...]:
        """Signal dimensions."""
        return self._dwa.sig_indexes

    @property
    def nav_shape(self) -> tuple[int, ...]:
        """Lengths of the navigation dimensions."""
        return tuple(self.shape[i] for i in self.nav_indexes)

    @property
    def sig_shape(self) -> tuple[int, ...]:
        """Lengths of the signal dimensions."""
        return tuple(self.shape[i] for i in self.sig_indexes)

    def get_shape_from_index(self, index: int) -> int:
        """Length of dimension ``index``."""
        return self.shape[self._dwa._check_dimension(index)]

    def get_axes_index(self) -> list[int]:
        """The ``index`` of every axis, in the order of :attr:`axes`."""
        return [axis.index for axis in self.axes]

    def get_axis_from_index(self, index: int, create: bool = False) -> list[Axis | None]:
        """See :meth:`DataWithAxes.get_axis_from_index`."""
        return self._dwa.get_axis_from_index(index, create)

    def get_axis_from_index_spread(self, index: int, spread_order: int) -> Axis | None:
        """The axis with this ``index`` and ``spread_order`` (None if absent)."""
        return self._dwa.get_axis_from_index_spread(index, spread_order)

    def get_nav_axes(self) -> list[Axis]:
        """Navigation axes (missing ones created, not attached)."""
        return self._dwa.get_nav_axes()

    def get_signal_axes(self) -> list[Axis]:
        """Signal axes (missing ones of length > 1 created, not attached)."""
        return self._dwa.get_signal_axes()

    def is_axis_signal(self, axis: Axis) -> bool:
        """True if ``axis`` describes a signal dimension."""
        return axis.index not in self.nav_indexes

    def is_axis_navigation(self, axis: Axis) -> bool:
        """True if ``axis`` describes a navigation dimension."""
        return axis.index in self.nav_indexes

    def get_sorted_index(self, axis_index: int = 0, spread_index: int = 0
                         ) -> tuple[np.ndarray | None, tuple[object, ...] | None]:
        """Order that sorts the values of the axis of dimension ``axis_index`` (the axis of
        spread order ``spread_index`` on a spread dimension), and the index tuple that
        applies it to the data; ``(None, None)`` without such an axis.

        Unlike PyMoDAQ's, this does not reorder the axis itself (use
        :meth:`DataWithAxes.sort_data`).
        """
        if self._dwa._is_spread_dimension(axis_index):
            axis = self.get_axis_from_index_spread(axis_index, spread_index)
        else:
            axis = self.get_axis_from_index(axis_index)[0]
        if axis is None:
            return None, None
        order = np.argsort(axis.data, kind="stable")
        index: tuple[object, ...] = tuple(order if dim == axis_index else slice(None)
                                          for dim in range(len(self.shape)))
        return order, index

    def _get_dimension_str(self) -> str:
        nav = ", ".join(str(n) for n in self.nav_shape)
        sig = ", ".join(str(n) for n in self.sig_shape)
        return f"({nav}|{sig})"

    def __repr__(self) -> str:
        return self._get_dimension_str()


__all__ = ["AxesManager"]
