"""The scan sink: scan records in, PyMoDAQ's ``RawData/ScanNNN/{DetectorNNN, ActuatorNNN}`` out.

On :class:`~daqcore.data.records.RunStart` (kind ``scan``) the sink opens (or appends to) the
file and creates the ``ScanNNN`` group (``scan_type``, ``scan_subtype``, ``scan_shape``,
``n_points``, ``n_points_done``, ``status`` and the run's metadata), one ``DetectorNNN`` group
per detector and, when the plan says ``save_actuators``, one ``ActuatorNNN`` group per
actuator, each with the scan's navigation axes in ``NavAxes``. Each
:class:`~daqcore.data.records.PointRecord` is validated at once by the groups' extended savers
(a point is kept for every group or for none), copied, and written in blocks
(:mod:`daqcore.saving.blocks`) at least every ``flush_interval`` seconds or when
``max_pending_bytes`` are pending. Unvisited points read NaN (HDF5 fill value, chunks
allocated as written). Scanners whose positions are not known in advance (``plan
['positions_known']`` False: adaptive scans) get their navigation axes filled point by point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from daqcore.data import Axis, DataToExport
from daqcore.data.enums import DataDistribution
from daqcore.data.records import PointRecord, RunStart
from daqcore.saving.blocks import PendingPoints, write_blocks
from daqcore.saving.export_savers import DataToExportExtendedSaver
from daqcore.saving.sinks.base import FileSink, SinkError


class ScanSink(FileSink):
    """Save a scan's records in a PyMoDAQ-layout file (see module docstring and
    :class:`~daqcore.saving.sinks.base.FileSink` for the parameters).

    Attributes
    ----------
    scan_group_path : str
        ``/RawData/ScanNNN`` once the run started.
    detector_paths, actuator_paths : list of str
        The ``DetectorNNN`` / ``ActuatorNNN`` groups, in record order.
    """

    save_type = "scan"
    unit = "points"
    record_types = (PointRecord,)
    count_attribute = "n_points_done"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scan_group_path = ""
        self.detector_paths: list[str] = []
        self.actuator_paths: list[str] = []
        self._det_savers: list[tuple[str, DataToExportExtendedSaver]] = []
        self._act_savers: list[tuple[str, DataToExportExtendedSaver]] = []
        self._axis_handles: list[list[Any]] = []
        self._pending = PendingPoints()
        self._distribution: Any = DataDistribution.uniform

    # ------------------------------------------------------------------ layout
    def _start(self, start: RunStart) -> None:
        if start.kind != "scan":
            raise SinkError(f"ScanSink saves scans, not a {start.kind!r} run")
        plan = start.plan
        try:
            shape = tuple(int(n) for n in plan["scan_shape"])
            nav_axes: Sequence[Axis] = plan["nav_axes"]
        except (KeyError, TypeError, ValueError) as exc:
            raise SinkError(f"the scan plan lacks 'scan_shape' / 'nav_axes': {exc}") from None
        self._distribution = plan.get("distribution", DataDistribution.uniform)
        fill_axes = not plan.get("positions_known", True)
        h5 = self._open()
        meta = {
            "description": start.description,
            "scan_type": plan.get("scan_type", "Scan"),
            "scan_subtype": plan.get("scan_subtype", ""),
            "scan_shape": shape,
            "n_points": start.n_planned if start.n_planned is not None else -1,
            "n_points_done": 0,
            "status": "running",
            **dict(start.metadata),
        }
        scan_group = h5.add_scan_group(h5.raw_group, title=start.title or "scan",
                                       metadata=meta)
        self.scan_group_path = self._status_path = scan_group.path
        for info in start.detectors:
            group = h5.add_det_group(scan_group, title=info.name,
                                     settings_as_xml=info.settings_xml)
            self._det_savers.append(self._saver(group.path, shape, nav_axes, fill_axes))
            self.detector_paths.append(group.path)
        if plan.get("save_actuators", False):
            for info in start.actuators:
                group = h5.add_act_group(scan_group, title=info.name,
                                         settings_as_xml=info.settings_xml)
                self._act_savers.append(self._saver(group.path, shape, nav_axes, fill_axes))
                self.actuator_paths.append(group.path)
        h5.flush()

    def _saver(self, group: str, shape: tuple[int, ...], nav_axes: Sequence[Axis],
               fill_axes: bool) -> tuple[str, DataToExportExtendedSaver]:
        saver = DataToExportExtendedSaver(self.h5saver, extended_shape=shape)
        saver.add_nav_axes(group, [ax.copy() for ax in nav_axes])
        if fill_axes:
            self._axis_handles.append(saver._nav_axis_handles(group))
        return group, saver

    # ------------------------------------------------------------------ points
    def _add(self, point: PointRecord) -> None:
        if len(point.detector_data) != len(self._det_savers):
            raise SinkError(f"point {point.step} holds {len(point.detector_data)} detector "
                            f"data, the scan saves {len(self._det_savers)} detectors")
        pending, dist, idx = self._pending, self._distribution, point.indexes
        try:
            for (group, saver), dte in zip(self._det_savers, point.detector_data):
                pending.add(saver._prepare_point(group, dte, idx, dist))
            if self._act_savers and point.actuator_data is not None:
                for (group, saver), dwa in zip(self._act_savers, point.actuator_data):
                    pending.add(saver._prepare_point(
                        group, DataToExport(dwa.name, data=[dwa]), idx, dist))
            for handles in self._axis_handles:
                pending.add([(h, (int(idx[0]),), np.asarray(float(pos)))
                             for h, pos in zip(handles, point.positions)])
        except BaseException:
            pending.rollback()  # all or nothing: a point is saved for every group
            raise
        pending.commit()

    def _pending_bytes(self) -> int:
        return self._pending.nbytes

    def _write_pending(self) -> int:
        n = self._pending.n_points
        writes = self._pending.take()
        try:
            write_blocks(self.h5saver, writes)
        except BaseException:
            self._pending.restore(writes, n)  # point writes are idempotent: retried at the end
            raise
        return n


__all__ = ["ScanSink"]
