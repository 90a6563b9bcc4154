"""``daqcore plugins``: what loaded, what it offers, what failed and why.

Also home of :class:`PluginCommandGroup`, the root group class that adds the subcommands
contributed by plugins (``daqcore_register_commands``) lazily: plugins are only loaded when
an unknown command name is asked for or the help is listed, and a plugin failure never
breaks the built-in commands.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click


class PluginCommandGroup(click.Group):
    """A click group that also offers the commands registered by plugins."""

    def _plugin_commands(self) -> dict[str, Any]:
        try:
            from daqcore.plugins import get_registry

            return dict(get_registry().commands)
        except Exception as exc:  # never let a plugin problem break the CLI
            click.echo(f"warning: could not load plugin commands: {exc}", err=True)
            return {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(n for n in self._plugin_commands() if n not in self.commands)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        builtin = super().get_command(ctx, cmd_name)
        if builtin is not None:
            return builtin
        record = self._plugin_commands().get(cmd_name)
        if record is None:
            return None
        try:
            command = record.load()
        except Exception as exc:
            click.echo(
                f"warning: command {cmd_name!r} of plugin {record.plugin!r} failed to load: "
                f"{type(exc).__name__}: {exc}",
                err=True,
            )
            return None
        if not isinstance(command, click.Command):
            click.echo(
                f"warning: command {cmd_name!r} of plugin {record.plugin!r} is not a click "
                f"command ({type(command).__name__})",
                err=True,
            )
            return None
        return command


def _dims_text(dims: list[str]) -> str:
    return "/".join(d.removeprefix("Data") for d in dims) or "-"


def _backends_text(backends: list[dict[str, Any]]) -> str:
    parts = []
    for b in backends:
        if "available" not in b:
            parts.append(b["name"])
        elif b["available"]:
            parts.append(f"{b['name']}: available")
        else:
            parts.append(f"{b['name']}: {b.get('reason') or 'unavailable'}")
    return "; ".join(parts) or "-"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]


def format_report(report: dict[str, Any], *, tracebacks: bool = False,
                  failures: list[Any] | None = None) -> str:
    """Human-readable form of :meth:`daqcore.plugins.Registry.report`."""
    lines: list[str] = []
    n_ok, n_bad = len(report["plugins"]), len({f["plugin"] for f in report["failures"]})
    lines.append(f"Plugins ({n_ok} loaded, {n_bad} with failures)")
    if report["plugins"]:
        rows = [["NAME", "DISTRIBUTION", "VERSION", "MODULE"]]
        rows += [[p["name"], p["distribution"] or "-", p["version"] or "-", p["module"]]
                 for p in report["plugins"]]
        lines += _table(rows)
        lines += [f"  warning: plugin {p['name']!r} implements no daqcore hook "
                  "(hook functions must be named daqcore_register_...)"
                  for p in report["plugins"] if not p["hooks"]]
    else:
        lines.append("  (none)")
    lines.append("")
    lines.append("Instruments")
    if report["instruments"]:
        rows = [["KIND", "NAME", "DIMS", "BACKENDS", "PLUGIN"]]
        for inst in report["instruments"]:
            backends = _backends_text(inst.get("backends", []))
            if inst.get("error"):
                backends = f"cannot load: {inst['error']}"
            dims = _dims_text(inst.get("dims", [])) if inst["kind"] == "detector" else "-"
            rows.append([inst["kind"], inst["name"], dims, backends, inst["plugin"]])
        lines += _table(rows)
    else:
        lines.append("  (none)")
    for section in ("commands", "panels"):
        if report[section]:
            lines += ["", section.capitalize() + ": " + ", ".join(report[section])]
    for name in report.get("shadowed_commands", ()):
        lines.append(f"  warning: plugin command {name!r} is hidden by the built-in command")
    if report.get("scanners"):
        lines += ["", "Scanners: " + ", ".join(
            name + ("" if info["plugin"].startswith("daqcore") else f" ({info['plugin']})")
            for name, info in report["scanners"].items())]
    if report.get("h5_backends"):
        lines += ["", "HDF5 backends: " + ", ".join(report["h5_backends"])]
    if report["readers"]:
        lines += ["", "Readers: " + ", ".join(
            f"{n} ({', '.join(exts)})" for n, exts in report["readers"].items())]
    if report["skipped"]:
        lines += ["", "Disabled (DAQCORE_DISABLE_PLUGINS): " + ", ".join(report["skipped"])]
    if report["failures"]:
        lines += ["", "Failures"]
        for f in report["failures"]:
            dist = f" ({f['distribution']} {f['version']})" if f["distribution"] else ""
            lines.append(f"  {f['plugin']}{dist} at {f['stage']}: {f['error']}")
            if tracebacks and f.get("traceback"):
                lines += ["    " + t for t in f["traceback"].rstrip().splitlines()]
    return "\n".join(lines)


@click.group("plugins", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-probe", is_flag=True, help="Do not probe backend availability.")
@click.option("--traceback", "tracebacks", is_flag=True, help="Show tracebacks of failures.")
@click.pass_context
def plugins(ctx: click.Context, as_json: bool, no_probe: bool, tracebacks: bool) -> None:
    """List plugins, their instruments (kind, dims, backends) and load failures.

    Set DAQCORE_STRICT_PLUGINS=1 to turn a failure into an error,
    DAQCORE_DISABLE_PLUGINS=a,b to skip plugins, and DAQCORE_PLUGINS_DIR=DIR to also load
    the *.py files of DIR as plugins.
    """
    if ctx.invoked_subcommand is not None:
        return
    from daqcore.plugins import PluginError, get_registry

    try:
        registry = get_registry()
    except PluginError as exc:  # strict mode: a failure is an error, shown without traceback
        raise click.ClickException(str(exc)) from exc
    report = registry.report(probe=not no_probe)
    report["scanners"] = scanners_report(registry)
    root = ctx.find_root().command
    names_of = getattr(root, "builtin_command_names", None)
    builtins = names_of() if callable(names_of) else set(getattr(root, "commands", {}))
    report["shadowed_commands"] = sorted(n for n in report["commands"] if n in builtins)
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(format_report(report, tracebacks=tracebacks))


def scanners_report(registry: Any) -> dict[str, dict[str, Any]]:
    """The scanners of the scanner registry (``daqcore_scanners`` hook) by name: plugin,
    summary and parameters; empty when this daqcore has no scanner registry."""
    try:
        from daqcore.acquisition.scanner_registry import available_scanners
    except ImportError:
        return {}
    return {name: {"plugin": str(spec.plugin), "summary": str(spec.summary),
                   "parameters": list(spec.parameters)}
            for name, spec in available_scanners(registry).items()}


def backend_unavailable(registry: Any, name: str, backend: str) -> str | None:
    """Why ``backend`` of instrument ``name`` cannot run here (None if it can, or if unknown).

    A backend the instrument does not declare is left to the checks, which report it.
    """
    try:
        cls = registry.get_instrument(name).load()
    except Exception:  # the checks report a class that does not load
        return None
    for declared in getattr(cls, "backends", ()):
        if declared.name == backend:
            availability = declared.availability()
            return None if availability.available else (availability.reason or "unavailable")
    return None


@plugins.command("check")
@click.argument("name")
@click.option("--backend", default="sim", show_default=True, help="Backend to test.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of failed checks.")
def check(name: str, backend: str, as_json: bool, verbose: bool) -> None:
    """Run the conformance suite on instrument NAME (or on every instrument of plugin NAME).

    An instrument whose BACKEND cannot run here (driver not installed, no device) is reported
    as SKIP with the reason, not as failed checks; the exit code is 1 only if a check failed.
    """
    from daqcore.plugins import UnknownInstrumentError, get_registry
    from daqcore.testing.conformance import check_registered

    registry = get_registry()
    if name.lower() in registry.instruments:
        names = [name.lower()]
    else:
        names = sorted(r.name for r in registry.instruments.values() if r.plugin == name)
        if not names:
            try:
                registry.get_instrument(name)
            except UnknownInstrumentError as exc:
                plugins_known = ", ".join(sorted(p.name for p in registry.plugins)) or "none"
                raise click.ClickException(f"{exc}; known plugins: {plugins_known}") from exc
    entries: list[dict[str, Any]] = []
    failed = False
    for instrument in names:
        reason = backend_unavailable(registry, instrument, backend)
        record = registry.get_instrument(instrument)
        if reason is not None:
            entries.append({"instrument": record.name, "kind": record.kind, "backend": backend,
                            "passed": None, "skipped": reason, "results": []})
            if not as_json:
                click.echo(f"SKIP {record.name} ({record.kind}, backend {backend}): {reason}")
            continue
        report = check_registered(instrument, registry=registry, backend=backend)
        failed = failed or not report.passed
        entries.append({**report.to_dict(), "skipped": None})
        if as_json:
            continue
        status = "PASS" if report.passed else "FAIL"
        click.echo(f"{status} {report.instrument} ({report.kind}, backend {report.backend})")
        for result in report.results:
            mark = "ok  " if result.passed else "FAIL"
            line = f"  {mark} {result.name}"
            if not result.passed:
                line += f": {result.message}"
            click.echo(line)
            if verbose and result.details:
                click.echo("      " + result.details.rstrip().replace("\n", "\n      "))
    if as_json:
        click.echo(json.dumps(entries, indent=2))
    if failed:
        sys.exit(1)


__all__ = ["PluginCommandGroup", "backend_unavailable", "check", "format_report", "plugins",
           "scanners_report"]
