"""Conversion of DataWithAxes / DataToExport to xarray (optional dependency, imported lazily).

A DWA becomes an ``xarray.Dataset``: one data variable per channel (named by its label), one
dimension per data dimension (named by its axis label, else ``dim_<i>``), axis values as
coordinates (with their ``units`` attribute), and, if the DWA has errors, one variable
``<label>_errors`` per channel, linked from the data variable through the CF attribute
``ancillary_variables``. Dataset attributes carry name, origin, units, source, distribution,
dim, nav_indexes, timestamp and the extra attributes. A spread navigation dimension is named
``spread_<i>`` and each of its axes becomes a non-dimension coordinate along it.

A DataToExport becomes an ``xarray.DataTree`` whose node paths are the items' full names
(``origin/name``), or one Dataset with variables ``origin/name/label`` and dimensions prefixed
by ``origin/name/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.data.enums import DataDistribution
from daqcore.data.errors import OptionalDependencyError

if TYPE_CHECKING:
    from daqcore.data.data import DataWithAxes
    from daqcore.data.export import DataToExport


def _import_xarray() -> Any:
    try:
        import xarray
    except ImportError:
        raise OptionalDependencyError(
            "to_xarray() needs the optional package xarray: pip install 'daqcore[xarray]'"
        ) from None
    return xarray


def _attr_value(value: Any) -> Any:
    """Attribute values xarray/netCDF can hold; others are stored as their repr."""
    if isinstance(value, str | int | float | bool | np.generic | np.ndarray):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, int | float | str) for v in value):
        return list(value)
    return repr(value)


def _unique(name: str, taken: set[str]) -> str:
    candidate, counter = name, 1
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


def dwa_to_xarray(dwa: DataWithAxes, prefix: str = "") -> Any:
    """``xarray.Dataset`` holding ``dwa`` (see the module docstring)."""
    xr = _import_xarray()
    taken: set[str] = set()
    dims: list[str] = []
    coords: dict[str, Any] = {}
    for index, length in enumerate(dwa.shape):
        axes = dwa.get_axis_from_index(index)
        spread = dwa.distribution is DataDistribution.spread and index in dwa.nav_indexes
        if spread:
            dim_name = _unique(f"{prefix}spread_{index}", taken)
            for axis in axes:
                coord = _unique(f"{prefix}{axis.label or f'axis_{index}'}", taken)
                coords[coord] = (dim_name, axis.data, {"units": axis.units,
                                                      "spread_order": axis.spread_order})
        elif axes:
            axis = axes[0]
            dim_name = _unique(f"{prefix}{axis.label or f'dim_{index}'}", taken)
            coords[dim_name] = (dim_name, axis.data, {"units": axis.units})
        else:
            dim_name = _unique(f"{prefix}dim_{index}", taken)
        dims.append(dim_name)
        del length
    variables: dict[str, Any] = {}
    for channel, label in enumerate(dwa.labels):
        var_name = _unique(f"{prefix}{label}", taken)
        attrs = {"units": dwa.units, "label": label}
        if dwa.errors is not None:
            error_name = _unique(f"{var_name}_errors", taken)
            attrs["ancillary_variables"] = error_name
            variables[error_name] = (dims, dwa.errors[channel],
                                     {"units": dwa.units, "standard_name": "standard_error",
                                      "error_of": var_name})
        variables[var_name] = (dims, dwa.data[channel], attrs)
    attrs = {
        "name": dwa.name,
        "origin": dwa.origin,
        "units": dwa.units,
        "source": dwa.source.name,
        "distribution": dwa.distribution.name,
        "dim": dwa.dim.name,
        "nav_indexes": list(dwa.nav_indexes),
        "timestamp": dwa.timestamp,
        "dwa_type": type(dwa).__name__,
    }
    for key in dwa.extra_attributes:
        attrs[key] = _attr_value(getattr(dwa, key))
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def dte_to_xarray(dte: DataToExport, as_tree: bool = True) -> Any:
    """``xarray.DataTree`` (or one merged ``Dataset``) holding every item of ``dte``."""
    xr = _import_xarray()
    attrs = {"name": dte.name, "timestamp": dte.timestamp}
    for key in dte.extra_attributes:
        attrs[key] = _attr_value(getattr(dte, key))
    if as_tree:
        if not hasattr(xr, "DataTree"):
            raise OptionalDependencyError(
                "DataToExport.to_xarray() needs xarray >= 2024.10 (DataTree); use "
                "as_tree=False for a single Dataset"
            )
        nodes = {"/": xr.Dataset(attrs=attrs)}
        for item in dte:
            nodes[f"/{item.origin}/{item.name}"] = dwa_to_xarray(item)
        return xr.DataTree.from_dict(nodes)
    datasets = [dwa_to_xarray(item, prefix=f"{item.full_name}/") for item in dte]
    merged = xr.merge(datasets, combine_attrs="drop") if datasets else xr.Dataset()
    merged.attrs.update(attrs)
    return merged


__all__ = ["dte_to_xarray", "dwa_to_xarray"]
