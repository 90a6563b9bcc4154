"""The state shared by the parts of the StreamBuffer (processing, USB input, queries).

:class:`~daqcore_plugins.joulescope.stream_buffer.StreamBuffer` is assembled from three
parts, each in its own module; this class declares (for readers and the type checker) the
attributes and methods they rely on. It holds no code: ``StreamBuffer.__init__`` sets
everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .calibration import CalibrationHistory
    from .decode import RingView
    from .glitch import SuppressMode
    from .reductions import ReductionLevels


class BufferState:
    """Attribute declarations of a StreamBuffer (no behaviour)."""

    # geometry
    _fs: float
    _length: int
    _ring_len: int
    _reductions: list[int]
    _user_reductions: list[int]
    _use_numba: bool
    # storage
    _raw: np.ndarray
    _flags: np.ndarray
    _levels: ReductionLevels
    _cal: CalibrationHistory
    _view: RingView
    # counters and positions
    device_sample_id: int
    processed_sample_id: int
    _preprocessed_sample_id: int
    _valid_from: int
    _sample_missing_count: int
    _skip_count: int
    _sample_sync_count: int
    _contiguous_count: int
    _is_skipping: bool
    _toggle_last: int
    _toggle_seen: bool
    _last_range: int
    _charge_picocoulomb: int
    _energy_picojoules: int
    # USB input
    _voltage_range: int
    _usb_voltage_range: int
    _packet_index: int
    _packet_missing_count: int
    _packet_type_invalid_count: int
    _packet_data_invalid_count: int
    # processing
    _suppress: SuppressMode
    _callback: Callable[[dict[str, Any]], object] | None
    _win_starts: np.ndarray
    _win_ends: np.ndarray
    # cached kernel arguments
    _kargs_levels: tuple[Any, ...]
    _kargs_cal: tuple[Any, ...]
    _kargs_stats: tuple[Any, ...]
    _cal_ids: np.ndarray
    _cal_table: np.ndarray
    _step0: int

    if TYPE_CHECKING:  # implemented by the parts / StreamBuffer
        @property
        def sample_id_range(self) -> tuple[int, int]: ...

        def sample_id_to_time(self, s: int) -> float: ...

        def _check_stop(self) -> bool: ...

        def _write_raw(self, words: np.ndarray, vrange: Any) -> None: ...

        def _decode(self, start: int, stop: int, power: bool = False,
                    bits: bool = True) -> tuple[np.ndarray, ...]: ...

        def _block_stats(self, ci: np.ndarray, cv: np.ndarray, bits: np.ndarray,
                         block_len: int) -> tuple[np.ndarray, ...]: ...

        def _range_stats(self, starts: np.ndarray, stops: np.ndarray,
                         out: np.ndarray | None = None) -> np.ndarray: ...

        def _statistics_one(self, start: int, stop: int, out: np.ndarray) -> list[int]: ...

        def _direct_rows(self, start: int, stop: int, rows: np.ndarray) -> None: ...


__all__ = ["BufferState"]
