"""The root ``daqcore`` click group; built-in subcommands are imported only when used.

``daqcore --help`` must start fast (it runs next to the instruments, often): the group knows
each built-in command by its import string and its one-line help, and imports the module of a
command only when that command runs (or its own ``--help`` is asked for). Commands contributed
by plugins come from :class:`~daqcore.cli.plugins_cmd.PluginCommandGroup`.
"""

from __future__ import annotations

import importlib

import click

from daqcore import __version__
from daqcore.cli.plugins_cmd import PluginCommandGroup

#: Built-in subcommands: name -> ("module:attribute", one-line help shown by ``daqcore --help``).
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "browse": ("daqcore.cli.browse_cmd:browse", "Print the tree of HDF5 files."),
    "dashboard": ("daqcore.cli.dashboard_cmd:dashboard",
                  "Open the Qt dashboard: instruments, scans, logs, files."),
    "demo": ("daqcore.cli.demo:demo",
             "Scan simulated instruments, save, reload and check the data."),
    "log": ("daqcore.cli.log_cmd:log", "Log detectors at a fixed interval into an HDF5 file."),
    "new-plugin": ("daqcore.cli.new_plugin:new_plugin",
                   "Create a plugin package: detector, actuator, tests."),
    "plugins": ("daqcore.cli.plugins_cmd:plugins",
                "List plugins, their instruments and load failures."),
    "scan": ("daqcore.cli.scan_cmd:scan",
             "Scan actuators over a grid or a table, saving every detector."),
}


class LazyGroup(PluginCommandGroup):
    """A :class:`PluginCommandGroup` whose built-in commands are imported on first use."""

    def __init__(self, *args: object, lazy_commands: dict[str, tuple[str, str]],
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands)

    def builtin_command_names(self) -> set[str]:
        """Names of the built-in commands (eager and lazy), which plugins cannot shadow."""
        return set(self.commands) | set(self.lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            target, _ = self.lazy_commands[cmd_name]
            module_name, _, attribute = target.partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Like click's, without importing commands to read their help lines.

        Built-in commands, and plugin commands registered by import string with a ``help``,
        are listed from their records.
        """
        rows: list[tuple[str, str]] = []
        limit = formatter.width - 6 - max((len(n) for n in self.list_commands(ctx)), default=0)
        plugin_records = self._plugin_commands()
        for name in self.list_commands(ctx):
            if name in self.lazy_commands and name not in self.commands:
                rows.append((name, self.lazy_commands[name][1]))
                continue
            record = plugin_records.get(name)
            help_text = str(getattr(record, "help", "") or "")
            if (name not in self.commands and record is not None
                    and isinstance(record.command, str) and help_text):
                rows.append((name, help_text))  # a plugin command named by import string
                continue
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy_commands=BUILTIN_COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="daqcore")
def main() -> None:
    """daqcore: laboratory data acquisition with PyMoDAQ-compatible HDF5 files.

    Run ``daqcore demo`` for a tour with simulated instruments.
    """


__all__ = ["BUILTIN_COMMANDS", "LazyGroup", "main"]
