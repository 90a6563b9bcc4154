"""Write one API reference page per module of ``api_modules`` (``conf.py``) before reading.

Each page is ``api/<module>.md``: an ``automodule`` of the module with its public members
(``__all__``), inside ``eval-rst`` because autodoc writes reStructuredText. A package's page
also lists its submodules (not themselves in ``api_modules``) with the first line of their
docstring, each a ``py:module`` target, so ``:mod:`daqcore.saving.h5file``` resolves.
Pages are generated at every build (rewritten only when their text changes), so adding a
module to the reference is adding its name to ``api_modules``. ``api/`` is not committed.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.util
import pkgutil
from pathlib import Path
from typing import Any

PAGE = """\
# `{module}`

```{{eval-rst}}
.. automodule:: {module}
   :members:{members}
```
"""

SUBMODULES = """
## Modules of `{module}`

Their public names are documented above, where users import them from.

```{{eval-rst}}
{entries}
```
"""


def _synopsis(name: str) -> str:
    """First paragraph of the module's docstring, read from its source (nothing imported:
    ``daqcore.gui.pymodaq_bridge`` imports PyMoDAQ and Qt)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    if not origin or not origin.endswith(".py"):
        return ""
    doc = ast.get_docstring(ast.parse(Path(origin).read_text(encoding="utf-8"))) or ""
    first = doc.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines())


def submodules(module: str, documented: set[str]) -> list[str]:
    """Public submodules of the package ``module`` (recursively), not documented on their own."""
    package = importlib.import_module(module)
    if not hasattr(package, "__path__"):
        return []
    found = []
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{module}."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or info.name in documented:
            continue
        if any(info.name.startswith(f"{other}.") for other in documented if other != module
               and other.startswith(f"{module}.")):
            continue
        found.append(info.name)
    return found


def page_text(module: str, documented: set[str]) -> str:
    # the names of __all__ given explicitly: autodoc then also finds the names a package
    # imports lazily (module __getattr__), which dir() does not list
    names = getattr(importlib.import_module(module), "__all__", None)
    members = (" " + ", ".join(names)) if names else ""
    text = PAGE.format(module=module, members=members)
    subs = submodules(module, documented)
    if subs:
        entries = "\n".join(
            f".. py:module:: {name}\n\n``{name}``\n   {_synopsis(name) or '(no docstring)'}\n"
            for name in subs)
        text += SUBMODULES.format(module=module, entries=entries)
    return text


def _help_text(command: Any, name: str, parent: Any) -> str:
    import click

    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=96,
                        max_content_width=96)
    return str(command.get_help(ctx))


def cli_page_text() -> str:
    """``api/cli.md``: the ``--help`` of ``daqcore`` and of every subcommand (plugins' too)."""
    import click

    from daqcore.cli.main import main

    root = click.Context(main, info_name="daqcore", terminal_width=96, max_content_width=96)
    parts = ["# Command line: `daqcore`\n",
             "The `--help` text of every command, as `daqcore COMMAND --help` prints it "
             "(generated from the commands at build time, so it is always current; commands "
             "contributed by the installed plugins included).\n",
             f"```text\n{main.get_help(root)}\n```\n"]
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        if command is None:
            continue
        parts.append(f"## `daqcore {name}`\n\n```text\n{_help_text(command, name, root)}\n```\n")
        if isinstance(command, click.Group):
            sub_root = click.Context(command, info_name=name, parent=root)
            for sub in command.list_commands(sub_root):
                subcommand = command.get_command(sub_root, sub)
                if subcommand is not None:
                    parts.append(f"### `daqcore {name} {sub}`\n\n```text\n"
                                 f"{_help_text(subcommand, sub, sub_root)}\n```\n")
    return "\n".join(parts)


def write_api_pages(app: Any) -> None:
    """Create ``api/<module>.md`` for every configured module (and ``api/cli.md``), remove
    stale ones."""
    folder = Path(app.srcdir) / "api"
    folder.mkdir(exist_ok=True)
    documented = set(app.config.api_modules)
    wanted = {f"{module}.md": page_text(module, documented) for module in app.config.api_modules}
    wanted["cli.md"] = cli_page_text()
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        page = folder / name
        if not page.is_file() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")


def _public_classes(modules: list[str]) -> set[int]:
    found: set[int] = set()
    for name in modules:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr, None)
            if isinstance(value, type):
                found.add(id(value))
    return found


def public_bases(app: Any, name: str, obj: Any, options: Any, bases: list[type]) -> None:
    """Show only documented or builtin bases ("Bases:" would name internal mixins)."""
    public = _public_classes(app.config.api_modules)
    bases[:] = [b for b in bases if b.__module__ == "builtins" or id(b) in public] or [object]


def set_inherited_members(app: Any, config: Any) -> None:
    """Document inherited members, except those a documented base (or a builtin) shows.

    autodoc skips a member inherited through any class named in ``inherited-members``: naming
    every public class (and every third-party base, such as Qt's widgets) means
    ``H5SaverLowLevel`` shows the methods of its internal base and ``DataWithAxes`` those of
    its mixins, while ``DataRaw`` does not repeat ``DataWithAxes`` nor a widget QWidget's.
    """
    names = {name for name, value in vars(builtins).items() if isinstance(value, type)}
    names |= {"Enum", "IntEnum", "StrEnum", "Flag", "Generic", "Protocol"}
    for module in config.api_modules:
        imported = importlib.import_module(module)
        for attr in getattr(imported, "__all__", ()):
            value = getattr(imported, attr, None)
            if isinstance(value, type):
                names.add(attr)
                # third-party bases (Qt widgets, pyleco handlers...) are documented elsewhere
                names.update(base.__name__ for base in value.__mro__[1:]
                             if not base.__module__.startswith(("daqcore", "builtins")))
    config.autodoc_default_options["inherited-members"] = ",".join(sorted(names))


def _import_object(path: str) -> Any:
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def resolve_short_names(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve ``:class:`Setting``` in any docstring when one documented object has that name.

    Python type fields already search like this (``refspecific``); roles in prose do not.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target or target.startswith("_"):
        return None
    domain = env.get_domain("py")
    matches = domain.find_obj(env, None, None, target, node.get("reftype"), 1)
    if "." in target and not matches:
        # a path through the defining module (daqcore.saving.blocks.write_blocks) of an
        # object documented where users import it from (daqcore.saving.DataLoader)
        wanted = _import_object(target)
        tail = target.rsplit(".", 1)[1]
        matches = [m for m in domain.find_obj(env, None, None, tail, None, 1)
                   if wanted is not None and _import_object(m[0]) is wanted]
    if not matches:
        return None
    name, entry = matches[0]
    from sphinx.util.nodes import make_refnode

    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode,
                        name)


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", set_inherited_members)
    app.connect("missing-reference", resolve_short_names)
    app.add_config_value("api_modules", [], "env")
    app.connect("builder-inited", write_api_pages)
    app.connect("autodoc-process-bases", public_bases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
