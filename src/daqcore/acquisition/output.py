"""Where acquisitions write: output path resolution and an early writability check.

A directory gets a new time-stamped file (``<prefix>_YYYYMMDD_HHMMSS[_n].h5``); a path ending in
``.h5``/``.hdf5`` is used as is (a scan appends a new ``ScanNNN`` group to an existing file).
Problems are reported as :class:`~daqcore.acquisition.errors.OutputPathError` *before* any
instrument moves, naming the path and the reason.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from daqcore.acquisition.errors import OutputPathError
from daqcore.data.records import Record, RunStart

DEFAULT_OUTPUT_DIR = Path("daqcore_data")
H5_SUFFIXES = (".h5", ".hdf5", ".he5")


def is_h5_file_path(path: Path) -> bool:
    """True when ``path`` names a file (HDF5 suffix) rather than a directory."""
    return path.suffix.lower() in H5_SUFFIXES


def resolve_output_file(path: str | Path | None, prefix: str) -> tuple[Path, bool]:
    """Return ``(file_path, exists)`` for ``path``, creating parent directories.

    Parameters
    ----------
    path : str or Path or None
        A ``.h5`` file, a directory, or None for :data:`DEFAULT_OUTPUT_DIR`.
    prefix : str
        File-name prefix when a new file is made in a directory (``'scan'``, ``'log'``).

    Raises
    ------
    OutputPathError
        If the directory cannot be created or written, or the path is an existing directory
        given with an HDF5 suffix, or an existing non-writable file.
    """
    target = DEFAULT_OUTPUT_DIR if path is None else Path(path).expanduser()
    if is_h5_file_path(target):
        directory, file_path = target.parent, target
    else:
        directory = target
        stamp = _dt.datetime.now().strftime("%Y%m%d_%H%M%S")
        file_path = directory / f"{prefix}_{stamp}.h5"
        n = 1
        while file_path.exists():
            file_path = directory / f"{prefix}_{stamp}_{n}.h5"
            n += 1
    if directory.exists() and not directory.is_dir():
        raise OutputPathError(f"output directory {str(directory)!r} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(
            f"cannot create output directory {str(directory)!r}: {exc.strerror or exc}"
        ) from exc
    if file_path.is_dir():
        raise OutputPathError(f"output file {str(file_path)!r} is a directory")
    exists = file_path.exists()
    if exists:
        if not os.access(file_path, os.W_OK):
            raise OutputPathError(f"output file {str(file_path)!r} is not writable")
    elif not os.access(directory, os.W_OK | os.X_OK):
        raise OutputPathError(f"output directory {str(directory)!r} is not writable")
    return file_path, exists


def summary_lines(head: list[str], detector_groups: Mapping[str, str],
                  error: BaseException | None) -> str:
    """The text of a result's ``summary()``: ``head`` lines, one line per detector group
    (``detector <name>: <group path>``) and the error, if any."""
    lines = [*head, *(f"detector {name}: {group}" for name, group in detector_groups.items())]
    if error is not None:
        lines.append(f"error: {error}")
    return "\n".join(lines)


class OutputGuard:
    """A saving sink seen by an engine: a file that cannot be created at the run's start is an
    :class:`~daqcore.acquisition.errors.OutputPathError` naming it (before anything moves).

    Attributes
    ----------
    sink : Sink
        The wrapped sink (its ``path`` and group paths are read by the engines).
    path : Path
        The output file.
    """

    def __init__(self, sink: Any, path: Path) -> None:
        self.sink = sink
        self.path = path

    def __call__(self, record: Record) -> None:
        if isinstance(record, RunStart):
            try:
                self.sink(record)
            except OSError as exc:
                raise OutputPathError(f"cannot open {str(self.path)!r} for writing: {exc}") \
                    from exc
            return
        self.sink(record)

    def flush(self) -> None:
        """Write what the sink holds (called when a run pauses)."""
        self.sink.flush()

    def close(self) -> None:
        """Close the sink (idempotent, never raises)."""
        self.sink.close()


__all__ = ["DEFAULT_OUTPUT_DIR", "OutputGuard", "is_h5_file_path", "resolve_output_file",
           "summary_lines"]
