"""Exchange data with PyMoDAQ and run daqcore instruments inside PyMoDAQ.

* :func:`to_pymodaq` / :func:`from_pymodaq` -- convert ``Axis``, ``DataWithAxes`` (every kind) and
  ``DataToExport`` to and from ``pymodaq_data``'s (and ``pymodaq``'s) objects, losslessly: data,
  labels, units, axes, navigation axes, errors, extra attributes, timestamps.
* :func:`serialize` / :func:`deserialize` -- bytes in the format of PyMoDAQ's serializer (its TCP/IP
  and LECO links), so either side reads what the other wrote.
* ``daqcore.gui.pymodaq_bridge`` -- ``DAQ_Viewer``/``DAQ_Move`` classes wrapping any
  daqcore Detector/Actuator, and :func:`~daqcore.interop.pymodaq.package.write_bridge_package`,
  which writes a PyMoDAQ plugin package (entry points ``pymodaq.instruments``) exposing them.

PyMoDAQ's packages (``pymodaq_data``, ``pymodaq_utils``, ``pymodaq``) are imported only when a
function needs them. Importing them creates ``~/.pymodaq`` (configuration and logs): that is
PyMoDAQ's behaviour, not daqcore's.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

# Names are imported on first use: the plugin module of this package (the ``pymodaq-bridge``
# command) is loaded by ``daqcore --help``, which must not import the data model (pint).
_EXPORTS = {
    "PyMoDAQConversionError": "daqcore.interop.pymodaq.convert",
    "deserialize": "daqcore.data.serialization",
    "from_pymodaq": "daqcore.interop.pymodaq.convert",
    "serialize": "daqcore.data.serialization",
    "to_pymodaq": "daqcore.interop.pymodaq.convert",
}

__all__ = ["PyMoDAQConversionError", "deserialize", "from_pymodaq", "serialize", "to_pymodaq"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
