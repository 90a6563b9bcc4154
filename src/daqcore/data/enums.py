"""Enumerations of the data model, with PyMoDAQ's names and values.

``.name`` is what PyMoDAQ writes in HDF5 attributes (``'Data1D'``, ``'raw'``, ``'spread'``).
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np


class _NamedEnum(enum.Enum):
    """Enum that can be built from its member, its name or its value."""

    @classmethod
    def from_str(cls, name: str) -> Any:
        """Return the member called ``name``, case-insensitively as PyMoDAQ's ``enum_checker``
        (``DataDim.from_str('Data1D')`` and ``DataDim.from_str('data1d')`` both work).

        Raises
        ------
        ValueError
            If ``name`` is not the name of a member.
        """
        try:
            return cls[name]
        except KeyError:
            pass
        lowered = name.lower()
        for member in cls:
            if member.name.lower() == lowered:
                return member
        raise cls._invalid(name)

    @classmethod
    def _invalid(cls, value: Any) -> ValueError:
        return ValueError(f"{value!r} is not a valid {cls.__name__}; expected one of {cls.names()}")

    @classmethod
    def names(cls) -> list[str]:
        """Names of all members, in definition order."""
        return [member.name for member in cls]

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """Return the member for a member, a name or a value; raise ``ValueError`` otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls.from_str(value)
        try:
            return cls(value)
        except ValueError:
            raise cls._invalid(value) from None

    @classmethod
    def values(cls) -> list[Any]:
        """Values of all members, in definition order."""
        return [member.value for member in cls]

    @classmethod
    def to_dict(cls) -> dict[str, Any]:
        """``{name: value}`` of all members."""
        return {member.name: member.value for member in cls}

    @classmethod
    def to_dict_value(cls) -> dict[Any, str]:
        """``{value: name}`` of all members."""
        return {member.value: member.name for member in cls}

    def __eq__(self, other: object) -> bool:
        """Members also equal their name (``DataDim.Data1D == 'Data1D'``), as in PyMoDAQ."""
        if isinstance(other, str):
            return other == self.name
        return self is other

    def __hash__(self) -> int:
        return hash(self.name)  # equal to the hash of the name, consistent with __eq__

    def __str__(self) -> str:
        return self.name


@enum.unique
class DataDim(_NamedEnum):
    """Dimensionality of a :class:`~daqcore.data.DataWithAxes`; members are ordered."""

    Data0D = 0
    Data1D = 1
    Data2D = 2
    DataND = 3

    def _other_value(self, other: Any) -> int:
        return int(DataDim.coerce(other).value)

    def __lt__(self, other: Any) -> bool:
        return self.value < self._other_value(other)

    def __le__(self, other: Any) -> bool:
        return self.value <= self._other_value(other)

    def __gt__(self, other: Any) -> bool:
        return self.value > self._other_value(other)

    def __ge__(self, other: Any) -> bool:
        return self.value >= self._other_value(other)

    __hash__ = _NamedEnum.__hash__

    @property
    def dim_index(self) -> int:
        """The integer value (0 for Data0D ... 3 for DataND)."""
        return int(self.value)

    @staticmethod
    def from_data_array(data_array: np.ndarray) -> DataDim:
        """Dimensionality of one array by PyMoDAQ's rule: 1-D of size 1 is 0D, 1-D is 1D,
        2-D is 2D, anything else ND."""
        shape = np.shape(data_array)
        if len(shape) == 1:
            return DataDim.Data0D if shape[0] == 1 else DataDim.Data1D
        if len(shape) == 2:
            return DataDim.Data2D
        return DataDim.DataND


@enum.unique
class DataSource(_NamedEnum):
    """Whether data come straight from a detector (``raw``) or were computed."""

    raw = 0
    calculated = 1


@enum.unique
class DataDistribution(_NamedEnum):
    """``uniform``: one axis per dimension; ``spread``: N unordered points on one nav index."""

    uniform = 0
    spread = 1


@enum.unique
class DwaType(_NamedEnum):
    """Concrete kinds of DataWithAxes (the class name is the member name)."""

    DataWithAxes = 0
    DataRaw = 1
    DataActuator = 2
    DataFromPlugins = 3
    DataCalculated = 4


__all__ = ["DataDim", "DataDistribution", "DataSource", "DwaType"]
