"""Reduction levels: per-block statistics aligned to absolute sample ids.

Level 0 entry ``b`` summarises samples ``[b*S0, (b+1)*S0)``; level ``n`` entry summarises
``reductions[n]`` entries of level ``n-1``. Entries live in rings at ``(sample_id % length)
// step``. Storage is plain arrays (``k`` int64 and ``mean``/``m2``/``min``/``max`` float64 of
shape ``(entries, 6)``): 200 B per entry, 1 B/sample for level 0 with the default 200.
"""

from __future__ import annotations

import numpy as np

from .block_stats import NF, block_stats_into, block_stats_numba, block_stats_numpy
from .decode import decode_kernel
from .kernels import jit
from .range_stats import _acc_entries, range_stats_numba, range_stats_numpy
from .stats import combine_plain


class ReductionLevels:
    """Rings of statistics entries for each reduction level, in one flat allocation."""

    def __init__(self, length: int, reductions: list[int]) -> None:
        self.length = int(length)
        self.factors = [int(r) for r in reductions]
        steps = []
        s = 1
        for r in self.factors:
            s *= r
            steps.append(s)
        self.steps = np.asarray(steps, dtype=np.int64)
        self.n_entries = np.asarray([self.length // s for s in steps], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.n_entries)]).astype(np.int64)
        total = int(self.offsets[-1])
        self.k = np.zeros(total, dtype=np.int64)
        # mean, m2, min, max stacked in one allocation (views below) for cheap kernel calls
        self.stats = np.full((4, total, NF), np.nan)
        self.mean, self.m2, self.mn, self.mx = self.stats

    @staticmethod
    def bytes_for(length: int, reductions: list[int]) -> int:
        total = 0
        s = 1
        for r in reductions:
            s *= int(r)
            total += length // s
        return total * (8 + 4 * 8 * NF)

    def clear(self) -> None:
        self.k[:] = 0
        for a in (self.mean, self.m2, self.mn, self.mx):
            a[:] = np.nan

    @property
    def levels(self) -> int:
        return len(self.factors)

    def slots(self, level: int, first_entry: int, count: int) -> np.ndarray:
        """Flat indices of ``count`` entries of ``level`` from absolute entry ``first_entry``."""
        n = int(self.n_entries[level])
        return int(self.offsets[level]) + (first_entry + np.arange(count)) % n

    def write(self, level: int, first_entry: int, stats) -> None:
        k, mean, m2, mn, mx = stats
        idx = self.slots(level, first_entry, len(k))
        self.k[idx] = k
        self.mean[idx] = mean
        self.m2[idx] = m2
        self.mn[idx] = mn
        self.mx[idx] = mx

    def read(self, level: int, first_entry: int, count: int):
        idx = self.slots(level, first_entry, count)
        return self.k[idx], self.mean[idx], self.m2[idx], self.mn[idx], self.mx[idx]

    def cascade_numba(self, level: int, first_entry: int, count: int) -> None:
        """Like :meth:`cascade` through the numba kernel (nothing returned)."""
        cascade_kernel(self.k, self.mean, self.m2, self.mn, self.mx,
                       int(self.offsets[level - 1]), int(self.n_entries[level - 1]),
                       int(self.offsets[level]), int(self.n_entries[level]),
                       first_entry, count, self.factors[level])

    def cascade(self, level: int, first_entry: int, count: int):
        """Compute ``count`` entries of ``level`` (>= 1) from the level below; store and return."""
        f = self.factors[level]
        k, mean, m2, mn, mx = self.read(level - 1, first_entry * f, count * f)
        stats = combine_plain(k.reshape(count, f), mean.reshape(count, f, NF),
                              m2.reshape(count, f, NF), mn.reshape(count, f, NF),
                              mx.reshape(count, f, NF), axis=1)
        self.write(level, first_entry, stats)
        return stats


@jit
def level0_kernel(raw, flags, start, nblocks, block_len, oldest, seg_ids, ioff, igain, voff,
                  vgain, L_k, L_mean, L_m2, L_mn, L_mx, off0, nent0):  # pragma: no cover
    """Decode ``nblocks`` blocks from ``start`` and store their statistics in level 0."""
    n = nblocks * block_len
    si = np.empty(n, dtype=np.float32)
    sv = np.empty(n, dtype=np.float32)
    sb = np.empty(n, dtype=np.uint8)
    decode_kernel(raw, flags, start, start + n, oldest, seg_ids, ioff, igain, voff, vgain,
                  si, sv, sb)
    first = start // block_len
    for b in range(nblocks):
        row = off0 + (first + b) % nent0
        block_stats_into(si, sv, sb, b * block_len, (b + 1) * block_len, L_k, L_mean,
                             L_m2, L_mn, L_mx, row)


@jit
def cascade_kernel(L_k, L_mean, L_m2, L_mn, L_mx, off_src, nent_src, off_dst, nent_dst,
                   first_entry, count, factor):  # pragma: no cover - jit
    """Compute ``count`` entries of a level from ``factor`` entries each of the level below."""
    acc_mean = np.empty(6)
    acc_m2 = np.empty(6)
    acc_mn = np.empty(6)
    acc_mx = np.empty(6)
    work = np.empty((5, 6))
    for c in range(count):
        entry = first_entry + c
        acc_k = _acc_entries(0, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2, L_mn,
                             L_mx, off_src, nent_src, entry * factor, factor, work)
        row = off_dst + entry % nent_dst
        L_k[row] = acc_k
        for f in range(6):
            if acc_k > 0:
                L_mean[row, f] = acc_mean[f]
                L_m2[row, f] = acc_m2[f]
                L_mn[row, f] = acc_mn[f]
                L_mx[row, f] = acc_mx[f]
            else:
                L_mean[row, f] = np.nan
                L_m2[row, f] = np.nan
                L_mn[row, f] = np.nan
                L_mx[row, f] = np.nan


__all__ = [
    "NF",
    "ReductionLevels",
    "block_stats_numba",
    "block_stats_numpy",
    "cascade_kernel",
    "level0_kernel",
    "range_stats_numba",
    "range_stats_numpy",
]
