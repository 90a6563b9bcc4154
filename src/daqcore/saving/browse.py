"""A text tree of an HDF5 file read through the saving layer (what ``daqcore browse`` prints).

Each node shows its kind, shape and dtype (arrays) and the attributes that matter when reading
a PyMoDAQ / daqcore file, decoded by :mod:`daqcore.saving.attributes` (never ``eval``), large
attributes (``/LargeAttributes/AttrNNNNN``) shown as their value. Reading goes through a
registered backend, so it is safe on hostile or damaged files:

* truncated or corrupt files raise :class:`~daqcore.saving.errors.DamagedFileError` at once
  (the backends never open a damaged file as an SWMR reader, see
  :mod:`daqcore.saving.backends.integrity`);
* hard-link loops are shown once (``<link to /path, already shown>``), dangling links as
  ``<dangling link>``;
* terminal control characters in names and attributes are escaped (``\\x1b``), so a file cannot
  clear or retitle the user's terminal;
* a ``status=running`` left by a writer that no longer writes (killed, crashed) is shown as
  ``status=running (interrupted: ...)``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daqcore.saving.backends.base import H5LibraryBackend
from daqcore.saving.errors import DamagedFileError, H5FileError, NodeError, SavingError
from daqcore.saving.h5saver import H5SaverLowLevel
from daqcore.saving.nodes import GROUP, ArrayNode, Node

#: Attributes shown by default (when present), in this order.
KEY_ATTRIBUTES = (
    "type", "label", "units", "data_type", "data_dimension", "distribution", "nav_indexes",
    "index", "spread_order", "origin", "n_points", "n_points_done", "n_samples_done",
    "status", "error", "scan_type", "scan_subtype", "naverage", "date", "time",
    "daqcore_version", "pymodaq_data_version",
)
_HIDDEN = frozenset({"CLASS", "TITLE", "VERSION", "PYTABLES_FORMAT_VERSION", "EXTDIM"})
#: Below this many seconds since the last write, an SWMR file is taken as still being written.
LIVE_WRITE_SECONDS = 60.0
#: Walks stop this deep (backends without object identity cannot detect hard-link loops).
MAX_DEPTH = 64

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_text(text: str | bytes) -> str:
    """``text`` with control characters (C0, DEL, C1, bidi overrides) shown as escapes
    (bytes, such as names a damaged file stores in invalid UTF-8, are decoded first)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="backslashreplace")
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _fmt(value: Any, width: int = 60) -> str:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    text = escape_text(value if isinstance(value, str) else repr(value))
    return text if len(text) <= width else text[: width - 3] + "..."


def _writer_state(path: Path) -> str | None:
    """Why a ``status=running`` file is not being written, or None if a writer may be live."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock probe
        fcntl = None  # type: ignore[assignment]
    if fcntl is not None:
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            return None  # a (non-SWMR) writer holds the file
        finally:
            os.close(fd)
    idle = time.time() - path.stat().st_mtime
    if idle < LIVE_WRITE_SECONDS:
        return None  # an SWMR writer (which holds no lock) wrote it recently
    return (f"interrupted: nothing has written the file for {idle / 60:.0f} min; "
            "the run was killed or crashed")


@dataclass
class _Walk:
    saver: H5SaverLowLevel
    show_all: bool
    max_depth: int | None
    interrupted: str | None
    lines: list[str] = field(default_factory=list)
    seen: dict[Hashable, str] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)

    @property
    def backend(self) -> H5LibraryBackend:
        return self.saver.backend

    def attributes(self, node: Node) -> tuple[str, str]:
        attrs = node.attrs
        try:
            names = attrs.attrs_name
        except SavingError as exc:
            return "", f"<attributes unreadable: {exc}>"
        title = ""
        if "TITLE" in names:
            title = self._value(node, "TITLE")
        if self.show_all:
            shown = sorted((n for n in names if n not in _HIDDEN), key=escape_text)
        else:
            shown = [n for n in KEY_ATTRIBUTES if n in names]
        parts = []
        for key in shown:
            if key in ("settings", "settings]") and not self.show_all:
                continue
            value = self._value(node, key)
            text = f"{escape_text(key)}={value}"
            if key == "status" and value == "running" and self.interrupted:
                text += f" ({self.interrupted})"
            parts.append(text)
        return title, " ".join(parts)

    @staticmethod
    def _value(node: Node, key: str) -> str:
        try:
            return _fmt(node.attrs[key])
        except SavingError as exc:
            try:  # show what is stored when it cannot be decoded
                return _fmt(node.file.backend.get_attr(node.node, key))
            except SavingError:
                return f"<unreadable: {_fmt(str(exc), 80)}>"

    def describe(self, node: Node) -> str:
        if isinstance(node, GROUP):
            return f"[group, {len(self.backend.link_names(node.node))} items]"
        kind = ""
        if self.backend.has_attr(node.node, "CLASS"):
            kind = _fmt(self.backend.get_attr(node.node, "CLASS"))
        if isinstance(node, ArrayNode):
            shape = "x".join(str(s) for s in node.shape) or "scalar"
            return f"[{kind or 'dataset'} {shape} {node.dtype}]"
        return f"[{kind or 'dataset'}]"  # pragma: no cover - every array is a ArrayNode

    def walk(self, group: GROUP, prefix: str, depth: int) -> None:
        try:
            names = self.backend.link_names(group.node)
        except DamagedFileError as exc:
            self._damage(prefix + "└── ", group.path, exc)
            return
        for i, name in enumerate(names):
            last = i == len(names) - 1
            branch = prefix + ("└── " if last else "├── ")
            path = f"{group.path.rstrip('/')}/{escape_text(name)}"
            try:
                self.node_line(group, name, path, branch, prefix + ("    " if last else "│   "),
                               depth)
            except DamagedFileError as exc:
                self._damage(branch + escape_text(name) + "  ", path, exc)

    def _damage(self, head: str, path: str, exc: DamagedFileError) -> None:
        self.lines.append(f"{head}<damaged: {_fmt(str(exc), 200)}>")
        self.damaged.append(path)

    def node_line(self, group: GROUP, name: str, path: str, branch: str, child_prefix: str,
                  depth: int) -> None:
        shown_name = escape_text(name)
        handle = None
        try:
            handle = self.backend.child(group.node, name)
            node = None if handle is None else self.saver.wrap(handle)
        except NodeError:
            node = None
        if node is None:
            self.lines.append(f"{branch}{shown_name}  <dangling link>" if handle is None else
                              f"{branch}{shown_name}  <not a group or array>")
            return
        key = self.backend.object_key(node.node)
        if isinstance(node, GROUP) and key in self.seen:
            self.lines.append(f"{branch}{shown_name}  <link to {self.seen[key]}, already shown>")
            return
        self.seen[key] = escape_text(path)
        title, attrs = self.attributes(node)
        label = f" {title!r}" if title and title != shown_name else ""
        self.lines.append(f"{branch}{shown_name}  {self.describe(node)}{label} {attrs}".rstrip())
        if isinstance(node, GROUP):
            if depth >= MAX_DEPTH:
                self.lines.append(f"{child_prefix}<deeper than {MAX_DEPTH} levels: not shown>")
            elif self.max_depth is None or depth < self.max_depth:
                self.walk(node, child_prefix, depth + 1)


def _has_running_status(saver: H5SaverLowLevel) -> bool:
    backend = saver.backend
    candidates = [saver.root()]
    try:
        raw = saver.get_node("/RawData")
    except NodeError:
        raw = None
    if isinstance(raw, GROUP):
        candidates.append(raw)
        for name in backend.link_names(raw.node):
            handle = backend.child(raw.node, name)
            if handle is not None and backend.is_group(handle):
                candidates.append(GROUP(handle, saver.file))
    for node in candidates:
        try:
            if backend.has_attr(node.node, "status") and node.attrs["status"] == "running":
                return True
        except SavingError:
            continue
    return False


@dataclass(frozen=True)
class FileTree:
    """What :func:`tree_of` found: the printable lines and the paths that could not be read."""

    lines: tuple[str, ...]
    damaged: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def tree_of(path: str | os.PathLike[str], *, show_all: bool = False,
            max_depth: int | None = None, backend: str | H5LibraryBackend = "h5py") -> FileTree:
    """The tree of the HDF5 file ``path`` (see the module docstring); nodes that cannot be
    read are shown as ``<damaged: ...>`` and listed in :attr:`FileTree.damaged`.

    Raises
    ------
    H5FileError
        Missing file, directory, not HDF5.
    DamagedFileError
        A file too damaged to be opened (truncated, corrupt superblock or root).
    """
    p = Path(path)
    if not p.exists():
        raise H5FileError(f"{str(p)!r} does not exist")
    if p.is_dir():
        raise H5FileError(f"{str(p)!r} is a directory, not an HDF5 file")
    idle = _writer_state(p)  # before opening: our own reader lock would hide a writer's
    saver = H5SaverLowLevel(backend=backend, flush_period=None)
    saver.open_file(p, "r")
    try:
        try:
            interrupted = idle if idle and _has_running_status(saver) else None
        except SavingError:
            interrupted = None
        walk = _Walk(saver, show_all, max_depth, interrupted)
        root = saver.root()
        walk.seen[saver.backend.object_key(root.node)] = "/"
        title, attrs = walk.attributes(root)
        walk.lines.append(f"{escape_text(p.name)}  [file] {title!r} {attrs}".rstrip())
        walk.walk(root, "", 1)
        return FileTree(tuple(walk.lines), tuple(walk.damaged))
    finally:
        saver.close_file()


def render_file(path: str | os.PathLike[str], *, show_all: bool = False,
                max_depth: int | None = None, backend: str | H5LibraryBackend = "h5py") -> str:
    """The text of :func:`tree_of`; raises :class:`DamagedFileError` (naming the unreadable
    nodes) if any part of the file could not be read."""
    tree = tree_of(path, show_all=show_all, max_depth=max_depth, backend=backend)
    if tree.damaged:
        shown = ", ".join(escape_text(d) for d in tree.damaged[:5])
        more = f" and {len(tree.damaged) - 5} more" if len(tree.damaged) > 5 else ""
        raise DamagedFileError(f"{str(path)!r} is damaged: {shown}{more} cannot be read")
    return tree.text


__all__ = ["KEY_ATTRIBUTES", "LIVE_WRITE_SECONDS", "MAX_DEPTH", "FileTree", "escape_text",
           "render_file", "tree_of"]
