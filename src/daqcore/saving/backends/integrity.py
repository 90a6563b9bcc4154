"""Cheap checks of an HDF5 file's superblock, done before any HDF5 library touches the file.

An SWMR reader skips HDF5's "truncated file" check (the file may be growing) and then retries
every metadata read that fails its checksum: on a truncated or damaged file it spins for
minutes. The backends therefore never open a file as SWMR reader before
:func:`check_superblock` has found the stored end-of-file address inside the file.
"""

from __future__ import annotations

import os
import struct

from daqcore.saving.errors import DamagedFileError

SIGNATURE = b"\x89HDF\r\n\x1a\n"
_MAX_USERBLOCK_PROBES = 12  # signature at 0, 512, 1024, 2048... (HDF5 spec)


def _find_signature(handle: object, size: int) -> int | None:
    read = handle.read  # type: ignore[attr-defined]
    seek = handle.seek  # type: ignore[attr-defined]
    offset = 0
    for _ in range(_MAX_USERBLOCK_PROBES):
        if offset + 8 > size:
            return None
        seek(offset)
        if read(8) == SIGNATURE:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def has_hdf5_signature(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` carries the HDF5 signature (at 0 or after a user block)."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        return _find_signature(handle, size) is not None


def stored_end_of_file(path: str | os.PathLike[str]) -> tuple[int, int]:
    """``(end of file address stored in the superblock, actual file size)``, in bytes.

    Raises
    ------
    DamagedFileError
        If the superblock cannot be found or read.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        base = _find_signature(handle, size)
        if base is None:
            raise DamagedFileError(f"{path!r} has no HDF5 superblock signature ({size} bytes)")
        head = handle.read(48)
    if len(head) < 4:
        raise DamagedFileError(f"{path!r}: superblock cut short ({size} bytes)")
    version = head[0]
    if version in (0, 1):
        size_offsets = head[5]
        fixed = 16 + (4 if version == 1 else 0)  # up to and including the consistency flags
    elif version in (2, 3):
        size_offsets = head[1]
        fixed = 4
    else:
        raise DamagedFileError(f"{path!r}: unknown superblock version {version}")
    if size_offsets not in (2, 4, 8):
        raise DamagedFileError(f"{path!r}: superblock offset size {size_offsets} is invalid")
    fmt = {2: "<H", 4: "<I", 8: "<Q"}[size_offsets]
    # base address, then (v0/1: free-space address | v2/3: superblock extension), then EOF
    start = fixed + 2 * size_offsets
    if len(head) < start + size_offsets:
        raise DamagedFileError(f"{path!r}: superblock cut short ({size} bytes)")
    base_address = struct.unpack_from(fmt, head, fixed)[0]
    eof = struct.unpack_from(fmt, head, start)[0]
    return base_address + eof, size


def check_superblock(path: str | os.PathLike[str]) -> None:
    """Raise :class:`DamagedFileError` if ``path`` is truncated (or has no readable superblock).

    A file shorter than the end-of-file address its superblock records has lost its tail
    (copy interrupted, disk full, crash before the last flush): no HDF5 reader may follow
    addresses beyond the end.
    """
    stored, size = stored_end_of_file(path)
    if stored > size:
        raise DamagedFileError(
            f"{os.fspath(path)!r} is truncated: its superblock records {stored} bytes but the "
            f"file has {size} bytes ({stored - size} bytes missing; the copy or the write was "
            "cut short)")


__all__ = ["SIGNATURE", "check_superblock", "has_hdf5_signature", "stored_end_of_file"]
