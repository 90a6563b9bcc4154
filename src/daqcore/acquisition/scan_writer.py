"""Saving a scan in PyMoDAQ's layout: ``RawData/ScanNNN/{DetectorNNN, ActuatorNNN}``.

This is the one place where the scan engine meets :mod:`daqcore.saving`. Each detector (and,
optionally, the read-back actuator positions) gets an incremental group under the ``ScanNNN``
group, its own :class:`~daqcore.saving.DataToExportExtendedSaver` (extended arrays pre-filled
with NaN) and the scan's navigation axes in its ``NavAxes`` group, so ``DataLoader.load_data``
(daqcore's or pymodaq_data's) rebuilds every channel with its navigation axes.

Each point is validated by the saver as it arrives, kept in memory, and written in blocks
(one slice write per run of consecutive points per array) at least every ``flush_interval``
seconds, on pause and at the end -- a point is saved for every group or for none. When the
scan ends (normally, stopped or failed), the ``ScanNNN`` group gets the attributes
``n_points``, ``n_points_done`` and ``status`` (and ``error``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from daqcore.acquisition.errors import OutputPathError
from daqcore.acquisition.output import resolve_output_file
from daqcore.acquisition.scanners import Scanner
from daqcore.data import Axis, DataDistribution, DataToExport
from daqcore.saving import DataToExportExtendedSaver, H5SaverLowLevel


class PendingWrites:
    """Point writes kept in memory and executed in blocks (contiguous runs -> one write).

    Each entry is ``(handle, indexes, value)`` as prepared (validated, cast) by the saving
    layer. :meth:`execute` groups them per array, sorts them by index and writes every run of
    consecutive points along the last extended dimension with a single slice assignment, so a
    raster or snake row costs one HDF5 write per array instead of one per point.
    """

    def __init__(self) -> None:
        self._by_handle: dict[int, tuple[Any, list[tuple[tuple[int, ...], np.ndarray]]]] = {}
        self._uncommitted: list[int] = []
        self.n_points = 0

    def add(self, writes: Sequence[tuple[Any, tuple[int, ...], np.ndarray]]) -> None:
        """Keep the prepared writes of the current point (see :meth:`commit`)."""
        for handle, idx, value in writes:
            entry = self._by_handle.get(id(handle))
            if entry is None:
                entry = self._by_handle[id(handle)] = (handle, [])
            # copy: detectors may refill their arrays in place for the next grab
            entry[1].append((idx, np.array(value, copy=True)))
            self._uncommitted.append(id(handle))

    def commit(self) -> None:
        """The current point is complete: keep it."""
        self._uncommitted.clear()
        self.n_points += 1

    def rollback(self) -> None:
        """Forget the writes of an incomplete point (a later group failed to validate)."""
        for key in reversed(self._uncommitted):
            self._by_handle[key][1].pop()
        self._uncommitted.clear()

    def execute(self, backend: Any) -> None:
        """Write everything committed and forget it."""
        self.rollback()
        by_handle, self._by_handle = self._by_handle, {}
        self.n_points = 0
        for handle, items in by_handle.values():
            items.sort(key=lambda item: item[0])
            start = 0
            while start < len(items):
                head, last = items[start][0], items[start][0][-1]
                stop = start + 1
                while stop < len(items) and items[stop][0][:-1] == head[:-1] \
                        and items[stop][0][-1] == last + 1:
                    last += 1
                    stop += 1
                if stop - start == 1:
                    backend.write(handle, head, items[start][1])
                else:
                    block = np.stack([value for _, value in items[start:stop]])
                    backend.write(handle, (*head[:-1], slice(head[-1], last + 1)), block)
                start = stop


class _PointSaver(DataToExportExtendedSaver):
    """Extended saver whose point writes go to a :class:`PendingWrites` buffer.

    The first point of a group goes through the base saver (it creates the arrays, the
    signal axes and every attribute). Later points are validated and prepared by the same
    saving-layer code (``prepare``), but written in blocks by :class:`ScanWriter` at each
    flush. SWMR switching is also left to the writer: a scan has several groups whose arrays
    must all exist before SWMR starts (no node can be created under SWMR).
    """

    def __init__(self, h5saver: Any, extended_shape: Sequence[int],
                 pending: PendingWrites) -> None:
        super().__init__(h5saver, extended_shape=extended_shape)
        self._pending = pending
        self._started: set[str] = set()
        # The buffered path uses the saver's own validation steps; should they ever change
        # shape, points are written one by one by the base class instead (slower, same file).
        self.buffering = all(hasattr(self, name) for name in (
            "_channels", "_check_signature")) and hasattr(
            getattr(self, "_data_saver", None), "prepare")

    def add_data(self, where: Any, data: Any, indexes: Sequence[int],
                 distribution: Any = DataDistribution.uniform, settings_as_xml: str = "",
                 **kwargs: Any) -> None:
        key = self._h5saver.where_key(where)
        if key not in self._started or not self.buffering:
            super().add_data(where, data, indexes, distribution=distribution)
            self._started.add(key)
            return
        idx = self._data_saver.check_indexes(indexes)
        self._check_signature(where, data)
        writes = []
        for path, dwa in list(self._channels(where, data)):
            writes += self._data_saver.prepare(path, dwa, idx, distribution)
        self._pending.add(writes)

    def _after_write(self) -> None:
        pass


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
        self.swmr = bool(swmr) and backend == "h5py" and not exists
        try:
            self.h5saver = H5SaverLowLevel(save_type="scan", backend=backend,
                                           flush_period=self.flush_interval)
            self.h5saver.init_file(file_name=file_path, new_file=not exists,
                                   swmr_mode=self.swmr)
        except OSError as exc:
            raise OutputPathError(f"cannot open {str(file_path)!r} for writing: {exc}") from exc
        self.scan_group_path = ""
        self.detector_paths: list[str] = []
        self.actuator_paths: list[str] = []
        self._savers: list[tuple[str, Any]] = []  # (group path, saver): detectors, actuators
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
        self.scan_group_path = _node_path(self._scan_group)
        for i, name in enumerate(detector_names):
            xml = detector_settings[i] if i < len(detector_settings) else ""
            group = h5.add_det_group(self._scan_group, title=name, settings_as_xml=xml)
            self._add_saver(group, scanner, nav_axes)
            self.detector_paths.append(_node_path(group))
        for i, name in enumerate(actuator_names):
            xml = actuator_settings[i] if i < len(actuator_settings) else ""
            group = h5.add_act_group(self._scan_group, title=name, settings_as_xml=xml)
            self._add_saver(group, scanner, nav_axes)
            self.actuator_paths.append(_node_path(group))
        self._n_detectors = len(detector_names)
        self._distribution = scanner.distribution
        h5.flush()

    def _add_saver(self, group: Any, scanner: Scanner, nav_axes: Sequence[Axis]) -> None:
        saver = _PointSaver(self.h5saver, scanner.extended_shape, self._pending)
        saver.add_nav_axes(group, [ax.copy() for ax in nav_axes])
        # savers get the group *path*: cheaper to key their caches on than a node handle
        self._savers.append((_node_path(group), saver))

    # ------------------------------------------------------------------ points
    def add_point(self, indexes: Sequence[int], detector_data: Sequence[DataToExport],
                  actuator_data: DataToExport | None = None) -> None:
        """Save one point: every detector's DataToExport (and the actuator positions).

        Points are validated at once and written in blocks at least every
        ``flush_interval`` seconds (every point when it is 0).
        """
        try:
            for (group, saver), dte in zip(self._savers, detector_data):
                saver.add_data(group, dte, indexes=indexes, distribution=self._distribution)
            if actuator_data is not None:
                for (group, saver), dwa in zip(self._savers[self._n_detectors:],
                                               actuator_data):
                    saver.add_data(group, DataToExport(dwa.name, data=[dwa]),
                                   indexes=indexes, distribution=self._distribution)
        except BaseException:
            self._pending.rollback()  # all or nothing: a point is saved for every group
            raise
        self._pending.commit()
        if self.swmr and not self._swmr_started:
            # every node exists after the first point: readers may now follow the file
            self.h5saver.enable_swmr()
            self._swmr_started = True
            self.flush()
        elif (time.monotonic() - self._last_flush >= self.flush_interval
              or self._pending.n_points >= self.max_pending_points):
            self.flush()

    def flush(self) -> None:
        """Write the pending points and flush the file (SWMR readers see them after refresh)."""
        self._pending.execute(self.h5saver.backend)
        self.h5saver.flush()
        self._last_flush = time.monotonic()

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


def _node_path(node: Any) -> str:
    path = getattr(node, "path", None)
    if isinstance(path, str):
        return path
    return str(getattr(node, "_v_pathname", node))


__all__ = ["ScanWriter"]
