"""Simulated instruments: a stage (actuators) and detectors looking at a spot on it.

Names are imported lazily: loading the plugin (its ``plugin`` module) to list commands or
instruments does not import the instrument classes, numpy or the data model.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Mock0D": "daqcore_plugins.mock.detectors",
    "Mock1D": "daqcore_plugins.mock.detectors",
    "Mock2D": "daqcore_plugins.mock.detectors",
    "MockActuator": "daqcore_plugins.mock.actuators",
    "SimulatedStage": "daqcore_plugins.mock.stage",
    "default_stage": "daqcore_plugins.mock.stage",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'daqcore_plugins.mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
