"""The actuator contract: ``ini_actuator``, ``move_abs``/``move_rel``/``move_home``,
``get_actuator_value``, ``stop_motion``, ``close``, and waiting for a target with a timeout.

A plugin author subclasses :class:`Actuator`, sets ``units`` and ``params``, and implements::

    def _ini_actuator(self) -> str | None          # open the device on self.backend
    def _move_abs(self, value: float) -> None      # start a motion (may return at once)
    def _get_actuator_value(self) -> float         # current position in self.units
    def _stop_motion(self) -> None                 # optional
    def _move_home(self) -> None                   # optional; default: move_abs(home_value)
    def _close(self) -> None                       # optional

Every actuator has the common settings ``units`` (read-only), ``epsilon`` (target tolerance),
``timeout`` (seconds), ``home_value`` and a ``bounds`` group (``is_bounds``, ``min_bound``,
``max_bound``), named as in PyMoDAQ. A target outside the enabled bounds raises
:class:`~daqcore.instruments.errors.OutOfBoundsError` before anything moves; a target not
reached within the timeout raises :class:`~daqcore.instruments.errors.MoveTimeoutError`
after stopping the motion.
"""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar

from daqcore.data import DataActuator, DataWithAxes
from daqcore.instruments.base import Instrument
from daqcore.instruments.errors import (
    InstrumentDataError,
    MoveTimeoutError,
    OutOfBoundsError,
    SettingValueError,
)
from daqcore.instruments.settings import Setting


class Actuator(Instrument):
    """Base class of actuators (one axis, a float position in :attr:`units`).

    Class attributes
    ----------------
    units : str
        Controller units (pint-compatible), e.g. ``'mm'``.
    epsilon : float
        Default tolerance to consider a target reached (in ``units``).
    timeout : float
        Default time, in seconds, a move may take before MoveTimeoutError.
    """

    kind: ClassVar[str] = "actuator"
    units: ClassVar[str] = ""
    epsilon: ClassVar[float] = 1e-3
    timeout: ClassVar[float] = 10.0
    poll_interval: ClassVar[float] = 0.005
    """Seconds between two position reads while waiting for a target."""

    def __init__(self, backend: str = "sim", *, title: str | None = None, **settings: Any):
        super().__init__(backend, title=title, **settings)
        self.target_value: float | None = None
        """The last target given to a move (PyMoDAQ's ``target_value``)."""

    @classmethod
    def _common_params(cls) -> list[Setting]:
        return [
            Setting("units", "str", cls.units, readonly=True, title="Units"),
            Setting("epsilon", "float", cls.epsilon, limits=(0.0, None), units=cls.units,
                    title="Epsilon", tip="tolerance to consider the target reached"),
            Setting("timeout", "float", cls.timeout, limits=(0.0, None), units="s",
                    title="Timeout", tip="maximum duration of a move"),
            Setting("home_value", "float", 0.0, units=cls.units, title="Home value"),
            Setting("bounds", "group", title="Bounds", children=[
                Setting("is_bounds", "bool", False, title="Set bounds"),
                Setting("min_bound", "float", 0.0, units=cls.units, title="Min"),
                Setting("max_bound", "float", 1.0, units=cls.units, title="Max"),
            ]),
        ]

    # ------------------------------------------------------------------ properties
    @property
    def bounds(self) -> tuple[float, float] | None:
        """``(min, max)`` when bounds are enabled, else None."""
        if not self.settings["bounds/is_bounds"]:
            return None
        return (self.settings["bounds/min_bound"], self.settings["bounds/max_bound"])

    @property
    def current_value(self) -> float:
        """The position read now, as a float in :attr:`units`."""
        return self.get_actuator_value().value()

    # ------------------------------------------------------------------ public contract
    def ini_actuator(self) -> str:
        """Open the device on the selected backend; returns an information string."""
        return self._initialize(self._ini_actuator)

    _ini = ini_actuator

    def check_bound(self, value: float | DataWithAxes) -> float:
        """Return ``value`` as a float, or raise OutOfBoundsError when outside the bounds."""
        if isinstance(value, DataWithAxes):
            value = value.value(self.units or None)
        if isinstance(value, bool) or (not isinstance(value, int | float) and not hasattr(
            value, "__float__"
        )):
            raise SettingValueError(f"{self.title}: target {value!r} is not a number")
        value = float(value)
        if not math.isfinite(value):
            raise SettingValueError(f"{self.title}: target {value!r} is not finite")
        bounds = self.bounds
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            raise OutOfBoundsError(
                f"{self.title}: target {value:g} {self.units} is outside the bounds "
                f"[{bounds[0]:g}, {bounds[1]:g}] {self.units}".replace("  ", " ")
            )
        return value

    def move_abs(
        self, value: float | DataActuator, *, wait: bool = True, timeout: float | None = None
    ) -> DataActuator | None:
        """Move to ``value`` (float in :attr:`units`, or a 0D DataActuator).

        Parameters
        ----------
        value : float or DataActuator
            Absolute target.
        wait : bool
            Block until the target is reached (returns the reached value) or the timeout.
        timeout : float, optional
            Seconds; defaults to the ``timeout`` setting.

        Raises
        ------
        OutOfBoundsError
            Target outside the enabled bounds (nothing moves).
        MoveTimeoutError
            ``wait`` and the target was not reached in time (the motion is stopped).
        """
        self._require_initialized("move")
        target = self.check_bound(value)
        with self._lock:
            self.target_value = target
            self._move_abs(target)
        return self.wait_until_reached(timeout=timeout) if wait else None

    def move_rel(
        self, value: float | DataActuator, *, wait: bool = True, timeout: float | None = None
    ) -> DataActuator | None:
        """Move by ``value`` from the current position (see :meth:`move_abs`)."""
        self._require_initialized("move")
        if isinstance(value, DataWithAxes):
            value = value.value(self.units or None)
        return self.move_abs(self.current_value + float(value), wait=wait, timeout=timeout)

    def move_home(self, *, wait: bool = True, timeout: float | None = None) -> DataActuator | None:
        """Move to the home position (``_move_home`` if the plugin has one, else ``home_value``)."""
        self._require_initialized("move home")
        if type(self)._move_home is Actuator._move_home:
            return self.move_abs(self.settings["home_value"], wait=wait, timeout=timeout)
        with self._lock:
            self.target_value = self.check_bound(self.settings["home_value"])
            self._move_home()
        return self.wait_until_reached(timeout=timeout) if wait else None

    def get_actuator_value(self) -> DataActuator:
        """The current position as a 0D :class:`~daqcore.data.DataActuator` in :attr:`units`."""
        self._require_initialized("read the position")
        with self._lock:
            raw = self._get_actuator_value()
        try:
            value = float(raw)
        except (TypeError, ValueError) as exc:
            raise InstrumentDataError(
                f"{type(self).__name__}._get_actuator_value returned {raw!r}, not a number"
            ) from exc
        return DataActuator(self.title, data=value, units=self.units, origin=self.title)

    def is_target_reached(self, target: float | None = None) -> bool:
        """True when the position is within ``epsilon`` of ``target`` (default: last target)."""
        target = self.target_value if target is None else target
        if target is None:
            return True
        return abs(self.current_value - target) <= self.settings["epsilon"]

    def wait_until_reached(self, timeout: float | None = None) -> DataActuator:
        """Poll the position until within ``epsilon`` of :attr:`target_value`.

        Returns
        -------
        DataActuator
            The reached position.

        Raises
        ------
        MoveTimeoutError
            Not reached in ``timeout`` seconds (default: the ``timeout`` setting); the
            motion is stopped first.
        """
        timeout = self.settings["timeout"] if timeout is None else float(timeout)
        deadline = time.monotonic() + timeout
        target = self.target_value
        while True:
            current = self.get_actuator_value()
            if target is None or abs(current.value() - target) <= self.settings["epsilon"]:
                return current
            if time.monotonic() >= deadline:
                self.stop_motion()
                raise MoveTimeoutError(
                    f"{self.title}: target {target:g} {self.units} not reached within "
                    f"{timeout:g} s (position {current.value():g} {self.units}, "
                    f"epsilon {self.settings['epsilon']:g})"
                )
            time.sleep(self.poll_interval)

    def stop_motion(self) -> None:
        """Stop any motion now."""
        if self.is_initialized:
            with self._lock:
                self._stop_motion()

    def _before_close(self) -> None:
        self.stop_motion()

    # ------------------------------------------------------------------ author hooks
    def _ini_actuator(self) -> str | None:
        """Open the device (override); return an information string."""
        return None

    def _move_abs(self, value: float) -> None:
        """Start moving to ``value`` (must be overridden)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _move_abs")

    def _get_actuator_value(self) -> float:
        """Read the position (must be overridden)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _get_actuator_value")

    def _stop_motion(self) -> None:
        """Stop the motion (override when the device moves over time)."""

    def _move_home(self) -> None:
        """Start a homing motion (override for a device with a hardware home)."""


__all__ = ["Actuator"]
