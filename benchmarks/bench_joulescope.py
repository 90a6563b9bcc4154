#!/usr/bin/env python3
"""Benchmark: daqcore's Joulescope StreamBuffer vs joulescope's v0 StreamBuffer (same run).

Synthetic JS110 data at 2 MS/s (sleep/wake load: 200 current-range switches per second),
reductions (200, 100, 100), 10 ms insert chunks. The two buffers ingest the same chunks
alternately and the queries alternate call by call (microsecond queries: means of 50-200
back-to-back calls per sample), so machine load affects both alike. Prints one JSON
document with medians of repeated calls for ours (numba backend, plus the numpy fallback's
ingest rate) and the peer, and ratios (peer time / our time for queries, our rate / peer
rate for ingest).

Second part ("recording"): JLS v1 DataRecorder (raw, stream_notify) and DataReader against
joulescope's on the same data (the readers both read the file joulescope wrote), plus our
HDF5 recorder/reader.

Run:  python benchmarks/bench_joulescope.py [--quick] [--only buffer|recording]
      [--buffer-duration 30] [--stream-seconds 40] [--record-seconds 20]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import statistics
import sys
import time

import numpy as np

from daqcore_plugins.joulescope import StreamBuffer
from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE
from daqcore_plugins.joulescope.raw_format import usb_packets
from daqcore_plugins.joulescope.sim_model import SignalModel, calibration_vectors

FS = 2_000_000
REDUCTIONS = [200, 100, 100]


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def timed_interleaved(fns: dict, repeat: int, inner: int = 1) -> dict:
    """Median time of each callable, calling them alternately (fair on a loaded machine).

    Each sample is the mean of ``inner`` back-to-back calls (for microsecond calls).
    """
    for fn in fns.values():
        fn()  # untimed first call (kernel loading, caches)
    times: dict = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - t0) / inner)
    return {name: statistics.median(t) for name, t in times.items()}


def make_buffer(kind: str, duration: float):
    cal = calibration_vectors()
    if kind == "joulescope":
        from joulescope.v0.stream_buffer import StreamBuffer as PeerBuffer

        sb = PeerBuffer(duration, REDUCTIONS, FS)
    else:
        sb = StreamBuffer(duration, REDUCTIONS, FS, backend=kind)
    sb.calibration_set(*cal)
    return sb


def ingest(sb, pieces, seconds: int) -> float:
    total = 0.0
    for _ in range(seconds):
        for p in pieces:
            t0 = time.perf_counter()
            sb.insert_raw(p)
            sb.process()
            total += time.perf_counter() - t0
    return total


def _query_calls(sb) -> dict:
    """The timed queries of one buffer: name -> (callable, inner repetitions)."""
    s0, s1 = sb.sample_id_range
    incr = (s1 - s0) // 1000
    w1 = s1 - FS
    w2 = s1 - 20_000
    n10 = min(10 * FS, (s1 - s0) - 2 * FS)
    a = s1 - n10 - 12345
    a2 = s1 - n10 - (s1 % 2_000_000)
    f3 = ["current", "voltage", "power"]
    return {
        "data_get_whole_buffer_1000pts_ms": (lambda: sb.data_get(s0, s0 + incr * 1000, incr), 1),
        "data_get_1s_1000pts_ms": (lambda: sb.data_get(w1, w1 + 2_000_000, 2000), 1),
        "data_get_10ms_1000pts_ms": (lambda: sb.data_get(w2, w2 + 20_000, 20), 1),
        "data_get_incr1_1000pts_ms": (lambda: sb.data_get(s1 - 1000, s1, 1), 10),
        "statistics_get_10s_unaligned_ms": (lambda: sb.statistics_get(a, a + n10), 50),
        "statistics_get_10s_aligned_ms": (lambda: sb.statistics_get(a2, a2 + n10), 200),
        "samples_get_1s_i_v_p_ms": (lambda: sb.samples_get(s1 - FS, s1, fields=f3), 1),
    }


def _queries(bufs: dict, r: int) -> dict:
    """Time each query on every buffer, alternating buffers call by call."""
    out: dict = {kind: {} for kind in bufs}
    calls = {kind: _query_calls(sb) for kind, sb in bufs.items()}
    for name, (_, inner) in next(iter(calls.values())).items():
        fns = {kind: calls[kind][name][0] for kind in bufs}
        reps = r * 3 if inner > 1 else r
        for kind, t in timed_interleaved(fns, reps, inner).items():
            out[kind][name] = 1e3 * t
    for kind, sb in bufs.items():
        s1 = sb.sample_id_range[1]
        stats, _ = sb.statistics_get(s1 - FS, s1)
        out[kind]["sanity_current_mean_A"] = float(stats[0]["mean"])
    return out


def _usb_rates(kinds: list[str], raw_1s, seconds: int) -> dict:
    """USB packet insert + process rate of each kind, interleaved call by call."""
    bufs = {kind: make_buffer(kind, 2.0) for kind in kinds}
    packets = usb_packets(raw_1s[: 2 * 126 * 64 * (FS // (126 * 64))]).reshape(-1, 512)
    calls = [packets[k : k + 64].reshape(-1) for k in range(0, len(packets), 64)]
    totals = dict.fromkeys(kinds, 0.0)
    n_usb = 0
    for s in range(seconds):
        pv = packets.view(np.uint16)
        pv[:, 2] = (s * len(packets) + np.arange(len(packets))) & 0xFFFF
        for c in calls:
            for kind in kinds:
                t0 = time.perf_counter()
                bufs[kind].insert(c)
                bufs[kind].process()
                totals[kind] += time.perf_counter() - t0
        n_usb += len(packets) * 126
    return {kind: n_usb / FS / totals[kind] for kind in kinds}


def bench_pair(kinds: list[str], raw_1s, args) -> dict:
    """Construct the buffers, ingest the same chunks interleaved (fair on a noisy machine),
    then time the queries of each."""
    res: dict = {k: {} for k in kinds}
    chunk = FS // 100
    pieces = [raw_1s[2 * k * chunk : 2 * (k + 1) * chunk] for k in range(100)]
    fill_seconds = int(np.ceil(args.buffer_duration))
    for kind in kinds:  # memory: RSS growth of one buffer constructed and filled alone
        gc.collect()
        rss0 = rss_bytes()
        t0 = time.perf_counter()
        sb = make_buffer(kind, args.buffer_duration)
        res[kind]["construct_s"] = time.perf_counter() - t0
        ingest(sb, pieces, fill_seconds)
        res[kind]["buffer_samples"] = len(sb)
        res[kind]["rss_bytes_per_sample"] = (rss_bytes() - rss0) / len(sb)
        if hasattr(sb, "nbytes"):
            res[kind]["array_bytes_per_sample"] = sb.nbytes / len(sb)
        sb = None
        gc.collect()
    bufs = {kind: make_buffer(kind, args.buffer_duration) for kind in kinds}
    for kind in kinds:  # warm-up (loads the cached numba kernels)
        ingest(make_buffer(kind, 1.0), pieces[:5], 1)
    totals = dict.fromkeys(kinds, 0.0)
    seconds = int(args.stream_seconds)
    for _ in range(seconds):
        for p in pieces:
            for kind in kinds:
                sb = bufs[kind]
                t0 = time.perf_counter()
                sb.insert_raw(p)
                sb.process()
                totals[kind] += time.perf_counter() - t0
    for kind in kinds:
        res[kind]["insert_raw_process_x_realtime"] = seconds / totals[kind]
    for kind, q in _queries(bufs, args.repeat).items():
        res[kind].update(q)
    bufs.clear()
    gc.collect()
    rates = _usb_rates(kinds, raw_1s, max(1, seconds // 4))
    for kind in kinds:
        res[kind]["usb_insert_process_x_realtime"] = rates[kind]
    return res


def _make_recorder(kind: str, path: str):
    if kind == "joulescope":
        from joulescope.data_recorder import DataRecorder as PeerRecorder

        return PeerRecorder(path)
    if kind == "ours_h5":
        from daqcore_plugins.joulescope.h5_recording import H5Recorder

        return H5Recorder(path)
    from daqcore_plugins.joulescope.recorder import DataRecorder

    return DataRecorder(path)


def _record(kinds: list[str], raw_1s, seconds: int, paths: dict) -> dict:
    """Seconds spent in each recorder (stream_notify + close) for ``seconds`` of data; the
    recorders (each fed by its own stream buffer) are called alternately, chunk by chunk."""
    ours = "numba" if NUMBA_AVAILABLE else "numpy"
    sbs = {k: make_buffer("joulescope" if k == "joulescope" else ours, 2.0) for k in kinds}
    recs = {k: _make_recorder(k, paths[k]) for k in kinds}
    spent = dict.fromkeys(kinds, 0.0)
    chunk = FS // 10

    def notify(k: str) -> None:
        t0 = time.perf_counter()
        recs[k].stream_notify(sbs[k])
        spent[k] += time.perf_counter() - t0

    for k in kinds:
        notify(k)
    for _ in range(seconds):
        for c in range(10):
            for k in kinds:
                sbs[k].insert_raw(raw_1s[2 * c * chunk: 2 * (c + 1) * chunk])
                sbs[k].process()
                notify(k)
    for k in kinds:
        t0 = time.perf_counter()
        recs[k].close()
        spent[k] += time.perf_counter() - t0
    return spent


def bench_recording(raw_1s, args, have_peer: bool) -> dict:
    """JLS v1 recorder and reader (and our HDF5 recording) against joulescope's."""
    import tempfile

    from daqcore_plugins.joulescope.h5_recording import H5DataReader
    from daqcore_plugins.joulescope.reader import DataReader

    seconds = int(args.record_seconds)
    out: dict = {"recorded_seconds": seconds}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {"ours": f"{tmp}/ours.jls", "joulescope": f"{tmp}/peer.jls",
                 "ours_h5": f"{tmp}/ours.h5"}
        _record(["ours"], raw_1s, 1, {"ours": f"{tmp}/warm.jls"})  # kernel loading
        kinds = ["ours", "joulescope", "ours_h5"] if have_peer else ["ours", "ours_h5"]
        for kind, t in _record(kinds, raw_1s, seconds, paths).items():
            out[f"{kind}_recorder_x_realtime"] = seconds / t
        readers = {"ours": DataReader().open(paths["joulescope" if have_peer else "ours"]),
                   "ours_h5": H5DataReader(paths["ours_h5"])}
        if have_peer:
            from joulescope.data_recorder import DataReader as PeerReader

            readers["joulescope"] = PeerReader().open(paths["joulescope"])
        n = readers["ours"].sample_id_range[1]
        whole = max(20000, (n // 1000 // 20000) * 20000)  # stored-reduction multiple
        points = n // whole
        span = min(10 * FS, n - 2 * FS)
        a = 12_345
        f2 = ["current", "voltage"]

        def calls(r):
            return {
                "reader_samples_get_1s_ms": lambda: r.samples_get(FS // 2, FS // 2 + FS,
                                                                  fields=f2),
                "reader_data_get_whole_1000pts_ms": lambda: r.data_get(0, whole * points, whole),
                "reader_data_get_0p1s_100pts_ms": lambda: r.data_get(FS, FS + FS // 10, 2000),
                "reader_statistics_get_unaligned_ms": lambda: r.statistics_get(a, a + span),
            }

        cs = {k: calls(r) for k, r in readers.items()}
        for name in cs["ours"]:
            for kind, t in timed_interleaved({k: c[name] for k, c in cs.items()},
                                             args.repeat).items():
                out[f"{kind}_{name}"] = 1e3 * t
        out["reader_statistics_span_samples"] = span
        out["reader_data_get_whole_increment"] = whole
        out["reader_data_get_whole_points"] = points
        for r in readers.values():
            r.close()
    if have_peer:
        out["recorder_speedup"] = out["ours_recorder_x_realtime"] / out[
            "joulescope_recorder_x_realtime"]
        for name in ("reader_samples_get_1s_ms", "reader_data_get_whole_1000pts_ms",
                     "reader_data_get_0p1s_100pts_ms", "reader_statistics_get_unaligned_ms"):
            for kind in ("ours", "ours_h5"):
                out[f"{kind}_{name.replace('_ms', '_speedup')}"] = (
                    out[f"joulescope_{name}"] / out[f"{kind}_{name}"])
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="4 s buffer, 6 s streamed, 3 repeats")
    p.add_argument("--buffer-duration", type=float, default=30.0)
    p.add_argument("--stream-seconds", type=float, default=40.0)
    p.add_argument("--fallback-seconds", type=float, default=6.0,
                   help="seconds streamed through the numpy fallback backend")
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--record-seconds", type=float, default=20.0,
                   help="seconds recorded to JLS v1 / HDF5 for the recorder/reader part")
    p.add_argument("--only", choices=["buffer", "recording"], default=None,
                   help="run only one part")
    args = p.parse_args()
    if args.quick:
        args.buffer_duration, args.stream_seconds, args.repeat = 4.0, 6.0, 3
        args.fallback_seconds, args.record_seconds = 3.0, 6.0
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("joulescope").setLevel(logging.CRITICAL)
    raw_1s = SignalModel(noise_codes=8.0, seed=1).generate(0, FS, FS)
    t_start = time.perf_counter()
    ours_kind = "numba" if NUMBA_AVAILABLE else "numpy"
    result: dict = {"args": vars(args), "ours_backend": ours_kind}
    try:
        import joulescope

        result["joulescope_version"] = joulescope.__version__
        kinds = [ours_kind, "joulescope"]
    except ImportError:
        kinds = [ours_kind]
    if args.only != "buffer":
        result["recording"] = bench_recording(raw_1s, args, "joulescope" in kinds)
    if args.only == "recording":
        result["total_runtime_s"] = time.perf_counter() - t_start
        print(json.dumps(result, indent=2, default=float))
        return 0
    pair = bench_pair(kinds, raw_1s, args)
    result["ours"] = pair[ours_kind]
    result["peer"] = pair.get("joulescope")
    # numpy fallback: ingest rate only (shorter run)
    sb = make_buffer("numpy", 4.0)
    chunk = FS // 100
    pieces = [raw_1s[2 * k * chunk : 2 * (k + 1) * chunk] for k in range(100)]
    secs = max(1, int(args.fallback_seconds))
    result["ours_numpy_fallback_insert_raw_process_x_realtime"] = secs / ingest(sb, pieces, secs)
    del sb
    if result["peer"]:
        o, q = result["ours"], result["peer"]
        ratios = {
            "ingest_speedup": o["insert_raw_process_x_realtime"]
            / q["insert_raw_process_x_realtime"],
            "usb_ingest_speedup": o["usb_insert_process_x_realtime"]
            / q["usb_insert_process_x_realtime"],
            "memory_ratio_rss": o["rss_bytes_per_sample"] / q["rss_bytes_per_sample"],
        }
        for key in o:
            if key.endswith("_ms"):
                ratios[key.replace("_ms", "_speedup")] = q[key] / o[key]
        result["ratios"] = ratios
    result["total_runtime_s"] = time.perf_counter() - t_start
    print(json.dumps(result, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
