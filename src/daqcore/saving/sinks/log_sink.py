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

from dataclasses import dataclass
from typing import Any

import numpy as np

from daqcore.data.records import RowRecord, RunStart
from daqcore.saving.dynamic import cast
from daqcore.saving.errors import DataShapeError
from daqcore.saving.export_savers import DataToExportTimedSaver
from daqcore.saving.sinks.base import FileSink, SinkError

#: Memory a pending row costs per array besides its data.
_ROW_OVERHEAD = 128


@dataclass
class _RowLayout:
    """The arrays one detector's rows go to, learnt from its first (fully validated) row:
    ``order`` holds, in DataToExport order, each DataWithAxes name with its channel target."""

    order: list[tuple[str, Any]]
    axis_handle: Any

    @classmethod
    def learn(cls, saver: DataToExportTimedSaver, group: str, dte: Any) -> _RowLayout:
        h5 = saver._h5saver
        wkey = h5.where_key(group)
        index_in_dim: dict[str, int] = {}
        order = []
        for dwa in dte:
            dim = dwa.dim.name
            ind = index_in_dim.get(dim, 0)
            index_in_dim[dim] = ind + 1
            path = saver._channel_group(group, wkey, dim, ind, dwa)
            order.append((dwa.name, saver._data_saver._targets[h5.where_key(path)]))
        return cls(order, saver._nav_axes(group, wkey)[0])

    def writes(self, dte: Any, stamp: float, where: str) -> list[tuple[Any, None, np.ndarray]]:
        """The appends of one row, checked against the layout (same checks as the savers)."""
        dwas = list(dte)
        if len(dwas) != len(self.order):
            raise DataShapeError(f"the DataToExport has {len(dwas)} DataWithAxes, {where!r} "
                                 f"logs {len(self.order)}")
        out: list[tuple[Any, None, np.ndarray]] = []
        for dwa, (name, target) in zip(dwas, self.order):
            channels = dwa.data
            if dwa.name != name or len(channels) != len(target.data):
                raise DataShapeError(f"{dwa.name!r} ({len(channels)} channels) does not match "
                                     f"the logged {name!r} ({len(target.data)} channels)")
            row = target.value_shape
            errors = dwa.errors
            for ich, arr in enumerate(channels):
                if arr.shape != row:
                    raise DataShapeError(f"{dwa.name!r} channel {ich} has shape {arr.shape}, "
                                         f"{where!r} holds rows of shape {row}")
                if arr.dtype != target.dtypes[ich]:
                    arr = cast(arr, target.dtypes[ich], what=dwa.name)
                out.append((target.data[ich], None, arr.reshape((1, *row))))
                if target.errors:
                    err = np.full(row, np.nan) if errors is None else \
                        np.asarray(errors[ich], dtype=np.float64)
                    out.append((target.errors[ich], None, err.reshape((1, *row))))
        out.append((self.axis_handle, None, np.array([stamp], dtype=np.float64)))
        return out


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
        self._layouts: list[_RowLayout | None] = []
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
            self._layouts.append(None)
            self.detector_paths.append(group.path)
        h5.flush()

    def _add(self, row: RowRecord) -> None:
        if len(row.detector_data) != len(self._savers):
            raise SinkError(f"sample {row.index} holds {len(row.detector_data)} detector data, "
                            f"the log saves {len(self._savers)} detectors")
        writes: list[tuple[Any, None, np.ndarray]] = []
        first = []
        for k, ((group, saver), dte) in enumerate(zip(self._savers, row.detector_data)):
            timestamp = getattr(dte, "timestamp", None)
            stamp = row.timestamp if timestamp is None else float(timestamp)
            layout = self._layouts[k]
            if layout is None:  # the first row creates the arrays, fully validated
                writes += saver._prepare_append(group, dte, [stamp])
                first.append((k, group, saver, dte))
            else:
                writes += layout.writes(dte, stamp, group)
        for k, group, saver, dte in first:
            self._layouts[k] = _RowLayout.learn(saver, group, dte)
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
