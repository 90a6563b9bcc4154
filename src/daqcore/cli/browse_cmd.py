"""``daqcore browse FILE...``: print the tree of HDF5 files (PyMoDAQ layout aware), or a
summary of any file a plugin's reader opens (``daqcore_register_readers``).

The tree is read through the saving layer (:mod:`daqcore.saving.browse`): attributes decoded
safely (never ``eval``), large attributes shown as their values, control characters escaped,
damaged files reported at once with what is damaged, interrupted runs flagged. Files being
written in SWMR mode can be browsed while the writer runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from daqcore.plugins import get_registry
from daqcore.plugins.errors import UnknownInstrumentError
from daqcore.saving.backends.integrity import has_hdf5_signature
from daqcore.saving.browse import escape_text, tree_of
from daqcore.saving.errors import SavingError


def _reader_summary(path: Path, dte: Any) -> str:
    lines = [f"{escape_text(path.name)}  [{escape_text(type(dte).__name__)} "
             f"{escape_text(str(getattr(dte, 'name', '')))!r}, {len(dte)} items]"]
    items = list(dte)
    for i, dwa in enumerate(items):
        branch = "└── " if i == len(items) - 1 else "├── "
        axes = ", ".join(f"{escape_text(a.label)} [{escape_text(a.units)}]" for a in dwa.axes)
        lines.append(f"{branch}{escape_text(dwa.name)}  [{dwa.dim.name} "
                     f"{'x'.join(str(s) for s in dwa.shape)}] units={escape_text(dwa.units)}"
                     f" labels={escape_text(str(list(dwa.labels)))}"
                     + (f" axes: {axes}" if axes else ""))
    return "\n".join(lines)


def describe_file(path: Path, *, show_all: bool = False, max_depth: int | None = None,
                  backend: str = "h5py") -> tuple[str, str | None]:
    """``(text, error)`` for one file: the tree (possibly partial) and what went wrong."""
    if not path.exists():
        return "", f"{str(path)!r} does not exist"
    if path.is_dir():
        return "", f"{str(path)!r} is a directory, not an HDF5 file"
    try:
        is_h5 = has_hdf5_signature(path)
    except OSError as exc:
        return "", f"cannot read {str(path)!r}: {exc}"
    if not is_h5:
        try:
            record = get_registry().reader_for(path)
        except UnknownInstrumentError as exc:
            return "", (f"{str(path)!r} is not an HDF5 file (no HDF5 signature) and no plugin "
                        f"reads it: {exc}")
        try:
            return _reader_summary(path, record.load()(path)), None
        except Exception as exc:  # a plugin's reader failing on this file
            return "", f"reader {record.name!r} cannot read {str(path)!r}: " \
                       f"{type(exc).__name__}: {exc}"
    try:
        tree = tree_of(path, show_all=show_all, max_depth=max_depth, backend=backend)
    except SavingError as exc:
        return "", str(exc)
    if tree.damaged:
        return tree.text, (f"{str(path)!r} is damaged: {len(tree.damaged)} node(s) cannot be "
                           "read (shown as <damaged: ...>)")
    return tree.text, None


def render_tree(path: str | Path, *, show_all: bool = False, max_depth: int | None = None) -> str:
    """The text tree of ``path``.

    Raises
    ------
    click.ClickException
        For a missing, non-HDF5, unreadable or damaged file.
    """
    text, error = describe_file(Path(path), show_all=show_all, max_depth=max_depth)
    if error:
        raise click.ClickException(error)
    return text


@click.command("browse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--attrs", "show_all", is_flag=True, help="Show every attribute of every node.")
@click.option("--depth", "max_depth", type=click.IntRange(min=1), default=None,
              help="Only show this many levels below the root.")
@click.option("--backend", default="h5py", show_default=True,
              help="HDF5 backend reading the files (a registered backend name).")
def browse(files: tuple[Path, ...], show_all: bool, max_depth: int | None, backend: str) -> None:
    """Print the tree of HDF5 FILES with shapes, dtypes, units and key attributes.

    Several files (e.g. a shell glob) are printed one after the other; the command fails
    (exit code 1) if any of them cannot be read, after printing the others.
    """
    failures = 0
    for i, path in enumerate(files):
        text, error = describe_file(path, show_all=show_all, max_depth=max_depth,
                                    backend=backend)
        if i and text:
            click.echo("")
        if text:
            click.echo(text)
        if error:
            failures += 1
            click.echo(f"Error: {escape_text(error)}", err=True)
    if failures:
        raise SystemExit(1)


__all__ = ["browse", "describe_file", "render_tree"]
