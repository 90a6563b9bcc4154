"""``PicoStreamReader``: PicoStream's reader API over picoscope stream files, in mV with times.

Works on files written by ``daqcore picostream`` (append and live-only ring files, one or
several channels, also while they are being written) and on PicoStream's own files (one
``adc_counts`` dataset). Values are converted from ADC counts to millivolts,
``mV = counts · range_mV / max_adc − analog_offset_mV`` (the scope adds the offset before the
ADC; PicoStream writes no offset, so its files read the same), and every block comes with the
times of its values in seconds from the first sample of the stream.

Decimation (``decimation_factor``, ``decimation_mode``) follows
:mod:`~daqcore_plugins.picoscope.decimation`: ``mean`` gives one value per group of
``factor`` samples at the group centre, ``min_max`` two (min then max) at the group start;
the tail of fewer than ``factor`` samples at the end of a request is dropped. The iterator rounds
``chunk_size`` up to a multiple of the factor, so only the end of the file can be dropped.

In aggregate files (``interleaved_format``) a "sample" is one stored value; the pair
``[min, max]`` of a time step shares its time.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

from daqcore.saving.stream_reader import StreamFileReader, StreamRangeError
from daqcore_plugins.picoscope.block_pipeline import BlockPipeline
from daqcore_plugins.picoscope.decimation import (
    check_mode,
    decimate,
    decimated_times,
    decimated_times_into,
    scale_offset,
)
from daqcore_plugins.picoscope.errors import StreamFileError
from daqcore_plugins.picoscope.layout import SINGLE_DATASET

Block = tuple[np.ndarray, np.ndarray]
"""``(times_s, values_mV)``; ``values_mV`` is 1-D for one channel, ``(channels, n)`` for several."""


def _fallback_max_adc(resolution: str) -> int:
    """Max ADC count when a file lacks ``max_adc``: the ps5000a scales every resolution to 16
    bits (32512 at 8 bit, 32767 otherwise), not to ``2**(bits-1) - 1``."""
    return 32512 if "8BIT" in resolution.upper() else 32767


class PicoStreamReader:
    """Read a PicoStream / daqcore picoscope HDF5 file (use as a context manager).

    Parameters
    ----------
    hdf5_path : str or Path
        The file.
    channels : str or sequence of str, optional
        Channels to read (``'A'``, ``'A,B'``); default all. With one channel selected the values
        are 1-D arrays, as in PicoStream.
    """

    def __init__(self, hdf5_path: str | os.PathLike[str],
                 channels: str | list[str] | tuple[str, ...] | None = None) -> None:
        self.hdf5_path = os.fspath(hdf5_path)
        self._channel_request = channels
        self._file: StreamFileReader | None = None
        self._cursor = 0
        self._iterations: weakref.WeakSet[Iterator[Block]] = weakref.WeakSet()

    # ------------------------------------------------------------------ open / close
    def __enter__(self) -> PicoStreamReader:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Open the file and load its metadata (done by ``with``)."""
        if self._file is not None:
            return
        if not os.path.exists(self.hdf5_path):
            raise StreamFileError(f"no such file: {self.hdf5_path!r}")
        try:
            self._file = StreamFileReader(self.hdf5_path, datasets=(SINGLE_DATASET,))
        except Exception as exc:
            raise StreamFileError(f"cannot read {self.hdf5_path!r} as a PicoStream file: "
                                  f"{exc}") from None
        try:
            self._load_metadata()
        except BaseException:
            self.close()
            raise
        self._cursor = self.first_sample

    def close(self) -> None:
        for blocks in list(self._iterations):  # stop their read-ahead before the file closes
            blocks.close()  # type: ignore[attr-defined]
        file, self._file = self._file, None
        if file is not None:
            file.close()

    @property
    def file(self) -> StreamFileReader:
        if self._file is None:
            raise StreamFileError("the reader is not open (use it in a with block)")
        return self._file

    def _load_metadata(self) -> None:
        attrs = self.file.attrs
        if "voltage_range_v" not in attrs or "sample_interval_ns" not in attrs:
            raise StreamFileError(f"{self.hdf5_path!r} lacks voltage_range_v / "
                                  "sample_interval_ns: not a PicoStream file")
        self.attrs: dict[str, Any] = dict(attrs)
        summary = self.file.summary()
        if summary.get("status", "running") != "running":  # counts also when attrs are missing
            for key, value in summary.items():
                self.attrs.setdefault(key, value)
        self.hardware_downsample_ratio = int(attrs.get("hardware_downsample_ratio", 1))
        self.sample_interval_ns = float(attrs["sample_interval_ns"]) \
            * self.hardware_downsample_ratio
        self.voltage_range_v = float(attrs["voltage_range_v"])
        self.max_adc_val = int(attrs.get("max_adc") or _fallback_max_adc(
            str(attrs.get("resolution", ""))))
        self.analog_offset_v = float(attrs.get("analog_offset_v", 0.0))
        self.downsample_mode = str(attrs.get("downsample_mode", "average"))
        self.interleaved = bool(attrs.get("interleaved_format", False))
        self.values_per_step = 2 if self.interleaved else 1
        all_channels = self.file.channels
        if self._channel_request is None:
            selected = all_channels
        else:
            req = self._channel_request
            names = req.split(",") if isinstance(req, str) else list(req)
            selected = tuple(n.strip().upper() for n in names if n.strip())
        try:
            self._indexes = [self.file.channel_index(name) for name in selected]
        except StreamRangeError as exc:
            raise StreamFileError(str(exc)) from None
        self.channels = tuple(selected)
        self._scale_mv: list[tuple[float, float]] = []
        for name in self.channels:
            key = f"channel_{name.lower()}"
            range_v = float(attrs.get(f"{key}_voltage_range_v", self.voltage_range_v))
            offset_v = float(attrs.get(f"{key}_analog_offset_v", self.analog_offset_v))
            self._scale_mv.append((range_v * 1000.0 / self.max_adc_val, offset_v * 1000.0))

    # ------------------------------------------------------------------ extent
    @property
    def num_samples(self) -> int:
        """Samples per channel in the file (a ring file: every sample ever written)."""
        return self.file.total

    @property
    def first_sample(self) -> int:
        """First readable sample (0, or the oldest sample still in a ring)."""
        return self.file.first_available

    @property
    def dt_s(self) -> float:
        """Time between stored values (both values of an aggregate pair share a time)."""
        return self.sample_interval_ns * 1e-9 / self.values_per_step

    def refresh(self) -> int:
        """Catch up with a file being written; return :attr:`num_samples`."""
        return self.file.refresh()

    def reset(self) -> None:
        """Rewind :meth:`get_next_block` to the first readable sample."""
        self._cursor = self.first_sample

    # ------------------------------------------------------------------ conversion
    def counts(self, start: int, size: int, channel: str | None = None) -> np.ndarray:
        """Raw int16 ADC counts ``[start, start + size)`` of one channel (first selected)."""
        index = self._indexes[0] if channel is None else self.file.channel_index(channel)
        try:
            return self.file.read(index, start, size)
        except StreamRangeError as exc:
            raise StreamFileError(str(exc)) from None

    def to_mv(self, counts: np.ndarray, channel_pos: int = 0) -> np.ndarray:
        """ADC counts (or decimated counts) of a selected channel -> millivolts (float64)."""
        scale, offset = self._scale_mv[channel_pos]
        return scale_offset(counts, scale, offset)

    def _times(self, start: int, n: int, factor: int, mode: str) -> np.ndarray:
        dt = self.dt_s
        if self.values_per_step == 2 and factor <= 1:
            steps = np.arange(start // 2, (start + n + 1) // 2)
            return np.repeat(steps * self.sample_interval_ns * 1e-9, 2)[start % 2:][:n]
        return decimated_times(start, n, dt, factor, mode)

    def get_block(self, size: int, start: int = 0, decimation_factor: int = 1,
                  decimation_mode: str = "mean") -> Block:
        """``size`` raw samples from ``start`` (decimated): ``(times_s, values_mV)``."""
        check_mode(decimation_mode)
        size, start = int(size), int(start)
        if size < 0:
            raise StreamFileError(f"size {size} must be >= 0")
        out = []
        for pos, index in enumerate(self._indexes):
            try:
                codes = self.file.read(index, start, size)
            except StreamRangeError as exc:
                raise StreamFileError(str(exc)) from None
            out.append(self.to_mv(decimate(codes, decimation_factor, decimation_mode), pos))
        times = self._times(start, size, decimation_factor, decimation_mode)
        values = out[0] if len(out) == 1 else np.vstack(out)
        return times, values

    def get_next_block(self, chunk_size: int, decimation_factor: int = 1,
                       decimation_mode: str = "mean") -> Block | None:
        """The next ``chunk_size`` samples (fewer at the end); ``None`` at the end of the file."""
        end = self.num_samples
        self._cursor = max(self._cursor, self.first_sample)
        if self._cursor >= end:
            return None
        size = min(int(chunk_size), end - self._cursor)
        block = self.get_block(size, self._cursor, decimation_factor, decimation_mode)
        self._cursor += size
        return block

    def get_block_iter(self, chunk_size: int = 1_000_000, decimation_factor: int = 1,
                       decimation_mode: str = "mean", *, dtype: Any = np.float64,
                       reuse_buffers: bool = False) -> Iterator[Block]:
        """Yield ``(times_s, values_mV)`` over the whole file, ``chunk_size`` raw samples at a time
        (rounded up to a multiple of ``decimation_factor``).

        The file is read ahead in a second thread in pieces of its own size, and decimated and
        converted in one pass (:mod:`~daqcore_plugins.picoscope.block_pipeline`); the blocks
        are the same as :meth:`get_block` would return.

        Parameters
        ----------
        dtype : numpy dtype, optional
            ``np.float32`` halves the memory written per value (mV to ~7 significant digits,
            far below an ADC count); times stay float64.
        reuse_buffers : bool, optional
            Yield the same arrays every block, overwritten by the next one (copy what you
            keep): no new memory per block, the fastest way through a file.
        """
        check_mode(decimation_mode)
        if chunk_size < 1:
            raise StreamFileError(f"chunk_size {chunk_size} must be >= 1")
        if np.dtype(dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise StreamFileError(f"dtype {dtype!r} is not float64 or float32")
        factor = max(1, int(decimation_factor))
        chunk = -(-int(chunk_size) // factor) * factor

        def times(out: np.ndarray | None, start: int, n: int) -> np.ndarray:
            if out is None or (self.values_per_step == 2 and factor <= 1):
                return self._times(start, n, factor, decimation_mode)
            return decimated_times_into(out, start, n, self.dt_s, factor, decimation_mode)

        pipeline = BlockPipeline(self.file, self._indexes, self._scale_mv, self.first_sample,
                                 self.num_samples, chunk, factor, decimation_mode, times,
                                 dtype=dtype, reuse_buffers=reuse_buffers)
        blocks = iter(pipeline)
        self._iterations.add(blocks)
        return blocks

    def __repr__(self) -> str:
        state = "closed" if self._file is None else f"{self.num_samples} samples"
        return f"<PicoStreamReader {self.hdf5_path!r} {state}>"


__all__ = ["Block", "PicoStreamReader"]
