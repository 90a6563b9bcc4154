"""PyMoDAQ attribute codec: JSON-wrapped ``repr`` strings, decoded without ``eval``.

PyMoDAQ 5 stores almost every HDF5 attribute as a JSON object
``{"module": ..., "type": ..., "data": repr(value)}``. :func:`encode` writes that form (numpy
scalars are converted to plain Python values first, so readers never meet ``np.float64(..)``)
and :func:`decode` reads it back with a small literal evaluator built on :mod:`ast`: only
literals (str, bytes, numbers, tuples, lists, dicts, sets, bools, ``None``), the
``np.float64(x)``-style calls numpy 2 writes and ``datetime.datetime(...)``-style calls are
accepted. Anything else raises :class:`~daqcore.saving.errors.UnsafeAttributeError`.

A few attributes are never wrapped (``CLASS``, ``TITLE``, ``EXTDIM``, ...): see
:data:`RAW_ATTRIBUTES`.
"""

from __future__ import annotations

import ast
import datetime
import enum
import json
from typing import Any

import numpy as np

from daqcore.saving.errors import AttributeDecodeError, UnsafeAttributeError

#: Attributes stored as plain HDF5 values (not JSON-wrapped), as PyMoDAQ/PyTables do.
RAW_ATTRIBUTES = frozenset(
    {"CLASS", "TITLE", "EXTDIM", "VERSION", "PYTABLES_FORMAT_VERSION", "swmr_active",
     "FILTERS", "NROWS"}
)

#: Encoded attributes longer than this cannot be PyTables attributes (one object-header
#: message is limited to 64 KiB, PyMoDAQ#654): that backend stores them in a dataset. The
#: limit in force is the backend's ``capabilities.max_attribute_bytes`` (None for h5py).
LARGE_ATTRIBUTE_BYTES = 65_000

#: ``type`` used for the reference to a large attribute stored as a dataset.
LARGE_ATTRIBUTE_TYPE = "daqcore_large_attribute"

_NUMPY_CALLS = {
    "float64": float, "float32": float, "float16": float, "longdouble": float,
    "int8": int, "int16": int, "int32": int, "int64": int,
    "uint8": int, "uint16": int, "uint32": int, "uint64": int, "intp": int,
    "bool_": bool, "bool": bool, "str_": str, "bytes_": bytes,
    "complex128": complex, "complex64": complex,
}
_DATETIME_CALLS = {"datetime": datetime.datetime, "date": datetime.date,
                   "time": datetime.time, "timedelta": datetime.timedelta}
_MAX_SOURCE = 10_000_000


def to_builtin(value: Any) -> Any:
    """Return ``value`` with numpy scalars/arrays and enums turned into plain Python objects."""
    if isinstance(value, (str, bool, int, float, type(None))) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return to_builtin(value.tolist())
    if isinstance(value, tuple):
        return tuple(to_builtin(v) for v in value)
    if isinstance(value, list):
        return [to_builtin(v) for v in value]
    if isinstance(value, dict):
        return {to_builtin(k): to_builtin(v) for k, v in value.items()}
    return value


_LITERAL_TYPES = (str, bytes, bool, int, float, complex, type(None), tuple, list, dict, set,
                  datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


def encode(value: Any) -> str:
    """Encode ``value`` as PyMoDAQ does: a JSON object with ``module``, ``type``, ``data``.

    Values that are not plain literals (arbitrary objects) are stored as their ``str()`` so
    that every attribute daqcore writes can be read back without evaluation.
    """
    value = to_builtin(value)
    if not isinstance(value, _LITERAL_TYPES):
        value = str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        module = "datetime"
    else:
        module = type(value).__module__
    return json.dumps({"module": module, "type": type(value).__name__, "data": repr(value)})


def parse_literal(source: str) -> Any:
    """Evaluate the ``repr`` of a plain value without ``eval``.

    Raises
    ------
    UnsafeAttributeError
        if ``source`` is anything else than a literal or an allowed numpy/datetime call.
    """
    if len(source) > _MAX_SOURCE:
        raise AttributeDecodeError(f"attribute literal too long ({len(source)} characters)")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        raise AttributeDecodeError(f"attribute value {source[:80]!r} is not a literal: {exc}") \
            from None
    try:
        return _eval_node(tree.body, source)
    except RecursionError:
        raise AttributeDecodeError(f"attribute value {source[:80]!r} nests too deeply") from None


def _unsafe(source: str) -> UnsafeAttributeError:
    return UnsafeAttributeError(
        f"refusing to evaluate attribute value {source[:120]!r}: not a plain literal")


def _eval_node(node: ast.AST, source: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_eval_node(n, source) for n in node.elts)
    if isinstance(node, ast.List):
        return [_eval_node(n, source) for n in node.elts]
    if isinstance(node, ast.Set):
        return {_eval_node(n, source) for n in node.elts}
    if isinstance(node, ast.Dict):
        keys = [k for k in node.keys if k is not None]
        if len(keys) != len(node.keys):  # ``{**other}``
            raise _unsafe(source)
        return {_eval_node(k, source): _eval_node(v, source)
                for k, v in zip(keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _eval_node(node.operand, source)
        if isinstance(operand, (int, float, complex)) and not isinstance(operand, bool):
            return -operand if isinstance(node.op, ast.USub) else operand
        raise _unsafe(source)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        # complex literals such as 1+2j
        left, right = _eval_node(node.left, source), _eval_node(node.right, source)
        if isinstance(right, complex) and isinstance(left, (int, float)):
            return left + right if isinstance(node.op, ast.Add) else left - right
        raise _unsafe(source)
    if isinstance(node, ast.Name) and node.id in ("nan", "inf"):
        return float(node.id)
    if _is_utc(node):
        return datetime.UTC
    if isinstance(node, ast.Call) and node.keywords and _is_datetime_call(node):
        return _datetime_call(node, source)
    if isinstance(node, ast.Call) and not node.keywords:
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            owner, attr = func.value.id, func.attr
            args = [_eval_node(a, source) for a in node.args]
            if owner in ("np", "numpy") and attr in _NUMPY_CALLS and len(args) == 1:
                return _NUMPY_CALLS[attr](args[0])
            if owner == "datetime" and attr in _DATETIME_CALLS and \
                    all(isinstance(a, int) for a in args):
                return _DATETIME_CALLS[attr](*args)
            if owner == "datetime" and attr == "timezone" and 1 <= len(args) <= 2 and \
                    isinstance(args[0], datetime.timedelta) and \
                    all(isinstance(a, str) for a in args[1:]):
                return datetime.timezone(*args)
        elif isinstance(func, ast.Name) and func.id in ("float",) and len(node.args) == 1:
            arg = _eval_node(node.args[0], source)
            if isinstance(arg, str) and arg.strip().lower() in ("nan", "inf", "-inf"):
                return float(arg)
    raise _unsafe(source)


def _is_utc(node: ast.AST) -> bool:
    """``datetime.timezone.utc`` (in the ``repr`` of an aware datetime)."""
    return (isinstance(node, ast.Attribute) and node.attr == "utc"
            and isinstance(node.value, ast.Attribute) and node.value.attr == "timezone"
            and isinstance(node.value.value, ast.Name) and node.value.value.id == "datetime")


def _is_datetime_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "datetime" and func.attr in _DATETIME_CALLS)


_DATETIME_KEYWORDS = {"days", "seconds", "microseconds", "fold", "tzinfo"}


def _datetime_call(node: ast.Call, source: str) -> Any:
    """``datetime.timedelta(days=1, seconds=3)``, ``datetime.datetime(..., tzinfo=...)``: the
    ``repr`` of timedeltas and aware datetimes (integer arguments, a timezone, nothing else)."""
    assert isinstance(node.func, ast.Attribute)
    args = [_eval_node(a, source) for a in node.args]
    kwargs = {}
    for keyword in node.keywords:
        if keyword.arg not in _DATETIME_KEYWORDS:
            raise _unsafe(source)
        value = _eval_node(keyword.value, source)
        valid = isinstance(value, datetime.tzinfo) if keyword.arg == "tzinfo" else \
            isinstance(value, int) and not isinstance(value, bool)
        if not valid:
            raise _unsafe(source)
        kwargs[keyword.arg] = value
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        raise _unsafe(source)
    try:
        return _DATETIME_CALLS[node.func.attr](*args, **kwargs)
    except (TypeError, ValueError, OverflowError) as exc:
        raise AttributeDecodeError(f"attribute value {source[:80]!r}: {exc}") from None


def decode(raw: Any) -> Any:
    """Decode one attribute value as stored in the file.

    * bytes are decoded as UTF-8, numpy scalars become Python scalars;
    * a JSON object with ``type`` and ``data`` keys has its ``data`` parsed by
      ``parse_literal`` (``NoneType`` gives ``None``);
    * any other string is returned unchanged (PyMoDAQ's raw attributes such as ``origin``).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
    elif isinstance(raw, np.generic):
        raw = raw.item()
        if isinstance(raw, bytes):
            return decode(raw)
    elif isinstance(raw, np.ndarray):
        return raw
    if not isinstance(raw, str):
        return raw
    text = raw.lstrip()
    if not text.startswith("{"):
        return raw
    try:
        obj = json.loads(text)
    except ValueError:
        return raw
    if not isinstance(obj, dict) or "data" not in obj or "type" not in obj:
        return obj
    data = obj["data"]
    if not isinstance(data, str):
        raise AttributeDecodeError(f"attribute {raw[:120]!r}: 'data' is not a string")
    type_name = obj["type"]
    if type_name == LARGE_ATTRIBUTE_TYPE:
        return LargeAttributeRef(parse_literal(data))
    if type_name == "NoneType":
        return None
    if type_name == "str" and len(data) >= 2 and data[0] == data[-1] and data[0] in "'\"" \
            and "\\" not in data and data[0] not in data[1:-1]:
        return data[1:-1]  # fast path for the most common case
    value = parse_literal(data)
    return value


#: PyTables' own version attributes: PyMoDAQ reads them through ``json.loads``, as numbers.
VERSION_ATTRIBUTES = frozenset({"VERSION", "PYTABLES_FORMAT_VERSION"})


def decode_named(name: str, raw: Any) -> Any:
    """:func:`decode`, with PyTables' version attributes (``'1.1'``) read as numbers (1.1)
    as PyMoDAQ's loader reads them."""
    value = decode(raw)
    if name in VERSION_ATTRIBUTES and isinstance(value, str):
        try:
            number = json.loads(value)
        except ValueError:
            return value
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return number
    return value


class LargeAttributeRef(str):
    """Path of the dataset holding an attribute too large for the object header."""


def encode_large_ref(path: str) -> str:
    """Encoded attribute pointing at the dataset ``path`` that holds the real value."""
    return json.dumps({"module": "daqcore", "type": LARGE_ATTRIBUTE_TYPE, "data": repr(path)})


__all__ = ["LARGE_ATTRIBUTE_BYTES", "RAW_ATTRIBUTES", "VERSION_ATTRIBUTES", "LargeAttributeRef",
           "decode", "decode_named", "encode",
           "encode_large_ref", "parse_literal", "to_builtin"]
