"""Reader (and writer) of ``.tcsv`` temperature logs: ``time_s,temperature_degC`` rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.errors import DaqcoreError

HEADER = "time_s,temperature_degC"


class TcsvFormatError(DaqcoreError, ValueError):
    """The file is not a valid ``.tcsv`` log."""


def write_tcsv(path: str | Path, times: np.ndarray, temperatures: np.ndarray) -> None:
    """Write a log (used by tests and by whoever records one)."""
    rows = "\n".join(
        f"{float(t)!r},{float(v)!r}" for t, v in zip(times, temperatures, strict=True)
    )
    Path(path).write_text(f"{HEADER}\n{rows}\n", encoding="utf-8")


def read_tcsv(path: str | Path) -> DataToExport:
    """Read a ``.tcsv`` log as one 1D DataRaw over a time axis."""
    text = Path(path).read_text(encoding="utf-8").splitlines()
    if not text or text[0].strip() != HEADER:
        raise TcsvFormatError(f"{path}: not a .tcsv file (first line must be {HEADER!r})")
    try:
        table = np.array(
            [[float(x) for x in line.split(",")] for line in text[1:] if line.strip()]
        )
    except ValueError as exc:
        raise TcsvFormatError(f"{path}: unreadable row ({exc})") from exc
    if table.ndim != 2 or table.shape[1] != 2 or len(table) < 2:
        raise TcsvFormatError(f"{path}: expected at least two 'time,temperature' rows")
    dwa = DataRaw("temperature", data=[table[:, 1]], labels=["T"], units="degC",
                  axes=[Axis("time", "s", data=table[:, 0], index=0)], origin=Path(path).stem)
    return DataToExport(Path(path).stem, data=[dwa])
