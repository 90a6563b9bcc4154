"""The tag-length-value container under JLS v1 files (joulescope's ``datafile`` format).

Layout (little endian, written from the published description of the format):

* a 32-byte file header: 16-byte magic, u64 total length (0 while recording, patched when
  the file is finalized), 3 reserved bytes, u8 version (1), CRC32 of the first 28 bytes;
* records: u32 tag word (3 ASCII bytes, then a flag byte: bit 7 zlib, bit 6 encrypted), u32
  payload length, the payload, zero padding so that the trailing CRC32 ends on an 8-byte
  boundary, CRC32 of everything before it in the record.

A collection start (``CLS``) holds the u64 offset of its collection end (``CLE``), patched
when the collection ends, then u16 id, u8 type, u8 reserved and optional application data.

Also here: the ``ARRY`` packing of numeric arrays used inside JLS v1 records.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from .errors import JlsFormatError

MAGIC = b"\xd3tagfmt \r\n \n  \x1a\x1c"
HEADER_SIZE = 32
VERSION = 1
FLAG_COMPRESS = 0x80
FLAG_ENCRYPT = 0x40

TAG_HEADER = b"HDR"
TAG_END = b"END"
TAG_COLLECTION_START = b"CLS"
TAG_COLLECTION_END = b"CLE"
TAG_SUBFILE = b"SUB"
TAG_META_JSON = b"MJS"
TAG_DATA_BINARY = b"ABN"
TAG_DATA_JSON = b"AJS"
TAG_USER_JSON = b"UJS"
TAG_USER_BINARY = b"UBN"

_COLLECTION = struct.Struct("<QHBB")


def pad_length(length: int) -> int:
    """Zero bytes after a payload of ``length`` so the CRC ends on an 8-byte boundary."""
    return (8 - ((length + 4) & 7)) & 7


def record_size(length: int) -> int:
    """Bytes taken by a record with a payload of ``length`` bytes."""
    return 8 + length + pad_length(length) + 4


def file_header(length: int) -> bytes:
    head = MAGIC + struct.pack("<QBBBB", length, 0, 0, 0, VERSION)
    return head + struct.pack("<I", zlib.crc32(head))


def encode_record(tag: bytes, payload: bytes | bytearray | memoryview, flags: int = 0) -> bytes:
    """One complete record (header, payload, padding, CRC)."""
    if len(tag) != 3:
        raise ValueError(f"tag must be 3 bytes, got {tag!r}")
    length = len(payload)
    head = tag + bytes([flags]) + struct.pack("<I", length)
    body = head + bytes(payload) + b"\x00" * pad_length(length)
    return body + struct.pack("<I", zlib.crc32(body))


def encode_collection(end_position: int, ident: int, kind: int = 0,
                      data: bytes | None = None) -> bytes:
    return _COLLECTION.pack(end_position, ident, kind, 0) + (data or b"")


def decode_collection(payload: bytes) -> tuple[int, int, bytes]:
    """``(end_position, id, application data)`` of a collection start payload."""
    if len(payload) < _COLLECTION.size:
        raise JlsFormatError(f"collection start record too short ({len(payload)} bytes)")
    end_position, ident, _kind, _ = _COLLECTION.unpack_from(payload)
    return end_position, ident, bytes(payload[_COLLECTION.size:])


class ContainerWriter:
    """Append records to a seekable binary file (collections patched in place)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._base = fh.tell()
        self._open: list[tuple[int, int, bytes]] = []  # (position, id, data)
        fh.write(file_header(0))

    def tell(self) -> int:
        return self._fh.tell() - self._base

    def append(self, tag: bytes, payload: bytes | bytearray | memoryview = b"") -> int:
        """Append one record; return its position."""
        pos = self.tell()
        self._fh.write(encode_record(tag, payload))
        return pos

    def append_parts(self, tag: bytes, parts: Sequence[bytes | memoryview]) -> int:
        """Append one record whose payload is the concatenation of ``parts`` (no join copy)."""
        pos = self.tell()
        length = sum(len(p) for p in parts)
        head = tag + b"\x00" + struct.pack("<I", length)
        crc = zlib.crc32(head)
        self._fh.write(head)
        for p in parts:
            crc = zlib.crc32(p, crc)
            self._fh.write(p)
        pad = b"\x00" * pad_length(length)
        crc = zlib.crc32(pad, crc)
        self._fh.write(pad + struct.pack("<I", crc))
        return pos

    def collection_start(self, ident: int, data: bytes | None = None) -> None:
        pos = self.append(TAG_COLLECTION_START, encode_collection(0, ident, 0, data))
        self._open.append((pos, ident, data or b""))

    def collection_end(self, data: bytes = b"") -> None:
        pos, ident, cdata = self._open.pop()
        end_pos = self.append(TAG_COLLECTION_END, data)
        here = self._fh.tell()
        self._fh.seek(self._base + pos)
        self._fh.write(encode_record(TAG_COLLECTION_START, encode_collection(end_pos, ident, 0,
                                                                             cdata)))
        self._fh.seek(here)

    @property
    def open_collections(self) -> int:
        return len(self._open)

    def finalize(self) -> None:
        """Close open collections, append END and patch the total length into the header."""
        while self._open:
            self.collection_end()
        self.append(TAG_END)
        end = self._fh.tell()
        self._fh.seek(self._base)
        self._fh.write(file_header(end - self._base))
        self._fh.seek(end)


@dataclass(frozen=True)
class RecordHeader:
    """Position and shape of one record of a container."""

    position: int
    tag: bytes
    flags: int
    length: int

    @property
    def payload_position(self) -> int:
        return self.position + 8

    @property
    def end(self) -> int:
        return self.position + record_size(self.length)


def check_file_header(data: bytes) -> int:
    """Validate a 32-byte header; return the total length it declares (0 = not finalized)."""
    if len(data) < HEADER_SIZE or data[:16] != MAGIC:
        raise JlsFormatError("not a JLS v1 file: bad magic at offset 0")
    length, version, crc = struct.unpack("<QxxxBI", data[16:HEADER_SIZE])
    if zlib.crc32(data[:HEADER_SIZE - 4]) != crc:
        raise JlsFormatError("JLS v1 file header CRC mismatch at offset 0")
    if version != VERSION:
        raise JlsFormatError(f"unsupported JLS container version {version} at offset 0")
    return int(length)


def read_record_header(buf: memoryview | bytes, position: int, end: int) -> RecordHeader | None:
    """The record header at ``position`` or None when fewer than 16 bytes remain."""
    if end - position < 16:
        return None
    word, length = struct.unpack_from("<II", buf, position)
    tag = bytes(buf[position:position + 3])
    return RecordHeader(position, tag, (word >> 24) & 0xFF, length)


def check_record_crc(buf: memoryview | bytes, rec: RecordHeader) -> None:
    """Raise :class:`JlsFormatError` (naming the offset) if ``rec`` is truncated or its CRC
    does not match."""
    stop = rec.end
    if stop > len(buf):
        raise JlsFormatError(f"record {rec.tag!r} at offset {rec.position} is truncated: "
                             f"needs {stop - rec.position} bytes, file ends at {len(buf)}")
    crc = struct.unpack_from("<I", buf, stop - 4)[0]
    if zlib.crc32(buf[rec.position:stop - 4]) != crc:
        raise JlsFormatError(f"CRC mismatch in record {rec.tag!r} at offset {rec.position}")


def record_payload(buf: memoryview | bytes, rec: RecordHeader, check_crc: bool = True) -> bytes:
    """Payload of ``rec`` (CRC checked, decompressed if flagged)."""
    if check_crc:
        check_record_crc(buf, rec)
    elif rec.end > len(buf):
        check_record_crc(buf, rec)
    payload = bytes(buf[rec.payload_position:rec.payload_position + rec.length])
    if rec.flags & FLAG_ENCRYPT:
        raise JlsFormatError(f"encrypted record {rec.tag!r} at offset {rec.position} "
                             "is not supported")
    if rec.flags & FLAG_COMPRESS:
        payload = zlib.decompress(payload)
    return payload


# ---------------------------------------------------------------------- ARRY packing
_ARRY = 0x59525241  # 'ARRY'
_DTYPE_CODES: dict[np.dtype, int] = {
    np.dtype(np.float32): 0x2, np.dtype(np.float64): 0x3,
    np.dtype(np.uint8): 0x8, np.dtype(np.uint16): 0x9, np.dtype(np.uint32): 0xA,
    np.dtype(np.uint64): 0xB, np.dtype(np.int8): 0xC, np.dtype(np.int16): 0xD,
    np.dtype(np.int32): 0xE, np.dtype(np.int64): 0xF,
}
_CODE_DTYPES = {code: dt for dt, code in _DTYPE_CODES.items()}


def array_pack(arrays: dict[int, np.ndarray], sample_count: int) -> bytes:
    """Pack 1-D arrays (ids 0..255) with a shared sample count (< 2**24) as an ARRY blob."""
    if not 0 <= sample_count < (1 << 24):
        raise ValueError(f"sample_count {sample_count} out of range")
    n = len(arrays)
    header_size = ((16 + 8 * n + 7) // 8) * 8
    head = np.zeros(header_size // 4, dtype="<u4")
    values: list[bytes] = []
    offset = header_size
    for idx, (ident, x) in enumerate(arrays.items()):
        arr = np.ascontiguousarray(x)
        code = _DTYPE_CODES[arr.dtype]
        raw = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        head[4 + 2 * idx] = (int(ident) << 8) | code
        head[5 + 2 * idx] = len(raw)
        values.append(raw + b"\x00" * ((8 - len(raw) % 8) % 8))
        offset += len(values[-1])
    head[0] = _ARRY
    head[1] = offset
    head[2] = header_size
    head[3] = (n << 24) | sample_count
    return head.tobytes() + b"".join(values)


def array_unpack(blob: bytes, where: str = "") -> tuple[dict[int, np.ndarray], int]:
    """Inverse of :func:`array_pack`: ``({id: array}, sample_count)`` (views of ``blob``)."""
    if len(blob) < 16:
        raise JlsFormatError(f"ARRY block too short{where}")
    head = np.frombuffer(blob, dtype="<u4", count=4)
    if int(head[0]) != _ARRY:
        raise JlsFormatError(f"bad ARRY prefix{where}")
    offset = int(head[2])
    count = int(head[3]) >> 24
    sample_count = int(head[3]) & 0xFFFFFF
    if 16 + 8 * count > offset or offset > len(blob):
        raise JlsFormatError(f"malformed ARRY header{where}")
    tl = np.frombuffer(blob, dtype="<u4", count=2 * count, offset=16)
    out: dict[int, np.ndarray] = {}
    for idx in range(count):
        word = int(tl[2 * idx])
        nbytes = int(tl[2 * idx + 1]) & 0xFFFFFF
        dtype = _CODE_DTYPES.get(word & 0xFF)
        if dtype is None or offset + nbytes > len(blob):
            raise JlsFormatError(f"malformed ARRY entry {idx}{where}")
        out[(word >> 8) & 0xFF] = np.frombuffer(blob, dtype=dtype, count=nbytes // dtype.itemsize,
                                                offset=offset)
        offset += ((nbytes + 7) // 8) * 8
    return out, sample_count


__all__ = [
    "HEADER_SIZE",
    "MAGIC",
    "ContainerWriter",
    "RecordHeader",
    "array_pack",
    "array_unpack",
    "check_file_header",
    "check_record_crc",
    "decode_collection",
    "read_record_header",
    "record_payload",
    "record_size",
]
