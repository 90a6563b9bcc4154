"""Statistics records in joulescope's v0 layout, and their API dict.

A statistics result is an ``np.ndarray((N, STATS_FIELD_COUNT), dtype=STATS_DTYPE)`` (or
``(STATS_FIELD_COUNT,)`` for one record). Columns, in order: current, voltage, power,
current_range, current_lsb, voltage_lsb. Record fields: ``length`` (u8), ``mean``,
``variance``, ``min``, ``max`` (f8).

.. warning::
   Like joulescope, the ``variance`` field does **not** hold a variance: it holds the sum of
   squared deviations from the mean (Welford's "M2"). The sample variance is
   ``variance / (length - 1)`` (0 when ``length <= 1``); :func:`stats_to_api` does that
   division for you. ``length`` counts the finite samples (missing samples are skipped for
   all six columns); an empty window has ``length == 0`` and NaN everywhere else.

Internally the plugin keeps statistics as plain arrays (``k``, ``mean``, ``m2``, ``min``,
``max``) and packs them into records with :func:`pack_records`.
"""

from __future__ import annotations

import math

import numpy as np

NP_STATS_NAMES = ["length", "mean", "variance", "min", "max"]
NP_STATS_FORMAT = ["u8", "f8", "f8", "f8", "f8"]
STATS_DTYPE = np.dtype({"names": NP_STATS_NAMES, "formats": NP_STATS_FORMAT})
STATS_FIELD_NAMES = ["current", "voltage", "power", "current_range", "current_lsb", "voltage_lsb"]
STATS_FIELD_COUNT = len(STATS_FIELD_NAMES)

#: Column aliases accepted by joulescope lookups.
NAME_TO_COLUMN = {
    "current": 0, "i": 0, "i_raw": 0,
    "voltage": 1, "v": 1, "v_raw": 1,
    "power": 2, "p": 2,
    "current_range": 3, "current_lsb": 4, "voltage_lsb": 5,
}

_SIGNALS = [
    ("current", "A", "C"),
    ("voltage", "V", None),
    ("power", "W", "J"),
    ("current_range", "", None),
    ("current_lsb", "", None),
    ("voltage_lsb", "", None),
]


def stats_array_factory(length: int) -> np.ndarray:
    """Return a zeroed ``(length, STATS_FIELD_COUNT)`` record array."""
    return np.zeros((int(length), STATS_FIELD_COUNT), dtype=STATS_DTYPE)


def stats_invalidate(records: np.ndarray) -> None:
    """Mark records as empty in place: length 0, NaN statistics."""
    records["length"] = 0
    for name in ("mean", "variance", "min", "max"):
        records[name] = np.nan


def pack_records(
    k: np.ndarray, mean: np.ndarray, m2: np.ndarray, mn: np.ndarray, mx: np.ndarray,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Pack plain statistics arrays (k shape (N,), others (N, 6)) into STATS_DTYPE records.

    Rows with ``k == 0`` are written as invalid (NaN).
    """
    n = len(k)
    if out is None:
        out = np.empty((n, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
    kk = np.asarray(k)
    empty = kk <= 0
    out["length"] = kk.astype(np.uint64)[:, None]
    out["mean"] = mean
    out["variance"] = m2
    out["min"] = mn
    out["max"] = mx
    if empty.any():
        out["length"][empty] = 0
        for name in ("mean", "variance", "min", "max"):
            out[name][empty] = np.nan
    return out


def single_stat_to_api(v_mean: float, v_var: float, v_min: float, v_max: float,
                       units: str) -> dict:
    """API dict of one signal (keys ``µ``, ``σ2``, ``min``, ``max``, ``p2p``)."""
    return {
        "µ": {"value": v_mean, "units": units},
        "σ2": {"value": v_var, "units": units},
        "min": {"value": v_min, "units": units},
        "max": {"value": v_max, "units": units},
        "p2p": {"value": v_max - v_min, "units": units},
    }


def stats_to_api(stats: np.ndarray | None, t_start: float, t_stop: float) -> dict:
    """Convert one statistics record ``(STATS_FIELD_COUNT,)`` to joulescope's API dict.

    The ``σ2`` entries are true sample variances: the record's ``variance`` field (the sum
    of squared deviations) divided by ``length - 1``. ``∫`` (charge in C for current, energy
    in J for power) is ``mean * (t_stop - t_start)``.
    """
    t_start = float(t_start)
    t_stop = float(t_stop)
    dt = t_stop - t_start
    k = 0 if stats is None else int(np.asarray(stats)["length"][0])
    data: dict = {
        "time": {
            "range": {"value": [t_start, t_stop], "units": "s"},
            "delta": {"value": dt, "units": "s"},
            "samples": {"value": k, "units": "samples"},
        },
        "signals": {},
        "source": "stream_buffer",
    }
    if stats is None:
        return data
    stats = np.asarray(stats)
    for idx, (signal, units, integral_units) in enumerate(_SIGNALS):
        rec = stats[idx]
        if k == 0:
            v_mean = v_var = v_min = v_max = math.nan
        else:
            v_mean = float(rec["mean"])
            v_var = float(rec["variance"]) / (k - 1) if k > 1 else 0.0
            v_min, v_max = float(rec["min"]), float(rec["max"])
        entry = single_stat_to_api(v_mean, v_var, v_min, v_max, units)
        if integral_units is not None:
            entry["∫"] = {"value": v_mean * dt, "units": integral_units}
        data["signals"][signal] = entry
    return data


def combine_plain(k: np.ndarray, mean: np.ndarray, m2: np.ndarray, mn: np.ndarray,
                  mx: np.ndarray, axis: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Combine statistics along ``axis`` (parallel formula; entries with k == 0 ignored).

    ``k`` has the shape of the others without the trailing field axis.
    """
    kf = k.astype(np.float64)
    ktot = kf.sum(axis=axis)
    kb = kf[..., None]
    valid = kb > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        sm = np.where(valid, kb * mean, 0.0).sum(axis=axis)
        mtot = sm / ktot[..., None]
        d = np.where(valid, mean - np.expand_dims(mtot, axis), 0.0)
        m2tot = np.where(valid, m2 + kb * d * d, 0.0).sum(axis=axis)
    mntot = np.where(valid, mn, np.inf).min(axis=axis)
    mxtot = np.where(valid, mx, -np.inf).max(axis=axis)
    empty = ktot <= 0
    if np.any(empty):
        mtot[empty] = np.nan
        m2tot[empty] = np.nan
        mntot[empty] = np.nan
        mxtot[empty] = np.nan
    return ktot.astype(np.int64), mtot, m2tot, mntot, mxtot


__all__ = [
    "NAME_TO_COLUMN",
    "NP_STATS_NAMES",
    "STATS_DTYPE",
    "STATS_FIELD_COUNT",
    "STATS_FIELD_NAMES",
    "combine_plain",
    "pack_records",
    "single_stat_to_api",
    "stats_array_factory",
    "stats_invalidate",
    "stats_to_api",
]
