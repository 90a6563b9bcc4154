"""PyMoDAQ-compatible HDF5 saving and loading (PyTables or h5py backend).

The public names follow ``pymodaq_data.h5modules`` so that a PyMoDAQ script runs after
changing its imports::

    from daqcore.saving import H5SaverLowLevel, DataToExportExtendedSaver, DataLoader

Layers: :mod:`~daqcore.saving.backends` (one protocol, ``tables`` and ``h5py``) <
:mod:`~daqcore.saving.h5file` (file, attributes, SWMR, flushing) <
:mod:`~daqcore.saving.h5saver` (``H5SaverLowLevel``: groups, arrays, nodes; ``H5Saver``) <
:mod:`~daqcore.saving.management` / :mod:`~daqcore.saving.array_savers` (one channel group) <
:mod:`~daqcore.saving.export_savers` (whole DataToExport) and :mod:`~daqcore.saving.loader`.
Names are imported on first use (``import daqcore.saving`` loads no HDF5 library).
See ``docs/file_format.md`` for the file layout. daqcore extras: ``backend="h5py"|"tables"``,
``compression=(library, level)``, ``dynamic=<dtype>``, ``flush_period`` (seconds) on the
savers; ``swmr_mode`` in ``init_file`` and the ``swmr_auto_start`` policy of
``H5SaverLowLevel`` (False: the caller calls ``enable_swmr`` once every saver has created its
arrays); ``set_swmr_flush_interval(n)``; :class:`BufferedTimedSaver` for high-rate logging;
the acquisition sinks :class:`~daqcore.saving.sinks.ScanSink` and
:class:`~daqcore.saving.sinks.LogSink` (records in, a PyMoDAQ-layout file out, see
:mod:`daqcore.saving.sinks`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.array_savers import DataEnlargeableSaver, DataExtendedSaver
    from daqcore.saving.attributes import decode as decode_attribute
    from daqcore.saving.attributes import encode as encode_attribute
    from daqcore.saving.backends.base import Compression
    from daqcore.saving.backends.capabilities import BackendCapabilities
    from daqcore.saving.backends.records import H5BackendRecord
    from daqcore.saving.backends.registry import (
        available_backends,
        backend_capabilities,
        backends_available,
    )
    from daqcore.saving.buffered import BufferedTimedSaver
    from daqcore.saving.enums import DataType, FileType, GroupType, SaveType
    from daqcore.saving.errors import (
        AxisError,
        InvalidDataDimension,
        InvalidDataType,
        InvalidExport,
        InvalidGroupDataType,
        InvalidGroupType,
        InvalidSave,
        InvalidScanType,
        NodeError,
    )
    from daqcore.saving.export_savers import (
        DataBundle,
        DataToExportEnlargeableSaver,
        DataToExportExtendedSaver,
        DataToExportSaver,
        DataToExportTimedSaver,
    )
    from daqcore.saving.h5backend import H5Backend, check_mandatory_attrs, get_attr, set_attr
    from daqcore.saving.h5file import H5File
    from daqcore.saving.h5saver import H5SaverCore, H5SaverLowLevel
    from daqcore.saving.loader import DataLoader
    from daqcore.saving.management import (
        SPECIAL_GROUP_NAMES,
        AxisSaverLoader,
        BkgSaver,
        DataManagement,
        DataSaverLoader,
        ErrorSaverLoader,
    )
    from daqcore.saving.nodes import (
        CARRAY,
        EARRAY,
        GROUP,
        VLARRAY,
        ArrayNode,
        Attributes,
        Node,
        StringARRAY,
    )
    from daqcore.saving.settings_saver import H5Saver

_EXPORTS: dict[str, tuple[str, str]] = {
    "DataEnlargeableSaver": ("array_savers", "DataEnlargeableSaver"),
    "DataExtendedSaver": ("array_savers", "DataExtendedSaver"),
    "decode_attribute": ("attributes", "decode"),
    "encode_attribute": ("attributes", "encode"),
    "Compression": ("backends.base", "Compression"),
    "backends_available": ("backends.registry", "backends_available_list"),
    "available_backends": ("backends.registry", "available_backends"),
    "backend_capabilities": ("backends.registry", "backend_capabilities"),
    "BackendCapabilities": ("backends.capabilities", "BackendCapabilities"),
    "H5BackendRecord": ("backends.records", "H5BackendRecord"),
    "BufferedTimedSaver": ("buffered", "BufferedTimedSaver"),
    "DataType": ("enums", "DataType"),
    "GroupType": ("enums", "GroupType"),
    "SaveType": ("enums", "SaveType"),
    "FileType": ("enums", "FileType"),
    "AxisError": ("errors", "AxisError"),
    "NodeError": ("errors", "NodeError"),
    "InvalidDataDimension": ("errors", "InvalidDataDimension"),
    "InvalidDataType": ("errors", "InvalidDataType"),
    "InvalidExport": ("errors", "InvalidExport"),
    "InvalidGroupDataType": ("errors", "InvalidGroupDataType"),
    "InvalidGroupType": ("errors", "InvalidGroupType"),
    "InvalidSave": ("errors", "InvalidSave"),
    "InvalidScanType": ("errors", "InvalidScanType"),
    "H5Backend": ("h5backend", "H5Backend"),
    "check_mandatory_attrs": ("h5backend", "check_mandatory_attrs"),
    "get_attr": ("h5backend", "get_attr"),
    "set_attr": ("h5backend", "set_attr"),
    "DataBundle": ("export_savers", "DataBundle"),
    "DataToExportEnlargeableSaver": ("export_savers", "DataToExportEnlargeableSaver"),
    "DataToExportExtendedSaver": ("export_savers", "DataToExportExtendedSaver"),
    "DataToExportSaver": ("export_savers", "DataToExportSaver"),
    "DataToExportTimedSaver": ("export_savers", "DataToExportTimedSaver"),
    "H5Saver": ("settings_saver", "H5Saver"),
    "H5SaverLowLevel": ("h5saver", "H5SaverLowLevel"),
    "H5SaverCore": ("h5saver", "H5SaverCore"),
    "H5File": ("h5file", "H5File"),
    "ArrayNode": ("nodes", "ArrayNode"),
    "Attributes": ("nodes", "Attributes"),
    "DataLoader": ("loader", "DataLoader"),
    "SPECIAL_GROUP_NAMES": ("management", "SPECIAL_GROUP_NAMES"),
    "AxisSaverLoader": ("management", "AxisSaverLoader"),
    "BkgSaver": ("management", "BkgSaver"),
    "DataManagement": ("management", "DataManagement"),
    "DataSaverLoader": ("management", "DataSaverLoader"),
    "ErrorSaverLoader": ("management", "ErrorSaverLoader"),
    "CARRAY": ("nodes", "CARRAY"),
    "EARRAY": ("nodes", "EARRAY"),
    "GROUP": ("nodes", "GROUP"),
    "VLARRAY": ("nodes", "VLARRAY"),
    "Node": ("nodes", "Node"),
    "StringARRAY": ("nodes", "StringARRAY"),
    # pymodaq_data's data_saving module namespace also offers its data module's ``squeeze``
    "squeeze": ("daqcore.data.arrays", "squeeze"),
}


#: Names whose value is computed on first access by calling the attribute named in
#: ``_EXPORTS`` (``backends_available``: PyMoDAQ's list of importable backends).
_COMPUTED = frozenset({"backends_available"})


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    path = module if module.startswith("daqcore.") else f"{__name__}.{module}"
    value = getattr(importlib.import_module(path), attribute)
    if name in _COMPUTED:
        value = value()
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "CARRAY",
    "EARRAY",
    "GROUP",
    "SPECIAL_GROUP_NAMES",
    "VLARRAY",
    "ArrayNode",
    "Attributes",
    "AxisError",
    "AxisSaverLoader",
    "BackendCapabilities",
    "BkgSaver",
    "BufferedTimedSaver",
    "Compression",
    "DataBundle",
    "DataEnlargeableSaver",
    "DataExtendedSaver",
    "DataLoader",
    "DataManagement",
    "DataSaverLoader",
    "DataToExportEnlargeableSaver",
    "DataToExportExtendedSaver",
    "DataToExportSaver",
    "DataToExportTimedSaver",
    "DataType",
    "ErrorSaverLoader",
    "FileType",
    "GroupType",
    "H5Backend",
    "H5BackendRecord",
    "H5File",
    "H5Saver",
    "H5SaverCore",
    "H5SaverLowLevel",
    "InvalidDataDimension",
    "InvalidDataType",
    "InvalidExport",
    "InvalidGroupDataType",
    "InvalidGroupType",
    "InvalidSave",
    "InvalidScanType",
    "Node",
    "NodeError",
    "SaveType",
    "StringARRAY",
    "available_backends",
    "backend_capabilities",
    "backends_available",
    "check_mandatory_attrs",
    "decode_attribute",
    "encode_attribute",
    "get_attr",
    "set_attr",
    "squeeze",
]
