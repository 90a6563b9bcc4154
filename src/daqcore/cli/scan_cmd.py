"""``daqcore scan``: run a scan of registry instruments from options or a TOML file.

Examples::

    daqcore scan -a mock_x -a mock_y -d mock_0d -d mock_1d \\
        --range 0 1 0.1 --range -1 1 0.5 --snake -o data/
    daqcore scan --config myscan.toml          # see daqcore.acquisition.config

Options given on the command line override the TOML file. A progress bar (tqdm) shows the
ETA; at the end the file path and a summary are printed. Ctrl-C stops the scan cleanly: the
points done are kept in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from daqcore.errors import DaqcoreError


def parse_settings(items: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``('mock_x.speed=0', ...)`` -> ``{'mock_x': {'speed': 0}}`` (values parsed as TOML)."""
    import tomllib

    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        inst, dot, setting = key.partition(".")
        if not sep or not dot or not inst or not setting:
            raise click.BadParameter(f"{item!r} is not INSTRUMENT.SETTING=VALUE",
                                     param_hint="--set")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word: keep it as a string
        out.setdefault(inst.strip(), {})[setting.strip()] = value
    return out


def merge_instrument_settings(*layers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Merge per-instrument settings tables, later layers winning."""
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for inst, values in (layer or {}).items():
            merged.setdefault(inst, {}).update(dict(values))
    return merged


class ProgressBar:
    """A tqdm bar fed by progress events (quiet when ``enabled`` is False)."""

    def __init__(self, total: int | None, desc: str, enabled: bool = True) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="pt", dynamic_ncols=True,
                            file=click.get_text_stream("stderr"))
        self._last = 0

    def __call__(self, event: Any) -> None:
        if self.bar is None:
            return
        if event.n_done > self._last:
            self.bar.update(event.n_done - self._last)
            self._last = event.n_done
        if event.kind in ("paused", "resumed"):
            self.bar.set_postfix_str(event.kind)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_in_foreground(acquisition: Any) -> Any:
    """Run ``acquisition`` in a worker thread; Ctrl-C asks it to stop and waits for the file."""
    acquisition.start()
    try:
        while not acquisition.join(0.1):
            pass
    except KeyboardInterrupt:
        click.echo("\ninterrupted: stopping after the current point...", err=True)
        acquisition.stop()
    return acquisition.wait()


def run_with_progress(acquisition: Any, total: int | None, desc: str, enabled: bool) -> Any:
    """:func:`run_in_foreground` with a :class:`ProgressBar`; return the acquisition's result.

    A failure (a daqcore error) prints what was saved so far (the partial result's summary)
    and becomes a :class:`click.ClickException`.
    """
    bar = ProgressBar(total, desc, enabled=enabled)
    acquisition.subscribe(bar)
    try:
        result = run_in_foreground(acquisition)
    except DaqcoreError as exc:
        bar.close()
        if acquisition.result is not None:
            click.echo(acquisition.result.summary())
        raise click.ClickException(str(exc)) from exc
    bar.close()
    return result


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
              help="Tabular scan: positions from a CSV/text table (one column per actuator).")
@click.option("--table-step", type=float, default=None,
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
@click.option("--move-timeout", type=float, default=None, help="Seconds per move. [10]")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--dry-run", is_flag=True,
              help="Check names, bounds and output path, print the plan, move nothing.")
def scan(config_file: Path | None, actuators: tuple[str, ...], detectors: tuple[str, ...],
         ranges: tuple[tuple[float, float, float], ...], snake: bool, random_order: bool,
         table: Path | None, table_step: float | None, naverage: int | None,
         output: Path | None, title: str | None, backend: str | None,
         instrument_backend: str | None, set_items: tuple[str, ...],
         move_timeout: float | None, no_progress: bool, dry_run: bool) -> None:
    """Scan ACTUATORS over a grid / table and save every DETECTOR at each point."""
    from daqcore.acquisition import Scan
    from daqcore.acquisition.config import load_toml, scanner_from_dict
    from daqcore.acquisition.instruments import open_instruments

    try:
        cfg = load_toml(config_file) if config_file else {}
        scan_cfg = dict(cfg.get("scan", {}))
        scanner_cfg = dict(scan_cfg.pop("scanner", {}))
        act_names = list(actuators) or list(scan_cfg.get("actuators", []))
        det_names = list(detectors) or list(scan_cfg.get("detectors", []))
        if table is not None:
            scanner_cfg = {"type": "tabular", "file": str(table), "step": table_step}
        elif ranges:
            order = "snake" if snake else "random" if random_order else "normal"
            scanner_cfg = {"type": "grid", "axes": [list(r) for r in ranges], "order": order}
        elif snake or random_order:
            scanner_cfg["order"] = "snake" if snake else "random"
        if not det_names:
            raise click.UsageError("give at least one detector (-d NAME or [scan] detectors)")
        if not scanner_cfg:
            raise click.UsageError("give the scan points: --range START STOP STEP (one per "
                                   "actuator), --table FILE, or a [scan.scanner] table")
        scanner = scanner_from_dict(scanner_cfg)
        settings = merge_instrument_settings(cfg.get("instruments", {}),
                                             parse_settings(set_items))
        with open_instruments(act_names, det_names,
                              backend=instrument_backend or scan_cfg.get("instrument_backend",
                                                                         "sim"),
                              settings=settings) as (acts, dets):
            the_scan = Scan(
                acts, dets, scanner,
                naverage=naverage or int(scan_cfg.get("naverage", 1)),
                path=output or scan_cfg.get("output"),
                title=title or scan_cfg.get("title", ""),
                backend=backend or scan_cfg.get("backend", "h5py"),
                move_timeout=move_timeout or float(scan_cfg.get("move_timeout", 10.0)),
            )
            click.echo(f"scan: {scanner.describe()}; actuators {', '.join(act_names)}; "
                       f"detectors {', '.join(det_names)}", err=True)
            if dry_run:
                from daqcore.acquisition.output import resolve_output_file

                target, exists = resolve_output_file(the_scan.path, "scan")
                from daqcore.acquisition.drive import actuator_units

                units_of = [actuator_units(a) for a in acts]
                for name, (lo, hi), units in zip(act_names, scanner.bounds(), units_of):
                    click.echo(f"  {name}: {lo:g} .. {hi:g} {units}".rstrip())
                click.echo(f"  {scanner.n_steps} points, all within the actuator bounds; "
                           f"would {'append to' if exists else 'create'} {target}")
                return
            result = run_with_progress(the_scan, scanner.n_steps, "scan",
                                       enabled=not no_progress)
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())


__all__ = ["scan"]
