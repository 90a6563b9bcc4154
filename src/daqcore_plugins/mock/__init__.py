"""Simulated instruments: a stage (actuators) and detectors looking at a spot on it.

Names are imported lazily: loading the plugin (its ``plugin`` module) to list commands or
instruments does not import the instrument classes, numpy or the data model.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

_EXPORTS = {
    "Mock0D": "daqcore_plugins.mock.detectors",
    "Mock1D": "daqcore_plugins.mock.detectors",
    "Mock2D": "daqcore_plugins.mock.detectors",
    "MockActuator": "daqcore_plugins.mock.actuators",
    "SimulatedStage": "daqcore_plugins.mock.stage",
    "default_stage": "daqcore_plugins.mock.stage",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
