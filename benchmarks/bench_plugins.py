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
* ``startup`` (section of its own): median wall time of fresh processes of the console script
  ``daqcore --help``, ``daqcore plugins`` (probing backends) and ``daqcore scan --help``,
  with the interpreter floor ``python -c pass`` measured in the same run; the targets are
  ``--help`` < 250 ms and ``plugins`` < 400 ms. ``--startup-only`` runs just this section.

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
from pathlib import Path
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


def _subprocess_ms(args: list[str], repeats: int, env: dict[str, str] | None = None) -> float:
    samples = []
    subprocess.run(args, check=True, capture_output=True, env=env)  # warm-up (bytecode cache)
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def _daqcore_command() -> list[str]:
    """The ``daqcore`` console script next to this interpreter (``python -m daqcore`` if none)."""
    script = Path(sys.executable).with_name("daqcore")
    return [str(script)] if script.exists() else [sys.executable, "-m", "daqcore"]


def startup(repeats: int) -> dict[str, Any]:
    """Median milliseconds of fresh ``daqcore`` processes, and the interpreter floor.

    Measured as a user runs them: with Python's bytecode cache (``PYTHONDONTWRITEBYTECODE``
    is removed from the environment, and a warm-up run fills the cache).
    """
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    daqcore = _daqcore_command()
    commands = {
        "python_floor": [sys.executable, "-c", "pass"],
        "import_daqcore": [sys.executable, "-c", "import daqcore"],
        "daqcore_help": [*daqcore, "--help"],
        "daqcore_plugins": [*daqcore, "plugins"],
        "daqcore_scan_help": [*daqcore, "scan", "--help"],
    }
    out: dict[str, Any] = {name: round(_subprocess_ms(args, repeats, env), 1)
                           for name, args in commands.items()}
    out.update(unit="ms (median of fresh processes, bytecode cached)", repeats=repeats,
               targets={"daqcore_help": 250, "daqcore_plugins": 400})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-up section")
    opts = parser.parse_args()
    repeats, batch, cli_repeats = (3, 50, 2) if opts.quick else (7, 200, 5)
    startup_repeats = 5 if opts.quick else 11
    if opts.startup_only:
        print(json.dumps({"benchmark": "plugins", "quick": opts.quick,
                          "python": platform.python_version(), "machine": platform.machine(),
                          "startup": startup(startup_repeats)}, indent=2))
        return

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
        "startup": startup(startup_repeats),
    }, indent=2))


if __name__ == "__main__":
    main()
