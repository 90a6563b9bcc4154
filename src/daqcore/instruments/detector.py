"""The detector contract: ``ini_detector``, ``grab_data``, live streaming, ``stop``, ``close``.

A plugin author subclasses :class:`Detector`, declares ``dims`` (the data dimensionalities it
produces), ``params`` (its settings) and ``backends``, and implements::

    def _ini_detector(self) -> str | None:        # open the device on self.backend
    def _grab_data(self, naverage: int) -> DataToExport   # one acquisition
    def _stop(self) -> None                       # optional: abort an acquisition
    def _close(self) -> None                      # optional: release the device

Users call the public PyMoDAQ-named methods. ``grab_data`` checks the state, averages in
software when the class has no ``hardware_averaging`` (mean of ``naverage`` grabs, with the
standard error of the mean stored as ``errors``) and checks that the result is a
:class:`~daqcore.data.DataToExport` of declared dims.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from daqcore.data import DataDim, DataToExport, DataWithAxes
from daqcore.instruments.averaging import average_grabs
from daqcore.instruments.base import Instrument
from daqcore.instruments.errors import InstrumentDataError, InstrumentStateError, SettingValueError

LiveCallback = Callable[[DataToExport], None]


class Detector(Instrument):
    """Base class of detectors (0D, 1D, 2D, ND).

    Class attributes
    ----------------
    dims : tuple of DataDim
        The dimensionalities of the data this detector returns.
    hardware_averaging : bool
        True when ``_grab_data(naverage)`` averages itself; otherwise the base averages.
    live_mode_available : bool
        Whether :meth:`start_live` is supported (the default implementation grabs in a
        background thread; a streaming device overrides ``_start_live``/``_stop_live``).
    """

    kind: ClassVar[str] = "detector"
    dims: ClassVar[tuple[DataDim, ...]] = ()
    hardware_averaging: ClassVar[bool] = False
    live_mode_available: ClassVar[bool] = True

    def __init__(self, backend: str = "sim", *, title: str | None = None, **settings: Any):
        super().__init__(backend, title=title, **settings)
        self._live_thread: threading.Thread | None = None
        self._live_stop = threading.Event()
        self.live_error: BaseException | None = None
        """The exception that ended the last live acquisition, if any."""

    # ------------------------------------------------------------------ public contract
    def ini_detector(self) -> str:
        """Open the device on the selected backend; returns an information string."""
        return self._initialize(self._ini_detector)

    _ini = ini_detector

    def grab_data(self, naverage: int = 1) -> DataToExport:
        """Acquire once (averaging ``naverage`` acquisitions) and return the data.

        Raises
        ------
        InstrumentStateError
            Not initialised, or closed.
        SettingValueError
            ``naverage`` is not a positive integer.
        InstrumentDataError
            The plugin returned something else than a DataToExport of declared dims.
        """
        if isinstance(naverage, bool) or not isinstance(naverage, int | np.integer) \
                or naverage < 1:
            raise SettingValueError(f"naverage must be a positive integer, got {naverage!r}")
        self._require_initialized("grab data")
        with self._lock:
            if self.hardware_averaging or naverage == 1:
                dte = self._checked(self._grab_data(int(naverage)))
            else:
                dte = average_grabs([self._checked(self._grab_data(1)) for _ in range(naverage)])
        return dte

    def start_live(self, callback: LiveCallback, *, naverage: int = 1) -> None:
        """Acquire continuously, calling ``callback(dte)`` for each new data set.

        Runs until :meth:`stop_live` (or :meth:`stop` / :meth:`close`). The callback runs in
        the acquisition thread and must return quickly.
        """
        self._require_initialized("start live acquisition")
        if not self.live_mode_available:
            raise InstrumentStateError(f"{self.title}: live mode is not available")
        if self.is_live:
            raise InstrumentStateError(f"{self.title}: live acquisition is already running")
        self.live_error = None
        self._live_stop.clear()
        self._start_live(callback, naverage)

    def stop_live(self) -> None:
        """Stop a live acquisition started by :meth:`start_live` (no error if not running)."""
        self._live_stop.set()
        self._stop_live()

    @property
    def is_live(self) -> bool:
        """True while a live acquisition runs."""
        return self._live_thread is not None and self._live_thread.is_alive()

    def stop(self) -> None:
        """Stop live acquisition and abort a running acquisition (PyMoDAQ's ``stop``)."""
        self.stop_live()
        if self.is_initialized:
            self._stop()

    def _before_close(self) -> None:
        self.stop_live()

    # ------------------------------------------------------------------ author hooks
    def _ini_detector(self) -> str | None:
        """Open the device (override); return an information string."""
        return None

    def _grab_data(self, naverage: int) -> DataToExport:
        """Acquire and return one DataToExport (must be overridden)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _grab_data")

    def _stop(self) -> None:
        """Abort a running acquisition (override when the device needs it)."""

    def _start_live(self, callback: LiveCallback, naverage: int) -> None:
        """Default live mode: a daemon thread calling :meth:`grab_data` in a loop."""
        thread = threading.Thread(
            target=self._live_loop, args=(callback, naverage),
            name=f"daqcore-live-{self.title}", daemon=True,
        )
        self._live_thread = thread
        thread.start()

    def _stop_live(self) -> None:
        """Wait for the default live thread to end (override together with _start_live)."""
        thread = self._live_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10.0)
        self._live_thread = None

    def _live_loop(self, callback: LiveCallback, naverage: int) -> None:
        while not self._live_stop.is_set():
            try:
                dte = self.grab_data(naverage)
                if self._live_stop.is_set():
                    break
                callback(dte)
            except Exception as exc:  # ends the loop; kept for the caller to inspect
                if not self._live_stop.is_set():
                    self.live_error = exc
                break

    # ------------------------------------------------------------------ helpers
    def _checked(self, dte: Any) -> DataToExport:
        name = type(self).__name__
        if not isinstance(dte, DataToExport):
            raise InstrumentDataError(f"{name}._grab_data returned {type(dte).__name__}, "
                                      "expected a DataToExport")
        if len(dte) == 0:
            raise InstrumentDataError(f"{name}._grab_data returned an empty DataToExport")
        for dwa in dte:
            if not isinstance(dwa, DataWithAxes):
                raise InstrumentDataError(f"{name}: {dwa!r} is not a DataWithAxes")
            if self.dims and dwa.dim not in self.dims:
                raise InstrumentDataError(
                    f"{name}: data {dwa.name!r} is {dwa.dim.name}, but the detector declares "
                    f"dims {[d.name for d in self.dims]}"
                )
        return dte


__all__ = ["Detector", "LiveCallback"]
