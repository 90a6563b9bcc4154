"""JS110 calibration blobs as stored inside JLS v1 files (a nested TLV container).

The blob holds a header record, the calibration as JSON (``current``/``voltage`` ``offset``
and ``gain`` lists) and, on devices, a signature. Signatures are not verified here:
:attr:`FileCalibration.signed` only tells whether the blob carried one.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass, field

import numpy as np

from .errors import JlsFormatError
from .jls_container import (
    HEADER_SIZE,
    TAG_DATA_JSON,
    TAG_END,
    TAG_HEADER,
    ContainerWriter,
    check_file_header,
    read_record_header,
    record_payload,
)

_TAG_CALIBRATION_JSON = b"CJS"
_TAG_SIGNATURE_START = b"SGS"


def _default(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=np.float32)


@dataclass
class FileCalibration:
    """Calibration vectors (9 current entries: 7 ranges, off, missing; 2 voltage ranges)."""

    current_offset: np.ndarray = field(default_factory=lambda: _default([0.0] * 7 + [0.0, np.nan]))
    current_gain: np.ndarray = field(default_factory=lambda: _default([1.0] * 7 + [0.0, np.nan]))
    voltage_offset: np.ndarray = field(default_factory=lambda: _default([0.0, 0.0]))
    voltage_gain: np.ndarray = field(default_factory=lambda: _default([1.0, 1.0]))
    signed: bool = False
    data: bytes | None = None
    serial_number: str = ""


def _as9(values: object) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32).reshape(-1)[:7]
    if len(x) < 7:
        raise JlsFormatError(f"calibration needs 7 current entries, got {len(x)}")
    return np.concatenate([x, np.array([0.0, np.nan], dtype=np.float32)])


def decode_calibration(blob: bytes) -> FileCalibration:
    """Parse a calibration blob (raises :class:`JlsFormatError` when it is not one)."""
    buf = memoryview(blob)
    check_file_header(bytes(buf[:HEADER_SIZE]))
    pos = HEADER_SIZE
    signed = False
    while True:
        rec = read_record_header(buf, pos, len(buf))
        if rec is None or rec.tag == TAG_END:
            break
        if rec.tag == _TAG_SIGNATURE_START:
            signed = True
        if rec.tag in (TAG_DATA_JSON, _TAG_CALIBRATION_JSON):
            doc = json.loads(record_payload(buf, rec).decode("utf-8"))
            try:
                cur, vol = doc["current"], doc["voltage"]
                return FileCalibration(
                    _as9(cur["offset"]), _as9(cur["gain"]),
                    np.asarray(vol["offset"], dtype=np.float32)[:2],
                    np.asarray(vol["gain"], dtype=np.float32)[:2],
                    signed, bytes(blob), str(doc.get("serial_number", "")))
            except (KeyError, TypeError) as exc:
                raise JlsFormatError(f"calibration JSON at offset {rec.position} lacks "
                                     f"{exc}") from None
        pos = rec.end
    raise JlsFormatError("calibration blob holds no calibration JSON record")


def encode_calibration(current_offset: object, current_gain: object, voltage_offset: object,
                       voltage_gain: object, serial_number: str = "0" * 32) -> bytes:
    """An unsigned calibration blob readable by joulescope's ``Calibration.load``."""
    fh = io.BytesIO()
    writer = ContainerWriter(fh)
    serial = bytes.fromhex(serial_number.ljust(32, "0")[:32])
    writer.append(TAG_HEADER, struct.pack("<qIIHHI", 0, 1 << 24, 1, 1, 1, 0) + serial)

    def as_list(x: object, n: int) -> list[float]:
        return [float(v) for v in np.asarray(x, dtype=np.float32).reshape(-1)[:n]]

    doc = {
        "version": "1.0.0", "product_name": "Joulescope JS110", "vendor_name": "Jetperch LLC",
        "subtype_name": "Calibration", "product": "1.1.1", "serial_number": serial_number,
        "time": "2018-01-01T00:00:00+00:00", "timestamp": "0",
        "current": {"offset": [*as_list(current_offset, 7), 0.0, float("nan")],
                    "gain": [*as_list(current_gain, 7), 0.0, float("nan")]},
        "voltage": {"offset": as_list(voltage_offset, 2), "gain": as_list(voltage_gain, 2)},
    }
    writer.append(TAG_DATA_JSON, json.dumps(doc, allow_nan=True).encode("utf-8"))
    writer.finalize()
    return fh.getvalue()


__all__ = ["FileCalibration", "decode_calibration", "encode_calibration"]
