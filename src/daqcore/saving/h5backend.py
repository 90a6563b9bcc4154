"""PyMoDAQ's low-level file class, :class:`H5Backend`, over daqcore's backend layer.

``pymodaq_data.h5modules.backends.H5Backend('tables' | 'h5py')`` opens a file and builds its
tree (``open_file``, ``get_set_group``, ``add_group``, ``create_carray``, ``create_earray``,
``create_vlarray``, ``get_node``, ``walk_nodes``, attributes...). daqcore's class has the same
names, signatures and results, and holds a :class:`~daqcore.saving.h5file.H5File` (``.file``)
working through a :class:`~daqcore.saving.backends.base.H5LibraryBackend`, so every node it
returns is one of daqcore's node classes and the files follow ``docs/file_format.md``.
:class:`~daqcore.saving.h5saver.H5SaverCore` (so ``H5SaverLowLevel`` and ``H5Saver``) derives
from it, as PyMoDAQ's ``H5SaverLowLevel`` does.

Differences with PyMoDAQ (each in ``docs/migration.md``): bad input raises daqcore errors that
also derive from what PyMoDAQ or its library raises there; ``save_file_as`` also copies h5py
files; ``compression`` is a :class:`~daqcore.saving.backends.base.Compression`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from daqcore.saving.backends.base import Compression, H5LibraryBackend
from daqcore.saving.backends.registry import get_backend
from daqcore.saving.errors import (
    BackendError,
    DataShapeError,
    H5FileError,
    NodeError,
    NodeExistsError,
    NotAnArrayError,
)
from daqcore.saving.h5file import H5File, capitalize
from daqcore.saving.nodes import (
    CARRAY,
    EARRAY,
    GROUP,
    VLARRAY,
    ArrayNode,
    Node,
    StringARRAY,
)

#: Attributes PyMoDAQ decodes from bytes when a library returns them so.
MANDATORY_ATTRIBUTES = ("TITLE", "CLASS", "EXTDIM")


def check_mandatory_attrs(attr_name: str, attr: Any) -> Any:
    """``attr`` decoded to ``str`` if it is bytes and ``attr_name`` is ``TITLE``, ``CLASS`` or
    ``EXTDIM`` (PyMoDAQ's helper for files written by another library); else unchanged."""
    if attr_name in MANDATORY_ATTRIBUTES and isinstance(attr, bytes):
        return attr.decode()
    return attr


def get_attr(node: Any, attr_name: str | None = None, backend: str = "tables") -> Any:
    """Attribute ``attr_name`` of a library handle (all of them as a dict if None), decoded
    (PyMoDAQ's module function; ``backend`` names the handle's library)."""
    attrs = Node(node, backend).attrs
    return attrs.to_dict() if attr_name is None else attrs[attr_name]


def set_attr(node: Any, attr_name: str, attr_value: Any, backend: str = "tables") -> None:
    """Encode and write attribute ``attr_name`` of a library handle (PyMoDAQ's function)."""
    Node(node, backend).attrs[attr_name] = attr_value


def _backend_object(backend: str | H5LibraryBackend) -> H5LibraryBackend:
    return get_backend(backend) if isinstance(backend, str) else backend


def attach_library_file(file: H5File, library_file: Any) -> None:
    """Make ``file`` work on ``library_file``, an ``h5py.File`` / ``tables.File`` opened
    elsewhere (PyMoDAQ's ``H5Backend.h5file = library_file``); the previous file is left open,
    as PyMoDAQ leaves it."""
    backend = file.backend
    attach = getattr(backend, "attach", None)
    if attach is None:
        raise BackendError(f"the {backend.name!r} backend cannot work on a file opened elsewhere")
    if file.isopen() and file.writable:
        file._reconcile_stale()  # pending shape updates of the file left behind
    attach(library_file)
    path = Path(backend.filename)
    file.h5_file_path, file.h5_file_name = path.parent, path.name
    file._generation += 1
    file._swmr_mode = file._swmr_enabled = backend.swmr_active
    file._stale.clear()


def file_for_node(handle: Any, owner: Any) -> H5File:
    """The :class:`H5File` a node built as ``Node(handle, owner)`` works on.

    ``owner`` is what PyMoDAQ passes (a backend name) or anything holding a daqcore file
    (an :class:`H5Backend`, a saver, a backend object): see :class:`~daqcore.saving.nodes.Node`.
    """
    inner = getattr(owner, "file", None)
    if hasattr(inner, "_read_large_attribute"):  # an H5Backend or a saver
        return inner  # type: ignore[return-value]
    if isinstance(owner, str):
        name = owner
    elif isinstance(getattr(owner, "name", None), str) and hasattr(owner, "capabilities"):
        name = owner.name  # a backend object: its name, a new object on the same file
    else:
        raise BackendError(f"a node needs a backend name ('tables', 'h5py') or a daqcore file, "
                           f"got {owner!r}")
    backend = get_backend(name)
    file_of = getattr(backend, "file_of", None)
    if file_of is None:
        raise BackendError(f"the {name!r} backend cannot find the file of a node")
    file = H5File("scan", backend)
    attach_library_file(file, file_of(handle))
    return file


class H5Backend:
    """PyMoDAQ's ``H5Backend``: one HDF5 file through the ``'tables'`` or ``'h5py'`` backend.

    Parameters
    ----------
    backend : str or H5LibraryBackend
        ``'tables'`` (PyMoDAQ's default here), ``'h5py'``, a plugin's backend name or object.

    Attributes
    ----------
    file : H5File
        daqcore's file object doing the work (attributes codec, flushing, SWMR).
    """

    file: H5File

    def __init__(self, backend: str | H5LibraryBackend = "tables") -> None:
        self.file = H5File("scan", _backend_object(backend))

    @classmethod
    def on_file(cls, file: H5File) -> H5Backend:
        """An ``H5Backend`` working on an existing :class:`H5File` (shared, not copied)."""
        backend = cls.__new__(cls)
        backend.file = file
        return backend

    # ================================================================== backend and file
    @property
    def backend(self) -> str:
        """Name of the backend (``'tables'``, ``'h5py'``)."""
        return self.file.backend.name

    @property
    def h5_library(self) -> Any:
        """The library module (``tables``, ``h5py``; None for a backend that names none)."""
        return getattr(self.file.backend, "library", None)

    def set_backend(self, backend: str | H5LibraryBackend) -> None:
        """Close the open file (if any) and switch to another backend; the compression
        defined so far applies to the new one."""
        new = _backend_object(backend)
        self.close_file()
        new.set_compression(self.file.compression)
        self.file.backend = new

    @property
    def compression(self) -> Compression | None:
        return self.file.compression

    def define_compression(self, compression: str, compression_opts: int) -> None:
        """Compress arrays created afterwards: ``'zlib'``/``'gzip'`` (the same filter),
        ``'blosc2'``; level 0 (none) to 9."""
        self.file.define_compression(compression, compression_opts)

    @property
    def file_path(self) -> Path | None:
        return self.file.file_path

    @property
    def h5file(self) -> Any:
        """The library's file object (``tables.File`` / ``h5py.File``)."""
        return self.file.h5_file

    @h5file.setter
    def h5file(self, library_file: Any) -> None:
        attach_library_file(self.file, library_file)

    @property
    def filename(self) -> str:
        return self.file.filename

    def isopen(self) -> bool:
        return self.file.isopen()

    def open_file(self, fullpathname: Path | str, mode: str = "r", title: str = "PyMoDAQ file",
                  swmr_mode: bool = False, **kwargs: Any) -> Any:
        """Open ``fullpathname`` (``'w'`` creates it with ``title`` and the version
        attributes); returns the library's file object."""
        return self.file.open_file(fullpathname, mode, title, swmr_mode, **kwargs)

    def close_file(self) -> None:
        """Flush and close the file (nothing if it is closed)."""
        self.file.close_file()

    def flush(self) -> None:
        self.file.flush()

    def save_file_as(self, filenamepath: Path | str = "h5copy.txt") -> None:
        """Copy the open file (flushed) to ``filenamepath``, which must not exist (PyTables'
        ``copy_file`` rule; PyMoDAQ refuses h5py files here, daqcore copies them too)."""
        target = os.fspath(filenamepath)
        if os.path.exists(target):
            raise H5FileError(f"file {target!r} already exists; not overwritten")
        self.file.flush()
        copy_file = getattr(self.file.h5_file, "copy_file", None)
        if callable(copy_file):  # PyTables: node by node, as PyMoDAQ
            copy_file(target)
        else:
            shutil.copyfile(self.file.filename, target)

    # ================================================================== SWMR
    @property
    def swmr_mode(self) -> bool:
        return self.file.swmr_mode

    @property
    def is_swmr_active(self) -> bool:
        return self.file.is_swmr_active

    @property
    def is_swmr_capable(self) -> bool:
        return self.file.is_swmr_capable

    @property
    def is_swmr_compatible(self) -> bool:
        return self.file.is_swmr_compatible

    def enable_swmr(self) -> None:
        self.file.enable_swmr()

    def finalize_swmr(self, keep_open: bool = False) -> None:
        self.file.finalize_swmr(keep_open)

    def reconcile_swmr_attrs(self) -> None:
        """Write the ``shape`` of every enlargeable array from its data, and clear the root's
        ``swmr_active`` flag if present (after SWMR writing)."""
        file = self.file
        file._check_writable()
        root = file.backend.root()
        if file.backend.has_attr(root, "swmr_active"):
            file.backend.set_attr(root, "swmr_active", np.uint8(0))
        for node in file.walk_nodes("/"):
            if isinstance(node, EARRAY | VLARRAY | StringARRAY):
                file._reconcile_handle(node.node)

    # ================================================================== attributes
    def get_attr(self, node: Node | str | Any, attr_name: str | None = None) -> Any:
        """One attribute of ``node``, or all as a dict if ``attr_name`` is None."""
        return self.file.get_attr(node, attr_name)

    def set_attr(self, node: Node | str | Any, attr_name: str, attr_value: Any) -> None:
        self.file.set_attr(node, attr_name, attr_value)

    def has_attr(self, node: Node | str | Any, attr_name: str) -> bool:
        return self.file.has_attr(node, attr_name)

    # ================================================================== nodes
    def root(self) -> GROUP:
        return self.file.root()

    def get_node(self, where: Node | str | Any, name: str | None = None) -> Node:
        """The node at ``where`` (path, node or library handle) or its child ``name``;
        :class:`~daqcore.saving.errors.NodeError` if there is none."""
        return self.file.get_node(where, name)

    def get_node_name(self, node: Node | str | Any) -> str:
        return self.get_node(node).name

    def get_node_path(self, node: Node | str | Any) -> str:
        return self.get_node(node).path

    def get_parent_node(self, node: Node | str | Any) -> GROUP | None:
        """The group holding ``node`` (None for the root)."""
        return self.get_node(node).parent_node

    def get_children(self, where: Node | str | Any) -> dict[str, Node]:
        """Children of the group ``where`` by name (an array has none)."""
        node = self.get_node(where)
        return node.children() if isinstance(node, GROUP) else {}

    def is_node_in_group(self, where: Node | str | Any, name: str) -> bool:
        """True if ``where`` has a child called ``name`` (case-insensitive, as PyMoDAQ)."""
        wanted = name.lower()
        return any(child.lower() == wanted for child in self.get_children(where))

    def get_group_by_title(self, where: Node | str | Any, title: str) -> GROUP | None:
        """The first child group of ``where`` whose ``TITLE`` is ``title``, else None."""
        for child in self.get_children(where).values():
            if isinstance(child, GROUP) and "TITLE" in child.attrs and \
                    child.attrs["TITLE"] == title:
                return child
        return None

    def walk_nodes(self, where: Node | str | Any = "/", depth: int | None = None,
                   only_groups: bool = False) -> Iterator[Node]:
        """``where`` then the nodes below it, down to ``depth`` levels."""
        return self.file.walk_nodes(where, depth, only_groups)

    def walk_groups(self, where: Node | str | Any) -> Iterator[GROUP]:
        """``where`` and every group below it (nothing if ``where`` is an array), in PyMoDAQ's
        order for the file's library (see ``daqcore.saving.tree.walk_groups``); each group
        once, whatever hard links lead to it."""
        return self.file.walk_groups(self.get_node(where))

    def read(self, array: Node | str | Any, *args: Any, **kwargs: Any) -> Any:
        """Every value of an array node."""
        node = self.get_node(array)
        if not isinstance(node, ArrayNode):
            raise NotAnArrayError(f"{node.path!r} is a group, not an array")
        return node.read()

    # ================================================================== creation
    def get_set_group(self, where: Node | str | Any, name: str, title: str = "",
                      **kwargs: Any) -> GROUP:
        """The group ``name`` under ``where``, created (with ``title`` and the ``kwargs`` as
        attributes) if absent."""
        return self.file.get_set_group(where, name, title, **kwargs)

    def add_group(self, group_name: str, group_type: Enum | str, where: Node | str | Any,
                  title: str = "", metadata: dict | None = None) -> GROUP:
        """Get the group ``group_name`` under ``where`` or create it capitalized, with its
        ``type`` (lower case) and ``metadata``; its ``backend`` attribute is (re)written.

        As PyMoDAQ, an existing group is found by the exact ``group_name``: asking for
        ``'sub'`` when ``Sub`` exists rewrites ``Sub``'s type and metadata.
        """
        gtype = group_type.name if isinstance(group_type, Enum) else str(group_type)
        if group_name in self.get_children(where):
            group = self.get_node(where, group_name)
            assert isinstance(group, GROUP)
        else:
            group = self.get_set_group(where, capitalize(group_name), title)
            group.attrs["type"] = gtype.lower()
            for key, value in (metadata or {}).items():
                group.attrs[key] = value
        group.attrs["backend"] = self.file.backend.name
        return group

    def _new_node_parent(self, where: Node | str | Any, name: str) -> Any:
        """Handle of the group ``where``, checked to hold no ``name`` yet and to be writable."""
        group = self.get_node(where)
        if not isinstance(group, GROUP):
            raise NodeError(f"{group.path!r} is an array: nodes are created in groups")
        self.file._check_can_create()
        if self.file.backend.child(group.node, name) is not None:
            raise NodeExistsError(f"group {group.path!r} already has a child named {name!r}")
        return group.node

    def _finish_array(self, node: ArrayNode, shape: tuple[int, ...], dtype: np.dtype,
                      subdtype: str) -> None:
        for key, value in (("shape", tuple(int(s) for s in shape)), ("dtype", dtype.name),
                           ("subdtype", subdtype), ("backend", self.file.backend.name)):
            node.attrs[key] = value

    def create_carray(self, where: Node | str | Any, name: str, obj: Any = None,
                      title: str = "") -> CARRAY:
        """A fixed-size array holding ``obj``, with PyMoDAQ's ``shape``, ``dtype``,
        ``subdtype`` and ``backend`` attributes."""
        if obj is None:
            raise DataShapeError("data to save as a CARRAY cannot be None")
        data = np.asarray(obj)
        parent = self._new_node_parent(where, name)
        handle = self.file.backend.create_carray(parent, name, data=data, title=str(title))
        array = CARRAY(handle, self.file)
        self._finish_array(array, data.shape, data.dtype, "")
        return array

    def create_earray(self, where: Node | str | Any, name: str, dtype: Any,
                      data_shape: tuple[int, ...] | None = None, title: str = "") -> EARRAY:
        """An array enlargeable along its first axis, of rows of ``data_shape`` (``shape``
        attribute ``(0, *data_shape)``)."""
        dtype = np.dtype(dtype)
        row_shape = tuple(int(s) for s in data_shape) if data_shape is not None else ()
        parent = self._new_node_parent(where, name)
        handle = self.file.backend.create_earray(parent, name, dtype, row_shape,
                                                 title=str(title))
        array = EARRAY(handle, self.file)
        self._finish_array(array, (0, *row_shape), dtype, "")
        return array

    def create_vlarray(self, where: Node | str | Any, name: str, dtype: Any,
                       title: str = "") -> VLARRAY | StringARRAY:
        """A 1D enlargeable array of variable-length rows; ``dtype='string'`` gives a
        :class:`StringARRAY` (pickled strings stored as uint8, PyMoDAQ's ``Logger``)."""
        is_string = isinstance(dtype, str) and dtype == "string"
        dtype = np.dtype(np.uint8) if is_string else np.dtype(dtype)
        parent = self._new_node_parent(where, name)
        handle = self.file.backend.create_vlarray(parent, name, dtype, title=str(title))
        array: VLARRAY | StringARRAY = StringARRAY(handle, self.file) if is_string else \
            VLARRAY(handle, self.file)
        self._finish_array(array, (0,), dtype, "string" if is_string else "")
        return array

    def __enter__(self) -> H5Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_file()


__all__ = ["MANDATORY_ATTRIBUTES", "H5Backend", "attach_library_file", "check_mandatory_attrs",
           "file_for_node", "get_attr", "set_attr"]
