"""The stream sink: contiguous appends of large blocks of N named channels into an HDF5 file.

A :class:`StreamSink` subscribes to a stream run (:class:`~daqcore.data.records.RunStart`,
:class:`~daqcore.data.records.BlockRecord` ..., :class:`~daqcore.data.records.RunStop`) and owns
its file from the first record to the last:

* **RunStart** creates the file (replacing an old one), one 1-D chunked dataset per channel
  (``plan['channels']``, all of ``plan['dtype']``), the bookkeeping datasets below and every
  attribute (the sink's ``attrs``, ``plan['attrs']`` of the source, the run's metadata), then
  switches the file to SWMR so readers can open it during the run;
* each **BlockRecord** is appended to every channel (or written into the ring), the data
  datasets are flushed, then ``stream_head`` is rewritten and flushed, so a reader that sees a
  head value also sees the samples it counts, and a writer killed at any moment leaves a file
  holding every block flushed before the kill;
* **RunStop** writes the final head and ``stream_summary``, closes the SWMR file, reopens it to
  store the run's counts and status as attributes too (skipped when a reader still holds the
  file locked after ``attrs_timeout``; ``StreamSink.attrs_written`` says which), reopens it
  read-only and checks the stored sample count
  against the producer's count (``n_produced − n_lost_pool − n_lost_write``); a mismatch raises
  :class:`StreamVerificationError` (the run then ends ``failed``).

The file is closed on every path (:meth:`close` is idempotent; an exception in any step closes
it before propagating).

Layout (every name configurable through ``dataset_names``)::

    /<dataset of channel 1>   int16 (or the stream dtype), shape (n,) or (capacity,) in ring mode
    /<dataset of channel 2>   ...
    /stream_head              int64 (2,): [write_pos, total_written]
    /stream_gaps              int64 (k, 2): [sample index in the file, samples lost before it]
    /stream_summary           int64 counts written at the end of the run (attribute ``fields``
                              names them: n_produced ... status_code, stop_time_ns,
                              overrange_<ch>), visible to live readers
    root attributes           stream_format, stream_channels, stream_datasets, stream_mode,
                              ring_capacity, run_uid, title, <source attrs>, <metadata>;
                              after the run: n_produced, n_written, n_lost, n_lost_pool,
                              n_lost_write, n_lost_device, n_stalls, n_blocks, overrange_<ch>,
                              run_status, run_error, stop_time

**Ring mode** (``ring_samples``): each channel dataset has a fixed length ``capacity`` and is
written circularly; ``stream_head[1]`` counts every sample ever written, ``stream_head[0] =
total % capacity`` is where the next one goes, so the newest ``min(total, capacity)`` samples
are, in order, ``data[head:] + data[:head]`` once the ring has wrapped. The file never grows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from daqcore.data.records import BlockRecord, Record, RunStart, RunStop
from daqcore.saving.backends import get_backend
from daqcore.saving.errors import H5FileError, SavingError

STREAM_FORMAT = "daqcore-stream-1"
HEAD_DATASET = "stream_head"
GAPS_DATASET = "stream_gaps"
SUMMARY_DATASET = "stream_summary"
SUMMARY_FIELDS: tuple[str, ...] = (
    "n_produced", "n_written", "n_lost", "n_lost_pool", "n_lost_write", "n_lost_device",
    "n_stalls", "n_blocks", "status_code", "stop_time_ns")
"""Fields of ``stream_summary`` (then ``overrange_<channel>`` per channel)."""
STATUS_CODES: dict[str, int] = {"finished": 1, "stopped": 2, "failed": 3}
"""``status_code`` in ``stream_summary``: 0 while running."""


class StreamSinkError(SavingError, RuntimeError):
    """The stream sink got records out of order or a block it cannot store."""


class StreamVerificationError(StreamSinkError):
    """The file does not hold the number of samples the producer says was written."""


@dataclass(frozen=True)
class Verification:
    """Result of the post-run check of a stream file."""

    ok: bool
    expected: int
    stored: int
    message: str


AttrSource = Mapping[str, Any] | Callable[[RunStart], Mapping[str, Any]]


def _attr_value(value: Any) -> Any:
    if isinstance(value, (str, bool, int, float, np.generic, np.ndarray)):
        return value
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    if isinstance(value, (tuple, list)):
        return np.asarray(value)
    return str(value)


class StreamSink:
    """Write a stream run into one HDF5 file (see the module docstring for the layout).

    Parameters
    ----------
    path : str or Path
        File to create (an existing file is replaced when the run starts).
    dataset_names : mapping or callable, optional
        Channel name -> dataset name, or ``f(channels) -> mapping``. Default: the channel name.
    attrs : mapping or callable, optional
        Root attributes, or ``f(run_start) -> mapping``; written at RunStart with
        ``plan['attrs']`` and the run metadata.
    ring_samples : int, optional
        Live-only ring mode: keep only the newest ``ring_samples`` samples per channel.
    chunk_samples : int
        HDF5 chunk length (samples); capped to the ring capacity.
    swmr : bool
        Open the file for single-writer/multiple-reader access during the run.
    verify : bool
        Re-open the file after the run and check its sample count.
    """

    def __init__(self, path: str | os.PathLike[str], *,
                 dataset_names: Mapping[str, str] | Callable[[tuple[str, ...]],
                                                              Mapping[str, str]] | None = None,
                 attrs: AttrSource | None = None, ring_samples: int | None = None,
                 chunk_samples: int = 1 << 20, swmr: bool = True, verify: bool = True) -> None:
        if ring_samples is not None and int(ring_samples) < 1:
            raise StreamSinkError(f"ring_samples {ring_samples} must be >= 1")
        if int(chunk_samples) < 1:
            raise StreamSinkError(f"chunk_samples {chunk_samples} must be >= 1")
        self.path = Path(path)
        self._names_spec = dataset_names
        self._attrs_spec = attrs
        self.ring_samples = None if ring_samples is None else int(ring_samples)
        self.chunk_samples = int(chunk_samples)
        self.swmr = swmr
        self.verify = verify
        self.verification: Verification | None = None
        self.attrs_written = False
        self.attrs_timeout = 1.0
        self._summary: Any = None
        self._backend: Any = None
        self._datasets: list[Any] = []
        self._head: Any = None
        self._gaps: Any = None
        self._channels: tuple[str, ...] = ()
        self._uid = ""
        self.total = 0
        self.n_gaps = 0
        self.n_lost_seen = 0
        self._head_buf = np.zeros(2, dtype=np.int64)

    # ------------------------------------------------------------------ records
    def __call__(self, record: Record) -> None:
        if isinstance(record, BlockRecord):
            self._on_block(record)
        elif isinstance(record, RunStart):
            self._on_start(record)
        elif isinstance(record, RunStop):
            self._on_stop(record)

    @property
    def is_open(self) -> bool:
        return self._backend is not None and self._backend.isopen

    def close(self) -> None:
        """Close the file if it is open (idempotent, never raises for a closed sink)."""
        backend, self._backend = self._backend, None
        self._datasets, self._head, self._gaps, self._summary = [], None, None, None
        if backend is not None:
            backend.close()

    # ------------------------------------------------------------------ start
    def _dataset_names(self, channels: tuple[str, ...]) -> dict[str, str]:
        spec = self._names_spec
        names = dict(spec(channels) if callable(spec) else (spec or {}))
        out = {ch: str(names.get(ch, ch)) for ch in channels}
        reserved = {HEAD_DATASET, GAPS_DATASET, SUMMARY_DATASET}
        if len(set(out.values())) != len(out) or reserved & set(out.values()):
            raise StreamSinkError(f"dataset names {out} must be distinct and not {reserved}")
        return out

    def _on_start(self, start: RunStart) -> None:
        if self._backend is not None:
            raise StreamSinkError("RunStart received twice; one sink records one run")
        channels = tuple(start.plan.get("channels", ()))
        if not channels:
            raise StreamSinkError("the stream plan names no channel")
        dtype = np.dtype(start.plan.get("dtype", "int16"))
        names = self._dataset_names(channels)
        attrs: dict[str, Any] = {}
        spec = self._attrs_spec
        if spec is not None:
            attrs.update(spec(start) if callable(spec) else spec)
        attrs.update(start.plan.get("attrs", {}))
        attrs.update(start.metadata)
        if self.path.is_dir():
            raise StreamSinkError(f"{self.path} is a directory, not a file to write")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                self.path.unlink()
        except OSError as exc:
            raise StreamSinkError(f"cannot create {self.path}: {exc}") from None
        backend = get_backend("h5py")
        if not hasattr(backend, "create_stream_array"):
            raise StreamSinkError("the HDF5 backend cannot write streams")
        backend.open(str(self.path), "w", swmr=self.swmr)
        self._backend = backend
        try:
            root = backend.root()
            chunk = min(self.chunk_samples, self.ring_samples or self.chunk_samples)
            self._datasets = [backend.create_stream_array(root, names[ch], dtype, chunk,
                                                          self.ring_samples)
                              for ch in channels]
            # small datasets rewritten in place are chunked: a SWMR reader's refresh then
            # drops their cached content (a contiguous dataset's value stays in the reader's
            # sieve buffer)
            self._head = backend.create_stream_array(root, HEAD_DATASET, np.int64, 2, 2)
            self._gaps = backend.create_earray(root, GAPS_DATASET, np.int64, (2,))
            n_fields = len(self._summary_fields(channels))
            self._summary = backend.create_stream_array(root, SUMMARY_DATASET, np.int64,
                                                        n_fields, n_fields)
            backend.set_attr(self._summary, "fields", ",".join(self._summary_fields(channels)))
            fixed = {
                "stream_format": STREAM_FORMAT,
                "stream_channels": ",".join(channels),
                "stream_datasets": ",".join(names[ch] for ch in channels),
                "stream_mode": "ring" if self.ring_samples else "append",
                "ring_capacity": np.int64(self.ring_samples or 0),
                "run_uid": start.uid,
                "title": start.title,
                "start_time": float(start.time),
            }
            if "sample_interval" in start.plan:
                fixed["sample_interval_s"] = float(start.plan["sample_interval"])
            for key, value in {**fixed, **attrs}.items():
                backend.set_attr(root, str(key), _attr_value(value))
            if self.swmr:
                backend.start_swmr()
            backend.flush()
        except BaseException:
            self.close()
            raise
        self._channels = channels
        self._uid = start.uid

    @staticmethod
    def _summary_fields(channels: tuple[str, ...]) -> list[str]:
        return [*SUMMARY_FIELDS, *(f"overrange_{ch}" for ch in channels)]

    def _write_summary(self, stop: RunStop) -> None:
        fields = self._summary_fields(self._channels)
        values = dict(stop.counts)
        values["status_code"] = STATUS_CODES.get(stop.status, 0)
        values["stop_time_ns"] = int(stop.time * 1e9)
        row = np.array([int(values.get(name, 0)) for name in fields], dtype=np.int64)
        self._backend.write(self._summary, np.s_[:], row)
        self._backend.flush_node(self._summary)

    # ------------------------------------------------------------------ blocks
    def _on_block(self, block: BlockRecord) -> None:
        backend = self._backend
        if backend is None:
            raise StreamSinkError("BlockRecord before RunStart (or after the file was closed)")
        try:
            arrays = [block.channels[ch] for ch in self._channels]
        except KeyError as exc:
            raise StreamSinkError(f"block lacks channel {exc}") from None
        n = int(arrays[0].shape[0])
        if any(a.shape != (n,) for a in arrays):
            raise StreamSinkError("block channels must be 1-D arrays of the same length")
        if block.n_lost_before:
            self._append_gap(block.n_lost_before)
        if self.ring_samples is None:
            for dset, data in zip(self._datasets, arrays):
                backend.append(dset, data)
        else:
            for dset, data in zip(self._datasets, arrays):
                self._ring_write(dset, data)
        for dset in self._datasets:
            backend.flush_node(dset)
        if block.n_lost_before:
            backend.flush_node(self._gaps)
        self.total += n
        self._write_head()

    def _append_gap(self, n_lost: int) -> None:
        self._backend.append(self._gaps, np.array([[self.total, n_lost]], dtype=np.int64))
        self.n_gaps += 1
        self.n_lost_seen += n_lost

    def _ring_write(self, dset: Any, data: np.ndarray) -> None:
        capacity = self.ring_samples
        assert capacity is not None
        n = data.shape[0]
        pos = self.total % capacity
        if n >= capacity:  # only the newest `capacity` samples survive
            skip = n - capacity
            data, pos = data[skip:], (pos + skip) % capacity
            n = capacity
        first = min(n, capacity - pos)
        self._backend.write(dset, np.s_[pos:pos + first], data[:first])
        if first < n:
            self._backend.write(dset, np.s_[0:n - first], data[first:])

    def _write_head(self) -> None:
        capacity = self.ring_samples
        self._head_buf[0] = self.total % capacity if capacity else self.total
        self._head_buf[1] = self.total
        self._backend.write(self._head, np.s_[:], self._head_buf)
        self._backend.flush_node(self._head)

    # ------------------------------------------------------------------ stop
    def _on_stop(self, stop: RunStop) -> None:
        if self._backend is None:
            return  # never started (RunStart failed): nothing to finalise
        # each step is attempted even if an earlier one fails (a full disk): the file is
        # always closed, and the first error is raised at the end
        errors: list[BaseException] = []
        steps = [self._write_head, lambda: self._write_summary(stop),
                 lambda: self._record_trailing_loss(stop.counts), self._backend.flush]
        for step in steps:
            try:
                step()
            except Exception as exc:
                errors.append(exc)
        self.close()
        final: dict[str, Any] = {key: np.int64(value) for key, value in stop.counts.items()}
        final.update(run_status=stop.status, run_error=stop.error, stop_time=float(stop.time),
                     n_samples_stored=np.int64(min(self.total, self.ring_samples or self.total)))
        try:
            self.attrs_written = self._write_final_attrs(final)
            if self.verify and "n_produced" in stop.counts:
                self.verification = self._verify(stop.counts)
                if not self.verification.ok:
                    raise StreamVerificationError(self.verification.message)
        except Exception as exc:
            errors.append(exc)
        if errors:
            raise errors[0]

    def _record_trailing_loss(self, counts: Mapping[str, int]) -> None:
        """A gap row for samples lost after the last block (pool, failed writes)."""
        if "n_produced" not in counts:
            return
        trailing = (int(counts["n_produced"]) + int(counts.get("n_lost_device", 0))
                    - self.total - self.n_lost_seen)
        if trailing > 0:
            self._append_gap(trailing)
            self._backend.flush_node(self._gaps)

    def _write_final_attrs(self, final: Mapping[str, Any]) -> bool:
        """Store the run's outcome as root attributes: the SWMR file is closed and reopened
        (SWMR forbids new attributes). A reader still holding the file locks it: after
        ``attrs_timeout`` s the attributes are skipped (``stream_summary`` has the counts)."""
        deadline = time.monotonic() + self.attrs_timeout
        while True:
            backend = get_backend("h5py")
            try:
                backend.open(str(self.path), "r+")
            except H5FileError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
                continue
            try:
                root = backend.root()
                for key, value in final.items():
                    backend.set_attr(root, key, value)
            finally:
                backend.close()
            return True

    def _verify(self, counts: Mapping[str, int]) -> Verification:
        expected = (int(counts["n_produced"]) - int(counts.get("n_lost_pool", 0))
                    - int(counts.get("n_lost_write", 0)))
        backend = get_backend("h5py")
        backend.open(str(self.path), "r")
        try:
            root = backend.root()
            names = str(backend.get_attr(root, "stream_datasets")).split(",")
            head = backend.read(backend.get(HEAD_DATASET))
            lengths = [backend.shape(backend.get(name))[0] for name in names]
        finally:
            backend.close()
        stored = int(head[1])
        problems = []
        if stored != expected:
            problems.append(f"head counts {stored:,} samples, the producer {expected:,}")
        if self.ring_samples is None and any(n != expected for n in lengths):
            problems.append(f"dataset lengths {lengths} differ from the producer's {expected:,}")
        message = "; ".join(problems) or f"{stored:,} samples per channel, as produced"
        return Verification(not problems, expected, stored, f"{self.path}: {message}")


def wait_for_file(path: str | os.PathLike[str], timeout: float = 5.0) -> bool:
    """Wait until ``path`` exists (a helper for readers started with the writer)."""
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


__all__ = [
    "GAPS_DATASET",
    "HEAD_DATASET",
    "STATUS_CODES",
    "STREAM_FORMAT",
    "SUMMARY_DATASET",
    "SUMMARY_FIELDS",
    "StreamSink",
    "StreamSinkError",
    "StreamVerificationError",
    "Verification",
    "wait_for_file",
]
