"""The whole-file read behind :meth:`PicoStreamReader.get_block_iter`: read ahead in a thread,
decimate and convert in one pass, recycle the arrays of dropped blocks.

* The file is read in **units** of about :data:`READ_SAMPLES` samples per channel (a multiple of
  the decimation factor), independent of the caller's ``chunk_size``, into an int16 buffer
  allocated once, by a worker thread (HDF5 and the numba kernels release the GIL), units queued
  ahead: the read goes on while the caller uses the previous block.
* Each output block is filled unit by unit by :func:`decimate_into`, which writes the mV
  values straight into the block's array (no float intermediate, no ``vstack``); the times come
  from a one-pass kernel.
* Blocks and units both start on the group grid of the request (``first + k·factor``), so the
  output is the same as decimating each block on its own.

``reuse_buffers=True`` also reuses the output arrays (the yielded arrays are overwritten by the
next iteration). By default every block is a new array, as in PicoStream, except that arrays of
a block the caller no longer refers to (not even through a view) are recycled for a later block.
"""

from __future__ import annotations

import queue
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from daqcore.saving.stream_reader import StreamFileReader, StreamRangeError
from daqcore_plugins.picoscope.decimation import (
    decimate_into,
    output_length,
)
from daqcore_plugins.picoscope.errors import StreamFileError

READ_SAMPLES = 1 << 20
"""Samples per channel in one unit of work (2 MiB of int16: the buffers stay in the caches)."""
WORKERS = 1
"""Threads that read and convert units. One: on this 2-core VM two workers (one copying from
HDF5, which lets one thread read at a time, while the other decimates) used ~2x the CPU per
sample and were slower whenever other processes were running (measured 2026-12-03: 0.6 vs 1.2
ns/sample; 1.4-1.9 vs 0.6-0.7 GS/s for ``min_max`` f = 1000)."""
CONVERT_IN_WORKER = False
"""``False`` (default): the worker only reads, the caller's thread decimates/converts, so the
HDF5 read and the arithmetic overlap on two cores. ``True``: the worker reads and converts each
unit (one core; better when other processes keep both cores busy). Measured on the idle 2-core
VM (2026-12-03, ratio to raw ``read_direct``): float64 0.41 vs 0.21, ``min_max`` f = 10 0.74 vs
0.42, f = 1000 0.95 vs 0.76; see docs/picoscope.md."""
IN_FLIGHT = 3
"""Units queued ahead, so the worker never sleeps between units (waking a thread costs ~0.1 ms
on a VM) and reads on while the caller uses a block."""
BIG_BLOCK_BYTES = 64 << 20
"""Output blocks bigger than this are computed one at a time (memory)."""
SPECIALISE_MIN_SAMPLES = 1 << 24
"""Requests from this many samples per channel on use the kernels compiled for the factor."""
RECYCLE_DEPTH = IN_FLIGHT + 4
"""Yielded blocks watched for recycling (see ``BlockPipeline._recycle``)."""

Block = tuple[np.ndarray, np.ndarray]
TimesFn = Callable[[np.ndarray | None, int, int], np.ndarray]
Outputs = list[Any]  # [times or None, values]


class BlockPipeline:
    """One pass over ``[start, end)`` of a stream file in blocks of ``chunk`` samples.

    The range is cut into **units** of about :data:`READ_SAMPLES` samples: whole blocks when the
    blocks are small, parts of one block when they are big. :data:`WORKERS` thread(s) each read a
    unit into their own int16 buffer and decimate/convert it into the block's output arrays
    (and fill the block's times when the unit holds its first sample); the caller's thread
    allocates the outputs, queues :data:`IN_FLIGHT` units ahead and yields each block, in order,
    once its last unit is done.

    Parameters
    ----------
    file : StreamFileReader
        The open file.
    indexes, scales : list
        Dataset index and ``(scale, offset)`` (counts -> mV) of each selected channel.
    start, end, chunk : int
        Range of stream positions and block length (a multiple of ``factor``).
    factor, mode : int, str
        Decimation.
    times : callable
        ``times(out_or_None, block_start, block_len)`` -> the block's times.
    dtype : numpy dtype
        Dtype of the values (float64 or float32).
    reuse_buffers : bool
        Recycle a block's arrays once the caller asked for the next block.
    """

    def __init__(self, file: StreamFileReader, indexes: list[int],
                 scales: list[tuple[float, float]], start: int, end: int, chunk: int,
                 factor: int, mode: str, times: TimesFn, dtype: Any = np.float64,
                 reuse_buffers: bool = False) -> None:
        self.file, self.indexes, self.scales = file, indexes, scales
        self.start, self.end, self.chunk = start, end, chunk
        self.factor, self.mode, self.times = max(1, factor), mode, times
        self.dtype = np.dtype(dtype)
        self.reuse_buffers = reuse_buffers
        self.piece = max(1, READ_SAMPLES // self.factor) * self.factor
        self.specialise = end - start >= SPECIALISE_MIN_SAMPLES
        self._spare: list[Outputs] = []
        self._yielded: list[Outputs] = []
        self._buffers: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()

    # ------------------------------------------------------------------ geometry
    def _units(self) -> list[tuple[int, int]]:
        if self.chunk <= self.piece:
            per = max(1, self.piece // self.chunk) * self.chunk
            return [(s, min(per, self.end - s)) for s in range(self.start, self.end, per)]
        units = []
        for block in range(self.start, self.end, self.chunk):
            block_end = min(block + self.chunk, self.end)
            units += [(s, min(self.piece, block_end - s))
                      for s in range(block, block_end, self.piece)]
        return units

    def _block_span(self, j: int) -> tuple[int, int]:
        first = self.start + j * self.chunk
        return first, min(self.chunk, self.end - first)

    def _outputs(self, j: int) -> Outputs:
        n_out = output_length(self._block_span(j)[1], self.factor, self.mode)
        if not self.reuse_buffers:  # blocks the caller let go of (see _recycle)
            for k in range(len(self._yielded)):
                old = self._yielded[k]
                if old[1].shape[1] == n_out and _unreferenced(old):
                    del self._yielded[k]
                    return old
        for k, spare in enumerate(self._spare):
            if spare[1].shape[1] == n_out:
                return self._spare.pop(k)
        return [None, np.empty((len(self.indexes), n_out), dtype=self.dtype)]

    def _recycle(self, outputs: Outputs) -> None:
        """After a block was yielded: with ``reuse_buffers`` its arrays are free for the next
        blocks; otherwise they are kept aside and reused only once nothing but this pipeline
        refers to them any more (the caller dropped the block and every view of it: a view
        holds a reference to its base). Writing into fresh arrays costs page faults (~2x the
        time of writing into recycled ones), which dominates an undecimated read."""
        if self.reuse_buffers:
            self._spare.append(outputs)
            return
        self._yielded.append(outputs)
        if len(self._yielded) > RECYCLE_DEPTH:
            del self._yielded[0]

    # ------------------------------------------------------------------ worker threads
    def _read_unit(self, unit: tuple[int, int]) -> np.ndarray:
        first, n = unit
        buffer = self._buffers.get()
        try:
            for row, index in enumerate(self.indexes):
                self.file.read(index, first, n, out=buffer[row])
        except StreamRangeError as exc:
            self._buffers.put(buffer)
            raise StreamFileError(str(exc)) from None
        except BaseException:
            self._buffers.put(buffer)
            raise
        return buffer

    def _convert_unit(self, unit: tuple[int, int], blocks: list[tuple[int, Outputs]],
                      buffer: np.ndarray) -> None:
        first, n = unit
        try:
            for j, outputs in blocks:
                block_start, block_len = self._block_span(j)
                lo, hi = max(block_start, first), min(block_start + block_len, first + n)
                at = output_length(lo - block_start, self.factor, self.mode)
                n_out = output_length(hi - lo, self.factor, self.mode)
                for row, (scale, shift) in enumerate(self.scales):
                    decimate_into(buffer[row, lo - first:hi - first], self.factor, self.mode,
                                  outputs[1][row, at:at + n_out], scale, shift, self.specialise)
                if first <= block_start < first + n:  # into recycled times if any
                    outputs[0] = self.times(outputs[0], block_start, block_len)
        finally:
            self._buffers.put(buffer)

    def _work(self, unit: tuple[int, int], blocks: list[tuple[int, Outputs]]) -> None:
        self._convert_unit(unit, blocks, self._read_unit(unit))

    # ------------------------------------------------------------------ iteration
    def __iter__(self) -> Iterator[Block]:
        if self.start >= self.end:
            return
        units = self._units()
        width = max(n for _, n in units)
        in_worker = CONVERT_IN_WORKER
        for _ in range(WORKERS if in_worker else WORKERS + IN_FLIGHT):
            self._buffers.put(np.empty((len(self.indexes), width),
                                       dtype=self.file.dtype(self.indexes[0])))
        block_bytes = (output_length(self.chunk, self.factor, self.mode)
                       * (len(self.indexes) * self.dtype.itemsize + 8))
        executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="picostream-read")
        pending: deque[tuple[int, list[tuple[int, Outputs]], Future[Any]]] = deque()
        alive: dict[int, Outputs] = {}
        next_unit = 0

        def schedule() -> None:
            nonlocal next_unit
            while len(pending) < IN_FLIGHT and next_unit < len(units):
                first, n = units[next_unit]
                j0 = (first - self.start) // self.chunk
                j1 = (first + n - 1 - self.start) // self.chunk
                if j0 not in alive and alive and block_bytes > BIG_BLOCK_BYTES:
                    return  # one big block at a time
                for j in range(j0, j1 + 1):
                    if j not in alive:
                        alive[j] = self._outputs(j)
                blocks = [(j, alive[j]) for j in range(j0, j1 + 1)]
                future = executor.submit(self._work if in_worker else self._read_unit,
                                         *((units[next_unit], blocks) if in_worker
                                           else (units[next_unit],)))
                pending.append((next_unit, blocks, future))
                next_unit += 1

        try:
            schedule()
            while pending:
                u, blocks, future = pending.popleft()
                done = future.result()
                if not in_worker:  # read by the worker, converted here meanwhile it reads on
                    self._convert_unit(units[u], blocks, done)
                unit_end = units[u][0] + units[u][1]
                for j in sorted(alive):
                    block_start, block_len = self._block_span(j)
                    if block_start + block_len > unit_end:
                        break
                    outputs = alive.pop(j)
                    schedule()
                    times, values = outputs
                    yield times, (values[0] if len(self.indexes) == 1 else values)
                    del times, values
                    self._recycle(outputs)
                schedule()
        finally:
            for _, _, future in pending:
                future.cancel()
            executor.shutdown(wait=True)  # a unit in progress ends before the buffers go


def _unreferenced(outputs: Outputs) -> bool:
    """Only ``outputs`` refers to its arrays (``sys.getrefcount`` counts its argument too)."""
    times, values = outputs
    del outputs
    return sys.getrefcount(values) == 3 and (times is None or sys.getrefcount(times) == 3)


__all__ = ["BIG_BLOCK_BYTES", "IN_FLIGHT", "READ_SAMPLES", "SPECIALISE_MIN_SAMPLES", "WORKERS",
           "BlockPipeline"]
