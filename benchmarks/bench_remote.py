#!/usr/bin/env python
"""Benchmark of remote instruments over LECO, with the local instrument and pyleco's own
round trip measured in the same run.

* ``rpc_floor``: pyleco's ``pong`` request to an Actor through the Coordinator (the protocol's
  round trip, nothing of daqcore's). Microseconds.
* ``grab_0d`` / ``grab_1d_N``: ``grab_data()`` of a remote mock detector (Actor in a child
  process) against the same detector created locally; 1D at N = 256, 4096 and 65536 points
  to show how the cost grows with the data. Microseconds per grab.
* ``scan_points_per_s``: a 1D scan (local mock actuator) with the remote 0D detector against
  the local one, files written as usual. Points per second.

Prints one JSON document with medians and ratios ``remote / local`` (the price of the network).
``--quick`` runs fewer repetitions.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)


def _median_us(function: Callable[[], Any], repeats: int, batch: int) -> float:
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(samples)


def _serve(address: str, instrument: str, name: str, *settings: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "daqcore", "serve", instrument, "-c", address, "-n", name]
    for pair in settings:
        args += ["--set", pair]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _connect(name: str, address: str) -> Any:
    from daqcore.remote import connect
    from daqcore.remote.errors import RemoteError

    deadline = time.monotonic() + 30
    while True:
        try:
            return connect(name, address, timeout=5.0)
        except RemoteError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _scan_rate(detector: Any, n_points: int, folder: Path) -> float:
    from daqcore.acquisition import Scan, Scanner1DLinear
    from daqcore.plugins import get_registry

    with get_registry().create_actuator("mock_x") as x:
        scanner = Scanner1DLinear(0.0, 1.0, 1.0 / (n_points - 1))
        result = Scan([x], [detector], scanner, path=folder).run()
    return result.points_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeats, batch = (3, 20) if args.quick else (7, 100)
    n_scan = 100 if args.quick else 400

    from daqcore.plugins import get_registry
    from daqcore.remote.coordinator import CoordinatorProcess

    registry = get_registry()
    results: dict[str, Any] = {}
    actors: list[subprocess.Popen] = []
    with CoordinatorProcess() as coordinator, tempfile.TemporaryDirectory() as tmp:
        try:
            actors.append(_serve(coordinator.address, "mock_0d", "bench_0d"))
            sizes = (256, 4096, 65536)
            for n in sizes:
                actors.append(_serve(coordinator.address, "mock_1d", f"bench_1d_{n}",
                                     f"npoints={n}"))
            remote_0d = _connect("bench_0d", coordinator.address)
            remote_0d.ini_detector()
            communicator = remote_0d.link._communicator
            floor = _median_us(lambda: communicator.ask_rpc("bench_0d", method="pong"),
                               repeats, batch)
            results["rpc_floor_us"] = floor
            with registry.create_detector("mock_0d") as local_0d:
                local = _median_us(local_0d.grab_data, repeats, batch)
                remote = _median_us(remote_0d.grab_data, repeats, batch)
                results["grab_0d"] = {"remote_us": remote, "local_us": local,
                                      "ratio_remote_local": remote / local,
                                      "remote_minus_floor_us": remote - floor}
                scan_remote = _scan_rate(remote_0d, n_scan, Path(tmp))
                scan_local = _scan_rate(local_0d, n_scan, Path(tmp))
                results["scan_points_per_s"] = {
                    "remote": scan_remote, "local": scan_local,
                    "ratio_remote_local": scan_remote / scan_local, "n_points": n_scan}
            remote_0d.close()
            for n in sizes:
                with _connect(f"bench_1d_{n}", coordinator.address) as remote_1d, \
                        registry.create_detector("mock_1d", npoints=n) as local_1d:
                    local = _median_us(local_1d.grab_data, repeats, max(1, batch // 4))
                    remote = _median_us(remote_1d.grab_data, repeats, max(1, batch // 4))
                results[f"grab_1d_{n}"] = {"remote_us": remote, "local_us": local,
                                           "ratio_remote_local": remote / local,
                                           "bytes": n * 8}
        finally:
            for actor in actors:
                actor.terminate()
            for actor in actors:
                actor.wait(timeout=10)
    print(json.dumps({"benchmark": "remote", "python": platform.python_version(),
                      "quick": args.quick, "results": results}, indent=2))


if __name__ == "__main__":
    main()
