""""Saving dynamic": the dtype data arrays are stored with, applied for real and checked.

PyMoDAQ offers ``as_is, float64, uint8, int8, uint16, int16, uint32, int32, uint64, int64``
but 5.3 ignores it as soon as data are given. daqcore stores data with the chosen dtype and
refuses values that would not survive the conversion (out of range, NaN/inf or fractional
values into an integer type) instead of silently wrapping them.
"""

from __future__ import annotations

import warnings

import numpy as np

from daqcore.saving.errors import DtypeOverflowError

DYNAMICS = ("as_is", "float64", "float32", "uint8", "int8", "uint16", "int16", "uint32",
            "int32", "uint64", "int64")


def check_dynamic(dynamic: str | np.dtype | type | None) -> np.dtype | None:
    """Validate a saving dynamic; return its dtype (``None`` for ``'as_is'``)."""
    if dynamic is None or (isinstance(dynamic, str) and dynamic == "as_is"):
        return None
    try:
        dtype = np.dtype(dynamic)
    except TypeError:
        dtype = None
    if dtype is None or dtype.name not in DYNAMICS:
        raise DtypeOverflowError(f"unknown saving dynamic {dynamic!r}; choose one of {DYNAMICS}")
    return dtype


def target_dtype(dynamic: np.dtype | None, data_dtype: np.dtype) -> np.dtype:
    """dtype an array of ``data_dtype`` is stored with under ``dynamic``."""
    return data_dtype if dynamic is None else dynamic


def cast(array: np.ndarray, dtype: np.dtype | None, what: str = "data") -> np.ndarray:
    """Return ``array`` converted to ``dtype``, raising if any value does not fit.

    The input is never modified; a conversion returns a new array.
    """
    array = np.asarray(array)
    if dtype is None or array.dtype == dtype:
        return array
    if dtype.kind in "iu":
        if array.size:
            if array.dtype.kind == "f" or array.dtype.kind == "c":
                if array.dtype.kind == "c":
                    if np.any(array.imag != 0):
                        raise DtypeOverflowError(f"{what}: complex values cannot be saved as "
                                                 f"{dtype.name}")
                    array = array.real
                if not np.all(np.isfinite(array)):
                    raise DtypeOverflowError(
                        f"{what}: NaN or infinite values cannot be saved as {dtype.name}")
                if np.any(array != np.trunc(array)):
                    raise DtypeOverflowError(
                        f"{what}: fractional values cannot be saved as {dtype.name}")
            elif array.dtype.kind not in "iub":
                raise DtypeOverflowError(f"{what}: {array.dtype} cannot be saved as {dtype.name}")
            info = np.iinfo(dtype)
            lo, hi = array.min(), array.max()
            if lo < info.min or hi > info.max:
                raise DtypeOverflowError(
                    f"{what}: values in [{lo}, {hi}] do not fit in {dtype.name} "
                    f"[{info.min}, {info.max}]")
        return array.astype(dtype)
    if dtype.kind == "f":
        if array.dtype.kind == "c":
            raise DtypeOverflowError(f"{what}: complex values cannot be saved as {dtype.name}")
        if array.dtype.kind == "f" and array.size and dtype.itemsize < array.dtype.itemsize:
            finite = array[np.isfinite(array)]
            if finite.size and np.max(np.abs(finite)) > np.finfo(dtype).max:
                raise DtypeOverflowError(
                    f"{what}: values up to {np.max(np.abs(finite))} overflow {dtype.name}")
        return array.astype(dtype)
    raise DtypeOverflowError(f"{what}: cannot save as {dtype}")  # pragma: no cover


def fill_value_for(dtype: np.dtype, fill_value: float | None = None) -> np.generic:
    """Fill value of an extended (scan) array of ``dtype``: what its unwritten points read.

    PyMoDAQ pre-fills these arrays with ``np.full(shape, fill_value, dtype)``, numpy's unsafe
    cast of the fill value (NaN by default) to the array dtype; the same cast is used here so
    that unvisited points read the same with both libraries: NaN for floats, ``nan+0j`` for
    complex numbers, True for bools, and for integers what numpy's cast of NaN gives on this
    platform (0 for 8/16-bit types and ``uint32``, the type's minimum for ``int32``/``int64``
    on x86-64).
    """
    dtype = np.dtype(dtype)
    value = np.empty((), dtype=dtype)
    with np.errstate(invalid="ignore", over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        np.copyto(value, np.nan if fill_value is None else fill_value, casting="unsafe")
    return value[()]  # type: ignore[return-value]  # a 0-d index gives a numpy scalar


__all__ = ["DYNAMICS", "cast", "check_dynamic", "fill_value_for", "target_dtype"]
