"""Open a Joulescope recording whatever its format, recognised from the file's content.

* JLS v1 (joulescope's format, magic ``\\xd3tagfmt``): :class:`~.reader.DataReader`;
* HDF5 (signature ``\\x89HDF``) written by daqcore: :class:`~.h5_recording.H5DataReader`.

Both readers have the same API (``samples_get``, ``data_get``, ``statistics_get`` ...).
"""

from __future__ import annotations

import os
from typing import Any

from .errors import JlsFormatError, RecordingError
from .jls_container import MAGIC

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def recording_format(path: str | os.PathLike[str]) -> str:
    """``'jls'`` or ``'h5'`` from the first bytes of the file (JlsFormatError otherwise)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise RecordingError(f"cannot read {os.fspath(path)!r}: {exc.strerror or exc}") from None
    if head == MAGIC:
        return "jls"
    if head[:8] == HDF5_SIGNATURE:
        return "h5"
    raise JlsFormatError(f"{os.fspath(path)!r} is neither a JLS v1 nor an HDF5 recording "
                         "(unrecognised content at offset 0)")


def open_recording(path: str | os.PathLike[str]) -> Any:
    """An open reader for the recording at ``path`` (a context manager)."""
    if recording_format(path) == "jls":
        from .reader import DataReader

        return DataReader().open(path)
    from .h5_recording import H5DataReader

    return H5DataReader(path)


__all__ = ["HDF5_SIGNATURE", "open_recording", "recording_format"]
