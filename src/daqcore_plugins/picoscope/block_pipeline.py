"""The whole-file read behind :meth:`PicoStreamReader.get_block_iter`: read ahead in a thread,
decimate and convert in one pass.

* The file is read in **pieces** of about :data:`READ_SAMPLES` samples per channel (a multiple of
  the decimation factor), independent of the caller's ``chunk_size``, into two int16 buffers
  allocated once: a thread reads piece ``i + 1`` (HDF5 releases the GIL while it copies) while
  the caller's thread decimates and converts piece ``i`` (numba kernels release it too), so the
  read and the arithmetic run on two cores.
* Each output block is filled piece by piece by :func:`decimate_into`, which writes the mV
  values straight into the block's array (no int16 intermediate, no ``vstack``); the times come
  from a one-pass kernel.
* Blocks and pieces both start on the group grid of the request (``first + k·factor``), so the
  output is the same as decimating each block on its own.

``reuse_buffers=True`` also reuses the output arrays (the yielded arrays are overwritten by the
next iteration); by default every block is a new array, as in PicoStream.
"""

from __future__ import annotations

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
"""Samples per channel and read (2 MiB of int16: the two buffers stay in the L2/L3 caches)."""
READ_AHEAD = 3
"""Pieces read ahead: the reading thread keeps working instead of sleeping between pieces (waking a
thread costs ~0.1 ms on a VM)."""
SPECIALISE_MIN_SAMPLES = 1 << 24
"""Requests from this many samples per channel on use the kernels compiled for the factor."""

Block = tuple[np.ndarray, np.ndarray]
TimesFn = Callable[[np.ndarray | None, int, int], np.ndarray]


class BlockPipeline:
    """One pass over ``[start, end)`` of a stream file in blocks of ``chunk`` samples.

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
        Yield the same output arrays every block.
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
        self._outputs: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------ reading thread
    def _read(self, buffer: np.ndarray, start: int, n: int) -> tuple[int, int, np.ndarray]:
        for row, index in enumerate(self.indexes):
            try:
                self.file.read(index, start, n, out=buffer[row])
            except StreamRangeError as exc:
                raise StreamFileError(str(exc)) from None
        return start, n, buffer

    # ------------------------------------------------------------------ outputs
    def _new_outputs(self, block_start: int, block_len: int) -> tuple[np.ndarray, np.ndarray]:
        n_out = output_length(block_len, self.factor, self.mode)
        if not self.reuse_buffers:
            values = np.empty((len(self.indexes), n_out), dtype=self.dtype)
            return self.times(None, block_start, block_len), values
        if n_out not in self._outputs:
            self._outputs[n_out] = (np.empty(n_out, dtype=np.float64),
                                    np.empty((len(self.indexes), n_out), dtype=self.dtype))
        times_buf, values = self._outputs[n_out]
        return self.times(times_buf, block_start, block_len), values

    def _convert(self, piece: np.ndarray, pos: int, n: int, block_start: int,
                 values: np.ndarray) -> None:
        offset = output_length(pos - block_start, self.factor, self.mode)
        n_out = output_length(n, self.factor, self.mode)
        for row, (scale, shift) in enumerate(self.scales):
            decimate_into(piece[row, :n], self.factor, self.mode,
                          values[row, offset:offset + n_out], scale, shift, self.specialise)

    # ------------------------------------------------------------------ iteration
    def __iter__(self) -> Iterator[Block]:
        if self.start >= self.end:
            return
        piece = min(self.piece, self.end - self.start)
        buffers = [np.empty((len(self.indexes), piece), dtype=self.file_dtype())
                   for _ in range(READ_AHEAD + 1)]
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="picostream-read")
        pending: deque[Future[tuple[int, int, np.ndarray]]] = deque()
        next_read, turn = self.start, 0

        def submit() -> None:  # the next piece, into the buffer of the piece just finished
            nonlocal next_read, turn
            if next_read < self.end:
                n = min(piece, self.end - next_read)
                pending.append(executor.submit(self._read, buffers[turn], next_read, n))
                next_read, turn = next_read + n, (turn + 1) % len(buffers)

        try:
            for _ in range(READ_AHEAD):
                submit()
            current: tuple[int, int, np.ndarray] | None = None
            for block_start in range(self.start, self.end, self.chunk):
                block_len = min(self.chunk, self.end - block_start)
                times, values = self._new_outputs(block_start, block_len)
                pos, block_end = block_start, block_start + block_len
                while pos < block_end:
                    if current is None or pos >= current[0] + current[1]:
                        current = pending.popleft().result()
                        submit()
                    first, n, data = current
                    take = min(block_end, first + n) - pos
                    self._convert(data[:, pos - first:pos - first + take], pos, take,
                                  block_start, values)
                    pos += take
                yield times, (values[0] if len(self.indexes) == 1 else values)
        finally:
            for future in pending:
                future.cancel()
            executor.shutdown(wait=True)  # a read in progress ends before the buffers go

    def file_dtype(self) -> np.dtype[Any]:
        return self.file.dtype(self.indexes[0])


__all__ = ["READ_AHEAD", "READ_SAMPLES", "SPECIALISE_MIN_SAMPLES", "BlockPipeline"]
