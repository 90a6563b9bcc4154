"""``daqcore pymodaq-bridge``: daqcore instruments in a PyMoDAQ dashboard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from daqcore.interop.pymodaq.adapter import BridgeError
from daqcore.interop.pymodaq.package import PACKAGE, write_bridge_package


@click.command("pymodaq-bridge")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path(PACKAGE), show_default=True,
              help="Directory of the generated project.")
@click.option("-i", "--instrument", "instruments", multiple=True,
              help="Expose only this daqcore instrument (repeatable; default: all).")
@click.option("--install", is_flag=True,
              help="pip install the generated package into this Python environment.")
@click.option("-f", "--force", is_flag=True, help="Replace an existing generated project.")
def pymodaq_bridge(output: Path, instruments: tuple[str, ...], install: bool,
                   force: bool) -> None:
    """Write a PyMoDAQ plugin package whose plugins drive daqcore instruments.

    Install it where PyMoDAQ runs (or pass --install) and every daqcore instrument appears in
    PyMoDAQ's dashboard as DAQ_Move_<name> / DAQ_<XD>Viewer_<name>. Run it again after
    installing new daqcore plugins.
    """
    try:
        project = write_bridge_package(output, instruments or None, overwrite=force)
    except BridgeError as exc:
        raise click.ClickException(str(exc)) from exc
    plugins = sorted(p.stem for p in (project / "src" / PACKAGE).rglob("daq_*.py"))
    click.echo(f"wrote {project} ({len(plugins)} plugins: {', '.join(plugins)})")
    if not install:
        click.echo(f"install it with: {sys.executable} -m pip install {project}")
        return
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", str(project)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise click.ClickException(f"pip install failed:\n{done.stderr.strip()}")
    click.echo("installed: PyMoDAQ lists the daqcore instruments in its dashboard")
