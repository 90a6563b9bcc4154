"""Node wrappers (``GROUP``, ``CARRAY``, ``EARRAY``, ``VLARRAY``, ``StringARRAY``) with
decoded attributes.

They mirror PyMoDAQ's ``pymodaq_data.h5modules.backends`` node classes so that code written
for PyMoDAQ (``node.attrs['label']``, ``node.read()``, ``node.children()``,
``node.parent_node``...) keeps working. Each wrapper holds the library handle (``.node``) and
the :class:`~daqcore.saving.h5file.H5File` it belongs to (``.file``).

The array classes are siblings over :class:`ArrayNode` (shape, dtype, length, indexing):
``CARRAY`` (fixed size, writable in place), ``EARRAY`` (numeric rows appended along axis 0),
``VLARRAY`` (one variable-length row per append) and ``StringARRAY`` (PyMoDAQ's ``Logger``:
one string per row). Code that treats arrays alike tests ``isinstance(node, ArrayNode)``.

As in PyMoDAQ, a node can be built from a library handle and a backend name,
``Node(h5py_dataset, 'h5py')``: it then works on the file that holds the handle (see
:func:`daqcore.saving.h5backend.file_for_node`).
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.saving import attributes as codec
from daqcore.saving.errors import (
    AttributeDecodeError,
    BackendError,
    DataShapeError,
    NodeError,
    SavingError,
)

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.h5backend import H5Backend
    from daqcore.saving.h5file import H5File


class Attributes:
    """Dict-like access to a node's attributes, encoded/decoded with PyMoDAQ's convention."""

    __slots__ = ("_node",)

    def __init__(self, node: Node) -> None:
        self._node = node

    @property
    def node(self) -> Node:
        return self._node

    def __getitem__(self, name: str) -> Any:
        if name == "title":
            name = "TITLE"
        file = self._node.file
        if file._stale:  # appends defer shape/size: write them before they are read
            file.reconcile_if_stale()
        raw = file.backend.get_attr(self._node.node, name)
        value = codec.decode_named(name, raw)
        if isinstance(value, codec.LargeAttributeRef):
            value = file._read_large_attribute(value, name)
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        if name == "title":
            name = "TITLE"
        self._node.file._set_attr_handle(self._node.node, name, value)

    def __contains__(self, name: str) -> bool:
        return self._node.file.backend.has_attr(self._node.node, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.attrs_name)

    def __len__(self) -> int:
        return len(self.attrs_name)

    @property
    def attrs_name(self) -> list[str]:
        return self._node.file.backend.attr_names(self._node.node)

    def keys(self) -> list[str]:
        return self.attrs_name

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def to_dict(self) -> dict[str, Any]:
        return {name: self[name] for name in self.attrs_name}

    def __repr__(self) -> str:
        return f"Attributes({self._node.path!r}: {self.attrs_name})"


class Node:
    """A group or array of the file (library handle in :attr:`node`).

    Parameters
    ----------
    node : library handle or Node
        The h5py/PyTables group or dataset (or a node, whose handle is taken).
    file : H5File, str or object holding an H5File
        The daqcore file the handle belongs to; or, as PyMoDAQ's ``Node(node, backend)``,
        a backend name (``'tables'``, ``'h5py'``), a backend object, an
        :class:`~daqcore.saving.h5backend.H5Backend` or a saver.
    """

    __slots__ = ("_attrs", "_generation", "_node", "_path", "file")
    file: H5File

    def __init__(self, node: Any, file: H5File | str | Any) -> None:
        self._node = node.node if isinstance(node, Node) else node
        if isinstance(node, Node) and isinstance(file, str) and node.backend == file:
            file = node.file  # Node(node, 'h5py'): the same file object
        if isinstance(file, str) or not hasattr(file, "_read_large_attribute"):
            from daqcore.saving.h5backend import file_for_node

            file = file_for_node(self._node, file)
        self.file = file
        self._attrs: Attributes | None = None
        self._path: str | None = None
        self._generation = file._generation
        if file._swmr_mode:  # the file may be reopened (SWMR left): keep the path to re-resolve
            self._path = file.backend.path(self._node)

    @property
    def saver(self) -> H5File:
        """The file object (name kept from the time nodes pointed at the saver)."""
        return self.file

    @property
    def node(self) -> Any:
        """The underlying h5py/PyTables object (looked up again by path after the file was
        reopened to leave SWMR for a node creation)."""
        if self._generation != self.file._generation and self._path is not None:
            self._generation = self.file._generation
            try:
                self._node = self.file.backend.get(self._path)
            except NodeError:
                pass  # removed: the old handle raises on use
        return self._node

    @property
    def backend(self) -> str:
        """Name of the backend the file is read with."""
        return self.file.backend.name

    @property
    def attrs(self) -> Attributes:
        if self._attrs is None:
            self._attrs = Attributes(self)
        return self._attrs

    def set_attr(self, key: str, value: Any) -> None:
        self.attrs[key] = value

    def get_attr(self, item: str) -> Any:
        return self.attrs[item]

    @property
    def name(self) -> str:
        return self.file.backend.node_name(self.node)

    @property
    def path(self) -> str:
        if self._path is None:
            self._path = self.file.backend.path(self.node)
        return self._path

    @property
    def title(self) -> str:
        return self.attrs["TITLE"] if "TITLE" in self.attrs else ""

    @property
    def parent_node(self) -> GROUP | None:
        parent = self.file.backend.parent(self.node)
        return None if parent is None else GROUP(parent, self.file)

    @property
    def h5file(self) -> Any:
        return self.file.h5_file

    def to_h5_backend(self) -> H5Backend:
        """A PyMoDAQ-style :class:`~daqcore.saving.h5backend.H5Backend` on this node's file
        (the same open file: closing one closes the other, as in PyMoDAQ)."""
        from daqcore.saving.h5backend import H5Backend

        return H5Backend.on_file(self.file)

    def __eq__(self, other: object) -> bool:
        """Same path in the same open file (nodes built from one handle by two routes are
        equal, as PyMoDAQ's comparison of handles)."""
        if not isinstance(other, Node) or self.path != other.path:
            return False
        if self.file is other.file:
            return True
        try:
            return bool(self.file.h5_file == other.file.h5_file)
        except SavingError:  # a closed file
            return False

    def __hash__(self) -> int:
        return hash(self.path)

    def __str__(self) -> str:
        return f"{self.path} ({type(self).__name__}) {self.title!r}"

    __repr__ = __str__


class GROUP(Node):
    """An HDF5 group."""

    __slots__ = ()

    def children(self) -> dict[str, Node]:
        """Children of this group by name, in the library's order (PyMoDAQ's), wrapped in the
        fitting node class."""
        return {name: self.file.wrap(h) for name, h in self.file.backend.children(self.node)}

    def children_name(self) -> list[str]:
        """Sorted names of the children (as PyMoDAQ)."""
        return sorted(name for name, _ in self.file.backend.children(self.node))

    def get_child(self, name: str) -> Node:
        handle = self.file.backend.child(self.node, name)
        if handle is None:
            raise NodeError(f"group {self.path!r} has no child {name!r}")
        return self.file.wrap(handle)

    def __repr__(self) -> str:
        """PyMoDAQ's form: the group, then its children's names and classes."""
        children = ", ".join(f"{name!r} ({type(child).__name__})"
                             for name, child in self.children().items())
        return f"{self}\n  children := [{children}]"

    def remove_children(self) -> None:
        """Delete every child of this group (and what is below them) from the file."""
        self.file._check_can_create()
        backend = self.file.backend
        remove = getattr(backend, "remove", None)
        if remove is None:
            raise BackendError(f"the {backend.name!r} backend cannot delete nodes")
        self.file._reconcile_stale()  # pending shape updates, before their nodes go
        for _, handle in backend.children(self.node):
            remove(handle)


class ArrayNode(Node):
    """What every array node has: shape, dtype, length, reading by index."""

    __slots__ = ()

    @property
    def array(self) -> Any:
        return self.node

    @property
    def shape(self) -> tuple[int, ...]:
        return self.file.backend.shape(self.node)

    @property
    def dtype(self) -> np.dtype:
        return self.file.backend.dtype(self.node)

    def read(self) -> Any:
        """Every value (an ndarray; a list of rows for variable-length arrays)."""
        return self.file.backend.read(self.node)

    def __getitem__(self, item: Any) -> Any:
        return self.file.backend.read(self.node, item)

    def __len__(self) -> int:
        shape = self.shape
        return shape[0] if shape else 1


def _write(node: ArrayNode, key: Any, value: Any) -> None:
    node.file._check_writable()
    node.file.backend.write(node.node, key, value)


class CARRAY(ArrayNode):
    """A fixed-size array."""

    __slots__ = ()

    def read(self) -> np.ndarray:
        return self.file.backend.read(self.node)

    def __setitem__(self, key: Any, value: Any) -> None:
        _write(self, key, value)


class EARRAY(ArrayNode):
    """A numeric array enlargeable along its first axis."""

    __slots__ = ()

    def read(self) -> np.ndarray:
        return self.file.backend.read(self.node)

    def __setitem__(self, key: Any, value: Any) -> None:
        _write(self, key, value)

    def append(self, data: np.ndarray, expand: bool = True) -> None:
        """Append one row (data of the row shape) or several rows (data of ``(n,) + row``);
        1D values to an array of one-value rows are a column, as PyMoDAQ's ``expand``.
        Other shapes raise :class:`~daqcore.saving.errors.DataShapeError` (``ValueError``, as
        PyMoDAQ's libraries), never a silent reshape."""
        self.file._check_writable()
        data = np.asarray(data)
        row_shape = self.shape[1:]
        if data.shape == row_shape:
            data = data.reshape((1, *row_shape))
        elif row_shape == (1,) and data.ndim == 1:
            data = data.reshape((-1, 1))
        elif data.shape[1:] != row_shape:
            raise DataShapeError(f"cannot append data of shape {data.shape} to {self.path!r}: "
                                 f"its rows have shape {row_shape}")
        self.file.backend.append(self.node, data)
        self.file._mark_stale(self.node)

    def append_backend(self, data: np.ndarray) -> None:
        """Append ``data`` (shape ``(n,) + row``) as it is: no reshaping (PyMoDAQ's method)."""
        self.file._check_writable()
        self.file.backend.append(self.node, np.asarray(data))
        self.file._mark_stale(self.node)


def _safe_unpickle(raw: bytes) -> Any:
    """Unpickle a Logger row (a pickled ``str`` in practice; any plain value PyMoDAQ may have
    pickled) without allowing any global lookup: no code of the file is ever run."""

    class _NoGlobals(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            raise AttributeDecodeError(f"refusing to unpickle global {module}.{name}")

    try:
        value = _NoGlobals(io.BytesIO(raw)).load()
    except AttributeDecodeError:
        raise
    except Exception as exc:
        raise AttributeDecodeError(f"log entry is not a pickled string: {exc}") from None
    return value


class VLARRAY(ArrayNode):
    """A variable-length array (one row per append)."""

    __slots__ = ()

    def read(self) -> list[np.ndarray]:
        return self.file.backend.vl_read(self.node)

    def __getitem__(self, item: Any) -> Any:
        return self.read()[item]

    def append(self, data: np.ndarray, expand: bool = True) -> None:
        self.file._check_writable()
        self.file.backend.vl_append(self.node, np.asarray(data))
        self.file._mark_stale(self.node)

    def append_backend(self, data: np.ndarray) -> None:
        """Append one variable-length row (PyMoDAQ's method)."""
        self.append(data)


class StringARRAY(ArrayNode):
    """PyMoDAQ's ``Logger`` array: rows are pickled Python strings stored as uint8."""

    __slots__ = ()

    def read(self) -> list[Any]:
        return [self.array_to_string(row) for row in self.file.backend.vl_read(self.node)]

    def __getitem__(self, item: Any) -> Any:
        return self.read()[item]

    def append(self, string: str, expand: bool = True) -> None:
        self.file._check_writable()
        self.file.backend.vl_append(self.node, self.string_to_array(string))
        self.file._mark_stale(self.node)

    def append_backend(self, data: np.ndarray) -> None:
        """Append one row of pickled bytes as it is (PyMoDAQ's method)."""
        self.file._check_writable()
        self.file.backend.vl_append(self.node, np.asarray(data, dtype=np.uint8))
        self.file._mark_stale(self.node)

    @staticmethod
    def array_to_string(array: Any) -> Any:
        """The value a row holds (PyMoDAQ's method; only plain values are unpickled)."""
        raw = array if isinstance(array, bytes) else np.asarray(array, dtype=np.uint8).tobytes()
        return _safe_unpickle(raw)

    @staticmethod
    def string_to_array(string: Any) -> np.ndarray:
        """The uint8 row PyMoDAQ stores for ``string`` (its pickle, protocol 4).

        Values other than a ``str`` are pickled as they are, as PyMoDAQ does, if they can be
        read back without running code (numbers, lists...); others raise
        :class:`~daqcore.saving.errors.AttributeDecodeError`.
        """
        raw = pickle.dumps(string, protocol=4)
        if type(string) is not str:
            _safe_unpickle(raw)  # refuse now what could never be read back
        return np.frombuffer(raw, dtype=np.uint8)


__all__ = ["CARRAY", "EARRAY", "GROUP", "VLARRAY", "ArrayNode", "Attributes", "Node",
           "StringARRAY"]
