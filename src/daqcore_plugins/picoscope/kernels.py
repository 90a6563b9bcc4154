"""Numba kernels for decimation, compiled for one factor, optionally fused with the ADC -> mV
conversion (``v · scale − offset``) so a reader writes its float output in the same pass.

Why kernels compiled for the factor: with ``f`` a compile-time constant LLVM vectorises the group
loop, but only in two shapes. For ``f <= 8`` it loads ``f`` interleaved lanes (LLVM's interleaved
access groups stop at 8 by default: for ``9 <= f <= 16`` the limit is raised to 16 while the
kernel compiles, see ``_Wide``); for ``f >= 64`` it vectorises the loop inside the group. In
between the plain loop runs at ~1 GS/s, so :func:`min_max_kernel` splits ``f = d · h``
(``d, h <= 8``) into two vectorised passes over cache-sized tiles: min/max of groups of ``d``,
then min of the ``h`` minima and max of the ``h`` maxima (5–10 GS/s instead of 1 on this
machine). Factors above 16 without such a split (17, 19, 23, ...) use the generic loop.

Each kernel is called ``kernel(x, out, scale, offset)``; unscaled kernels ignore ``scale`` and
``offset`` and write in ``out``'s dtype (the input dtype for min/max, float64 for the mean).
Scaled kernels compute ``value · scale − offset`` in float64, the same operations as
:func:`~daqcore_plugins.picoscope.decimation.scale_offset` after an unfused decimation, so the
results are identical. Compiling one kernel takes 0.1–1 s (once per process and factor), which
is why :mod:`~daqcore_plugins.picoscope.decimation` and the reader only use them on large inputs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

_numba: Any
try:
    import numba as _numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - depends on the environment
    _numba = None
    HAVE_NUMBA = False

Kernel = Callable[[np.ndarray, np.ndarray, float, float], None]
TILE_GROUPS = 8192
"""Groups per tile in the two-pass kernels (the intermediate stays in the L1/L2 cache)."""


def _njit(fn: Callable[..., Any]) -> Any:
    assert _numba is not None
    return _numba.njit(nogil=True, boundscheck=False)(fn)


WIDE_FACTORS = range(9, 17)
"""Factors compiled with LLVM's interleaved-access limit raised from 8 to 16 (``_Wide``): one
vectorised pass (8–9 GS/s at f = 10, 11, 16) instead of the generic loop."""
_WIDE_LOCK = threading.Lock()


class _Wide:
    """A single-pass kernel whose first compilation for each dtype pair runs with LLVM's
    ``-max-interleave-group-factor`` at 16 (reset to LLVM's default, 8, right after, so no other
    numba code in the process is affected)."""

    def __init__(self, dispatcher: Any) -> None:
        self.dispatcher = dispatcher
        self._compiled: set[tuple[Any, ...]] = set()

    def __call__(self, x: np.ndarray, out: np.ndarray, scale: float, offset: float) -> None:
        key = (x.dtype, out.dtype, x.flags.c_contiguous, out.flags.c_contiguous)
        if key not in self._compiled:
            from llvmlite import binding

            with _WIDE_LOCK:
                binding.set_option("", "-max-interleave-group-factor=16")
                try:
                    self.dispatcher(x[:0], out[:0], scale, offset)  # compiles for these types
                finally:
                    binding.set_option("", "-max-interleave-group-factor=8")
            self._compiled.add(key)
        self.dispatcher(x, out, scale, offset)


def split_factor(f: int) -> tuple[int, int] | None:
    """``(d, h)`` with ``d · h == f``, ``2 <= d, h <= 8``, for ``8 < f < 64`` (largest ``d``
    first: the first pass then shrinks the data most); ``None`` when ``f`` has no such split."""
    if not 8 < f < 64:
        return None
    for d in range(8, 1, -1):
        if f % d == 0 and 2 <= f // d <= 8:
            return d, f // d
    return None


def _min_max_single(f: int, scaled: bool) -> Kernel:
    if scaled:
        def kernel(x: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            for k in range(x.shape[0] // f):
                base = k * f
                lo = x[base]
                hi = x[base]
                for i in range(1, f):
                    v = x[base + i]
                    lo = min(lo, v)
                    hi = max(hi, v)
                out[2 * k] = lo * scale - offset
                out[2 * k + 1] = hi * scale - offset
    else:
        def kernel(x: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            for k in range(x.shape[0] // f):
                base = k * f
                lo = x[base]
                hi = x[base]
                for i in range(1, f):
                    v = x[base + i]
                    lo = min(lo, v)
                    hi = max(hi, v)
                out[2 * k] = lo
                out[2 * k + 1] = hi
    return _njit(kernel)


def _min_max_of_pairs(h: int, scaled: bool) -> Kernel:
    """``[min, max]`` pairs in, min of ``h`` minima and max of ``h`` maxima out."""
    if scaled:
        def kernel(p: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            for k in range(p.shape[0] // (2 * h)):
                base = 2 * h * k
                lo = p[base]
                hi = p[base + 1]
                for i in range(1, h):
                    lo = min(lo, p[base + 2 * i])
                    hi = max(hi, p[base + 2 * i + 1])
                out[2 * k] = lo * scale - offset
                out[2 * k + 1] = hi * scale - offset
    else:
        def kernel(p: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            for k in range(p.shape[0] // (2 * h)):
                base = 2 * h * k
                lo = p[base]
                hi = p[base + 1]
                for i in range(1, h):
                    lo = min(lo, p[base + 2 * i])
                    hi = max(hi, p[base + 2 * i + 1])
                out[2 * k] = lo
                out[2 * k + 1] = hi
    return _njit(kernel)


def _min_max_two_pass(d: int, h: int, scaled: bool) -> Kernel:
    first, second = _min_max_single(d, False), _min_max_of_pairs(h, scaled)
    f, tile = d * h, TILE_GROUPS

    def kernel(x: np.ndarray, out: np.ndarray, scale: float,
               offset: float) -> None:  # pragma: no cover - jit
        g = x.shape[0] // f
        pairs = np.empty(2 * tile * h, dtype=x.dtype)
        for k0 in range(0, g, tile):
            m = min(tile, g - k0)
            first(x[k0 * f:(k0 + m) * f], pairs, 1.0, 0.0)
            second(pairs[:2 * m * h], out[2 * k0:2 * (k0 + m)], scale, offset)

    return _njit(kernel)


def _mean_single(f: int, scaled: bool) -> Kernel:
    if scaled:
        def kernel(x: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            inv = 1.0 / f
            for k in range(x.shape[0] // f):
                base = k * f
                acc = 0
                for i in range(f):
                    acc += x[base + i]
                out[k] = (acc * inv) * scale - offset
    else:
        def kernel(x: np.ndarray, out: np.ndarray, scale: float,
                   offset: float) -> None:  # pragma: no cover - jit
            inv = 1.0 / f
            for k in range(x.shape[0] // f):
                base = k * f
                acc = 0
                for i in range(f):
                    acc += x[base + i]
                out[k] = acc * inv
    return _njit(kernel)


def _sums(d: int) -> Kernel:
    def kernel(x: np.ndarray, out: np.ndarray, scale: float,
               offset: float) -> None:  # pragma: no cover - jit
        for k in range(x.shape[0] // d):
            base = k * d
            acc = np.int32(x[base])
            for i in range(1, d):
                acc += np.int32(x[base + i])
            out[k] = acc
    return _njit(kernel)


def _mean_two_pass(d: int, h: int, scaled: bool) -> Kernel:
    """Sums of ``d`` (int32, exact for ``d · h < 64`` int16 values), then of ``h`` sums: the
    same integer sum as the one-pass loop, so the same float result."""
    first, f, tile = _sums(d), d * h, TILE_GROUPS

    def kernel(x: np.ndarray, out: np.ndarray, scale: float,
               offset: float) -> None:  # pragma: no cover - jit
        g = x.shape[0] // f
        inv = 1.0 / f
        sums = np.empty(tile * h, dtype=np.int32)
        for k0 in range(0, g, tile):
            m = min(tile, g - k0)
            first(x[k0 * f:(k0 + m) * f], sums, 1.0, 0.0)
            for k in range(m):
                acc = 0
                for i in range(h):
                    acc += sums[k * h + i]
                if scaled:
                    out[k0 + k] = (acc * inv) * scale - offset
                else:
                    out[k0 + k] = acc * inv

    return _njit(kernel)


@functools.lru_cache(maxsize=64)
def min_max_kernel(f: int, scaled: bool = False) -> Kernel | None:
    """A min/max kernel compiled for factor ``f`` (``None``: no fast shape, use the generic
    loop; also ``None`` without numba)."""
    if not HAVE_NUMBA or f < 2:
        return None
    if f <= 8 or f >= 64:
        return _min_max_single(f, scaled)
    if f in WIDE_FACTORS:
        return _Wide(_min_max_single(f, scaled))
    split = split_factor(f)
    return None if split is None else _min_max_two_pass(*split, scaled)


@functools.lru_cache(maxsize=64)
def mean_kernel(f: int, scaled: bool = False) -> Kernel | None:
    """A mean kernel compiled for factor ``f`` (``None``: the generic loop; integer input only,
    the two-pass form sums in int32)."""
    if not HAVE_NUMBA or f < 2:
        return None
    if f <= 8 or f >= 64:
        return _mean_single(f, scaled)
    if f in WIDE_FACTORS:
        return _Wide(_mean_single(f, scaled))
    split = split_factor(f)
    return None if split is None else _mean_two_pass(*split, scaled)


__all__ = ["TILE_GROUPS", "WIDE_FACTORS", "Kernel", "mean_kernel", "min_max_kernel", "split_factor"]
