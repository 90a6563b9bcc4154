#!/usr/bin/env python
"""Benchmark of PicoScope streaming (engine + stream sink), with the raw h5py ceiling measured in
the same run.

Prints ONE JSON document with:

* ``raw_append``: the ceiling: raw h5py appends of int16 blocks (4 Mi samples) into a chunked
  resizable dataset, plain and SWMR with a flush per block (MS/s);
* ``sustained``: ``daqcore``'s stream of the simulated 5000a at 125 MS/s (8-bit maximum) for
  ``--duration`` s with a live reader in another process (polls every 50 ms, reads and
  min/max-decimates the newest 2 Mi samples): samples produced / written / lost, and the
  reader's refresh count;
* ``max_rate``: the simulated scope with its rate limit lifted, rates stepped up until a run
  loses samples: the highest loss-free rate, and its ratio to ``raw_append.swmr_flush``;
* ``engine_ceiling``: the writer side saturated (an unpaced source, drop policy): samples
  written per second through engine + sink;
* ``decimation``: min_max and mean of int16 at factors 16, 150, 4096 (numba and numpy, MS/s
  of input);
* ``read``: a whole file read by raw h5py ``read_direct`` (int16) and by
  ``PicoStreamReader.get_block_iter`` (mV and times, float64), undecimated and with
  ``decimation_factor=10, 'min_max'`` (MS/s), and the ratios.

Usage: ``python benchmarks/bench_stream.py [--quick] [--duration S] [--dir DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from daqcore.acquisition.stream import BlockFiller, PollResult, StreamEngine
from daqcore.saving.stream_sink import StreamSink
from daqcore_plugins.picoscope import PicoStreamReader, StreamConfig
from daqcore_plugins.picoscope.decimation import decimate, warm_up
from daqcore_plugins.picoscope.sim_device import SimulatedPicoScope5000a
from daqcore_plugins.picoscope.streaming import build_engine

BLOCK = 1 << 22

READER = textwrap.dedent("""
    import sys, time, json
    from daqcore_plugins.picoscope import PicoStreamReader
    path, stop_file, limit = sys.argv[1], sys.argv[2], time.monotonic() + float(sys.argv[3])
    import os
    parent = os.getppid()
    def go_on():
        return (not os.path.exists(stop_file) and time.monotonic() < limit
                and os.getppid() == parent)
    while not os.path.exists(path) and go_on():
        time.sleep(0.01)
    time.sleep(0.2)
    refreshes, reads, lat = 0, 0, []
    with PicoStreamReader(path) as r:
        while go_on():
            t = time.perf_counter()
            n = r.refresh()
            refreshes += 1
            if n > 2_000_000:
                r.get_block(2_000_000, start=n - 2_000_000, decimation_factor=1000,
                            decimation_mode="min_max")
                reads += 1
            lat.append(time.perf_counter() - t)
            time.sleep(0.05)
    lat.sort()
    print(json.dumps({"refreshes": refreshes, "reads": reads,
                      "read_ms_median": 1000 * lat[len(lat) // 2] if lat else None}))
""")


def _versions() -> dict[str, Any]:
    from importlib import metadata

    out: dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform(),
                           "cpu_count": os.cpu_count(), "hdf5": h5py.version.hdf5_version,
                           "load_avg": os.getloadavg()}
    for pkg in ("daqcore", "h5py", "numpy", "numba"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def raw_append(directory: Path, seconds: float, swmr: bool) -> dict[str, float]:
    """The ceiling: h5py appends of 4 Mi-sample int16 blocks (chunks of 1 Mi samples)."""
    block = (np.arange(BLOCK) % 4096 * 16).astype(np.int16)
    path = directory / f"raw_{'swmr' if swmr else 'plain'}.h5"
    n = 0
    with h5py.File(path, "w", libver="latest" if swmr else "earliest") as f:
        d = f.create_dataset("adc_counts", shape=(0,), maxshape=(None,), dtype=np.int16,
                             chunks=(1 << 20,))
        if swmr:
            f.swmr_mode = True
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            d.resize((n + BLOCK,))
            d[n:n + BLOCK] = block
            if swmr:
                d.flush()
            n += BLOCK
        elapsed = time.perf_counter() - t0
    path.unlink()
    return {"ms_per_s": n / elapsed / 1e6, "mb_per_s": 2 * n / elapsed / 1e6}


def sim_stream(directory: Path, rate: float, seconds: float, reader: bool) -> dict[str, Any]:
    """Stream the simulated scope at ``rate`` for ``seconds`` (optionally with a live reader)."""
    path = directory / f"stream_{int(rate)}.hdf5"
    stop_file = directory / "stop_reader"
    stop_file.unlink(missing_ok=True)
    proc = None
    if reader:
        proc = subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop_file),
                                 str(seconds + 120)], stdout=subprocess.PIPE, text=True)
    config = StreamConfig.simple("A", "2V", resolution_bits=8, sample_rate_sps=rate,
                                 rate_limit_sps=max(rate, 125e6))
    engine, sink = build_engine(path, config, device=SimulatedPicoScope5000a(),
                                pool_seconds=2.0)
    result = engine.run(duration=seconds)
    out: dict[str, Any] = {
        "rate_ms_per_s": rate / 1e6, "status": result.status, "elapsed_s": result.elapsed,
        "achieved_ms_per_s": result.rate / 1e6, **result.counts.as_dict(),
        "verified": bool(sink.verification and sink.verification.ok)}
    if proc is not None:
        stop_file.touch()
        stdout, _ = proc.communicate(timeout=60)
        out["reader"] = json.loads(stdout.strip().splitlines()[-1]) if stdout.strip() else None
    path.unlink(missing_ok=True)
    return out


class UnpacedSource:
    """Writes table slices as fast as it is polled (the writer is the bottleneck)."""

    channels = ("A",)
    dtype = np.dtype(np.int16)

    def __init__(self) -> None:
        self.table = (np.arange(BLOCK) % 4096 * 16).astype(np.int16)

    def start(self) -> dict[str, Any]:
        return {"sample_interval": 1e-9}

    def poll(self, filler: BlockFiller) -> PollResult:
        n = filler.write([self.table], 0, BLOCK // 4)
        return PollResult(n)

    def stop(self) -> None:
        pass


def engine_ceiling(directory: Path, seconds: float) -> dict[str, Any]:
    path = directory / "ceiling.hdf5"
    sink = StreamSink(path, chunk_samples=1 << 20)
    engine = StreamEngine(UnpacedSource(), [sink], block_samples=BLOCK, n_buffers=8,
                          on_pool_exhausted="drop", poll_interval=0.0)
    result = engine.run(duration=seconds)
    c = result.counts
    path.unlink(missing_ok=True)
    return {"written_ms_per_s": c.written / result.elapsed / 1e6,
            "produced_ms_per_s": c.produced / result.elapsed / 1e6, "blocks": c.blocks}


def max_rate(directory: Path, seconds: float, rates: list[float]) -> dict[str, Any]:
    runs = []
    best = 0.0
    for rate in rates:
        run = sim_stream(directory, rate, seconds, reader=True)
        runs.append({k: run[k] for k in ("rate_ms_per_s", "achieved_ms_per_s", "n_lost",
                                         "n_lost_device", "n_lost_pool", "status")})
        if run["n_lost"] or run["status"] == "failed" or \
                run["achieved_ms_per_s"] < 0.95 * rate / 1e6:
            break
        best = rate
    return {"max_lossless_ms_per_s": best / 1e6, "runs": runs}


def decimation(n: int) -> dict[str, Any]:
    warm_up()
    x = np.random.default_rng(0).normal(0, 3000, n).astype(np.int16)
    out: dict[str, Any] = {"n_samples": n}
    for factor in (16, 150, 4096):
        decimate(x[:100_000], factor, "min_max")  # compile the factor's kernel
        for mode in ("min_max", "mean"):
            for use_numba in (True, False):
                best = float("inf")
                for _ in range(2):
                    t = time.perf_counter()
                    decimate(x, factor, mode, use_numba=use_numba)
                    best = min(best, time.perf_counter() - t)
                key = f"{mode}_f{factor}_{'numba' if use_numba else 'numpy'}_ms_per_s"
                out[key] = n / best / 1e6
    return out


def read(directory: Path, n: int) -> dict[str, Any]:
    path = directory / "read.hdf5"
    config = StreamConfig.simple("A", "2V", resolution_bits=8, sample_rate_sps=125e6)
    engine, _ = build_engine(path, config, device=SimulatedPicoScope5000a(), max_samples=n)
    engine.run()
    chunk = 1_000_000
    buf = np.empty(chunk, np.int16)
    times: dict[str, list[float]] = {"raw": [], "iter": [], "iter_minmax10": []}
    for _ in range(2):
        with h5py.File(path, "r") as f:
            d = f["adc_counts"]
            total = d.shape[0]
            t = time.perf_counter()
            for s in range(0, total, chunk):
                m = min(chunk, total - s)
                d.read_direct(buf, np.s_[s:s + m], np.s_[0:m])
            times["raw"].append(time.perf_counter() - t)
        with PicoStreamReader(path) as r:
            t = time.perf_counter()
            for _block in r.get_block_iter(chunk_size=chunk):
                pass
            times["iter"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for _block in r.get_block_iter(chunk_size=chunk, decimation_factor=10,
                                           decimation_mode="min_max"):
                pass
            times["iter_minmax10"].append(time.perf_counter() - t)
    path.unlink(missing_ok=True)
    rates = {k: total / min(v) / 1e6 for k, v in times.items()}
    return {"n_samples": total, "raw_ms_per_s": rates["raw"], "iter_ms_per_s": rates["iter"],
            "iter_minmax10_ms_per_s": rates["iter_minmax10"],
            "iter_ratio": rates["iter"] / rates["raw"],
            "iter_minmax10_ratio": rates["iter_minmax10"] / rates["raw"]}


def _progress(what: str, t0: float) -> None:
    print(f"[{time.perf_counter() - t0:7.1f} s] {what}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (about a minute)")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds of the sustained 125 MS/s run (default 60, quick 5)")
    parser.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    args = parser.parse_args()
    quick = args.quick
    duration = args.duration or (5.0 if quick else 60.0)
    step = 2.0 if quick else 5.0
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        directory = Path(tmp)
        result: dict[str, Any] = {"benchmark": "bench_stream", "quick": quick,
                                  "versions": _versions()}
        t0 = time.perf_counter()
        raw_append(directory, 1.0, False)  # first big write of the process is slower
        result["raw_append"] = {"plain": raw_append(directory, step, False),
                                "swmr_flush": raw_append(directory, step, True)}
        _progress(f"raw append {result['raw_append']}", t0)
        result["sustained"] = sim_stream(directory, 125e6, duration, reader=True)
        _progress(f"sustained {result['sustained']}", t0)
        result["engine_ceiling"] = engine_ceiling(directory, step)
        _progress(f"engine ceiling {result['engine_ceiling']}", t0)
        rates = [250e6, 500e6] if quick else [250e6, 400e6, 500e6, 650e6, 800e6]
        result["max_rate"] = max_rate(directory, step, rates)
        _progress(f"max rate {result['max_rate']}", t0)
        ceiling = result["raw_append"]["swmr_flush"]["ms_per_s"]
        result["max_rate"]["ratio_to_raw_swmr"] = \
            result["max_rate"]["max_lossless_ms_per_s"] / ceiling
        result["engine_ceiling"]["ratio_to_raw_swmr"] = \
            result["engine_ceiling"]["written_ms_per_s"] / ceiling
        result["decimation"] = decimation(20_000_000 if quick else 100_000_000)
        _progress("decimation", t0)
        result["read"] = read(directory, 100_000_000 if quick else 500_000_000)
        _progress("read", t0)
    text = json.dumps(result, indent=2, default=float)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
