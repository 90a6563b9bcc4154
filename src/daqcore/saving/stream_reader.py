"""Read stream files written by :class:`~daqcore.saving.stream_sink.StreamSink`, also while
they are being written (SWMR), in append or ring mode.

Samples are addressed by their **stream position** ``0 .. total-1`` (the position counts the
samples written to the file, not those lost in gaps). In append mode every position is
readable. In ring mode only the newest ``capacity`` positions are,
``[total - capacity, total)``; :meth:`StreamFileReader.read` maps them onto the ring, and a
position overwritten while it was being read is detected (the head is read again after the
data) and reported with :class:`StreamRangeError`.

Files without the sink's bookkeeping (PicoStream's own files: one ``adc_counts`` dataset) are
read too: their length is the dataset's length.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from daqcore.saving.backends import get_backend
from daqcore.saving.errors import H5FileError, NodeError, SavingError
from daqcore.saving.stream_sink import (
    GAPS_DATASET,
    HEAD_DATASET,
    STATUS_CODES,
    SUMMARY_DATASET,
)


class StreamRangeError(SavingError, IndexError):
    """Positions outside what the stream file holds (or overwritten in a ring during a read)."""


class StreamFileReader:
    """Open a stream file read-only (SWMR when it is being written).

    Parameters
    ----------
    path : str or Path
        The file.
    datasets : sequence of str, optional
        Dataset names when the file has no ``stream_datasets`` attribute (default:
        ``('adc_counts',)``, PicoStream's name).
    """

    def __init__(self, path: str | os.PathLike[str],
                 datasets: Sequence[str] = ("adc_counts",)) -> None:
        self.path = os.fspath(path)
        backend = get_backend("h5py")
        try:
            backend.open(self.path, "r", swmr=True)
        except H5FileError:  # a file in an older format (PicoStream's) cannot be SWMR-read
            backend.open(self.path, "r")
        self._backend: Any = backend
        try:
            root = backend.root()
            self.attrs: dict[str, Any] = {
                name: _plain(backend.get_attr(root, name)) for name in backend.attr_names(root)}
            names = str(self.attrs.get("stream_datasets", "")) or ",".join(datasets)
            self.dataset_names = tuple(names.split(","))
            channels = str(self.attrs.get("stream_channels", ""))
            self.channels = tuple(channels.split(",")) if channels else self.dataset_names
            self._datasets = [backend.get(name) for name in self.dataset_names]
            self._head = backend.child(root, HEAD_DATASET)
            self._gaps = backend.child(root, GAPS_DATASET)
            self._summary = backend.child(root, SUMMARY_DATASET)
        except NodeError as exc:
            backend.close()
            raise H5FileError(f"{self.path!r} is not a stream file: {exc}") from None
        except BaseException:
            backend.close()
            raise
        self.capacity = int(self.attrs.get("ring_capacity", 0) or 0)
        self.is_ring = self.attrs.get("stream_mode") == "ring" and self.capacity > 0
        self._total = 0
        self.refresh()

    # ------------------------------------------------------------------ file
    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> StreamFileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> int:
        """Fetch what the writer flushed since the last call; return :attr:`total`.

        The head is read first, then the data extents: the writer flushes data before the
        head, so every position the head counts is readable.
        """
        if self._head is not None:
            self._backend.refresh(self._head)
        head_total = self._read_head_total()
        for node in (self._gaps, *self._datasets):
            if node is not None:
                self._backend.refresh(node)
        extent = min(self._backend.shape(d)[0] for d in self._datasets)
        self._total = head_total if self._head is not None and self.is_ring else min(
            head_total, extent)
        return self._total

    def _read_head_total(self) -> int:
        if self._head is not None:
            return int(self._backend.read(self._head)[1])
        return min(self._backend.shape(d)[0] for d in self._datasets)

    # ------------------------------------------------------------------ extent
    @property
    def total(self) -> int:
        """Samples per channel written, as of the last :meth:`refresh` (or the opening)."""
        return self._total

    @property
    def first_available(self) -> int:
        """Oldest readable position (0 unless a ring has wrapped)."""
        total = self.total
        return max(0, total - self.capacity) if self.is_ring else 0

    def summary(self) -> dict[str, Any]:
        """The run's counts from ``stream_summary`` (``status``: ``running`` until the end)."""
        if self._summary is None:
            return {}
        self._backend.refresh(self._summary)
        fields = str(self._backend.get_attr(self._summary, "fields")).split(",")
        values = [int(v) for v in self._backend.read(self._summary)]
        out: dict[str, Any] = dict(zip(fields, values, strict=True))
        names = {code: name for name, code in STATUS_CODES.items()}
        out["status"] = names.get(out.get("status_code", 0), "running")
        return out

    def gaps(self) -> np.ndarray:
        """``(k, 2)`` int64 rows: [position of the first sample after a gap, samples lost]."""
        if self._gaps is None:
            return np.zeros((0, 2), dtype=np.int64)
        return np.asarray(self._backend.read(self._gaps), dtype=np.int64).reshape(-1, 2)

    # ------------------------------------------------------------------ data
    def channel_index(self, channel: str | int) -> int:
        """Index of a channel given by name (or dataset name) or number."""
        if isinstance(channel, int):
            if not 0 <= channel < len(self.channels):
                raise StreamRangeError(f"channel index {channel} out of 0..{len(self.channels)}")
            return channel
        for names in (self.channels, self.dataset_names):
            if channel in names:
                return names.index(channel)
        raise StreamRangeError(f"no channel {channel!r} in {self.path!r}; "
                               f"channels: {', '.join(self.channels)}")

    def dtype(self, channel: str | int) -> np.dtype[Any]:
        """Stored dtype of a channel's samples."""
        return np.dtype(self._backend.dtype(self._datasets[self.channel_index(channel)]))

    def read(self, channel: str | int, start: int, n: int,
             out: np.ndarray | None = None) -> np.ndarray:
        """Samples ``[start, start + n)`` of one channel (stream positions)."""
        index = self.channel_index(channel)
        dset = self._datasets[index]
        total = self.total
        lo = self.first_available
        if n < 0 or start < lo or start + n > total:
            raise StreamRangeError(
                f"positions [{start}, {start + n}) are not in the file (holds [{lo}, {total}))")
        if out is None:
            out = np.empty(n, dtype=self._backend.dtype(dset))
        elif out.shape[0] < n:
            raise StreamRangeError(f"out holds {out.shape[0]} samples, {n} requested")
        if not self.is_ring:
            self._backend.read_into(dset, start, out[:n])
            return out[:n]
        pos = start % self.capacity
        first = min(n, self.capacity - pos)
        self._backend.read_into(dset, pos, out[:first])
        if first < n:
            self._backend.read_into(dset, 0, out[first:n])
        if self._head is not None:
            self._backend.refresh(self._head)
            if start < self._read_head_total() - self.capacity:
                raise StreamRangeError(
                    f"positions from {start} were overwritten in the ring while being read")
        return out[:n]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = ["StreamFileReader", "StreamRangeError"]
