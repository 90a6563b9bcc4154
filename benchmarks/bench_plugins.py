#!/usr/bin/env python
"""Benchmark of the plugin and instrument layers, with peers measured in the same run.

* ``load_plugins``: build a registry from the ``daqcore`` entry points (modules already
  imported) with daqcore's isolating loader, against the peer: plain pluggy
  (``load_setuptools_entrypoints`` + one hook call collecting the records, no isolation, no
  validation). Milliseconds per load.
* ``grab_0d`` / ``grab_2d``: ``Mock0D.grab_data()`` / ``Mock2D.grab_data()`` (64 x 48) through
  the Detector contract (state checks, data validation), against the peer: building the
  same DataToExport with pymodaq_data (``DataRaw`` of the same arrays and axes), i.e. the
  cost a PyMoDAQ plugin pays just to package its data. Microseconds per grab.
* ``move_abs``: ``MockActuator.move_abs(x)`` (instantaneous motion, waits for the target,
  returns a DataActuator) against building one pymodaq_data ``DataRaw`` 0D position.
* ``cli_plugins``: ``python -m daqcore plugins --json --no-probe`` in a subprocess, against
  ``python -c "import daqcore"`` (interpreter + package start-up floor). Milliseconds.

Prints one JSON document with medians, peer medians and ratios ``peer / daqcore``
(> 1: daqcore faster). ``--quick`` runs fewer repetitions (default run < 30 s).
"""

from __future__ import annotations

import argparse
import json
import logging
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


def _median(function: Callable[[], Any], repeats: int, batch: int, scale: float) -> float:
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - start) / batch * scale)
    return statistics.median(samples)


def _pluggy_peer() -> list[Any]:
    import pluggy

    from daqcore.plugins import hookspecs

    pm = pluggy.PluginManager("daqcore")
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints("daqcore")
    records: list[Any] = []
    pm.hook.daqcore_register_instruments(register=records.append)
    return records


def _pymodaq_like(dwa: Any) -> Any:
    """Build the same DataToExport with pymodaq_data (names, arrays, axes, units)."""
    from pymodaq_data import data as pmd

    axes = [pmd.Axis(a.label, a.units, data=a.get_data(), index=a.index) for a in dwa.axes]
    raw = pmd.DataRaw(dwa.name, data=[np.array(c) for c in dwa.data], labels=list(dwa.labels),
                      units=dwa.units, axes=axes, origin=dwa.origin)
    return pmd.DataToExport("det", data=[raw])


def _subprocess_ms(args: list[str], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    opts = parser.parse_args()
    repeats, batch, cli_repeats = (3, 50, 2) if opts.quick else (7, 200, 5)

    from daqcore.plugins import load_registry
    from daqcore_plugins.mock import Mock0D, Mock2D, MockActuator, SimulatedStage

    results: dict[str, dict[str, float | str]] = {}

    def record(name: str, ours: float, peer: float, unit: str, peer_name: str) -> None:
        results[name] = {"daqcore": round(ours, 3), "peer": round(peer, 3),
                         "ratio_peer_over_daqcore": round(peer / ours, 3), "unit": unit,
                         "peer_is": peer_name}

    load_batch = max(5, batch // 10)
    record("load_plugins",
           _median(lambda: load_registry(strict=False), repeats, load_batch, 1e3),
           _median(_pluggy_peer, repeats, load_batch, 1e3), "ms/load",
           "pluggy load_setuptools_entrypoints + hook call")

    stage = SimulatedStage()
    with Mock0D(stage=stage) as det0, Mock2D(stage=stage) as det2, \
            MockActuator(stage=stage) as act:
        sample0 = det0.grab_data()[0]
        sample2 = det2.grab_data()[0]
        record("grab_0d", _median(det0.grab_data, repeats, batch, 1e6),
               _median(lambda: _pymodaq_like(sample0), repeats, batch, 1e6), "us/grab",
               "pymodaq_data DataToExport of the same 0D data")
        record("grab_2d", _median(det2.grab_data, repeats, batch, 1e6),
               _median(lambda: _pymodaq_like(sample2), repeats, batch, 1e6), "us/grab",
               "pymodaq_data DataToExport of the same 64x48 image")
        targets = iter(np.tile(np.linspace(-5, 5, 11), 10_000_000 // 11))
        from pymodaq_data import data as pmd

        record("move_abs", _median(lambda: act.move_abs(next(targets)), repeats, batch, 1e6),
               _median(lambda: pmd.DataRaw("x", data=[np.array([1.0])], units="mm"),
                       repeats, batch, 1e6),
               "us/move", "pymodaq_data DataRaw 0D position")

    record("cli_plugins",
           _subprocess_ms([sys.executable, "-m", "daqcore", "plugins", "--json", "--no-probe"],
                          cli_repeats),
           _subprocess_ms([sys.executable, "-c", "import daqcore"], cli_repeats),
           "ms/run", "python -c 'import daqcore' (start-up floor)")

    print(json.dumps({
        "benchmark": "plugins",
        "quick": opts.quick,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
