"""JLS v1 recordings: drop-in for ``joulescope.data_recorder`` (``DataRecorder``,
``DataReader`` and the module constants).

The layout constants are read when a recording *starts* (first ``stream_notify`` or
``insert``), so tests and tools may change them on this module beforehand, as with
joulescope. Files use data_recorder_format_version ``'2'``: one outer collection holding
blocks of ``TLVS_PER_BLOCK`` sample records (``SAMPLES_PER_REDUCTION * REDUCTIONS_PER_TLV``
samples each), each block ending with its float32 reductions.
"""

from __future__ import annotations

DATA_RECORDER_FORMAT_VERSION = "2"
SAMPLES_PER_REDUCTION = 20000   # 100 Hz at 2 MS/s
REDUCTIONS_PER_TLV = 20         # one sample record = 0.2 s at 2 MS/s
TLVS_PER_BLOCK = 5              # one block = 1 s at 2 MS/s

from .reader import DataReader  # noqa: E402  (constants first: the recorder reads them)
from .recorder import DataRecorder  # noqa: E402

__all__ = [
    "DATA_RECORDER_FORMAT_VERSION",
    "REDUCTIONS_PER_TLV",
    "SAMPLES_PER_REDUCTION",
    "TLVS_PER_BLOCK",
    "DataReader",
    "DataRecorder",
]
