"""``daqcore scan``: run a scan of registry instruments from options or a TOML file.

Examples::

    daqcore scan -a mock_x -a mock_y -d mock_0d -d mock_1d \\
        --range 0 1 0.1 --range -1 1 0.5 --snake -o data/
    daqcore scan --config myscan.toml          # see daqcore.acquisition.config

Options given on the command line override the TOML file, which is validated against a schema
(unknown keys and wrong types are errors naming the key). The number of points is computed
from the ranges before anything is allocated and refused above ``--max-points``. A progress
bar (tqdm) shows the ETA; at the end the file path and a summary are printed. Ctrl-C or SIGTERM
stop the scan cleanly (the points done are kept in the file) and the command exits with 130 /
143.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from daqcore.cli.foreground import exit_interrupted, run_with_progress, stop_signals
from daqcore.cli.options import PositiveNumber, check_output, merge_settings, parse_settings
from daqcore.errors import DaqcoreError

if TYPE_CHECKING:
    from daqcore.acquisition.config_schema import ScanSection


def scanner_description(section: ScanSection, ranges: tuple[tuple[float, float, float], ...],
                        snake: bool, random_order: bool, table: Path | None,
                        table_step: float | None) -> tuple[dict[str, Any], str]:
    """The ``[scan.scanner]`` mapping the options and the file describe, and its origin.

    Options that cannot be combined are refused rather than one of them dropped silently.
    """
    if snake and random_order:
        raise click.UsageError("--snake and --random-order are two visiting orders: give one")
    if table is not None and ranges:
        raise click.UsageError("--table and --range both give the scan points: give one")
    if table_step is not None and table is None:
        raise click.UsageError("--table-step walks a --table: give --table FILE too")
    if table is not None:
        if snake or random_order:
            raise click.UsageError("--snake / --random-order apply to --range grids, not to "
                                   "--table")
        spec: dict[str, Any] = {"type": "tabular", "file": str(table)}
        if table_step is not None:
            spec["step"] = table_step
        return spec, "--table"
    if ranges:
        order = "snake" if snake else "random" if random_order else "normal"
        return {"type": "grid", "axes": [list(r) for r in ranges], "order": order}, "--range"
    spec = dict(section.scanner or {})
    if snake or random_order:
        if spec and spec.get("type", "grid") != "grid":
            raise click.UsageError(f"--snake / --random-order apply to grid scans, not to the "
                                   f"{spec.get('type')!r} scanner of the config file")
        spec["order"] = "snake" if snake else "random"
    return spec, "[scan.scanner]"


@click.command("scan")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="TOML file with [scan] / [scan.scanner] / [instruments.*].")
@click.option("-a", "--actuator", "actuators", multiple=True,
              help="Actuator name from the plugins (repeat, one per scan axis).")
@click.option("-d", "--detector", "detectors", multiple=True,
              help="Detector name from the plugins (repeat).")
@click.option("-r", "--range", "ranges", nargs=3, type=float, multiple=True,
              metavar="START STOP STEP", help="Grid axis for the actuator of the same rank.")
@click.option("--snake", is_flag=True, help="Grid visited back and forth.")
@click.option("--random-order", is_flag=True, help="Grid points visited in a random order.")
@click.option("--table", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tabular scan: positions from a CSV/text table (one column per actuator, "
                   "an optional header row).")
@click.option("--table-step", type=PositiveNumber(unit="actuator units"), default=None,
              help="Walk the table's path with this step instead of visiting its rows only.")
@click.option("-n", "--naverage", type=click.IntRange(min=1), default=None,
              help="Grabs averaged per point (mean + standard error saved).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output directory (new file) or .h5 file (appended). [./daqcore_data]")
@click.option("--title", default=None, help="Title of the ScanNNN group.")
@click.option("--backend", type=click.Choice(["h5py", "tables"]), default=None,
              help="HDF5 library. [h5py]")
@click.option("--instrument-backend", default=None, help="Instrument backend. [sim]")
@click.option("--set", "set_items", multiple=True, metavar="INSTR.SETTING=VALUE",
              help="Instrument setting, e.g. --set mock_x.speed=0 (repeat).")
@click.option("--move-timeout", type=PositiveNumber(), default=None,
              help="Seconds allowed per move (> 0). [10]")
@click.option("--max-points", type=click.IntRange(min=1), default=None,
              help="Refuse scans planning more points. [10000000]")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--dry-run", is_flag=True,
              help="Check names, bounds and output path, print the plan, move nothing.")
def scan(config_file: Path | None, actuators: tuple[str, ...], detectors: tuple[str, ...],
         ranges: tuple[tuple[float, float, float], ...], snake: bool, random_order: bool,
         table: Path | None, table_step: float | None, naverage: int | None,
         output: Path | None, title: str | None, backend: str | None,
         instrument_backend: str | None, set_items: tuple[str, ...],
         move_timeout: float | None, max_points: int | None, no_progress: bool,
         dry_run: bool) -> None:
    """Scan ACTUATORS over a grid / table and save every DETECTOR at each point."""
    try:
        with stop_signals():
            _scan(config_file, actuators, detectors, ranges, snake, random_order, table,
                  table_step, naverage, output, title, backend, instrument_backend, set_items,
                  move_timeout, max_points, no_progress, dry_run)
    except KeyboardInterrupt as exc:
        raise exit_interrupted(exc) from None
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _scan(config_file: Path | None, actuators: tuple[str, ...], detectors: tuple[str, ...],
          ranges: tuple[tuple[float, float, float], ...], snake: bool, random_order: bool,
          table: Path | None, table_step: float | None, naverage: int | None,
          output: Path | None, title: str | None, backend: str | None,
          instrument_backend: str | None, set_items: tuple[str, ...],
          move_timeout: float | None, max_points: int | None, no_progress: bool,
          dry_run: bool) -> None:
    from daqcore.acquisition import Scan
    from daqcore.acquisition.config import load_config, scanner_from_dict
    from daqcore.acquisition.config_schema import ConfigFile, ScanSection
    from daqcore.acquisition.instruments import (
        check_settings_targets,
        check_unique,
        open_instruments,
    )

    cfg = load_config(config_file) if config_file else ConfigFile()
    source = f"config file {str(config_file)!r}" if config_file else "command line"
    section = cfg.scan or ScanSection()
    act_names = list(actuators) or section.actuators
    det_names = list(detectors) or section.detectors
    if not det_names:
        raise click.UsageError("give at least one detector (-d NAME or [scan] detectors)")
    check_unique(act_names, "actuator")
    check_unique(det_names, "detector")
    spec, spec_source = scanner_description(section, ranges, snake, random_order, table,
                                            table_step)
    if not spec:
        raise click.UsageError("give the scan points: --range START STOP STEP (one per "
                               "actuator), --table FILE, or a [scan.scanner] table")
    if spec_source == "[scan.scanner]":
        spec_source = source
    cli_settings, set_origins = parse_settings(set_items)
    origins = {name: f"[instruments.{name}] of {source}" for name in cfg.instruments}
    origins.update(set_origins)
    check_settings_targets(cfg.instruments, [*act_names, *det_names], origins)
    check_settings_targets(cli_settings, [*act_names, *det_names], origins)
    settings = merge_settings(cfg.instruments, cli_settings)
    out_path = check_output(output, "-o/--output") if output is not None else \
        check_output(section.output, f"[scan] output of {source}")
    scanner = scanner_from_dict(spec, max_points=max_points or section.max_points,
                                source=spec_source)
    with open_instruments(act_names, det_names,
                          backend=instrument_backend or section.instrument_backend,
                          settings=settings) as (acts, dets):
        the_scan = Scan(
            acts, dets, scanner,
            naverage=naverage or section.naverage,
            path=out_path,
            title=title or section.title,
            description=section.description,
            backend=backend or section.backend,
            flush_interval=section.flush_interval,
            move_timeout=move_timeout or section.move_timeout,
        )
        click.echo(f"scan: {scanner.describe()}; actuators {', '.join(act_names)}; "
                   f"detectors {', '.join(det_names)}", err=True)
        if dry_run:
            from daqcore.acquisition.drive import actuator_units
            from daqcore.acquisition.output import resolve_output_file

            target, exists = resolve_output_file(the_scan.path, "scan")
            units_of = [actuator_units(a) for a in acts]
            for name, (lo, hi), units in zip(act_names, scanner.bounds(), units_of):
                click.echo(f"  {name}: {lo:g} .. {hi:g} {units}".rstrip())
            click.echo(f"  {scanner.n_steps} points, all within the actuator bounds; "
                       f"would {'append to' if exists else 'create'} {target}")
            return
        result = run_with_progress(the_scan, scanner.n_steps, "scan",
                                   enabled=not no_progress)
    click.echo(result.summary())


__all__ = ["scan", "scanner_description"]
