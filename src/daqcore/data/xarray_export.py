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
from daqcore.data.validation import unique_name

if TYPE_CHECKING:
    from daqcore.data.data import DataBase, DataWithAxes
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


def dwa_to_xarray(dwa: DataBase, prefix: str = "") -> Any:
    """``xarray.Dataset`` holding ``dwa`` (see the module docstring)."""
    xr = _import_xarray()
    taken: set[str] = set()
    dims: list[str] = []
    coords: dict[str, Any] = {}
    for index, length in enumerate(dwa.shape):
        axes = dwa._axes_of(index)
        spread = dwa.distribution is DataDistribution.spread and index in dwa.nav_indexes
        if spread:
            dim_name = unique_name(f"{prefix}spread_{index}", taken)
            for axis in axes:
                coord = unique_name(f"{prefix}{axis.label or f'axis_{index}'}", taken)
                coords[coord] = (dim_name, axis.data, {"units": axis.units, "label": axis.label,
                                                      "spread_order": axis.spread_order})
        elif axes:
            axis = axes[0]
            dim_name = unique_name(f"{prefix}{axis.label or f'dim_{index}'}", taken)
            coords[dim_name] = (dim_name, axis.data, {"units": axis.units, "label": axis.label})
        else:
            dim_name = unique_name(f"{prefix}dim_{index}", taken)
        dims.append(dim_name)
        del length
    variables: dict[str, Any] = {}
    for channel, label in enumerate(dwa.labels):
        var_name = unique_name(f"{prefix}{label}", taken)
        attrs: dict[str, Any] = {"units": dwa.units, "label": label}
        if dwa.errors is not None:
            error_name = unique_name(f"{var_name}_errors", taken)
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


_KNOWN_ATTRS = {"name", "origin", "units", "source", "distribution", "dim", "nav_indexes",
                "timestamp", "dwa_type"}


def dwa_from_xarray(obj: Any, name: str | None = None) -> DataWithAxes:
    """Rebuild a DataWithAxes from an ``xarray.Dataset`` (as written by :func:`dwa_to_xarray`)
    or from any Dataset/DataArray whose data variables share their dimensions.

    Data variables become channels (labels from their ``label`` attribute, else their names),
    dimension coordinates become axes (``units`` attribute), non-dimension coordinates with a
    ``spread_order`` attribute become spread axes, variables named by ``ancillary_variables``
    become errors. Dataset attributes restore name, origin, units, source, distribution,
    nav_indexes, timestamp and the kind; other attributes become extra attributes.

    Raises
    ------
    DataShapeError
        If the data variables do not share the same dimensions or there is none.
    """
    from daqcore.data.axis import Axis
    from daqcore.data.errors import DataShapeError
    from daqcore.data.kinds import DataActuator, DataCalculated, DataFromPlugins, DataRaw

    xr = _import_xarray()
    if isinstance(obj, xr.DataArray):
        obj = obj.to_dataset(name=obj.name if obj.name is not None else "CH00")
    error_names = {str(var.attrs["ancillary_variables"]) for var in obj.data_vars.values()
                   if "ancillary_variables" in var.attrs}
    channels = [key for key in obj.data_vars if key not in error_names]
    if not channels:
        raise DataShapeError("the xarray object has no data variable")
    dims = obj[channels[0]].dims
    for key in channels:
        if obj[key].dims != dims:
            raise DataShapeError(f"variable {key!r} has dims {obj[key].dims}, {channels[0]!r} "
                                 f"has {dims}: channels must share their dimensions")
    axes = []
    for index, dim in enumerate(dims):
        spread = [(key, coord) for key, coord in obj.coords.items()
                  if coord.dims == (dim,) and key != dim and "spread_order" in coord.attrs]
        if spread:
            for key, coord in spread:
                axes.append(Axis(str(coord.attrs.get("label", key)), coord.attrs.get("units", ""),
                                 np.asarray(coord.values), index=index,
                                 spread_order=int(coord.attrs["spread_order"])))
        elif dim in obj.coords:
            coord = obj.coords[dim]
            axes.append(Axis(str(coord.attrs.get("label", dim)), coord.attrs.get("units", ""),
                             np.asarray(coord.values), index=index))
    attrs = dict(obj.attrs)
    first = obj[channels[0]]
    units = attrs.get("units", first.attrs.get("units", ""))
    errors = None
    if error_names:
        errors = [np.asarray(obj[obj[key].attrs["ancillary_variables"]].values)
                  if "ancillary_variables" in obj[key].attrs else np.zeros(first.shape)
                  for key in channels]
    kinds = {"DataRaw": DataRaw, "DataCalculated": DataCalculated,
             "DataFromPlugins": DataFromPlugins, "DataActuator": DataActuator}
    from daqcore.data.data import DataWithAxes as _DataWithAxes

    cls = kinds.get(str(attrs.get("dwa_type")), _DataWithAxes)
    extras = {key: value for key, value in attrs.items() if key not in _KNOWN_ATTRS}
    kwargs: dict[str, Any] = {
        "data": [np.asarray(obj[key].values) for key in channels],
        "labels": [str(obj[key].attrs.get("label", key)) for key in channels],
        "units": str(units),
        "origin": str(attrs.get("origin", "")),
        "nav_indexes": tuple(int(i) for i in np.atleast_1d(attrs.get("nav_indexes", []))),
        "distribution": str(attrs.get("distribution", "uniform")),
        "axes": axes,
        "errors": errors,
    }
    if cls is _DataWithAxes:
        kwargs["source"] = str(attrs.get("source", "raw"))
    dwa = cls(name or str(attrs.get("name", channels[0])), **kwargs, **extras)
    if "timestamp" in attrs:
        dwa.timestamp = float(attrs["timestamp"])
    return dwa


def dte_from_xarray(obj: Any, name: str | None = None) -> DataToExport:
    """Rebuild a DataToExport from an ``xarray.DataTree`` written by :func:`dte_to_xarray`
    (every node holding data variables becomes one DataWithAxes, its origin taken from the
    dataset attributes or the parent node name) or from a Dataset (a single item)."""
    from daqcore.data.export import DataToExport

    xr = _import_xarray()
    if isinstance(obj, xr.Dataset | xr.DataArray):
        item = dwa_from_xarray(obj)
        return DataToExport(name or item.origin or item.name, data=[item])
    items = []
    for node in obj.subtree:
        dataset = node.to_dataset(inherit=False) if hasattr(node, "to_dataset") else node.ds
        if not dataset.data_vars:
            continue
        item = dwa_from_xarray(dataset, name=dataset.attrs.get("name", node.name))
        if not item.origin and node.parent is not None and node.parent.name:
            item.origin = node.parent.name
        items.append(item)
    attrs = dict(obj.attrs)
    extras = {key: value for key, value in attrs.items() if key not in ("name", "timestamp")}
    dte = DataToExport(name or str(attrs.get("name", obj.name or "")), data=items, **extras)
    if "timestamp" in attrs:
        dte.timestamp = float(attrs["timestamp"])
    return dte


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


__all__ = ["dte_from_xarray", "dte_to_xarray", "dwa_from_xarray", "dwa_to_xarray"]
