"""Qt-free helpers turning a DataWithAxes into what a viewer draws: arrays, axes, labels.

A viewer shows at most two dimensions. :func:`reduce_to_2d` keeps the last two (taking index 0
of the leading ones); :func:`axis_for` returns the values and the ``label (units)`` text of one
array dimension, an index axis when the data carry none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from daqcore.data import DataWithAxes


@dataclass(frozen=True)
class AxisView:
    """Values and label of one displayed dimension."""

    values: np.ndarray
    label: str
    units: str

    @property
    def text(self) -> str:
        """``label (units)`` or ``label``."""
        return f"{self.label} ({self.units})" if self.units else self.label

    def linear_rect(self) -> tuple[float, float]:
        """``(start, span)`` covering the pixels' centres +- half a step (for images)."""
        v = self.values
        if v.size == 0:
            return 0.0, 1.0
        if v.size == 1:
            return float(v[0]) - 0.5, 1.0
        step = (float(v[-1]) - float(v[0])) / (v.size - 1)
        if step == 0 or not np.isfinite(step):
            return 0.0, float(v.size)
        return float(v[0]) - step / 2, step * v.size


def axis_for(dwa: DataWithAxes, index: int, size: int) -> AxisView:
    """The axis of dimension ``index`` of ``dwa`` (an index axis when it has none)."""
    for axis in dwa.axes:
        if axis.index == index:
            values = np.asarray(axis.get_data(), dtype=float).ravel()
            if values.size == size:
                return AxisView(values, axis.label or f"axis {index}", axis.units or "")
    return AxisView(np.arange(size, dtype=float), f"index {index}", "")


def channel_arrays(dwa: DataWithAxes) -> list[np.ndarray]:
    """The channels of ``dwa`` as float arrays (complex shown as magnitude)."""
    out = []
    for array in dwa.data:
        a = np.asarray(array)
        if np.iscomplexobj(a):
            a = np.abs(a)
        out.append(a.astype(float, copy=False))
    return out


def reduce_to_2d(array: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Keep the last two dimensions of ``array`` (index 0 of the others).

    Returns the array and the original dimension numbers it keeps.
    """
    if array.ndim <= 2:
        return array, tuple(range(array.ndim))
    lead = array.ndim - 2
    return array[(0,) * lead], (lead, lead + 1)


def displayed_ndim(dwa: DataWithAxes) -> int:
    """0, 1 or 2: how many dimensions a viewer of ``dwa`` draws (size-1 dims dropped)."""
    shape = [s for s in dwa.shape if s > 1]
    return min(len(shape), 2)


def value_text(value: float, units: str = "") -> str:
    """A compact number with its units."""
    if not np.isfinite(value):
        return "nan"
    return f"{value:.6g}" + (f" {units}" if units else "")


__all__ = ["AxisView", "axis_for", "channel_arrays", "displayed_ndim", "reduce_to_2d",
           "value_text"]
