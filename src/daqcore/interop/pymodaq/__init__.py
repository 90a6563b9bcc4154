"""Exchange data with PyMoDAQ and run daqcore instruments inside PyMoDAQ.

* :func:`to_pymodaq` / :func:`from_pymodaq` -- convert ``Axis``, ``DataWithAxes`` (every kind) and
  ``DataToExport`` to and from ``pymodaq_data``'s (and ``pymodaq``'s) objects, losslessly: data,
  labels, units, axes, navigation axes, errors, extra attributes, timestamps.
* :func:`serialize` / :func:`deserialize` -- bytes in the format of PyMoDAQ's serializer (its TCP/IP
  and LECO links), so either side reads what the other wrote.
* :mod:`~daqcore.interop.pymodaq.bridge` -- ``DAQ_Viewer``/``DAQ_Move`` classes wrapping any
  daqcore Detector/Actuator, and :func:`~daqcore.interop.pymodaq.package.write_bridge_package`,
  which writes a PyMoDAQ plugin package (entry points ``pymodaq.instruments``) exposing them.

PyMoDAQ's packages (``pymodaq_data``, ``pymodaq_utils``, ``pymodaq``) are imported only when a
function needs them. Importing them creates ``~/.pymodaq`` (configuration and logs): that is
PyMoDAQ's behaviour, not daqcore's.
"""

from __future__ import annotations

from daqcore.data.serialization import deserialize, serialize
from daqcore.interop.pymodaq.convert import PyMoDAQConversionError, from_pymodaq, to_pymodaq

__all__ = ["PyMoDAQConversionError", "deserialize", "from_pymodaq", "serialize", "to_pymodaq"]
