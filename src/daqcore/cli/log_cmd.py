"""``daqcore log``: log registry detectors at a fixed interval into an HDF5 file.

Examples::

    daqcore log -d mock_0d --interval 0.1 --duration 10 -o data/
    daqcore log --config mylog.toml      # [log] detectors/interval/duration/n_samples/output

Options override the TOML file, which is validated against a schema (``samples = 3`` instead
of ``n_samples = 3`` is an error naming the key, not a log that never ends). Ctrl-C or SIGTERM
stop the logger cleanly (the samples are kept) and the command exits with 130 / 143.
"""

from __future__ import annotations

from pathlib import Path

import click

from daqcore.cli.foreground import (
    error_text,
    exit_interrupted,
    run_with_progress,
    stop_signals,
)
from daqcore.cli.options import PositiveNumber, check_output, merge_settings, parse_settings
from daqcore.errors import DaqcoreError


@click.command("log")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="TOML file with [log] and [instruments.*] tables.")
@click.option("-d", "--detector", "detectors", multiple=True,
              help="Detector name from the plugins (repeat).")
@click.option("-i", "--interval", type=PositiveNumber(allow_zero=True), default=None,
              help="Seconds between samples (0: as fast as possible). [1]")
@click.option("-t", "--duration",
              type=PositiveNumber(hint="leave -t out to log until Ctrl-C (or -n samples)"),
              default=None, help="Seconds to log (default: until Ctrl-C or --samples).")
@click.option("-n", "--samples", "n_samples", type=click.IntRange(min=1), default=None,
              help="Stop after this many samples.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output directory (new file) or .h5 file. [./daqcore_data]")
@click.option("--backend", default=None, metavar="NAME",
              help="HDF5 backend: h5py, tables, or one a plugin registered. [h5py]")
@click.option("--instrument-backend", default=None, help="Instrument backend. [sim]")
@click.option("--set", "set_items", multiple=True, metavar="INSTR.SETTING=VALUE",
              help="Instrument setting, e.g. --set mock_0d.noise=0 (repeat).")
@click.option("--flush-interval", type=PositiveNumber(allow_zero=True), default=None,
              help="Max seconds between two flushes to disk. [1]")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def log(config_file: Path | None, detectors: tuple[str, ...], interval: float | None,
        duration: float | None, n_samples: int | None, output: Path | None,
        backend: str | None, instrument_backend: str | None, set_items: tuple[str, ...],
        flush_interval: float | None, no_progress: bool) -> None:
    """Grab DETECTORS every INTERVAL seconds and append them to an HDF5 file."""
    try:
        with stop_signals():
            _log(config_file, detectors, interval, duration, n_samples, output, backend,
                 instrument_backend, set_items, flush_interval, no_progress)
    except KeyboardInterrupt as exc:
        raise exit_interrupted(exc) from None
    except DaqcoreError as exc:
        raise click.ClickException(error_text(exc)) from exc


def _log(config_file: Path | None, detectors: tuple[str, ...], interval: float | None,
         duration: float | None, n_samples: int | None, output: Path | None,
         backend: str | None, instrument_backend: str | None, set_items: tuple[str, ...],
         flush_interval: float | None, no_progress: bool) -> None:
    from daqcore.acquisition import Logger
    from daqcore.acquisition.config import check_saver_backend, load_config
    from daqcore.acquisition.config_schema import ConfigFile, LogSection
    from daqcore.acquisition.instruments import (
        check_settings_targets,
        check_unique,
        open_instruments,
    )

    cfg = load_config(config_file) if config_file else ConfigFile()
    source = f"config file {str(config_file)!r}" if config_file else "command line"
    section = cfg.log or LogSection()
    det_names = list(detectors) or section.detectors
    if not det_names:
        raise click.UsageError("give at least one detector (-d NAME or [log] detectors)")
    check_unique(det_names, "detector")
    cli_settings, set_origins = parse_settings(set_items)
    origins = {name: f"[instruments.{name}] of {source}" for name in cfg.instruments}
    origins.update(set_origins)
    check_settings_targets(cfg.instruments, det_names, origins)
    check_settings_targets(cli_settings, det_names, origins)
    settings = merge_settings(cfg.instruments, cli_settings)
    out_path = check_output(output, "-o/--output") if output is not None else \
        check_output(section.output, f"[log] output of {source}")
    saver_backend = check_saver_backend(backend, "--backend") if backend is not None else \
        check_saver_backend(section.backend, f"[log] backend of {source}")
    with open_instruments([], det_names,
                          backend=instrument_backend or section.instrument_backend,
                          settings=settings) as (_, dets):
        logger = Logger(
            dets,
            interval=interval if interval is not None else section.interval,
            duration=duration if duration is not None else section.duration,
            n_samples=n_samples if n_samples is not None else section.n_samples,
            path=out_path,
            backend=saver_backend,
            flush_interval=flush_interval if flush_interval is not None
            else section.flush_interval,
        )
        click.echo(f"log: {', '.join(det_names)} every {logger.interval:g} s"
                   + (f" for {logger.duration:g} s" if logger.duration else "")
                   + (f", {logger.n_samples} samples" if logger.n_samples else "")
                   + (" (Ctrl-C to stop)" if not (logger.duration or logger.n_samples)
                      else ""), err=True)
        result = run_with_progress(logger, logger.n_total, "log", enabled=not no_progress)
    click.echo(result.summary())


__all__ = ["log"]
