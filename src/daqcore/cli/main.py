"""The root ``daqcore`` click group and the registration of built-in subcommands."""

from __future__ import annotations

import click

from daqcore import __version__
from daqcore.cli.plugins_cmd import PluginCommandGroup


@click.group(cls=PluginCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="daqcore")
def main() -> None:
    """daqcore: laboratory data acquisition with PyMoDAQ-compatible HDF5 files.

    Run ``daqcore demo`` for a tour with simulated instruments.
    """


def _register_builtin_commands() -> None:
    # Imported here so that each subcommand module stays independent of the others.
    from daqcore.cli.demo import demo

    main.add_command(demo)

    from daqcore.cli.browse_cmd import browse
    from daqcore.cli.log_cmd import log
    from daqcore.cli.scan_cmd import scan

    main.add_command(scan)
    main.add_command(log)
    main.add_command(browse)

    from daqcore.cli.new_plugin import new_plugin
    from daqcore.cli.plugins_cmd import plugins

    main.add_command(plugins)
    main.add_command(new_plugin)

    from daqcore.cli.dashboard_cmd import dashboard

    main.add_command(dashboard)


_register_builtin_commands()
