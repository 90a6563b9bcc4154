"""Joulescope recordings in HDF5, laid out as PyMoDAQ files, readable while recording.

Layout (written through :mod:`daqcore.saving`'s ``H5SaverLowLevel``, SWMR when the backend
is h5py)::

    /RawData                         (PyMoDAQ raw group; attrs: the recording metadata)
      Detector000  title 'Joulescope'
        Data0D
          Ch000 'current'   Data00  float32 (N,)   A
          Ch001 'voltage'   Data00  float32 (N,)   V
          Ch002 'bits'      Data00  uint8   (N,)   current range | current_lsb<<4 | voltage_lsb<<5
        Reductions                   (the reduction pyramid, one group per level)
          Level0  (samples_per_reduction samples per row), Level1 (x 100) ...
            Length (N,) uint64, Mean / Variance / Min / Max (N, 6) float64

``Variance`` holds sums of squared deviations (as joulescope's records). Power is computed
on reading (float32 current * voltage, as everywhere in the plugin).

:class:`H5Recorder` has the recording API of :class:`~.recorder.DataRecorder`
(``stream_notify``, ``close``, context manager); it is the small writer class that a saving
stream sink (consuming ``BlockRecord``s) can replace later. :class:`H5DataReader` has the
:class:`~.reader.DataReader` API; :func:`~.recording.open_recording` picks it from the content.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from .errors import JlsFormatError, RecordingError
from .reader import DataReader
from .recorder import StreamSource
from .stats import STATS_FIELD_COUNT, stats_array_factory
from .stats_v0 import reduction_downsample

FORMAT_NAME = "daqcore-joulescope-h5"
FORMAT_VERSION = 1
SAMPLES_PER_REDUCTION = 20000
#: Each pyramid level above 0 combines this many rows of the level below.
LEVEL_FACTOR = 100
LEVELS = 2
_CHANNELS = (("current", "A", np.float32), ("voltage", "V", np.float32),
             ("bits", "", np.uint8))
_STATS = ("Mean", "Variance", "Min", "Max")


class H5Recorder:
    """Record a Joulescope stream buffer to an HDF5 file (see the module docstring).

    Parameters are those of :class:`~.recorder.DataRecorder` (``calibration`` is stored as
    an attribute when it is a calibration blob) plus ``swmr`` (default True: readers may open
    the file while it is written).
    """

    def __init__(self, path: str | os.PathLike[str], calibration: Any = None,
                 user_data: Any = None, *, start_sample_id: int | None = None,
                 stop_sample_id: int | None = None, swmr: bool = True) -> None:
        self._path = Path(path)
        self._calibration = getattr(calibration, "data", calibration)
        self._user_data = user_data
        self._start_sample_id = start_sample_id
        self._stop_sample_id = stop_sample_id
        self._swmr = swmr
        self._saver: Any = None
        self._source: StreamSource | None = None
        self._next = 0
        self._total = 0
        self._level0_pending = stats_array_factory(0)
        self._closed = False
        self._arrays: dict[str, Any] = {}

    def __enter__(self) -> H5Recorder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def sample_count(self) -> int:
        return self._total

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def next_sample_id(self) -> int:
        """Stream sample id of the next sample to record."""
        return self._next

    def _create(self, fs: float, input_fs: float) -> None:
        from daqcore.saving import H5SaverLowLevel

        saver = H5SaverLowLevel(save_type="custom", backend="h5py")
        meta = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "sampling_frequency": fs, "input_sampling_frequency": input_fs,
                "samples_per_reduction": SAMPLES_PER_REDUCTION, "level_factor": LEVEL_FACTOR,
                "user_data": json.dumps(self._user_data)}
        try:
            saver.init_file(self._path, new_file=True, metadata=meta, swmr_mode=self._swmr)
            det = saver.add_incremental_group("detector", saver.raw_group, title="Joulescope")
            data0d = saver.add_group("Data0D", "data_dim", det, title="Data0D")
            for name, units, dtype in _CHANNELS:
                ch = saver.add_incremental_group("ch", data0d, title=name)
                self._arrays[name] = saver.add_array(
                    ch, "Data00", "data", data_shape=(), array_type=dtype, enlargeable=True,
                    data_dimension="Data0D",
                    title=name, metadata={"units": units, "label": name})
            red = saver.get_set_group(det, "Reductions", title="reduction pyramid")
            for level in range(LEVELS):
                g = saver.get_set_group(red, f"Level{level}",
                                        title=f"{SAMPLES_PER_REDUCTION * LEVEL_FACTOR ** level}"
                                              " samples per row")
                self._arrays[f"L{level}_Length"] = saver.add_array(
                    g, "Length", "data", data_shape=(), array_type=np.uint64, enlargeable=True)
                for stat in _STATS:
                    self._arrays[f"L{level}_{stat}"] = saver.add_array(
                        g, stat, "data", data_shape=(STATS_FIELD_COUNT,), array_type=np.float64,
                        enlargeable=True)
            if isinstance(self._calibration, (bytes, bytearray)):
                det.attrs["calibration_hex"] = bytes(self._calibration).hex()
            if self._swmr:
                saver.enable_swmr()
        except BaseException:
            saver.close_file()
            raise
        self._saver = saver

    def _append_reductions(self, level: int, rows: np.ndarray) -> None:
        a = self._arrays
        a[f"L{level}_Length"].append(rows[:, 0]["length"].astype(np.uint64))
        for stat in _STATS:
            a[f"L{level}_{stat}"].append(np.ascontiguousarray(rows[stat.lower()],
                                                              dtype=np.float64))

    def stream_notify(self, stream_buffer: StreamSource | None) -> bool:
        """Write the samples newly available in ``stream_buffer`` (None: flush the rest)."""
        if self._closed:
            raise RecordingError("stream_notify on a closed H5Recorder")
        finalize = stream_buffer is None
        if stream_buffer is None:
            if self._source is None:
                return False
            stream_buffer = self._source
        sb_start, sb_stop = (int(x) for x in stream_buffer.sample_id_range)
        if self._stop_sample_id is not None and sb_stop >= int(self._stop_sample_id):
            sb_stop = int(self._stop_sample_id)
            finalize = True  # the recording is complete
        if self._source is None:
            fs = float(stream_buffer.output_sampling_frequency)
            self._create(fs, float(getattr(stream_buffer, "input_sampling_frequency", fs)))
            first = sb_stop if self._start_sample_id is None else int(self._start_sample_id)
            if not sb_start <= first <= sb_stop:
                raise RecordingError(f"start_sample_id {first} is not held by the stream "
                                     f"buffer (holds [{sb_start}, {sb_stop}))")
            self._source = stream_buffer
            self._next = first
        elif stream_buffer is not self._source:
            raise RecordingError("an H5Recorder records from a single stream buffer")
        if sb_start > self._next:
            raise RecordingError(f"samples [{self._next}, {sb_start}) were overwritten in the "
                                 "stream buffer before they were recorded")
        spr = SAMPLES_PER_REDUCTION
        stop = sb_stop if finalize else self._next + ((sb_stop - self._next) // spr) * spr
        while self._next < stop:
            b = min(stop, self._next + 20 * spr)
            d = stream_buffer.samples_get(self._next, b, fields=["current", "voltage", "bits"])
            for name, _, dtype in _CHANNELS:
                self._arrays[name].append(np.asarray(d["signals"][name]["value"], dtype=dtype))
            rows = (b - self._next) // spr
            if rows:
                red = stream_buffer.data_get(self._next, self._next + rows * spr, spr)
                self._append_reductions(0, red)
                self._level0_pending = np.concatenate([self._level0_pending, red])
                full = len(self._level0_pending) // LEVEL_FACTOR
                if full:
                    up = reduction_downsample(self._level0_pending, 0, full * LEVEL_FACTOR,
                                              LEVEL_FACTOR)
                    self._append_reductions(1, up)
                    self._level0_pending = self._level0_pending[full * LEVEL_FACTOR:]
            self._total += b - self._next
            self._next = b
            self._saver.flush()
        return False

    def close(self, footer_user_data: Any = None) -> None:
        """Write the remaining samples and close the file."""
        if self._closed:
            return
        try:
            if self._source is not None:
                self.stream_notify(None)
            elif self._saver is None:
                self._create(1.0, 1.0)
        finally:
            self._closed = True
            if self._saver is not None:
                self._saver.close_file()
                self._saver = None


def _attrs(node: Any) -> dict[str, Any]:
    from daqcore.saving import decode_attribute

    return {k: decode_attribute(v) for k, v in node.attrs.items()}


def _find_detector(h5: Any) -> Any:
    raw = h5.get("RawData")
    if raw is None or _attrs(raw).get("format") != FORMAT_NAME:
        raise JlsFormatError("HDF5 file is not a daqcore Joulescope recording (no "
                             f"/RawData with format {FORMAT_NAME!r})")
    for name in sorted(raw):
        if name.startswith("Detector"):
            return raw, raw[name]
    raise JlsFormatError("HDF5 recording without a Detector group")


class H5DataReader(DataReader):
    """Read an HDF5 Joulescope recording with the :class:`DataReader` API (SWMR-aware: a
    file being written shows the samples flushed so far; call :meth:`refresh`)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._h5: Any = None
        super().__init__(None)
        if path is not None:
            self.open(path)

    def open(self, filehandle: Any) -> H5DataReader:
        import h5py

        self.close()
        try:
            self._h5 = h5py.File(filehandle, "r", swmr=True)
        except (OSError, RuntimeError, ValueError) as exc:  # h5py's errors on bad files
            raise JlsFormatError(f"{filehandle!r} is not a readable HDF5 recording: {exc}"
                                 ) from None
        try:
            raw, det = _find_detector(self._h5)
            self._ds = {name: det[f"Data0D/Ch{i:03d}/Data00"]
                        for i, (name, _, _) in enumerate(_CHANNELS)}
            self._red_ds = det["Reductions/Level0"]
            attrs = _attrs(raw)
            self.config = {
                "sampling_frequency": float(attrs["sampling_frequency"]),
                "input_sampling_frequency": float(attrs["input_sampling_frequency"]),
                "samples_per_reduction": int(attrs["samples_per_reduction"]),
                "data_format": "float32",
            }
            self.user_data = json.loads(attrs.get("user_data", "null"))
        except (KeyError, ValueError) as exc:
            self.close()
            raise JlsFormatError(f"malformed HDF5 Joulescope recording: {exc}") from None
        self.refresh()
        return self

    def refresh(self) -> None:
        """See samples appended since opening (SWMR readers)."""
        for ds in (*self._ds.values(), *self._red_ds.values()):
            ds.refresh()
        n = min(len(ds) for ds in self._ds.values())
        self.footer = {"type": "footer", "size": int(n)}
        self._red = None

    def close(self) -> None:
        if getattr(self, "_h5", None) is not None:
            self._h5.close()
        self._h5 = None
        super().close()

    @property
    def is_open(self) -> bool:
        return self._h5 is not None

    def _require_open(self) -> Any:
        if self._h5 is None:
            raise RecordingError("the reader is not open")
        return self._h5

    @property
    def sample_id_range(self) -> list[int]:
        if self._h5 is None or self.footer is None:
            return [0, 0]
        return [0, int(self.footer["size"])]

    def _frequency(self, key: str) -> float:
        if self._h5 is None or not self.config:
            return 1.0
        return float(self.config.get(key, 1.0)) or 1.0

    @property
    def reduction_frequency(self) -> float:
        cfg = self.config or {}
        return float(cfg.get("sampling_frequency", 1.0)) / float(
            cfg.get("samples_per_reduction", 1) or 1)

    def _float_fields(self, start: int, stop: int, fields: list[str]) -> dict[str, np.ndarray]:
        ci = self._ds["current"][start:stop]
        cv = self._ds["voltage"][start:stop]
        bits = self._ds["bits"][start:stop]
        values = {"current": ci, "voltage": cv, "power": ci * cv,
                  "current_range": (bits & 0x0F).astype(np.float32),
                  "current_lsb": ((bits >> 4) & 1).astype(np.float32),
                  "voltage_lsb": ((bits >> 5) & 1).astype(np.float32)}
        return {f: values[f] for f in fields}

    def _decoded(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (self._ds["current"][start:stop], self._ds["voltage"][start:stop],
                self._ds["bits"][start:stop])

    def _reductions(self) -> dict[str, np.ndarray]:
        if self._red is None:
            g = self._red_ds
            n = self.sample_id_range[1] // int((self.config or {})["samples_per_reduction"])
            n = min(n, len(g["Length"]))
            self._red = {"k": g["Length"][:n].astype(np.int64), "mean": g["Mean"][:n],
                         "m2": g["Variance"][:n], "min": g["Min"][:n], "max": g["Max"][:n]}
        return self._red


def export_h5(reader: Any, out: str | os.PathLike[str]) -> int:
    """Copy a recording (any reader) into an HDF5 recording; return the sample count."""
    fs = reader.sampling_frequency
    s1 = reader.sample_id_range[1]
    rec = H5Recorder(out, user_data=reader.user_data, start_sample_id=0, swmr=False)
    view = _ReaderAsStream(reader, fs)
    try:
        rec.stream_notify(view)
        rec.stream_notify(None)
    finally:
        rec.close()
    return int(s1)


class _ReaderAsStream:
    """A recording seen as a (complete) stream buffer, for :meth:`H5Recorder.stream_notify`."""

    has_raw = False
    voltage_range = 0

    def __init__(self, reader: Any, fs: float) -> None:
        self._r = reader
        self.output_sampling_frequency = fs
        self.input_sampling_frequency = reader.input_sampling_frequency

    @property
    def sample_id_range(self) -> tuple[int, int]:
        s0, s1 = self._r.sample_id_range
        return s0, s1

    def __len__(self) -> int:
        return int(self._r.sample_id_range[1])

    def samples_get(self, start: int, stop: int, fields: Any = None) -> Any:
        d = self._r.samples_get(start, stop, fields=["current", "voltage", "current_range",
                                                     "current_lsb", "voltage_lsb"])
        s = d["signals"]
        bits = (np.rint(s["current_range"]["value"]).astype(np.uint8)
                | (np.rint(s["current_lsb"]["value"]).astype(np.uint8) << 4)
                | (np.rint(s["voltage_lsb"]["value"]).astype(np.uint8) << 5))
        s["bits"] = {"value": bits, "units": ""}
        return d

    def data_get(self, start: int, stop: int, increment: int | None = None,
                 out: np.ndarray | None = None) -> np.ndarray:
        return self._r.data_get(start, stop, increment, out=out)


__all__ = ["H5DataReader", "H5Recorder", "export_h5"]
