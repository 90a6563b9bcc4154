"""``DataRecorder``: write Joulescope samples to a JLS v1 file (joulescope's own format).

Data comes either from a stream buffer (:meth:`DataRecorder.stream_notify`, the device's
stream-process hook) or from ``samples_get``-style dicts (:meth:`DataRecorder.insert`).
Raw words are stored when available (4 B/sample), else float32 current/voltage/power and
fixed-point range/LSB means (``float32_v2``, 15 B/sample). Each block ends with float32
reductions of ``SAMPLES_PER_REDUCTION`` samples; the file is flushed after every block, so a
recording whose process dies keeps every complete block (:class:`DataReader` recovers them).
"""

from __future__ import annotations

import json
import os
from types import TracebackType
from typing import Any, BinaryIO, Protocol

import numpy as np

from .block_stats import block_stats_numpy
from .errors import RecordingError
from .jls_calibration import decode_calibration, encode_calibration
from .jls_container import (
    TAG_DATA_BINARY,
    TAG_META_JSON,
    TAG_SUBFILE,
    TAG_USER_JSON,
    ContainerWriter,
    array_pack,
)
from .raw_processor import RawProcessor
from .stats import NP_STATS_NAMES, STATS_FIELD_NAMES, pack_records, stats_array_factory
from .stats_v0 import stats_array_clear

#: ``float32_v2`` encoders of the six fields (range and LSBs as fixed-point u8 means).
_SCALE_U8 = {3: 16.0, 4: 15.0, 5: 15.0}


class StreamSource(Protocol):
    """What :meth:`DataRecorder.stream_notify` needs from a stream buffer."""

    @property
    def sample_id_range(self) -> tuple[int, int]: ...
    @property
    def has_raw(self) -> bool: ...
    @property
    def output_sampling_frequency(self) -> float: ...
    @property
    def voltage_range(self) -> int: ...
    def samples_get(self, start: int, stop: int, fields: Any = None) -> Any: ...
    def data_get(self, start: int, stop: int, increment: int | None = None,
                 out: np.ndarray | None = None) -> np.ndarray: ...
    def __len__(self) -> int: ...


def _encode_float_fields(values: dict[str, np.ndarray], count: int) -> bytes:
    arrays: dict[int, np.ndarray] = {}
    for idx, name in enumerate(STATS_FIELD_NAMES):
        x = np.asarray(values[name])[:count]
        if idx in _SCALE_U8:
            arrays[(idx << 4) | 1] = (x.astype(np.float32) * _SCALE_U8[idx]).astype(np.uint8)
        else:
            arrays[(idx << 4) | 1] = x.astype(np.float32)
    return array_pack(arrays, count)


def _encode_reductions(rows: np.ndarray) -> bytes:
    arrays: dict[int, np.ndarray] = {0: rows[:, 0]["length"].astype(np.uint64)}
    for f in range(len(STATS_FIELD_NAMES)):
        for s, name in enumerate(NP_STATS_NAMES[1:], start=1):
            arrays[(f << 4) | s] = rows[:, f][name].astype(np.float32)
    return array_pack(arrays, len(rows))


class DataRecorder:
    """Record Joulescope data to a JLS v1 file.

    Parameters
    ----------
    filehandle
        A path (created, truncated) or a seekable binary file object (left open).
    calibration
        Calibration blob bytes (as stored on the device), an object with a ``data``
        attribute holding them (joulescope's ``Calibration``), or None: then a daqcore
        StreamBuffer's own calibration is stored when recording from it.
    user_data
        JSON-serialisable data stored in the file header.
    start_sample_id
        Where :meth:`stream_notify` starts: None (default, as joulescope) records from the
        buffer's newest sample on; an id still held by the buffer records from there, so a
        recording can include data that arrived before it was started.
    stop_sample_id
        Stream sample id where :meth:`stream_notify` stops recording (None: no limit).
    """

    def __init__(self, filehandle: str | os.PathLike[str] | BinaryIO,
                 calibration: Any = None, user_data: Any = None, *,
                 start_sample_id: int | None = None,
                 stop_sample_id: int | None = None) -> None:
        self._owned: BinaryIO | None = None
        if isinstance(filehandle, (str, os.PathLike)):
            self._owned = open(filehandle, "wb")
            fh: BinaryIO = self._owned
        else:
            fh = filehandle
        self._fh = fh
        self._writer = ContainerWriter(fh)
        self._closed = False
        self._started = False
        self._start_sample_id = start_sample_id
        self._stop_sample_id = stop_sample_id
        self._source: StreamSource | None = None
        self._format = "none"
        self._total = 0
        self._next_id = 0            # stream sample id of the next record's first sample
        self._block_start: int | None = None
        self._pending: list[dict[str, np.ndarray]] = []  # insert(): chunks not written yet
        self._pending_count = 0
        self._processor: RawProcessor | None = None
        self._has_calibration = False
        if user_data is not None:
            self._writer.append(TAG_USER_JSON, json.dumps(user_data).encode("utf-8"))
        blob = getattr(calibration, "data", calibration)
        if blob is not None:
            if not isinstance(blob, (bytes, bytearray)):
                raise RecordingError("calibration must be the calibration blob (bytes) or an "
                                     f"object with a 'data' attribute, got {type(blob).__name__}")
            self._write_calibration(bytes(blob))

    def _write_calibration(self, blob: bytes) -> None:
        cal = decode_calibration(blob)
        self._processor = RawProcessor()
        self._processor.calibration_set(cal.current_offset, cal.current_gain,
                                        cal.voltage_offset, cal.voltage_gain)
        self._writer.append(TAG_SUBFILE, b"calibration".ljust(128, b"\x00") + blob)
        self._has_calibration = True

    # ------------------------------------------------------------------ context manager
    def __enter__(self) -> DataRecorder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def sample_count(self) -> int:
        """Samples written to the file so far."""
        return self._total

    @property
    def next_sample_id(self) -> int:
        """Stream sample id of the next sample to record."""
        return self._next_id

    # ------------------------------------------------------------------ layout
    def _start(self, sampling_frequency: float, data_format: str,
               input_sampling_frequency: float | None = None) -> None:
        from . import data_recorder as layout

        self._spr = int(layout.SAMPLES_PER_REDUCTION)
        self._spt = self._spr * int(layout.REDUCTIONS_PER_TLV)
        self._spb = self._spt * int(layout.TLVS_PER_BLOCK)
        self._fs = float(sampling_frequency)
        self._format = data_format
        self._reduction = stats_array_factory(self._spb // self._spr)
        config = {
            "type": "config",
            "data_recorder_format_version": layout.DATA_RECORDER_FORMAT_VERSION,
            "sampling_frequency": self._fs,
            "input_sampling_frequency": float(input_sampling_frequency or self._fs),
            "samples_per_reduction": self._spr,
            "samples_per_tlv": self._spt,
            "samples_per_block": self._spb,
            "reduction_fields": list(STATS_FIELD_NAMES),
            "data_format": data_format,
            "reduction_format": "v2",
        }
        self._writer.append(TAG_META_JSON, json.dumps(config).encode("utf-8"))
        self._writer.collection_start(0)
        self._started = True

    def _block_begin(self, v_range: int) -> None:
        data = json.dumps({"v_range": int(v_range), "sample_id": self._next_id})
        self._writer.collection_start(1, data.encode("utf-8"))
        self._block_start = self._next_id

    def _block_end(self) -> None:
        assert self._block_start is not None
        rows = (self._next_id - self._block_start) // self._spr
        self._writer.collection_end(_encode_reductions(self._reduction[:rows]))
        stats_array_clear(self._reduction)
        self._block_start = None
        self._fh.flush()  # a killed process keeps every complete block

    def _reduction_rows(self, count: int) -> np.ndarray:
        assert self._block_start is not None
        r0 = (self._next_id - self._block_start) // self._spr
        return self._reduction[r0:r0 + count // self._spr]

    def _advance(self, count: int) -> None:
        self._next_id += count
        self._total += count
        assert self._block_start is not None
        if self._next_id - self._block_start >= self._spb:
            self._block_end()

    # ------------------------------------------------------------------ stream buffer
    def stream_notify(self, stream_buffer: StreamSource | None) -> bool:
        """Write every complete sample record newly available in ``stream_buffer``.

        Returns False (never asks the device to stop). ``None`` flushes the partial record
        (as at :meth:`close`).
        """
        if self._closed:
            raise RecordingError("stream_notify on a closed DataRecorder")
        finalize = stream_buffer is None
        if stream_buffer is None:
            if self._source is None:
                return False
            stream_buffer = self._source
        sb_start, sb_stop = (int(x) for x in stream_buffer.sample_id_range)
        if self._stop_sample_id is not None and sb_stop >= int(self._stop_sample_id):
            sb_stop = int(self._stop_sample_id)
            finalize = True  # the recording is complete: write the partial record now
        if self._source is None:
            if self._pending_count:
                raise RecordingError("a DataRecorder fed by insert() cannot also take a stream")
            self._source = stream_buffer
            calibration_get = getattr(stream_buffer, "calibration_get", None)
            if not self._has_calibration and callable(calibration_get):
                # a daqcore StreamBuffer knows its calibration: keep it with the raw data
                self._write_calibration(encode_calibration(*calibration_get()))
            fs = float(stream_buffer.output_sampling_frequency)
            in_fs = float(getattr(stream_buffer, "input_sampling_frequency", fs))
            self._start(fs, "raw" if stream_buffer.has_raw else "float32_v2", in_fs)
            first = sb_stop if self._start_sample_id is None else int(self._start_sample_id)
            if not sb_start <= first <= sb_stop:
                raise RecordingError(
                    f"start_sample_id {first} is not held by the stream buffer "
                    f"(holds [{sb_start}, {sb_stop}))")
            if self._spt > len(stream_buffer):
                raise RecordingError(
                    f"stream buffer too small: it holds {len(stream_buffer)} samples, one "
                    f"record needs {self._spt}")
            self._next_id = first
        elif stream_buffer is not self._source:
            raise RecordingError("a DataRecorder records from a single stream buffer")
        if sb_start > self._next_id:
            raise RecordingError(
                f"samples [{self._next_id}, {sb_start}) were overwritten in the stream buffer "
                "before they were recorded (call stream_notify more often or use a longer "
                "buffer)")
        while True:
            stop = self._next_id + self._spt
            if sb_stop < stop:
                if not (finalize and self._next_id < sb_stop):
                    break
                stop = sb_stop
            if self._block_start is None:
                self._block_begin(int(stream_buffer.voltage_range))
            count = stop - self._next_id
            if self._format == "raw":
                segments = getattr(stream_buffer, "raw_segments", None)
                if callable(segments):  # daqcore StreamBuffer: write the ring views, no copy
                    parts = [np.ascontiguousarray(v).data.cast("B")
                             for v in segments(self._next_id, stop)]
                else:
                    raw = np.ascontiguousarray(
                        stream_buffer.samples_get(self._next_id, stop, fields="raw"),
                        dtype=np.uint16)
                    parts = [raw.data.cast("B")]
                self._writer.append_parts(TAG_DATA_BINARY, parts)
            else:
                d = stream_buffer.samples_get(self._next_id, stop, fields=STATS_FIELD_NAMES)
                values = {k: v["value"] for k, v in d["signals"].items()}
                self._writer.append(TAG_DATA_BINARY, _encode_float_fields(values, count))
            rows = self._reduction_rows(count)
            if len(rows):
                stream_buffer.data_get(self._next_id, self._next_id + len(rows) * self._spr,
                                       self._spr, out=rows)
            self._advance(count)
        return False

    # ------------------------------------------------------------------ dicts
    def insert(self, data: dict[str, Any] | None) -> None:
        """Insert samples in the ``samples_get`` dict format (``None`` flushes).

        The first dict fixes the format: ``raw`` when it has a ``raw`` signal, else
        ``float32_v2`` (needs current, voltage, power, current_range, current_lsb,
        voltage_lsb). Consecutive dicts must continue each other's ``sample_id_range``.
        """
        if self._closed:
            raise RecordingError("insert on a closed DataRecorder")
        if self._source is not None:
            raise RecordingError("a DataRecorder fed by stream_notify() cannot also insert()")
        if data is not None:
            self._insert_chunk(data)
        if not self._started:
            return
        while self._pending_count >= self._spt:
            self._write_pending(self._spt)
        if data is None and self._pending_count:
            self._write_pending(self._pending_count)

    def _insert_chunk(self, data: dict[str, Any]) -> None:
        try:
            t = data["time"]
            s0, s1 = (int(x) for x in t["sample_id_range"]["value"])
            signals = {k: np.asarray(v["value"]) for k, v in data["signals"].items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordingError(f"insert() needs a samples_get-style dict: {exc!r}") from None
        if not self._started:
            raw = "raw" in signals
            if not raw:
                missing = [f for f in STATS_FIELD_NAMES if f not in signals]
                if missing:
                    raise RecordingError(f"insert() without 'raw' needs the signals {missing}")
            self._start(float(t["sampling_frequency"]["value"]), "raw" if raw else "float32_v2",
                        float(t.get("input_sampling_frequency", {}).get("value", 0)) or None)
            self._next_id = s0
            self._insert_next = s0
            self._v_range = int(data["signals"]["raw"].get("voltage_range", 0)) if raw else 0
        if s0 != self._insert_next:
            raise RecordingError(f"insert(): samples must be contiguous, expected sample "
                                 f"{self._insert_next}, got {s0}")
        if s1 <= s0:
            return
        if self._format == "raw":
            chunk = {"raw": signals["raw"].reshape(-1, 2).astype(np.uint16, copy=False)}
            for name in ("current", "voltage", "current_range", "current_lsb", "voltage_lsb"):
                if name in signals:
                    chunk[name] = signals[name]
        else:
            chunk = {name: signals[name] for name in STATS_FIELD_NAMES}
        self._pending.append(chunk)
        self._pending_count += s1 - s0
        self._insert_next = s1

    def _take(self, count: int) -> dict[str, np.ndarray]:
        keys = self._pending[0].keys()
        out: dict[str, list[np.ndarray]] = {k: [] for k in keys}
        need = count
        while need:
            chunk = self._pending[0]
            n = len(chunk["raw"] if "raw" in chunk else chunk["current"])
            take = min(n, need)
            for k in keys:
                out[k].append(chunk[k][:take])
            if take == n:
                self._pending.pop(0)
            else:
                self._pending[0] = {k: v[take:] for k, v in chunk.items()}
            need -= take
        self._pending_count -= count
        return {k: np.concatenate(v) for k, v in out.items()}

    def _write_pending(self, count: int) -> None:
        values = self._take(count)
        if self._block_start is None:
            self._block_begin(self._v_range)
        if self._format == "raw":
            raw = np.ascontiguousarray(values["raw"], dtype=np.uint16)
            self._writer.append_parts(TAG_DATA_BINARY, [raw.data.cast("B")])
            if "current" in values and "current_range" in values:
                ci = values["current"].astype(np.float32)
                cv = values["voltage"].astype(np.float32)
                bits = (values["current_range"].astype(np.uint8)
                        | (values["current_lsb"].astype(np.uint8) << 4)
                        | (values["voltage_lsb"].astype(np.uint8) << 5))
            else:
                proc = self._processor or RawProcessor()
                proc.voltage_range = self._v_range
                cal, bits = proc.process_bulk(raw)
                ci, cv = cal[:, 0], cal[:, 1]
        else:
            self._writer.append(TAG_DATA_BINARY, _encode_float_fields(values, count))
            ci = values["current"].astype(np.float32)
            cv = values["voltage"].astype(np.float32)
            bits = (np.rint(values["current_range"]).astype(np.uint8)
                    | (np.rint(values["current_lsb"]).astype(np.uint8) << 4)
                    | (np.rint(values["voltage_lsb"]).astype(np.uint8) << 5))
        rows = self._reduction_rows(count)
        if len(rows):
            n = len(rows) * self._spr
            k, mean, m2, mn, mx = block_stats_numpy(ci[:n], cv[:n], bits[:n], self._spr)
            pack_records(k, mean, m2, mn, mx, out=rows)
        self._advance(count)

    # ------------------------------------------------------------------ close
    def close(self, footer_user_data: Any = None) -> None:
        """Flush, write the footer and END, patch the file length; close an owned file."""
        if self._closed:
            return
        try:
            if not self._started:
                self._start(0.0, "none")
            if self._source is not None:
                self.stream_notify(None)
            elif self._pending_count:
                self.insert(None)
            if self._block_start is not None:
                self._block_end()
            while self._writer.open_collections:
                self._writer.collection_end()
            footer = {"type": "footer", "size": self._total}
            self._writer.append(TAG_META_JSON, json.dumps(footer).encode("utf-8"))
            if footer_user_data is not None:
                self._writer.append(TAG_USER_JSON, json.dumps(footer_user_data).encode("utf-8"))
            self._writer.finalize()
            self._fh.flush()
        finally:
            self._closed = True
            if self._owned is not None:
                self._owned.close()
                self._owned = None


__all__ = ["DataRecorder", "StreamSource"]
