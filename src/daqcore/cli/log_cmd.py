"""``daqcore log``: log registry detectors at a fixed interval into an HDF5 file.

Examples::

    daqcore log -d mock_0d --interval 0.1 --duration 10 -o data/
    daqcore log --config mylog.toml      # [log] detectors/interval/duration/n_samples/output

Options override the TOML file. Ctrl-C stops the logger cleanly (the samples are kept).
"""

from __future__ import annotations

from pathlib import Path

import click

from daqcore.cli.scan_cmd import merge_instrument_settings, parse_settings, run_with_progress
from daqcore.errors import DaqcoreError


@click.command("log")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="TOML file with [log] and [instruments.*] tables.")
@click.option("-d", "--detector", "detectors", multiple=True,
              help="Detector name from the plugins (repeat).")
@click.option("-i", "--interval", type=float, default=None,
              help="Seconds between samples (0: as fast as possible). [1]")
@click.option("-t", "--duration", type=float, default=None,
              help="Seconds to log (default: until Ctrl-C or --samples).")
@click.option("-n", "--samples", "n_samples", type=click.IntRange(min=1), default=None,
              help="Stop after this many samples.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output directory (new file) or .h5 file. [./daqcore_data]")
@click.option("--backend", type=click.Choice(["h5py", "tables"]), default=None,
              help="HDF5 library. [h5py]")
@click.option("--instrument-backend", default=None, help="Instrument backend. [sim]")
@click.option("--set", "set_items", multiple=True, metavar="INSTR.SETTING=VALUE",
              help="Instrument setting, e.g. --set mock_0d.noise=0 (repeat).")
@click.option("--flush-interval", type=float, default=None,
              help="Max seconds between two flushes to disk. [1]")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def log(config_file: Path | None, detectors: tuple[str, ...], interval: float | None,
        duration: float | None, n_samples: int | None, output: Path | None,
        backend: str | None, instrument_backend: str | None, set_items: tuple[str, ...],
        flush_interval: float | None, no_progress: bool) -> None:
    """Grab DETECTORS every INTERVAL seconds and append them to an HDF5 file."""
    from daqcore.acquisition import Logger
    from daqcore.acquisition.config import load_toml
    from daqcore.acquisition.instruments import open_instruments

    try:
        cfg = load_toml(config_file) if config_file else {}
        log_cfg = dict(cfg.get("log", {}))
        det_names = list(detectors) or list(log_cfg.get("detectors", []))
        if not det_names:
            raise click.UsageError("give at least one detector (-d NAME or [log] detectors)")
        settings = merge_instrument_settings(cfg.get("instruments", {}),
                                             parse_settings(set_items))
        with open_instruments([], det_names,
                              backend=instrument_backend or log_cfg.get("instrument_backend",
                                                                        "sim"),
                              settings=settings) as (_, dets):
            logger = Logger(
                dets,
                interval=interval if interval is not None else float(log_cfg.get("interval",
                                                                                  1.0)),
                duration=duration if duration is not None else log_cfg.get("duration"),
                n_samples=n_samples if n_samples is not None else log_cfg.get("n_samples"),
                path=output or log_cfg.get("output"),
                backend=backend or log_cfg.get("backend", "h5py"),
                flush_interval=flush_interval if flush_interval is not None
                else float(log_cfg.get("flush_interval", 1.0)),
            )
            click.echo(f"log: {', '.join(det_names)} every {logger.interval:g} s"
                       + (f" for {logger.duration:g} s" if logger.duration else "")
                       + (f", {logger.n_samples} samples" if logger.n_samples else "")
                       + (" (Ctrl-C to stop)" if not (logger.duration or logger.n_samples)
                          else ""), err=True)
            result = run_with_progress(logger, logger.n_total, "log",
                                       enabled=not no_progress)
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())


__all__ = ["log"]
