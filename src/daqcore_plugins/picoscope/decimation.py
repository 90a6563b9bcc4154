"""Decimation of 1-D sample arrays: ``mean`` and ``min_max``, with numba kernels when installed.

Semantics (for ``n`` input samples, factor ``f``, first sample at time ``t0``, interval ``dt``):

* ``f <= 1``: no decimation, the input is returned as is (times ``t0 + k·dt``);
* ``g = n // f`` whole groups are used, the **tail** of ``n − g·f`` samples is dropped (the
  reader makes its chunks multiples of ``f``, so only the end of a file can be dropped);
* ``mean``: ``g`` values, the float64 mean of each group; the time of value ``k`` is the centre
  of its group, ``t0 + (k·f + (f − 1)/2)·dt``;
* ``min_max``: ``2g`` values ``[min_0, max_0, min_1, max_1, ...]`` (the minimum first, whatever
  the order inside the group, PicoStream's layout), in the input dtype; both values of pair
  ``k`` get the time of the group's first sample, ``t0 + k·f·dt`` (so a plot draws a vertical
  segment per group).

:func:`decimate` uses numba kernels when numba is installed (a generic loop for short inputs;
for long ones the kernels of :mod:`~daqcore_plugins.picoscope.kernels`, compiled for the factor,
on two threads), numpy otherwise; :func:`decimate_numpy` is the plain-numpy reference the
kernels are tested against. :func:`decimate_into` fuses decimation and the ADC -> mV
conversion into a caller's buffer (the reader's path).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

DECIMATION_MODES: tuple[str, ...] = ("mean", "min_max")
SPECIALISE_MIN_SAMPLES = 1 << 22
"""From this input length on, :func:`decimate` uses the kernels compiled for the factor
(:mod:`~daqcore_plugins.picoscope.kernels`): their 0.1–1 s compilation pays off."""
SPLIT_MIN_SAMPLES = 1 << 23
"""From this input length on, :func:`decimate` runs the kernel on two threads (two halves)."""

_numba: Any
try:
    import numba as _numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - depends on the environment
    _numba = None
    HAVE_NUMBA = False


def _jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    if _numba is None:  # pragma: no cover - depends on the environment
        return fn
    return _numba.njit(cache=True, nogil=True, boundscheck=False)(fn)


@_jit
def _min_max_kernel(x: np.ndarray, f: int, out: np.ndarray) -> None:  # pragma: no cover - jit
    g = x.shape[0] // f
    for k in range(g):
        base = k * f
        lo = x[base]
        hi = x[base]
        for i in range(base + 1, base + f):
            v = x[i]
            lo = min(lo, v)
            hi = max(hi, v)
        out[2 * k] = lo
        out[2 * k + 1] = hi


@_jit
def _mean_kernel(x: np.ndarray, f: int, out: np.ndarray) -> None:  # pragma: no cover - jit
    g = x.shape[0] // f
    inv = 1.0 / f
    for k in range(g):
        base = k * f
        acc = 0
        for i in range(base, base + f):
            acc += x[i]
        out[k] = acc * inv


@_jit
def _min_max_scaled_kernel(x: np.ndarray, f: int, scale: float, offset: float,
                           out: np.ndarray) -> None:  # pragma: no cover - jit
    for k in range(x.shape[0] // f):
        base = k * f
        lo = x[base]
        hi = x[base]
        for i in range(base + 1, base + f):
            v = x[i]
            lo = min(lo, v)
            hi = max(hi, v)
        out[2 * k] = lo * scale - offset
        out[2 * k + 1] = hi * scale - offset


@_jit
def _mean_scaled_kernel(x: np.ndarray, f: int, scale: float, offset: float,
                        out: np.ndarray) -> None:  # pragma: no cover - jit
    inv = 1.0 / f
    for k in range(x.shape[0] // f):
        base = k * f
        acc = 0
        for i in range(base, base + f):
            acc += x[i]
        out[k] = (acc * inv) * scale - offset


@_jit
def _linear_kernel(out: np.ndarray, t0: float, dt: float) -> None:  # pragma: no cover - jit
    for k in range(out.shape[0]):
        out[k] = t0 + k * dt


@_jit
def _pair_linear_kernel(out: np.ndarray, t0: float, dt: float) -> None:  # pragma: no cover
    for k in range(out.shape[0] // 2):
        t = t0 + k * dt
        out[2 * k] = t
        out[2 * k + 1] = t


@_jit
def _scale_kernel(x: np.ndarray, scale: float, offset: float,
                  out: np.ndarray) -> None:  # pragma: no cover - jit
    for k in range(x.shape[0]):
        out[k] = x[k] * scale - offset


def linear(n: int, t0: float, dt: float) -> np.ndarray:
    """``t0 + k·dt`` for k in 0..n-1 (float64), in one pass."""
    out = np.empty(n, dtype=np.float64)
    if HAVE_NUMBA:
        _linear_kernel(out, float(t0), float(dt))
    else:  # pragma: no cover - depends on the environment
        out[:] = np.arange(n, dtype=np.float64)
        out *= dt
        out += t0
    return out


def scale_offset(x: np.ndarray, scale: float, offset: float) -> np.ndarray:
    """``x·scale − offset`` as float64, in one pass (ADC counts -> mV)."""
    out = np.empty(x.shape, dtype=np.float64)
    if HAVE_NUMBA and x.ndim == 1:
        _scale_kernel(np.ascontiguousarray(x), float(scale), float(offset), out)
    else:
        np.multiply(x, scale, out=out)
        if offset:
            out -= offset
    return out


def check_mode(mode: str) -> str:
    if mode not in DECIMATION_MODES:
        from daqcore_plugins.picoscope.errors import StreamFileError

        raise StreamFileError(f"decimation mode {mode!r} is not one of {DECIMATION_MODES}")
    return mode


def decimate_numpy(x: np.ndarray, factor: int, mode: str = "mean") -> np.ndarray:
    """Plain-numpy reference implementation of :func:`decimate`."""
    check_mode(mode)
    if factor <= 1:
        return x
    g = x.shape[0] // factor
    groups = x[:g * factor].reshape(g, factor)
    if mode == "mean":
        return groups.mean(axis=1, dtype=np.float64)
    out = np.empty(2 * g, dtype=x.dtype)
    out[0::2] = groups.min(axis=1)
    out[1::2] = groups.max(axis=1)
    return out


_helper: ThreadPoolExecutor | None = None


def _second_thread() -> ThreadPoolExecutor:
    global _helper
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="daqcore-decimate")
    return _helper


_KERNELS: dict[tuple[int, str, bool, bool], Callable[..., None]] = {}


def _kernel(factor: int, mode: str, scaled: bool,
            specialise: bool) -> Callable[[np.ndarray, np.ndarray, float, float], None]:
    """The fastest kernel at hand, called ``kernel(x, out, scale, offset)`` (memoised: a reader
    asks for it for every piece it reads)."""
    key = (factor, mode, scaled, specialise)
    kernel = _KERNELS.get(key)
    if kernel is None:
        kernel = _KERNELS[key] = _find_kernel(factor, mode, scaled, specialise)
        if len(_KERNELS) > 256:  # many distinct factors: forget the oldest
            del _KERNELS[next(iter(_KERNELS))]
    return kernel


def _find_kernel(factor: int, mode: str, scaled: bool,
                 specialise: bool) -> Callable[[np.ndarray, np.ndarray, float, float], None]:
    if specialise:
        from daqcore_plugins.picoscope.kernels import mean_kernel, min_max_kernel

        special = (min_max_kernel if mode == "min_max" else mean_kernel)(factor, scaled)
        if special is not None:
            return special
    generic: Any = {("min_max", False): _min_max_kernel, ("min_max", True): _min_max_scaled_kernel,
                    ("mean", False): _mean_kernel, ("mean", True): _mean_scaled_kernel}[
        (mode, scaled)]
    if scaled:
        return lambda x, out, scale, offset: generic(x, factor, scale, offset, out)
    return lambda x, out, scale, offset: generic(x, factor, out)


def _specialisable(x: np.ndarray, mode: str) -> bool:
    """The compiled mean kernels sum in int32: integers of at most 16 bits only."""
    return mode == "min_max" or (x.dtype.kind in "iu" and x.dtype.itemsize <= 2)


def output_length(n: int, factor: int, mode: str) -> int:
    """Length of :func:`decimate`'s output for ``n`` input samples."""
    if factor <= 1:
        return n
    return (n // factor) * (2 if mode == "min_max" else 1)


def decimate_into(x: np.ndarray, factor: int, mode: str, out: np.ndarray,
                  scale: float | None = None, offset: float = 0.0,
                  specialise: bool = False) -> None:
    """Decimate the contiguous 1-D ``x`` into ``out`` (``output_length`` values), converted to
    ``value · scale − offset`` (computed in float64) when ``scale`` is given.

    ``factor <= 1`` converts (or copies) only. ``specialise`` uses the kernels compiled for the
    factor (:mod:`~daqcore_plugins.picoscope.kernels`; worth it for large inputs). Without numba
    the plain-numpy reference is used. Equal to ``scale_offset(decimate(x, ...))``."""
    if x.ndim != 1 or out.ndim != 1 or out.shape[0] < output_length(x.shape[0], factor, mode):
        raise ValueError(f"decimate_into needs 1-D arrays and room for "
                         f"{output_length(x.shape[0], factor, mode)} values, got {out.shape}")
    if factor <= 1:
        if scale is None:
            out[:x.shape[0]] = x
        elif HAVE_NUMBA:
            _scale_kernel(x, float(scale), float(offset), out)
        else:  # pragma: no cover - depends on the environment
            out[:x.shape[0]] = x * float(scale) - float(offset)
        return
    if not HAVE_NUMBA:  # pragma: no cover - depends on the environment
        values = decimate_numpy(x, factor, mode)
        out[:values.shape[0]] = values if scale is None else \
            values * float(scale) - float(offset)
        return
    kernel = _kernel(factor, mode, scale is not None, specialise and _specialisable(x, mode))
    kernel(x, out, 1.0 if scale is None else float(scale), float(offset))


def decimate(x: np.ndarray, factor: int, mode: str = "mean",
             use_numba: bool | None = None) -> np.ndarray:
    """Decimate the 1-D array ``x`` by ``factor`` (see the module docstring for the contract).

    ``use_numba=None`` uses the kernels when numba is installed; from
    :data:`SPECIALISE_MIN_SAMPLES` samples on they are the ones compiled for the factor, from
    :data:`SPLIT_MIN_SAMPLES` on the two halves of ``x`` are decimated on two threads.
    """
    check_mode(mode)
    factor = int(factor)
    if factor <= 1:
        return x
    numba_ok = HAVE_NUMBA if use_numba is None else (use_numba and HAVE_NUMBA)
    if not numba_ok:
        return decimate_numpy(x, factor, mode)
    x = np.ascontiguousarray(x)
    n = x.shape[0]
    g = n // factor
    out = np.empty(g, dtype=np.float64) if mode == "mean" else np.empty(2 * g, dtype=x.dtype)
    special = n >= SPECIALISE_MIN_SAMPLES and _specialisable(x, mode)
    if n < SPLIT_MIN_SAMPLES or g < 2:
        decimate_into(x, factor, mode, out, specialise=special)
        return out
    half, per = g // 2, 2 if mode == "min_max" else 1
    _kernel(factor, mode, False, special)  # compiled (or looked up) once, before the threads
    second = _second_thread().submit(decimate_into, x[half * factor:g * factor], factor, mode,
                                     out[half * per:], None, 0.0, special)
    try:
        decimate_into(x[:half * factor], factor, mode, out[:half * per], specialise=special)
    finally:
        second.result()
    return out


def decimated_times_into(out: np.ndarray, first_index: int, n_in: int, dt: float,
                         factor: int, mode: str = "mean") -> np.ndarray:
    """:func:`decimated_times` written into ``out`` (float64, at least the output length);
    returns the filled part."""
    check_mode(mode)
    t0 = first_index * dt
    n_out = output_length(n_in, factor, mode)
    if out.shape[0] < n_out:
        raise ValueError(f"out holds {out.shape[0]} times, {n_out} needed")
    times = out[:n_out]
    if factor > 1 and mode == "mean":
        t0, dt = t0 + (factor - 1) / 2.0 * dt, factor * dt
    elif factor > 1:
        if HAVE_NUMBA:
            _pair_linear_kernel(times, float(t0), float(factor * dt))
        else:  # pragma: no cover - without numba
            times[0::2] = t0 + np.arange(n_out // 2) * (factor * dt)
            times[1::2] = times[0::2]
        return times
    if HAVE_NUMBA:
        _linear_kernel(times, float(t0), float(dt))
    else:  # pragma: no cover - without numba
        times[:] = np.arange(n_out, dtype=np.float64)
        times *= dt
        times += t0
    return times


def decimated_times(first_index: int, n_in: int, dt: float, factor: int,
                    mode: str = "mean") -> np.ndarray:
    """Times (s) of :func:`decimate`'s output for ``n_in`` samples starting at ``first_index``."""
    out = np.empty(output_length(n_in, factor, check_mode(mode)), dtype=np.float64)
    return decimated_times_into(out, first_index, n_in, dt, factor, mode)


def warm_up() -> None:
    """Compile the kernels (a few seconds the first time; cached on disk afterwards)."""
    if HAVE_NUMBA:
        for dtype in (np.int16, np.float64):
            x = np.zeros(8, dtype=dtype)
            decimate(x, 2, "mean", use_numba=True)
            decimate(x, 2, "min_max", use_numba=True)
            scale_offset(x, 1.0, 0.0)
        linear(4, 0.0, 1.0)
        decimated_times(0, 8, 1.0, 2, "min_max")


__all__ = ["DECIMATION_MODES", "HAVE_NUMBA", "SPECIALISE_MIN_SAMPLES", "SPLIT_MIN_SAMPLES",
           "check_mode", "decimate", "decimate_into", "decimate_numpy", "decimated_times",
           "decimated_times_into", "linear", "output_length", "scale_offset", "warm_up"]
