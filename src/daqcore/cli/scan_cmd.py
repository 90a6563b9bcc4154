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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from daqcore.cli.foreground import (
    error_text,
    exit_interrupted,
    run_with_progress,
    stop_signals,
)
from daqcore.cli.options import PositiveNumber, check_output, merge_settings, parse_settings
from daqcore.errors import DaqcoreError

if TYPE_CHECKING:
    from daqcore.acquisition.config_schema import ConfigFile


@dataclass
class ScannerChoice:
    """What the options and the file say about the scan points (see :func:`choose_scanner`).

    Attributes
    ----------
    spec : dict
        ``{"type": NAME, **parameters}`` (empty if nothing was given).
    source : str
        Where it comes from, for error messages (``"--range"``, ``"config file 'a.toml'"``).
    prefix : tuple of str
        Where its parameters are in the file (``("scan", "scanner")`` or ``("scanner",)``).
    """

    spec: dict[str, Any]
    source: str
    prefix: tuple[str, ...] = ("scan", "scanner")


def choose_scanner(cfg: ConfigFile, source: str, ranges: tuple[tuple[float, float, float], ...],
                   snake: bool, random_order: bool, table: Path | None,
                   table_step: float | None, scanner_name: str | None,
                   params: dict[str, Any]) -> ScannerChoice:
    """The scanner the options and the file describe; options win over the file.

    Ways to give the points, in order of precedence: ``--range`` (a grid), ``--table``,
    ``--scanner NAME --param KEY=VALUE``, then the file (``[scan.scanner]`` table, or
    ``[scan] scanner = "NAME"`` with a ``[scanner]`` table of parameters). Options that
    cannot be combined are refused rather than one of them dropped silently.
    """
    given = [flag for flag, present in (("--range", bool(ranges)), ("--table", table is not None),
                                        ("--scanner", scanner_name is not None)) if present]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} all give the scan points: give one"
                               if len(given) > 2 else
                               f"{given[0]} and {given[1]} both give the scan points: give one")
    if snake and random_order:
        raise click.UsageError("--snake and --random-order are two visiting orders: give one")
    if table_step is not None and table is None:
        raise click.UsageError("--table-step walks a --table: give --table FILE too")
    if params and (ranges or table is not None):
        raise click.UsageError("--param sets a parameter of --scanner (or of the file's "
                               "scanner), not of --range / --table")
    order = "snake" if snake else "random" if random_order else None
    if table is not None:
        if order:
            raise click.UsageError("--snake / --random-order apply to --range grids, not to "
                                   "--table")
        spec: dict[str, Any] = {"type": "tabular", "file": str(table)}
        if table_step is not None:
            spec["step"] = table_step
        return ScannerChoice(spec, "--table")
    if ranges:
        return ScannerChoice({"type": "grid", "axes": [list(r) for r in ranges],
                              "order": order or "normal"}, "--range")
    if scanner_name is not None:
        choice = ScannerChoice({"type": scanner_name, **params}, "--scanner/--param", ())
    else:
        choice = _file_scanner(cfg, source)
        if params and not choice.spec:
            raise click.UsageError("--param sets a parameter of a scanner: give --scanner NAME "
                                   "(or a scanner in the config file)")
        choice.spec.update(params)
    if order:
        if choice.spec and choice.spec.get("type", "grid") != "grid":
            raise click.UsageError(f"--snake / --random-order apply to grid scans, not to the "
                                   f"{choice.spec.get('type')!r} scanner")
        choice.spec["order"] = order
    return choice


def _file_scanner(cfg: ConfigFile, source: str) -> ScannerChoice:
    from daqcore.acquisition.errors import ScanConfigurationError

    named = cfg.scan.scanner if cfg.scan is not None else None
    if isinstance(named, str):
        params = dict(cfg.scanner or {})
        if "type" in params:
            raise ScanConfigurationError(f"{source}: scanner.type: the scanner is named by "
                                         f"[scan] scanner = {named!r}; remove 'type'")
        return ScannerChoice({"type": named, **params}, source, ("scanner",))
    if cfg.scanner is not None:
        where = ("both [scan.scanner] and [scanner]: give the parameters in one" if named
                 else "[scanner] holds the parameters of the scanner named by [scan] "
                      "scanner = \"NAME\", which is missing")
        raise ScanConfigurationError(f"{source}: {where}")
    return ScannerChoice(dict(named or {}), source)


def _list_scanners(ctx: click.Context) -> None:
    from daqcore.acquisition.config import describe_scanners

    for line in describe_scanners():
        click.echo(line)
    ctx.exit(0)


def parse_params(items: tuple[str, ...]) -> dict[str, Any]:
    """``('n_points=5', 'bounds=[[0, 1]]')`` -> ``{'n_points': 5, 'bounds': [[0, 1]]}``.

    Values are read as TOML (``5`` an integer, ``[[0, 1]]`` an array); a bare word is a string.
    """
    import tomllib

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        try:
            out[key.strip()] = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = raw
    return out


@click.command("scan")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="TOML file with [scan] / [scan.scanner] / [instruments.*].")
@click.option("-a", "--actuator", "actuators", multiple=True,
              help="Actuator name from the plugins (repeat, one per scan axis).")
@click.option("-d", "--detector", "detectors", multiple=True,
              help="Detector name from the plugins (repeat).")
@click.option("-r", "--range", "ranges", nargs=3, type=float, multiple=True,
              metavar="START STOP STEP", help="Grid axis for the actuator of the same rank.")
@click.option("--scanner", "scanner_name", default=None, metavar="NAME",
              help="Scanner by name (grid, spread, random, tabular, or a plugin's), with "
                   "its parameters given by --param.")
@click.option("--param", "param_items", multiple=True, metavar="KEY=VALUE",
              help="Scanner parameter, value read as TOML, e.g. --param 'axes=[[0, 1, 0.1]]' "
                   "(repeat).")
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
@click.option("--backend", default=None, metavar="NAME",
              help="HDF5 backend: h5py, tables, or one a plugin registered. [h5py]")
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
@click.option("--list-scanners", is_flag=True, is_eager=True, expose_value=False,
              callback=lambda ctx, _param, value: _list_scanners(ctx) if value else None,
              help="List the scanners (--scanner NAME) and their parameters (* required), "
                   "then exit.")
def scan(config_file: Path | None, actuators: tuple[str, ...], detectors: tuple[str, ...],
         ranges: tuple[tuple[float, float, float], ...], scanner_name: str | None,
         param_items: tuple[str, ...], snake: bool, random_order: bool,
         table: Path | None, table_step: float | None, naverage: int | None,
         output: Path | None, title: str | None, backend: str | None,
         instrument_backend: str | None, set_items: tuple[str, ...],
         move_timeout: float | None, max_points: int | None, no_progress: bool,
         dry_run: bool) -> None:
    """Scan ACTUATORS over a grid / table and save every DETECTOR at each point."""
    try:
        with stop_signals():
            _scan(config_file, actuators, detectors, ranges, scanner_name,
                  parse_params(param_items), snake, random_order, table,
                  table_step, naverage, output, title, backend, instrument_backend, set_items,
                  move_timeout, max_points, no_progress, dry_run)
    except KeyboardInterrupt as exc:
        raise exit_interrupted(exc) from None
    except DaqcoreError as exc:
        raise click.ClickException(error_text(exc)) from exc


def _scan(config_file: Path | None, actuators: tuple[str, ...], detectors: tuple[str, ...],
          ranges: tuple[tuple[float, float, float], ...], scanner_name: str | None,
          params: dict[str, Any], snake: bool, random_order: bool,
          table: Path | None, table_step: float | None, naverage: int | None,
          output: Path | None, title: str | None, backend: str | None,
          instrument_backend: str | None, set_items: tuple[str, ...],
          move_timeout: float | None, max_points: int | None, no_progress: bool,
          dry_run: bool) -> None:
    from daqcore.acquisition.config import check_saver_backend, load_config, scanner_from_dict
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
    choice = choose_scanner(cfg, source, ranges, snake, random_order, table, table_step,
                            scanner_name, params)
    if not choice.spec:
        raise click.UsageError("give the scan points: --range START STOP STEP (one per "
                               "actuator), --table FILE, --scanner NAME --param KEY=VALUE, "
                               "or a [scan.scanner] table")
    cli_settings, set_origins = parse_settings(set_items)
    origins = {name: f"[instruments.{name}] of {source}" for name in cfg.instruments}
    origins.update(set_origins)
    check_settings_targets(cfg.instruments, [*act_names, *det_names], origins)
    check_settings_targets(cli_settings, [*act_names, *det_names], origins)
    settings = merge_settings(cfg.instruments, cli_settings)
    out_path = check_output(output, "-o/--output") if output is not None else \
        check_output(section.output, f"[scan] output of {source}")
    scanner = scanner_from_dict(choice.spec, max_points=max_points or section.max_points,
                                source=choice.source, prefix=choice.prefix)
    saver_backend = check_saver_backend(backend, "--backend") if backend is not None else \
        check_saver_backend(section.backend, f"[scan] backend of {source}")
    from daqcore.acquisition import Scan

    with open_instruments(act_names, det_names,
                          backend=instrument_backend or section.instrument_backend,
                          settings=settings) as (acts, dets):
        the_scan = Scan(
            acts, dets, scanner,
            naverage=naverage or section.naverage,
            path=out_path,
            title=title or section.title,
            description=section.description,
            backend=saver_backend,
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


__all__ = ["ScannerChoice", "choose_scanner", "parse_params", "scan"]
