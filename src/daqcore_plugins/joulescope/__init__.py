"""Joulescope (JS110) support for daqcore.

* :class:`StreamBuffer`: drop-in for joulescope's v0 ``StreamBuffer`` (same methods, same
  ``STATS_DTYPE`` records), storing raw words and computing calibrated data on demand.
* :class:`SimulatedJoulescope`: a JS110-like device streaming into a StreamBuffer.
* Statistics helpers: ``STATS_DTYPE``, ``STATS_FIELD_COUNT``, ``STATS_FIELD_NAMES``,
  :func:`stats_to_api`.

Note: the ``variance`` field of ``STATS_DTYPE`` records holds the sum of squared deviations,
not a variance (as in joulescope); :func:`stats_to_api` returns true variances.

The vendor ``joulescope`` package is never imported here; only the real-device backend
imports it, lazily.
"""

from __future__ import annotations

from .errors import (
    BufferTooLargeError,
    CalibrationError,
    DeviceNotAvailableError,
    InvalidParameterError,
    InvalidRawDataError,
    InvalidReductionsError,
    JoulescopeError,
    OutputArrayError,
    SampleRangeError,
)
from .raw_format import encode_words, usb_packets
from .sim_device import SimulatedJoulescope
from .stats import (
    STATS_DTYPE,
    STATS_FIELD_COUNT,
    STATS_FIELD_NAMES,
    single_stat_to_api,
    stats_array_factory,
    stats_to_api,
)
from .stream_buffer import StreamBuffer

__all__ = [
    "STATS_DTYPE",
    "STATS_FIELD_COUNT",
    "STATS_FIELD_NAMES",
    "BufferTooLargeError",
    "CalibrationError",
    "DeviceNotAvailableError",
    "InvalidParameterError",
    "InvalidRawDataError",
    "InvalidReductionsError",
    "JoulescopeError",
    "OutputArrayError",
    "SampleRangeError",
    "SimulatedJoulescope",
    "StreamBuffer",
    "encode_words",
    "single_stat_to_api",
    "stats_array_factory",
    "stats_to_api",
    "usb_packets",
]
