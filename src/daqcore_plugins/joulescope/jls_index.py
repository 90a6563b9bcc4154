"""Index of a JLS v1 file: metadata records, sample records and block reductions.

:func:`index_file` walks the container once (record headers only, plus the small metadata
records), so opening costs microseconds per block. Sample payload CRCs are checked when a
record is first read. A file that was never finalized (the recording process died) or that
is truncated or corrupted in its data section keeps every complete block before the first
problem, with a :class:`RecoveredRecordingWarning` naming the offset.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import JlsFormatError
from .jls_calibration import FileCalibration, decode_calibration
from .jls_container import (
    HEADER_SIZE,
    TAG_COLLECTION_END,
    TAG_COLLECTION_START,
    TAG_DATA_BINARY,
    TAG_END,
    TAG_META_JSON,
    TAG_SUBFILE,
    TAG_USER_JSON,
    RecordHeader,
    array_unpack,
    check_file_header,
    decode_collection,
    read_record_header,
    record_payload,
)


class RecoveredRecordingWarning(UserWarning):
    """A recording was not closed properly (or is damaged); its valid prefix is used."""


@dataclass
class JlsIndex:
    """Everything :class:`DataReader` needs to locate data in the file."""

    config: dict[str, Any] | None = None
    footer: dict[str, Any] | None = None
    user_data: Any = None
    footer_user_data: Any = None
    calibration: FileCalibration = field(default_factory=FileCalibration)
    #: per sample record: first sample id, sample count, payload offset, payload length
    rec_start: list[int] = field(default_factory=list)
    rec_count: list[int] = field(default_factory=list)
    rec_pos: list[int] = field(default_factory=list)
    rec_len: list[int] = field(default_factory=list)
    rec_vrange: list[int] = field(default_factory=list)
    #: per block: first sample id, reductions payload offset and length
    block_start: list[int] = field(default_factory=list)
    block_red: list[RecordHeader] = field(default_factory=list)
    samples: int = 0
    recovered: str = ""


def _json(buf: memoryview, rec: RecordHeader) -> Any:
    try:
        return json.loads(record_payload(buf, rec).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JlsFormatError(f"invalid JSON in record {rec.tag!r} at offset {rec.position}: "
                             f"{exc}") from None


def _record_samples(buf: memoryview, rec: RecordHeader, data_format: str) -> int:
    if data_format == "raw":
        return rec.length // 4
    head = np.frombuffer(buf, dtype="<u4", count=4, offset=rec.payload_position)
    return int(head[3]) & 0xFFFFFF


def _walk_block(buf: memoryview, pos: int, end: int, idx: JlsIndex,
                data_format: str) -> tuple[int, bool]:
    """Index the block whose CLS is at ``pos``; return (position after it, complete)."""
    cls = read_record_header(buf, pos, end)
    assert cls is not None
    _, _, cdata = decode_collection(record_payload(buf, cls))
    v_range = 0
    if cdata:
        try:
            v_range = int(json.loads(cdata.decode("utf-8")).get("v_range", 0))
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            raise JlsFormatError(f"invalid block data at offset {cls.position}") from None
    pos = cls.end
    start = idx.samples
    sample = start
    recs: list[tuple[int, int, int, int]] = []
    while True:
        rec = read_record_header(buf, pos, end)
        if rec is None or rec.end > end:
            return pos, False
        if rec.tag == TAG_DATA_BINARY:
            n = _record_samples(buf, rec, data_format)
            recs.append((sample, n, rec.payload_position, rec.length))
            sample += n
        elif rec.tag == TAG_COLLECTION_END:
            record_payload(buf, rec)  # CRC of the reductions
            for s, n, p, ln in recs:
                idx.rec_start.append(s)
                idx.rec_count.append(n)
                idx.rec_pos.append(p)
                idx.rec_len.append(ln)
                idx.rec_vrange.append(v_range)
            idx.block_start.append(start)
            idx.block_red.append(rec)
            idx.samples = sample
            return rec.end, True
        else:
            raise JlsFormatError(f"unexpected record {rec.tag!r} inside a block at offset "
                                 f"{rec.position}")
        pos = rec.end


def index_file(buf: memoryview) -> JlsIndex:
    """Index a whole JLS v1 file held in ``buf``."""
    size = len(buf)
    declared = check_file_header(bytes(buf[:HEADER_SIZE]))
    problem = ""
    if declared == 0:
        problem = "the recording was not closed (no length in the file header)"
        end = size
    elif declared > size:
        problem = f"the file is truncated: {size} of {declared} bytes"
        end = size
    else:
        end = declared
    idx = JlsIndex()
    pos = HEADER_SIZE
    in_data = False
    while True:
        rec = read_record_header(buf, pos, end)
        if rec is None:
            if not problem:
                problem = f"the file ends at offset {pos} without an END record"
            break
        if rec.end > end:
            problem = problem or f"record {rec.tag!r} at offset {rec.position} is truncated"
            break
        tag = rec.tag
        if tag == TAG_END:
            break
        if in_data and tag == TAG_COLLECTION_START:
            if idx.config is None:
                raise JlsFormatError(f"data block at offset {pos} before the configuration")
            try:
                pos, complete = _walk_block(buf, pos, end, idx,
                                            str(idx.config.get("data_format", "raw")))
            except JlsFormatError as exc:
                problem = str(exc)
                break
            if not complete:
                problem = problem or f"incomplete block at offset {pos}"
                break
            continue
        if in_data and tag == TAG_COLLECTION_END:
            in_data = False
        elif tag == TAG_COLLECTION_START:
            try:
                record_payload(buf, rec)
            except JlsFormatError as exc:
                problem = str(exc)
                break
            in_data = True
        elif tag == TAG_META_JSON:
            meta = _json(buf, rec)
            kind = meta.get("type") if isinstance(meta, dict) else None
            if kind == "config":
                idx.config = meta
            elif kind == "footer":
                idx.footer = meta
        elif tag == TAG_USER_JSON:
            if idx.footer is None:
                idx.user_data = _json(buf, rec)
            else:
                idx.footer_user_data = _json(buf, rec)
        elif tag == TAG_SUBFILE:
            payload = record_payload(buf, rec)
            name = payload[:128].split(b"\x00", 1)[0].decode("utf-8", "replace")
            if name == "calibration":
                idx.calibration = decode_calibration(payload[128:])
        pos = rec.end
    if idx.config is None:
        raise JlsFormatError(f"not a Joulescope recording: no configuration record before "
                             f"offset {pos}" + (f" ({problem})" if problem else ""))
    if idx.footer is None or problem:
        idx.recovered = problem or "no footer record"
        warnings.warn(f"JLS recording recovered: {idx.recovered}; using the {idx.samples} "
                      f"samples of its {len(idx.block_start)} complete blocks",
                      RecoveredRecordingWarning, stacklevel=3)
        idx.footer = {"type": "footer", "size": idx.samples}
    elif int(idx.footer.get("size", 0)) != idx.samples:
        declared_size = int(idx.footer.get("size", 0))
        if declared_size > idx.samples:
            warnings.warn(f"JLS footer declares {declared_size} samples but the blocks hold "
                          f"{idx.samples}; using {idx.samples}", RecoveredRecordingWarning,
                          stacklevel=3)
            idx.footer = dict(idx.footer, size=idx.samples)
    return idx


def decode_reductions(blob: bytes, config: dict[str, Any], where: str) -> dict[str, np.ndarray]:
    """Reductions of one block as plain arrays: k (n,), mean, m2, min, max (n, 6) float64."""
    nf = 6
    if config.get("reduction_format", "v1") == "v1":
        fields = len(config.get("reduction_fields", ["current", "voltage", "power"]))
        b = np.frombuffer(blob, dtype="<f4").reshape(-1, fields, 4).astype(np.float64)
        n = len(b)
        spr = int(config["samples_per_reduction"])
        out: dict[str, np.ndarray] = {name: np.full((n, nf), np.nan)
                                      for name in ("mean", "m2", "min", "max")}
        out["mean"][:, :fields] = b[:, :, 0]
        out["m2"][:, :fields] = (spr - 1) * b[:, :, 1] ** 2
        out["min"][:, :fields] = b[:, :, 2]
        out["max"][:, :fields] = b[:, :, 3]
        out["k"] = np.full(n, spr, dtype=np.int64)
        return out
    arrays, n = array_unpack(blob, where)
    out = {name: np.full((n, nf), np.nan) for name in ("mean", "m2", "min", "max")}
    names = {1: "mean", 2: "m2", 3: "min", 4: "max"}
    out["k"] = np.asarray(arrays.get(0, np.zeros(n)), dtype=np.int64)[:n]
    for key, x in arrays.items():
        f, s = (key >> 4) & 0x0F, key & 0x0F
        if key and f < nf and s in names:
            out[names[s]][:, f] = x[:n]
    return out


__all__ = ["JlsIndex", "RecoveredRecordingWarning", "decode_reductions", "index_file"]
