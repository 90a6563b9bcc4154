"""Calibrated samples computed on demand from the raw ring.

The StreamBuffer keeps the raw u16 words (4 B/sample) and one flag byte per sample
(bit 0: voltage range, bit 1: current replaced by glitch suppression). Current, voltage and
bits are recomputed from them when read. A suppressed run ``[A, B)`` is followed by its post
sample ``B`` (never flagged); its values are ``pre + m*step`` (accumulated in float32 as the
JS110 host code does) with ``pre`` the calibrated current of sample ``A-1`` (or of ``B`` when
that is not finite or not available) and ``step = (post - pre) / (B - A + 1)``.

Two implementations with the same results: :func:`decode_numpy` and the numba kernel
:func:`decode_kernel`.
"""

from __future__ import annotations

import math

import numpy as np

from .kernels import jit

FLAG_VRANGE = 1
FLAG_SUPPRESSED = 2


class RingView:
    """Everything a decoder needs: raw and flag rings plus the calibration history."""

    __slots__ = ("cal", "flags", "raw", "ring_len")

    def __init__(self, raw: np.ndarray, flags: np.ndarray, cal) -> None:
        self.raw = raw
        self.flags = flags
        self.ring_len = len(flags)
        self.cal = cal


def _ring_slices(ring_len: int, start: int, stop: int):
    a = start % ring_len
    n = stop - start
    if a + n <= ring_len:
        return [(a, a + n)]
    return [(a, ring_len), (0, n - (ring_len - a))]


def ring_words(view: RingView, start: int, stop: int) -> np.ndarray:
    """Copy of the raw words of ``[start, stop)`` as an (n, 2) u16 array."""
    parts = [view.raw[2 * a:2 * b] for a, b in _ring_slices(view.ring_len, start, stop)]
    words = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return words.reshape(-1, 2).copy()


def ring_flags(view: RingView, start: int, stop: int) -> np.ndarray:
    parts = [view.flags[a:b] for a, b in _ring_slices(view.ring_len, start, stop)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _cal_current_at(view: RingView, sid: int) -> float:
    j = sid % view.ring_len
    wi = int(view.raw[2 * j])
    wv = int(view.raw[2 * j + 1])
    if wi == 0xFFFF and wv == 0xFFFF:
        return math.nan
    ir = (wi & 3) | ((wv & 1) << 2)
    seg = max(0, int(np.searchsorted(view.cal.start_ids, sid, side="right")) - 1)
    x = np.float32(wi >> 2) + view.cal.i_offset[seg, ir]
    return float(np.float32(x * view.cal.i_gain[seg, ir]))


def decode_numpy(view: RingView, start: int, stop: int, oldest: int, power: bool = False):
    """Return (current f32, voltage f32, bits u8) for sample ids ``[start, stop)``, plus the
    power (f32 ``current * voltage``) when ``power`` is true.

    ``oldest`` is the first id whose raw words may be used as a suppression "pre" sample.
    """
    n = stop - start
    words = ring_words(view, start, stop)
    fl = ring_flags(view, start, stop)
    iw = words[:, 0]
    vw = words[:, 1]
    missing = (iw == 0xFFFF) & (vw == 0xFFFF)
    ir = ((iw & 3) | ((vw & 1) << 2)).astype(np.uint8)
    ir[missing] = 8
    bits = (ir | ((iw & 4) << 2) | ((vw & 4) << 3)).astype(np.uint8)
    icode = (iw >> 2).astype(np.float32)
    vcode = (vw >> 2).astype(np.float32)
    vr = (fl & FLAG_VRANGE).astype(np.intp)
    ci = np.empty(n, dtype=np.float32)
    cv = np.empty(n, dtype=np.float32)
    cal = view.cal
    for s0, s1, seg in cal.segments(start, stop):
        a, b = s0 - start, s1 - start
        r = ir[a:b]
        ci[a:b] = (icode[a:b] + cal.i_offset[seg][r]) * cal.i_gain[seg][r]
        v = vr[a:b]
        cv[a:b] = (vcode[a:b] + cal.v_offset[seg][v]) * cal.v_gain[seg][v]
    if missing.any():
        ci[missing] = np.nan
        cv[missing] = np.nan
    nan_kind = (fl & 4) != 0   # suppressed by a nan_* mode
    if nan_kind.any():
        ci[nan_kind] = np.nan
        cv[nan_kind] = np.nan
    sup = ((fl & FLAG_SUPPRESSED) != 0) & ~nan_kind
    if sup.any():
        _interpolate_numpy(view, start, stop, oldest, sup, ci, fl)
    return (ci, cv, bits, ci * cv) if power else (ci, cv, bits)


def _is_window_start(flags: np.ndarray, j: int) -> bool:
    """A suppressed sample carrying a mean-mode pre count starts a window (mean windows
    without post samples may touch each other)."""
    return bool(flags[j] >> 4)


def _interpolate_numpy(view: RingView, start: int, stop: int, oldest: int, sup: np.ndarray,
                       ci: np.ndarray, fl: np.ndarray) -> None:
    prev = np.empty_like(sup)
    prev[0] = False
    prev[1:] = sup[:-1]
    run_starts = np.flatnonzero(sup & (~prev | ((fl >> 4) != 0))).tolist()
    ring_len = view.ring_len
    flags = view.flags
    for rs in run_starts:
        a = start + rs
        if rs == 0:
            while (a - 1 >= oldest and flags[(a - 1) % ring_len] & FLAG_SUPPRESSED
                   and not _is_window_start(flags, a % ring_len)):
                a -= 1
        b = start + rs + 1
        while (flags[b % ring_len] & FLAG_SUPPRESSED
               and not _is_window_start(flags, b % ring_len)):
            b += 1
        if flags[a % ring_len] & 8:
            _mean_numpy(view, start, stop, oldest, a, b, ci)
            continue
        pre = _cal_current_at(view, a - 1) if (a - 1 >= oldest and a >= 1) else math.nan
        post = _cal_current_at(view, b)
        if not math.isfinite(pre):
            pre = post
        cnt = b - a + 1
        step = np.float32((np.float32(post) - np.float32(pre)) / np.float32(cnt))
        seq = np.empty(cnt, dtype=np.float32)
        seq[0] = pre
        seq[1:] = step
        vals = np.add.accumulate(seq, dtype=np.float32)[1:]
        lo = max(a, start)
        hi = min(b, stop)
        if hi > lo:
            ci[lo - start:hi - start] = vals[lo - a:hi - a]


def _mean_numpy(view: RingView, start: int, stop: int, oldest: int, a: int, b: int,
                ci: np.ndarray) -> None:
    """Currents of the mean-mode window ``[a, b)`` (see :func:`_interpolate_kernel`)."""
    ring_len = view.ring_len
    flags = view.flags
    n_pre = int(flags[a % ring_len]) >> 4
    fb = int(flags[b % ring_len])
    n_post = 0 if fb & FLAG_SUPPRESSED else fb >> 4
    acc = np.float32(0.0)
    for q in range(n_pre):
        sid = a - n_pre + q
        val = _cal_current_at(view, sid) if (sid >= oldest and sid >= 0) else math.nan
        acc = np.float32(acc + np.float32(val))
    nsum = n_pre
    if not math.isfinite(acc):
        nsum = 0
        acc = np.float32(0.0)
    for q in range(n_post):
        acc = np.float32(acc + np.float32(_cal_current_at(view, b + n_post - 1 - q)))
        nsum += 1
    m = np.float32(acc / np.float32(nsum)) if nsum else np.float32(np.nan)
    lo, hi = max(a, start), min(b, stop)
    if hi > lo:
        ci[lo - start:hi - start] = m


@jit
def _cal_current_kernel(raw, ring_len, sid, seg_ids, ioff, igain):  # pragma: no cover - jit
    j = sid % ring_len
    wi = raw[2 * j]
    wv = raw[2 * j + 1]
    if wi == 0xFFFF and wv == 0xFFFF:
        return np.float32(np.nan)
    ir = (wi & 3) | ((wv & 1) << 2)
    seg = np.searchsorted(seg_ids, sid, side="right") - 1
    if seg < 0:
        seg = 0
    x = np.float32(wi >> 2) + ioff[seg, ir]
    return np.float32(x * igain[seg, ir])


@jit
def _calibrate_span(raw, flags, j0, n, io, ig, vo, vg, out_i, out_v, out_bits, out_p, k0):
    # pragma: no cover - jit
    """Calibrate ``n`` ring slots from ``j0`` (no wrap) into outputs from ``k0``.

    ``io``/``ig`` are the 9 current offsets/gains (entry 8, "missing", is NaN, so missing
    samples need no branch), ``vo``/``vg`` the 2 voltage ones. Power (float32 ``i * v``)
    is written only when ``out_p`` is not empty, bits only when ``out_bits`` is not empty.
    Returns the OR of the flag bytes seen.
    """
    r = raw[2 * j0:2 * (j0 + n)]
    f = flags[j0:j0 + n]
    oi = out_i[k0:k0 + n]
    ov = out_v[k0:k0 + n]
    with_bits = out_bits.shape[0] > 0
    ob = out_bits[k0:k0 + n] if with_bits else out_bits
    with_power = out_p.shape[0] > 0
    op = out_p[k0:k0 + n] if with_power else out_p
    flag_or = 0
    for t in range(n):
        wi = np.int32(r[2 * t])
        wv = np.int32(r[2 * t + 1])
        fl = np.int32(f[t])
        flag_or |= fl
        miss = (wi & wv) == 0xFFFF
        ir = 8 if miss else (wi & 3) | ((wv & 1) << 2)
        vr = fl & 1
        i = np.float32(np.float32(wi >> 2) + io[ir]) * ig[ir]
        v = np.float32(np.nan) if miss else np.float32(np.float32(wv >> 2) + vo[vr]) * vg[vr]
        if fl & 4:  # suppressed by a nan_* mode: current and voltage are NaN
            i = np.float32(np.nan)
            v = np.float32(np.nan)
        oi[t] = i
        ov[t] = v
        if with_power:
            op[t] = i * v
        if with_bits:
            ob[t] = ir | ((wi & 4) << 2) | ((wv & 4) << 3)
    return flag_or


@jit
def decode_kernel(raw, flags, start, stop, oldest, seg_ids, ioff, igain, voff, vgain,
                  out_i, out_v, out_bits):  # pragma: no cover - jit
    """numba version of :func:`decode_numpy`, writing into preallocated outputs."""
    decode_into(raw, flags, start, stop, oldest, seg_ids, ioff, igain, voff, vgain, out_i,
                out_v, out_bits, out_i[:0])


@jit
def decode_into(raw, flags, start, stop, oldest, seg_ids, ioff, igain, voff, vgain,
                out_i, out_v, out_bits, out_p):  # pragma: no cover - jit
    """:func:`decode_kernel` that also writes the power into ``out_p`` unless it is empty
    (and skips the bits when ``out_bits`` is empty)."""
    ring_len = flags.shape[0]
    n = stop - start
    nseg = seg_ids.shape[0]
    seg = np.searchsorted(seg_ids, start, side="right") - 1
    if seg < 0:
        seg = 0
    flag_or = 0
    k = 0
    while k < n:
        seg_end = n
        if seg + 1 < nseg:
            seg_end = min(n, seg_ids[seg + 1] - start)
        io = ioff[seg]
        ig = igain[seg]
        vo = voff[seg]
        vg = vgain[seg]
        while k < seg_end:
            j = (start + k) % ring_len
            m = min(seg_end - k, ring_len - j)
            flag_or |= _calibrate_span(raw, flags, j, m, io, ig, vo, vg, out_i, out_v,
                                       out_bits, out_p, k)
            k += m
        seg += 1
    if flag_or & 2:
        _interpolate_kernel(raw, flags, start, stop, oldest, seg_ids, ioff, igain, out_i,
                            out_v, out_p)


@jit
def _first_flagged(flags, j0, m, bit):  # pragma: no cover - jit
    """Index (from ``j0``) of the first of ``m`` ring slots with ``bit`` set, or ``m``.

    Scans 64 flags at a time with an OR reduction (vectorised) before looking closer.
    """
    f = flags[j0:j0 + m]
    t = 0
    while t + 64 <= m:
        acc = 0
        for u in range(64):
            acc |= f[t + u]
        if acc & bit:
            break
        t += 64
    while t < m:
        if f[t] & bit:
            return t
        t += 1
    return m


@jit
def _interpolate_kernel(raw, flags, start, stop, oldest, seg_ids, ioff, igain, out_i, out_v,
                        out_p):  # pragma: no cover - jit
    """Overwrite the currents of suppressed runs in ``[start, stop)`` (see module doc), and
    their power when ``out_p`` is not empty."""
    with_power = out_p.shape[0] > 0
    ring_len = flags.shape[0]
    n = stop - start
    k = 0
    while k < n:
        j = (start + k) % ring_len
        m = min(n - k, ring_len - j)
        t = _first_flagged(flags, j, m, 2)
        k += t
        if t == m:
            continue
        j = (start + k) % ring_len
        a = start + k
        if k == 0:
            while (a - 1 >= oldest and (flags[(a - 1) % ring_len] & 2)
                   and not (flags[a % ring_len] >> 4)):
                a -= 1
        b = start + k + 1
        jb = j + 1
        if jb >= ring_len:
            jb = 0
        while (flags[jb] & 2) and not (flags[jb] >> 4):  # a mean window may follow at once
            b += 1
            jb += 1
            if jb >= ring_len:
                jb = 0
        kind = np.int64(flags[a % ring_len]) & 12
        if kind == 4:  # nan: already NaN from the calibration step
            k = b - start
            continue
        if kind == 8:  # mean of `pre` samples before the window and `post` ending it
            n_pre = np.int64(flags[a % ring_len]) >> 4
            fb = np.int64(flags[b % ring_len])
            n_post = np.int64(0) if fb & 2 else fb >> 4
            acc = np.float32(0.0)
            for q in range(n_pre):
                sid = a - n_pre + q
                val = np.float32(np.nan)
                if sid >= oldest and sid >= 0:
                    val = _cal_current_kernel(raw, ring_len, sid, seg_ids, ioff, igain)
                acc = np.float32(acc + val)
            nsum = n_pre
            if not np.isfinite(acc):
                nsum = 0
                acc = np.float32(0.0)
            for q in range(n_post):
                acc = np.float32(acc + _cal_current_kernel(raw, ring_len, b + n_post - 1 - q,
                                                            seg_ids, ioff, igain))
                nsum += 1
            m = np.float32(np.nan)
            if nsum:
                m = np.float32(acc / np.float32(nsum))
            for sid in range(max(a, start), min(b, stop)):
                out_i[sid - start] = m
                if with_power:
                    out_p[sid - start] = m * out_v[sid - start]
            k = b - start
            continue
        pre = np.float32(np.nan)
        if a - 1 >= oldest and a >= 1:
            pre = _cal_current_kernel(raw, ring_len, a - 1, seg_ids, ioff, igain)
        post = _cal_current_kernel(raw, ring_len, b, seg_ids, ioff, igain)
        if not np.isfinite(pre):
            pre = post
        cnt = b - a + 1
        step = np.float32((post - pre) / np.float32(cnt))
        x = pre
        for q in range(cnt - 1):
            x = np.float32(x + step)
            sid = a + q
            if sid >= start and sid < stop:
                out_i[sid - start] = x
                if with_power:
                    out_p[sid - start] = x * out_v[sid - start]
        k = b - start + 1


def decode_numba(view: RingView, start: int, stop: int, oldest: int, power: bool = False,
                 bits: bool = True):
    """Same as :func:`decode_numpy`, through the numba kernel (power computed in the same
    pass when requested; with ``bits=False`` the returned bits array is empty)."""
    n = stop - start
    ci = np.empty(n, dtype=np.float32)
    cv = np.empty(n, dtype=np.float32)
    out_bits = np.empty(n if bits else 0, dtype=np.uint8)
    p = np.empty(n if power else 0, dtype=np.float32)
    cal = view.cal
    decode_into(view.raw, view.flags, start, stop, oldest, cal.start_ids, cal.i_offset,
                cal.i_gain, cal.v_offset, cal.v_gain, ci, cv, out_bits, p)
    return (ci, cv, out_bits, p) if power else (ci, cv, out_bits)


__all__ = [
    "FLAG_SUPPRESSED",
    "FLAG_VRANGE",
    "RingView",
    "decode_into",
    "decode_kernel",
    "decode_numba",
    "decode_numpy",
    "ring_flags",
    "ring_words",
]
