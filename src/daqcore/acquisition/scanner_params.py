"""Typed scanner parameters: checking Python values and parsing command-line text.

A :class:`ParameterSpec` declares one parameter of a registered scanner: its name, its type,
its default (``REQUIRED`` when it has none) and a help line. The types a parameter may
have are the ones TOML, the command line and Python all express:

``float``, ``int``, ``bool``, ``str``, ``list[float]``, ``list[str]``, ``Table``
(``list[list[float]]``: rows of numbers, e.g. points or ``(start, stop, step)`` ranges), and
any of them ``| None``.

:meth:`ParameterSpec.check` accepts a Python value of that type (an ``int`` is a fine
``float``; a ``float`` is never an ``int``, a ``bool`` never a number) and returns it
normalised; a ``str`` given for a non-string parameter is parsed as command-line text
(:meth:`ParameterSpec.parse`: ``"0.5"``, ``"true"``, ``"1,2,3"``, ``"0,1,0.1;0,2,0.5"`` or
JSON such as ``"[[0, 1, 0.1]]"``). Errors are
:class:`~daqcore.acquisition.errors.ScanConfigurationError` naming the parameter, the
expected type and the value.
"""

from __future__ import annotations

import json
import math
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from daqcore.acquisition.errors import ScanConfigurationError

if TYPE_CHECKING:
    import numpy as np

Table = list[list[float]]
"""Rows of numbers (a 2-D table): scan points, ``(start, stop, step)`` ranges, bounds."""


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""Default of a parameter that must be given."""


def type_name(tp: Any) -> str:
    """Readable name of a parameter type (``'float'``, ``'list[float]'``, ``'int | None'``)."""
    if tp is Table:
        return "table (rows of numbers)"
    if isinstance(tp, type) and get_origin(tp) is None:
        return tp.__name__
    return str(tp).replace("typing.", "")


def _optional_inner(tp: Any) -> tuple[bool, Any]:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return True, args[0]
    return False, tp


class _Mismatch(Exception):
    pass


def _number(value: Any, tp: type) -> Any:
    import numpy as np  # imported when a scanner is created, not when plugins are listed

    if isinstance(value, (bool, np.bool_)):
        raise _Mismatch
    if tp is int:
        if isinstance(value, (int, np.integer)):
            return int(value)
        raise _Mismatch
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    raise _Mismatch


def _table(value: Any) -> np.ndarray:
    import numpy as np

    if isinstance(value, (str, bytes)):
        raise _Mismatch
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise _Mismatch from None
    if arr.dtype == object or arr.ndim not in (1, 2):
        raise _Mismatch
    if isinstance(value, (list, tuple)) and any(isinstance(v, bool) for v in np.ravel(
            np.array(value, dtype=object))):
        raise _Mismatch
    return arr if arr.ndim == 2 else arr[:, None]


def _coerce(value: Any, tp: Any) -> Any:
    import numpy as np

    optional, inner = _optional_inner(tp)
    if value is None:
        if optional or tp is Any:
            return None
        raise _Mismatch
    tp = inner
    if tp is Any:
        return value
    if tp is Table:
        return _table(value)
    if tp in (int, float):
        return _number(value, tp)
    if tp is bool:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise _Mismatch
    if tp is str:
        if isinstance(value, str):
            return value
        raise _Mismatch
    origin = get_origin(tp)
    if origin in (list, tuple):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise _Mismatch
        (item,) = get_args(tp)[:1] or (Any,)
        return [_coerce(v, item) for v in value]
    if isinstance(tp, type) and isinstance(value, tp):
        return value
    raise _Mismatch


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _parse(text: str, tp: Any) -> Any:
    optional, inner = _optional_inner(tp)
    stripped = text.strip()
    if optional and stripped.lower() in ("", "none", "null"):
        return None
    tp = inner
    if tp is str or tp is Any:
        return text
    if tp is bool:
        low = stripped.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _Mismatch
    if tp is int:
        try:
            return int(stripped)
        except ValueError:
            raise _Mismatch from None
    if tp is float:
        try:
            value = float(stripped)
        except ValueError:
            raise _Mismatch from None
        return value
    if stripped.startswith("["):
        try:
            return _coerce(json.loads(stripped), tp)
        except json.JSONDecodeError:
            raise _Mismatch from None
    if tp is Table:
        rows = [r for r in stripped.split(";") if r.strip()]
        if not _all_numbers(rows):
            raise _Mismatch
        return _table([[float(v) for v in r.replace(":", ",").split(",")] for r in rows])
    origin = get_origin(tp)
    if origin in (list, tuple):
        (item,) = get_args(tp)[:1] or (str,)
        return [_parse(v, item) for v in stripped.split(",") if v.strip()]
    raise _Mismatch


def _all_numbers(rows: list[str]) -> bool:
    try:
        for row in rows:
            for v in row.replace(":", ",").split(","):
                float(v)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a registered scanner.

    Parameters
    ----------
    name : str
        Keyword argument of the scanner's factory.
    type : type
        See the module docstring (``float``, ``int``, ``list[float]``, ``Table``, ...).
    default : object
        Value when not given; ``REQUIRED`` makes the parameter mandatory.
    help : str
        One line for ``daqcore scan --help`` style listings.
    choices : tuple
        Allowed values, if the parameter is one of a few (checked after the type).
    """

    name: str
    type: Any
    default: Any = REQUIRED
    help: str = ""
    choices: tuple[Any, ...] = ()

    @property
    def required(self) -> bool:
        """True when the parameter has no default."""
        return self.default is REQUIRED

    def _error(self, value: Any, scanner: str) -> ScanConfigurationError:
        where = f"scanner {scanner!r} " if scanner else ""
        return ScanConfigurationError(
            f"{where}parameter {self.name!r} must be {type_name(self.type)}, got {value!r}")

    def check(self, value: Any, scanner: str = "") -> Any:
        """``value`` checked against :attr:`type` (strings are parsed, see :meth:`parse`).

        Raises
        ------
        ScanConfigurationError
            Naming the parameter, the expected type and the value.
        """
        if isinstance(value, str) and _optional_inner(self.type)[1] is not str:
            return self.parse(value, scanner)
        try:
            out = _coerce(value, self.type)
        except _Mismatch:
            raise self._error(value, scanner) from None
        return self._check_choice(out, scanner)

    def parse(self, text: str, scanner: str = "") -> Any:
        """The value written as command-line / TOML text ``text`` (see module docstring)."""
        try:
            out = _parse(str(text), self.type)
        except (_Mismatch, ValueError):
            raise self._error(text, scanner) from None
        if isinstance(out, float) and not math.isfinite(out):
            raise self._error(text, scanner)
        return self._check_choice(out, scanner)

    def _check_choice(self, value: Any, scanner: str) -> Any:
        if self.choices and value not in self.choices:
            where = f"scanner {scanner!r} " if scanner else ""
            raise ScanConfigurationError(
                f"{where}parameter {self.name!r} must be one of "
                f"{', '.join(map(repr, self.choices))}, got {value!r}")
        return value


__all__ = ["REQUIRED", "ParameterSpec", "Table", "type_name"]
