"""Enums of the PyMoDAQ file convention (same names and values as ``pymodaq_data``).

As PyMoDAQ's ``BaseEnum`` (and daqcore's data enums), a member compares equal to its name:
``'axis' == DataType.axis`` and ``DataType.axis == 'axis'`` are True, and the member hashes
like its name, so it can be looked up in a dict keyed by names.
"""

from __future__ import annotations

import enum

from daqcore.saving.errors import EnumValueError


class _NamedEnum(enum.Enum):
    @classmethod
    def check(cls, value: object) -> _NamedEnum:
        """Return the member for ``value`` given as member, name, (PyMoDAQ) value."""
        if isinstance(value, cls):
            return value
        if isinstance(value, enum.Enum):
            value = value.name
        if isinstance(value, str):
            if value in cls.__members__:
                return cls[value]
            for member in cls:
                if member.value == value or member.name.lower() == value.lower():
                    return member
        for member in cls:
            if member.value == value:
                return member
        raise EnumValueError(f"{value!r} is not a valid {cls.__name__}: use one of "
                         f"{list(cls.__members__)}")

    @classmethod
    def names(cls) -> list[str]:
        """Names of the members, in definition order."""
        return list(cls.__members__)

    @classmethod
    def values(cls) -> list[object]:
        """Values of the members, in definition order."""
        return [member.value for member in cls]

    @classmethod
    def to_dict(cls) -> dict[str, object]:
        """``{name: value}`` of the members."""
        return {member.name: member.value for member in cls}

    @classmethod
    def to_dict_value(cls) -> dict[object, str]:
        """``{value: name}`` of the members."""
        return {member.value: member.name for member in cls}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.name
        return self is other

    def __hash__(self) -> int:
        return hash(self.name)


class SaveType(_NamedEnum):
    """Kind of file (``type`` attribute of the ``RawData`` group)."""

    scan = 0
    detector = 1
    logger = 2
    custom = 3
    actuator = 4
    optimizer = 5


class GroupType(_NamedEnum):
    """Kind of group (``type`` attribute of incremental groups)."""

    detector = 0
    actuator = 1
    data = 2
    ch = 3
    scan = 4
    external_h5 = 5
    data_dim = 6
    data_logger = 7


class FileType(_NamedEnum):
    """Kind of file content (PyMoDAQ's ``FileType``)."""

    detector = 0
    actuator = 1
    axis = 2
    scan = 3


class DataType(_NamedEnum):
    """Kind of array node; the value is the node-name prefix (``Data00``, ``Axis01``...)."""

    data = "Data"
    axis = "Axis"
    live_scan = "Live"
    external_h5 = "ExtData"
    strings = "Strings"
    bkg = "Bkg"
    data_enlargeable = "EnlData"
    error = "ErrorBar"


__all__ = ["DataType", "FileType", "GroupType", "SaveType"]
