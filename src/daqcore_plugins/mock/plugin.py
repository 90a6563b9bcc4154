"""Hook implementations of the mock plugin (entry point ``mock`` in the ``daqcore`` group).

Instruments: actuators ``mock_x`` and ``mock_y`` (axes x and y of the shared simulated
stage) and detectors ``mock_0d``, ``mock_1d``, ``mock_2d`` looking at a Gaussian spot on that
stage. Created through the registry they share
:func:`~daqcore_plugins.mock.stage.default_stage`, so a scan of ``mock_x``/``mock_y`` with
``mock_0d`` draws the spot.
"""

from __future__ import annotations

from daqcore.plugins import InstrumentRecord, hookimpl
from daqcore_plugins.mock.actuators import MockActuator
from daqcore_plugins.mock.detectors import Mock0D, Mock1D, Mock2D


@hookimpl
def daqcore_register_instruments(register):
    """Register the mock actuators and detectors."""
    register(InstrumentRecord("mock_x", MockActuator, defaults={"axis": "x"},
                              description="simulated stage axis x (mm)"))
    register(InstrumentRecord("mock_y", MockActuator, defaults={"axis": "y"},
                              description="simulated stage axis y (mm)"))
    register(InstrumentRecord("mock_0d", Mock0D,
                              description="spot intensity at the stage position"))
    register(InstrumentRecord("mock_1d", Mock1D,
                              description="spectrum whose peak follows the stage"))
    register(InstrumentRecord("mock_2d", Mock2D, description="camera image of the spot"))
