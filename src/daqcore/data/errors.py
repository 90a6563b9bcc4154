"""Exceptions raised by :mod:`daqcore.data` for bad input.

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin exception a
caller unaware of daqcore would expect, and its message names the offending value.

PyMoDAQ parity: where pymodaq_data raises a builtin (``TypeError``, ``IndexError``) or pint's
``DimensionalityError`` for the same bad input, the daqcore class raised there derives from it
too, so ``except TypeError`` / ``except pint.DimensionalityError`` written for PyMoDAQ keeps
working (see ``docs/migration.md``).
"""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class DataError(DaqcoreError, ValueError):
    """Base class of the data-model errors (invalid data, axes, units, indexes)."""


class DataTypeError(DataError, TypeError):
    """An argument of the wrong type (PyMoDAQ raises ``TypeError`` there)."""


class DataShapeError(DataError):
    """Channels of different shapes, errors not matching data, empty or 0-d arrays."""


class ChannelsTypeError(DataShapeError, DataTypeError):
    """``data`` that is not a non-empty list of numeric arrays (PyMoDAQ: ``TypeError``)."""


class DataLengthError(DataShapeError, TypeError):
    """Two collections that should have the same length do not (PyMoDAQ's name).

    Raised for arithmetic between DataToExports of different lengths (PyMoDAQ raises
    ``TypeError`` there) and for spread navigation axes of different sizes.
    """


class DataAxisError(DataError):
    """An axis whose length or index does not fit the data it describes."""


class SpreadAxisLengthError(DataAxisError, DataLengthError):
    """Spread navigation axes whose length is not the number of points (PyMoDAQ raises its
    ``DataLengthError`` there)."""


class AxisTypeError(DataAxisError, DataTypeError):
    """An axis label/index of the wrong type, or an object given as an axis that is not an
    :class:`~daqcore.data.Axis` (e.g. an ndarray); PyMoDAQ raises ``TypeError``."""


class DataUnitsError(DataError):
    """A units string that pint cannot parse (never silently replaced by dimensionless)."""


class UnitsTypeError(DataUnitsError, DataTypeError):
    """Units that are not a string (e.g. ``Axis(units=45)``; PyMoDAQ raises ``TypeError``)."""


class IncompatibleUnitsError(DataUnitsError):
    """Two operands (or a conversion target) whose units have different dimensionality.

    The instances daqcore raises also derive from ``pint.DimensionalityError`` (and so from
    ``TypeError``), which PyMoDAQ raises in the same places; that subclass is built when pint
    is first imported (see ``daqcore.data.units.incompatible_units_error``), so importing
    this module does not import pint.
    """


class DataIndexError(DataError, IndexError):
    """A navigation/signal index or a slice that is out of range for the data."""


class AxisIndexError(DataAxisError, DataIndexError):
    """An axis whose ``index`` is not a dimension of the data (PyMoDAQ: ``IndexError``)."""


class IndexTypeError(DataIndexError, DataTypeError):
    """An index of the wrong type (``dwa['a']``: PyMoDAQ raises ``IndexError``)."""


class DataDimError(DataShapeError):
    """An operation that needs another dimensionality (e.g. ``moment`` on 2D data)."""


class DataDimWarning(UserWarning):
    """A declared ``dim`` that contradicts the data shape was replaced by the inferred one."""


class OptionalDependencyError(DaqcoreError, ImportError):
    """An optional package (e.g. xarray) needed for the requested feature is not installed."""


#: PyMoDAQ's name of the error raised by ``units_as`` (daqcore's :class:`DataUnitsError`).
DataUnitError = DataUnitsError

__all__ = [
    "AxisIndexError",
    "AxisTypeError",
    "ChannelsTypeError",
    "DataAxisError",
    "DataDimError",
    "DataDimWarning",
    "DataError",
    "DataIndexError",
    "DataLengthError",
    "DataShapeError",
    "DataTypeError",
    "DataUnitError",
    "DataUnitsError",
    "IncompatibleUnitsError",
    "IndexTypeError",
    "OptionalDependencyError",
    "SpreadAxisLengthError",
    "UnitsTypeError",
]
