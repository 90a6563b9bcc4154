"""The scan engine: move actuators through a scanner's points, grab detectors, save each point.

``Scan`` is the separate engine of the bluesky picture: the :mod:`scanners` describe *where*,
the instruments *what*, and this loop does the driving, the averaging, the saving (through
:class:`~daqcore.acquisition.scan_writer.ScanWriter`, in PyMoDAQ's ``RawData/ScanNNN/DetectorNNN``
layout) and the progress events.

Use it in three ways::

    result = Scan(actuators, detectors, scanner, path="data/").run()   # blocking

    scan = Scan(...); scan.start(); ...; scan.pause(); scan.resume(); scan.stop(); scan.wait()

    for event in Scan(...).iterate():   # in this thread, one event per point
        print(event.n_done, event.eta)

A stopped or failed scan leaves a valid file holding the points done (the other points stay
NaN) and the attributes ``n_points_done``, ``n_points`` and ``status`` on its ``ScanNNN`` group.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daqcore.acquisition import drive
from daqcore.acquisition.averaging import average_grabs
from daqcore.acquisition.control import Acquisition, AcquisitionState
from daqcore.acquisition.errors import (
    AcquisitionError,
    DetectorError,
    PointSaveError,
    ScanConfigurationError,
)
from daqcore.acquisition.events import ProgressEvent
from daqcore.acquisition.output import summary_lines
from daqcore.acquisition.scan_writer import ScanWriter
from daqcore.acquisition.scanners import Scanner
from daqcore.data import DataToExport

ScanState = AcquisitionState
"""Alias: the life cycle of a :class:`Scan`."""


@dataclass
class ScanResult:
    """What a scan did and where it is.

    Attributes
    ----------
    path : Path
        The HDF5 file.
    scan_group : str
        Path of the ``ScanNNN`` group in the file (``/RawData/Scan000``).
    detector_groups : dict
        Detector name -> path of its ``DetectorNNN`` group.
    actuator_groups : dict
        Actuator name -> path of its ``ActuatorNNN`` group (read-back positions), if saved.
    n_points : int
        Planned number of points.
    n_points_done : int
        Points saved.
    status : str
        ``finished``, ``stopped`` or ``failed``.
    elapsed : float
        Seconds from start to the end of saving.
    error : BaseException or None
        What ended a failed scan.
    """

    path: Path
    scan_group: str
    detector_groups: dict[str, str]
    actuator_groups: dict[str, str]
    n_points: int
    n_points_done: int = 0
    status: str = "running"
    elapsed: float = 0.0
    error: BaseException | None = field(default=None, repr=False)

    @property
    def completed(self) -> bool:
        """True when every point was saved."""
        return self.status == "finished"

    @property
    def points_per_second(self) -> float:
        """Average rate of the scan (points saved per second of scan time)."""
        return self.n_points_done / self.elapsed if self.elapsed > 0 else float("nan")

    def load(self, detector: str | None = None) -> DataToExport:
        """Reload saved data (with navigation axes) through :class:`~daqcore.saving.DataLoader`.

        Parameters
        ----------
        detector : str, optional
            A detector name (key of :attr:`detector_groups`); all detectors when omitted.

        Returns
        -------
        DataToExport
            One DataWithAxes per saved channel group, named as grabbed.
        """
        from daqcore.saving import DataLoader

        if detector is not None and detector not in self.detector_groups:
            raise ScanConfigurationError(
                f"no detector {detector!r} in this scan; detectors: "
                f"{', '.join(self.detector_groups)}"
            )
        groups = (list(self.detector_groups.values()) if detector is None
                  else [self.detector_groups[detector]])
        out = DataToExport("scan")
        with DataLoader(self.path) as loader:
            for group in groups:
                loader.load_all(group, out)
        return out

    def summary(self) -> str:
        """A few human-readable lines (used by the CLI)."""
        return summary_lines([
            f"file: {self.path}",
            f"scan group: {self.scan_group} ({self.status})",
            f"points: {self.n_points_done}/{self.n_points} in {self.elapsed:.3g} s "
            f"({self.points_per_second:.1f} points/s)",
        ], self.detector_groups, self.error)


class Scan(Acquisition):
    """Drive ``actuators`` through ``scanner``, grab ``detectors`` at each point, save.

    Parameters
    ----------
    actuators : sequence of Actuator
        Initialised actuators, one per scanner column (the scan does not open or close them).
    detectors : sequence of Detector
        Initialised detectors; each gets its own ``DetectorNNN`` group.
    scanner : Scanner
        The points (see :mod:`daqcore.acquisition.scanners`).
    naverage : int
        Grabs per point; > 1 saves the mean and the standard error of the mean as error bars.
    path : str or Path, optional
        Output ``.h5`` file (a new ``ScanNNN`` is appended if it exists) or a directory (a new
        time-stamped file is created in it). Default: ``./daqcore_data/``.
    title, description : str
        Stored as the ``TITLE`` / ``description`` of the ``ScanNNN`` group.
    backend : {'h5py', 'tables'}
        HDF5 library (SWMR needs h5py).
    swmr : bool
        Let readers open the file during the scan (h5py, new files only).
    flush_interval : float
        Upper bound, in seconds, between two flushes of the file (SWMR readers see data at
        least that often).
    move_timeout : float
        Seconds each actuator may take to reach a target.
    save_actuators : bool
        Also save the read-back actuator positions at each point in ``ActuatorNNN`` groups.
    metadata : mapping, optional
        Extra attributes of the ``ScanNNN`` group.
    """

    def __init__(
        self,
        actuators: Sequence[Any],
        detectors: Sequence[Any],
        scanner: Scanner,
        naverage: int = 1,
        *,
        path: str | Path | None = None,
        title: str = "",
        description: str = "",
        backend: str = "h5py",
        swmr: bool = True,
        flush_interval: float = 0.5,
        move_timeout: float = 10.0,
        save_actuators: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(scanner, Scanner):
            raise ScanConfigurationError(
                f"scanner must be a daqcore Scanner, got {type(scanner).__name__}"
            )
        self.actuators = list(actuators)
        self.detectors = list(detectors)
        if not self.detectors:
            raise ScanConfigurationError("a scan needs at least one detector")
        if isinstance(naverage, bool) or int(naverage) != naverage or int(naverage) < 1:
            raise ScanConfigurationError(f"naverage must be an integer >= 1, got {naverage!r}")
        if not float(flush_interval) >= 0:
            raise ScanConfigurationError(f"flush_interval must be >= 0, got {flush_interval!r}")
        if not float(move_timeout) > 0:
            raise ScanConfigurationError(f"move_timeout must be > 0, got {move_timeout!r}")
        self.scanner = scanner
        self.naverage = int(naverage)
        self.actuator_names = drive.unique_names(self.actuators, "Actuator")
        self.detector_names = drive.unique_names(self.detectors, "Detector")
        drive.check_all_targets(self.actuators, self.actuator_names, scanner)
        self.path = Path(path) if path is not None else Path("daqcore_data")
        self.title = title
        self.description = description
        self.backend = backend
        self.swmr = bool(swmr)
        self.flush_interval = float(flush_interval)
        self.move_timeout = float(move_timeout)
        self.save_actuators = bool(save_actuators) and bool(self.actuators)
        self.metadata = dict(metadata or {})

        super().__init__()

    @property
    def n_points(self) -> int:
        """Planned number of points."""
        return self.scanner.n_steps

    def run(self) -> ScanResult:
        """Run the whole scan in this thread and return its :class:`ScanResult`.

        Raises
        ------
        AcquisitionError
            :class:`~daqcore.acquisition.errors.DetectorError`,
            :class:`~daqcore.acquisition.errors.ActuatorTimeoutError`... when the scan failed;
            the file is valid and ``self.result`` describes what was saved.
        """
        return super().run()

    # ------------------------------------------------------------------ engine
    def iterate(self) -> Iterator[ProgressEvent]:
        """Run the scan in this thread, yielding a ``point`` event after each saved point.

        Leaving the loop early (``break``) stops the scan cleanly, like :meth:`stop`.
        """
        self._enter_running()
        scanner = self.scanner
        n_total = scanner.n_steps
        t0 = time.perf_counter()
        n_done = 0
        status = "failed"
        error: BaseException | None = None
        writer: ScanWriter | None = None
        try:
            # everything that can fail on bad input is checked before the first move
            drive.check_all_targets(self.actuators, self.actuator_names, scanner)
            writer = ScanWriter(
                self.path, backend=self.backend, swmr=self.swmr,
                flush_interval=self.flush_interval,
            )
            nav_axes = scanner.get_nav_axes(
                labels=self.actuator_names if self.actuators else None,
                units=[drive.actuator_units(a) for a in self.actuators] or None,
            )
            writer.prepare(
                scanner=scanner,
                nav_axes=nav_axes,
                detector_names=self.detector_names,
                actuator_names=self.actuator_names if self.save_actuators else [],
                title=self.title,
                description=self.description,
                metadata={**self.metadata, "naverage": self.naverage},
                detector_settings=[drive.settings_xml(d) for d in self.detectors],
                actuator_settings=[drive.settings_xml(a) for a in self.actuators],
            )
            self.result = ScanResult(
                path=writer.path,
                scan_group=writer.scan_group_path,
                detector_groups=dict(zip(self.detector_names, writer.detector_paths)),
                actuator_groups=dict(zip(self.actuator_names, writer.actuator_paths)),
                n_points=n_total,
            )
            self._emit("started", 0, n_total, t0, writer)
            tracker = drive.MoveTracker(len(self.actuators))
            for step in scanner:
                if not self._pause_point(
                    lambda n=n_done: self._on_pause(n, n_total, t0, writer),
                    lambda n=n_done: self._emit("resumed", n, n_total, t0, writer),
                ):
                    break
                drive.move_all(self.actuators, self.actuator_names, step.positions,
                               self.move_timeout, step.step, tracker)
                dtes = tuple(self._grab_detector(i, step.step)
                             for i in range(len(self.detectors)))
                act_dte = self._actuator_dte(tracker) if self.save_actuators else None
                try:
                    writer.add_point(step.indexes, dtes, act_dte)
                except Exception as exc:
                    raise PointSaveError(step.step, exc) from exc
                n_done += 1
                event = ProgressEvent(
                    "point", n_done, n_total, time.perf_counter() - t0, step=step.step,
                    indexes=step.indexes, positions=step.positions, data=dtes,
                    path=str(writer.path),
                )
                self._hub.emit(event)
                yield event
            status = "finished" if n_done == n_total else "stopped"
        except (GeneratorExit, KeyboardInterrupt):
            status = "stopped"
            drive.stop_all(self.actuators)
            raise
        except BaseException as exc:
            error = exc
            status = "failed"
            drive.stop_all(self.actuators)
            raise
        finally:
            self._finish(writer, n_done, n_total, status, error, t0)

    def _on_pause(self, n_done: int, n_total: int, t0: float, writer: ScanWriter) -> None:
        writer.flush()
        self._emit("paused", n_done, n_total, t0, writer)

    def _grab_detector(self, index: int, point: int) -> DataToExport:
        det = self.detectors[index]
        name = self.detector_names[index]
        if self.naverage == 1:
            return drive.grab(det, name, point)
        grabs = [drive.grab(det, name, point) for _ in range(self.naverage)]
        try:
            return average_grabs(grabs)
        except AcquisitionError as exc:
            raise DetectorError(name, point, exc) from exc

    def _actuator_dte(self, tracker: drive.MoveTracker) -> DataToExport:
        data = []
        for name, reached in zip(self.actuator_names, tracker.reached):
            if reached.name != name or reached.origin != name:
                reached = reached.deepcopy()
                reached.name = name
                reached.origin = name
            data.append(reached)
        return DataToExport("actuators", data=data)

    def _emit(self, kind: str, n_done: int, n_total: int, t0: float,
              writer: ScanWriter | None, error: BaseException | None = None) -> None:
        self._hub.emit(ProgressEvent(kind, n_done, n_total, time.perf_counter() - t0,
                                     error=error, path=str(writer.path) if writer else ""))

    def _finish(self, writer: ScanWriter | None, n_done: int, n_total: int, status: str,
                error: BaseException | None, t0: float) -> None:
        finalize_error: BaseException | None = None
        if writer is not None:
            try:
                writer.finalize(n_done, n_total, status,
                                "" if error is None else f"{type(error).__name__}: {error}")
            except BaseException as exc:  # keep the first error, report this one too
                finalize_error = exc
        elapsed = time.perf_counter() - t0
        if self.result is not None:
            self.result.n_points_done = n_done
            self.result.status = status
            self.result.elapsed = elapsed
            self.result.error = error
        self._state = ScanState[status]
        self._hub.emit(ProgressEvent(status, n_done, n_total, elapsed, error=error,
                                     path=str(writer.path) if writer else ""))
        if finalize_error is not None and error is None:
            raise finalize_error


__all__ = ["Scan", "ScanResult", "ScanState"]
