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

Prints one JSON document: medians for daqcore and pymodaq_data and the ratio
``pymodaq / daqcore`` (> 1 means daqcore is faster). ``--quick`` runs fewer repetitions.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
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


class _Lib:
    def __init__(self, **names: Any) -> None:
        self.__dict__.update(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~5 s)")
    args = parser.parse_args()
    repeats, batch = (5, 20) if args.quick else (15, 100)

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
