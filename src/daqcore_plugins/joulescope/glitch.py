"""Current-range switch glitch suppression (JS110), matching joulescope's ``interp_1_n_1``.

When the current range changes between two samples, the JS110 front end needs a few
samples to settle. joulescope replaces a window of samples after each switch by a linear
interpolation between the sample before the window and the last sample of the window (the
"post" sample). The window length depends on the (to, from) ranges: these tables are the
published, experimentally determined durations at 2 MS/s (facts, re-typed here).

Window rule (per sample, in order): if the range differs from the previous sample's and
``w = table[to][from] > 0``, the window is extended to end at least ``w`` samples later;
if no window was open, one opens at this sample. The samples of a window except its last
one get interpolated currents; voltages and bits are untouched.

Supported modes: every spelling joulescope accepts (see :func:`parse_suppress_mode`):
``'off'``/``'off_*'``, ``'interp_1_n_1'`` (default, also ``'normal'``), ``'interp_1_m_1'``
(the more aggressive table), fixed windows ``'interp_1_<w>_1'``, and the ``mean_*`` and
``nan_*`` kinds (the window's samples are marked with the kind in the flag byte; the decoders
replace them by the mean of the pre/post samples or by NaN). For ``mean_*`` and ``nan_*``
the window is followed by ``post`` samples (0 for nan) instead of the one post sample.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kernels import jit


def _window_table(rows: str) -> np.ndarray:
    """A (9, 9) uint8 window table from the published 7 x 8 block written as 7 rows of 8
    digits separated by ``/`` (rows: to-range 0-6, digits: from-range 0-7); rows 7 (off)
    and 8 (missing) and column 8 are zero."""
    table = np.zeros((9, 9), dtype=np.uint8)
    table[:7, :8] = [[int(d) for d in row] for row in rows.split("/")]
    return table


# [to][from], samples at 2 MS/s.
SUPPRESS_MATRIX_M = _window_table("05555566/30555678/44066778/44406677/44440676/44444076/44444406")
SUPPRESS_MATRIX_N = _window_table("05777778/30777778/55077778/55507778/55550778/55555078/55555508")

_ZERO = np.zeros((9, 9), dtype=np.uint8)

SUPPRESS_MODES = ("off", "interp_1_n_1", "interp_1_m_1", "interp_1_<window>_1",
                  "off_<pre>_<window>_<post>")


#: Flag bits of suppressed samples telling how their current is replaced (interpolation when
#: neither is set); bits 4-7 hold the mean's pre count (first sample of a window) and post
#: count (first sample after it).
KIND_NAN = 4
KIND_MEAN = 8


class SuppressMode(NamedTuple):
    """A parsed suppression mode for the StreamBuffer."""

    name: str
    table: np.ndarray   # (9, 9) window lengths [to][from]
    kind: int           # 0 (interpolate), KIND_NAN or KIND_MEAN
    pre: int
    post: int           # samples after the window that close it (1 for interp, 0 for nan)


def parse_suppress_mode(value: object) -> SuppressMode:
    """Parse joulescope's mode strings (``'<kind>_<pre>_<window>_<post>'``, ``'normal'``,
    ``'off'``...) for the StreamBuffer: every kind (interp, mean, nan, off) is supported."""
    from .raw_processor import MODE_MEAN, MODE_NAN, MODE_OFF, parse_mode

    kind, pre, window, post, matrix = parse_mode(value)
    if kind == MODE_OFF:
        return SuppressMode("off", _ZERO, 0, 0, 1)
    if matrix == "n":
        table = SUPPRESS_MATRIX_N
    elif matrix == "m":
        table = SUPPRESS_MATRIX_M
    else:
        table = np.full((9, 9), window, dtype=np.uint8)
        np.fill_diagonal(table, 0)
    label = matrix or str(window)
    if kind == MODE_NAN:
        return SuppressMode(f"nan_{pre}_{label}_{post}", table, KIND_NAN, 0, 0)
    if kind == MODE_MEAN:
        return SuppressMode(f"mean_{pre}_{label}_{post}", table, KIND_MEAN, pre, post)
    return SuppressMode(f"interp_1_{label}_1", table, 0, 1, 1)


def find_windows_numpy(i_range: np.ndarray, prev_range: int, table: np.ndarray,
                       post: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Suppression windows in a run of current ranges.

    Returns ``(starts, ends)`` int64 arrays of chunk indices: samples ``start .. end-1`` are
    interpolated, ``end`` is the post sample. The last window may have ``end >= len(i_range)``
    (not resolved yet).
    """
    n = len(i_range)
    if n == 0 or not table.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    prev = np.empty(n, dtype=np.uint8)
    prev[0] = prev_range
    prev[1:] = i_range[:-1]
    chg = np.flatnonzero(i_range != prev)
    if len(chg) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    w = table[i_range[chg], prev[chg]]
    keep = w > 0
    q = chg[keep].tolist()
    wl = w[keep].tolist()
    starts: list[int] = []
    ends: list[int] = []
    cur_end = -(1 << 40)  # no window open yet
    for qq, ww in zip(q, wl):
        if qq >= cur_end + post:  # outside the open window and its post samples
            starts.append(qq)
            cur_end = qq + ww
            ends.append(cur_end)
        elif qq + ww > cur_end:
            cur_end = qq + ww
            ends[-1] = cur_end
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


__all__ = [
    "SUPPRESS_MATRIX_M",
    "SUPPRESS_MATRIX_N",
    "SUPPRESS_MODES",
    "find_windows_numpy",
    "parse_suppress_mode",
]


@jit
def scan_kernel(raw, lo, hi, new_from, prev_range, table, post, starts, ends, state):
    # pragma: no cover - jit
    """One pass over raw words ``[lo, hi)`` of the ring: suppression windows and counters.

    ``state`` (int64[7]) holds missing count, sync-error count, skip count, contiguous count,
    is_skipping, last toggle bit and "toggle seen"; it is updated for ids >= ``new_from``.
    Returns the number of windows written to ``starts``/``ends`` (chunk indices).
    """
    ring_len = raw.shape[0] // 2
    count = 0
    cur_end = -(1 << 40)  # no window open yet
    last = np.int64(prev_range)
    j = lo % ring_len
    for q in range(hi - lo):
        wi = raw[2 * j]
        wv = raw[2 * j + 1]
        miss = wi == 0xFFFF and wv == 0xFFFF
        if miss:
            r = np.int64(8)
        else:
            r = np.int64((wi & 3) | ((wv & 1) << 2))
        if r != last:
            w = np.int64(table[r, last])
            if w > 0:
                if q >= cur_end + post:
                    starts[count] = q
                    cur_end = q + w
                    ends[count] = cur_end
                    count += 1
                elif q + w > cur_end:
                    cur_end = q + w
                    ends[count - 1] = cur_end
        last = r
        if lo + q >= new_from:
            t = np.int64((wv >> 1) & 1)
            if miss:
                state[0] += 1
                state[3] = 0
                if state[4] == 0:
                    state[2] += 1
                    state[4] = 1
            else:
                state[4] = 0
                state[3] += 1
                if state[6] != 0 and t == state[5]:
                    state[1] += 1
                    state[2] += 1
                    state[4] = 1
            state[5] = t
            state[6] = 1
        j += 1
        if j >= ring_len:
            j = 0
    return count


@jit
def mark_kernel(flags, lo, starts, ends, count, bit):  # pragma: no cover - jit
    """Set ``bit`` in the flag ring for samples ``lo + starts[w] .. lo + ends[w] - 1``."""
    ring_len = flags.shape[0]
    for w in range(count):
        j = (lo + starts[w]) % ring_len
        for _ in range(ends[w] - starts[w]):
            flags[j] |= bit
            j += 1
            if j >= ring_len:
                j = 0
