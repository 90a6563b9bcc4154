"""Saving what a detector module shows: snapshots and continuous saving (no Qt).

* :func:`save_snapshot` writes one DataToExport in a new file, PyMoDAQ's DAQ_Viewer snapshot
  layout (``RawData/Detector000/Data1D/CH00``...).
* :class:`ContinuousSaver` appends every grabbed DataToExport against time through the timed
  saver (:class:`~daqcore.saving.BufferedTimedSaver`: rows buffered and written in blocks, at
  least every ``flush_interval`` seconds), PyMoDAQ's continuous-saving layout, so a crash loses
  at most that much. It is called from the live-grab thread; :meth:`ContinuousSaver.close`
  writes what is buffered and closes the file on every path.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from daqcore.data import DataToExport
from daqcore.gui.saving_options import SavingOptions
from daqcore.saving import BufferedTimedSaver, DataToExportSaver


def save_snapshot(options: SavingOptions, dte: DataToExport, title: str,
                  settings_xml: str = "") -> Path:
    """Write ``dte`` as a snapshot of detector ``title`` in a new file; return its path."""
    saver = options.h5saver("detector")
    saver.init_file(new_file=True)
    try:
        group = saver.add_det_group(saver.raw_group, title=title, settings_as_xml=settings_xml)
        DataToExportSaver(saver).add_data(group, dte)
        path = Path(saver.filename)
    finally:
        saver.close_file()
    return path


class ContinuousSaver:
    """Append grabbed data of one detector to a new file until closed.

    Parameters
    ----------
    options : SavingOptions
    title : str
        Detector name (title of its ``DetectorNNN`` group).
    settings_xml : str
        The detector's settings, stored on its group.
    """

    def __init__(self, options: SavingOptions, title: str, settings_xml: str = "") -> None:
        self._lock = threading.Lock()
        self._saver = options.h5saver("logger")
        self._saver.swmr_auto_start = False
        use_swmr = options.use_swmr
        self._saver.init_file(new_file=True, swmr_mode=use_swmr)
        try:
            self._group = self._saver.add_det_group(self._saver.raw_group, title=title,
                                                    settings_as_xml=settings_xml)
            self._timed = BufferedTimedSaver(self._saver,
                                             flush_period=max(options.flush_interval, 1e-3),
                                             block_rows=256, background=False)
        except BaseException:
            self._saver.close_file()
            raise
        self.path = Path(self._saver.filename)
        self._swmr_pending = use_swmr
        self._swmr_on = False
        self._flush_interval = max(options.flush_interval, 1e-3)
        self._last_flush = time.monotonic()
        self.n_saved = 0
        self.closed = False

    def add(self, dte: DataToExport) -> None:
        """Append one grab (thread-safe; ignored once closed)."""
        with self._lock:
            if self.closed:
                return
            self._timed.add_data(self._group, dte)
            self.n_saved += 1
            if self._swmr_pending:  # every array exists after the first row
                self._timed.flush()
                self._saver.enable_swmr()
                self._swmr_pending = False
                self._swmr_on = True
            now = time.monotonic()
            if now - self._last_flush >= self._flush_interval:
                self._timed.flush()
                self._last_flush = now

    def close(self) -> Path:
        """Write the buffered rows, record the count and close the file (idempotent)."""
        with self._lock:
            if self.closed:
                return self.path
            self.closed = True
            try:
                self._timed.flush()
                if self._swmr_on:  # attributes cannot be written under SWMR
                    self._saver.finalize_swmr(keep_open=True)
                self._saver.get_node(self._group.path).set_attr("n_samples_done", self.n_saved)
            finally:
                self._saver.close_file()
        return self.path


__all__ = ["ContinuousSaver", "save_snapshot"]
