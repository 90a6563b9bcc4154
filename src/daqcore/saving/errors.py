"""Exceptions raised on purpose by :mod:`daqcore.saving`.

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin that fits
best, so ``except ValueError`` keeps working for code that does not know daqcore.
"""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class SavingError(DaqcoreError):
    """Base class of every error raised by :mod:`daqcore.saving`."""


class BackendError(SavingError, ValueError):
    """Unknown or unavailable HDF5 backend."""


class BackendUnavailableError(BackendError, ImportError):
    """The library of a known backend cannot be imported (PyMoDAQ raises ``ImportError``)."""


class H5FileError(SavingError, OSError):
    """The file cannot be opened or created (not HDF5, a directory, missing, locked...)."""


class DamagedFileError(H5FileError):
    """The file is truncated or its HDF5 structures are corrupt (names the file and the damage)."""


class DataTooLargeError(SavingError, MemoryError):
    """Reading would need more memory than the loader allows (load a slice instead)."""


class NavSelectionError(SavingError, IndexError):
    """A navigation selection (``nav=`` of a load) that does not fit the data."""


class FileClosedError(SavingError, ValueError):
    """An operation needs an open file but the file is closed."""


class ReadOnlyFileError(SavingError, PermissionError, ValueError):
    """A write was attempted on a file opened read-only (also a ``ValueError``: what h5py and
    PyTables, so PyMoDAQ, raise there)."""


class NodeError(SavingError, KeyError, NameError):
    """A node (group or array) does not exist, or is not of the expected kind.

    Also a ``NameError``: PyMoDAQ's ``load_data_from_name_origin`` raises ``NameError`` when
    nothing matches, so ``except NameError`` written for PyMoDAQ keeps working.
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class NodeExistsError(NodeError, ValueError):
    """A node of that name already exists where one is created (h5py raises ``ValueError``
    there, PyTables its ``NodeError``, a ``LookupError`` as ``KeyError`` is)."""


class NotAnArrayError(SavingError, TypeError, AttributeError):
    """An array operation (``read``) on a group: PyMoDAQ fails there with ``TypeError`` (h5py)
    or ``AttributeError`` (PyTables), so this error is both."""


# PyMoDAQ's ``pymodaq_data.h5modules.backends`` exceptions (plain ``Exception`` subclasses
# there, never raised by pymodaq_data itself): kept so that ``except InvalidScanType`` in
# ported code still names a class.
class InvalidExport(SavingError):
    """PyMoDAQ's ``InvalidExport``."""


class InvalidGroupType(SavingError):
    """PyMoDAQ's ``InvalidGroupType``."""


class InvalidSave(SavingError):
    """PyMoDAQ's ``InvalidSave``."""


class InvalidGroupDataType(SavingError):
    """PyMoDAQ's ``InvalidGroupDataType``."""


class InvalidDataType(SavingError):
    """PyMoDAQ's ``InvalidDataType``."""


class InvalidDataDimension(SavingError):
    """PyMoDAQ's ``InvalidDataDimension``."""


class InvalidScanType(SavingError):
    """PyMoDAQ's ``InvalidScanType``."""


class AttributeDecodeError(SavingError, ValueError):
    """An attribute could not be decoded (malformed or unsafe content)."""


class UnsafeAttributeError(AttributeDecodeError):
    """An attribute holds an expression that is not a plain literal (never evaluated)."""


class DataShapeError(SavingError, ValueError):
    """Data do not have the shape the target array expects."""


class ExtendedIndexError(SavingError, IndexError):
    """Indexes given for an extended (scan) array are wrong or out of its extended shape."""


class DtypeOverflowError(SavingError, OverflowError):
    """Values do not fit in the chosen saving dtype ("saving dynamic") and would wrap."""


class EnumValueError(SavingError, ValueError):
    """A save type, group type or data type name that does not exist."""


class CompressionError(SavingError, ValueError):
    """Unknown compression library or level out of range."""


class SWMRError(SavingError, RuntimeError):
    """SWMR requested where it cannot be used (pytables backend, wrong file state...)."""


class AxisError(SavingError, ValueError):
    """A node cannot be read as an :class:`~daqcore.data.Axis` (PyMoDAQ's ``AxisError``)."""


__all__ = [
    "AttributeDecodeError",
    "AxisError",
    "BackendError",
    "BackendUnavailableError",
    "CompressionError",
    "DamagedFileError",
    "DataShapeError",
    "DataTooLargeError",
    "DtypeOverflowError",
    "EnumValueError",
    "ExtendedIndexError",
    "FileClosedError",
    "H5FileError",
    "InvalidDataDimension",
    "InvalidDataType",
    "InvalidExport",
    "InvalidGroupDataType",
    "InvalidGroupType",
    "InvalidSave",
    "InvalidScanType",
    "NavSelectionError",
    "NodeError",
    "NodeExistsError",
    "NotAnArrayError",
    "ReadOnlyFileError",
    "SWMRError",
    "SavingError",
    "UnsafeAttributeError",
]
