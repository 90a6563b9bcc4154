"""The log sink: logger rows in, PyMoDAQ's DAQ_Logger layout (``RawData/DetectorNNN``) out.

On :class:`~daqcore.data.records.RunStart` (kind ``log``) the sink opens (or appends to) the
file, writes the run's metadata on ``RawData`` (new files) and creates one ``DetectorNNN``
group per detector, appended to by a :class:`~daqcore.saving.DataToExportTimedSaver`
(enlargeable arrays against the ``time`` axis, in seconds since the epoch: each detector's
``DataToExport.timestamp``). A :class:`~daqcore.data.records.RowRecord` is validated for every
detector before anything is kept, so a sample is saved for every detector or for none; rows
are kept in memory and appended in blocks (one append per array per flush). A failed append
truncates the arrays of that flush back to their previous length: the arrays never differ in
length. ``RawData`` carries ``n_samples_done`` (current at every flush) and the final
``status``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from daqcore.data.records import RowRecord, RunStart
from daqcore.saving.export_savers import DataToExportTimedSaver
from daqcore.saving.sinks.base import FileSink, SinkError

#: Memory a pending row costs per array besides its data.
_ROW_OVERHEAD = 128


class LogSink(FileSink):
    """Save a logger's records (see module docstring and
    :class:`~daqcore.saving.sinks.base.FileSink` for the parameters).

    Attributes
    ----------
    detector_paths : list of str
        The ``DetectorNNN`` groups, in record order.
    """

    save_type = "logger"
    unit = "samples"
    record_types = (RowRecord,)
    count_attribute = "n_samples_done"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.detector_paths: list[str] = []
        self._savers: list[tuple[str, DataToExportTimedSaver]] = []
        self._rows: list[list[tuple[Any, None, np.ndarray]]] = []
        self._bytes = 0

    def _start(self, start: RunStart) -> None:
        if start.kind != "log":
            raise SinkError(f"LogSink saves logs, not a {start.kind!r} run")
        h5 = self._open(metadata=dict(start.metadata) or None)
        raw = h5.raw_group
        self._status_path = raw.path
        raw.set_attr("n_samples_done", 0)
        raw.set_attr("status", "running")
        for info in start.detectors:
            group = h5.add_det_group(raw, title=info.name, settings_as_xml=info.settings_xml)
            self._savers.append((group.path, DataToExportTimedSaver(h5)))
            self.detector_paths.append(group.path)
        h5.flush()

    def _add(self, row: RowRecord) -> None:
        if len(row.detector_data) != len(self._savers):
            raise SinkError(f"sample {row.index} holds {len(row.detector_data)} detector data, "
                            f"the log saves {len(self._savers)} detectors")
        writes: list[tuple[Any, None, np.ndarray]] = []
        for (group, saver), dte in zip(self._savers, row.detector_data):
            timestamp = getattr(dte, "timestamp", None)
            writes += saver._prepare_append(group, dte, [row.timestamp if timestamp is None
                                                         else timestamp])
        kept = [(h, None, np.array(v, copy=True)) for h, _, v in writes]
        self._rows.append(kept)
        self._bytes += sum(v.nbytes + _ROW_OVERHEAD for _, _, v in kept)

    def _pending_bytes(self) -> int:
        return self._bytes

    def _write_pending(self) -> int:
        rows, n = self._rows, len(self._rows)
        if not n:
            return 0
        h5 = self.h5saver
        backend = h5.backend
        by_handle: dict[int, tuple[Any, list[np.ndarray]]] = {}
        for row in rows:
            for handle, _, value in row:
                by_handle.setdefault(id(handle), (handle, []))[1].append(value)
        h5._check_writable()
        appended: list[tuple[Any, int]] = []
        try:
            for handle, values in by_handle.values():
                before = backend.shape(handle)[0]
                backend.append(handle, np.concatenate(values, axis=0))
                appended.append((handle, before))
                h5._mark_stale(handle)
        except BaseException:
            for handle, before in appended:  # every array keeps the same number of rows
                try:
                    backend.truncate(handle, before)
                except Exception:  # pragma: no cover - the file is failing: keep the cause
                    pass
            raise
        self._rows, self._bytes = [], 0
        return n


__all__ = ["LogSink"]
