"""A timed logger: grab detectors every ``interval`` seconds and emit one row record per sample.

The logger runs on the shared engine loop (:class:`~daqcore.acquisition.control.Acquisition`)
and emits records (``RunStart``, one ``RowRecord`` per sample, ``RunStop``); the log sink
(:class:`~daqcore.saving.sinks.LogSink`) saves them: one ``RawData/DetectorNNN`` group per
detector with enlargeable arrays whose navigation axis is the ``time`` of each grab, in seconds
since the epoch (PyMoDAQ's DAQ_Logger layout). The file is written in SWMR mode (h5py) so it
can be read while logging, and flushed at least every ``flush_interval`` seconds, so a crash
loses at most that much; a sample is saved for every detector or for none. The ``RawData``
group carries ``n_samples_done`` (current at every flush) and the final ``status``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daqcore.acquisition import drive
from daqcore.acquisition.control import Acquisition
from daqcore.acquisition.errors import ScanConfigurationError
from daqcore.acquisition.output import OutputGuard, resolve_output_file, summary_lines
from daqcore.data.records import InstrumentInfo, RowRecord, RunStart, RunStop, Sink
from daqcore.saving.sinks import DEFAULT_MAX_PENDING_BYTES, LogSink


@dataclass
class LoggerResult:
    """What a :class:`Logger` wrote.

    Attributes
    ----------
    path : Path
        The HDF5 file.
    detector_groups : dict
        Detector name -> path of its ``DetectorNNN`` group.
    n_samples_done : int
        Samples saved (one sample = one grab of every detector).
    n_missed : int
        Ticks skipped because a grab took longer than ``interval``.
    status : str
        ``finished``, ``stopped`` or ``failed``.
    elapsed : float
        Seconds of logging.
    """

    path: Path
    detector_groups: dict[str, str]
    n_samples_done: int = 0
    n_missed: int = 0
    status: str = "running"
    elapsed: float = 0.0
    error: BaseException | None = field(default=None, repr=False)

    def summary(self) -> str:
        """A few human-readable lines (used by the CLI)."""
        head = [f"file: {self.path}",
                f"samples: {self.n_samples_done} in {self.elapsed:.3g} s ({self.status})"]
        if self.n_missed:
            head.append(f"missed ticks (grab slower than interval): {self.n_missed}")
        return summary_lines(head, self.detector_groups, self.error)


class Logger(Acquisition):
    """Grab ``detectors`` every ``interval`` seconds for ``duration`` seconds (or ``n_samples``).

    Parameters
    ----------
    detectors : sequence of Detector
        Initialised detectors (not opened or closed by the logger).
    interval : float
        Seconds between two samples (0: as fast as possible).
    duration : float, optional
        Stop after that many seconds; ``None`` runs until :meth:`stop` or ``n_samples``.
    n_samples : int, optional
        Stop after that many samples.
    path : str or Path, optional
        ``.h5`` file or directory (default ``./daqcore_data/``). An existing file is appended to.
    backend : {'h5py', 'tables'}
    swmr : bool
        Let readers follow the file (h5py, new files only).
    flush_interval : float
        Upper bound, in seconds, between two flushes (what a crash can lose).
    buffered : bool
        Collect samples in memory and append them in blocks (at least every
        ``flush_interval`` seconds, or ``max_pending_bytes``); False writes and flushes every
        sample at once.
    max_pending_bytes : int
        Upper bound of the data kept in memory between two flushes (default 32 MB).
    metadata : mapping, optional
        Extra attributes of ``RawData`` (new files).
    """

    _thread_name = "daqcore-logger"

    def __init__(
        self,
        detectors: Sequence[Any],
        interval: float,
        duration: float | None = None,
        *,
        n_samples: int | None = None,
        path: str | Path | None = None,
        backend: str = "h5py",
        swmr: bool = True,
        flush_interval: float = 1.0,
        buffered: bool = True,
        max_pending_bytes: int = DEFAULT_MAX_PENDING_BYTES,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.detectors = list(detectors)
        if not self.detectors:
            raise ScanConfigurationError("a logger needs at least one detector")
        if not (isinstance(interval, (int, float)) and math.isfinite(interval) and interval >= 0):
            raise ScanConfigurationError(f"interval must be a number >= 0, got {interval!r}")
        if duration is not None and not (math.isfinite(float(duration)) and duration > 0):
            raise ScanConfigurationError(f"duration must be > 0 seconds, got {duration!r}")
        if n_samples is not None and (int(n_samples) != n_samples or n_samples < 1):
            raise ScanConfigurationError(f"n_samples must be an integer >= 1, got {n_samples!r}")
        if not float(flush_interval) >= 0:
            raise ScanConfigurationError(f"flush_interval must be >= 0, got {flush_interval!r}")
        self.interval = float(interval)
        self.duration = None if duration is None else float(duration)
        self.n_samples = None if n_samples is None else int(n_samples)
        self.path = path
        self.backend = backend
        self.swmr = bool(swmr)
        self.flush_interval = float(flush_interval)
        self.buffered = bool(buffered)
        if isinstance(max_pending_bytes, bool) or int(max_pending_bytes) < 0:
            raise ScanConfigurationError(
                f"max_pending_bytes must be an integer >= 0, got {max_pending_bytes!r}")
        self.max_pending_bytes = int(max_pending_bytes)
        self._n_missed = 0
        self.metadata = dict(metadata or {})
        self.detector_names = drive.unique_names(self.detectors, "Detector")
        super().__init__()

    @property
    def n_total(self) -> int | None:
        """Planned number of samples when known."""
        if self.n_samples is not None:
            return self.n_samples
        if self.duration is not None and self.interval > 0:
            return math.floor(self.duration / self.interval) + 1
        return None

    def run(self) -> LoggerResult:
        """Log in this thread until done; return the :class:`LoggerResult`."""
        return super().run()

    # ------------------------------------------------------------------ engine
    def _run_start(self) -> RunStart:
        return RunStart(
            kind="log",
            detectors=tuple(InstrumentInfo(name, "detector", drive.settings_xml(det))
                            for name, det in zip(self.detector_names, self.detectors)),
            plan={"interval": self.interval, "duration": self.duration,
                  "n_samples": self.n_total},
            metadata=dict(self.metadata),
        )

    def _make_sink(self, start: RunStart) -> Sink:
        file_path, _ = resolve_output_file(self.path, "log")
        sink = LogSink(file_path, backend=self.backend, swmr=self.swmr,
                       flush_interval=self.flush_interval if self.buffered else 0.0,
                       max_pending_bytes=self.max_pending_bytes)
        return OutputGuard(sink, file_path)

    def _make_result(self, sink: Sink | None) -> LoggerResult:
        log_sink = getattr(sink, "sink", sink)
        assert isinstance(log_sink, LogSink)
        return LoggerResult(path=log_sink.path,
                            detector_groups=dict(zip(self.detector_names,
                                                     log_sink.detector_paths)))

    def _records(self, start: RunStart) -> Iterator[RowRecord]:
        t0 = time.perf_counter()
        next_tick = t0
        n_done = 0
        while True:
            if not self._checkpoint():
                return
            if self.n_samples is not None and n_done >= self.n_samples:
                return
            now = time.perf_counter()
            if self.duration is not None and now - t0 > self.duration:
                return
            if now < next_tick:
                if self._stop_requested.wait(next_tick - now):
                    return
                continue
            stamp = time.time()
            dtes = tuple(drive.grab(det, name, n_done)
                         for det, name in zip(self.detectors, self.detector_names))
            yield RowRecord(start.uid, n_done, stamp, dtes)
            n_done += 1
            if self.interval > 0:
                next_tick += self.interval
                late = time.perf_counter() - next_tick
                if late > self.interval:  # do not burst to catch up: skip missed ticks
                    skipped = int(late // self.interval)
                    self._n_missed += skipped
                    next_tick += skipped * self.interval

    def _end_status(self, n_done: int) -> str:
        done = self.n_samples is None or n_done >= self.n_samples
        return "finished" if done and not self._stop_requested.is_set() else "stopped"

    def _stop_counts(self) -> dict[str, int]:
        return {"n_missed": self._n_missed}

    def _update_result(self, stop: RunStop, elapsed: float,
                       error: BaseException | None) -> None:
        if self.result is not None:
            self.result.n_samples_done = self._n_saved(stop)
            self.result.n_missed = self._n_missed
            self.result.status = stop.status
            self.result.elapsed = elapsed
            self.result.error = error


__all__ = ["Logger", "LoggerResult"]
