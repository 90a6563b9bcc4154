"""Lazy (dask) channels in the data model, without importing dask.

A :class:`~daqcore.data.DataWithAxes` may hold dask arrays instead of numpy arrays (what
``DataLoader.load_data(..., lazy=True)`` returns for files larger than memory): slicing,
reductions along axes, arithmetic and ``to_xarray()`` then build dask graphs, and nothing is
read until :func:`compute` (or ``.compute()`` of a channel) asks for the values. Dask is only
imported by whoever creates such arrays; this module recognises them by the dask collection
protocol.
"""

from __future__ import annotations

from typing import Any


def is_lazy_array(obj: Any) -> bool:
    """True for an array-like that follows the dask collection protocol (a dask array)."""
    return (hasattr(obj, "__dask_graph__") and hasattr(obj, "shape")
            and hasattr(obj, "dtype") and hasattr(obj, "compute"))


def as_array(value: Any) -> Any:
    """``np.asarray(value)``, except that a lazy array stays lazy."""
    import numpy as np

    return value if is_lazy_array(value) else np.asarray(value)


def is_lazy(data: Any) -> bool:
    """True when any channel (or error bar) of a DataWithAxes is lazy."""
    channels = list(getattr(data, "data", ()))
    errors = getattr(data, "errors", None) or []
    return any(is_lazy_array(a) for a in [*channels, *errors])


def compute(data: Any, **compute_kwargs: Any) -> Any:
    """A copy of a DataWithAxes (or of every item of a DataToExport) with numpy channels.

    Lazy channels and error bars are computed together, in one pass of the scheduler
    (``compute_kwargs`` go to ``dask.compute``: ``scheduler=``, ...); eager data are
    returned as they are.
    """
    from daqcore.data.export import DataToExport

    if isinstance(data, DataToExport):
        out = DataToExport(data.name, data=[compute(d, **compute_kwargs) for d in data.data])
        out.timestamp = data.timestamp
        return out
    if not is_lazy(data):
        return data
    import dask

    errors = list(data.errors) if data.errors is not None else []
    values = dask.compute(*data.data, *errors, **compute_kwargs)
    n = len(data.data)
    return data.deepcopy_with_new_data(list(values[:n]), errors=list(values[n:]) or None) \
        if _accepts_errors(data) else _rebuild(data, list(values[:n]), list(values[n:]))


def _accepts_errors(data: Any) -> bool:
    import inspect

    try:
        return "errors" in inspect.signature(data.deepcopy_with_new_data).parameters
    except (TypeError, ValueError):
        return False


def _rebuild(data: Any, channels: list[Any], errors: list[Any]) -> Any:
    new = data.deepcopy_with_new_data(channels)
    if errors:
        new.errors = errors
    return new


__all__ = ["as_array", "compute", "is_lazy", "is_lazy_array"]
