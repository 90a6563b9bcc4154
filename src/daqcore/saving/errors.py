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


class H5FileError(SavingError, OSError):
    """The file cannot be opened or created (not HDF5, a directory, missing, locked...)."""


class FileClosedError(SavingError, ValueError):
    """An operation needs an open file but the file is closed."""


class ReadOnlyFileError(SavingError, PermissionError):
    """A write was attempted on a file opened read-only."""


class NodeError(SavingError, KeyError, NameError):
    """A node (group or array) does not exist, or is not of the expected kind.

    Also a ``NameError``: PyMoDAQ's ``load_data_from_name_origin`` raises ``NameError`` when
    nothing matches, so ``except NameError`` written for PyMoDAQ keeps working.
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


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
    "CompressionError",
    "DataShapeError",
    "DtypeOverflowError",
    "EnumValueError",
    "ExtendedIndexError",
    "FileClosedError",
    "H5FileError",
    "NodeError",
    "ReadOnlyFileError",
    "SWMRError",
    "SavingError",
    "UnsafeAttributeError",
]
