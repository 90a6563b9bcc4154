"""Joulescope (JS110) support for daqcore.

* :class:`StreamBuffer`: drop-in for joulescope's v0 ``StreamBuffer`` (same methods, same
  ``STATS_DTYPE`` records), storing raw words and computing calibrated data on demand.
* :class:`SimulatedJoulescope`: a JS110-like device streaming into a StreamBuffer.
* :class:`DataRecorder` / :class:`DataReader`: JLS v1 recordings (joulescope's format),
  :func:`open_recording` for any recording (JLS v1 or HDF5, chosen from the content).
* Statistics helpers: ``STATS_DTYPE``, ``STATS_FIELD_COUNT``, ``STATS_FIELD_NAMES``,
  :func:`stats_to_api`.

Note: the ``variance`` field of ``STATS_DTYPE`` records holds the sum of squared deviations,
not a variance (as in joulescope); :func:`stats_to_api` returns true variances.

The vendor ``joulescope`` package is never imported here; only the real-device backend
imports it, lazily.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import errors as _errors  # light: no numba, no vendor package

# Public name -> submodule defining it. Resolved on first access (PEP 562), so that importing
# the package (e.g. for plugin discovery) does not compile or load the numba kernels.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(_errors.__all__, "errors"),
    "DataReader": "reader",
    "H5DataReader": "h5_recording",
    "H5Recorder": "h5_recording",
    "JoulescopeDevice": "device",
    "RealJoulescope": "real_device",
    "DataRecorder": "recorder",
    "RawProcessor": "raw_processor",
    "RecoveredRecordingWarning": "jls_index",
    "RunningStatistics": "stats_v0",
    "Statistics": "stats_v0",
    "encode_calibration": "jls_calibration",
    "encode_words": "raw_format",
    "open_recording": "recording",
    "usb_packets": "raw_format",
    "SimulatedJoulescope": "sim_device",
    "STATS_DTYPE": "stats",
    "STATS_FIELD_COUNT": "stats",
    "STATS_FIELD_NAMES": "stats",
    "single_stat_to_api": "stats",
    "stats_array_factory": "stats",
    "stats_to_api": "stats",
    "StreamBuffer": "stream_buffer",
}


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = sorted(_EXPORTS)
