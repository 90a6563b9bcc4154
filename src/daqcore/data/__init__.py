"""The daqcore data model: ``Axis``, ``DataWithAxes`` (and kinds) and ``DataToExport``.

Needs numpy and pint only (xarray is optional). Names and semantics follow pymodaq_data; see
``docs/data_model.md`` for the differences (invalid units raise, errors propagate, ...).
"""

from daqcore.data.axis import Axis
from daqcore.data.data import DataWithAxes
from daqcore.data.enums import DataDim, DataDistribution, DataSource, DwaType
from daqcore.data.errors import (
    DataAxisError,
    DataDimWarning,
    DataError,
    DataIndexError,
    DataShapeError,
    DataUnitsError,
    IncompatibleUnitsError,
    OptionalDependencyError,
)
from daqcore.data.export import DataToExport
from daqcore.data.kinds import DataActuator, DataCalculated, DataFromPlugins, DataRaw
from daqcore.data.serialization import SerializationError, deserialize, serialize
from daqcore.data.units import Q_, ureg

__all__ = [
    "Q_",
    "Axis",
    "DataActuator",
    "DataAxisError",
    "DataCalculated",
    "DataDim",
    "DataDimWarning",
    "DataDistribution",
    "DataError",
    "DataFromPlugins",
    "DataIndexError",
    "DataRaw",
    "DataShapeError",
    "DataSource",
    "DataToExport",
    "DataUnitsError",
    "DataWithAxes",
    "DwaType",
    "IncompatibleUnitsError",
    "OptionalDependencyError",
    "SerializationError",
    "deserialize",
    "serialize",
    "ureg",
]
