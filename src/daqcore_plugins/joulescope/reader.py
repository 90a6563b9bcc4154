"""``DataReader``: read JLS v1 recordings (joulescope's ``DataReader`` API, fixed).

Compared with joulescope's reader: ``out=`` works for ``data_get`` and ``get_reduction``;
increments above the stored reduction are exact windows of ``increment`` samples (not
rounded to multiples of the reduction); ``input_sampling_frequency`` is the input rate;
files that were never closed open with every complete block; bad files raise
:class:`~daqcore_plugins.joulescope.errors.JlsFormatError` naming the offset. The format is
recognised from the content (JLS v1 here, HDF5 through :mod:`.h5_recording`).
"""

from __future__ import annotations

import logging
import mmap
import os
from types import TracebackType
from typing import Any, BinaryIO

import numpy as np

from .block_stats import block_stats_numpy
from .errors import JlsFormatError, OutputArrayError, RecordingError
from .jls_container import MAGIC, RecordHeader, array_unpack, check_record_crc, record_payload
from .jls_index import JlsIndex, decode_reductions, index_file
from .kernels import NUMBA_AVAILABLE
from .raw_processor import SUPPRESS_SAMPLES_MAX, RawProcessor
from .stats import (
    STATS_DTYPE,
    STATS_FIELD_COUNT,
    STATS_FIELD_NAMES,
    combine_plain,
    pack_records,
    stats_array_factory,
    stats_to_api,
)

log = logging.getLogger(__name__)

_UNITS = {"current": "A", "voltage": "V", "power": "W", "raw_current": "LSBs",
          "raw_voltage": "LSBs", "raw": "", "bits": "", "current_range": "", "current_lsb": "",
          "voltage_lsb": "", "current_voltage": ""}
_DEFAULT_RAW_FIELDS = ["current", "voltage", "power", "current_range", "current_lsb",
                       "voltage_lsb", "raw"]
_U8_SCALE = {3: 1.0 / 16, 4: 1.0 / 15, 5: 1.0 / 15}


def _block_stats(ci: np.ndarray, cv: np.ndarray, bits: np.ndarray, n: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if NUMBA_AVAILABLE:
        from .block_stats import block_stats_numba

        return block_stats_numba(ci, cv, bits, n)
    return block_stats_numpy(ci, cv, bits, n)


class DataReader:
    """Read a Joulescope recording (JLS v1).

    ``DataReader().open(path_or_file)`` (or ``DataReader(path)``); a context manager.
    """

    def __init__(self, filehandle: str | os.PathLike[str] | BinaryIO | None = None) -> None:
        self.raw_processor = RawProcessor()
        self._buf: memoryview | None = None
        self._mmap: mmap.mmap | None = None
        self._owned: BinaryIO | None = None
        self._idx = JlsIndex()
        self._red: dict[str, np.ndarray] | None = None
        self._checked: set[int] = set()
        self._voltage_range = 0
        self.config: dict[str, Any] | None = None
        self.footer: dict[str, Any] | None = None
        self.user_data: Any = None
        self.footer_user_data: Any = None
        self.calibration: Any = None
        if filehandle is not None:
            self.open(filehandle)

    # ------------------------------------------------------------------ open / close
    def __enter__(self) -> DataReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def open(self, filehandle: str | os.PathLike[str] | BinaryIO) -> DataReader:
        """Open a recording (path or seekable binary file object); return self.

        The format comes from the content: a path to an HDF5 recording turns this reader
        into an ``H5DataReader`` (:mod:`daqcore_plugins.joulescope.h5_recording`) (same API).
        """
        self.close()
        if isinstance(filehandle, (str, os.PathLike)) and type(self) is DataReader:
            from .recording import recording_format

            if os.path.isfile(filehandle) and os.path.getsize(filehandle) >= 16 and \
                    recording_format(filehandle) == "h5":
                from .h5_recording import H5DataReader

                self.__class__ = H5DataReader  # same state and API, HDF5 storage
                self._h5 = None
                return H5DataReader.open(self, filehandle)  # type: ignore[arg-type]
        try:
            if isinstance(filehandle, (str, os.PathLike)):
                self._owned = open(filehandle, "rb")
                size = os.fstat(self._owned.fileno()).st_size
                if size == 0:
                    raise JlsFormatError(f"{os.fspath(filehandle)!r} is empty: not a recording")
                self._mmap = mmap.mmap(self._owned.fileno(), 0, access=mmap.ACCESS_READ)
                self._buf = memoryview(self._mmap)
            else:
                filehandle.seek(0)
                self._buf = memoryview(filehandle.read())
            if bytes(self._buf[:16]) != MAGIC:
                raise JlsFormatError("not a JLS v1 recording: bad magic at offset 0 (for HDF5 "
                                     "recordings use open_recording())")
            self._idx = index_file(self._buf)
        except BaseException:
            self.close()
            raise
        idx = self._idx
        self.config = dict(idx.config or {})
        self.config.setdefault("data_format", "raw")
        self.config.setdefault("reduction_format", "v1")
        self.footer = idx.footer
        self.user_data = idx.user_data
        self.footer_user_data = idx.footer_user_data
        self.calibration = idx.calibration
        cal = idx.calibration
        self.raw_processor.calibration_set(cal.current_offset, cal.current_gain,
                                           cal.voltage_offset, cal.voltage_gain)
        self._rec_start = np.asarray([*idx.rec_start, idx.samples], dtype=np.int64)
        if idx.rec_vrange:
            self._voltage_range = idx.rec_vrange[0]
        return self

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._buf is not None:
            self._buf.release()
        self._buf = None
        if self._mmap is not None:
            try:
                self._mmap.close()
            except BufferError:  # views still exported: released with them
                pass
            self._mmap = None
        if self._owned is not None:
            self._owned.close()
            self._owned = None
        self._red = None
        self._checked = set()

    @property
    def is_open(self) -> bool:
        return self._buf is not None

    def _require_open(self) -> memoryview:
        if self._buf is None:
            raise RecordingError("the DataReader is not open")
        return self._buf

    @property
    def recovered(self) -> str:
        """Why the file was recovered ('' for a properly closed file)."""
        return self._idx.recovered

    def __str__(self) -> str:
        if self._buf is None:
            return "DataReader (closed)"
        return f"DataReader {self.duration:.2f} seconds ({self.sample_id_range[1]} samples)"

    def summary_string(self) -> str:
        lines = [str(self)]
        for name in ("sampling_frequency", "samples_per_reduction", "samples_per_tlv",
                     "samples_per_block", "data_format"):
            lines.append(f"    {name} = {(self.config or {}).get(name)!r}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ properties
    @property
    def sample_id_range(self) -> list[int]:
        """``[0, samples]`` (file sample ids start at 0)."""
        if self._buf is None or self.footer is None:
            return [0, 0]
        return [0, int(self.footer["size"])]

    def _frequency(self, key: str) -> float:
        f = 0.0
        if self._buf is not None and self.config is not None:
            f = float(self.config.get(key, self.config.get("sampling_frequency", 0.0)) or 0.0)
        if f <= 0.0:
            log.warning("invalid %s %r, assuming 1.0 Hz", key, f)
            f = 1.0
        return f

    @property
    def sampling_frequency(self) -> float:
        """The output (stored) sampling frequency in Hz (1.0 for an empty file)."""
        return self._frequency("sampling_frequency")

    @property
    def output_sampling_frequency(self) -> float:
        return self.sampling_frequency

    @property
    def input_sampling_frequency(self) -> float:
        """The device's input rate (the stored rate when the file does not say)."""
        return self._frequency("input_sampling_frequency")

    @property
    def reduction_frequency(self) -> float:
        f = 0.0
        if self._buf is not None and self.config:
            spr = float(self.config.get("samples_per_reduction", 0) or 0)
            f = float(self.config.get("sampling_frequency", 0.0)) / spr if spr > 0 else 0.0
        return f if f > 0.0 else 1.0

    @property
    def duration(self) -> float:
        r = self.sample_id_range
        return (r[1] - r[0]) / self.sampling_frequency

    @property
    def voltage_range(self) -> int:
        """Voltage range (0 = 15 V, 1 = 5 V) of the block read last."""
        return self._voltage_range

    @property
    def data_format(self) -> str:
        return str((self.config or {}).get("data_format", "none"))

    # ------------------------------------------------------------------ time arguments
    def time_to_sample_id(self, t: float | None) -> int | None:
        """``int(t * fs)``, or None (with a log warning) outside the file."""
        if t is None:
            return None
        s_min, s_max = self.sample_id_range
        s = int(t * self.sampling_frequency)
        if s < s_min or s > s_max:
            fs = self.sampling_frequency
            log.warning("time %.6f s outside the recording [%r, %r]", t, s_min / fs, s_max / fs)
            return None
        return s

    def sample_id_to_time(self, s: int | None) -> float | None:
        return None if s is None else s / self.sampling_frequency

    def normalize_time_arguments(self, start: float | int | None, stop: float | int | None,
                                 units: str | None = None) -> tuple[int, int]:
        """``(start_sample, stop_sample)`` from times or sample ids.

        ``units`` None or ``'samples'``: sample ids, negative values count from the end;
        ``'seconds'``: times from the file start, a time outside the file becomes the file
        bound (as joulescope). None is the first / last sample. Sample ids outside the file
        raise :class:`RecordingError`.
        """
        self._require_open()
        s_min, s_max = self.sample_id_range
        if units == "seconds":
            start = self.time_to_sample_id(start)
            stop = self.time_to_sample_id(stop)
        elif units is None or units == "samples":
            if start is not None and start < 0:
                start = s_max + int(start)
            if stop is not None and stop < 0:
                stop = s_max + int(stop)
        else:
            raise RecordingError(f"invalid time units {units!r}: use 'seconds' or 'samples'")
        s1 = s_min if start is None else int(start)
        s2 = s_max if stop is None else int(stop)
        if s1 == s_min and s1 == s2:
            pass
        elif not s_min <= s1 < s_max:
            raise RecordingError(f"start sample {s1} outside the recording [{s_min}, {s_max})")
        elif not s_min <= s2 <= s_max:
            raise RecordingError(f"stop sample {s2} outside the recording [{s_min}, {s_max}]")
        return s1, max(s1, s2)

    # ------------------------------------------------------------------ sample access
    def _payload(self, r: int) -> memoryview:
        buf = self._require_open()
        pos = self._idx.rec_pos[r]
        length = self._idx.rec_len[r]
        if r not in self._checked:
            check_record_crc(buf, RecordHeader(pos - 8, bytes(buf[pos - 8:pos - 5]), 0, length))
            self._checked.add(r)
        return buf[pos:pos + length]

    def _records(self, start: int, stop: int):
        """Yield (record index, offset in record, count, output offset) covering
        ``[start, stop)``."""
        r = int(np.searchsorted(self._rec_start, start, side="right")) - 1
        pos = start
        while pos < stop:
            r0 = int(self._rec_start[r])
            count = int(self._idx.rec_count[r])
            a = pos - r0
            n = min(count - a, stop - pos)
            yield r, a, n, pos - start
            pos += n
            r += 1

    def _raw_words(self, start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, 2), dtype=np.uint16)
        for r, a, n, o in self._records(start, stop):
            words = np.frombuffer(self._payload(r), dtype="<u2").reshape(-1, 2)
            out[o:o + n] = words[a:a + n]
        return out

    def _raw(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(raw words, bits, calibrated (N, 2)) of ``[start, stop)``, re-processed with
        ``SUPPRESS_SAMPLES_MAX`` extra samples on each side (suppression as recorded)."""
        s_max = self.sample_id_range[1]
        a = max(0, start - SUPPRESS_SAMPLES_MAX)
        b = min(s_max, stop + SUPPRESS_SAMPLES_MAX)
        words = self._raw_words(a, b)
        proc = self.raw_processor
        proc.reset()
        vr = self._idx.rec_vrange
        r0 = int(np.searchsorted(self._rec_start, start, side="right")) - 1
        self._voltage_range = vr[r0] if vr else 0
        proc.voltage_range = self._voltage_range
        cal, bits = proc.process_bulk(words)
        if vr and min(vr) != max(vr):
            self._fix_voltage_ranges(a, words, cal)
        j = start - a
        return words[j:j + stop - start], bits[j:j + stop - start], cal[j:j + stop - start]

    def _fix_voltage_ranges(self, a: int, words: np.ndarray, cal: np.ndarray) -> None:
        """Recalibrate voltages of records whose voltage range differs from the first."""
        cal_ = self._idx.calibration
        for r, _off, n, o in self._records(a, a + len(words)):
            v = self._idx.rec_vrange[r]
            if v == self._voltage_range:
                continue
            seg = cal[o:o + n, 1]
            ok = np.isfinite(seg)
            code = (words[o:o + n, 1] >> 2).astype(np.float32)
            new = (code + np.float32(cal_.voltage_offset[v])) * np.float32(cal_.voltage_gain[v])
            seg[ok] = new[ok]

    def _float_fields(self, start: int, stop: int, fields: list[str]) -> dict[str, np.ndarray]:
        out = {f: np.empty(stop - start, dtype=np.float32) for f in fields}
        for r, a, n, o in self._records(start, stop):
            arrays, _ = array_unpack(bytes(self._payload(r)),
                                     f" in the sample record at offset {self._idx.rec_pos[r] - 8}")
            for f in fields:
                i = STATS_FIELD_NAMES.index(f)
                x = arrays[(i << 4) | 1][a:a + n]
                out[f][o:o + n] = x * np.float32(_U8_SCALE[i]) if i in _U8_SCALE else x
        return out

    def _decoded(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(current, voltage, bits) of ``[start, stop)`` for statistics."""
        if self.data_format == "raw":
            _, bits, cal = self._raw(start, stop)
            return cal[:, 0], cal[:, 1], bits
        d = self._float_fields(start, stop, list(STATS_FIELD_NAMES))
        bits = (np.rint(d["current_range"]).astype(np.uint8)
                | (np.rint(d["current_lsb"]).astype(np.uint8) << 4)
                | (np.rint(d["voltage_lsb"]).astype(np.uint8) << 5))
        return d["current"], d["voltage"], bits

    def samples_get(self, start: float | int | None = None, stop: float | int | None = None,
                    units: str | None = None, fields: str | list[str] | None = None) -> Any:
        """Exact samples of a range as joulescope's dict (``time`` and ``signals``).

        A single field name returns just that array. Returns None for a file without data.
        """
        s1, s2 = self.normalize_time_arguments(start, stop, units)
        fmt = self.data_format
        if fmt == "none":
            return None
        single = isinstance(fields, str)
        names = [fields] if isinstance(fields, str) else list(
            fields or (_DEFAULT_RAW_FIELDS if fmt == "raw" else STATS_FIELD_NAMES))
        for f in names:
            if f not in _UNITS or (fmt != "raw" and f not in STATS_FIELD_NAMES
                                   and f != "current_voltage"):
                raise RecordingError(f"field {f!r} is not available in a {fmt!r} recording")
        fs = self.sampling_frequency
        result: dict[str, Any] = {
            "time": {
                "range": {"value": [s1 / fs, s2 / fs], "units": "s"},
                "delta": {"value": (s2 - s1) / fs, "units": "s"},
                "sample_id_range": {"value": [s1, s2], "units": "samples"},
                "sample_id_limits": {"value": self.sample_id_range, "units": "samples"},
                "samples": {"value": s2 - s1, "units": "samples"},
                "input_sampling_frequency": {"value": self.input_sampling_frequency,
                                             "units": "Hz"},
                "output_sampling_frequency": {"value": fs, "units": "Hz"},
                "sampling_frequency": {"value": fs, "units": "Hz"},
            },
            "signals": {},
        }
        signals = result["signals"]
        if fmt == "raw":
            raw, bits, cal = self._raw(s1, s2)
            for f in names:
                entry: dict[str, Any] = {"units": _UNITS[f]}
                if f == "current":
                    v: np.ndarray = cal[:, 0]
                elif f == "voltage":
                    v = cal[:, 1]
                elif f == "power":
                    v = cal[:, 0] * cal[:, 1]
                elif f == "current_voltage":
                    v = cal
                elif f == "raw":
                    v = raw
                    entry["voltage_range"] = self._voltage_range
                elif f == "raw_current":
                    v = raw[:, 0] >> 2
                elif f == "raw_voltage":
                    v = raw[:, 1] >> 2
                elif f == "bits":
                    v = bits
                elif f == "current_range":
                    v = bits & 0x0F
                elif f == "current_lsb":
                    v = (bits >> 4) & 1
                else:
                    v = (bits >> 5) & 1
                entry["value"] = v
                signals[f] = entry
        else:
            want = [f for f in names if f != "current_voltage"]
            if "current_voltage" in names:
                want = sorted(set(want) | {"current", "voltage"}, key=STATS_FIELD_NAMES.index)
            d = self._float_fields(s1, s2, want)
            for f in names:
                v = np.stack([d["current"], d["voltage"]], axis=1) if f == "current_voltage" \
                    else d[f]
                signals[f] = {"value": v, "units": _UNITS[f]}
        if single:
            return signals[names[0]]["value"]
        return result

    # ------------------------------------------------------------------ reductions
    def _reductions(self) -> dict[str, np.ndarray]:
        if self._red is None:
            buf = self._require_open()
            cfg = self.config or {}
            spr = int(cfg.get("samples_per_reduction", 1) or 1)
            n = self.sample_id_range[1] // spr
            red: dict[str, np.ndarray] = {name: np.full((n, STATS_FIELD_COUNT), np.nan)
                   for name in ("mean", "m2", "min", "max")}
            red["k"] = np.zeros(n, dtype=np.int64)
            for b0, rec in zip(self._idx.block_start, self._idx.block_red):
                part = decode_reductions(record_payload(buf, rec), cfg,
                                         f" in the reductions at offset {rec.position}")
                first = b0 // spr
                m = min(len(part["k"]), n - first)
                if m <= 0:
                    continue
                for name, x in part.items():
                    red[name][first:first + m] = x[:m]
            self._red = red
        return self._red

    def get_reduction(self, start: float | int | None = None, stop: float | int | None = None,
                      units: str | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """Stored reductions (``samples_per_reduction`` samples each) covering the range."""
        s1, s2 = self.normalize_time_arguments(start, stop, units)
        spr = int((self.config or {}).get("samples_per_reduction", 1) or 1)
        r0 = s1 // spr
        n = (s2 - s1) // spr
        if n <= 0 or self.data_format == "none":
            return stats_array_factory(0)
        out = self._check_out(out, n)
        red = self._reductions()
        n = min(n, len(red["k"]) - r0)
        sl = slice(r0, r0 + n)
        return pack_records(red["k"][sl], red["mean"][sl], red["m2"][sl], red["min"][sl],
                            red["max"][sl], out=out[:n])

    @staticmethod
    def _check_out(out: np.ndarray | None, n: int) -> np.ndarray:
        if out is None:
            return np.empty((n, STATS_FIELD_COUNT), dtype=STATS_DTYPE)
        if (not isinstance(out, np.ndarray) or out.dtype != STATS_DTYPE or out.ndim != 2
                or out.shape[1] != STATS_FIELD_COUNT or len(out) < n):
            raise OutputArrayError(
                f"out must be np.ndarray((>= {n}, {STATS_FIELD_COUNT}), STATS_DTYPE), got "
                f"{getattr(out, 'shape', None)} {getattr(out, 'dtype', type(out))}")
        return out

    # ------------------------------------------------------------------ statistics
    def _window_plain(self, a: int, b: int):
        """Exact statistics of ``[a, b)``: stored reductions for the aligned middle, samples
        for the edges. Returns (k, mean, m2, min, max) with shapes (), (6,)."""
        spr = int((self.config or {}).get("samples_per_reduction", 1) or 1)
        k1 = -(-a // spr) * spr
        k2 = (b // spr) * spr
        parts = []
        if k1 < k2:
            red = self._reductions()
            sl = slice(k1 // spr, k2 // spr)
            parts.append((red["k"][sl], red["mean"][sl], red["m2"][sl], red["min"][sl],
                          red["max"][sl]))
            edges = [(a, k1), (k2, b)]
        else:
            edges = [(a, b)]
        for x, y in edges:
            if y > x:
                ci, cv, bits = self._decoded(x, y)
                parts.append(_block_stats(ci, cv, bits, y - x))
        k = np.concatenate([p[0] for p in parts])
        mean, m2, mn, mx = (np.concatenate([p[i] for p in parts]) for i in range(1, 5))
        return combine_plain(k, mean, m2, mn, mx, axis=0)

    def statistics_get(self, start: float | int | None = None, stop: float | int | None = None,
                       units: str | None = None) -> dict[str, Any]:
        """Exact statistics of a range as joulescope's API dict (``stats_to_api``)."""
        s1, s2 = self.normalize_time_arguments(start, stop, units)
        if s1 == s2:
            s2 = s1 + 1  # as joulescope: always try to produce statistics
        fs = self.sampling_frequency
        if self.data_format == "none" or s2 > self.sample_id_range[1]:
            return stats_to_api(None, s1 / fs, s2 / fs)
        k, mean, m2, mn, mx = self._window_plain(s1, s2)
        rec = pack_records(np.atleast_1d(k), mean[None], m2[None], mn[None], mx[None])[0]
        return stats_to_api(rec, s1 / fs, s2 / fs)

    def data_get(self, start: float | int | None, stop: float | int | None,
                 increment: int | None = None, units: str | None = None,
                 out: np.ndarray | None = None) -> np.ndarray:
        """Statistics of consecutive windows of ``increment`` samples (the last partial
        window is dropped). ``increment`` 1 gives one row per sample (mean only, variance 0,
        min/max NaN). Every window is exact, whatever the increment."""
        s1, s2 = self.normalize_time_arguments(start, stop, units)
        inc = 1 if increment is None else max(1, round(increment))
        n = (s2 - s1) // inc
        if n <= 0 or self.data_format == "none":
            return stats_array_factory(0)
        out = self._check_out(out, n)
        rows = out[:n]
        spr = int((self.config or {}).get("samples_per_reduction", 1) or 1)
        b = s1 + n * inc
        if inc == 1:
            ci, cv, bits = self._decoded(s1, b)
            rows["length"] = 1
            rows["variance"] = 0.0
            rows["min"] = np.nan
            rows["max"] = np.nan
            cols = [ci, cv, ci * cv, bits & 0x0F, (bits >> 4) & 1, (bits >> 5) & 1]
            for f, col in enumerate(cols):
                rows["mean"][:, f] = col
        elif inc % spr == 0 and s1 % spr == 0:
            red = self._reductions()
            g = inc // spr
            sl = slice(s1 // spr, s1 // spr + n * g)
            mean, m2, mn, mx = (red[name][sl].reshape(n, g, STATS_FIELD_COUNT)
                                for name in ("mean", "m2", "min", "max"))
            k, mean, m2, mn, mx = combine_plain(red["k"][sl].reshape(n, g), mean, m2, mn, mx,
                                                axis=1)
            pack_records(k, mean, m2, mn, mx, out=rows)
        elif inc < spr:
            ci, cv, bits = self._decoded(s1, b)
            k, mean, m2, mn, mx = _block_stats(ci, cv, bits, inc)
            pack_records(k, mean, m2, mn, mx, out=rows)
        else:
            for i in range(n):
                a = s1 + i * inc
                k, mean, m2, mn, mx = self._window_plain(a, a + inc)
                pack_records(np.atleast_1d(k), mean[None], m2[None], mn[None], mx[None],
                             out=rows[i:i + 1])
        return rows


__all__ = ["DataReader"]
