"""``daqcore thermo-read``: a subcommand contributed by the plugin."""

from __future__ import annotations

import click


@click.command("thermo-read")
@click.option("--backend", default="sim", show_default=True, help="sim or real")
def thermo_read(backend: str) -> None:
    """Print one temperature reading."""
    from daqcore.errors import DaqcoreError
    from daqcore_example_thermo.instruments import Thermometer

    try:
        with Thermometer(backend=backend) as thermometer:
            value = thermometer.grab_data()[0].value()
    except DaqcoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{value:.2f} degC")
