"""Exceptions raised by :mod:`daqcore.data` for bad input.

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin exception a
caller unaware of daqcore would expect (``ValueError``, ``IndexError``, ``ImportError``), and its
message names the offending value.
"""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class DataError(DaqcoreError, ValueError):
    """Base class of the data-model errors (invalid data, axes, units, indexes)."""


class DataShapeError(DataError):
    """Channels of different shapes, errors not matching data, empty or 0-d arrays."""


class DataAxisError(DataError):
    """An axis whose length or index does not fit the data it describes."""


class DataUnitsError(DataError):
    """A units string that pint cannot parse (never silently replaced by dimensionless)."""


class IncompatibleUnitsError(DataUnitsError):
    """Two operands (or a conversion target) whose units have different dimensionality."""


class DataIndexError(DataError, IndexError):
    """A navigation/signal index or a slice that is out of range for the data."""


class DataDimWarning(UserWarning):
    """A declared ``dim`` that contradicts the data shape was replaced by the inferred one."""


class OptionalDependencyError(DaqcoreError, ImportError):
    """An optional package (e.g. xarray) needed for the requested feature is not installed."""


__all__ = [
    "DataAxisError",
    "DataDimWarning",
    "DataError",
    "DataIndexError",
    "DataShapeError",
    "DataUnitsError",
    "IncompatibleUnitsError",
    "OptionalDependencyError",
]
