"""Buffered logging: appends collected in memory and written in blocks (daqcore extra).

:class:`BufferedTimedSaver` has the API of
:class:`~daqcore.saving.export_savers.DataToExportTimedSaver` (``add_data(where, dte)``) and
writes the same file, but copies each append into preallocated blocks that are written with
one HDF5 append per array when a block is full or when ``flush_period`` seconds have passed
since the oldest buffered row. A background thread enforces that period even when no more
data arrive, so a crash loses at most ``flush_period`` seconds (default 0.5 s) of data.

A block is written for every array or for none: when an append fails, the arrays already
appended are truncated back and the rows stay buffered (the next flush retries them), so the
arrays never differ in length. A failure in the background thread is raised by the next
call (``add_data``, ``flush``, ``stop``, ``close_file``) as :class:`BackgroundWriteError`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from daqcore.saving.dynamic import cast
from daqcore.saving.errors import DataShapeError, SavingError
from daqcore.saving.export_savers import DataToExportTimedSaver, group_by_dim


class BackgroundWriteError(SavingError, RuntimeError):
    """The background thread of a :class:`BufferedTimedSaver` failed to write its rows (they
    are still buffered); raised by the next call."""


@dataclass
class _Slot:
    handle: Any
    buffer: np.ndarray
    row_shape: tuple[int, ...]
    err_handle: Any = None
    err_buffer: np.ndarray | None = None
    path: str = ""
    err_path: str = ""


@dataclass
class _Block:
    slots: dict[tuple[str, int, int], _Slot]
    order: list[tuple[str, list[_Slot]]]  # (DWA name, its channel slots) in DataToExport order
    axis_handle: Any
    axis_buffer: np.ndarray
    count: int = 0
    first_time: float = 0.0
    generation: int = 0  # of the file's handles (reopened to leave SWMR: looked up again)
    axis_path: str = ""

    def resolve(self, backend: Any, generation: int) -> None:
        """Look the handles up again by path after the file was reopened."""
        for slot in self.slots.values():
            slot.handle = backend.get(slot.path)
            if slot.err_handle is not None:
                slot.err_handle = backend.get(slot.err_path)
        self.axis_handle = backend.get(self.axis_path)
        self.generation = generation


class BufferedTimedSaver(DataToExportTimedSaver):
    """Timed (logger) saver writing blocks of rows; see the module docstring.

    Parameters
    ----------
    h5saver : H5SaverLowLevel
    flush_period : float
        Maximum age in seconds of a buffered row before it is written and flushed to disk.
    block_rows : int
        Rows buffered per array before a write.
    background : bool
        Run a thread that writes stale buffers when ``add_data`` is not called. Do not use
        the same ``h5saver`` from another thread meanwhile.
    """

    def __init__(self, h5saver: Any, flush_period: float = 0.5, block_rows: int = 1024,
                 background: bool = True) -> None:
        super().__init__(h5saver)
        if flush_period <= 0 or block_rows < 1:
            raise DataShapeError("flush_period must be > 0 and block_rows >= 1")
        self.flush_period = float(flush_period)
        self.block_rows = int(block_rows)
        self._blocks: dict[str, _Block] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="daqcore-buffered-saver",
                                            daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ background
    def _run(self) -> None:
        interval = self.flush_period / 4
        while not self._stop.wait(interval):
            with self._lock:
                if not self._h5saver.isopen():
                    break  # the file was closed: nothing left to flush
                now = time.monotonic()
                if any(b.count and now - b.first_time >= self.flush_period
                       for b in self._blocks.values()):
                    try:
                        self._write_blocks(flush=True)
                    except Exception as exc:  # raised by the next call
                        self._error = exc
                        break

    def _raise_background_error(self) -> None:
        error, self._error = self._error, None
        if error is not None:
            raise BackgroundWriteError(
                f"writing buffered rows in the background failed: {type(error).__name__}: "
                f"{error} (the rows are still buffered)") from error

    # ------------------------------------------------------------------ writing
    def _make_block(self, where: Any, wkey: str, data: Any) -> _Block:
        saver = self._h5saver
        backend = saver.backend
        slots: dict[tuple[str, int, int], _Slot] = {}
        for dim, dwas in group_by_dim(data):
            for ind, dwa in enumerate(dwas):
                path = self._channel_group(where, wkey, dim, ind, dwa)
                target = self._data_saver._targets[saver.where_key(path)]
                for ich, handle in enumerate(target.data):
                    row = target.value_shape
                    dtype = target.dtypes[ich]
                    slot = _Slot(handle, np.empty((self.block_rows, *row), dtype=dtype), row,
                                 path=backend.path(handle))
                    if target.errors is not None:
                        slot.err_handle = target.errors[ich]
                        slot.err_path = backend.path(slot.err_handle)
                        slot.err_buffer = np.empty((self.block_rows, *row), dtype=np.float64)
                    slots[(dim, ind, ich)] = slot
        axis_handle = self._nav_axes(where, wkey)[0]
        axis_path = backend.path(axis_handle)
        index_in_dim: dict[str, int] = {}
        order = []
        for dwa in data:
            dim = dwa.dim.name
            ind = index_in_dim.get(dim, 0)
            index_in_dim[dim] = ind + 1
            order.append((dwa.name, [slots[(dim, ind, ich)] for ich in range(len(dwa))]))
        return _Block(slots, order, axis_handle, np.empty(self.block_rows, dtype=np.float64),
                      generation=saver._generation, axis_path=axis_path)

    def add_data(self, where: Any, data: Any, settings_as_xml: str = "",  # type: ignore[override]
                 **kwargs: Any) -> None:
        """Buffer one DataToExport (the first call per ``where`` writes directly)."""
        with self._lock:
            self._raise_background_error()
            saver = self._h5saver
            saver._check_writable()
            wkey = saver.where_key(where)
            block = self._blocks.get(wkey)
            if block is None:
                super().add_data(where, data, settings_as_xml=settings_as_xml, **kwargs)
                self._blocks[wkey] = self._make_block(where, wkey, data)
                return
            i = block.count
            dwas = list(data)
            if len(dwas) != len(block.order):
                raise DataShapeError(f"the DataToExport has {len(dwas)} DataWithAxes, {wkey!r} "
                                     f"logs {len(block.order)}")
            for dwa, (name, slots) in zip(dwas, block.order):
                channels = dwa.data
                if dwa.name != name or len(channels) != len(slots):
                    raise DataShapeError(f"{dwa.name!r} ({len(channels)} channels) does not "
                                         f"match the logged {name!r} ({len(slots)} channels)")
                errors = dwa.errors
                for ich, (arr, slot) in enumerate(zip(channels, slots)):
                    if arr.shape != slot.row_shape:
                        raise DataShapeError(
                            f"{dwa.name!r} channel {ich} ({arr.shape}) does not match the "
                            f"logged rows {slot.row_shape} of {wkey!r}")
                    if arr.dtype != slot.buffer.dtype:
                        arr = cast(arr, slot.buffer.dtype, what=dwa.name)
                    slot.buffer[i] = arr
                    if slot.err_buffer is not None:
                        slot.err_buffer[i] = errors[ich] if errors is not None else np.nan
            block.axis_buffer[i] = data.timestamp
            now = time.monotonic()
            if i == 0:
                block.first_time = now
            block.count = i + 1
            if block.count == self.block_rows:
                self._write_block(block)
            if block.count and now - block.first_time >= self.flush_period:
                self._write_blocks(flush=True)
            elif now - saver._last_flush >= self.flush_period:
                saver.flush()

    def _write_block(self, block: _Block) -> None:
        n = block.count
        if not n:
            return
        saver = self._h5saver
        backend = saver.backend
        if block.generation != saver._generation:
            block.resolve(backend, saver._generation)
        targets: list[tuple[Any, np.ndarray]] = []
        for slot in block.slots.values():
            targets.append((slot.handle, slot.buffer))
            if slot.err_buffer is not None:
                targets.append((slot.err_handle, slot.err_buffer))
        targets.append((block.axis_handle, block.axis_buffer))
        done: list[tuple[Any, int]] = []
        try:
            for handle, buffer in targets:
                before = backend.shape(handle)[0]
                backend.append(handle, buffer[:n])
                done.append((handle, before))
        except BaseException:
            for handle, before in done:  # a row for every array or for none
                backend.truncate(handle, before)
            raise
        for handle, _ in done:
            saver._mark_stale(handle)
        block.count = 0
        saver.file.resume_swmr()

    def _write_blocks(self, flush: bool) -> None:
        for block in self._blocks.values():
            self._write_block(block)
        if flush:
            self._h5saver.flush()

    def flush(self) -> None:
        """Write every buffered row and flush the file (raises a background failure)."""
        with self._lock:
            self._raise_background_error()
            if self._h5saver.isopen():
                self._write_blocks(flush=True)

    def stop(self) -> None:
        """Stop the background thread (buffers are written first, even if that raises)."""
        try:
            self.flush()
        finally:
            self._stop.set()
            if self._thread is not None and self._thread is not threading.current_thread():
                self._thread.join(timeout=2)

    def close_file(self) -> None:
        """Write the buffers, stop the thread and close the file (closed even on failure)."""
        try:
            self.stop()
        finally:
            with self._lock:
                self._blocks.clear()
                self._h5saver.close_file()


__all__ = ["BackgroundWriteError", "BufferedTimedSaver"]
