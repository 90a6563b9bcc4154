"""The one writing path of extended (scan) arrays: single points and blocks of points.

Internal to :mod:`daqcore.saving`. A channel saver validates a point and turns it into
*prepared writes* ``(handle, indexes, value)`` -- ``handle`` a library array of the open file,
``indexes`` the point's integer indexes in the extended shape, ``value`` the point's data cast
to the array's dtype. :func:`write_blocks` executes any number of them: it groups them per
array, sorts them by index and writes each run of consecutive points along the last extended
dimension with one slice assignment (a raster or snake row costs one HDF5 write per array
instead of one per point), stacking at most :data:`MAX_BLOCK_BYTES` at a time. ``add_data``
of the extended savers writes one point this way; the scan sink
(:class:`~daqcore.saving.sinks.ScanSink`) keeps many points in :class:`PendingPoints` and
writes them the same way. Handles never leave the saving layer.

:func:`scan_chunk_shape` is the chunk layout of extended arrays: chunks are allocated as they
are written, unwritten points read as the fill value (NaN), so a file grows with the points
measured, not with the points planned.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

#: One prepared point write: ``(array handle, integer indexes, value)``.
PreparedWrite = tuple[Any, tuple[int, ...], np.ndarray]

#: Largest block stacked in memory for one slice write (bytes).
MAX_BLOCK_BYTES = 4 * 1024 * 1024
#: Target size of a chunk of an extended array (bytes).
CHUNK_BYTES = 128 * 1024
#: Memory a pending write costs besides its data (tuple, array header), counted in the bound.
ENTRY_OVERHEAD = 128


def scan_chunk_shape(shape: tuple[int, ...], n_scan_dims: int, itemsize: int,
                     target: int = CHUNK_BYTES) -> tuple[int, ...]:
    """Chunk shape of an extended array of ``shape`` whose first ``n_scan_dims`` axes are the
    scan: whole points, then as many points along the fastest scan axes as fit in ``target``
    bytes (at least one point per chunk)."""
    shape = tuple(max(int(s), 1) for s in shape)
    point = shape[n_scan_dims:]
    chunk = list(point)
    size = max(int(np.prod(point, dtype=np.int64)) * itemsize, 1)
    scan = list(shape[:n_scan_dims])
    tail: list[int] = []
    for n in reversed(scan):
        fit = max(1, min(n, target // size))
        fit = -(-n // -(-n // fit))  # the same number of chunks, evenly filled
        tail.insert(0, fit)
        size *= fit
        if fit < n:
            tail[:0] = [1] * (len(scan) - len(tail))
            break
    return tuple(tail + chunk)


def coalesce(writes: Iterable[PreparedWrite], max_block_bytes: int = MAX_BLOCK_BYTES,
             ) -> Iterator[tuple[Any, tuple[Any, ...], np.ndarray, bool]]:
    """Group prepared writes into ``(handle, selection, value, is_block)`` slice writes.

    Writes are grouped per array (first-seen order) and sorted by index; each run of
    consecutive indexes along the last extended dimension (same leading indexes) becomes one
    write whose selection ends with a ``slice`` and whose value stacks the points (runs are cut
    so that no stack exceeds ``max_block_bytes``). A lone point keeps its integer indexes
    (``is_block`` False). When an index is written twice, the later write wins (the sort is
    stable and later points come last in their run).
    """
    by_handle: dict[int, tuple[Any, list[tuple[tuple[int, ...], np.ndarray]]]] = {}
    for handle, idx, value in writes:
        entry = by_handle.get(id(handle))
        if entry is None:
            entry = by_handle[id(handle)] = (handle, [])
        entry[1].append((idx, value))
    for handle, items in by_handle.values():
        items.sort(key=lambda item: item[0])
        per_point = max(items[0][1].nbytes, 1)
        max_run = max(1, max_block_bytes // per_point)
        start = 0
        while start < len(items):
            head, last = items[start][0], items[start][0][-1]
            stop = start + 1
            while stop < len(items) and stop - start < max_run \
                    and items[stop][0][:-1] == head[:-1] and items[stop][0][-1] == last + 1:
                last += 1
                stop += 1
            if stop - start == 1:
                yield handle, head, items[start][1], False
            else:
                block = np.stack([value for _, value in items[start:stop]])
                yield handle, (*head[:-1], slice(head[-1], last + 1)), block, True
            start = stop


def write_blocks(h5saver: Any, writes: Iterable[PreparedWrite]) -> None:
    """Execute prepared writes (one point or many) in blocks (see :func:`coalesce`).

    Parameters
    ----------
    h5saver : H5SaverLowLevel
        The saver of the file the writes were prepared on (checked writable).
    writes : iterable of (handle, indexes, value)
    """
    h5saver._check_writable()
    backend = h5saver.backend
    for handle, selection, value, is_block in coalesce(writes):
        if is_block:
            backend.write(handle, selection, value)
        else:
            backend.write_point(handle, selection, value)


class PendingPoints:
    """Prepared point writes kept in memory until the next :func:`write_blocks`.

    Values are copied when added (a detector may refill its arrays for the next grab).
    Writes of the current point count only once :meth:`commit` is called, so a point is saved
    for every group or for none; :attr:`nbytes` is what the committed points hold.
    """

    def __init__(self) -> None:
        self._writes: list[PreparedWrite] = []
        self._n_committed = 0
        self._bytes = 0
        self._bytes_committed = 0
        self.n_points = 0

    @property
    def nbytes(self) -> int:
        """Memory held by the committed points (data plus :data:`ENTRY_OVERHEAD` per write)."""
        return self._bytes_committed

    def add(self, writes: Iterable[PreparedWrite]) -> None:
        """Keep (copies of) the prepared writes of the current point."""
        keep = self._writes.append
        for handle, idx, value in writes:
            value = np.array(value, copy=True)
            self._bytes += value.nbytes + ENTRY_OVERHEAD
            keep((handle, idx, value))

    def commit(self) -> None:
        """The current point is complete: keep it."""
        self._n_committed = len(self._writes)
        self._bytes_committed = self._bytes
        self.n_points += 1

    def rollback(self) -> None:
        """Forget the writes of an incomplete point (a later group failed to validate)."""
        del self._writes[self._n_committed:]
        self._bytes = self._bytes_committed

    def take(self) -> list[PreparedWrite]:
        """Everything committed, forgotten here (the caller writes it)."""
        self.rollback()
        writes, self._writes = self._writes, []
        self._n_committed = self._bytes = self._bytes_committed = 0
        self.n_points = 0
        return writes

    def restore(self, writes: list[PreparedWrite], n_points: int) -> None:
        """Put back writes returned by :meth:`take` whose writing failed (retried later)."""
        self.rollback()
        self._writes[:0] = writes
        self._n_committed = len(self._writes)
        added = sum(v.nbytes + ENTRY_OVERHEAD for _, _, v in writes)
        self._bytes += added
        self._bytes_committed += added
        self.n_points += n_points


__all__ = ["MAX_BLOCK_BYTES", "PendingPoints", "PreparedWrite", "coalesce", "scan_chunk_shape",
           "write_blocks"]
