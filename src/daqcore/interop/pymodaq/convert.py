"""Lossless conversion of data objects between daqcore and PyMoDAQ.

Both libraries share one data model (PyMoDAQ's), so the conversion is a field-by-field copy:
label/units/index/spread_order and either the values or the linear ``offset``/``scaling``/``size``
of each :class:`~daqcore.data.Axis`; name, kind, source, dim, distribution, channels, labels,
units, origin, nav_indexes, axes, errors, extra attributes and timestamp of each DataWithAxes;
name, items, extra attributes and timestamp of a DataToExport.

Arrays are shared, not copied, when the target library accepts them as they are (both keep
float64/complex/int arrays as given); call ``.deepcopy()`` on the result to own them.

The kinds map by class name: ``DataRaw``, ``DataCalculated``, ``DataFromRoi`` (PyMoDAQ) and the
plain ``DataWithAxes`` come from ``pymodaq_data``; ``DataFromPlugins`` and ``DataActuator`` exist
only in the full ``pymodaq`` package, and convert to those classes when it is installed (to
``pymodaq_data``'s ``DataRaw`` / ``DataWithAxes`` with the same fields otherwise).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from daqcore.data import Axis, DataToExport, DataWithAxes
from daqcore.data import kinds as daqcore_kinds
from daqcore.data.errors import DataError


class PyMoDAQConversionError(DataError, TypeError):
    """An object that is not a daqcore/PyMoDAQ Axis, DataWithAxes or DataToExport."""


def _pymodaq_data() -> Any:
    try:
        from pymodaq_data import data as pmd
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise PyMoDAQConversionError(
            "converting to PyMoDAQ objects needs pymodaq_data: "
            "pip install 'daqcore[pymodaq]'") from exc
    return pmd


def _pymodaq_kinds() -> dict[str, Any]:
    """PyMoDAQ's DataWithAxes classes by name (``DataFromPlugins``/``DataActuator`` if present)."""
    pmd = _pymodaq_data()
    classes: dict[str, Any] = {
        "DataWithAxes": pmd.DataWithAxes,
        "DataRaw": pmd.DataRaw,
        "DataCalculated": pmd.DataCalculated,
        "DataFromRoi": pmd.DataFromRoi,
    }
    try:
        from pymodaq.utils import data as pymodaq_full
    except Exception:  # pymodaq (the dashboard) is optional; fall back below
        classes["DataFromPlugins"] = pmd.DataRaw
        classes["DataActuator"] = pmd.DataWithAxes
    else:
        classes["DataFromPlugins"] = pymodaq_full.DataFromPlugins
        classes["DataActuator"] = pymodaq_full.DataActuator
    return classes


_DAQCORE_KINDS: dict[str, type[DataWithAxes]] = {
    "DataWithAxes": DataWithAxes,
    "DataRaw": daqcore_kinds.DataRaw,
    "DataCalculated": daqcore_kinds.DataCalculated,
    "DataFromRoi": getattr(daqcore_kinds, "DataFromRoi", daqcore_kinds.DataCalculated),
    "DataFromPlugins": daqcore_kinds.DataFromPlugins,
    "DataActuator": daqcore_kinds.DataActuator,
}


def _kind_name(obj: Any, known: dict[str, Any]) -> str:
    for klass in type(obj).__mro__:
        if klass.__name__ in known:
            return klass.__name__
    return "DataWithAxes"


# ---------------------------------------------------------------------------- daqcore -> PyMoDAQ
def to_pymodaq(obj: Axis | DataWithAxes | DataToExport) -> Any:
    """The PyMoDAQ equivalent of a daqcore ``Axis``, ``DataWithAxes`` or ``DataToExport``.

    Parameters
    ----------
    obj : Axis, DataWithAxes or DataToExport
        A daqcore data object.

    Returns
    -------
    pymodaq_data.data.Axis, DataWithAxes (of the same kind) or DataToExport

    Raises
    ------
    PyMoDAQConversionError
        ``obj`` is not one of those types.
    """
    if isinstance(obj, DataToExport):
        return _dte_to_pymodaq(obj)
    if isinstance(obj, DataWithAxes):
        return _dwa_to_pymodaq(obj)
    if isinstance(obj, Axis):
        return _axis_to_pymodaq(obj)
    raise PyMoDAQConversionError(
        f"to_pymodaq converts daqcore Axis, DataWithAxes and DataToExport objects, "
        f"not {type(obj).__name__}")


def _axis_to_pymodaq(axis: Axis) -> Any:
    pmd = _pymodaq_data()
    if axis.is_axis_linear():
        return pmd.Axis(axis.label, axis.units, index=axis.index, offset=axis.offset,
                        scaling=axis.scaling, size=axis.size, spread_order=axis.spread_order)
    return pmd.Axis(axis.label, axis.units, data=np.asarray(axis.get_data()), index=axis.index,
                    spread_order=axis.spread_order)


def _dwa_to_pymodaq(dwa: DataWithAxes) -> Any:
    classes = _pymodaq_kinds()
    klass = classes[_kind_name(dwa, classes)]
    extras = {name: getattr(dwa, name) for name in dwa.extra_attributes}
    kwargs: dict[str, Any] = dict(
        data=list(dwa.data), labels=list(dwa.labels), origin=dwa.origin, units=dwa.units,
        axes=[_axis_to_pymodaq(ax) for ax in dwa.axes], nav_indexes=tuple(dwa.nav_indexes),
        distribution=dwa.distribution.name, errors=None if dwa.errors is None
        else list(dwa.errors), **extras)
    if klass.__name__ in ("DataWithAxes", "DataActuator") or \
            klass is classes["DataWithAxes"]:
        kwargs["source"] = dwa.source.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyMoDAQ warns where it re-infers what we give it
        theirs = klass(dwa.name, **kwargs)
    if theirs.source.name != dwa.source.name:
        theirs.source = dwa.source.name
    theirs.timestamp = dwa.timestamp
    return theirs


def _dte_to_pymodaq(dte: DataToExport) -> Any:
    pmd = _pymodaq_data()
    extras = {name: getattr(dte, name) for name in dte.extra_attributes}
    theirs = pmd.DataToExport(dte.name, data=[_dwa_to_pymodaq(d) for d in dte.data], **extras)
    theirs.timestamp = dte.timestamp
    return theirs


# ---------------------------------------------------------------------------- PyMoDAQ -> daqcore
def from_pymodaq(obj: Any) -> Axis | DataWithAxes | DataToExport:
    """The daqcore equivalent of a PyMoDAQ ``Axis``, ``DataWithAxes`` or ``DataToExport``.

    Objects are recognised by their PyMoDAQ class names (``pymodaq_data.data`` and
    ``pymodaq.utils.data``), so this needs no PyMoDAQ import.

    Raises
    ------
    PyMoDAQConversionError
        ``obj`` is not a PyMoDAQ data object.
    """
    names = {klass.__name__ for klass in type(obj).__mro__}
    module = type(obj).__module__
    if not module.startswith("pymodaq"):
        raise PyMoDAQConversionError(
            f"from_pymodaq converts PyMoDAQ data objects, not {type(obj).__name__} "
            f"from {module}")
    if "DataToExport" in names:
        return _dte_from_pymodaq(obj)
    if "DataWithAxes" in names:
        return _dwa_from_pymodaq(obj)
    if "Axis" in names:
        return _axis_from_pymodaq(obj)
    raise PyMoDAQConversionError(f"{type(obj).__name__} is not a PyMoDAQ Axis, DataWithAxes "
                                 "or DataToExport")


def _axis_from_pymodaq(axis: Any) -> Axis:
    if getattr(axis, "_data", None) is None and axis.scaling is not None:
        return Axis(axis.label, axis.units, index=axis.index, offset=axis.offset,
                    scaling=axis.scaling, size=axis.size, spread_order=axis.spread_order)
    return Axis(axis.label, axis.units, data=np.asarray(axis.get_data()), index=axis.index,
                spread_order=axis.spread_order)


def _dwa_from_pymodaq(dwa: Any) -> DataWithAxes:
    klass = _DAQCORE_KINDS[_kind_name(dwa, _DAQCORE_KINDS)]
    extras = {name: getattr(dwa, name) for name in dwa.extra_attributes}
    errors = getattr(dwa, "errors", None)
    kwargs: dict[str, Any] = dict(
        data=list(dwa.data), labels=list(dwa.labels), origin=dwa.origin, units=dwa.units,
        axes=[_axis_from_pymodaq(ax) for ax in dwa.axes], nav_indexes=tuple(dwa.nav_indexes),
        distribution=dwa.distribution.name,
        errors=None if errors is None or len(errors) == 0 else list(errors), **extras)
    ours = klass(dwa.name, **kwargs)
    if ours.source.name != dwa.source.name:
        ours.source = dwa.source.name
    ours.timestamp = dwa.timestamp
    return ours


def _dte_from_pymodaq(dte: Any) -> DataToExport:
    extras = {name: getattr(dte, name) for name in getattr(dte, "extra_attributes", [])}
    ours = DataToExport(dte.name, data=[_dwa_from_pymodaq(d) for d in dte.data], **extras)
    ours.timestamp = dte.timestamp
    return ours


__all__ = ["PyMoDAQConversionError", "from_pymodaq", "to_pymodaq"]
