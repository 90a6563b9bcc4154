"""What every instrument shares: settings tree, backend selection, life cycle, context manager.

:class:`Instrument` is the common base of :class:`~daqcore.instruments.detector.Detector` and
:class:`~daqcore.instruments.actuator.Actuator` (both re-exported here and from
:mod:`daqcore.instruments`). Plain Python, no Qt: an instrument is usable from a script,
a scan, a test or the dashboard alike.

Life cycle: ``created`` → ``ini_detector()`` / ``ini_actuator()`` → ``initialized`` →
``close()`` → ``closed``. ``close()`` is idempotent. ``with`` initialises on entry (if
needed) and closes on exit.

Plugin authors implement the protected hooks (``_ini_detector``, ``_grab_data``,
``_ini_actuator``, ``_move_abs``, ``_get_actuator_value``, ``_close``...); the public,
PyMoDAQ-named methods wrap them with state checks, validation and clear errors.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from daqcore.instruments.backends import SIM, Availability, Backend
from daqcore.instruments.errors import (
    BackendUnavailableError,
    InstrumentStateError,
    SettingNotFoundError,
    UnknownBackendError,
)
from daqcore.instruments.settings import Setting, Settings

CREATED, INITIALIZED, CLOSED = "created", "initialized", "closed"


class Instrument:
    """Common base of detectors and actuators.

    Parameters
    ----------
    backend : str
        Name of one of the class's :attr:`backends` (``'sim'`` by default).
    title : str, optional
        Name of this instance (used as the data ``origin``); defaults to the class name.
    **settings
        Initial setting values, by setting name (a nested setting may be named by its
        leaf name when unique, or by its ``a/b`` path given through a dict:
        ``**{'bounds/max_bound': 5}``).
    """

    kind: ClassVar[str] = ""
    """``'detector'`` or ``'actuator'``."""

    params: ClassVar[Sequence[Mapping[str, Any] | Setting]] = ()
    """The instrument's own settings: :class:`Setting` objects or PyMoDAQ-style dicts."""

    backends: ClassVar[tuple[Backend, ...]] = (SIM,)
    """The backends the instrument can run on; ``sim`` should always be one of them."""

    def __init__(self, backend: str = "sim", *, title: str | None = None, **settings: Any):
        self.title = title or type(self).__name__
        self.backend = self.find_backend(backend).name
        self._state = CREATED
        self._lock = threading.RLock()
        self.settings: Setting = Settings(
            [*self._common_params(), *(_as_setting(p) for p in self.params)],
            title=self.title,
        )
        if settings:
            self.settings.update(self._settings_paths(settings))
        self.settings.subscribe(self._on_setting_changed)

    # ------------------------------------------------------------------ class helpers
    @classmethod
    def _common_params(cls) -> list[Setting]:
        """Settings every instrument of this kind has (extended by Detector / Actuator)."""
        return []

    @classmethod
    def find_backend(cls, name: str) -> Backend:
        """The declared backend called ``name``, or UnknownBackendError listing the known ones."""
        for backend in cls.backends:
            if backend.name == name:
                return backend
        known = ", ".join(b.name for b in cls.backends) or "none"
        raise UnknownBackendError(
            f"{cls.__name__} has no backend {name!r}; declared backends: {known}"
        )

    @classmethod
    def backend_availability(cls) -> dict[str, Availability]:
        """Probe every declared backend (lazily imports drivers only inside probes)."""
        return {b.name: b.availability() for b in cls.backends}

    def _settings_paths(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Map keyword names to setting paths (leaf names are searched in the whole tree)."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key in self.settings:
                out[key] = value
                continue
            matches = [s.path for s in self.settings.walk() if s.name == key and s.parent]
            if len(matches) != 1:
                known = ", ".join(s.path for s in self.settings.walk() if s.type != "group")
                reason = "is ambiguous" if matches else "does not exist"
                raise SettingNotFoundError(
                    f"{type(self).__name__}: setting {key!r} {reason}; settings: {known}"
                )
            out[matches[0]] = value
        return out

    # ------------------------------------------------------------------ state
    @property
    def is_initialized(self) -> bool:
        """True between a successful ``ini_*`` and ``close()``."""
        return self._state == INITIALIZED

    @property
    def is_closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._state == CLOSED

    def _require_initialized(self, action: str) -> None:
        if self._state == CREATED:
            raise InstrumentStateError(
                f"{self.title}: cannot {action} before initialisation "
                f"(call ini_{self.kind}() or use a with block)"
            )
        if self._state == CLOSED:
            raise InstrumentStateError(f"{self.title}: cannot {action}, it is closed")

    def _initialize(self, hook: Any) -> str:
        """Run the author's ``_ini_*`` hook after checking state and backend availability."""
        with self._lock:
            if self._state == INITIALIZED:
                return ""
            if self._state == CLOSED:
                raise InstrumentStateError(
                    f"{self.title}: cannot re-initialise a closed instrument"
                )
            availability = self.find_backend(self.backend).availability()
            if not availability:
                raise BackendUnavailableError(
                    f"{self.title}: backend {self.backend!r} is not available: "
                    f"{availability.reason or 'unavailable'}"
                )
            info = hook()
            self._state = INITIALIZED
            return "" if info is None else str(info)

    def close(self) -> None:
        """Stop and release the device. Safe to call several times."""
        with self._lock:
            if self._state == CLOSED:
                return
            if self._state == CREATED:
                self._state = CLOSED
                return
        self._before_close()  # outside the lock: it may join a thread that takes the lock
        with self._lock:
            if self._state == CLOSED:
                return
            self._state = CLOSED
            self._close()

    def _before_close(self) -> None:
        """Kind-specific shutdown before the author's ``_close`` (stop live, stop motion)."""

    # ------------------------------------------------------------------ author hooks
    def _close(self) -> None:
        """Release the device (override when there is something to release)."""

    def commit_settings(self, setting: Setting) -> None:
        """Apply a changed setting to the device (PyMoDAQ name; override as needed).

        Called after a setting value changed while the instrument is initialised.
        """

    def _on_setting_changed(self, setting: Setting, old: Any, new: Any) -> None:
        if self._state == INITIALIZED:
            self.commit_settings(setting)

    # ------------------------------------------------------------------ context manager
    def _ini(self) -> str:  # pragma: no cover - defined by Detector / Actuator
        raise NotImplementedError

    def __enter__(self) -> Instrument:
        if self._state == CREATED:
            self._ini()
        else:
            self._require_initialized("enter a with block")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.title!r} backend={self.backend!r} {self._state}>"


def _as_setting(spec: Mapping[str, Any] | Setting) -> Setting:
    return spec.copy() if isinstance(spec, Setting) else Setting.from_dict(spec)


def __getattr__(name: str) -> Any:
    # base.py is where PyMoDAQ users look for the base classes: re-export them lazily
    # (detector.py and actuator.py import this module).
    if name == "Detector":
        from daqcore.instruments.detector import Detector

        return Detector
    if name == "Actuator":
        from daqcore.instruments.actuator import Actuator

        return Actuator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CLOSED", "CREATED", "INITIALIZED", "Instrument"]
