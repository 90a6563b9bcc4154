"""Exact window statistics of a recording from its stored reductions and its samples.

Shared by the JLS v1 and HDF5 readers: ``decoded(a, b)`` returns (current, voltage, bits) of
samples ``[a, b)``; ``reductions()`` the stored reductions as plain arrays (``k``, ``mean``,
``m2``, ``min``, ``max``) of ``spr`` samples each, aligned to sample 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .block_stats import block_stats_numpy
from .errors import OutputArrayError
from .kernels import NUMBA_AVAILABLE
from .stats import STATS_DTYPE, STATS_FIELD_COUNT, combine_plain, pack_records

Plain = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Decoded = Callable[[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]]
Reductions = Callable[[], dict[str, np.ndarray]]


def block_stats(ci: np.ndarray, cv: np.ndarray, bits: np.ndarray, n: int) -> Plain:
    """Statistics of consecutive blocks of ``n`` samples (numba when available)."""
    if NUMBA_AVAILABLE:
        from .block_stats import block_stats_numba

        return block_stats_numba(ci, cv, bits, n)
    return block_stats_numpy(ci, cv, bits, n)


def check_out(out: np.ndarray | None, n: int) -> np.ndarray:
    """``out`` if it can hold ``n`` records, a new array if None, else OutputArrayError."""
    if out is None:
        return np.empty((n, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
    if (not isinstance(out, np.ndarray) or out.dtype != STATS_DTYPE or out.ndim != 2
            or out.shape[1] != STATS_FIELD_COUNT or len(out) < n):
        raise OutputArrayError(
            f"out must be np.ndarray((>= {n}, {STATS_FIELD_COUNT}), STATS_DTYPE), got "
            f"{getattr(out, 'shape', None)} {getattr(out, 'dtype', type(out))}")
    return out


def window_stats(decoded: Decoded, reductions: Reductions, spr: int, a: int, b: int) -> Plain:
    """Exact statistics of ``[a, b)``: stored reductions for the aligned middle, samples for
    the edges. Returns (k, mean, m2, min, max) with shapes (), (6,)."""
    k1 = -(-a // spr) * spr
    k2 = (b // spr) * spr
    parts = []
    if k1 < k2:
        red = reductions()
        sl = slice(k1 // spr, k2 // spr)
        parts.append((red["k"][sl], red["mean"][sl], red["m2"][sl], red["min"][sl],
                      red["max"][sl]))
        edges = [(a, k1), (k2, b)]
    else:
        edges = [(a, b)]
    for x, y in edges:
        if y > x:
            ci, cv, bits = decoded(x, y)
            parts.append(block_stats(ci, cv, bits, y - x))
    k = np.concatenate([p[0] for p in parts])
    mean, m2, mn, mx = (np.concatenate([p[i] for p in parts]) for i in range(1, 5))
    return combine_plain(k, mean, m2, mn, mx, axis=0)


def window_rows(decoded: Decoded, reductions: Reductions, spr: int, s1: int, inc: int,
                rows: np.ndarray) -> None:
    """Fill ``rows`` with the statistics of consecutive windows of ``inc`` samples from
    ``s1`` (``inc`` 1: one row per sample, mean only, variance 0, min/max NaN)."""
    n = len(rows)
    b = s1 + n * inc
    if inc == 1:
        ci, cv, bits = decoded(s1, b)
        rows["length"] = 1
        rows["variance"] = 0.0
        rows["min"] = np.nan
        rows["max"] = np.nan
        cols = [ci, cv, ci * cv, bits & 0x0F, (bits >> 4) & 1, (bits >> 5) & 1]
        for f, col in enumerate(cols):
            rows["mean"][:, f] = col
    elif inc % spr == 0 and s1 % spr == 0:  # whole stored reductions
        red = reductions()
        g = inc // spr
        sl = slice(s1 // spr, s1 // spr + n * g)
        mean, m2, mn, mx = (red[name][sl].reshape(n, g, STATS_FIELD_COUNT)
                            for name in ("mean", "m2", "min", "max"))
        k, mean, m2, mn, mx = combine_plain(red["k"][sl].reshape(n, g), mean, m2, mn, mx,
                                            axis=1)
        pack_records(k, mean, m2, mn, mx, out=rows)
    elif inc < spr:  # from the samples
        ci, cv, bits = decoded(s1, b)
        k, mean, m2, mn, mx = block_stats(ci, cv, bits, inc)
        pack_records(k, mean, m2, mn, mx, out=rows)
    else:  # each window: stored reductions inside, samples at its edges
        for i in range(n):
            a = s1 + i * inc
            k, mean, m2, mn, mx = window_stats(decoded, reductions, spr, a, a + inc)
            pack_records(np.atleast_1d(k), mean[None], m2[None], mn[None], mx[None],
                         out=rows[i:i + 1])


__all__ = ["block_stats", "check_out", "window_rows", "window_stats"]
