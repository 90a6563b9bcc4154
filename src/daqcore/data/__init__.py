"""The daqcore data model: ``Axis``, ``DataWithAxes`` (and kinds) and ``DataToExport``.

Needs numpy and pint only (xarray and scipy are optional). Names and semantics follow
pymodaq_data; see ``docs/data_model.md`` and ``docs/migration.md`` for the differences (invalid
units raise, errors propagate, ...). pint is imported on first use of a units string, not here:
``ureg`` and ``Q_`` are resolved on access.
"""

from typing import Any

from daqcore.data.arrays import squeeze
from daqcore.data.axes_manager import AxesManager
from daqcore.data.axis import Axis
from daqcore.data.data import DataBase, DataWithAxes
from daqcore.data.enums import DataDim, DataDistribution, DataSource, DwaType
from daqcore.data.errors import (
    AxisTypeError,
    ChannelsTypeError,
    DataAxisError,
    DataDimError,
    DataDimWarning,
    DataError,
    DataIndexError,
    DataLengthError,
    DataShapeError,
    DataTypeError,
    DataUnitError,
    DataUnitsError,
    IncompatibleUnitsError,
    IndexTypeError,
    OptionalDependencyError,
    UnitsTypeError,
)
from daqcore.data.export import DataToExport
from daqcore.data.kinds import (
    DataActuator,
    DataCalculated,
    DataFromPlugins,
    DataFromRoi,
    DataRaw,
)
from daqcore.data.lowlevel import DataLowLevel
from daqcore.data.processors import DataProcessorBase, DataProcessorFactory
from daqcore.data.serialization import SerializationError, deserialize, serialize


def __getattr__(name: str) -> Any:
    if name in ("ureg", "Q_", "Unit"):
        from daqcore.data import units

        return getattr(units, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Q_",
    "AxesManager",
    "Axis",
    "AxisTypeError",
    "ChannelsTypeError",
    "DataActuator",
    "DataAxisError",
    "DataBase",
    "DataCalculated",
    "DataDim",
    "DataDimError",
    "DataDimWarning",
    "DataDistribution",
    "DataError",
    "DataFromPlugins",
    "DataFromRoi",
    "DataIndexError",
    "DataLengthError",
    "DataLowLevel",
    "DataProcessorBase",
    "DataProcessorFactory",
    "DataRaw",
    "DataShapeError",
    "DataSource",
    "DataToExport",
    "DataTypeError",
    "DataUnitError",
    "DataUnitsError",
    "DataWithAxes",
    "DwaType",
    "IncompatibleUnitsError",
    "IndexTypeError",
    "OptionalDependencyError",
    "SerializationError",
    "UnitsTypeError",
    "deserialize",
    "serialize",
    "squeeze",
    "ureg",
]
