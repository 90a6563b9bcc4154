"""``DataToExport``: a named collection of DataWithAxes, the unit detectors emit and savers write.

Semantics follow pymodaq_data: construction sets the ``origin`` of every DWA that has none to
the collection's name (in place, no copy); :meth:`DataToExport.append` stores a deep copy and
*replaces* an item with the same ``origin/name``; look-ups by name, origin, full name, dim and
source; arithmetic with a number or another DataToExport of the same length pairs items by
position.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from daqcore.data.data import DataWithAxes
from daqcore.data.enums import DataDim, DataSource
from daqcore.data.errors import (
    DataError,
    DataIndexError,
    DataLengthError,
    DataShapeError,
    DataTypeError,
)
from daqcore.data.lowlevel import DataLowLevel


def _check_dwa(item: Any) -> DataWithAxes:
    if not isinstance(item, DataWithAxes):
        raise DataTypeError(f"a DataToExport holds DataWithAxes objects, got "
                            f"{type(item).__name__} {item!r:.60}")
    return item


class DataToExport(DataLowLevel):
    """Named list of :class:`~daqcore.data.DataWithAxes`.

    Parameters
    ----------
    name : str
        Name of the collection (the detector/module name); DWAs without origin get it.
    data : list of DataWithAxes, optional
        The items (stored as given, not copied).
    **extra_attributes
        Metadata; each keyword becomes an attribute listed in :attr:`extra_attributes`.

    Raises
    ------
    DataTypeError
        If ``data`` is not a list of DataWithAxes (also a ``TypeError``, as in PyMoDAQ).
    DataError
        If two items share a full name.
    """

    def __init__(self, name: str, data: list[DataWithAxes] | None = None,
                 **extra_attributes: Any) -> None:
        super().__init__(name)
        self._data: list[DataWithAxes] = []
        self.data = [] if data is None else data
        self.extra_attributes: list[str] = []
        if extra_attributes:
            self.add_extra_attribute(**extra_attributes)

    # ------------------------------------------------------------------- basics
    @property
    def data(self) -> list[DataWithAxes]:
        """The items (a list owned by this object)."""
        return self._data

    @data.setter
    def data(self, items: Iterable[DataWithAxes]) -> None:
        if isinstance(items, DataWithAxes) or not isinstance(items, list | tuple):
            raise DataTypeError(f"data must be a list of DataWithAxes, got {items!r:.80}")
        items = [_check_dwa(item) for item in items]
        for item in items:
            if not item.origin:
                item.origin = self._name
        seen = set()
        for item in items:
            if item.full_name in seen:
                raise DataError(f"two items named {item.full_name!r} in DataToExport "
                                f"{self._name!r}; full names (origin/name) must be unique")
            seen.add(item.full_name)
        self._data = items

    def affect_name_to_origin_if_none(self) -> None:
        """Give this collection's name as origin to every item without one."""
        for item in self._data:
            if not item.origin:
                item.origin = self._name

    def add_extra_attribute(self, **attributes: Any) -> None:
        """Add metadata attributes (names listed in :attr:`extra_attributes`)."""
        for key, value in attributes.items():
            if key.startswith("_") or hasattr(type(self), key):
                raise DataError(f"extra attribute name {key!r} is reserved by DataToExport")
            setattr(self, key, value)
            if key not in self.extra_attributes:
                self.extra_attributes.append(key)

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[DataWithAxes]:
        return iter(self._data)

    def __getitem__(self, item: int | slice) -> Any:
        if isinstance(item, slice):
            return DataToExport(self._name, data=self._data[item])
        if isinstance(item, numbers.Integral) and -len(self._data) <= item < len(self._data):
            return self._data[item]
        raise DataIndexError(f"index {item!r} out of range for DataToExport {self._name!r} "
                             f"of length {len(self._data)}")

    def __setitem__(self, index: int, value: DataWithAxes) -> None:
        if not isinstance(index, numbers.Integral) or not \
                -len(self._data) <= index < len(self._data):
            raise DataIndexError(f"index {index!r} out of range for DataToExport "
                                 f"{self._name!r} of length {len(self._data)}")
        self._data[index] = _check_dwa(value)

    def __repr__(self) -> str:
        lines = [f"DataToExport: {self._name} <len:{len(self)}>"]
        lines += [f"    * {item!r}" for item in self._data]
        return "\n".join(lines)

    # ------------------------------------------------------------------- add / remove
    def append(self, data: DataWithAxes | list[DataWithAxes] | DataToExport) -> None:
        """Append a deep copy of ``data`` (a DWA, a list of them or a DataToExport).

        An item with the same full name (``origin/name``) is removed and the new one appended
        at the end (PyMoDAQ's order). A DWA without origin
        gets this collection's name as origin (on the copy).
        """
        if isinstance(data, DataToExport):
            data = data.data
        if isinstance(data, list | tuple):
            for item in data:
                self.append(item)
            return
        item = _check_dwa(data).deepcopy()
        if not item.origin:
            item.origin = self._name
        for index, existing in enumerate(self._data):
            if existing.name == item.name and existing.origin == item.origin:
                del self._data[index]  # as PyMoDAQ: the replacement goes to the end
                break
        self._data.append(item)

    def pop(self, index: int) -> DataWithAxes:
        """Remove and return item ``index``."""
        return self._data.pop(index)

    def remove(self, dwa: DataWithAxes) -> DataWithAxes:
        """Remove the item with the same name that compares equal to ``dwa``.

        Raises
        ------
        DataError
            If there is none.
        """
        for index, item in enumerate(self._data):
            if item.name == dwa.name and item == dwa:
                return self._data.pop(index)
        raise DataError(f"{dwa!r} is not in DataToExport {self._name!r}")

    def index(self, dwa: DataWithAxes) -> int:
        """Position of the item with the same name that compares equal to ``dwa``."""
        for index, item in enumerate(self._data):
            if item.name == dwa.name and item == dwa:
                return index
        raise DataError(f"{dwa!r} is not in DataToExport {self._name!r}")

    def index_from_name_origin(self, name: str, origin: str = "") -> int | None:
        """Position of the first item called ``name`` (and from ``origin`` if given)."""
        for index, item in enumerate(self._data):
            if item.name == name and (not origin or item.origin == origin):
                return index
        return None

    # ------------------------------------------------------------------- look-ups
    def _select(self, predicate: Any, deepcopy: bool = False,
                sort_by_name: bool = False) -> DataToExport:
        items = [item for item in self._data if predicate(item)]
        if sort_by_name:
            items.sort(key=lambda item: item.name)
        if deepcopy:
            items = [item.deepcopy() for item in items]
        new = DataToExport.__new__(DataToExport)
        new._name = self._name
        new._timestamp = self._timestamp
        new._data = items
        new.extra_attributes = []
        return new

    def get_names(self, dim: DataDim | str | None = None) -> list[str]:
        """Names of the items (of dimensionality ``dim`` if given)."""
        return [item.name for item in self._filtered(dim)]

    def get_full_names(self, dim: DataDim | str | None = None) -> list[str]:
        """``origin/name`` of the items (of dimensionality ``dim`` if given)."""
        return [item.full_name for item in self._filtered(dim)]

    def get_origins(self, dim: DataDim | str | None = None) -> list[str]:
        """Distinct origins, in order of first appearance."""
        return list(dict.fromkeys(item.origin for item in self._filtered(dim)))

    def _filtered(self, dim: DataDim | str | None) -> list[DataWithAxes]:
        if dim is None:
            return self._data
        dim = DataDim.coerce(dim)
        return [item for item in self._data if item.dim is dim]

    def get_data_from_name(self, name: str) -> DataWithAxes | None:
        """First item called ``name`` (None if absent)."""
        return next((item for item in self._data if item.name == name), None)

    def get_data_from_names(self, names: list[str] | str) -> DataToExport:
        """Items whose name is in ``names``."""
        names = [names] if isinstance(names, str) else list(names)
        return self._select(lambda item: item.name in names)

    def get_data_from_origins(self, origins: list[str] | str) -> DataToExport:
        """Items whose origin is in ``origins``."""
        origins = [origins] if isinstance(origins, str) else list(origins)
        return self._select(lambda item: item.origin in origins)

    def get_data_from_name_origin(self, name: str, origin: str = "") -> DataWithAxes | None:
        """Item called ``name`` from ``origin`` (any origin if ``''``); None if absent."""
        return next((item for item in self._data
                     if item.name == name and (not origin or item.origin == origin)), None)

    def get_data_from_full_name(self, full_name: str,
                                deepcopy: bool = False) -> DataWithAxes | None:
        """Item with this ``origin/name`` (None if absent)."""
        origin, _, name = full_name.partition("/")
        item = next((item for item in self._data
                     if item.name == name and item.origin == origin), None)
        return item.deepcopy() if deepcopy and item is not None else item

    def get_data_from_full_names(self, full_names: list[str],
                                 deepcopy: bool = False) -> DataToExport:
        """Items with these full names, in the order given (missing ones skipped)."""
        items = [self.get_data_from_full_name(full_name, deepcopy) for full_name in full_names]
        return DataToExport(self._name, data=[item for item in items if item is not None])

    def get_data_from_dim(self, dim: DataDim | str, deepcopy: bool = False,
                          sort_by_name: bool = False) -> DataToExport:
        """Items of dimensionality ``dim``."""
        dim = DataDim.coerce(dim)
        return self._select(lambda item: item.dim is dim, deepcopy, sort_by_name)

    def get_data_from_dims(self, dims: list[DataDim | str], deepcopy: bool = False,
                           sort_by_name: bool = False) -> DataToExport:
        """Items of any of the ``dims``, grouped by dim in the order given."""
        items: list[DataWithAxes] = []
        for dim in dims:
            items.extend(self.get_data_from_dim(dim, deepcopy, sort_by_name).data)
        selection = self._select(lambda item: False)
        selection._data = items
        return selection

    def get_data_from_source(self, source: DataSource | str, deepcopy: bool = False,
                             sort_by_name: bool = False) -> DataToExport:
        """Items whose source is ``source``."""
        source = DataSource.coerce(source)
        return self._select(lambda item: item.source is source, deepcopy, sort_by_name)

    def get_data_from_attribute(self, attribute: str, attribute_value: Any,
                                deepcopy: bool = False, sort_by_name: bool = False
                                ) -> DataToExport:
        """Items having ``attribute`` equal to ``attribute_value``."""
        missing = object()
        return self._select(lambda item: getattr(item, attribute, missing) == attribute_value,
                            deepcopy, sort_by_name)

    def get_data_from_missing_attribute(self, attribute: str,
                                        deepcopy: bool = False) -> DataToExport:
        """Items without ``attribute``."""
        return self._select(lambda item: not hasattr(item, attribute), deepcopy)

    def get_data_from_sig_axes(self, n_axes: int, deepcopy: bool = False) -> DataToExport:
        """Items with ``n_axes`` signal dimensions."""
        return self._select(lambda item: len(item.sig_indexes) == n_axes, deepcopy)

    def get_data_from_Naxes(self, n_axes: int, deepcopy: bool = False) -> DataToExport:
        """Items with ``n_axes`` dimensions."""
        return self._select(lambda item: len(item.shape) == n_axes, deepcopy)

    def get_data_with_naxes_lower_than(self, n_axes: int = 2,
                                       deepcopy: bool = False) -> DataToExport:
        """Items with at most ``n_axes`` axes."""
        return self._select(lambda item: item.n_axes <= n_axes, deepcopy)

    def get_dim_presents(self) -> list[str]:
        """Names of the dims present, in DataDim order."""
        present = {item.dim for item in self._data}
        return [dim.name for dim in DataDim if dim in present]

    # ------------------------------------------------------------------- merge / copy
    def merge_as_dwa(self, dim: DataDim | str, name: str | None = None) -> DataWithAxes | None:
        """All items of ``dim`` merged as channels of one DWA (None if there is none).

        Channels are converted to the units of the first item.

        Raises
        ------
        DataShapeError
            If the items of ``dim`` do not all have the same shape and distribution.
        IncompatibleUnitsError
            If their units are not compatible.
        """
        items = self.get_data_from_dim(dim).data
        if not items:
            return None
        merged = items[0].deepcopy()
        for item in items[1:]:
            if item.shape != merged.shape or item.distribution is not merged.distribution:
                raise DataShapeError(
                    f"cannot merge {item.full_name!r} of shape {item.shape} "
                    f"({item.distribution.name}) with {items[0].full_name!r} of shape "
                    f"{merged.shape} ({merged.distribution.name})"
                )
            merged.append(item)
        merged.name = self._name if name is None else name
        return merged

    def deepcopy(self) -> DataToExport:
        """Independent copy (items deep-copied, same name, timestamp and extra attributes)."""
        new = DataToExport.__new__(DataToExport)
        new._name = self._name
        new._timestamp = self._timestamp
        new._data = [item.deepcopy() for item in self._data]
        new.extra_attributes = list(self.extra_attributes)
        for key in self.extra_attributes:
            setattr(new, key, getattr(self, key))
        return new

    def __deepcopy__(self, memo: dict) -> DataToExport:
        return self.deepcopy()

    def to_xarray(self, as_tree: bool = True) -> Any:
        """As an ``xarray.DataTree`` (one node per item, named by full name) or, with
        ``as_tree=False``, one ``xarray.Dataset`` (see :mod:`daqcore.data.xarray_export`).

        Raises
        ------
        OptionalDependencyError
            If xarray is not installed.
        """
        from daqcore.data.xarray_export import dte_to_xarray

        return dte_to_xarray(self, as_tree=as_tree)

    @classmethod
    def from_xarray(cls, obj: Any, name: str | None = None) -> DataToExport:
        """Rebuild a DataToExport from an ``xarray.DataTree`` written by :meth:`to_xarray`
        (or from a single Dataset); see :func:`daqcore.data.xarray_export.dte_from_xarray`."""
        from daqcore.data.xarray_export import dte_from_xarray

        return dte_from_xarray(obj, name=name)

    def average(self, other: DataToExport, weight: float) -> DataToExport:
        """Item by item running average ``(other * weight + self) / (weight + 1)`` (by position).
        """
        if not isinstance(other, DataToExport) or len(other) != len(self):
            raise DataShapeError(f"cannot average DataToExport {self._name!r} with {other!r:.60}")
        new = self.deepcopy()
        new._data = [item.average(previous, weight) for item, previous in zip(self._data, other)]
        for item, original in zip(new._data, self._data):
            item.origin = original.origin
        return new

    # ------------------------------------------------------------------- comparison / math
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataToExport):
            return NotImplemented
        if len(self) != len(other):
            return False
        if not all(a == b for a, b in zip(self._data, other.data)):
            return False
        for key in self.extra_attributes:
            if key not in other.extra_attributes or getattr(self, key) != getattr(other, key):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def _combine(self, other: Any, operation: Any, reflected: bool = False) -> DataToExport:
        if isinstance(other, DataToExport):
            if len(other) != len(self):
                raise DataLengthError(f"cannot {operation.__name__} DataToExport of lengths "
                                      f"{len(self)} and {len(other)}")
            others: list[Any] = list(other.data)
        elif isinstance(other, numbers.Number) or (hasattr(other, "units")
                                                   and hasattr(other, "magnitude")):
            others = [other] * len(self)
        else:
            return NotImplemented
        results = []
        for item, second in zip(self._data, others):
            result = operation(second, item) if reflected else operation(item, second)
            result.origin = item.origin
            results.append(result)
        new = self.deepcopy()
        new._data = results
        return new

    def __add__(self, other: Any) -> DataToExport:
        return self._combine(other, np.add)

    def __radd__(self, other: Any) -> DataToExport:
        return self._combine(other, np.add, reflected=True)

    def __sub__(self, other: Any) -> DataToExport:
        return self._combine(other, np.subtract)

    def __rsub__(self, other: Any) -> DataToExport:
        return self._combine(other, np.subtract, reflected=True)

    def __mul__(self, other: Any) -> DataToExport:
        return self._combine(other, np.multiply)

    def __rmul__(self, other: Any) -> DataToExport:
        return self._combine(other, np.multiply, reflected=True)

    def __truediv__(self, other: Any) -> DataToExport:
        return self._combine(other, np.true_divide)

    def __rtruediv__(self, other: Any) -> DataToExport:
        return self._combine(other, np.true_divide, reflected=True)


__all__ = ["DataToExport"]
