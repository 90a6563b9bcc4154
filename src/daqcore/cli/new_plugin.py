"""``daqcore new-plugin NAME``: create a ready-to-install plugin package.

The package is rendered from the files in ``plugin_template/`` (``string.Template`` syntax,
``${name}``...; ``__package__`` in a path is replaced by the package name). It contains a
``pyproject.toml`` declaring the ``daqcore`` entry point, a detector and an actuator with
``sim`` backends (and a ``real`` backend to fill in), and tests running the conformance
suite. ``pip install -e DIR`` then makes it appear in ``daqcore plugins``.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
from pathlib import Path
from string import Template
from typing import Any

import click

from daqcore import __version__
from daqcore.errors import DaqcoreError

TEMPLATE_DIR = Path(__file__).with_name("plugin_template")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginTemplateError(DaqcoreError, ValueError):
    """A plugin cannot be generated (bad name, target exists)."""


def template_values(name: str) -> dict[str, str]:
    """The substitutions for plugin ``name`` (``my_camera`` -> ``daqcore_plugin_my_camera``)."""
    normalised = name.strip().lower().replace("-", "_")
    if keyword.iskeyword(normalised):
        raise PluginTemplateError(
            f"invalid plugin name {name!r}: {normalised!r} is a Python keyword, which cannot "
            "name the plugin's module or classes; choose another name"
        )
    if not _NAME_RE.match(normalised):
        raise PluginTemplateError(
            f"invalid plugin name {name!r}: use lower-case letters, digits and '_' "
            "(or '-'), starting with a letter"
        )
    package = f"daqcore_plugin_{normalised}"
    return {
        "name": normalised,
        "package": package,
        "dist": package.replace("_", "-"),
        "classname": "".join(part.capitalize() for part in normalised.split("_")),
        "daqcore_version": __version__,
    }


def check_name_free(name: str, registry: Any = None) -> None:
    """Refuse a plugin name already taken here: a loaded plugin of that name, instruments
    ``NAME_detector`` / ``NAME_actuator``, or an importable ``daqcore_plugin_NAME`` package.

    Raises
    ------
    PluginTemplateError
        Naming what takes the name.
    """
    values = template_values(name)
    if registry is None:
        from daqcore.plugins import get_registry

        registry = get_registry()
    plugin_names = {p.name.lower() for p in registry.plugins}
    if values["name"] in plugin_names:
        raise PluginTemplateError(
            f"a plugin named {values['name']!r} is already installed (see daqcore plugins); "
            "two plugins of one name cannot both load: choose another name"
        )
    for suffix in ("detector", "actuator"):
        instrument = f"{values['name']}_{suffix}"
        if instrument in registry.instruments:
            owner = registry.instruments[instrument].plugin
            raise PluginTemplateError(f"instrument {instrument!r} is already registered by "
                                      f"plugin {owner!r}: choose another name")
    try:
        found = importlib.util.find_spec(values["package"]) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        raise PluginTemplateError(f"a package {values['package']!r} is already importable "
                                  "here: choose another name")


def render_plugin(name: str, directory: Path, *, force: bool = False) -> Path:
    """Write the plugin package for ``name`` into ``directory/<distribution name>``.

    Returns
    -------
    Path
        The created project directory.
    """
    values = template_values(name)
    target = Path(directory) / values["dist"]
    if target.exists() and any(target.iterdir()) and not force:
        raise PluginTemplateError(f"{target} already exists and is not empty (use --force)")
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).as_posix().removesuffix(".tmpl")
        destination = target / relative.replace("__package__", values["package"])
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        destination.write_text(text, encoding="utf-8")
    return target


@click.command("new-plugin")
@click.argument("name")
@click.option("-d", "--directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Where to create the project.")
@click.option("--force", is_flag=True, help="Write into an existing, non-empty directory.")
def new_plugin(name: str, directory: Path, force: bool) -> None:
    """Create a plugin package NAME with a detector, an actuator and conformance tests.

    NAME must not be taken by an installed plugin (``daqcore plugins`` lists them).
    """
    try:
        check_name_free(name)
        target = render_plugin(name, directory, force=force)
    except PluginTemplateError as exc:
        raise click.ClickException(str(exc)) from exc
    values = template_values(name)
    click.echo(f"created {target}")
    click.echo(f"  instruments: {values['name']}_detector, {values['name']}_actuator")
    click.echo(f"next: pip install -e {target} && daqcore plugins check {values['name']}")


__all__ = ["TEMPLATE_DIR", "PluginTemplateError", "check_name_free", "new_plugin",
           "render_plugin", "template_values"]
