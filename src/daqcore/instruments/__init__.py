"""Instrument contracts: :class:`Detector`, :class:`Actuator`, the typed settings tree and the
backend convention. Plain Python, no Qt.

See ``docs/plugins.md`` for a walk-through of writing an instrument.
"""

from daqcore.instruments.actuator import Actuator
from daqcore.instruments.backends import SIM, Availability, Backend
from daqcore.instruments.base import Instrument
from daqcore.instruments.detector import Detector, LiveCallback
from daqcore.instruments.errors import (
    BackendUnavailableError,
    InstrumentDataError,
    InstrumentError,
    InstrumentStateError,
    MoveTimeoutError,
    OutOfBoundsError,
    ReadOnlySettingError,
    SettingNotFoundError,
    SettingsError,
    SettingValueError,
    UnknownBackendError,
)
from daqcore.instruments.settings import SETTING_TYPES, Setting, Settings

__all__ = [
    "SETTING_TYPES",
    "SIM",
    "Actuator",
    "Availability",
    "Backend",
    "BackendUnavailableError",
    "Detector",
    "Instrument",
    "InstrumentDataError",
    "InstrumentError",
    "InstrumentStateError",
    "LiveCallback",
    "MoveTimeoutError",
    "OutOfBoundsError",
    "ReadOnlySettingError",
    "Setting",
    "SettingNotFoundError",
    "SettingValueError",
    "Settings",
    "SettingsError",
    "UnknownBackendError",
]
