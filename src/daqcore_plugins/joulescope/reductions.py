"""Reduction levels: per-block statistics aligned to absolute sample ids.

Level 0 entry ``b`` summarises samples ``[b*S0, (b+1)*S0)``; level ``n`` entry summarises
``reductions[n]`` entries of level ``n-1``. Entries live in rings at ``(sample_id % length)
// step``. Storage is plain arrays (``k`` int64 and ``mean``/``m2``/``min``/``max`` float64 of
shape ``(entries, 6)``): 200 B per entry, 1 B/sample for level 0 with the default 200.

Exact range statistics (:func:`range_stats_numpy`, :func:`range_stats_kernel`) walk the
levels from coarse to fine like joulescope: the aligned middle comes from the coarsest level
that fits, the remainders from finer levels, and the last partial blocks from decoded
samples. Cost is O(levels x entries per level), independent of the span.
"""

from __future__ import annotations

import numpy as np

from .decode import decode_kernel, decode_numpy
from .kernels import jit
from .stats import STATS_FIELD_COUNT, combine_plain

NF = STATS_FIELD_COUNT


def field_values(ci: np.ndarray, cv: np.ndarray, bits: np.ndarray) -> list[np.ndarray]:
    """The six statistics columns (float64) for decoded samples (power = f32 i*v)."""
    return [
        ci.astype(np.float64),
        cv.astype(np.float64),
        (ci * cv).astype(np.float64),
        (bits & 0x0F).astype(np.float64),
        ((bits >> 4) & 1).astype(np.float64),
        ((bits >> 5) & 1).astype(np.float64),
    ]


def block_stats_numpy(ci, cv, bits, block_len: int):
    """Statistics of consecutive blocks of ``block_len`` samples (NaN current skipped).

    Returns (k (nb,), mean, m2, min, max (nb, 6)); two-pass mean / sum of squared deviations.
    """
    nb = len(ci) // block_len
    n = nb * block_len
    cols = field_values(ci[:n], cv[:n], bits[:n])
    valid = np.isfinite(ci[:n]).reshape(nb, block_len)
    all_valid = bool(valid.all())
    k = valid.sum(axis=1).astype(np.int64)
    mean = np.empty((nb, NF))
    m2 = np.empty((nb, NF))
    mn = np.empty((nb, NF))
    mx = np.empty((nb, NF))
    with np.errstate(invalid="ignore", divide="ignore"):
        for f, col in enumerate(cols):
            x = col.reshape(nb, block_len)
            if all_valid:
                mu = x.sum(axis=1) / block_len
                d = x - mu[:, None]
                m2[:, f] = np.einsum("ij,ij->i", d, d)
                mn[:, f] = x.min(axis=1)
                mx[:, f] = x.max(axis=1)
            else:
                xz = np.where(valid, x, 0.0)
                mu = xz.sum(axis=1) / k
                d = np.where(valid, x - mu[:, None], 0.0)
                m2[:, f] = np.einsum("ij,ij->i", d, d)
                mn[:, f] = np.where(valid, x, np.inf).min(axis=1)
                mx[:, f] = np.where(valid, x, -np.inf).max(axis=1)
            mean[:, f] = mu
    empty = k == 0
    if empty.any():
        for a in (mean, m2, mn, mx):
            a[empty] = np.nan
    return k, mean, m2, mn, mx


@jit
def _block_stats_into(ci, cv, bits, a, b, out_k, out_mean, out_m2, out_mn, out_mx, row):
    # pragma: no cover - jit
    cnt = 0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    mn0 = np.inf
    mn1 = np.inf
    mn2 = np.inf
    mx0 = -np.inf
    mx1 = -np.inf
    mx2 = -np.inf
    r_sum = 0
    r_sq = 0
    r_min = 255
    r_max = 0
    il = 0
    vl = 0
    for t in range(a, b):
        i = ci[t]
        if not np.isfinite(i):
            continue
        cnt += 1
        v = cv[t]
        x0 = np.float64(i)
        x1 = np.float64(v)
        x2 = np.float64(np.float32(i * v))
        s0 += x0
        s1 += x1
        s2 += x2
        mn0 = min(mn0, x0)
        mx0 = max(mx0, x0)
        mn1 = min(mn1, x1)
        mx1 = max(mx1, x1)
        mn2 = min(mn2, x2)
        mx2 = max(mx2, x2)
        bb = np.int64(bits[t])
        r = bb & 0x0F
        r_sum += r
        r_sq += r * r
        r_min = min(r_min, r)
        r_max = max(r_max, r)
        il += (bb >> 4) & 1
        vl += (bb >> 5) & 1
    out_k[row] = cnt
    if cnt == 0:
        for f in range(6):
            out_mean[row, f] = np.nan
            out_m2[row, f] = np.nan
            out_mn[row, f] = np.nan
            out_mx[row, f] = np.nan
        return
    m0 = s0 / cnt
    m1 = s1 / cnt
    m2_ = s2 / cnt
    d0 = 0.0
    d1 = 0.0
    d2 = 0.0
    for t in range(a, b):
        i = ci[t]
        if not np.isfinite(i):
            continue
        v = cv[t]
        e0 = np.float64(i) - m0
        e1 = np.float64(v) - m1
        e2 = np.float64(np.float32(i * v)) - m2_
        d0 += e0 * e0
        d1 += e1 * e1
        d2 += e2 * e2
    out_mean[row, 0] = m0
    out_mean[row, 1] = m1
    out_mean[row, 2] = m2_
    out_m2[row, 0] = d0
    out_m2[row, 1] = d1
    out_m2[row, 2] = d2
    out_mn[row, 0] = mn0
    out_mn[row, 1] = mn1
    out_mn[row, 2] = mn2
    out_mx[row, 0] = mx0
    out_mx[row, 1] = mx1
    out_mx[row, 2] = mx2
    kf = np.float64(cnt)
    mr = r_sum / kf
    out_mean[row, 3] = mr
    out_m2[row, 3] = (r_sq * kf - np.float64(r_sum) * r_sum) / kf
    out_mn[row, 3] = r_min
    out_mx[row, 3] = r_max
    for f, ones in ((4, il), (5, vl)):
        out_mean[row, f] = ones / kf
        out_m2[row, f] = ones * (cnt - ones) / kf
        out_mn[row, f] = 0.0 if ones < cnt else 1.0
        out_mx[row, f] = 1.0 if ones > 0 else 0.0


@jit
def block_stats_kernel(ci, cv, bits, block_len, k, mean, m2, mn, mx):  # pragma: no cover
    nb = ci.shape[0] // block_len
    for row in range(nb):
        _block_stats_into(ci, cv, bits, row * block_len, (row + 1) * block_len,
                          k, mean, m2, mn, mx, row)


def block_stats_numba(ci, cv, bits, block_len: int):
    nb = len(ci) // block_len
    k = np.empty(nb, dtype=np.int64)
    mean = np.empty((nb, NF))
    m2 = np.empty((nb, NF))
    mn = np.empty((nb, NF))
    mx = np.empty((nb, NF))
    block_stats_kernel(ci, cv, bits, block_len, k, mean, m2, mn, mx)
    return k, mean, m2, mn, mx


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
        self.mean = np.full((total, NF), np.nan)
        self.m2 = np.full((total, NF), np.nan)
        self.mn = np.full((total, NF), np.nan)
        self.mx = np.full((total, NF), np.nan)

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


# ---------------------------------------------------------------------------
# exact range statistics
# ---------------------------------------------------------------------------

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


def range_stats_numpy(levels: ReductionLevels, view, a: int, b: int, oldest: int):
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
                 off, nent, first, count):  # pragma: no cover - jit
    """Combine ``count`` ring entries (parallel two-pass formula) into the accumulator."""
    if count <= 0:
        return acc_k
    e0 = (first % nent)
    ktot = 0
    s = np.zeros(6)
    mn = np.full(6, np.inf)
    mx = np.full(6, -np.inf)
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
    mu = s / ktot
    m2 = np.zeros(6)
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
    nlev = steps.shape[0]
    scratch = 2 * steps[0] + 2
    si = np.empty(scratch, dtype=np.float32)
    sv = np.empty(scratch, dtype=np.float32)
    sb = np.empty(scratch, dtype=np.uint8)
    tk = np.empty(1, dtype=np.int64)
    tmean = np.empty((1, 6))
    tm2 = np.empty((1, 6))
    tmn = np.empty((1, 6))
    tmx = np.empty((1, 6))
    acc_mean = np.empty(6)
    acc_m2 = np.empty(6)
    acc_mn = np.empty(6)
    acc_mx = np.empty(6)
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
                acc_k = _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags, a, b,
                                 oldest, seg_ids, ioff, igain, voff, vgain, si, sv, sb,
                                 tk, tmean, tm2, tmn, tmx)
            else:
                s = steps[top]
                acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean,
                                     L_m2, L_mn, L_mx, offsets[top], nents[top], k1 // s,
                                     (k2 - k1) // s)
                left_end = k1
                right_start = k2
                for lv in range(top - 1, -1, -1):
                    s = steps[lv]
                    k = -((-a) // s) * s
                    if k < left_end:
                        acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k,
                                             L_mean, L_m2, L_mn, L_mx, offsets[lv], nents[lv],
                                             k // s, (left_end - k) // s)
                        left_end = k
                    k = (b // s) * s
                    if k > right_start:
                        acc_k = _acc_entries(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, L_k,
                                             L_mean, L_m2, L_mn, L_mx, offsets[lv], nents[lv],
                                             right_start // s, (k - right_start) // s)
                        right_start = k
                if left_end > a:
                    acc_k = _acc_raw(acc_k, acc_mean, acc_m2, acc_mn, acc_mx, raw, flags, a,
                                     left_end, oldest, seg_ids, ioff, igain, voff, vgain,
                                     si, sv, sb, tk, tmean, tm2, tmn, tmx)
                if b > right_start:
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


@jit
def _block_stats_shifted(ci, cv, bits, a, b, out_k, out_mean, out_m2, out_mn, out_mx, row):
    # pragma: no cover - jit
    """Single-pass block statistics with a shift (the block's first valid sample).

    Sums of shifted values and of their squares give the mean and the sum of squared
    deviations without the cancellation of the naive formula; used on the hot ingest path.
    """
    first = -1
    for t in range(a, b):
        if np.isfinite(ci[t]):
            first = t
            break
    if first < 0:
        out_k[row] = 0
        for f in range(6):
            out_mean[row, f] = np.nan
            out_m2[row, f] = np.nan
            out_mn[row, f] = np.nan
            out_mx[row, f] = np.nan
        return
    k0 = np.float64(ci[first])
    k1 = np.float64(cv[first])
    k2 = np.float64(np.float32(ci[first] * cv[first]))
    cnt = 0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    q0 = 0.0
    q1 = 0.0
    q2 = 0.0
    mn0 = np.inf
    mn1 = np.inf
    mn2 = np.inf
    mx0 = -np.inf
    mx1 = -np.inf
    mx2 = -np.inf
    r_sum = 0
    r_sq = 0
    r_min = 255
    r_max = 0
    il = 0
    vl = 0
    for t in range(first, b):
        i = ci[t]
        if not np.isfinite(i):
            continue
        cnt += 1
        v = cv[t]
        x0 = np.float64(i)
        x1 = np.float64(v)
        x2 = np.float64(np.float32(i * v))
        d0 = x0 - k0
        d1 = x1 - k1
        d2 = x2 - k2
        s0 += d0
        s1 += d1
        s2 += d2
        q0 += d0 * d0
        q1 += d1 * d1
        q2 += d2 * d2
        mn0 = min(mn0, x0)
        mx0 = max(mx0, x0)
        mn1 = min(mn1, x1)
        mx1 = max(mx1, x1)
        mn2 = min(mn2, x2)
        mx2 = max(mx2, x2)
        bb = np.int64(bits[t])
        r = bb & 0x0F
        r_sum += r
        r_sq += r * r
        r_min = min(r_min, r)
        r_max = max(r_max, r)
        il += (bb >> 4) & 1
        vl += (bb >> 5) & 1
    kf = np.float64(cnt)
    out_k[row] = cnt
    out_mean[row, 0] = k0 + s0 / kf
    out_mean[row, 1] = k1 + s1 / kf
    out_mean[row, 2] = k2 + s2 / kf
    out_m2[row, 0] = max(0.0, q0 - s0 * s0 / kf)
    out_m2[row, 1] = max(0.0, q1 - s1 * s1 / kf)
    out_m2[row, 2] = max(0.0, q2 - s2 * s2 / kf)
    out_mn[row, 0] = mn0
    out_mn[row, 1] = mn1
    out_mn[row, 2] = mn2
    out_mx[row, 0] = mx0
    out_mx[row, 1] = mx1
    out_mx[row, 2] = mx2
    out_mean[row, 3] = r_sum / kf
    out_m2[row, 3] = (r_sq * kf - np.float64(r_sum) * r_sum) / kf
    out_mn[row, 3] = r_min
    out_mx[row, 3] = r_max
    for f, ones in ((4, il), (5, vl)):
        out_mean[row, f] = ones / kf
        out_m2[row, f] = ones * (cnt - ones) / kf
        out_mn[row, f] = 0.0 if ones < cnt else 1.0
        out_mx[row, f] = 1.0 if ones > 0 else 0.0


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
        _block_stats_shifted(si, sv, sb, b * block_len, (b + 1) * block_len, L_k, L_mean,
                             L_m2, L_mn, L_mx, row)


@jit
def cascade_kernel(L_k, L_mean, L_m2, L_mn, L_mx, off_src, nent_src, off_dst, nent_dst,
                   first_entry, count, factor):  # pragma: no cover - jit
    """Compute ``count`` entries of a level from ``factor`` entries each of the level below."""
    acc_mean = np.empty(6)
    acc_m2 = np.empty(6)
    acc_mn = np.empty(6)
    acc_mx = np.empty(6)
    for c in range(count):
        entry = first_entry + c
        acc_k = _acc_entries(0, acc_mean, acc_m2, acc_mn, acc_mx, L_k, L_mean, L_m2, L_mn,
                             L_mx, off_src, nent_src, entry * factor, factor)
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


def range_stats_numba(levels: ReductionLevels, view, starts, stops, oldest: int,
                      out: np.ndarray) -> None:
    """Exact statistics of many windows at once (numba), written into ``out`` records."""
    cal = view.cal
    range_stats_kernel(starts, stops, levels.steps, levels.offsets, levels.n_entries,
                       levels.k, levels.mean, levels.m2, levels.mn, levels.mx,
                       view.raw, view.flags, oldest, cal.start_ids, cal.i_offset,
                       cal.i_gain, cal.v_offset, cal.v_gain, out)


__all__ = [
    "ReductionLevels",
    "block_stats_numba",
    "block_stats_numpy",
    "field_values",
    "range_stats_numba",
    "range_stats_numpy",
]
