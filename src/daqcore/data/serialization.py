"""Binary serialization of data objects, byte-compatible with PyMoDAQ's ``serializall``.

PyMoDAQ sends DataToExport/DataWithAxes/Axis over TCP/IP and LECO in this format, so a daqcore
process can exchange data with PyMoDAQ ones. Every value is written as

    [4-byte big-endian length][type name, UTF-8]  followed by its payload

with these payloads (all integers 4-byte big-endian, unsigned):

* ``str``: length + UTF-8 bytes; ``bytes``: length + bytes; ``NoneType``: nothing
* ``int``/``float``/``complex``/``bool``: numpy dtype string (``'<f8'``) + byte length + bytes
* ``ndarray``: dtype string + byte length + ndim + each dimension + raw C-order bytes
* ``list``/``tuple``: count + each item; ``dict``: the list of keys + each value
* ``Axis``: label, units, values (ndarray), index, spread_order
* DataWithAxes (type name = the kind, e.g. ``DataRaw``): timestamp, name, source name, dim name,
  distribution name, list of channels, units, labels, origin, nav_indexes (list), list of
  axes, errors (empty list if none), list of extra attribute names, then each extra value
* ``DataToExport``: timestamp, name, list of DataWithAxes, extra attribute names, values

Decoding is a plain reader of these tokens: nothing is ``eval``-ed or unpickled.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from daqcore.data.axis import Axis
from daqcore.data.data import DataWithAxes
from daqcore.data.errors import DataError
from daqcore.data.export import DataToExport
from daqcore.data.kinds import DataActuator, DataCalculated, DataFromPlugins, DataRaw


class SerializationError(DataError):
    """Bytes that are not a valid serialized object, or an object that cannot be serialized."""


_DWA_KINDS: dict[str, type[DataWithAxes]] = {
    "DataWithAxes": DataWithAxes,
    "DataRaw": DataRaw,
    "DataCalculated": DataCalculated,
    "DataFromRoi": DataCalculated,
    "DataFromPlugins": DataFromPlugins,
    "DataActuator": DataActuator,
}


def _int(value: int) -> bytes:
    if value < 0 or value >= 2**32:
        raise SerializationError(f"cannot encode {value} as a 4-byte unsigned integer")
    return struct.pack(">I", value)


def _text(value: str) -> bytes:
    encoded = value.encode()
    return _int(len(encoded)) + encoded


def _array_payload(array: np.ndarray) -> bytes:
    if array.dtype.hasobject or array.dtype.names is not None:
        raise SerializationError(f"cannot serialize an array of dtype {array.dtype}")
    contiguous = np.ascontiguousarray(array)
    raw = contiguous.tobytes()
    header = _text(contiguous.dtype.descr[0][1]) + _int(len(raw)) + _int(contiguous.ndim)
    return header + b"".join(_int(n) for n in contiguous.shape) + raw


def serialize(obj: Any) -> bytes:
    """Encode ``obj`` (DataToExport, DataWithAxes, Axis, ndarray, str, number, list...).

    Raises
    ------
    SerializationError
        For an object of a type the format cannot hold; the message names it.
    """
    if obj is None:
        return _text("NoneType")
    if isinstance(obj, DataToExport):
        return _text("DataToExport") + _dte_payload(obj)
    if isinstance(obj, DataWithAxes):
        return _text(type(obj).__name__ if type(obj).__name__ in _DWA_KINDS
                     else "DataWithAxes") + _dwa_payload(obj)
    if isinstance(obj, Axis):
        return _text("Axis") + b"".join(serialize(v) for v in (
            obj.label, obj.units, np.asarray(obj.get_data()), obj.index, obj.spread_order))
    if isinstance(obj, np.ndarray):
        return _text("ndarray") + _array_payload(obj)
    if isinstance(obj, bool | np.bool_):
        return _text("bool") + _scalar_payload(np.array([bool(obj)]))
    if isinstance(obj, int | np.integer):
        return _text("int") + _scalar_payload(np.array([int(obj)], dtype=np.int64))
    if isinstance(obj, float | np.floating):
        return _text("float") + _scalar_payload(np.array([float(obj)]))
    if isinstance(obj, complex | np.complexfloating):
        return _text("complex") + _scalar_payload(np.array([complex(obj)]))
    if isinstance(obj, str):
        return _text("str") + _text(obj)
    if isinstance(obj, bytes):
        return _text("bytes") + _int(len(obj)) + obj
    if isinstance(obj, list | tuple):
        return _text(type(obj).__name__ if type(obj) in (list, tuple) else "list") + \
            _int(len(obj)) + b"".join(serialize(item) for item in obj)
    if isinstance(obj, dict):
        return _text("dict") + serialize(list(obj)) + b"".join(serialize(v) for v in obj.values())
    raise SerializationError(f"cannot serialize {obj!r:.60} of type {type(obj).__name__}")


def _scalar_payload(array: np.ndarray) -> bytes:
    raw = array.tobytes()
    return _text(array.dtype.descr[0][1]) + _int(len(raw)) + raw


def _dwa_payload(dwa: DataWithAxes) -> bytes:
    parts = [dwa.timestamp, dwa.name, dwa.source.name, dwa.dim.name, dwa.distribution.name,
             list(dwa.data), dwa.units, list(dwa.labels), dwa.origin, list(dwa.nav_indexes),
             list(dwa.axes), [] if dwa.errors is None else [np.asarray(e) for e in dwa.errors],
             list(dwa.extra_attributes)]
    parts += [getattr(dwa, name) for name in dwa.extra_attributes]
    return b"".join(serialize(part) for part in parts)


def _dte_payload(dte: DataToExport) -> bytes:
    parts = [dte.timestamp, dte.name, list(dte.data), list(dte.extra_attributes)]
    parts += [getattr(dte, name) for name in dte.extra_attributes]
    return b"".join(serialize(part) for part in parts)


class _Reader:
    """Cursor over a bytes buffer."""

    def __init__(self, buffer: bytes) -> None:
        self.buffer = memoryview(buffer)
        self.position = 0

    def take(self, count: int) -> memoryview:
        end = self.position + count
        if end > len(self.buffer):
            raise SerializationError(
                f"truncated data: need {count} bytes at offset {self.position}, "
                f"{len(self.buffer) - self.position} left")
        chunk = self.buffer[self.position:end]
        self.position = end
        return chunk

    def uint(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def text(self) -> str:
        try:
            return bytes(self.take(self.uint())).decode()
        except UnicodeDecodeError as error:
            raise SerializationError(f"invalid UTF-8 string at offset {self.position}: "
                                     f"{error}") from None

    def array(self) -> np.ndarray:
        dtype = self._dtype(self.text())
        length, ndim = self.uint(), self.uint()
        shape = tuple(self.uint() for _ in range(ndim))
        raw = bytes(self.take(length))
        try:
            return np.atleast_1d(np.frombuffer(raw, dtype=dtype).reshape(shape).copy())
        except ValueError as error:
            raise SerializationError(f"array of {length} bytes does not fit shape {shape} "
                                     f"and dtype {dtype}: {error}") from None

    def scalar(self) -> Any:
        dtype = self._dtype(self.text())
        raw = bytes(self.take(self.uint()))
        if len(raw) != dtype.itemsize:
            raise SerializationError(f"scalar of dtype {dtype} with {len(raw)} bytes")
        return np.frombuffer(raw, dtype=dtype)[0]

    @staticmethod
    def _dtype(text: str) -> np.dtype:
        try:
            dtype = np.dtype(text)
        except TypeError:
            raise SerializationError(f"unknown array dtype {text!r}") from None
        if dtype.hasobject:
            raise SerializationError(f"refusing object dtype {text!r}")
        return dtype

    def value(self) -> Any:
        kind = self.text()
        if kind == "NoneType":
            return None
        if kind == "str":
            return self.text()
        if kind == "bytes":
            return bytes(self.take(self.uint()))
        if kind in ("int", "float", "complex", "bool"):
            return {"int": int, "float": float, "complex": complex, "bool": bool}[kind](
                self.scalar())
        if kind == "ndarray":
            return self.array()
        if kind in ("list", "tuple"):
            items = [self.value() for _ in range(self.uint())]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            keys = self.value()
            return {key: self.value() for key in keys}
        if kind == "Axis":
            label, units, values, index, spread_order = (self.value() for _ in range(5))
            return Axis(label, units, values, index=index, spread_order=spread_order)
        if kind in _DWA_KINDS:
            return self._dwa(_DWA_KINDS[kind])
        if kind == "DataToExport":
            timestamp, name, data, extra_names = (self.value() for _ in range(4))
            extras = {key: self.value() for key in extra_names}
            dte = DataToExport(name, data=data, **extras)
            dte.timestamp = timestamp
            return dte
        raise SerializationError(f"unknown serialized type {kind!r} at offset {self.position}")

    def _dwa(self, cls: type[DataWithAxes]) -> DataWithAxes:
        (timestamp, name, source, dim, distribution, data, units, labels, origin, nav_indexes,
         axes, errors, extra_names) = (self.value() for _ in range(13))
        extras = {key: self.value() for key in extra_names}
        kwargs: dict[str, Any] = {
            "data": data, "units": units, "labels": labels, "origin": origin,
            "nav_indexes": tuple(nav_indexes), "axes": axes, "errors": errors or None,
            "distribution": distribution, "dim": dim,
        }
        if cls is DataFromPlugins:
            kwargs["do_plot"] = extras.pop("do_plot", True)
            kwargs["do_save"] = extras.pop("do_save", True)
        if cls in (DataWithAxes,):
            kwargs["source"] = source
        dwa = cls(name, **kwargs, **extras)
        dwa.timestamp = timestamp
        return dwa


def deserialize(buffer: bytes) -> Any:
    """Decode one object written by :func:`serialize` (or by PyMoDAQ's serializall).

    Raises
    ------
    SerializationError
        Truncated or malformed bytes, unknown type names, trailing bytes.
    """
    reader = _Reader(buffer)
    obj = reader.value()
    if reader.position != len(reader.buffer):
        raise SerializationError(f"{len(reader.buffer) - reader.position} trailing bytes after "
                                 f"the serialized object")
    return obj


__all__ = ["SerializationError", "deserialize", "serialize"]
