#!/usr/bin/env python
"""Benchmark of PicoScope streaming (engine + stream sink), with the raw h5py ceiling measured in
the same run.

Prints ONE JSON document with:

* ``raw_append``: the ceiling: raw h5py appends of int16 blocks (4 Mi samples) into a chunked
  resizable dataset, plain and SWMR with a flush per block (MS/s), measured after a 2 GiB
  warm-up write (``raw_append_warm_up``: the first multi-GB write of a process is ~2x slower);
* ``sustained``: ``daqcore``'s stream of the simulated 5000a at 125 MS/s (8-bit maximum) for
  ``--duration`` s with a live reader in another process (polls every 50 ms, reads and
  min/max-decimates the newest 2 Mi samples): samples produced / written / lost, the reader's
  refresh count and read times (first and last tenth), and ``growth``: RSS and CPU ns per
  sample in the first and last third of the run (nothing should grow with the duration);
* ``max_rate``: the simulated scope with its rate limit lifted, rates stepped up (250, 333,
  500, 1000 MS/s: whole-ns intervals; quick: 250, 500, 1000) until a run loses samples, up to
  1.5x the raw ceiling: the highest loss-free rate and its ratios to ``raw_append``;
* ``engine_ceiling``: the writer side saturated (an unpaced source, drop policy): samples
  written per second through engine + sink;
* ``decimation``: min_max and mean of int16 at factors 2..16, 32, 64, 150, 4096 (numba and
  numpy, MS/s of input; ``*_min_f2_16``: the slowest of factors 2..16);
* ``read``: a whole file read by raw h5py (``read_direct`` and low-level ``DatasetID.read``,
  int16) and by ``PicoStreamReader.get_block_iter`` in each configuration of
  ``READ_CONFIGS`` (float64 / float32 values, fresh / reused arrays, decimated), and the
  peer, PicoStream's approach (slice read, numpy float64 conversion, ``linspace`` times),
  as MS/s and
  ratios to ``read_direct`` (medians of interleaved pairs), the CPU time per sample of each
  (all threads; robust to load), plus the memory bandwidth that bounds the undecimated read.

Usage: ``python benchmarks/bench_stream.py [--quick] [--duration S] [--dir DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from h5py import h5s

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
    def median_ms(values):
        values = sorted(values)
        return 1000 * values[len(values) // 2] if values else None
    tenth = max(1, len(lat) // 10)
    print(json.dumps({"refreshes": refreshes, "reads": reads, "read_ms_median": median_ms(lat),
                      "read_ms_median_first_tenth": median_ms(lat[:tenth]),
                      "read_ms_median_last_tenth": median_ms(lat[-tenth:])}))
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


def raw_append(directory: Path, seconds: float, swmr: bool,
               min_samples: int = 0) -> dict[str, float]:
    """The ceiling: h5py appends of 4 Mi-sample int16 blocks (chunks of 1 Mi samples), for
    ``seconds`` and at least ``min_samples``."""
    block = (np.arange(BLOCK) % 4096 * 16).astype(np.int16)
    path = directory / f"raw_{'swmr' if swmr else 'plain'}.h5"
    n = 0
    with h5py.File(path, "w", libver="latest" if swmr else "earliest") as f:
        d = f.create_dataset("adc_counts", shape=(0,), maxshape=(None,), dtype=np.int16,
                             chunks=(1 << 20,))
        if swmr:
            f.swmr_mode = True
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds or n < min_samples:
            d.resize((n + BLOCK,))
            d[n:n + BLOCK] = block
            if swmr:
                d.flush()
            n += BLOCK
        elapsed = time.perf_counter() - t0
    path.unlink()
    return {"ms_per_s": n / elapsed / 1e6, "mb_per_s": 2 * n / elapsed / 1e6,
            "seconds": elapsed}


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Monitor:
    """Samples, once a second during a run: RSS, process CPU time and samples written, to show
    that nothing grows with the duration (memory, CPU per sample)."""

    def __init__(self, engine: StreamEngine) -> None:
        self.engine = engine
        self.rows: list[tuple[float, float, float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Monitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.rows.append((time.perf_counter(), _rss_mb(), time.process_time(),
                              self.engine.counts.written))

    def summary(self) -> dict[str, Any]:
        rows = self.rows
        if len(rows) < 4:
            return {"rss_mb": [r[1] for r in rows]}
        rows = [r for r in rows if r[3] > 0] or rows  # from the first written block on
        if len(rows) < 4:
            return {"rss_mb": [r[1] for r in rows]}
        third = max(1, (len(rows) - 1) // 3)

        def cpu_ns_per_sample(a: int, b: int) -> float:
            written = rows[b][3] - rows[a][3]
            return 1e9 * (rows[b][2] - rows[a][2]) / written if written else float("nan")

        every = max(1, len(rows) // 12)
        return {"rss_mb_series": [round(r[1]) for r in rows[::every]],
                "rss_mb_first": rows[0][1], "rss_mb_max": max(r[1] for r in rows),
                "rss_mb_last": rows[-1][1],
                "cpu_ns_per_sample_first_third": cpu_ns_per_sample(0, third),
                "cpu_ns_per_sample_last_third": cpu_ns_per_sample(len(rows) - 1 - third,
                                                                  len(rows) - 1)}


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
    with Monitor(engine) as monitor:
        result = engine.run(duration=seconds)
    out: dict[str, Any] = {
        "rate_ms_per_s": rate / 1e6, "status": result.status, "elapsed_s": result.elapsed,
        "achieved_ms_per_s": result.rate / 1e6, **result.counts.as_dict(),
        "verified": bool(sink.verification and sink.verification.ok),
        "growth": monitor.summary()}
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


def max_rate(directory: Path, seconds: float, ceiling_ms_per_s: float,
             quick: bool) -> dict[str, Any]:
    """Step the simulated rate up until a run loses samples or falls short of its rate, up to
    1.5x the raw SWMR ceiling. The scope's sample interval is a whole number of ns, so above
    200 MS/s the only rates are 1000/k MS/s: the full mode tries k = 4, 3, 2, 1 (250, 333, 500,
    1000 MS/s), the quick mode k = 4, 2, 1."""
    runs: list[dict[str, Any]] = []
    best, bad = 0.0, None
    for interval_ns in ((4, 2, 1) if quick else (4, 3, 2, 1)):
        rate = 1e9 / interval_ns
        if rate > 1.5 * ceiling_ms_per_s * 1e6 and best:
            break
        run = sim_stream(directory, rate, seconds, reader=True)
        runs.append({k: run[k] for k in ("rate_ms_per_s", "achieved_ms_per_s", "n_lost",
                                         "n_lost_device", "n_lost_pool", "status")})
        if run["n_lost"] or run["status"] == "failed" or \
                run["achieved_ms_per_s"] < 0.95 * rate / 1e6:
            bad = rate
            break
        best = rate
    return {"max_lossless_ms_per_s": best / 1e6, "first_lossy_ms_per_s": (bad or 0) / 1e6,
            "runs": runs}


DECIMATION_FACTORS = (*range(2, 17), 32, 64, 150, 4096)


def decimation(n: int) -> dict[str, Any]:
    """MS/s of int16 input through ``decimate`` (numba: compiled kernels, two threads for long
    inputs; numpy: the reference), per mode and factor."""
    warm_up()
    x = np.random.default_rng(0).normal(0, 3000, n).astype(np.int16)
    out: dict[str, Any] = {"n_samples": n, "factors": list(DECIMATION_FACTORS)}
    for mode in ("min_max", "mean"):
        for use_numba in (True, False):
            rates = {}
            for factor in DECIMATION_FACTORS:
                decimate(x, factor, mode, use_numba=use_numba)  # compile; fault the output
                best = float("inf")
                for _ in range(2):
                    t = time.perf_counter()
                    decimate(x, factor, mode, use_numba=use_numba)
                    best = min(best, time.perf_counter() - t)
                rates[str(factor)] = n / best / 1e6
            label = f"{mode}_{'numba' if use_numba else 'numpy'}_ms_per_s"
            out[label] = rates
            out[f"{label}_min_f2_16"] = min(rates[str(f)] for f in range(2, 17))
    return out


READ_CONFIGS: dict[str, dict[str, Any]] = {
    "iter": {},
    "iter_float32": {"dtype": np.float32},
    "iter_reuse": {"reuse_buffers": True},
    "iter_float32_reuse": {"dtype": np.float32, "reuse_buffers": True},
    "iter_minmax10": {"decimation_factor": 10, "decimation_mode": "min_max"},
    "iter_mean10": {"decimation_factor": 10, "decimation_mode": "mean"},
    "iter_minmax1000": {"decimation_factor": 1000, "decimation_mode": "min_max"},
}


def memory_bandwidth() -> dict[str, float]:
    """What the undecimated read must write: fills and int16 -> float64 conversions (GB/s
    written), into fresh (page-faulted) and into reused arrays of 1 Mi values."""
    n, reps = 1 << 20, 100
    x = np.ones(n, np.int16)
    reused = np.zeros(n)
    out: dict[str, float] = {}
    for label, fresh in (("fresh", True), ("reused", False)):
        t = time.perf_counter()
        for _ in range(reps):
            target = np.empty(n) if fresh else reused
            np.multiply(x, 0.5, out=target)
        out[f"convert_f64_{label}_gb_per_s"] = reps * n * 8 / (time.perf_counter() - t) / 1e9
    big = np.empty(1 << 26)
    big.fill(0.0)  # fault the pages in first
    t = time.perf_counter()
    big.fill(1.0)
    out["fill_512mb_gb_per_s"] = big.nbytes / (time.perf_counter() - t) / 1e9
    return out


def read(directory: Path, n: int, reps: int) -> dict[str, Any]:
    """A whole file: raw h5py reads of 1 M samples into one reused int16 buffer (``read_direct``
    as the issue defines the ceiling, and the low-level ``DatasetID.read``, faster), against
    ``get_block_iter(chunk_size=1_000_000)`` in each configuration of :data:`READ_CONFIGS`.
    Each configuration is timed right after a raw read (``reps`` pairs): the ratios are the
    medians of the pairs' ratios (robust to other processes' load), the rates the medians."""
    path = directory / "read.hdf5"
    config = StreamConfig.simple("A", "2V", resolution_bits=8, sample_rate_sps=125e6)
    engine, _ = build_engine(path, config, device=SimulatedPicoScope5000a(), max_samples=n)
    engine.run()
    chunk = 1_000_000
    buf = np.empty(chunk, np.int16)
    with h5py.File(path, "r") as f:
        total = f["adc_counts"].shape[0]

    cpu: dict[str, list[float]] = {}

    def raw(lowlevel: bool) -> float:
        with h5py.File(path, "r") as f:
            d = f["adc_counts"]
            c = time.process_time()
            t = time.perf_counter()
            for s in range(0, total, chunk):
                m = min(chunk, total - s)
                if lowlevel:
                    space = d.id.get_space()
                    space.select_hyperslab((s,), (m,))
                    d.id.read(h5s.create_simple((m,)), space, buf[:m])
                else:
                    d.read_direct(buf, np.s_[s:s + m], np.s_[0:m])
            rate = total / (time.perf_counter() - t) / 1e6
            cpu.setdefault("raw_lowlevel" if lowlevel else "raw", []).append(
                1e9 * (time.process_time() - c) / total)
            return rate

    def through_reader(options: dict[str, Any], name: str = "") -> float:
        with PicoStreamReader(path) as r:
            c = time.process_time()
            t = time.perf_counter()
            for _block in r.get_block_iter(chunk_size=chunk, **options):
                pass
            rate = total / (time.perf_counter() - t) / 1e6
            cpu.setdefault(name, []).append(1e9 * (time.process_time() - c) / total)
            return rate

    def picostream_approach() -> float:
        """The peer: PicoStream's stored reader does, per block, a slice read (a fresh int16
        array), a numpy float64 mV conversion and a ``linspace`` of times."""
        with h5py.File(path, "r") as f:
            d = f["adc_counts"]
            mv_per_count = float(f.attrs["voltage_range_v"]) * 1000.0 / float(f.attrs["max_adc"])
            offset_mv = float(f.attrs.get("analog_offset_v", 0.0)) * 1000.0
            dt = float(f.attrs["sample_interval_ns"]) * 1e-9
            c = time.process_time()
            t = time.perf_counter()
            for s in range(0, total, chunk):
                m = min(chunk, total - s)
                volts = d[s:s + m].astype(np.float64) * mv_per_count + offset_mv
                times = np.linspace(s * dt, (s + m - 1) * dt, m)
                del volts, times
            rate = total / (time.perf_counter() - t) / 1e6
            cpu.setdefault("picostream_approach", []).append(
                1e9 * (time.process_time() - c) / total)
            return rate

    raw(False)  # page cache, first touches
    for options in READ_CONFIGS.values():
        through_reader(options)  # kernels compiled for the factors
    rates: dict[str, list[float]] = {"raw": [], "raw_lowlevel": []}
    ratios: dict[str, list[float]] = {}
    for _ in range(reps):
        for name, options in READ_CONFIGS.items():
            base = raw(False)
            rates["raw"].append(base)
            rate = through_reader(options, name)
            rates.setdefault(name, []).append(rate)
            ratios.setdefault(name, []).append(rate / base)
        low, base = raw(True), raw(False)
        rates["raw_lowlevel"].append(low)
        ratios.setdefault("raw_lowlevel", []).append(low / base)
        peer, base = picostream_approach(), raw(False)
        rates.setdefault("picostream_approach", []).append(peer)
        ratios.setdefault("picostream_approach", []).append(peer / base)
    path.unlink(missing_ok=True)
    median = statistics.median
    out: dict[str, Any] = {"n_samples": total, "chunk_size": chunk, "pairs": reps,
                           "configs": {k: {kk: str(vv) for kk, vv in v.items()}
                                       for k, v in READ_CONFIGS.items()}}
    out.update({f"{k}_ms_per_s": median(v) for k, v in rates.items()})
    out.update({f"{k}_ratio": median(v) for k, v in ratios.items()})
    # CPU time (all threads) per sample: robust to other processes' load, unlike the rates;
    # the reader spreads it over two threads, the raw read runs on one
    out["cpu_ns_per_sample"] = {k: median(v) for k, v in cpu.items() if k}
    out["memory_bandwidth"] = memory_bandwidth()
    return out


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
        # the first multi-GB write of a process is ~2x slower: warm up with 2 GiB first
        # (quick: 1 GiB)
        result["raw_append_warm_up"] = raw_append(directory, step, False,
                                                  min_samples=1 << (29 if quick else 30))
        result["raw_append"] = {"plain": raw_append(directory, step, False),
                                "swmr_flush": raw_append(directory, step, True)}
        _progress(f"raw append {result['raw_append']}", t0)
        result["sustained"] = sim_stream(directory, 125e6, duration, reader=True)
        _progress(f"sustained {result['sustained']}", t0)
        result["engine_ceiling"] = engine_ceiling(directory, step)
        _progress(f"engine ceiling {result['engine_ceiling']}", t0)
        ceiling = result["raw_append"]["swmr_flush"]["ms_per_s"]
        result["max_rate"] = max_rate(directory, step, ceiling, quick)
        _progress(f"max rate {result['max_rate']}", t0)
        result["max_rate"]["ratio_to_raw_swmr"] = \
            result["max_rate"]["max_lossless_ms_per_s"] / ceiling
        result["max_rate"]["ratio_to_raw_plain"] = \
            result["max_rate"]["max_lossless_ms_per_s"] / \
            result["raw_append"]["plain"]["ms_per_s"]
        result["engine_ceiling"]["ratio_to_raw_swmr"] = \
            result["engine_ceiling"]["written_ms_per_s"] / ceiling
        result["decimation"] = decimation(20_000_000 if quick else 100_000_000)
        _progress("decimation", t0)
        result["read"] = read(directory, 100_000_000 if quick else 500_000_000,
                              reps=3 if quick else 5)
        _progress("read", t0)
    text = json.dumps(result, indent=2, default=float)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
