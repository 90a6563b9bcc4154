"""``daqcore browse FILE``: print the tree of an HDF5 file (PyMoDAQ layout aware).

Each node shows its kind, shape and dtype (arrays), and the attributes that matter when
reading a PyMoDAQ / daqcore file (title, type, label, units, nav_indexes, scan progress...),
decoded safely (never ``eval``). ``--attrs`` shows every attribute. Files being written in
SWMR mode are opened as SWMR readers, so a running scan can be browsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

#: Attributes shown by default (when present), in this order.
KEY_ATTRIBUTES = (
    "type", "label", "units", "data_type", "data_dimension", "distribution", "nav_indexes",
    "index", "spread_order", "origin", "n_points", "n_points_done", "n_samples_done",
    "status", "error", "scan_type", "scan_subtype", "naverage", "date", "time",
    "daqcore_version", "pymodaq_data_version",
)
_HIDDEN = frozenset({"CLASS", "TITLE", "VERSION", "PYTABLES_FORMAT_VERSION", "EXTDIM"})


def _decode(raw: Any) -> Any:
    from daqcore.saving.attributes import decode

    try:
        return decode(raw)
    except Exception:  # show undecodable attributes as stored rather than failing the listing
        return raw.decode(errors="replace") if isinstance(raw, bytes) else raw


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def _fmt(value: Any, width: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 3] + "..."


def _attrs(node: Any, show_all: bool) -> tuple[str, str]:
    raw_title = node.attrs.get("TITLE", "")
    title = _decode(raw_title)
    title = _text(title)
    parts = []
    names = sorted(k for k in node.attrs if k not in _HIDDEN) if show_all else [
        k for k in KEY_ATTRIBUTES if k in node.attrs
    ]
    for key in names:
        try:
            value = _decode(node.attrs[key])
        except Exception as exc:  # unreadable attribute (e.g. unsupported type)
            value = f"<unreadable: {type(exc).__name__}>"
        if key in ("settings", "settings]") and not show_all:
            continue
        parts.append(f"{key}={_fmt(value)}")
    return title, " ".join(parts)


def render_tree(path: str | Path, *, show_all: bool = False, max_depth: int | None = None) -> str:
    """The text tree of ``path`` (see module docstring).

    Raises
    ------
    click.ClickException
        For a missing file, a file that is not HDF5, or an unreadable one.
    """
    import h5py

    p = Path(path)
    if not p.exists():
        raise click.ClickException(f"{str(p)!r} does not exist")
    if p.is_dir():
        raise click.ClickException(f"{str(p)!r} is a directory, not an HDF5 file")
    try:
        is_h5 = h5py.is_hdf5(str(p))
    except OSError as exc:
        raise click.ClickException(f"cannot read {str(p)!r}: {exc}") from exc
    if not is_h5:
        raise click.ClickException(
            f"{str(p)!r} is not an HDF5 file (no HDF5 signature); "
            "daqcore browse reads .h5 files written by daqcore, PyMoDAQ or any HDF5 tool"
        )
    try:
        f = h5py.File(str(p), "r", swmr=True)
    except OSError:
        try:
            f = h5py.File(str(p), "r")
        except OSError as exc:
            raise click.ClickException(f"cannot open {str(p)!r}: {exc}") from exc
    lines: list[str] = []
    with f:
        title, attrs = _attrs(f, show_all)
        lines.append(f"{p.name}  [file] {title!r} {attrs}".rstrip())

        def walk(group: Any, prefix: str, depth: int) -> None:
            names = sorted(group.keys())
            for i, name in enumerate(names):
                last = i == len(names) - 1
                branch = "└── " if last else "├── "
                try:
                    node = group[name]
                except (KeyError, OSError) as exc:
                    lines.append(f"{prefix}{branch}{name}  <unreadable: {exc}>")
                    continue
                title, attrs = _attrs(node, show_all)
                label = f" {title!r}" if title and title != name else ""
                if isinstance(node, h5py.Dataset):
                    kind = _text(node.attrs.get("CLASS", ""))
                    shape = "x".join(str(s) for s in node.shape) or "scalar"
                    desc = f"[{kind or 'dataset'} {shape} {node.dtype}]"
                else:
                    desc = f"[group, {len(node)} items]"
                lines.append(f"{prefix}{branch}{name}  {desc}{label} {attrs}".rstrip())
                if isinstance(node, h5py.Group) and (max_depth is None or depth < max_depth):
                    walk(node, prefix + ("    " if last else "│   "), depth + 1)

        walk(f, "", 1)
    return "\n".join(lines)


@click.command("browse")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--attrs", "show_all", is_flag=True, help="Show every attribute of every node.")
@click.option("--depth", "max_depth", type=click.IntRange(min=1), default=None,
              help="Only show this many levels below the root.")
def browse(file: Path, show_all: bool, max_depth: int | None) -> None:
    """Print the tree of an HDF5 FILE with shapes, dtypes, units and key attributes."""
    click.echo(render_tree(file, show_all=show_all, max_depth=max_depth))


__all__ = ["browse", "render_tree"]
