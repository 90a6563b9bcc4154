#!/usr/bin/env python
"""Loading cost vs file size: daqcore's DataLoader against pymodaq_data's and raw h5py.

For log files of N rows (each row: a 0D channel and a 1D channel of 1000 float64, plus the
time axis, as ``daqcore log`` writes them), prints ONE JSON document with, per N:

* ``data_bytes``: bytes of the arrays a full load reads;
* ``daqcore_load_all``: ``DataLoader.load_all`` time (s, median of ``--repeat``) and peak
  traced memory (bytes, numpy allocations included) and their ratio to ``data_bytes``;
* ``daqcore_sliced``: ``load_data(node, nav=slice(...))`` of ``--slice-rows`` rows from the
  middle of the log (time, peak memory);
* ``pymodaq_load_all``: pymodaq_data's ``DataLoader.load_all`` on the same file (skipped for
  sizes above ``--pymodaq-max-rows``: its cost is what this benchmark shows);
* ``h5py_read``: raw h5py reading the same datasets (the ceiling).

Usage: ``python benchmarks/bench_load.py [--quick] [--rows N ...] [--repeat R] [--out FILE]``

Run it with ``PYTHONPATH=<old checkout>/src`` to measure an older daqcore the same way
(``daqcore_sliced`` is skipped when ``load_data`` has no ``nav``).
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

SIGNAL = 1000
GROUP = "/RawData/Detector000"
NODE_1D = f"{GROUP}/Data1D/CH00/EnlData00"


def _versions() -> dict[str, Any]:
    from importlib import metadata

    import daqcore

    out: dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform(),
                           "cpu_count": os.cpu_count(), "daqcore_path": daqcore.__file__}
    for pkg in ("daqcore", "pymodaq_data", "h5py", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def write_log(path: Path, rows: int) -> None:
    """A log file of ``rows`` rows as ``daqcore log`` writes it (buffered timed saver)."""
    from daqcore.data import Axis, DataRaw, DataToExport
    from daqcore.saving import BufferedTimedSaver, H5SaverLowLevel

    rng = np.random.default_rng(0)
    h5 = H5SaverLowLevel("logger", backend="h5py")
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = BufferedTimedSaver(h5, flush_period=10.0, block_rows=1024, background=False)
    power = DataRaw("power", units="W", data=[np.zeros(1)])
    trace = DataRaw("trace", units="V", data=[np.zeros(SIGNAL)],
                    axes=[Axis("t", "s", np.linspace(0, 1e-3, SIGNAL), index=0)])
    dte = DataToExport("det", data=[power, trace])
    for k in range(rows):
        dte.timestamp = 1000.0 + k
        power.data[0][:] = rng.random()
        trace.data[0][:] = rng.random(SIGNAL)
        saver.add_data(det, dte)
    saver.close()
    h5.close_file()


def measure(func: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Median time of ``repeat`` calls, then the peak traced memory of one more call."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
        del result
    gc.collect()
    tracemalloc.start()
    result = func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return {"time_s": statistics.median(times), "peak_bytes": float(peak)}


def daqcore_load_all(path: Path) -> Callable[[], Any]:
    from daqcore.saving import DataLoader

    def run() -> Any:
        with DataLoader(path) as loader:
            return loader.load_all(GROUP)
    return run


def daqcore_sliced(path: Path, rows: int, n: int) -> Callable[[], Any] | None:
    from daqcore.saving import DataLoader

    if "nav" not in inspect.signature(DataLoader.load_data).parameters:
        return None
    start = max(0, rows // 2 - n // 2)

    def run() -> Any:
        with DataLoader(path) as loader:
            return loader.load_data(NODE_1D, nav=slice(start, start + n))
    return run


def pymodaq_load_all(path: Path) -> Callable[[], Any] | None:
    try:
        from pymodaq_data.h5modules.data_saving import DataLoader
        from pymodaq_data.h5modules.saving import H5SaverLowLevel
    except ImportError:  # pragma: no cover
        return None

    def run() -> Any:
        h5 = H5SaverLowLevel(backend="h5py")
        h5.init_file(path, new_file=False, mode="r") if "mode" in inspect.signature(
            h5.init_file).parameters else h5.init_file(path, new_file=False)
        try:
            return DataLoader(h5).load_all(GROUP)
        finally:
            h5.close_file()
    return run


def h5py_read(path: Path) -> Callable[[], Any]:
    def run() -> Any:
        with h5py.File(path, "r") as f:
            out = []
            f[GROUP].visititems(lambda name, obj: out.append(obj[()])
                                if isinstance(obj, h5py.Dataset) else None)
            return out
    return run


def data_bytes(path: Path) -> int:
    total = 0
    with h5py.File(path, "r") as f:
        def visit(name: str, obj: Any) -> None:
            nonlocal total
            if isinstance(obj, h5py.Dataset):
                total += obj.size * obj.dtype.itemsize
        f[GROUP].visititems(visit)
    return total


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--rows", type=int, nargs="+", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slice-rows", type=int, default=100)
    parser.add_argument("--pymodaq-max-rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows_list = args.rows or ([200, 2_000] if args.quick else [1_000, 10_000, 30_000])
    repeat = 1 if args.quick else args.repeat
    results: dict[str, Any] = {"benchmark": "load", "versions": _versions(),
                               "signal_points": SIGNAL, "sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in rows_list:
            path = Path(tmp) / f"log_{rows}.h5"
            write_log(path, rows)
            nbytes = data_bytes(path)
            entry: dict[str, Any] = {"rows": rows, "file_bytes": path.stat().st_size,
                                     "data_bytes": nbytes}
            cases: dict[str, Callable[[], Any] | None] = {
                "daqcore_load_all": daqcore_load_all(path),
                "daqcore_sliced": daqcore_sliced(path, rows, args.slice_rows),
                "pymodaq_load_all": pymodaq_load_all(path)
                if rows <= args.pymodaq_max_rows else None,
                "h5py_read": h5py_read(path),
            }
            for name, func in cases.items():
                if func is None:
                    entry[name] = None
                    continue
                stats = measure(func, repeat)
                stats["peak_over_data"] = stats["peak_bytes"] / nbytes
                entry[name] = stats
            results["sizes"].append(entry)
            path.unlink()
            print(json.dumps(entry), file=sys.stderr, flush=True)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text)
    return results


if __name__ == "__main__":
    main()
