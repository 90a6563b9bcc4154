"""The kinds of DataWithAxes: ``DataRaw``, ``DataCalculated``, ``DataFromRoi``,
``DataFromPlugins``, ``DataActuator`` (PyMoDAQ's names)."""

from __future__ import annotations

from typing import Any

import numpy as np

from daqcore.data.data import DataWithAxes
from daqcore.data.enums import DataDim, DataSource


class DataRaw(DataWithAxes):
    """Data straight from a detector (source forced to ``raw``)."""

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("source", None)
        super().__init__(name, DataSource.raw, *args, **kwargs)


class DataCalculated(DataWithAxes):
    """Data computed from other data (source forced to ``calculated``)."""

    _default_source = DataSource.calculated

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("source", None)
        super().__init__(name, DataSource.calculated, *args, **kwargs)


class DataFromRoi(DataCalculated):
    """Data computed from a region of interest (a :class:`DataCalculated`, source
    ``calculated``), as PyMoDAQ's viewers emit them."""


class DataFromPlugins(DataRaw):
    """Data emitted by a detector plugin; extra attributes ``do_plot`` and ``do_save``."""

    def __init__(self, name: str, *args: Any, do_plot: bool = True, do_save: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(name, *args, **kwargs)
        self._extra_attributes = ["do_plot", "do_save", *self._extra_attributes]
        self.do_plot = do_plot
        self.do_save = do_save


class DataActuator(DataRaw):
    """Actuator positions; ``data`` may be a plain number (-> 0D).

    ``DataActuator()`` is a 0D value ``0.0`` named ``'actuator'``.
    """

    def __init__(self, name: str = "actuator", *args: Any, data: Any = None,
                 **kwargs: Any) -> None:
        if data is None and not args:
            data = [np.array([0.0])]
        if args:
            super().__init__(name, *args, **kwargs)
        else:
            super().__init__(name, data=data, **kwargs)

    def __repr__(self) -> str:
        if self._dim is DataDim.Data0D:
            values = ", ".join(f"{a.flat[0]:g}" for a in self._data)
            return f"<DataActuator: {self._name} <u: {self._units}> <{values}>>"
        return super().__repr__()


__all__ = ["DataActuator", "DataCalculated", "DataFromPlugins", "DataFromRoi", "DataRaw"]
