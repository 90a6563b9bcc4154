#!/usr/bin/env python
"""Benchmark: does the cost of a scan follow what is measured, not what is planned?

Each case runs in a fresh subprocess (clean peak RSS) and reports:

* ``scanner``: building a scanner and reaching its first step -- 2000x2000 grid, 1e6-point
  spread and tabular walk: seconds and extra peak RSS.
* ``scan_0d1d``: :class:`daqcore.acquisition.Scan` of ``mock_0d`` + ``mock_1d`` (256 points)
  over grids of 1e2 .. 1e6 planned points (zero-delay mock stage, h5py, SWMR): time to the
  first point, points/s, extra peak RSS, file size after 1 % of the points (the scan is then
  stopped) and, for the sizes that run to the end, after 100 %.
* ``scan_images``: the same with ``mock_2d`` images (256x256 float64).
* ``scan_images_never_flushed_by_time``: an image scan with ``flush_interval=1e9``: its
  peak RSS shows the byte bound of pending writes (default 32 MB).
* ``h5py_*``: raw h5py doing the same work (chunked arrays with a NaN fill value, one
  hyperslab write per point, flush every 0.5 s) in the same run: the ceiling.

Prints ONE JSON document. ``--quick`` runs the small sizes only (about a minute).

Usage: ``python benchmarks/bench_scale.py [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


# ---------------------------------------------------------------------------- cases (child)
def case_scanner(kind: str) -> dict:
    import numpy as np

    from daqcore.acquisition.scanners import ScannerGrid, ScannerSpread, ScannerTabular

    points = np.random.default_rng(0).random((1_000_000, 2)) if kind == "spread_1e6" else None
    base = _rss_mb()  # the user's points (16 MB) are data, not scanner cost
    t0 = time.perf_counter()
    if kind == "grid_2000x2000":
        scanner = ScannerGrid(axes=[(0, 1999, 1), (0, 1999, 1)])
    elif kind == "spread_1e6":
        scanner = ScannerSpread(points=points)
    else:
        scanner = ScannerTabular(table=[[0, 0], [1, 0], [1, 1]], step=2e-6)
    next(iter(scanner))
    elapsed = time.perf_counter() - t0
    return {"case": kind, "n_points": scanner.n_steps, "s_to_first_point": elapsed,
            "extra_peak_rss_MB": _peak_mb() - base}


def _grid(n_points: int) -> tuple[int, int]:
    nx = round(n_points ** 0.5)
    return nx, max(1, n_points // nx)


def case_scan(payload: str, n_points: int, stop_after: int, tmp: str,
              flush_interval: float = 0.5) -> dict:
    from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments

    nx, ny = _grid(n_points)
    scanner = Scanner2DGrid((0.0, 1.0, 1.0 / max(nx - 1, 1)), (0.0, 1.0, 1.0 / max(ny - 1, 1)))
    dets = ["mock_2d"] if payload == "images" else ["mock_0d", "mock_1d"]
    settings = {"mock_1d": {"npoints": 256}, "mock_x": {"speed": 0.0},
                "mock_y": {"speed": 0.0}, "mock_2d": {"nx": 256, "ny": 256}}
    settings = {k: v for k, v in settings.items() if k in (*dets, "mock_x", "mock_y")}
    path = Path(tmp) / f"scan_{payload}_{n_points}.h5"
    with open_instruments(["mock_x", "mock_y"], dets, settings=settings) as (acts, ds):
        base = _rss_mb()
        scan = Scan(acts, ds, scanner, path=path, save_actuators=False,
                    flush_interval=flush_interval)
        t0 = time.perf_counter()
        t_first = None
        n = 0
        for event in scan.iterate():
            n = event.n_done
            if t_first is None:
                t_first = time.perf_counter() - t0
            if n >= stop_after:
                break
        elapsed = time.perf_counter() - t0
    return {"payload": payload, "planned_points": nx * ny, "points_done": n,
            "fraction_done": n / (nx * ny), "flush_interval": flush_interval,
            "s_to_first_point": t_first,
            "points_per_s": n / elapsed, "extra_peak_rss_MB": _peak_mb() - base,
            "file_MB": path.stat().st_size / 1e6}


def case_h5py(payload: str, n_points: int, stop_after: int, tmp: str) -> dict:
    import h5py
    import numpy as np

    nx, ny = _grid(n_points)
    row = (256, 256) if payload == "images" else (256,)
    path = Path(tmp) / f"h5py_{payload}_{n_points}.h5"
    base = _rss_mb()
    t0 = time.perf_counter()
    t_first = None
    with h5py.File(path, "w", libver="latest") as f:
        data = f.create_dataset("data", shape=(nx, ny, *row), dtype="f8",
                                chunks=(1, 1, *row), fillvalue=np.nan)
        scalar = None
        if payload != "images":
            scalar = f.create_dataset("scalar", shape=(nx, ny), dtype="f8",
                                      chunks=(1, min(ny, 4096)), fillvalue=np.nan)
        f.swmr_mode = True
        value = np.random.default_rng(0).random(row)
        last_flush = time.monotonic()
        n = 0
        for ix in range(nx):
            for iy in range(ny):
                data[ix, iy] = value
                if scalar is not None:
                    scalar[ix, iy] = 1.0
                n += 1
                if t_first is None:
                    t_first = time.perf_counter() - t0
                if time.monotonic() - last_flush > 0.5:
                    f.flush()
                    last_flush = time.monotonic()
                if n >= stop_after:
                    break
            if n >= stop_after:
                break
    elapsed = time.perf_counter() - t0
    return {"payload": payload, "planned_points": nx * ny, "points_done": n,
            "fraction_done": n / (nx * ny), "s_to_first_point": t_first,
            "points_per_s": n / elapsed, "extra_peak_rss_MB": _peak_mb() - base,
            "file_MB": path.stat().st_size / 1e6}


# ---------------------------------------------------------------------------- driver
def _run_child(args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"args": args, "error": f"timeout after {timeout} s"}
    if out.returncode != 0:
        return {"args": args, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "scanner":
            result = case_scanner(rest[0])
        else:
            payload, n, stop, tmp = rest[0], int(rest[1]), int(rest[2]), rest[3]
            if kind == "scan":
                flush = float(rest[4]) if len(rest) > 4 else 0.5
                result = case_scan(payload, n, stop, tmp, flush)
            else:
                result = case_h5py(payload, n, stop, tmp)
        print(json.dumps(result))
        return result

    quick = args.quick
    report: dict = {"benchmark": "bench_scale", "quick": quick, "scanner": [],
                    "scan_0d1d": [], "scan_images": [], "h5py_0d1d": [], "h5py_images": [],
                    "scan_images_never_flushed_by_time": []}
    for kind in ("grid_2000x2000", "spread_1e6", "tabular_1e6"):
        report["scanner"].append(_run_child(["scanner", kind], 120))
    sizes = [100, 10_000, 1_000_000] if quick else [100, 10_000, 100_000, 1_000_000]
    full_up_to = 10_000 if quick else 100_000
    image_sizes = [100, 2_500] if quick else [100, 2_500, 10_000]
    with tempfile.TemporaryDirectory(prefix="daqcore_bench_scale_") as tmp:
        for payload, key, plan in (("0d1d", "scan_0d1d", sizes),
                                   ("images", "scan_images", image_sizes)):
            for n in plan:
                runs = [max(1, n // 100)]
                if n <= (full_up_to if payload == "0d1d" else 100):
                    runs.append(n)
                for stop in runs:
                    for kind, out in (("scan", key), ("h5py", f"h5py_{payload}")):
                        report[out].append(_run_child([kind, payload, str(n), str(stop), tmp],
                                                      600))
                        for f in Path(tmp).glob("*.h5"):
                            f.unlink()
        # peak memory of an image scan must not grow with the flush interval (byte bound)
        n_img = 400 if quick else 2_500
        report["scan_images_never_flushed_by_time"].append(
            _run_child(["scan", "images", str(n_img), str(n_img), tmp, "1e9"], 600))
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
