"""PyMoDAQ-compatible HDF5 saving and loading (PyTables or h5py backend).

The public names follow ``pymodaq_data.h5modules`` so that a PyMoDAQ script runs after
changing its imports::

    from daqcore.saving import H5SaverLowLevel, DataToExportExtendedSaver, DataLoader

Layers: :mod:`~daqcore.saving.backends` (one protocol, ``tables`` and ``h5py``) <
:mod:`~daqcore.saving.h5file` (file, attributes, SWMR, flushing) <
:mod:`~daqcore.saving.h5saver` (``H5SaverLowLevel``: groups, arrays, nodes; ``H5Saver``) <
:mod:`~daqcore.saving.management` / :mod:`~daqcore.saving.array_savers` (one channel group) <
:mod:`~daqcore.saving.export_savers` (whole DataToExport) and :mod:`~daqcore.saving.loader`.
See ``docs/file_format.md`` for the file layout. daqcore extras: ``backend='h5py'|'tables'``,
``compression=(library, level)``, ``dynamic=<dtype>``, ``flush_period`` (seconds) on the
savers; ``swmr_mode`` in ``init_file`` and the ``swmr_auto_start`` policy of
``H5SaverLowLevel`` (False: the caller calls ``enable_swmr`` once every saver has created its
arrays); ``set_swmr_flush_interval(n)``; :class:`BufferedTimedSaver` for high-rate logging;
the acquisition sinks :class:`~daqcore.saving.sinks.ScanSink` and
:class:`~daqcore.saving.sinks.LogSink` (records in, a PyMoDAQ-layout file out, see
:mod:`daqcore.saving.sinks`).
"""

from daqcore.saving.array_savers import DataEnlargeableSaver, DataExtendedSaver
from daqcore.saving.attributes import decode as decode_attribute
from daqcore.saving.attributes import encode as encode_attribute
from daqcore.saving.backends import Compression, backends_available
from daqcore.saving.buffered import BufferedTimedSaver
from daqcore.saving.enums import DataType, GroupType, SaveType
from daqcore.saving.errors import AxisError
from daqcore.saving.export_savers import (
    DataBundle,
    DataToExportEnlargeableSaver,
    DataToExportExtendedSaver,
    DataToExportSaver,
    DataToExportTimedSaver,
)
from daqcore.saving.h5saver import H5Saver, H5SaverLowLevel
from daqcore.saving.loader import DataLoader
from daqcore.saving.management import (
    SPECIAL_GROUP_NAMES,
    AxisSaverLoader,
    BkgSaver,
    DataManagement,
    DataSaverLoader,
    ErrorSaverLoader,
)
from daqcore.saving.nodes import CARRAY, EARRAY, GROUP, VLARRAY, Node, StringARRAY

__all__ = [
    "CARRAY", "EARRAY", "GROUP", "SPECIAL_GROUP_NAMES", "VLARRAY",
    "AxisError", "AxisSaverLoader", "BkgSaver", "BufferedTimedSaver", "Compression", "DataBundle",
    "DataEnlargeableSaver", "DataExtendedSaver", "DataLoader", "DataManagement",
    "DataSaverLoader", "DataToExportEnlargeableSaver", "DataToExportExtendedSaver",
    "DataToExportSaver", "DataToExportTimedSaver", "DataType", "ErrorSaverLoader",
    "GroupType", "H5Saver", "H5SaverLowLevel", "Node", "SaveType",
    "StringARRAY", "backends_available", "decode_attribute", "encode_attribute",
]
