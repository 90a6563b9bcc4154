"""Simulated instruments: a stage (actuators) and detectors looking at a spot on it."""

from daqcore_plugins.mock.actuators import MockActuator
from daqcore_plugins.mock.detectors import Mock0D, Mock1D, Mock2D
from daqcore_plugins.mock.stage import SimulatedStage, default_stage

__all__ = ["Mock0D", "Mock1D", "Mock2D", "MockActuator", "SimulatedStage", "default_stage"]
