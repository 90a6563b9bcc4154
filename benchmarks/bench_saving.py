#!/usr/bin/env python
"""Benchmark of daqcore.saving against pymodaq_data and raw h5py, measured in the same run.

Prints ONE JSON document (medians of ``--repeat`` runs) with, for each backend:

* ``log``: DataToExportTimedSaver, one append per call of a DataToExport holding a 0D and a
  1D (1000 float64) DataWithAxes (appends/s); ``log_buffered``: the same through
  BufferedTimedSaver (default flush period 0.5 s);
* ``scan``: DataToExportExtendedSaver over a 2D scan (default 100 x 100) of 0D + 1D(256)
  points (points/s);
* ``load``: DataLoader.load_all of the scan detector group and load_data of the 1D node, on
  the same file, by daqcore and by pymodaq_data (s);
* ``scan`` variants (daqcore only): zlib level 5, and SWMR flushing every 10 points (h5py);
* the same log/scan with pymodaq_data (fewer points: its per-call cost is flat in N) and
  raw h5py ceilings (one resize+write per append; one write per scan point).

Timing covers saver calls and closing the file; DataToExport objects are built once and
their arrays refilled in place (as in shared/peers/bench_pymodaq.py).

Usage: ``python benchmarks/bench_saving.py [--quick] [--repeat N] [--out FILE]``
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import h5py
import numpy as np

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)


def _versions() -> dict:
    from importlib import metadata

    out = {"python": sys.version.split()[0], "platform": platform.platform(),
           "cpu_count": os.cpu_count(), "hdf5_h5py": h5py.version.hdf5_version}
    for pkg in ("daqcore", "pymodaq_data", "h5py", "tables", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def _lib(name: str):
    """DataRaw, Axis, DataToExport, H5SaverLowLevel factory, savers, loader of a library."""
    if name == "daqcore":
        from daqcore import saving as s
        from daqcore.data import Axis, DataRaw, DataToExport

        return dict(DataRaw=DataRaw, Axis=Axis, DataToExport=DataToExport,
                    H5=lambda st, b: s.H5SaverLowLevel(st, backend=b),
                    Timed=s.DataToExportTimedSaver, Extended=s.DataToExportExtendedSaver,
                    Loader=lambda h5: s.DataLoader(h5), Buffered=s.BufferedTimedSaver)
    from pymodaq_data.data import Axis, DataRaw, DataToExport
    from pymodaq_data.h5modules.data_saving import (
        DataLoader,
        DataToExportExtendedSaver,
        DataToExportTimedSaver,
    )
    from pymodaq_data.h5modules.saving import H5SaverLowLevel

    return dict(DataRaw=DataRaw, Axis=Axis, DataToExport=DataToExport,
                H5=lambda st, b: H5SaverLowLevel(st, backend=b),
                Timed=DataToExportTimedSaver, Extended=DataToExportExtendedSaver,
                Loader=DataLoader)


def _dte(lib: dict, names: tuple[str, str], n1d: int):
    d0 = lib["DataRaw"](names[0], units="W", data=[np.zeros(1)], origin="det")
    d1 = lib["DataRaw"](names[1], units="V", data=[np.zeros(n1d)], origin="det",
                        axes=[lib["Axis"]("t", units="s", data=np.linspace(0, 1e-3, n1d),
                                          index=0)])
    return lib["DataToExport"]("det", data=[d0, d1])


def bench_log(lib_name: str, backend: str, tmp: Path, n: int, n1d: int,
              buffered: bool = False) -> float:
    lib = _lib(lib_name)
    path = tmp / f"log_{lib_name}_{backend}_{buffered}.h5"
    h5 = lib["H5"]("logger", backend)
    h5.init_file(file_name=path, new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = lib["Buffered"](h5) if buffered else lib["Timed"](h5)
    dte = _dte(lib, ("power", "trace"), n1d)
    d0, d1 = dte[0].data[0], dte[1].data[0]
    block = np.random.default_rng(0).random((256, n1d))
    gc.collect()
    t0 = time.perf_counter()
    for i in range(n):
        d0[0] = float(i)
        d1[:] = block[i % 256]
        dte.timestamp = 1.0e9 + i * 1e-3
        saver.add_data(group, dte)
    (saver.close_file if buffered else h5.close_file)()
    elapsed = time.perf_counter() - t0
    with h5py.File(path, "r") as f:
        assert f["RawData/Detector000/Data1D/CH00/EnlData00"].shape == (n, n1d)
        assert f["RawData/Detector000/NavAxes/Axis00"].shape == (n,)
    path.unlink()
    return n / elapsed


def bench_scan(lib_name: str, backend: str, tmp: Path, shape: tuple[int, int], n1d: int,
               keep: bool = False, swmr_flush: int | None = None,
               zlib: int | None = None) -> tuple[float, Path]:
    lib = _lib(lib_name)
    path = tmp / f"scan_{lib_name}_{backend}.h5"
    h5 = lib["H5"]("scan", backend)
    if zlib:
        h5.define_compression("zlib", zlib)
    h5.init_file(file_name=path, new_file=True, swmr_mode=swmr_flush is not None)
    if swmr_flush is not None:
        h5.set_swmr_flush_interval(swmr_flush)
    det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
    saver = lib["Extended"](h5, extended_shape=shape)
    saver.add_nav_axes(det, [lib["Axis"]("x", units="mm", data=np.linspace(0, 1, shape[0]),
                                         index=0),
                             lib["Axis"]("y", units="mm", data=np.linspace(0, 2, shape[1]),
                                         index=1)])
    dte = _dte(lib, ("temp", "spectrum"), n1d)
    d0, d1 = dte[0].data[0], dte[1].data[0]
    block = np.random.default_rng(1).random((64, n1d))
    gc.collect()
    t0 = time.perf_counter()
    k = 0
    for ix in range(shape[0]):
        for iy in range(shape[1]):
            d0[0] = k
            d1[:] = block[k % 64]
            saver.add_data(det, dte, indexes=(ix, iy))
            k += 1
    h5.close_file()
    rate = k / (time.perf_counter() - t0)
    if not keep:
        path.unlink()
    return rate, path


def bench_load(lib_name: str, backend: str, path: Path) -> dict:
    lib = _lib(lib_name)
    t0 = time.perf_counter()
    h5 = lib["H5"]("scan", backend)
    h5.open_file(path, "r")
    loader = lib["Loader"](h5)
    dte = loader.load_all("/RawData/Scan000/Detector000")
    t_all = time.perf_counter() - t0
    t1 = time.perf_counter()
    dwa = loader.load_data("/RawData/Scan000/Detector000/Data1D/CH00/Data00")
    t_1d = time.perf_counter() - t1
    h5.close_file()
    assert len(dte) == 2 and len(dwa.axes) == 3
    return {"load_all_s": t_all, "load_1d_s": t_1d}


def raw_log(tmp: Path, n: int, n1d: int) -> float:
    path = tmp / "raw_log.h5"
    src = np.random.default_rng(0).random((256, n1d))
    t0 = time.perf_counter()
    with h5py.File(path, "w") as f:
        d0 = f.create_dataset("d0", shape=(0,), maxshape=(None,), dtype="f8", chunks=(4096,))
        d1 = f.create_dataset("d1", shape=(0, n1d), maxshape=(None, n1d), dtype="f8",
                              chunks=(64, n1d))
        tt = f.create_dataset("time", shape=(0,), maxshape=(None,), dtype="f8", chunks=(4096,))
        for i in range(n):
            d0.resize((i + 1,))
            d0[i] = float(i)
            d1.resize((i + 1, n1d))
            d1[i] = src[i % 256]
            tt.resize((i + 1,))
            tt[i] = i * 1e-3
    rate = n / (time.perf_counter() - t0)
    path.unlink()
    return rate


def raw_scan(tmp: Path, shape: tuple[int, int], n1d: int) -> float:
    path = tmp / "raw_scan.h5"
    src = np.random.default_rng(1).random((64, n1d))
    t0 = time.perf_counter()
    k = 0
    with h5py.File(path, "w") as f:
        d0 = f.create_dataset("d0", shape=shape, dtype="f8")
        d1 = f.create_dataset("d1", shape=(*shape, n1d), dtype="f8")
        for ix in range(shape[0]):
            for iy in range(shape[1]):
                d0[ix, iy] = k
                d1[ix, iy] = src[k % 64]
                k += 1
    rate = k / (time.perf_counter() - t0)
    path.unlink()
    return rate


def median(fn, repeat: int, *args, **kwargs) -> float:
    """Median of ``repeat`` calls of ``fn(*args, **kwargs)`` (first item if it returns a tuple)."""
    out = []
    for _ in range(repeat):
        value = fn(*args, **kwargs)
        out.append(value[0] if isinstance(value, tuple) else value)
    return statistics.median(out)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--backends", nargs="+", default=["h5py", "tables"])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    repeat = args.repeat or (1 if quick else 3)
    n_log, n_buf = (1000, 10000) if quick else (4000, 40000)
    n_log_pm = 40 if quick else 100
    scan, scan_pm = ((40, 40), (8, 8)) if quick else ((100, 100), (12, 12))
    n_log_1d, n_scan_1d = 1000, 256
    try:
        import pymodaq_data  # noqa: F401
        have_pm = True
    except ImportError:  # pragma: no cover
        have_pm = False
    t_start = time.perf_counter()
    result: dict = {"versions": _versions(), "repeat": repeat, "quick": quick,
                    "sizes": {"log_appends": n_log, "buffered_appends": n_buf,
                              "pymodaq_log_appends": n_log_pm, "scan": scan,
                              "pymodaq_scan": scan_pm, "log_1d": n_log_1d,
                              "scan_1d": n_scan_1d},
                    "backends": {}}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for backend in args.backends:
            res: dict = {}
            common = (backend, tmp)
            res["daqcore_log_appends_per_s"] = median(bench_log, repeat, "daqcore", *common,
                                                      n_log, n_log_1d)
            res["daqcore_log_buffered_appends_per_s"] = median(
                bench_log, repeat, "daqcore", *common, n_buf, n_log_1d, buffered=True)
            res["daqcore_scan_points_per_s"] = median(bench_scan, repeat, "daqcore", *common,
                                                      scan, n_scan_1d)
            res["daqcore_scan_zlib5_points_per_s"] = median(bench_scan, repeat, "daqcore", *common,
                                                            scan, n_scan_1d, zlib=5)
            if backend == "h5py":
                res["daqcore_scan_swmr_flush10_points_per_s"] = median(
                    bench_scan, repeat, "daqcore", *common, scan, n_scan_1d, swmr_flush=10)
            _, scan_file = bench_scan("daqcore", backend, tmp, scan, n_scan_1d, keep=True)
            ours = [bench_load("daqcore", backend, scan_file) for _ in range(repeat)]
            res["daqcore_load_all_s"] = statistics.median(r["load_all_s"] for r in ours)
            res["daqcore_load_1d_s"] = statistics.median(r["load_1d_s"] for r in ours)
            if have_pm:
                res["pymodaq_log_appends_per_s"] = median(bench_log, repeat, "pymodaq", *common,
                                                          n_log_pm, n_log_1d)
                res["pymodaq_scan_points_per_s"] = median(bench_scan, repeat, "pymodaq",
                                                          *common, scan_pm, n_scan_1d)
                theirs = [bench_load("pymodaq", backend, scan_file) for _ in range(repeat)]
                res["pymodaq_load_all_s"] = statistics.median(r["load_all_s"] for r in theirs)
                res["pymodaq_load_1d_s"] = statistics.median(r["load_1d_s"] for r in theirs)
                res["ratio_log_vs_pymodaq"] = res["daqcore_log_appends_per_s"] / \
                    res["pymodaq_log_appends_per_s"]
                res["ratio_log_buffered_vs_pymodaq"] = \
                    res["daqcore_log_buffered_appends_per_s"] / res["pymodaq_log_appends_per_s"]
                res["ratio_scan_vs_pymodaq"] = res["daqcore_scan_points_per_s"] / \
                    res["pymodaq_scan_points_per_s"]
                res["ratio_load_all_speedup_vs_pymodaq"] = res["pymodaq_load_all_s"] / \
                    res["daqcore_load_all_s"]
                res["ratio_load_1d_speedup_vs_pymodaq"] = res["pymodaq_load_1d_s"] / \
                    res["daqcore_load_1d_s"]
            scan_file.unlink()
            res["targets_met"] = {
                "log_per_call_ge_3000": res["daqcore_log_appends_per_s"] >= 3000,
                "log_buffered_ge_30000": res["daqcore_log_buffered_appends_per_s"] >= 30000,
                "scan_ge_4000": res["daqcore_scan_points_per_s"] >= 4000,
            }
            if have_pm:
                res["targets_met"]["load_all_not_slower"] = \
                    res["daqcore_load_all_s"] <= res["pymodaq_load_all_s"]
            result["backends"][backend] = res
        raw = {"raw_h5py_log_appends_per_s": median(raw_log, repeat, tmp, n_log, n_log_1d),
               "raw_h5py_scan_points_per_s": median(raw_scan, repeat, tmp, scan, n_scan_1d)}
        for res in result["backends"].values():
            res["ratio_log_vs_raw_h5py"] = res["daqcore_log_appends_per_s"] / \
                raw["raw_h5py_log_appends_per_s"]
            res["ratio_scan_vs_raw_h5py"] = res["daqcore_scan_points_per_s"] / \
                raw["raw_h5py_scan_points_per_s"]
        result["raw_h5py"] = raw
    result["total_s"] = time.perf_counter() - t_start
    text = json.dumps(result, indent=2, default=str)
    if args.out:
        args.out.write_text(text)
    print(text)
    return result


if __name__ == "__main__":
    main()
