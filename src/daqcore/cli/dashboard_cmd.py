"""``daqcore dashboard [--preset FILE]``: start the Qt dashboard (:mod:`daqcore.gui`).

The GUI package is imported by name when the command runs, so the rest of the CLI never loads
Qt, and a missing ``gui`` extra gives a clear message instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click


@click.command("dashboard")
@click.option("--preset", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Preset TOML file to open (detectors, actuators, saving settings).")
@click.option("--screenshot", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Save a screen capture of the window once started, then quit.")
@click.option("--quit-after", type=click.FloatRange(min=0), default=None,
              help="Quit after that many seconds (start-up checks).")
def dashboard(preset: Path | None, screenshot: Path | None, quit_after: float | None) -> None:
    """Open the dashboard: plugins, presets, detector and actuator modules, scans, logs, files."""
    try:
        app = importlib.import_module("daqcore.gui.app")
    except ImportError as exc:
        raise click.ClickException(
            f"the dashboard needs Qt: pip install 'daqcore[gui]' ({exc})") from exc
    sys.exit(app.run_dashboard(preset, screenshot=screenshot, quit_after=quit_after))


__all__ = ["dashboard"]
