"""``DataLowLevel``: the name and creation time shared by every data object (PyMoDAQ's base)."""

from __future__ import annotations

import time

from daqcore.data.errors import DataTypeError


class DataLowLevel:
    """A named object with a creation timestamp; base of DataWithAxes and DataToExport.

    Parameters
    ----------
    name : str
        Identifier of the data.

    Raises
    ------
    DataTypeError
        If ``name`` is not a string.
    """

    _name: str
    _timestamp: float

    def __init__(self, name: str) -> None:
        self.name = name
        self._timestamp = time.time()

    @property
    def name(self) -> str:
        """Identifier of the data."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        if not isinstance(name, str):
            raise DataTypeError(f"name must be a string, got {name!r}")
        self._name = name

    @property
    def timestamp(self) -> float:
        """Creation time (``time.time()`` seconds); settable."""
        return self._timestamp

    @timestamp.setter
    def timestamp(self, value: float) -> None:
        self._timestamp = float(value)


__all__ = ["DataLowLevel"]
