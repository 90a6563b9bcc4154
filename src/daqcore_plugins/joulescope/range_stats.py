"""Exact statistics of any sample range, walking the reduction levels like joulescope.

The aligned middle of ``[a, b)`` comes from the coarsest level that fits, the remainders from
finer levels, the last partial blocks from decoded samples. Cost is O(levels x entries per
level), independent of the span.
"""

from __future__ import annotations

import numpy as np

from .block_stats import NF, block_stats_into, block_stats_numpy
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
    block_stats_into(si, sv, sb, 0, n, tk, tmean, tm2, tmn, tmx, 0)
    return _acc_combine(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, tk[0], tmean[0], tm2[0],
                        tmn[0], tmx[0])


@jit
def _walk_levels(a, b, steps, offsets, nents, L_k, L_mean, L_m2, L_mn, L_mx, small):
    # pragma: no cover - jit
    """Combine the reduction entries inside ``[a, b)`` into the accumulator ``small[4:8]``.

    The aligned middle comes from the coarsest level that fits, the remainders from finer
    levels. Returns ``(k, left_end, right_start)``: samples ``[a, left_end)`` and
    ``[right_start, b)`` are not covered by any entry (``small`` is (13, 6) scratch).
    """
    acc_mean = small[4]
    acc_m2 = small[5]
    acc_mn = small[6]
    acc_mx = small[7]
    work = small[8:13]
    top = -1
    k1 = 0
    k2 = 0
    for lv in range(steps.shape[0] - 1, -1, -1):
        s = steps[lv]
        k1 = -((-a) // s) * s
        k2 = (b // s) * s
        if k1 < k2:
            top = lv
            break
    if b <= a or top < 0:
        return 0, max(a, b), max(a, b)
    s = steps[top]
    acc_k = _acc_entries(0, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2, L_mn, L_mx,
                         offsets[top], nents[top], k1 // s, (k2 - k1) // s, work)
    left_end = k1
    right_start = k2
    for lv in range(top - 1, -1, -1):
        s = steps[lv]
        k = -((-a) // s) * s
        if k < left_end:
            acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2,
                                 L_mn, L_mx, offsets[lv], nents[lv], k // s,
                                 (left_end - k) // s, work)
            left_end = k
        k = (b // s) * s
        if k > right_start:
            acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2,
                                 L_mn, L_mx, offsets[lv], nents[lv], right_start // s,
                                 (k - right_start) // s, work)
            right_start = k
    return acc_k, left_end, right_start


@jit
def _acc_edges(acc_k, a, b, left_end, right_start, raw, flags, oldest, seg_ids, ioff, igain,
               voff, vgain, small, tk, si, sv, sb):  # pragma: no cover - jit
    """Add the samples ``[a, left_end)`` and ``[right_start, b)`` (decoded) to the
    accumulator ``small[4:8]``; returns the new count.

    ``small`` is (13, 6) float64 scratch, ``tk`` (1,) int64; ``si``/``sv``/``sb`` hold at
    least ``2 * steps[0] + 2`` samples. Called only when an edge is not empty: a call with
    this many array arguments costs more than combining a few entries.
    """
    if left_end > a:
        acc_k = _acc_raw(acc_k, small[4], small[5], small[6], small[7], raw, flags, a,
                         left_end, oldest, seg_ids, ioff, igain, voff, vgain, si, sv, sb, tk,
                         small[0:1], small[1:2], small[2:3], small[3:4])
    if b > right_start:
        acc_k = _acc_raw(acc_k, small[4], small[5], small[6], small[7], raw, flags,
                         right_start, b, oldest, seg_ids, ioff, igain, voff, vgain, si, sv, sb,
                         tk, small[0:1], small[1:2], small[2:3], small[3:4])
    return acc_k


@jit
def _needs_samples(a, b, step0):  # pragma: no cover - jit
    """True when ``[a, b)`` is not made of whole level-0 blocks (decoded samples needed)."""
    return b > a and (a % step0 != 0 or b % step0 != 0)


@jit
def _write_record(row, acc_k, small):  # pragma: no cover - jit
    """Write the accumulator ``small[4:8]`` (count ``acc_k``) into a (6,) record row."""
    for f in range(6):
        r = row[f]
        r["length"] = acc_k
        if acc_k > 0:
            r["mean"] = small[4, f]
            r["variance"] = small[5, f]
            r["min"] = small[6, f]
            r["max"] = small[7, f]
        else:
            r["mean"] = np.nan
            r["variance"] = np.nan
            r["min"] = np.nan
            r["max"] = np.nan


@jit
def range_stats_kernel(starts, stops, steps, offsets, nents, L_k, L_mean, L_m2, L_mn, L_mx,
                       raw, flags, oldest, seg_ids, ioff, igain, voff, vgain,
                       out):  # pragma: no cover - jit
    """Exact statistics of each window ``[starts[w], stops[w])`` into STATS_DTYPE records."""
    small = np.empty((13, 6))
    tk = np.empty(1, dtype=np.int64)
    scratch = 2 * steps[0] + 2              # decoded samples of a window's unaligned ends
    si = np.empty(scratch, dtype=np.float32)
    sv = np.empty(scratch, dtype=np.float32)
    sb = np.empty(scratch, dtype=np.uint8)
    for w in range(starts.shape[0]):
        a = starts[w]
        b = stops[w]
        acc_k, left_end, right_start = _walk_levels(a, b, steps, offsets, nents, L_k, L_mean,
                                                    L_m2, L_mn, L_mx, small)
        if left_end > a or b > right_start:
            acc_k = _acc_edges(acc_k, a, b, left_end, right_start, raw, flags, oldest,
                               seg_ids, ioff, igain, voff, vgain, small, tk, si, sv, sb)
        _write_record(out[w], acc_k, small)


def kernel_index(length: int, ring_len: int, steps: np.ndarray, offsets: np.ndarray,
                 n_entries: np.ndarray, seg_ids: np.ndarray) -> np.ndarray:
    """Pack the buffer geometry and calibration start ids into one int64 array.

    Layout: ``[levels, length, ring_len, steps..., offsets..., n_entries..., seg_ids...]``;
    one array argument instead of six keeps :func:`statistics_kernel` calls cheap.
    """
    return np.concatenate([[len(steps), length, ring_len], steps, offsets[:len(steps)],
                           n_entries, seg_ids]).astype(np.int64)


@jit
def _clamp(start, stop, end, dev, valid_from, length, ring_len):  # pragma: no cover - jit
    """``statistics_get``'s clamping of ``[start, stop)`` to the held samples, and the oldest
    sample id usable as a suppression "pre" sample: ``(a, b, oldest)``."""
    a = max(start, 0, end - length, valid_from, dev - ring_len + 1)
    return a, max(a, min(stop, end)), max(valid_from, dev - ring_len)


@jit
def statistics_kernel(start, stop, end, dev, valid_from, index, L_k, L_stats, raw, flags,
                      caltab, out):  # pragma: no cover - jit
    """``statistics_get`` in one call: clamp ``[start, stop)`` to the held samples, write
    its statistics into the (6,) records ``out`` and return the clamped ``(start, stop)``.

    ``end``/``dev``/``valid_from``: processed and device sample ids, first valid id.
    ``index`` comes from :func:`kernel_index`; ``L_stats`` is mean, m2, min, max stacked;
    ``caltab`` columns: current offset (9), current gain (9), voltage offset (2), gain (2).
    Few array arguments: numba's dispatch costs about 0.1 us per array argument, which is
    more than combining a few reduction entries.
    """
    nlev = index[0]
    a, b, oldest = _clamp(start, stop, end, dev, valid_from, index[1], index[2])
    steps = index[3:3 + nlev]
    small = np.empty((13, 6))
    tk = np.empty(1, dtype=np.int64)
    n = 2 * steps[0] + 2 if _needs_samples(a, b, steps[0]) else 0
    si = np.empty(n, dtype=np.float32)
    sv = np.empty(n, dtype=np.float32)
    sb = np.empty(n, dtype=np.uint8)
    acc_k, left_end, right_start = _walk_levels(a, b, steps, index[3 + nlev:3 + 2 * nlev],
                                                index[3 + 2 * nlev:3 + 3 * nlev], L_k,
                                                L_stats[0], L_stats[1], L_stats[2], L_stats[3],
                                                small)
    if left_end > a or b > right_start:
        acc_k = _acc_edges(acc_k, a, b, left_end, right_start, raw, flags, oldest,
                           index[3 + 3 * nlev:], caltab[:, 0:9], caltab[:, 9:18],
                           caltab[:, 18:20], caltab[:, 20:22], small, tk, si, sv, sb)
    _write_record(out, acc_k, small)
    return a, b


@jit
def statistics_entries_kernel(start, stop, end, dev, valid_from, index, L_k, L_stats,
                              out):  # pragma: no cover - jit
    """:func:`statistics_kernel` for ranges made of whole level-0 blocks (the common case of
    aligned requests): reduction entries only, fewer arguments, no sample scratch.

    Returns ``(a, b, done)``; ``done`` is False (and ``out`` untouched) when the clamped
    range needs samples, then call :func:`statistics_kernel`.
    """
    nlev = index[0]
    a, b, _ = _clamp(start, stop, end, dev, valid_from, index[1], index[2])
    steps = index[3:3 + nlev]
    if _needs_samples(a, b, steps[0]):
        return a, b, False
    small = np.empty((13, 6))
    acc_k, _, _ = _walk_levels(a, b, steps, index[3 + nlev:3 + 2 * nlev],
                               index[3 + 2 * nlev:3 + 3 * nlev], L_k, L_stats[0],
                               L_stats[1], L_stats[2], L_stats[3], small)
    _write_record(out, acc_k, small)
    return a, b, True


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
def direct_rows_packed(raw, flags, start, stop, oldest, seg_ids, caltab,
                       out):  # pragma: no cover - jit
    direct_rows_kernel(raw, flags, start, stop, oldest, seg_ids, caltab[:, 0:9],
                       caltab[:, 9:18], caltab[:, 18:20], caltab[:, 20:22], out)


__all__ = [
    "direct_rows_kernel",
    "direct_rows_packed",
    "kernel_index",
    "range_stats_kernel",
    "range_stats_numba",
    "range_stats_numpy",
    "statistics_entries_kernel",
    "statistics_kernel",
]
