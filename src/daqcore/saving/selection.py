"""Navigation indexes as stored by every PyMoDAQ version, and sliced loads over them.

``nav_indexes`` (which dimensions of a stored array are navigation: scan or time axes) has
been written as a JSON-wrapped tuple (PyMoDAQ 5, daqcore), a JSON-wrapped list, a raw string
``"(0, 1)"``, a numpy array or a plain integer. :func:`parse_nav_indexes` reads them all and
refuses anything else with an :class:`~daqcore.saving.errors.AttributeDecodeError` naming
the node, instead of silently dropping the navigation axes.

:func:`resolve_selection` turns a user's navigation selection (``nav=`` of
:meth:`~daqcore.saving.loader.DataLoader.load_data`) into the HDF5 selection of the stored
array, so only the chunks of the selected points are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

from daqcore.saving.attributes import parse_literal
from daqcore.saving.errors import AttributeDecodeError, NavSelectionError

#: One entry per navigation dimension: an index (the dimension is dropped) or a slice.
NavItem: TypeAlias = int | slice
#: What ``nav=`` accepts: one item (first navigation dimension) or one per navigation dimension.
NavSelection: TypeAlias = NavItem | Sequence[NavItem]


def _as_int(value: Any) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{value!r} is not an integer")
    return int(value)


def parse_nav_indexes(value: Any, ndim: int, where: str) -> tuple[int, ...]:
    """The navigation indexes of an array with ``ndim`` dimensions at ``where``.

    Accepts tuples/lists/1-D integer arrays, a single integer (also 0-D arrays), and their
    ``repr`` strings (``"(0, 1)"``, ``"[0, 1]"``, ``"0, 1"``, ``"0"``, ``"()"``).

    Raises
    ------
    AttributeDecodeError
        If the value is none of these, or names a dimension the array does not have (or
        twice).
    """
    raw = value
    try:
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if isinstance(value, str):
            value = parse_literal(value) if value.strip() else ()
        if isinstance(value, np.ndarray):
            if value.ndim > 1 or value.dtype.kind not in "iu":
                raise TypeError(f"an array of shape {value.shape} and dtype {value.dtype}")
            value = value.tolist()
        if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
            indexes: tuple[int, ...] = (int(value),)
        elif isinstance(value, tuple | list):
            indexes = tuple(_as_int(v) for v in value)
        else:
            raise TypeError(f"a {type(value).__name__}")
    except (TypeError, ValueError, AttributeDecodeError) as exc:
        raise AttributeDecodeError(
            f"node {where!r}: nav_indexes {raw!r} cannot be read ({exc}); expected a tuple of "
            "dimension numbers such as (0, 1)") from None
    bad = [i for i in indexes if not 0 <= i < ndim]
    if bad or len(set(indexes)) != len(indexes):
        raise AttributeDecodeError(
            f"node {where!r}: nav_indexes {raw!r} does not fit an array of {ndim} dimensions "
            f"(out of range or repeated: {bad or list(indexes)})")
    return indexes


@dataclass(frozen=True)
class Selection:
    """A navigation selection resolved against one stored array.

    Attributes
    ----------
    key : tuple
        Index of the stored array (one item per dimension), given to the backend's read.
    dims : tuple of int or None
        For each stored dimension, its dimension in the result (None: dropped by an index).
    nav_indexes : tuple of int
        Navigation indexes of the result.
    shape : tuple of int
        Shape of the result (before length-1 signal dimensions are squeezed).
    nav_items : dict
        Stored navigation dimension -> the index or normalised slice applied to it.
    stored_nav_indexes : tuple of int
        Navigation indexes of the stored array.
    stored_shape : tuple of int
        Shape the selection was resolved against: the stored array's, with the first
        dimension cut to the complete rows of a log being written (see
        :mod:`daqcore.saving.complete_rows`).
    """

    key: tuple[int | slice, ...]
    dims: tuple[int | None, ...]
    nav_indexes: tuple[int, ...]
    shape: tuple[int, ...]
    nav_items: dict[int, int | slice]
    stored_nav_indexes: tuple[int, ...] = ()
    stored_shape: tuple[int, ...] = ()

    @property
    def is_everything(self) -> bool:
        return all(isinstance(k, slice) and k == slice(None) for k in self.key)

    def nbytes(self, itemsize: int) -> int:
        return int(np.prod(self.shape, dtype=np.float64)) * itemsize


def _normalise(item: Any, length: int, dim: int, where: str) -> int | slice:
    if isinstance(item, slice):
        start, stop, step = item.indices(length)
        if step <= 0:
            raise NavSelectionError(f"{where!r}: navigation slice {item!r} must have a "
                                    "positive step")
        stop = max(start, stop)
        return slice(start, stop, step)
    try:
        index = _as_int(item)
    except TypeError:
        raise NavSelectionError(f"{where!r}: navigation selection {item!r} is not an index or "
                                "a slice") from None
    if not -length <= index < length:
        raise NavSelectionError(f"{where!r}: navigation index {index} is out of range for "
                                f"dimension {dim} of length {length}")
    return index % length


def resolve_selection(nav: NavSelection | None, shape: tuple[int, ...],
                      nav_indexes: tuple[int, ...], where: str,
                      rows: int | None = None) -> Selection:
    """Resolve ``nav`` (see :data:`NavSelection`) for an array of ``shape``.

    ``rows``: read only the first ``rows`` rows (the complete samples of a log being written),
    as if the array had that length; indexes and slices are resolved against it.

    Raises
    ------
    NavSelectionError
        More items than navigation dimensions, an index out of range, a bad item.
    """
    if nav is None:
        items: list[Any] = []
    elif isinstance(nav, int | slice | np.integer):
        items = [nav]
    elif isinstance(nav, Sequence) and not isinstance(nav, str | bytes):
        items = list(nav)
    else:
        raise NavSelectionError(f"{where!r}: nav={nav!r} must be an index, a slice or a tuple "
                                "of them (one per navigation dimension)")
    if len(items) > len(nav_indexes):
        raise NavSelectionError(f"{where!r}: nav={nav!r} selects {len(items)} navigation "
                                f"dimensions but the data have {len(nav_indexes)}")
    cut = rows is not None and len(shape) > 0
    if cut:  # explicit bounds: the array may grow between this call and the read
        assert rows is not None
        shape = (max(0, min(rows, shape[0])), *shape[1:])
    nav_items = {dim: _normalise(item, shape[dim], dim, where)
                 for dim, item in zip(nav_indexes, items)}
    key: list[int | slice] = []
    dims: list[int | None] = []
    out_shape: list[int] = []
    for dim, length in enumerate(shape):
        item = nav_items.get(dim, slice(0, length, 1) if cut and dim == 0 else slice(None))
        key.append(item)
        if isinstance(item, slice):
            dims.append(len(out_shape))
            out_shape.append(len(range(*item.indices(length))))
        else:
            dims.append(None)
    new_nav = tuple(d for d in (dims[i] for i in nav_indexes) if d is not None)
    return Selection(tuple(key), tuple(dims), new_nav, tuple(out_shape), nav_items,
                     tuple(nav_indexes), tuple(shape))


__all__ = ["NavItem", "NavSelection", "Selection", "parse_nav_indexes", "resolve_selection"]
