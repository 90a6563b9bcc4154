"""Statistics of blocks of decoded samples (the level-0 reduction and raw edges).

Columns: current, voltage, power (float32 product, as the JS110 host code), current_range,
current_lsb, voltage_lsb. NaN currents (missing samples) are skipped for all columns.
Two implementations with equal results up to rounding: numpy (vectorised two-pass,
:func:`block_stats_numpy`) and numba (single pass with a shift, :func:`block_stats_into`).
"""

from __future__ import annotations

import numpy as np

from .kernels import jit
from .stats import STATS_FIELD_COUNT

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
def block_stats_kernel(ci, cv, bits, block_len, k, mean, m2, mn, mx):  # pragma: no cover
    nb = ci.shape[0] // block_len
    for row in range(nb):
        block_stats_into(ci, cv, bits, row * block_len, (row + 1) * block_len,
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


@jit
def _write_empty(out_k, out_mean, out_m2, out_mn, out_mx, row):  # pragma: no cover - jit
    out_k[row] = 0
    for f in range(6):
        out_mean[row, f] = np.nan
        out_m2[row, f] = np.nan
        out_mn[row, f] = np.nan
        out_mx[row, f] = np.nan


@jit
def _write_bits_columns(cnt, r_sum, r_sq, r_min, r_max, il, vl, out_mean, out_m2, out_mn,
                        out_mx, row):  # pragma: no cover - jit
    """Columns 3-5 (current range, current lsb, voltage lsb) from integer sums (exact)."""
    kf = np.float64(cnt)
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
def block_stats_into(ci, cv, bits, a, b, out_k, out_mean, out_m2, out_mn, out_mx, row):
    # pragma: no cover - jit
    """Statistics of decoded samples ``[a, b)`` into row ``row`` of the output arrays.

    Single pass with a shift (the block's first valid sample): sums of shifted values and of
    their squares give the mean and the sum of squared deviations without the cancellation
    of the naive formula. Used for level 0 on ingest, for range edges and small increments.
    """
    first = -1
    for t in range(a, b):
        if np.isfinite(ci[t]):
            first = t
            break
    if first < 0:
        _write_empty(out_k, out_mean, out_m2, out_mn, out_mx, row)
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
    _write_bits_columns(cnt, r_sum, r_sq, r_min, r_max, il, vl, out_mean, out_m2, out_mn,
                        out_mx, row)


__all__ = ["NF", "block_stats_into", "block_stats_numba", "block_stats_numpy", "field_values"]
