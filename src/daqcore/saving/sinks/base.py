"""What every file sink shares: the file's life cycle, the flush policy, failures.

A file sink is a :class:`~daqcore.data.records.Sink`: the engine calls it with every record
of a run and it owns its file entirely. :class:`FileSink` opens the file on
:class:`~daqcore.data.records.RunStart` (through an :class:`~contextlib.ExitStack`, so the
file is closed on every path), keeps the data in memory between two flushes (bounded in
time, ``flush_interval``, and in bytes, ``max_pending_bytes``), starts SWMR once every node
exists, keeps the run's counter attribute (``n_points_done`` / ``n_samples_done``) current at
every flush, and on :class:`~daqcore.data.records.RunStop` writes what is left, the final
``status`` (and ``error``) and closes the file. A failure to write, flush or finalise is
raised as :class:`SinkError` (:class:`DiskFullError` when the disk is full, saying what the
user can do) after the file was closed; the file then says ``status='failed'`` when it could
still be written.
"""

from __future__ import annotations

import errno
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from daqcore.data.records import PointRecord, Record, RowRecord, RunStart, RunStop, error_text
from daqcore.saving.errors import SavingError
from daqcore.saving.h5saver import H5SaverLowLevel

#: Default bound of the data kept in memory between two flushes.
DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024


class SinkError(SavingError, RuntimeError):
    """A sink could not write, flush or finalise its file (the file was closed)."""


class DiskFullError(SinkError, OSError):
    """The disk is full: the data up to the last flush are in the file, which was closed."""


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) is a "No space left on device" error."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        text = str(exc)
        if "No space left on device" in text or "errno = 28" in text:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


class FileSink:
    """Base of the scan and log sinks (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The ``.h5`` file; created if missing, appended to (new run group) if it exists.
    backend : str
        HDF5 backend name (``'h5py'``, ``'tables'``).
    swmr : bool
        Let readers follow the file (new files on a SWMR-capable backend only).
    flush_interval : float
        Upper bound in seconds between two flushes (0: flush every record).
    max_pending_bytes : int
        Upper bound of the data kept in memory between two flushes.

    Attributes
    ----------
    path : Path
        The file.
    n_written : int
        Points / samples on disk after the last flush.
    status : str
        ``'idle'``, ``'running'``, then the final status written in the file.
    """

    save_type = "custom"
    unit = "records"
    count_attribute = "n_done"
    #: The data records this sink saves (others are refused).
    record_types: tuple[type, ...] = (PointRecord, RowRecord)

    def __init__(self, path: str | Path, *, backend: str = "h5py", swmr: bool = True,
                 flush_interval: float = 0.5,
                 max_pending_bytes: int = DEFAULT_MAX_PENDING_BYTES) -> None:
        if not float(flush_interval) >= 0:
            raise SinkError(f"flush_interval must be >= 0 seconds, got {flush_interval!r}")
        if isinstance(max_pending_bytes, bool) or int(max_pending_bytes) < 0:
            raise SinkError(f"max_pending_bytes must be an integer >= 0, "
                            f"got {max_pending_bytes!r}")
        self.path = Path(path)
        self.backend = backend
        self.swmr_requested = bool(swmr)
        self.flush_interval = float(flush_interval)
        self.max_pending_bytes = int(max_pending_bytes)
        self.n_written = 0
        self.status = "idle"
        self.error = ""
        self._h5: H5SaverLowLevel | None = None
        self._stack = ExitStack()
        self._swmr = False
        self._swmr_started = False
        self._finished = False
        self._last_flush = time.monotonic()
        self._status_path = ""

    # ------------------------------------------------------------------ records
    def __call__(self, record: Record) -> None:
        """Consume one record of the run."""
        if isinstance(record, RunStart):
            if self._h5 is not None or self._finished:
                raise SinkError(f"{type(self).__name__} takes one run; got a second RunStart")
            self.status = "running"
            self._start(record)
        elif isinstance(record, RunStop):
            self._finish(record.status, record.error)
        elif isinstance(record, self.record_types):
            if self._h5 is None or self._finished:
                raise SinkError(f"{type(self).__name__} got a {type(record).__name__} outside "
                                "a run (no RunStart, or after its RunStop)")
            self._add(record)
            if self._swmr and not self._swmr_started:
                self._start_swmr()
            elif self._flush_due():
                self.flush()
        else:
            raise SinkError(f"{type(self).__name__} does not take {type(record).__name__}")

    def _start(self, start: RunStart) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _add(self, record: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _pending_bytes(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _write_pending(self) -> int:  # pragma: no cover - abstract
        """Write what is pending; return the number of points / samples written."""
        raise NotImplementedError

    # ------------------------------------------------------------------ file
    def _open(self, metadata: dict[str, Any] | None = None) -> H5SaverLowLevel:
        exists = self.path.exists()
        h5 = H5SaverLowLevel(save_type=self.save_type, backend=self.backend,
                             flush_period=None, swmr_auto_start=False)
        self._swmr = self.swmr_requested and h5.is_swmr_capable and not exists
        h5.init_file(file_name=self.path, new_file=not exists, swmr_mode=self._swmr,
                     metadata=metadata)
        self._stack.callback(h5.close_file)
        self._h5 = h5
        return h5

    @property
    def h5saver(self) -> H5SaverLowLevel:
        """The saver of the open file (saving-layer use only)."""
        if self._h5 is None:
            raise SinkError(f"{type(self).__name__}: no file is open (no RunStart yet)")
        return self._h5

    def _flush_due(self) -> bool:
        return (self.flush_interval == 0
                or time.monotonic() - self._last_flush >= self.flush_interval
                or self._pending_bytes() >= self.max_pending_bytes)

    def _start_swmr(self) -> None:
        """Every node exists after the first record: write it and let readers follow."""
        h5 = self.h5saver
        self.n_written += self._write_pending()
        h5.enable_swmr()
        self._swmr_started = True
        self._set_count()
        h5.flush()
        self._last_flush = time.monotonic()

    def _set_count(self) -> None:
        if self._status_path:
            self.h5saver.get_node(self._status_path).set_attr(self.count_attribute,
                                                              int(self.n_written))

    def flush(self) -> None:
        """Write the pending data, update the run's counter attribute and flush the file.

        Raises
        ------
        SinkError
            The write failed (:class:`DiskFullError` for a full disk); what was pending is
            kept for one more try at the end of the run.
        """
        if self._h5 is None or self._finished or not self._h5.isopen():
            return
        try:
            self.n_written += self._write_pending()
            self._set_count()
            self._h5.flush()
        except Exception as exc:
            raise self._wrap(exc, "flushing") from exc
        self._last_flush = time.monotonic()

    def _wrap(self, exc: BaseException, doing: str) -> SinkError:
        if isinstance(exc, SinkError):
            return exc
        where = str(self.path)
        if is_disk_full(exc):
            return DiskFullError(
                f"No space left on device while {doing} {where!r}: free some space on that "
                f"disk before the next run; the data up to the last flush ({self.n_written} "
                f"{self.unit}) are in {where!r}")
        return SinkError(f"{doing} {where!r} failed: {error_text(exc)}; the data up to the "
                         f"last flush ({self.n_written} {self.unit}) are in the file")

    # ------------------------------------------------------------------ end
    def _finish(self, status: str, error: str) -> None:
        """Write what is left and the final attributes, close the file (every path)."""
        if self._finished:
            return
        self._finished = True
        failures: list[BaseException] = []
        h5 = self._h5
        try:
            if h5 is not None and h5.isopen():
                try:
                    self.n_written += self._write_pending()
                    h5.flush()
                except Exception as exc:
                    failures.append(self._wrap(exc, "writing the last data to"))
                try:
                    if self._swmr_started:
                        h5.finalize_swmr(keep_open=True)  # attributes are final outside SWMR
                except Exception as exc:
                    failures.append(self._wrap(exc, "ending SWMR on"))
                final = "failed" if failures else status
                text = error or (str(failures[0]) if failures else "")
                try:
                    if self._status_path and h5.isopen():
                        node = h5.get_node(self._status_path)
                        self._set_count()
                        node.set_attr("status", final)
                        if text:
                            node.set_attr("error", text)
                except Exception as exc:
                    failures.append(self._wrap(exc, "writing the final attributes of"))
                self.status = final
                self.error = text
            else:
                self.status, self.error = status, error
        finally:
            try:
                self._stack.close()
            except Exception as exc:
                failures.append(self._wrap(exc, "closing"))
            self._h5 = None
        if failures:
            self.status = "failed"
            raise failures[0]

    def close(self) -> None:
        """Close the file; a run without its RunStop is marked ``failed``. Never raises."""
        if self._finished:
            return
        try:
            self._finish("failed", self.error or "the run ended without a stop record")
        except Exception:  # close() is the last resort: the file is closed by _finish
            pass


__all__ = ["DEFAULT_MAX_PENDING_BYTES", "DiskFullError", "FileSink", "SinkError",
           "is_disk_full"]
