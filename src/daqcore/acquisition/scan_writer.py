"""Saving a scan in PyMoDAQ's layout: ``RawData/ScanNNN/{DetectorNNN, ActuatorNNN}``.

This is the one place where the scan engine meets :mod:`daqcore.saving`. Each detector (and,
optionally, the read-back actuator positions) gets an incremental group under the ``ScanNNN``
group, its own :class:`~daqcore.saving.DataToExportExtendedSaver` (extended arrays pre-filled
with NaN, one write per point) and the scan's navigation axes in its ``NavAxes`` group, so
``DataLoader.load_data`` (daqcore's or pymodaq_data's) rebuilds every channel with its
navigation axes. When the scan ends (normally, stopped or failed), the ``ScanNNN`` group gets
the attributes ``n_points``, ``n_points_done`` and ``status``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from daqcore.acquisition.errors import OutputPathError
from daqcore.acquisition.output import resolve_output_file
from daqcore.acquisition.scanners import Scanner
from daqcore.data import Axis, DataToExport
from daqcore.saving import DataToExportExtendedSaver, H5SaverLowLevel


class _PointSaver(DataToExportExtendedSaver):
    """Extended saver that leaves SWMR switching and flushing to :class:`ScanWriter`.

    The base saver switches SWMR on right after its own first write; a scan has several
    groups (one per detector / actuator) whose arrays must all exist before SWMR starts, since
    no node can be created under SWMR. The writer switches after the first complete point.
    """

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
        self._savers: list[tuple[Any, Any]] = []  # (group, saver) per detector, then actuators
        self._scan_group: Any = None
        self._swmr_started = False

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
        saver = _PointSaver(self.h5saver, extended_shape=scanner.extended_shape)
        saver.add_nav_axes(group, [ax.copy() for ax in nav_axes])
        self._savers.append((group, saver))

    # ------------------------------------------------------------------ points
    def add_point(self, indexes: Sequence[int], detector_data: Sequence[DataToExport],
                  actuator_data: DataToExport | None = None) -> None:
        """Save one point: every detector's DataToExport (and the actuator positions)."""
        for (group, saver), dte in zip(self._savers, detector_data):
            saver.add_data(group, dte, indexes=indexes, distribution=self._distribution)
        if actuator_data is not None:
            for (group, saver), dwa in zip(self._savers[self._n_detectors:], actuator_data):
                saver.add_data(group, DataToExport(dwa.name, data=[dwa]), indexes=indexes,
                               distribution=self._distribution)
        if self.swmr and not self._swmr_started:
            # every node exists after the first point: readers may now follow the file
            self.h5saver.enable_swmr()
            self._swmr_started = True
            self.h5saver.flush()
        else:
            self.h5saver.tick_flush()  # flushes when flush_interval seconds have passed

    def flush(self) -> None:
        """Push everything written so far to the file (SWMR readers see it after refresh)."""
        self.h5saver.flush()

    # ------------------------------------------------------------------ end
    def finalize(self, n_done: int, n_total: int, status: str, error: str = "") -> None:
        """Write the completion attributes and close the file (always leaves it valid)."""
        h5 = self.h5saver
        try:
            h5.flush()
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
