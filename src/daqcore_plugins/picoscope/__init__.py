"""PicoScope 5000a plugin: loss-free streaming to HDF5, a PicoStream-compatible reader, a detector.

* :class:`SimulatedPicoScope5000a` and :class:`PicoScope5000a` (``picosdk``, lazy) follow one
  device protocol (:mod:`~daqcore_plugins.picoscope.device`);
* :class:`ScopeStreamSource` feeds the generic stream engine
  (:mod:`daqcore.acquisition.stream`), which writes through saving's stream sink;
* :class:`PicoStreamReader` reads the files (PicoStream's API, decimation ``mean``/``min_max``);
* ``daqcore picostream`` streams from the command line; ``PicoScopeDetector`` serves scans.

Names are imported lazily, so importing the package loads neither h5py nor numba.
"""

from __future__ import annotations

from daqcore.lazy_exports import lazy_exports

_EXPORTS = {
    "ChannelConfig": "daqcore_plugins.picoscope.config",
    "StreamConfig": "daqcore_plugins.picoscope.config",
    "SimulatedPicoScope5000a": "daqcore_plugins.picoscope.sim_device",
    "PicoScope5000a": "daqcore_plugins.picoscope.real_device",
    "ScopeStreamSource": "daqcore_plugins.picoscope.source",
    "PicoStreamReader": "daqcore_plugins.picoscope.reader",
    "PicoScopeDetector": "daqcore_plugins.picoscope.detector",
    "Signal": "daqcore_plugins.picoscope.signals",
    "stream_to_file": "daqcore_plugins.picoscope.streaming",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
