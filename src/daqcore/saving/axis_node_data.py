"""Axis nodes read as PyMoDAQ reads them: an axis node (``AxisNN``) loaded as DataWithAxes
(PyMoDAQ's ``DataLoader.load_data`` on it), and channel groups holding one axis twice.

PyMoDAQ reads the axis values as the data, labels them with the axis label, gives them an
index axis ``0, 1, ..., n-1`` (label and units of the axis) and keeps the node's other
attributes (``index``, ``offset``, ``scaling``, ``spread_order``) as extra attributes; so does
daqcore, field for field (``tests/parity/test_parity_loading.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from daqcore.data import Axis, DataWithAxes
from daqcore.errors import DaqcoreError
from daqcore.saving.errors import NodeError
from daqcore.saving.nodes import ArrayNode, Node

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.management import AxisSaverLoader

_log = logging.getLogger(__name__)

#: Attributes of a node not passed on as extra attributes (PyMoDAQ's list).
NOT_EXTRA = frozenset({"TITLE", "CLASS", "VERSION", "backend", "source", "data_dimension",
                       "distribution", "label", "origin", "nav_indexes", "dtype", "data_type",
                       "subdtype", "shape", "size", "EXTDIM", "path", "timestamp", "units"})


def _text(node: Node, name: str, default: str) -> str:
    value = node.attrs[name] if name in node.attrs else default
    if not isinstance(value, str):
        raise NodeError(f"node {node.path!r}: attribute {name!r} should be a string, "
                        f"got {type(value).__name__}")
    return value


def load_axis_node(axis_loader: AxisSaverLoader, node: Node,
                   load_all: bool = False) -> DataWithAxes:
    """DataWithAxes holding the values of the axis node ``node`` (of every axis node of its
    group with ``load_all``, which must then have the same length).

    Raises
    ------
    NodeError
        ``node`` is not an array or its attributes are not what an axis node holds.
    DataShapeError
        With ``load_all``, the axes of the group do not have the same length (as PyMoDAQ).
    """
    nodes = [node]
    if load_all:
        parent = node.parent_node
        nodes = axis_loader._get_nodes_from_data_type(parent) if parent is not None else []
        nodes = nodes or [node]
    arrays = []
    for one in nodes:
        if not isinstance(one, ArrayNode):
            raise NodeError(f"node {one.path!r} is a group, not an axis array")
        arrays.append(np.squeeze(np.asarray(one.read())))
    first = nodes[0]
    label = _text(first, "label", first.title)
    units = _text(first, "units", "")
    size = int(arrays[0].size)
    # PyMoDAQ builds an axis of size - 1 points that DataWithAxes replaces by 0..size-1
    axes = [Axis(label, units, offset=0.0, scaling=1.0, size=size, index=0)] \
        if arrays[0].ndim == 1 else []
    attrs = first.attrs.to_dict()
    extras = {k: v for k, v in attrs.items() if k not in NOT_EXTRA and k.isidentifier()}
    try:
        return DataWithAxes(
            _text(first, "TITLE", first.name), source=attrs.get("source", "raw"),
            distribution=attrs.get("distribution", "uniform"), data=arrays,
            labels=[_text(one, "label", one.title) for one in nodes], units=units,
            origin=_text(first, "origin", ""), nav_indexes=tuple(attrs.get("nav_indexes", ())),
            axes=axes, errors=None, path=first.path, **extras)
    except DaqcoreError:
        raise  # DataShapeError for axes of different lengths, as PyMoDAQ
    except (ValueError, TypeError) as exc:  # enums raise ValueError
        raise NodeError(f"axis node {first.path!r} cannot be loaded as DataWithAxes: "
                        f"{exc}") from exc


def first_axis_per_dimension(axes: list[Axis], where: str) -> list[Axis]:
    """``axes`` without the axes describing a dimension (and spread order) an earlier axis
    already describes: a channel group may hold its axis twice (PyMoDAQ's ``BkgSaver.add_data``
    saves the axes again beside the background). PyMoDAQ lists both, and uses the first one
    (``get_axis_from_index``); a daqcore DataWithAxes has one axis per dimension, so the first
    is kept and the others are logged.
    """
    kept: dict[tuple[int, int], Axis] = {}
    for axis in axes:
        key = (axis.index, axis.spread_order)
        if key in kept:
            _log.info("%s: axis %r describes dimension %d again (after %r): the first is kept",
                      where, axis.label, axis.index, kept[key].label)
            continue
        kept[key] = axis
    return list(kept.values())


__all__ = ["NOT_EXTRA", "first_axis_per_dimension", "load_axis_node"]
