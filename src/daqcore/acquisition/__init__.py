"""Scans and logging: drive actuators, grab detectors, save in PyMoDAQ's HDF5 layout.

* :mod:`~daqcore.acquisition.scanners` -- where to go (plain data: grids, spread, tabular),
  iterated lazily; :mod:`~daqcore.acquisition.scanner_registry` -- scanners by name, registered
  through the ``daqcore_scanners`` hook (:func:`create_scanner`, :func:`available_scanners`);
* :class:`Scan` -- the engine: move, grab (with averaging), save each point, report progress,
  pause / resume / stop from any thread;
* :class:`Logger` -- grab at a fixed interval into enlargeable, time-stamped arrays;
* :func:`open_instruments` -- create and initialise instruments by registry name;
* :mod:`~daqcore.acquisition.errors` -- what can go wrong, as daqcore exceptions.

Names are imported lazily, so ``import daqcore.acquisition.scanners`` does not load HDF5.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

_EXPORTS = {
    "average_grabs": "daqcore.acquisition.averaging",
    "Acquisition": "daqcore.acquisition.control",
    "AcquisitionState": "daqcore.acquisition.control",
    "ProgressEvent": "daqcore.acquisition.events",
    "open_instruments": "daqcore.acquisition.instruments",
    "Logger": "daqcore.acquisition.logger",
    "LoggerResult": "daqcore.acquisition.logger",
    "Scan": "daqcore.acquisition.scan",
    "ScanResult": "daqcore.acquisition.scan",
    "ScanState": "daqcore.acquisition.scan",
    "ScanStep": "daqcore.acquisition.scanners",
    "Scanner": "daqcore.acquisition.scanners",
    "Scanner1DLinear": "daqcore.acquisition.scanners",
    "Scanner2DGrid": "daqcore.acquisition.scanners",
    "ScannerGrid": "daqcore.acquisition.scanners",
    "ScannerSpread": "daqcore.acquisition.scanners",
    "ScannerTabular": "daqcore.acquisition.scanners",
    "ScannerAdaptive1D": "daqcore.acquisition.adaptive",
    "ParameterSpec": "daqcore.acquisition.scanner_registry",
    "ScannerSpec": "daqcore.acquisition.scanner_registry",
    "available_scanners": "daqcore.acquisition.scanner_registry",
    "create_scanner": "daqcore.acquisition.scanner_registry",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
