"""``daqcore picostream``: stream a PicoScope 5000a to HDF5; ``daqcore picostream view FILE``.

Every option is checked before the device is opened or the file created (unknown channel,
range not offered, rate above the limit for the resolution and channel count ...): a bad option
is one line on stderr and exit status 2. During the run a status line shows the elapsed time,
the rate, the samples written and lost; the end summary gives the counts and the file check.
The exit status is 0 for a complete run (``--duration`` reached or Ctrl+C), 1 when samples
were lost, the file check failed or the run failed. The viewer (``--plot``) runs in its own
process and stays open after the run.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from daqcore.acquisition.stream import StreamEngine
from daqcore.errors import DaqcoreError
from daqcore_plugins.picoscope.config import StreamConfig
from daqcore_plugins.picoscope.errors import PicoScopeError


def _default_output() -> str:
    import time

    return time.strftime("./output_%Y%m%d_%H%M%S.hdf5")


def _status_line(engine: StreamEngine) -> None:
    c = engine.counts
    elapsed = engine.elapsed
    rate = c.produced / elapsed / 1e6 if elapsed > 0 else 0.0
    click.echo(f"\r{elapsed:7.1f} s  {rate:8.2f} MS/s  written {c.written:>14,}  "
               f"lost {c.lost:>10,}  stalls {c.stalls}", nl=False, err=True)


def _open_viewer(path: Path, window: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "daqcore", "picostream", "view", str(path),
                             "--window", str(window)])


@click.group(invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-s", "--sample-rate", type=float, default=20.0, show_default=True,
              help="Sample rate per channel in MS/s (the driver uses int(1000/rate) ns).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="HDF5 file to write (default ./output_<date>_<time>.hdf5).")
@click.option("--channels", default="A", show_default=True, help="Channels, e.g. A,B.")
@click.option("-r", "--range", "range_", default="20V", show_default=True,
              help="Input range, e.g. 20V, 500mV.")
@click.option("--coupling", type=click.Choice(["DC", "AC"]), default="DC", show_default=True)
@click.option("--offset", type=float, default=0.0, show_default=True,
              help="Analogue offset in volts.")
@click.option("-b", "--resolution", type=int, default=12, show_default=True,
              help="ADC resolution in bits: 8, 12, 14, 15 or 16.")
@click.option("-m", "--downsample-mode", type=click.Choice(["none", "average", "aggregate"]),
              default="none", show_default=True, help="Hardware down-sampling mode.")
@click.option("-H", "--hardware-downsample", type=int, default=1, show_default=True,
              help="Hardware down-sampling ratio.")
@click.option("--duration", type=float, default=None,
              help="Seconds to stream (default: until Ctrl+C).")
@click.option("--max-buff-sec", type=float, default=None,
              help="Live-only mode: keep only the newest N seconds in a ring on disk.")
@click.option("--pool-sec", type=float, default=2.0, show_default=True,
              help="Seconds of data the memory pool holds while the disk is slow.")
@click.option("--on-pool-exhausted", type=click.Choice(["stop", "drop"]), default="stop",
              show_default=True, help="Stop, or drop and count samples, when the pool is full.")
@click.option("-p", "--plot/--no-plot", default=False, show_default=True,
              help="Open the live viewer (reads the file, never the acquisition).")
@click.option("-w", "--plot-window", type=float, default=0.5, show_default=True,
              help="Seconds shown by the live viewer.")
@click.option("--sim", is_flag=True, help="Use the simulated PicoScope 5000a.")
@click.option("--quiet", is_flag=True, help="No status line.")
@click.option("--overwrite", is_flag=True,
              help="Replace the output file if it exists (refused otherwise: it may hold a "
                   "recording).")
@click.pass_context
def picostream(ctx: click.Context, sample_rate: float, output: str | None, channels: str,
               range_: str, coupling: str, offset: float, resolution: int,
               downsample_mode: str, hardware_downsample: int, duration: float | None,
               max_buff_sec: float | None, pool_sec: float, on_pool_exhausted: str,
               plot: bool, plot_window: float, sim: bool, quiet: bool,
               overwrite: bool) -> None:
    """Stream a PicoScope 5000a to HDF5 without loss (PicoStream's layout)."""
    if ctx.invoked_subcommand is not None:
        return
    from daqcore_plugins.picoscope.streaming import stream_to_file

    try:
        config = StreamConfig.simple(
            channels, range_, coupling, offset, resolution_bits=resolution,
            sample_rate_sps=sample_rate * 1e6, downsample_mode=downsample_mode,
            downsample_ratio=hardware_downsample).validate()
        if duration is not None and duration <= 0:
            raise click.BadParameter(f"{duration} must be positive", param_hint="--duration")
        if max_buff_sec is not None and max_buff_sec <= 0:
            raise click.BadParameter(f"{max_buff_sec} must be positive",
                                     param_hint="--max-buff-sec")
        if output is not None and Path(output).exists() and not overwrite:
            raise click.BadParameter(f"{output} exists (it may hold a recording); choose "
                                     "another file or pass --overwrite", param_hint="--output")
        if not sim:
            from daqcore_plugins.picoscope.detector import REAL

            availability = REAL.availability()
            if not availability:
                raise PicoScopeError(f"real PicoScope unavailable ({availability.reason}); "
                                     "use --sim for the simulated scope")
    except (PicoScopeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    path = Path(output or _default_output())
    viewer: list[subprocess.Popen[bytes]] = []

    def on_start(engine: StreamEngine) -> None:
        if plot:
            viewer.append(_open_viewer(path, plot_window))

    interval = config.sample_interval_ns
    click.echo(f"streaming {','.join(config.channel_names)} at {1e3 / interval:g} MS/s "
               f"({interval} ns, {resolution}-bit, ±{config.channels[0].volts:g} V) to {path}"
               + (f", live-only ring of {max_buff_sec:g} s" if max_buff_sec else ""), err=True)
    try:
        run = stream_to_file(path, config, duration=duration, max_buff_sec=max_buff_sec,
                             sim=sim, pool_seconds=pool_sec,
                             on_pool_exhausted=on_pool_exhausted,  # type: ignore[arg-type]
                             on_start=on_start, on_tick=None if quiet else _status_line)
    except DaqcoreError as exc:  # the file cannot be created, the device fails to start...
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo("", err=True)
    click.echo("\n".join(run.summary_lines()))
    if not run.ok:
        sys.exit(1)


@picostream.command("view")
@click.argument("hdf5_path", type=click.Path(dir_okay=False))
@click.option("--window", type=click.FloatRange(min=0, min_open=True), default=0.5,
              show_default=True, help="Seconds shown.")
@click.option("--decimation", type=click.IntRange(min=1), default=150, show_default=True,
              help="Display decimation factor (min_max).")
@click.option("--interval-ms", type=click.IntRange(min=1), default=50, show_default=True,
              help="Refresh period.")
def view(hdf5_path: str, window: float, decimation: int, interval_ms: int) -> None:
    """Open the live viewer on an existing or growing picostream file."""
    path = Path(hdf5_path)
    if path.exists() and not _looks_like_hdf5(path):
        raise click.ClickException(f"{hdf5_path!r} is not an HDF5 file")
    if not path.exists():
        click.echo(f"waiting for {hdf5_path} to be created...", err=True)
    try:
        module: Any = importlib.import_module("daqcore.gui.stream_plot")
    except ImportError as exc:
        raise click.ClickException(f"the viewer needs the gui extra "
                                   f"(pip install 'daqcore[gui]'): {exc}") from None
    sys.exit(module.run_viewer(hdf5_path, display_window_seconds=window,
                               decimation_factor=decimation, update_interval_ms=interval_ms))


def _looks_like_hdf5(path: Path) -> bool:
    """True when the file starts with the HDF5 signature (at offset 0, 512, 1024...)."""
    signature = b"\x89HDF\r\n\x1a\n"
    with path.open("rb") as handle:
        offset = 0
        while True:
            handle.seek(offset)
            head = handle.read(8)
            if head == signature:
                return True
            if len(head) < 8:
                return False
            offset = 512 if offset == 0 else offset * 2


__all__ = ["picostream"]
