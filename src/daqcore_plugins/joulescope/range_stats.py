"""Exact statistics of any sample range, walking the reduction levels like joulescope.

The aligned middle of ``[a, b)`` comes from the coarsest level that fits, the remainders from
finer levels, the last partial blocks from decoded samples. Cost is O(levels x entries per
level), independent of the span.
"""

from __future__ import annotations

import numpy as np

from .block_stats import NF, _block_stats_into, block_stats_numpy
from .decode import decode_kernel, decode_numpy
from .kernels import jit
from .stats import combine_plain

# ``levels`` arguments are :class:`~daqcore_plugins.joulescope.reductions.ReductionLevels`.


def _accumulate(acc, part):
    """Combine two plain statistics tuples of one row each (k scalar, arrays (6,))."""
    if part[0] <= 0:
        return acc
    if acc[0] <= 0:
        return part
    k, mean, m2, mn, mx = combine_plain(
        np.array([[acc[0], part[0]]]), np.stack([acc[1], part[1]])[None],
        np.stack([acc[2], part[2]])[None], np.stack([acc[3], part[3]])[None],
        np.stack([acc[4], part[4]])[None], axis=1)
    return int(k[0]), mean[0], m2[0], mn[0], mx[0]


def _empty_acc():
    nan = np.full(NF, np.nan)
    return 0, nan, nan.copy(), nan.copy(), nan.copy()


def range_stats_numpy(levels, view, a: int, b: int, oldest: int):
    """Exact statistics of samples ``[a, b)`` (plain tuple for one row)."""
    acc = _empty_acc()
    if b <= a:
        return acc
    steps = levels.steps
    top = -1
    k1 = k2 = 0
    for lv in range(levels.levels - 1, -1, -1):
        s = int(steps[lv])
        k1 = -(-a // s) * s
        k2 = (b // s) * s
        if k1 < k2:
            top = lv
            break
    pieces_raw = []
    if top < 0:
        pieces_raw.append((a, b))
    else:
        ent = levels.read(top, k1 // int(steps[top]), (k2 - k1) // int(steps[top]))
        acc = _accumulate(acc, _combine_rows(ent))
        left_end, right_start = k1, k2
        for lv in range(top - 1, -1, -1):
            s = int(steps[lv])
            k = -(-a // s) * s
            if k < left_end:
                acc = _accumulate(acc, _combine_rows(levels.read(lv, k // s, (left_end - k) // s)))
                left_end = k
            k = (b // s) * s
            if k > right_start:
                acc = _accumulate(acc, _combine_rows(
                    levels.read(lv, right_start // s, (k - right_start) // s)))
                right_start = k
        pieces_raw.append((a, left_end))
        pieces_raw.append((right_start, b))
    for x, y in pieces_raw:
        if y > x:
            ci, cv, bits = decode_numpy(view, x, y, oldest)
            st = block_stats_numpy(ci, cv, bits, y - x)
            acc = _accumulate(acc, (int(st[0][0]), st[1][0], st[2][0], st[3][0], st[4][0]))
    return acc


def _combine_rows(ent):
    k, mean, m2, mn, mx = combine_plain(ent[0][None], ent[1][None], ent[2][None],
                                        ent[3][None], ent[4][None], axis=1)
    return int(k[0]), mean[0], m2[0], mn[0], mx[0]


@jit
def _acc_combine(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, k, mean, m2, mn, mx):
    # pragma: no cover - jit; returns the new count
    if k <= 0:
        return acc_k
    if acc_k <= 0:
        for f in range(6):
            acc_mean[f] = mean[f]
            acc_m2[f] = m2[f]
            acc_mn[f] = mn[f]
            acc_mx[f] = mx[f]
        return k
    kt = acc_k + k
    f1 = acc_k / kt
    f2 = 1.0 - f1
    for f in range(6):
        mu = f1 * acc_mean[f] + f2 * mean[f]
        d1 = acc_mean[f] - mu
        d2 = mean[f] - mu
        acc_m2[f] = (acc_m2[f] + acc_k * d1 * d1) + (m2[f] + k * d2 * d2)
        acc_mean[f] = mu
        if mn[f] < acc_mn[f]:
            acc_mn[f] = mn[f]
        if mx[f] > acc_mx[f]:
            acc_mx[f] = mx[f]
    return kt


@jit
def _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2, L_mn, L_mx,
                 off, nent, first, count, work):  # pragma: no cover - jit
    """Combine ``count`` ring entries (parallel two-pass formula) into the accumulator.

    ``work`` is a (5, 6) float64 scratch array (no allocation in the hot path).
    """
    if count <= 0:
        return acc_k
    e0 = (first % nent)
    ktot = 0
    s = work[0]
    mn = work[1]
    mx = work[2]
    mu = work[3]
    m2 = work[4]
    for f in range(6):
        s[f] = 0.0
        mn[f] = np.inf
        mx[f] = -np.inf
        m2[f] = 0.0
    e = e0
    for _ in range(count):
        idx = off + e
        k = L_k[idx]
        if k > 0:
            ktot += k
            for f in range(6):
                s[f] += k * L_mean[idx, f]
                if L_mn[idx, f] < mn[f]:
                    mn[f] = L_mn[idx, f]
                if L_mx[idx, f] > mx[f]:
                    mx[f] = L_mx[idx, f]
        e += 1
        if e >= nent:
            e = 0
    if ktot == 0:
        return acc_k
    for f in range(6):
        mu[f] = s[f] / ktot
    e = e0
    for _ in range(count):
        idx = off + e
        k = L_k[idx]
        if k > 0:
            for f in range(6):
                d = L_mean[idx, f] - mu[f]
                m2[f] += L_m2[idx, f] + k * d * d
        e += 1
        if e >= nent:
            e = 0
    return _acc_combine(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, ktot, mu, m2, mn, mx)


@jit
def _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags, x, y, oldest, seg_ids,
             ioff, igain, voff, vgain, si, sv, sb, tk, tmean, tm2, tmn, tmx):
    # pragma: no cover - jit
    n = y - x
    decode_kernel(raw, flags, x, y, oldest, seg_ids, ioff, igain, voff, vgain, si, sv, sb)
    _block_stats_into(si, sv, sb, 0, n, tk, tmean, tm2, tmn, tmx, 0)
    return _acc_combine(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, tk[0], tmean[0], tm2[0],
                        tmn[0], tmx[0])


@jit
def range_stats_kernel(starts, stops, steps, offsets, nents, L_k, L_mean, L_m2, L_mn, L_mx,
                       raw, flags, oldest, seg_ids, ioff, igain, voff, vgain,
                       out):  # pragma: no cover - jit
    """Exact statistics of each window ``[starts[w], stops[w])`` into STATS_DTYPE records."""
    _range_stats_core(starts, stops, steps, offsets, nents, L_k, L_mean, L_m2, L_mn, L_mx,
                      raw, flags, oldest, seg_ids, ioff, igain, voff, vgain, out,
                      np.empty((13, 6)), np.empty(1, dtype=np.int64))


@jit
def _range_stats_core(starts, stops, steps, offsets, nents, L_k, L_mean, L_m2, L_mn, L_mx,
                      raw, flags, oldest, seg_ids, ioff, igain, voff, vgain, out, small,
                      tk):  # pragma: no cover - jit
    """:func:`range_stats_kernel` with caller-provided scratch (``small`` (13, 6), ``tk`` (1,))."""
    nlev = steps.shape[0]
    scratch = 2 * steps[0] + 2
    si = np.empty(0, dtype=np.float32)      # allocated when a window needs raw samples
    sv = np.empty(0, dtype=np.float32)
    sb = np.empty(0, dtype=np.uint8)
    tmean = small[0:1]
    tm2 = small[1:2]
    tmn = small[2:3]
    tmx = small[3:4]
    acc_mean = small[4]
    acc_m2 = small[5]
    acc_mn = small[6]
    acc_mx = small[7]
    work = small[8:13]
    for w in range(starts.shape[0]):
        a = starts[w]
        b = stops[w]
        acc_k = 0
        if b > a:
            top = -1
            k1 = 0
            k2 = 0
            for lv in range(nlev - 1, -1, -1):
                s = steps[lv]
                k1 = -((-a) // s) * s
                k2 = (b // s) * s
                if k1 < k2:
                    top = lv
                    break
            if top < 0:
                if si.shape[0] == 0:
                    si = np.empty(scratch, dtype=np.float32)
                    sv = np.empty(scratch, dtype=np.float32)
                    sb = np.empty(scratch, dtype=np.uint8)
                acc_k = _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags, a, b,
                                 oldest, seg_ids, ioff, igain, voff, vgain, si, sv, sb,
                                 tk, tmean, tm2, tmn, tmx)
            else:
                s = steps[top]
                acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean,
                                     L_m2, L_mn, L_mx, offsets[top], nents[top], k1 // s,
                                     (k2 - k1) // s, work)
                left_end = k1
                right_start = k2
                for lv in range(top - 1, -1, -1):
                    s = steps[lv]
                    k = -((-a) // s) * s
                    if k < left_end:
                        acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k,
                                             L_mean, L_m2, L_mn, L_mx, offsets[lv], nents[lv],
                                             k // s, (left_end - k) // s, work)
                        left_end = k
                    k = (b // s) * s
                    if k > right_start:
                        acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k,
                                             L_mean, L_m2, L_mn, L_mx, offsets[lv], nents[lv],
                                             right_start // s, (k - right_start) // s, work)
                        right_start = k
                if left_end > a:
                    if si.shape[0] == 0:
                        si = np.empty(scratch, dtype=np.float32)
                        sv = np.empty(scratch, dtype=np.float32)
                        sb = np.empty(scratch, dtype=np.uint8)
                    acc_k = _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags, a,
                                     left_end, oldest, seg_ids, ioff, igain, voff, vgain,
                                     si, sv, sb, tk, tmean, tm2, tmn, tmx)
                if b > right_start:
                    if si.shape[0] == 0:
                        si = np.empty(scratch, dtype=np.float32)
                        sv = np.empty(scratch, dtype=np.float32)
                        sb = np.empty(scratch, dtype=np.uint8)
                    acc_k = _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags,
                                     right_start, b, oldest, seg_ids, ioff, igain, voff, vgain,
                                     si, sv, sb, tk, tmean, tm2, tmn, tmx)
        for f in range(6):
            r = out[w, f]
            r["length"] = acc_k
            if acc_k > 0:
                r["mean"] = acc_mean[f]
                r["variance"] = acc_m2[f]
                r["min"] = acc_mn[f]
                r["max"] = acc_mx[f]
            else:
                r["mean"] = np.nan
                r["variance"] = np.nan
                r["min"] = np.nan
                r["max"] = np.nan


def range_stats_numba(levels, view, starts, stops, oldest: int,
                      out: np.ndarray) -> None:
    """Exact statistics of many windows at once (numba), written into ``out`` records."""
    cal = view.cal
    range_stats_kernel(starts, stops, levels.steps, levels.offsets, levels.n_entries,
                       levels.k, levels.mean, levels.m2, levels.mn, levels.mx,
                       view.raw, view.flags, oldest, cal.start_ids, cal.i_offset,
                       cal.i_gain, cal.v_offset, cal.v_gain, out)





@jit
def direct_rows_kernel(raw, flags, start, stop, oldest, seg_ids, ioff, igain, voff, vgain,
                       out):  # pragma: no cover - jit
    """One record row per sample (joulescope's increment-1 copy): length 1, variance 0."""
    n = stop - start
    si = np.empty(n, dtype=np.float32)
    sv = np.empty(n, dtype=np.float32)
    sb = np.empty(n, dtype=np.uint8)
    decode_kernel(raw, flags, start, stop, oldest, seg_ids, ioff, igain, voff, vgain,
                  si, sv, sb)
    for w in range(n):
        bb = sb[w]
        vals = (np.float64(si[w]), np.float64(sv[w]), np.float64(np.float32(si[w] * sv[w])),
                np.float64(bb & 0x0F), np.float64((bb >> 4) & 1), np.float64((bb >> 5) & 1))
        for f in range(6):
            r = out[w, f]
            r["length"] = 1
            r["mean"] = vals[f]
            r["variance"] = 0.0
            r["min"] = np.nan
            r["max"] = np.nan


@jit
def range_stats_packed(starts, stops, levinfo, L_k, L_stats, raw, flags, oldest, seg_ids,
                       caltab, out):  # pragma: no cover - jit
    """:func:`range_stats_kernel` with packed arguments (fewer arguments = cheaper calls).

    ``levinfo`` rows: steps, offsets, entry counts; ``L_stats``: mean, m2, min, max stacked;
    ``caltab`` columns: current offset (9), current gain (9), voltage offset (2), gain (2).
    """
    range_stats_kernel(starts, stops, levinfo[0], levinfo[1], levinfo[2], L_k, L_stats[0],
                       L_stats[1], L_stats[2], L_stats[3], raw, flags, oldest, seg_ids,
                       caltab[:, 0:9], caltab[:, 9:18], caltab[:, 18:20], caltab[:, 20:22], out)


@jit
def range_stats_one(a, b, levinfo, L_k, L_stats, raw, flags, oldest, seg_ids, caltab,
                    out, small, iwork):  # pragma: no cover - jit
    """Statistics of one range ``[a, b)`` into a (6,) record array (statistics_get).

    ``small`` (13, 6) float64 and ``iwork`` (3,) int64 are reusable scratch arrays.
    """
    iwork[0] = a
    iwork[1] = b
    _range_stats_core(iwork[0:1], iwork[1:2], levinfo[0], levinfo[1], levinfo[2], L_k,
                      L_stats[0], L_stats[1], L_stats[2], L_stats[3], raw, flags, oldest,
                      seg_ids, caltab[:, 0:9], caltab[:, 9:18], caltab[:, 18:20],
                      caltab[:, 20:22], out.reshape((1, out.shape[0])), small, iwork[2:3])


@jit
def direct_rows_packed(raw, flags, start, stop, oldest, seg_ids, caltab,
                       out):  # pragma: no cover - jit
    direct_rows_kernel(raw, flags, start, stop, oldest, seg_ids, caltab[:, 0:9],
                       caltab[:, 9:18], caltab[:, 18:20], caltab[:, 20:22], out)


__all__ = [
    "direct_rows_kernel",
    "direct_rows_packed",
    "range_stats_kernel",
    "range_stats_numba",
    "range_stats_numpy",
    "range_stats_one",
    "range_stats_packed",
]
