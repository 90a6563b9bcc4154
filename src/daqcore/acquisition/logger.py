"""A timed logger: grab detectors every ``interval`` seconds and append to an HDF5 file.

Each detector gets a ``RawData/DetectorNNN`` group written by
:class:`~daqcore.saving.DataToExportTimedSaver` (enlargeable arrays whose navigation axis is the
``time`` of each grab, in seconds since the epoch: PyMoDAQ's DAQ_Logger layout). The file is
written in SWMR mode (h5py) so it can be read while logging, and flushed at least every
``flush_interval`` seconds, so a crash loses at most that much. The ``RawData`` group gets
``n_samples_done`` and ``status`` when the logger ends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daqcore.acquisition import drive
from daqcore.acquisition.control import Acquisition, AcquisitionState
from daqcore.acquisition.errors import OutputPathError, ScanConfigurationError
from daqcore.acquisition.events import ProgressEvent
from daqcore.acquisition.output import resolve_output_file, summary_lines
from daqcore.saving import (
    BufferedTimedSaver,
    DataToExportTimedSaver,
    H5SaverLowLevel,
    backend_capabilities,
)


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
        Collect samples in memory and append them in blocks
        (:class:`~daqcore.saving.BufferedTimedSaver`) when sampling faster than
        ``flush_interval``; otherwise (or when False) every sample is written at once by
        :class:`~daqcore.saving.DataToExportTimedSaver`.
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

    def iterate(self) -> Iterator[ProgressEvent]:
        """Log in this thread, yielding one ``point`` event per saved sample."""
        self._enter_running()
        t0 = time.perf_counter()
        n_done = 0
        n_missed = 0
        status = "failed"
        error: BaseException | None = None
        h5 = None
        path_str = ""
        swmr_on = False
        raw_path = ""
        savers: list[Any] = []
        buffers: list[BufferedTimedSaver] = []  # savers holding rows in memory
        n_total = self.n_total
        try:
            file_path, exists = resolve_output_file(self.path, "log")
            path_str = str(file_path)
            use_swmr = self.swmr and backend_capabilities(self.backend).swmr and not exists
            try:
                # one saver per detector group: SWMR starts once all arrays exist (below)
                h5 = H5SaverLowLevel(save_type="logger", backend=self.backend,
                                     flush_period=self.flush_interval, swmr_auto_start=False)
                h5.init_file(file_name=file_path, new_file=not exists, swmr_mode=use_swmr,
                             metadata=self.metadata or None)
            except OSError as exc:
                raise OutputPathError(f"cannot open {path_str!r} for writing: {exc}") from exc
            raw_group = h5.raw_group
            raw_path = raw_group.path
            groups = [h5.add_det_group(raw_group, title=name) for name in self.detector_names]
            if self.buffered:
                savers = buffers = [
                    BufferedTimedSaver(h5, flush_period=max(self.flush_interval, 1e-3),
                                       block_rows=256, background=False) for _ in groups]
            else:  # every sample is written at once: nothing buffered to flush
                savers = [DataToExportTimedSaver(h5) for _ in groups]
            prompt = not self.buffered or self.interval >= self.flush_interval
            self.result = LoggerResult(
                path=file_path,
                detector_groups={n: g.path for n, g in zip(self.detector_names, groups)},
            )
            self._hub.emit(ProgressEvent("started", 0, n_total, 0.0, path=path_str))
            next_tick = time.perf_counter()
            while True:
                if not self._pause_point(
                    lambda n=n_done: self._emit_simple("paused", n, n_total, t0, path_str,
                                                       buffers),
                    lambda n=n_done: self._emit_simple("resumed", n, n_total, t0, path_str, None),
                ):
                    break
                if self.n_samples is not None and n_done >= self.n_samples:
                    break
                now = time.perf_counter()
                if self.duration is not None and now - t0 > self.duration:
                    break
                if now < next_tick:
                    if self._stop_requested.wait(next_tick - now):
                        break
                    continue
                dtes = tuple(drive.grab(det, name, n_done)
                             for det, name in zip(self.detectors, self.detector_names))
                for group, saver, dte in zip(groups, savers, dtes):
                    saver.add_data(group, dte)
                n_done += 1
                if use_swmr and not swmr_on:
                    h5.enable_swmr()  # every node exists after the first sample
                    swmr_on = True
                    h5.flush()
                elif prompt:
                    for saver in buffers:
                        saver.flush()  # buffered rows would otherwise wait for the next tick
                    h5.tick_flush()  # flushes when flush_interval seconds have passed
                if self.interval > 0:
                    next_tick += self.interval
                    late = time.perf_counter() - next_tick
                    if late > self.interval:  # do not burst to catch up: skip missed ticks
                        skipped = int(late // self.interval)
                        n_missed += skipped
                        next_tick += skipped * self.interval
                event = ProgressEvent("point", n_done, n_total, time.perf_counter() - t0,
                                      step=n_done - 1, data=dtes, path=path_str)
                self._hub.emit(event)
                yield event
            status = "finished" if (self.n_samples is None or n_done >= self.n_samples) \
                and not self._stop_requested.is_set() else "stopped"
        except (GeneratorExit, KeyboardInterrupt):
            status = "stopped"
            raise
        except BaseException as exc:
            error = exc
            raise
        finally:
            if h5 is not None:
                try:
                    for saver in buffers:
                        saver.flush()  # rows still buffered
                    h5.flush()
                finally:
                    if swmr_on:
                        h5.finalize_swmr(keep_open=True)
                    if raw_path:
                        raw = h5.get_node(raw_path)
                        raw.set_attr("n_samples_done", n_done)
                        raw.set_attr("status", status)
                    h5.close_file()
            elapsed = time.perf_counter() - t0
            if self.result is not None:
                self.result.n_samples_done = n_done
                self.result.n_missed = n_missed
                self.result.status = status
                self.result.elapsed = elapsed
                self.result.error = error
            self._state = AcquisitionState[status]
            self._hub.emit(ProgressEvent(status, n_done, n_total, elapsed, error=error,
                                         path=path_str))

    def _emit_simple(self, kind: str, n_done: int, n_total: int | None, t0: float,
                     path: str, savers: Sequence[Any] | None) -> None:
        for saver in savers or ():
            saver.flush()  # a paused logger has everything on disk
        self._hub.emit(ProgressEvent(kind, n_done, n_total, time.perf_counter() - t0, path=path))


__all__ = ["Logger", "LoggerResult"]
