"""Qt-free adapters that let a PyMoDAQ plugin class drive a daqcore instrument.

PyMoDAQ's instrument plugins are Qt objects (``DAQ_Viewer_base``, ``DAQ_Move_base``) configured by
pyqtgraph parameter dictionaries. The classes in ``daqcore.gui.pymodaq_bridge`` subclass them
and delegate every call to the adapters here, which speak daqcore: they create the instrument
through the plugin registry, translate its settings tree into PyMoDAQ parameter dictionaries and
back, and convert data with :func:`~daqcore.interop.pymodaq.to_pymodaq`.

Keeping this half free of Qt lets it be tested without PyMoDAQ's GUI stack, and keeps the
Qt-dependent half small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from daqcore.data import DataDim
from daqcore.errors import DaqcoreError
from daqcore.instruments.settings import Setting
from daqcore.interop.pymodaq.convert import to_pymodaq

#: Name of the PyMoDAQ parameter group holding the daqcore instrument's own settings.
SETTINGS_GROUP = "daqcore"
#: Name of the PyMoDAQ parameter choosing the daqcore backend (``sim``, ``real``...).
BACKEND_PARAM = "daqcore_backend"

_VIEWER_TYPES = {DataDim.Data0D: "0D", DataDim.Data1D: "1D", DataDim.Data2D: "2D",
                 DataDim.DataND: "ND"}


class BridgeError(DaqcoreError):
    """A daqcore instrument cannot be exposed to PyMoDAQ (unknown name, bad setting path...)."""


def _registry() -> Any:
    from daqcore.plugins import get_registry

    return get_registry()


def setting_to_param(setting: Setting) -> dict[str, Any]:
    """One daqcore setting (and its children) as a pyqtgraph/PyMoDAQ parameter dictionary.

    Types map one to one (``int``, ``float``, ``str``, ``bool``, ``list``, ``group``); numeric
    limits become ``min``/``max``, choices become ``limits`` (PyMoDAQ's name for a list's
    values), units become ``suffix``, the tooltip ``tip``.
    """
    param: dict[str, Any] = {"title": setting.title, "name": setting.name,
                             "type": setting.type}
    if setting.type == "group":
        param["children"] = [setting_to_param(child) for child in setting.children]
        return param
    param["value"] = setting.value
    if setting.type == "list":
        param["limits"] = list(setting.choices or ())
    elif setting.limits is not None:
        low, high = setting.limits
        if low is not None:
            param["min"] = low
        if high is not None:
            param["max"] = high
    if setting.units:
        param["suffix"] = setting.units
    if setting.readonly:
        param["readonly"] = True
    if setting.tip:
        param["tip"] = setting.tip
    return param


def settings_to_params(root: Setting) -> list[dict[str, Any]]:
    """The children of a daqcore settings tree as a list of PyMoDAQ parameter dictionaries."""
    return [setting_to_param(child) for child in root.children]


def viewer_type(dims: Sequence[DataDim]) -> str:
    """PyMoDAQ viewer type (``'0D'``, ``'1D'``, ``'2D'``, ``'ND'``) for a detector's dims.

    A detector producing several dimensionalities gets the viewer of the highest one (PyMoDAQ's
    viewers display lower-dimensional data too).
    """
    if not dims:
        return "0D"
    return _VIEWER_TYPES[max(dims, key=lambda d: int(d.value))]


class _InstrumentAdapter:
    """What both adapters share: the registry record, the instrument and its settings."""

    kind = ""

    def __init__(self, name: str) -> None:
        registry = _registry()
        try:
            self.record = registry.get_instrument(name, self.kind)
        except Exception as exc:
            raise BridgeError(f"no daqcore {self.kind} named {name!r}: {exc}") from exc
        self.name = name
        self.instrument: Any = None

    @property
    def instrument_class(self) -> Any:
        """The daqcore Detector/Actuator class (imported on first use)."""
        return self.record.load()

    @property
    def backend_names(self) -> list[str]:
        """Names of the instrument's backends, ``sim`` first."""
        names = [b.name for b in self.instrument_class.backends]
        return sorted(names, key=lambda n: (n != "sim", n))

    def default_settings(self) -> Setting:
        """A settings tree with the instrument's defaults (from a throw-away instance)."""
        probe = _registry().create_instrument(self.name, "sim", kind=self.kind)
        try:
            return probe.settings.copy()
        finally:
            probe.close()

    def params(self) -> list[dict[str, Any]]:
        """PyMoDAQ parameters: the backend choice and a group with the instrument's settings."""
        return [
            {"title": "daqcore backend:", "name": BACKEND_PARAM, "type": "list",
             "limits": self.backend_names, "value": self.backend_names[0]},
            {"title": f"daqcore {self.name}", "name": SETTINGS_GROUP, "type": "group",
             "children": settings_to_params(self.default_settings())},
        ]

    def create(self, backend: str, settings: Mapping[str, Any] | None = None) -> Any:
        """Create the instrument on ``backend`` with ``settings`` (setting path -> value)."""
        self.close()
        self.instrument = _registry().create_instrument(self.name, backend, kind=self.kind)
        if settings:
            self.instrument.settings.update(dict(settings))
        return self.instrument

    def apply_setting(self, path: Sequence[str], value: Any) -> Any:
        """Write one setting given by its path below :data:`SETTINGS_GROUP`; returns the value kept.

        Raises
        ------
        BridgeError
            No instrument is open, or the path names no setting.
        """
        if self.instrument is None:
            raise BridgeError(f"{self.name}: not initialised")
        try:
            setting = self.instrument.settings.child(*path)
        except Exception as exc:
            raise BridgeError(f"{self.name}: no setting {'/'.join(path)!r}") from exc
        return setting.set_value(value)

    def close(self) -> None:
        """Close the instrument if one is open (idempotent)."""
        instrument, self.instrument = self.instrument, None
        if instrument is not None:
            instrument.close()


class DetectorAdapter(_InstrumentAdapter):
    """A daqcore detector seen through PyMoDAQ's viewer plugin contract."""

    kind = "detector"

    @property
    def viewer_type(self) -> str:
        """PyMoDAQ viewer type of this detector (see :func:`viewer_type`)."""
        return viewer_type(getattr(self.instrument_class, "dims", ()))

    def initialise(self, backend: str, settings: Mapping[str, Any] | None = None
                   ) -> tuple[str, bool]:
        """Create and initialise the detector; ``(info, initialized)`` as PyMoDAQ expects."""
        detector = self.create(backend, settings)
        return detector.ini_detector(), True

    def grab(self, naverage: int = 1) -> Any:
        """One acquisition as a ``pymodaq`` DataToExport of ``DataFromPlugins``."""
        if self.instrument is None:
            raise BridgeError(f"{self.name}: not initialised")
        return to_pymodaq(self.instrument.grab_data(max(1, int(naverage))))

    def stop(self) -> None:
        """Abort an acquisition in progress."""
        if self.instrument is not None:
            self.instrument.stop()


class ActuatorAdapter(_InstrumentAdapter):
    """A daqcore actuator seen through PyMoDAQ's move plugin contract."""

    kind = "actuator"

    @property
    def units(self) -> str:
        """The actuator's position units."""
        if self.instrument is not None:
            return str(self.instrument.units)
        return str(getattr(self.instrument_class, "units", ""))

    def initialise(self, backend: str, settings: Mapping[str, Any] | None = None
                   ) -> tuple[str, bool]:
        """Create and initialise the actuator; ``(info, initialized)`` as PyMoDAQ expects."""
        actuator = self.create(backend, settings)
        return actuator.ini_actuator(), True

    def _require(self) -> Any:
        if self.instrument is None:
            raise BridgeError(f"{self.name}: not initialised")
        return self.instrument

    def value(self) -> float:
        """Current position, in :attr:`units`."""
        return float(self._require().current_value)

    def move_abs(self, value: float) -> None:
        """Start a motion to ``value`` (PyMoDAQ polls :meth:`value` until it is reached)."""
        self._require().move_abs(float(value), wait=False)

    def move_home(self) -> None:
        """Start the homing motion."""
        self._require().move_home(wait=False)

    def stop(self) -> None:
        """Stop any motion."""
        if self.instrument is not None:
            self.instrument.stop_motion()


def param_path(param: Any) -> list[str]:
    """Names from below :data:`SETTINGS_GROUP` down to ``param`` (a pyqtgraph Parameter)."""
    names: list[str] = []
    node = param
    while node is not None and node.name() != SETTINGS_GROUP:
        names.append(node.name())
        node = node.parent()
    if node is None:
        return []
    return names[::-1]


def settings_from_params(group: Any) -> dict[str, Any]:
    """``{'path/to/setting': value}`` of every leaf below a pyqtgraph parameter group."""
    values: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in node.children():
            path = f"{prefix}{child.name()}"
            if child.type() == "group":
                walk(child, path + "/")
            elif not child.opts.get("readonly", False):
                values[path] = child.value()

    walk(group, "")
    return values


__all__ = [
    "BACKEND_PARAM",
    "SETTINGS_GROUP",
    "ActuatorAdapter",
    "BridgeError",
    "DetectorAdapter",
    "param_path",
    "setting_to_param",
    "settings_from_params",
    "settings_to_params",
    "viewer_type",
]
