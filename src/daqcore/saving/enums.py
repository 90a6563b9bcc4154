"""Enums of the PyMoDAQ file convention (same names and values as ``pymodaq_data``)."""

from __future__ import annotations

import enum
from typing import Self

from daqcore.saving.errors import EnumValueError


class _NamedEnum(enum.Enum):
    @classmethod
    def check(cls, value: object) -> Self:
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
        return list(cls.__members__)


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


__all__ = ["DataType", "GroupType", "SaveType"]
