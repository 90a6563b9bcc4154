"""Block writing of prepared scan points (daqcore extra).

:meth:`~daqcore.saving.DataToExportExtendedSaver.prepare_point` validates one point (indexes,
DataToExport signature, shapes, dtypes; it creates the arrays of a group on its first call)
and returns its *prepared writes*: ``(handle, index, value)`` tuples, ``handle`` being a
library array handle of the open file, ``index`` the point's integer indexes in the extended
(scan) shape and ``value`` the point's data, already cast to the array's dtype. Nothing is
written until the writes are given to :func:`write_point_block` (or the saver's
``write_points``), which groups them per array, sorts them by index and writes every run of
consecutive points along the last extended dimension with one slice assignment -- a raster
or snake row then costs one HDF5 write per array instead of one per point. The file is the
same as with one ``add_data`` per point.

Prepared writes belong to the file they were prepared on: reopening the file (or enabling
SWMR after a close/reopen) invalidates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

#: One prepared point write: ``(array handle, integer indexes, value)``.
PreparedWrite = tuple[Any, tuple[int, ...], np.ndarray]


def coalesce_point_writes(writes: Iterable[PreparedWrite],
                          ) -> Iterator[tuple[Any, tuple[Any, ...], np.ndarray, bool]]:
    """Group prepared writes into ``(handle, selection, value, is_block)`` slice writes.

    Writes are grouped per array (first-seen order) and sorted by index; each run of
    consecutive indexes along the last extended dimension (same leading indexes) becomes one
    write whose selection ends with a ``slice`` and whose value stacks the points. A lone
    point keeps its integer indexes (``is_block`` False). When an index is written twice, the
    later write wins (the sort is stable and later points come last in their run).
    """
    by_handle: dict[int, tuple[Any, list[tuple[tuple[int, ...], np.ndarray]]]] = {}
    for handle, idx, value in writes:
        entry = by_handle.get(id(handle))
        if entry is None:
            entry = by_handle[id(handle)] = (handle, [])
        entry[1].append((idx, value))
    for handle, items in by_handle.values():
        items.sort(key=lambda item: item[0])
        start = 0
        while start < len(items):
            head, last = items[start][0], items[start][0][-1]
            stop = start + 1
            while stop < len(items) and items[stop][0][:-1] == head[:-1] \
                    and items[stop][0][-1] == last + 1:
                last += 1
                stop += 1
            if stop - start == 1:
                yield handle, head, items[start][1], False
            else:
                block = np.stack([value for _, value in items[start:stop]])
                yield handle, (*head[:-1], slice(head[-1], last + 1)), block, True
            start = stop


def write_point_block(h5saver: Any, writes: Iterable[PreparedWrite]) -> None:
    """Write prepared point writes in blocks (see :func:`coalesce_point_writes`).

    Parameters
    ----------
    h5saver : H5SaverLowLevel
        The saver of the file the writes were prepared on (checked writable).
    writes : iterable of (handle, indexes, value)
        From :meth:`~daqcore.saving.DataToExportExtendedSaver.prepare_point`.
    """
    h5saver._check_writable()
    backend = h5saver.backend
    for handle, selection, value, is_block in coalesce_point_writes(writes):
        if is_block:
            backend.write(handle, selection, value)
        else:
            backend.write_point(handle, selection, value)


__all__ = ["PreparedWrite", "coalesce_point_writes", "write_point_block"]
