"""Per-range calibration, applied on demand and versioned by sample id.

``current = (code + current_offset[range]) * current_gain[range]`` and
``voltage = (code + voltage_offset[v_range]) * voltage_gain[v_range]``, in float32 as the
JS110 host software does. Range 7 (off) always gives 0 A; range 8 (missing) gives NaN.

The StreamBuffer stores raw words and calibrates when data is read, so a calibration change
must not rewrite history: :class:`CalibrationHistory` keeps every calibration with the first
sample id it applies to.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import CalibrationError


def calibration_tables(current_offset: Sequence[float], current_gain: Sequence[float],
                       voltage_offset: Sequence[float], voltage_gain: Sequence[float]):
    """Validate calibration vectors and return the four float32 lookup tables (9, 9, 2, 2)."""
    ci_o = np.asarray(current_offset, dtype=np.float64).reshape(-1)
    ci_g = np.asarray(current_gain, dtype=np.float64).reshape(-1)
    cv_o = np.asarray(voltage_offset, dtype=np.float64).reshape(-1)
    cv_g = np.asarray(voltage_gain, dtype=np.float64).reshape(-1)
    if len(ci_o) < 7 or len(ci_g) < 7:
        raise CalibrationError(
            f"current calibration needs >= 7 offsets and gains, got {len(ci_o)} and {len(ci_g)}")
    if len(cv_o) < 2 or len(cv_g) < 2:
        raise CalibrationError(
            f"voltage calibration needs >= 2 offsets and gains, got {len(cv_o)} and {len(cv_g)}")
    ioff = np.zeros(9, dtype=np.float32)
    igain = np.zeros(9, dtype=np.float32)
    ioff[:7] = ci_o[:7]
    igain[:7] = ci_g[:7]
    ioff[8] = np.nan
    igain[8] = np.nan
    voff = cv_o[:2].astype(np.float32)
    vgain = cv_g[:2].astype(np.float32)
    if not (np.all(np.isfinite(ioff[:7])) and np.all(np.isfinite(igain[:7]))
            and np.all(np.isfinite(voff)) and np.all(np.isfinite(vgain))):
        raise CalibrationError("calibration vectors must be finite")
    return ioff, igain, voff, vgain


class CalibrationHistory:
    """Calibrations with the first sample id each one applies to (sorted, append-only)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to the default calibration (offset 0, gain 1: values are raw codes)."""
        ioff, igain, voff, vgain = calibration_tables([0.0] * 7, [1.0] * 7, [0.0] * 2, [1.0] * 2)
        self.start_ids = np.zeros(1, dtype=np.int64)
        self.i_offset = ioff[None, :].copy()
        self.i_gain = igain[None, :].copy()
        self.v_offset = voff[None, :].copy()
        self.v_gain = vgain[None, :].copy()

    def set(self, sample_id: int, current_offset, current_gain, voltage_offset,
            voltage_gain) -> None:
        """Apply a calibration from ``sample_id`` on (earlier samples keep theirs)."""
        ioff, igain, voff, vgain = calibration_tables(
            current_offset, current_gain, voltage_offset, voltage_gain)
        sample_id = int(sample_id)
        keep = self.start_ids < sample_id
        self.start_ids = np.concatenate([self.start_ids[keep], [sample_id]]).astype(np.int64)
        self.i_offset = np.concatenate([self.i_offset[keep], ioff[None]])
        self.i_gain = np.concatenate([self.i_gain[keep], igain[None]])
        self.v_offset = np.concatenate([self.v_offset[keep], voff[None]])
        self.v_gain = np.concatenate([self.v_gain[keep], vgain[None]])

    def forget_before(self, sample_id: int) -> None:
        """Drop calibrations that no longer cover any sample at or after ``sample_id``."""
        idx = int(np.searchsorted(self.start_ids, sample_id, side="right")) - 1
        if idx > 0:
            self.start_ids = self.start_ids[idx:]
            self.i_offset = self.i_offset[idx:]
            self.i_gain = self.i_gain[idx:]
            self.v_offset = self.v_offset[idx:]
            self.v_gain = self.v_gain[idx:]

    @property
    def table(self) -> np.ndarray:
        """All calibrations as one (segments, 22) float32 array: i_offset (9), i_gain (9),
        v_offset (2), v_gain (2)."""
        return np.ascontiguousarray(np.concatenate(
            [self.i_offset, self.i_gain, self.v_offset, self.v_gain], axis=1), dtype=np.float32)

    @property
    def current(self):
        """The latest calibration tables (i_offset, i_gain, v_offset, v_gain)."""
        return self.i_offset[-1], self.i_gain[-1], self.v_offset[-1], self.v_gain[-1]

    def segments(self, start: int, stop: int):
        """Yield (seg_start, seg_stop, index) covering ``[start, stop)``."""
        ids = self.start_ids
        idx = max(0, int(np.searchsorted(ids, start, side="right")) - 1)
        pos = start
        while pos < stop:
            nxt = int(ids[idx + 1]) if idx + 1 < len(ids) else stop
            end = min(stop, nxt)
            if end > pos:
                yield pos, end, idx
            pos = end
            idx += 1


__all__ = ["CalibrationHistory", "calibration_tables"]
