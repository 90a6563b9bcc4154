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

:func:`decimate` uses numba kernels when numba is installed (a generic loop for factors below
:data:`SPECIALISE_FACTOR`, kernels compiled for the factor itself above, which LLVM
vectorises), numpy otherwise; :func:`decimate_numpy` is the plain-numpy reference the kernels
are tested against.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

DECIMATION_MODES: tuple[str, ...] = ("mean", "min_max")
SPECIALISE_FACTOR = 64
"""From this factor on, kernels compiled for the factor itself are used (see ``_specialised``)."""

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


@functools.lru_cache(maxsize=16)
def _specialised(f: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """Kernels compiled for one factor: with ``f`` a constant LLVM vectorises the group loop
    (3 GS/s and more for ``f >= 64`` against 0.5 GS/s for the generic loop)."""
    assert _numba is not None

    def min_max(x: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - jit
        g = x.shape[0] // f
        for k in range(g):
            base = k * f
            lo = x[base]
            hi = x[base]
            for i in range(1, f):
                v = x[base + i]
                lo = min(lo, v)
                hi = max(hi, v)
            out[2 * k] = lo
            out[2 * k + 1] = hi

    def mean(x: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - jit
        g = x.shape[0] // f
        inv = 1.0 / f
        for k in range(g):
            base = k * f
            acc = 0
            for i in range(f):
                acc += x[base + i]
            out[k] = acc * inv

    jit = _numba.njit(nogil=True, boundscheck=False)
    return jit(min_max), jit(mean)


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


def decimate(x: np.ndarray, factor: int, mode: str = "mean",
             use_numba: bool | None = None) -> np.ndarray:
    """Decimate the 1-D array ``x`` by ``factor`` (see the module docstring for the contract).

    ``use_numba=None`` uses the kernels when numba is installed and the factor is small.
    """
    check_mode(mode)
    factor = int(factor)
    if factor <= 1:
        return x
    numba_ok = HAVE_NUMBA if use_numba is None else (use_numba and HAVE_NUMBA)
    if not numba_ok:
        return decimate_numpy(x, factor, mode)
    x = np.ascontiguousarray(x)
    g = x.shape[0] // factor
    out = np.empty(g, dtype=np.float64) if mode == "mean" else np.empty(2 * g, dtype=x.dtype)
    if factor >= SPECIALISE_FACTOR:
        min_max, mean = _specialised(factor)
        (mean if mode == "mean" else min_max)(x, out)
    elif mode == "mean":
        _mean_kernel(x, factor, out)
    else:
        _min_max_kernel(x, factor, out)
    return out


def decimated_times(first_index: int, n_in: int, dt: float, factor: int,
                    mode: str = "mean") -> np.ndarray:
    """Times (s) of :func:`decimate`'s output for ``n_in`` samples starting at ``first_index``."""
    check_mode(mode)
    t0 = first_index * dt
    if factor <= 1:
        return linear(n_in, t0, dt)
    g = n_in // factor
    if mode == "mean":
        return linear(g, t0 + (factor - 1) / 2.0 * dt, factor * dt)
    if HAVE_NUMBA:
        out = np.empty(2 * g, dtype=np.float64)
        _pair_linear_kernel(out, float(t0), float(factor * dt))
        return out
    return np.repeat(linear(g, t0, factor * dt), 2)  # pragma: no cover - without numba


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


__all__ = ["DECIMATION_MODES", "HAVE_NUMBA", "SPECIALISE_FACTOR", "check_mode", "decimate",
           "decimate_numpy", "decimated_times", "linear", "scale_offset", "warm_up"]
