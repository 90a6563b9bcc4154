"""The scan engine: move actuators through a scanner's points, grab detectors, emit records.

``Scan`` is the separate engine of the bluesky picture: the :mod:`scanners` describe *where*,
the instruments *what*, and this loop does the driving and the averaging. It emits records
(:mod:`daqcore.data.records`: ``RunStart``, one ``PointRecord`` per point, ``RunStop``); the
saving is done by the scan sink (:class:`~daqcore.saving.sinks.ScanSink`, PyMoDAQ's
``RawData/ScanNNN/DetectorNNN`` layout), and progress events are derived from the records.
After each point the scanner is told the measured point (:meth:`Scanner.tell`), so an
adaptive scanner chooses the next one from the data.

Use it in three ways::

    result = Scan(actuators, detectors, scanner, path="data/").run()   # blocking

    scan = Scan(...); scan.start(); ...; scan.pause(); scan.resume(); scan.stop(); scan.wait()

    for event in Scan(...).iterate():   # in this thread, one event per point
        print(event.n_done, event.eta)

A stopped or failed scan leaves a valid, closed file holding the points done (the other points
read NaN) and the attributes ``n_points_done`` (kept current at every flush), ``n_points`` and
``status`` (and ``error``) on its ``ScanNNN`` group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daqcore.acquisition import drive
from daqcore.acquisition.control import Acquisition, AcquisitionState
from daqcore.acquisition.errors import ScanConfigurationError
from daqcore.acquisition.output import OutputGuard, resolve_output_file, summary_lines
from daqcore.acquisition.scanners import Scanner
from daqcore.data import DataToExport
from daqcore.data.records import InstrumentInfo, PointRecord, RunStart, RunStop, Sink
from daqcore.saving.sinks import DEFAULT_MAX_PENDING_BYTES, ScanSink

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
    max_pending_bytes : int
        Upper bound of the data kept in memory between two flushes (default 32 MB).
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
        max_pending_bytes: int = DEFAULT_MAX_PENDING_BYTES,
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
        if isinstance(max_pending_bytes, bool) or int(max_pending_bytes) < 0:
            raise ScanConfigurationError(
                f"max_pending_bytes must be an integer >= 0, got {max_pending_bytes!r}")
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
        self.max_pending_bytes = int(max_pending_bytes)
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
    def _run_start(self) -> RunStart:
        scanner = self.scanner
        # everything that can fail on bad input is checked before the first move
        drive.check_all_targets(self.actuators, self.actuator_names, scanner)
        nav_axes = scanner.get_nav_axes(
            labels=self.actuator_names if self.actuators else None,
            units=[drive.actuator_units(a) for a in self.actuators] or None,
        )
        return RunStart(
            kind="scan",
            detectors=tuple(InstrumentInfo(name, "detector", drive.settings_xml(det))
                            for name, det in zip(self.detector_names, self.detectors)),
            actuators=tuple(InstrumentInfo(name, "actuator", drive.settings_xml(act),
                                           drive.actuator_units(act))
                            for name, act in zip(self.actuator_names, self.actuators)),
            title=self.title,
            description=self.description,
            plan={"scan_type": scanner.scan_type, "scan_subtype": scanner.scan_subtype,
                  "scan_shape": tuple(scanner.extended_shape), "n_points": scanner.n_steps,
                  "nav_axes": tuple(nav_axes), "distribution": scanner.distribution,
                  "positions_known": scanner.positions_known,
                  "save_actuators": self.save_actuators, "scanner": scanner.describe()},
            metadata={**self.metadata, "naverage": self.naverage},
        )

    def _make_sink(self, start: RunStart) -> Sink:
        file_path, _ = resolve_output_file(self.path, "scan")
        sink = ScanSink(file_path, backend=self.backend, swmr=self.swmr,
                        flush_interval=self.flush_interval,
                        max_pending_bytes=self.max_pending_bytes)
        return OutputGuard(sink, file_path)

    def _make_result(self, sink: Sink | None) -> ScanResult:
        scan_sink = _scan_sink(sink)
        return ScanResult(
            path=scan_sink.path,
            scan_group=scan_sink.scan_group_path,
            detector_groups=dict(zip(self.detector_names, scan_sink.detector_paths)),
            actuator_groups=dict(zip(self.actuator_names, scan_sink.actuator_paths)),
            n_points=self.scanner.n_steps,
        )

    def _records(self, start: RunStart) -> Iterator[PointRecord]:
        scanner = self.scanner
        tracker = drive.MoveTracker(len(self.actuators))
        for step in scanner:
            if not self._checkpoint():
                return
            drive.move_all(self.actuators, self.actuator_names, step.positions,
                           self.move_timeout, step.step, tracker)
            dtes = tuple(drive.grab_averaged(det, name, step.step, self.naverage)
                         for det, name in zip(self.detectors, self.detector_names))
            record = PointRecord(
                start.uid, step.step, step.indexes, step.positions, dtes,
                self._actuator_dte(tracker) if self.save_actuators else None)
            yield record  # saved and published when the engine comes back here
            scanner.tell(record)

    def _end_status(self, n_done: int) -> str:
        return "finished" if n_done == self.scanner.n_steps else "stopped"

    def _abort(self) -> None:
        drive.stop_all(self.actuators)

    def _update_result(self, stop: RunStop, elapsed: float,
                       error: BaseException | None) -> None:
        if self.result is not None:
            self.result.n_points_done = self._n_saved(stop)
            self.result.status = stop.status
            self.result.elapsed = elapsed
            self.result.error = error

    def _actuator_dte(self, tracker: drive.MoveTracker) -> DataToExport:
        data = []
        for name, reached in zip(self.actuator_names, tracker.reached):
            if reached.name != name or reached.origin != name:
                reached = reached.deepcopy()
                reached.name = name
                reached.origin = name
            data.append(reached)
        return DataToExport("actuators", data=data)


def _scan_sink(sink: Any) -> ScanSink:
    inner = getattr(sink, "sink", sink)
    if not isinstance(inner, ScanSink):  # pragma: no cover - _make_sink makes one
        raise ScanConfigurationError("a scan needs a ScanSink")
    return inner


__all__ = ["Scan", "ScanResult", "ScanState"]
