"""Hook implementations of the mock plugin (entry point ``mock`` in the ``daqcore`` group).

Instruments: actuators ``mock_x`` and ``mock_y`` (axes x and y of the shared simulated
stage) and detectors ``mock_0d``, ``mock_1d``, ``mock_2d`` looking at a Gaussian spot on that
stage. Created through the registry they share
:func:`~daqcore_plugins.mock.stage.default_stage`, so a scan of ``mock_x``/``mock_y`` with
``mock_0d`` draws the spot.
"""

from __future__ import annotations

from daqcore.plugins import InstrumentRecord, hookimpl

# Classes named by import string: loading the plugin (``daqcore --help``) imports nothing heavy.
_ACTUATOR = "daqcore_plugins.mock.actuators:MockActuator"
_DETECTORS = "daqcore_plugins.mock.detectors:"


@hookimpl
def daqcore_register_instruments(register):
    """Register the mock actuators and detectors."""
    register(InstrumentRecord("mock_x", _ACTUATOR, kind="actuator", defaults={"axis": "x"},
                              description="simulated stage axis x (mm)"))
    register(InstrumentRecord("mock_y", _ACTUATOR, kind="actuator", defaults={"axis": "y"},
                              description="simulated stage axis y (mm)"))
    register(InstrumentRecord("mock_0d", _DETECTORS + "Mock0D", kind="detector",
                              description="spot intensity at the stage position"))
    register(InstrumentRecord("mock_1d", _DETECTORS + "Mock1D", kind="detector",
                              description="spectrum whose peak follows the stage"))
    register(InstrumentRecord("mock_2d", _DETECTORS + "Mock2D", kind="detector",
                              description="camera image of the spot"))
