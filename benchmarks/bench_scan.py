#!/usr/bin/env python
"""Benchmark: end-to-end scan rate of daqcore's engine vs pymodaq_data's raw saver.

What is measured (points per second, medians of repeated runs, all in this process):

* ``daqcore_scan``: :class:`daqcore.acquisition.Scan` end to end -- move the zero-delay mock
  actuators (``mock_x``/``mock_y``, instantaneous), grab ``mock_0d`` and ``mock_1d`` (256
  points) from the mock plugin, save every point in PyMoDAQ's layout, SWMR on, close the
  file. Variants: detectors only (``save_actuators=False``: the same payload as the saving
  benchmark, 0D + 1D(256) per point) on h5py (the headline) and PyTables, and the engine's
  default which also saves the read-back actuator positions.
* ``daqcore_saver``: daqcore's own ``DataToExportExtendedSaver.add_data`` per point on the
  same payload, without instruments (what the engine builds on).
* ``pymodaq_saver``: pymodaq_data's ``DataToExportExtendedSaver.add_data`` per point on the
  same payload (one 0D + one 1D(256) float64 DataWithAxes, DataToExport reused with refilled
  arrays, as in ``shared/peers/bench_pymodaq.py``), on h5py and PyTables. pymodaq_data needs
  5-20 ms per point, so it runs a smaller grid; its per-point cost does not depend on N.

Ratios are daqcore points/s divided by pymodaq_data points/s on the same backend. The
machine is shared: treat +-20 % as noise. Prints ONE JSON document on stdout.

Usage: ``python benchmarks/bench_scan.py [--quick] [--shape NX NY] [--peer-shape NX NY]``
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_saving import _versions  # the same versions block in both benchmarks


# ---------------------------------------------------------------------------- daqcore engine
def bench_daqcore_scan(tmp: Path, nx: int, ny: int, *, backend: str, save_actuators: bool,
                       repeat: int) -> dict:
    from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments

    scanner = Scanner2DGrid((0.0, 1.0, 1.0 / (nx - 1)), (0.0, 2.0, 2.0 / (ny - 1)))
    assert scanner.extended_shape == (nx, ny), scanner.extended_shape
    rates, files = [], []
    settings = {"mock_1d": {"npoints": 256}, "mock_x": {"speed": 0.0},
                "mock_y": {"speed": 0.0}}
    with open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"],
                          settings=settings) as (acts, dets):
        for k in range(repeat):
            path = tmp / f"daqcore_{backend}_{save_actuators}_{k}.h5"
            scan = Scan(acts, dets, scanner, path=path, backend=backend,
                        swmr=backend == "h5py", save_actuators=save_actuators)
            gc.collect()
            t0 = time.perf_counter()
            result = scan.run()  # includes opening, every point, finalising and closing
            elapsed = time.perf_counter() - t0
            assert result.completed
            rates.append(result.n_points_done / elapsed)
            files.append(path.stat().st_size)
    # check the last file: every point written, right shapes
    import h5py

    with h5py.File(path, "r") as f:
        spec = f["RawData/Scan000/Detector001/Data1D/CH00/Data00"]
        ok = spec.shape == (nx, ny, 256) and bool(np.isfinite(spec[()]).all())
    n = nx * ny
    return {"shape": [nx, ny], "n_points": n, "backend": backend,
            "save_actuators": save_actuators, "repeats": repeat,
            "points_per_s_runs": [round(r, 1) for r in rates],
            "points_per_s": statistics.median(rates),
            "us_per_point": 1e6 / statistics.median(rates),
            "file_MB": files[-1] / 1e6, "verified": ok}


# ---------------------------------------------------------------------------- savers
def _scan_payload(DataRaw, DataToExport, Axis, n1d: int):
    d0 = DataRaw("temp", units="K", data=[np.zeros(1)], origin="det")
    d1 = DataRaw("spectrum", units="count", data=[np.zeros(n1d)], origin="det",
                 axes=[Axis("wavelength", units="nm", data=np.linspace(400.0, 800.0, n1d),
                            index=0)])
    return DataToExport("det", data=[d0, d1])


def _saver_loop(saver, group, dte, nx: int, ny: int, n1d: int) -> float:
    d0, d1 = dte[0].data[0], dte[1].data[0]
    block = np.random.default_rng(1).random((64, n1d))
    gc.collect()
    t0 = time.perf_counter()
    k = 0
    for ix in range(nx):
        for iy in range(ny):
            d0[0] = ix * ny + iy
            d1[:] = block[k % 64]
            saver.add_data(group, dte, indexes=(ix, iy))
            k += 1
    return t0


def _saver_rates(lib: str, tmp: Path, nx: int, ny: int, backend: str, repeat: int) -> dict:
    """Points/s of ``lib``'s ``DataToExportExtendedSaver.add_data`` on the scan payload."""
    if lib == "pymodaq":
        from pymodaq_data.data import Axis, DataRaw, DataToExport
        from pymodaq_data.h5modules.data_saving import DataToExportExtendedSaver
        from pymodaq_data.h5modules.saving import H5SaverLowLevel
    else:
        from daqcore.data import Axis, DataRaw, DataToExport
        from daqcore.saving import DataToExportExtendedSaver, H5SaverLowLevel

    rates = []
    for k in range(repeat):
        path = tmp / f"{lib}_saver_{backend}_{k}.h5"
        h5 = H5SaverLowLevel(save_type="scan", backend=backend)
        h5.init_file(file_name=path, new_file=True)
        det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
        saver = DataToExportExtendedSaver(h5, extended_shape=(nx, ny))
        saver.add_nav_axes(det, [Axis("x", units="mm", data=np.linspace(0, 1, nx), index=0),
                                 Axis("y", units="mm", data=np.linspace(0, 2, ny), index=1)])
        dte = _scan_payload(DataRaw, DataToExport, Axis, 256)
        if lib == "pymodaq":  # as in shared/peers/bench_pymodaq.py; daqcore: the group path
            t0 = _saver_loop(saver, det, copy.deepcopy(dte), nx, ny, 256)
        else:
            t0 = _saver_loop(saver, det.path, dte, nx, ny, 256)
        h5.close_file()
        rates.append(nx * ny / (time.perf_counter() - t0))
    return {"shape": [nx, ny], "n_points": nx * ny, "backend": backend, "repeats": repeat,
            "points_per_s_runs": [round(r, 1) for r in rates],
            "points_per_s": statistics.median(rates),
            "us_per_point": 1e6 / statistics.median(rates)}


def bench_pymodaq_saver(tmp: Path, nx: int, ny: int, backend: str, repeat: int) -> dict:
    return _saver_rates("pymodaq", tmp, nx, ny, backend, repeat)


def bench_daqcore_saver(tmp: Path, nx: int, ny: int, backend: str, repeat: int) -> dict:
    return _saver_rates("daqcore", tmp, nx, ny, backend, repeat)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small grids, fewer repeats (~10 s)")
    p.add_argument("--shape", type=int, nargs=2, default=None, metavar=("NX", "NY"),
                   help="daqcore scan grid [100 100; quick 40 40]")
    p.add_argument("--peer-shape", type=int, nargs=2, default=None, metavar=("NX", "NY"),
                   help="pymodaq_data saver grid [25 25; quick 10 10]")
    p.add_argument("--repeat", type=int, default=None, help="repeats of the headline [3]")
    p.add_argument("--tmpdir", default=None)
    args = p.parse_args(argv)
    nx, ny = args.shape or ((40, 40) if args.quick else (100, 100))
    px, py = args.peer_shape or ((10, 10) if args.quick else (25, 25))
    repeat = args.repeat or (2 if args.quick else 3)

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="bench_scan_", dir=args.tmpdir))
    started = time.perf_counter()
    res: dict = {"tool": "benchmarks/bench_scan.py", "versions": _versions(),
                 "params": {"shape": [nx, ny], "peer_shape": [px, py], "repeat": repeat,
                            "payload": "0D (mock_0d) + 1D(256) (mock_1d) float64 per point"},
                 "daqcore_scan": {}, "daqcore_saver": {}, "pymodaq_saver": {}}
    try:
        def log(msg: str) -> None:
            print(msg, file=sys.stderr, flush=True)

        log(f"[daqcore scan] {nx}x{ny} h5py detectors only x{repeat}")
        res["daqcore_scan"]["h5py"] = bench_daqcore_scan(
            tmp, nx, ny, backend="h5py", save_actuators=False, repeat=repeat)
        log(f"[daqcore scan] {nx}x{ny} tables detectors only")
        res["daqcore_scan"]["tables"] = bench_daqcore_scan(
            tmp, nx, ny, backend="tables", save_actuators=False, repeat=1)
        log(f"[daqcore scan] {nx}x{ny} h5py + actuator positions (engine default)")
        res["daqcore_scan"]["h5py_with_actuators"] = bench_daqcore_scan(
            tmp, nx, ny, backend="h5py", save_actuators=True, repeat=1)
        peer_repeat = 1 if args.quick else 2
        for backend in ("h5py", "tables"):
            log(f"[daqcore saver] {px}x{py} {backend} x{peer_repeat}")
            res["daqcore_saver"][backend] = bench_daqcore_saver(tmp, px, py, backend,
                                                                peer_repeat)
            log(f"[pymodaq saver] {px}x{py} {backend} x{peer_repeat}")
            res["pymodaq_saver"][backend] = bench_pymodaq_saver(tmp, px, py, backend,
                                                                peer_repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["total_runtime_s"] = time.perf_counter() - started
    head = {}
    for key, r in res["daqcore_scan"].items():
        head[f"daqcore_scan_{key}_points_per_s"] = round(r["points_per_s"], 1)
    for key, r in res["daqcore_saver"].items():
        head[f"daqcore_saver_{key}_points_per_s"] = round(r["points_per_s"], 1)
    for key, r in res["pymodaq_saver"].items():
        head[f"pymodaq_saver_{key}_points_per_s"] = round(r["points_per_s"], 1)
    for backend in ("h5py", "tables"):
        peer = res["pymodaq_saver"][backend]["points_per_s"]
        head[f"ratio_daqcore_scan_vs_pymodaq_saver_{backend}"] = round(
            res["daqcore_scan"][backend]["points_per_s"] / peer, 1)
    head["target_points_per_s"] = 2000
    head["meets_target"] = res["daqcore_scan"]["h5py"]["points_per_s"] >= 2000
    res["headline"] = head
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
