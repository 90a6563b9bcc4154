#!/usr/bin/env python
"""Benchmark of the data model: daqcore.data against pymodaq_data, measured in the same run.

Operations (each timed as the median of repeated batches, in microseconds per operation):

* ``dte_build``: a DataToExport holding one 0D and one 1D (1000 float64) DWA, with a linear axis
  (PyMoDAQ's reference cost is ~0.35 ms);
* ``dwa_build_2d``: a 2D (256 x 256) DWA with two axes;
* ``add``: DWA + DWA, 1D(1000), same units;
* ``mul_units``: DWA(m) * DWA(mm), 1D(1000);
* ``mean_axis``: mean over the signal dimension of a (100|256) DWA;
* ``inav``: ``dwa.inav[10]`` on a (100|256) DWA;
* ``deepcopy``: deepcopy of the (100|256) DWA.

Start-up (``startup`` section): wall time of ``python -c "import <module>"`` in fresh
subprocesses (median of 7, 3 with ``--quick``) for ``numpy`` (the floor), ``daqcore.data``,
``daqcore.saving`` and the
peer ``pymodaq_data``, minus the time of a bare ``python -c pass``; each entry also says whether
pint / numba / scipy were imported. ``--startup-only`` measures only that section;
``--src DIR`` imports daqcore from another source tree (e.g. an older commit extracted with
``git archive``) to compare before/after in the same run.

Prints one JSON document: medians for daqcore and pymodaq_data and the ratio
``pymodaq / daqcore`` (> 1 means daqcore is faster). ``--quick`` runs fewer repetitions.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)


def _median_us(function: Callable[[], Any], repeats: int, batch: int) -> float:
    function()  # warm caches (units parsing, imports)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(samples)


def _cases(lib: Any) -> dict[str, Callable[[], Any]]:
    """The same operations written against either library (same public names)."""
    axis_cls, raw_cls, dte_cls = lib.Axis, lib.DataRaw, lib.DataToExport
    one_d = np.random.default_rng(0).random(1000)
    zero_d = np.array([1.5])
    image = np.random.default_rng(1).random((256, 256))
    scan = np.random.default_rng(2).random((100, 256))
    x_1000 = np.linspace(0.0, 1.0, 1000)
    x_256 = np.linspace(0.0, 1.0, 256)
    x_100 = np.linspace(0.0, 1.0, 100)

    def dte_build():
        return dte_cls("det", data=[
            raw_cls("power", data=[zero_d], units="W"),
            raw_cls("trace", data=[one_d], units="V", axes=[axis_cls("t", "s", x_1000, index=0)]),
        ])

    def dwa_build_2d():
        return raw_cls("img", data=[image], units="count",
                       axes=[axis_cls("y", "mm", x_256, index=0),
                             axis_cls("x", "mm", x_256, index=1)])

    a = raw_cls("a", data=[one_d], units="V")
    b = raw_cls("b", data=[one_d], units="V")
    metres = raw_cls("m", data=[one_d], units="m")
    millimetres = raw_cls("mm", data=[one_d], units="mm")
    scan_dwa = raw_cls("scan", data=[scan], units="V", nav_indexes=(0,),
                       axes=[axis_cls("pos", "mm", x_100, index=0),
                             axis_cls("t", "s", x_256, index=1)])
    return {
        "dte_build": dte_build,
        "dwa_build_2d": dwa_build_2d,
        "add": lambda: a + b,
        "mul_units": lambda: metres * millimetres,
        "mean_axis": lambda: scan_dwa.mean(1),
        "inav": lambda: scan_dwa.inav[10],
        "deepcopy": lambda: scan_dwa.deepcopy(),
    }


_PROBE = (
    "import sys, time; t = time.perf_counter(); import {module}; "
    "t = time.perf_counter() - t; "
    "print(t, *[name in sys.modules for name in ('pint', 'numba', 'scipy')])"
)


def _startup(modules: list[str], runs: int, src: str | None) -> dict[str, Any]:
    """Fresh-process import times (ms): in-process import time and whole-process wall time."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    base = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        base.append(time.perf_counter() - start)
    result: dict[str, Any] = {"python_startup_ms": round(statistics.median(base) * 1e3, 1)}
    for module in modules:
        inside, wall, flags = [], [], None
        for _ in range(runs):
            start = time.perf_counter()
            completed = subprocess.run([sys.executable, "-c", _PROBE.format(module=module)],
                                       check=False, env=env, capture_output=True, text=True)
            wall.append(time.perf_counter() - start)
            if completed.returncode != 0:
                break
            fields = completed.stdout.split()[-4:]
            inside.append(float(fields[0]))
            flags = dict(zip(("pint", "numba", "scipy"), (f == "True" for f in fields[1:])))
        if not inside:
            result[module] = None
            continue
        result[module] = {
            "import_ms": round(statistics.median(inside) * 1e3, 1),
            "process_wall_ms": round(statistics.median(wall) * 1e3, 1),
            "imports": flags,
        }
    return result


class _Lib:
    def __init__(self, **names: Any) -> None:
        self.__dict__.update(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~5 s)")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-up section")
    parser.add_argument("--src", default=None,
                        help="import daqcore from this source tree for the start-up section")
    args = parser.parse_args()
    repeats, batch = (5, 20) if args.quick else (15, 100)
    startup = _startup(["numpy", "daqcore.data", "daqcore.saving", "pymodaq_data"],
                       3 if args.quick else 7, args.src)
    if args.startup_only:
        print(json.dumps({"benchmark": "data_model_startup", "src": args.src,
                          "startup": startup}, indent=2))
        return

    import daqcore
    from daqcore import data as dq

    ours = _cases(_Lib(Axis=dq.Axis, DataRaw=dq.DataRaw, DataToExport=dq.DataToExport))
    result: dict[str, Any] = {
        "benchmark": "data_model",
        "unit": "microseconds per operation (median)",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "daqcore": daqcore.__version__,
        "repeats": repeats,
        "batch": batch,
        "daqcore_us": {},
        "pymodaq_us": {},
        "speedup_pymodaq_over_daqcore": {},
        "startup": startup,
    }
    try:
        import pymodaq_data
        from pymodaq_data import data as pmd

        theirs = _cases(_Lib(Axis=pmd.Axis, DataRaw=pmd.DataRaw, DataToExport=pmd.DataToExport))
        result["pymodaq_data"] = getattr(pymodaq_data, "__version__", "unknown")
    except ImportError:
        theirs = {}
        result["pymodaq_data"] = None
    for name, function in ours.items():
        result["daqcore_us"][name] = round(_median_us(function, repeats, batch), 2)
        if name in theirs:
            peer = _median_us(theirs[name], repeats, max(batch // 5, 4))
            result["pymodaq_us"][name] = round(peer, 2)
            result["speedup_pymodaq_over_daqcore"][name] = round(
                peer / result["daqcore_us"][name], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
