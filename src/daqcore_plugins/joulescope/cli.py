"""``daqcore joulescope``: record, inspect and export Joulescope recordings.

* ``daqcore joulescope record OUT.jls|OUT.h5 --duration 10 [--sim] [--load pulsed]``:
  stream from the device (or the simulator) into a recording, with a progress bar and a
  summary at the end;
* ``daqcore joulescope info FILE``: format, rate, length and statistics of a recording;
* ``daqcore joulescope export FILE --to csv|h5 [-o OUT]``: convert a recording.

Registered by the plugin through ``daqcore_register_commands``. Importing this module (as
``daqcore --help`` does) imports nothing heavy: numpy and the plugin's machinery load when a
command runs.
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from daqcore.errors import DaqcoreError

_LOADS = ("sleep_wake", "pulsed", "steady")


def _recorder_for(path: Path, **kwargs: Any) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".jls":
        from .recorder import DataRecorder

        return DataRecorder(str(path), **kwargs)
    if suffix in (".h5", ".hdf5"):
        from .h5_recording import H5Recorder

        return H5Recorder(path, **kwargs)
    raise click.BadParameter(f"{path.name}: the output must end in .jls, .h5 or .hdf5",
                             param_hint="OUT")


def _open_device(sim: bool, load: str, sampling_frequency: float, buffer_duration: float) -> Any:
    params: dict[str, Any] = dict(sampling_frequency=sampling_frequency,
                                  buffer_duration=buffer_duration, reduction_frequency=2)
    if sim:
        from .sim_device import SimulatedJoulescope
        from .sim_model import pulsed_load, sleep_wake_load, steady_load

        loads = {"sleep_wake": sleep_wake_load(), "pulsed": pulsed_load(20e-3, 0.2e-3, 0.01, 0.5),
                 "steady": steady_load(2e-3)}
        return SimulatedJoulescope(load=loads[load], **params).open()
    from .real_device import RealJoulescope

    return RealJoulescope(**params).open()


def _format_value(value: float, units: str) -> str:
    if not math.isfinite(value):
        return f"nan {units}".strip()
    prefixes = ((1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1.0, ""))
    mag = abs(value)
    scale, prefix = 1.0, ""
    for s, p in prefixes:
        if mag >= s:
            scale, prefix = s, p
    if mag == 0:
        scale, prefix = 1.0, ""
    return f"{value / scale:.4g} {prefix}{units}".strip()


def _print_statistics(stats: dict[str, Any]) -> None:
    t = stats["time"]
    click.echo(f"  samples  {t['samples']['value']}  over {t['delta']['value']:.6g} s")
    for name in ("current", "voltage", "power"):
        sig = stats["signals"][name]
        units = sig["µ"]["units"]
        parts = [f"mean {_format_value(sig['µ']['value'], units)}",
                 f"std {_format_value(math.sqrt(max(sig['σ2']['value'], 0.0)), units)}",
                 f"min {_format_value(sig['min']['value'], units)}",
                 f"max {_format_value(sig['max']['value'], units)}"]
        if "∫" in sig:
            parts.append(f"∫ {_format_value(sig['∫']['value'], sig['∫']['units'])}")
        click.echo(f"  {name:<8} " + ", ".join(parts))


def _fail(exc: BaseException) -> None:
    # a daqcore error already says what is wrong; name the type of anything else
    text = str(exc) if isinstance(exc, DaqcoreError) else f"{type(exc).__name__}: {exc}"
    raise click.ClickException(text) from exc


@click.group("joulescope")
def joulescope() -> None:
    """Record, inspect and export Joulescope (JS110) recordings."""


@joulescope.command("record")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--duration", type=click.FloatRange(min=0.0, min_open=True), default=10.0,
              show_default=True, help="Seconds to record.")
@click.option("--sim", is_flag=True, help="Record the simulated device.")
@click.option("--load", type=click.Choice(_LOADS), default="sleep_wake", show_default=True,
              help="Simulated load (with --sim).")
@click.option("--sampling-frequency", type=float, default=2e6, show_default=True)
@click.option("--buffer-duration", type=float, default=2.0, show_default=True,
              help="Seconds of samples the stream buffer holds.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--overwrite", is_flag=True,
              help="Replace OUT if it exists (refused otherwise: it may hold a recording).")
def record(out: Path, duration: float, sim: bool, load: str, sampling_frequency: float,
           buffer_duration: float, no_progress: bool, overwrite: bool) -> None:
    """Record the Joulescope to OUT (.jls: joulescope's JLS v1; .h5: HDF5)."""
    if out.exists() and not overwrite:
        raise click.BadParameter(f"{out} exists (it may hold a recording); choose another "
                                 "file or pass --overwrite", param_hint="OUT")
    try:
        device = _open_device(sim, load, sampling_frequency, buffer_duration)
    except DaqcoreError as exc:
        hint = "" if sim else " (use --sim to record the simulator)"
        raise click.ClickException(f"{exc}{hint}") from exc
    total = round(duration * device.sampling_frequency)
    from .jls_calibration import encode_calibration

    try:
        recorder = _recorder_for(out, start_sample_id=0, stop_sample_id=total,
                                 calibration=encode_calibration(
                                     *device.stream_buffer.calibration_get()))
    except (OSError, DaqcoreError) as exc:
        device.close()
        _fail(exc)
    t0 = time.perf_counter()
    sb = device.stream_buffer
    done = 0
    try:
        # the recorder runs in the device's thread after every processed chunk, so it keeps
        # up with the stream whatever this thread does
        device.stream_process_register(recorder)
        device.start()
        deadline = time.perf_counter() + duration + 30.0
        with click.progressbar(length=total, label=f"recording {out.name}", file=sys.stderr,
                               hidden=no_progress, show_pos=False) as bar:
            while done < total:
                time.sleep(0.05)
                if device.stream_error is not None:
                    raise device.stream_error
                now = min(total, recorder.next_sample_id)
                bar.update(now - done)
                done = now
                if done < total and (not device.is_streaming or time.perf_counter() > deadline):
                    raise click.ClickException(
                        f"the device stopped streaming after {done} of {total} samples")
        device.stop()
        device.stream_process_unregister(recorder)
        with device.lock:
            status = sb.status()
    except (DaqcoreError, OSError) as exc:
        _fail(exc)
    finally:
        device.close()
        recorder.close()
    elapsed = time.perf_counter() - t0
    size = os.path.getsize(out)
    click.echo(f"recorded {out}: {recorder.sample_count} samples "
               f"({recorder.sample_count / device.sampling_frequency:.6g} s) in {elapsed:.2f} s, "
               f"{size / 1e6:.2f} MB, missing samples: {status['sample_missing_count']['value']}")
    _summary(out)


def _summary(path: Path) -> None:
    from .recording import open_recording

    with open_recording(path) as r:
        if r.sample_id_range[1] > 0:
            _print_statistics(r.statistics_get())


@joulescope.command("info")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def info(file: Path) -> None:
    """Describe a recording (format, rate, length, statistics)."""
    from .recording import open_recording, recording_format

    try:
        fmt = recording_format(file)
        with open_recording(file) as r:
            s1 = r.sample_id_range[1]
            click.echo(f"{file}: {'JLS v1' if fmt == 'jls' else 'HDF5'} recording")
            click.echo(f"  sampling frequency  {r.sampling_frequency:g} Hz "
                       f"(input {r.input_sampling_frequency:g} Hz)")
            click.echo(f"  samples  {s1}  duration {r.duration:.6g} s  format {r.data_format}")
            if getattr(r, "recovered", ""):
                click.echo(f"  recovered: {r.recovered}")
            if r.user_data is not None:
                click.echo(f"  user data  {r.user_data!r}")
            if s1:
                _print_statistics(r.statistics_get())
    except DaqcoreError as exc:
        _fail(exc)


@joulescope.command("export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "to", type=click.Choice(["csv", "h5"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: FILE with the new suffix).")
def export(file: Path, to: str, output: Path | None) -> None:
    """Convert a recording to CSV (time, current, voltage, power) or HDF5."""
    from .recording import open_recording

    out = output or file.with_suffix(".csv" if to == "csv" else ".h5")
    if out.resolve() == file.resolve():
        raise click.BadParameter("the output would overwrite the input", param_hint="-o")
    try:
        with open_recording(file) as r:
            if to == "csv":
                n = _export_csv(r, out)
            else:
                from .h5_recording import export_h5

                n = export_h5(r, out)
    except DaqcoreError as exc:
        _fail(exc)
    click.echo(f"exported {n} samples to {out}")


def _export_csv(reader: Any, out: Path) -> int:
    import numpy as np

    s1 = reader.sample_id_range[1]
    fs = reader.sampling_frequency
    step = max(1, int(fs))
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["time_s", "current_A", "voltage_V", "power_W"])
        for a in range(0, s1, step):
            b = min(s1, a + step)
            d = reader.samples_get(a, b, fields=["current", "voltage", "power"])["signals"]
            t = (a + np.arange(b - a)) / fs
            rows = zip(t.tolist(), d["current"]["value"].tolist(),
                       d["voltage"]["value"].tolist(), d["power"]["value"].tolist())
            w.writerows(rows)
    return s1


__all__ = ["joulescope"]
