"""Saving a scan in PyMoDAQ's layout: ``RawData/ScanNNN/{DetectorNNN, ActuatorNNN}``.

This is the one place where the scan engine meets :mod:`daqcore.saving`. Each detector (and,
optionally, the read-back actuator positions) gets an incremental group under the ``ScanNNN``
group, its own :class:`~daqcore.saving.DataToExportExtendedSaver` (extended arrays pre-filled
with NaN) and the scan's navigation axes in its ``NavAxes`` group, so ``DataLoader.load_data``
(daqcore's or pymodaq_data's) rebuilds every channel with its navigation axes.

Each point is validated by its saver as it arrives (``prepare_point``), kept in memory, and
written in blocks (:func:`~daqcore.saving.write_point_block`: one slice write per run of
consecutive points per array) at least every ``flush_interval`` seconds, on pause and at the
end -- a point is saved for every group or for none. SWMR is started by the writer once every
group has its arrays (the file's ``swmr_auto_start`` policy is off). When the
scan ends (normally, stopped or failed), the ``ScanNNN`` group gets the attributes
``n_points``, ``n_points_done`` and ``status`` (and ``error``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from daqcore.acquisition.errors import OutputPathError
from daqcore.acquisition.output import resolve_output_file
from daqcore.acquisition.scanners import Scanner
from daqcore.data import Axis, DataToExport
from daqcore.saving import (
    DataToExportExtendedSaver,
    H5SaverLowLevel,
    PreparedWrite,
    backend_capabilities,
    write_point_block,
)


class PendingWrites:
    """Prepared point writes kept in memory until the next block write.

    Each entry is a ``(handle, indexes, value)`` write prepared by
    :meth:`~daqcore.saving.DataToExportExtendedSaver.prepare_point`; values are copied
    (detectors may refill their arrays in place for the next grab). Writes of the current
    point are kept only once :meth:`commit` is called, so a point is saved for every group or
    for none.
    """

    def __init__(self) -> None:
        self._writes: list[PreparedWrite] = []
        self._n_committed = 0
        self.n_points = 0

    def add(self, writes: Sequence[PreparedWrite]) -> None:
        """Keep the prepared writes of the current point (see :meth:`commit`)."""
        keep = self._writes.append
        for handle, idx, value in writes:
            keep((handle, idx, value.copy()))

    def commit(self) -> None:
        """The current point is complete: keep it."""
        self._n_committed = len(self._writes)
        self.n_points += 1

    def rollback(self) -> None:
        """Forget the writes of an incomplete point (a later group failed to validate)."""
        del self._writes[self._n_committed:]

    def execute(self, write: Callable[[list[PreparedWrite]], None]) -> None:
        """Give everything committed to ``write`` (e.g. a block writer) and forget it."""
        self.rollback()
        writes, self._writes = self._writes, []
        self._n_committed = 0
        self.n_points = 0
        if writes:
            write(writes)


class ScanWriter:
    """Open (or append to) the scan file and save points into it.

    Parameters
    ----------
    path : str or Path
        ``.h5`` file or directory (see :func:`~daqcore.acquisition.output.resolve_output_file`).
    backend : str
        ``'h5py'`` or ``'tables'``.
    swmr : bool
        Switch SWMR on after the first point (new h5py files only), so readers can follow.
    flush_interval : float
        Maximum seconds between two flushes.
    """

    def __init__(self, path: str | Path | None, *, backend: str = "h5py", swmr: bool = True,
                 flush_interval: float = 0.5) -> None:
        file_path, exists = resolve_output_file(path, "scan")
        self.path = file_path
        self.backend = backend
        self.flush_interval = float(flush_interval)
        self.swmr = bool(swmr) and backend_capabilities(backend).swmr and not exists
        try:
            # several groups, one saver each: SWMR starts once all arrays exist (add_point)
            self.h5saver = H5SaverLowLevel(save_type="scan", backend=backend,
                                           flush_period=self.flush_interval,
                                           swmr_auto_start=False)
            self.h5saver.init_file(file_name=file_path, new_file=not exists,
                                   swmr_mode=self.swmr)
        except OSError as exc:
            raise OutputPathError(f"cannot open {str(file_path)!r} for writing: {exc}") from exc
        self.scan_group_path = ""
        self.detector_paths: list[str] = []
        self.actuator_paths: list[str] = []
        #: (group path, saver) of the detectors then the actuators
        self._savers: list[tuple[str, DataToExportExtendedSaver]] = []
        self._scan_group: Any = None
        self._swmr_started = False
        self._pending = PendingWrites()
        self._last_flush = time.monotonic()
        #: Maximum points kept in memory between two block writes.
        self.max_pending_points = 4096

    # ------------------------------------------------------------------ layout
    def prepare(self, *, scanner: Scanner, nav_axes: Sequence[Axis],
                detector_names: Sequence[str], actuator_names: Sequence[str],
                title: str = "", description: str = "",
                metadata: Mapping[str, Any] | None = None,
                detector_settings: Sequence[str] = (),
                actuator_settings: Sequence[str] = ()) -> None:
        """Create ``ScanNNN`` and one group per detector / actuator with its nav axes."""
        h5 = self.h5saver
        scan_meta = {
            "description": description,
            "scan_type": scanner.scan_type,
            "scan_subtype": scanner.scan_subtype,
            "scan_shape": tuple(scanner.extended_shape),
            "n_points": scanner.n_steps,
            "n_points_done": 0,
            "status": "running",
            **dict(metadata or {}),
        }
        self._scan_group = h5.add_scan_group(h5.raw_group, title=title or "scan",
                                             metadata=scan_meta)
        self.scan_group_path = self._scan_group.path
        for i, name in enumerate(detector_names):
            xml = detector_settings[i] if i < len(detector_settings) else ""
            group = h5.add_det_group(self._scan_group, title=name, settings_as_xml=xml)
            self._add_saver(group, scanner, nav_axes)
            self.detector_paths.append(group.path)
        for i, name in enumerate(actuator_names):
            xml = actuator_settings[i] if i < len(actuator_settings) else ""
            group = h5.add_act_group(self._scan_group, title=name, settings_as_xml=xml)
            self._add_saver(group, scanner, nav_axes)
            self.actuator_paths.append(group.path)
        self._n_detectors = len(detector_names)
        self._distribution = scanner.distribution
        h5.flush()

    def _add_saver(self, group: Any, scanner: Scanner, nav_axes: Sequence[Axis]) -> None:
        saver = DataToExportExtendedSaver(self.h5saver, extended_shape=scanner.extended_shape)
        saver.add_nav_axes(group, [ax.copy() for ax in nav_axes])
        # savers get the group *path*: cheaper to key their caches on than a node handle
        self._savers.append((group.path, saver))

    # ------------------------------------------------------------------ points
    def add_point(self, indexes: Sequence[int], detector_data: Sequence[DataToExport],
                  actuator_data: DataToExport | None = None) -> None:
        """Save one point: every detector's DataToExport (and the actuator positions).

        Points are validated at once and written in blocks at least every
        ``flush_interval`` seconds (every point when it is 0).
        """
        pending, dist = self._pending, self._distribution
        try:
            for (group, saver), dte in zip(self._savers, detector_data):
                pending.add(saver.prepare_point(group, dte, indexes, dist))
            if actuator_data is not None:
                for (group, saver), dwa in zip(self._savers[self._n_detectors:],
                                               actuator_data):
                    pending.add(saver.prepare_point(
                        group, DataToExport(dwa.name, data=[dwa]), indexes, dist))
        except BaseException:
            pending.rollback()  # all or nothing: a point is saved for every group
            raise
        pending.commit()
        if self.swmr and not self._swmr_started:
            # every node exists after the first point: readers may now follow the file
            self._write_pending()
            self.h5saver.enable_swmr()
            self._swmr_started = True
            self.flush()
        elif (time.monotonic() - self._last_flush >= self.flush_interval
              or self._pending.n_points >= self.max_pending_points):
            self.flush()

    def flush(self) -> None:
        """Write the pending points and flush the file (SWMR readers see them after refresh)."""
        self._write_pending()
        self.h5saver.flush()
        self._last_flush = time.monotonic()

    def _write_pending(self) -> None:
        self._pending.execute(lambda writes: write_point_block(self.h5saver, writes))

    # ------------------------------------------------------------------ end
    def finalize(self, n_done: int, n_total: int, status: str, error: str = "") -> None:
        """Write the completion attributes and close the file (always leaves it valid)."""
        h5 = self.h5saver
        try:
            self.flush()
        finally:
            if self._swmr_started:
                h5.finalize_swmr(keep_open=True)  # attributes cannot be written under SWMR
            if self.scan_group_path:
                group = h5.get_node(self.scan_group_path)
                group.set_attr("n_points_done", int(n_done))
                group.set_attr("n_points", int(n_total))
                group.set_attr("status", status)
                if error:
                    group.set_attr("error", error)
            h5.close_file()


__all__ = ["ScanWriter"]
