"""Sinks: subscribers that turn acquisition records into PyMoDAQ-layout files.

* :class:`ScanSink` -- scan points into ``RawData/ScanNNN/{DetectorNNN, ActuatorNNN}``;
* :class:`LogSink` -- logger rows into ``RawData/DetectorNNN`` against time.

Each owns its file: pending writes and block coalescing, a memory bound in bytes (default
32 MB) and in time, SWMR start, flushing (with the run's counter attribute kept current),
finalisation, and closing on every path (see :mod:`daqcore.saving.sinks.base`). No HDF5
handle leaves the saving layer. The engines (:mod:`daqcore.acquisition`) only call them with
records (:mod:`daqcore.data.records`).
"""

from daqcore.saving.sinks.base import (
    DEFAULT_MAX_PENDING_BYTES,
    DiskFullError,
    FileSink,
    SinkError,
    is_disk_full,
)
from daqcore.saving.sinks.log_sink import LogSink
from daqcore.saving.sinks.scan_sink import ScanSink

__all__ = ["DEFAULT_MAX_PENDING_BYTES", "DiskFullError", "FileSink", "LogSink", "ScanSink",
           "SinkError", "is_disk_full"]
