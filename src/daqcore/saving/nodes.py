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
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from daqcore.saving import attributes as codec
from daqcore.saving.errors import AttributeDecodeError, NodeError

if TYPE_CHECKING:  # pragma: no cover
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
        raw = file.backend.get_attr(self._node.node, name)
        value = codec.decode(raw)
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

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def to_dict(self) -> dict[str, Any]:
        return {name: self[name] for name in self.attrs_name}

    def __repr__(self) -> str:
        return f"Attributes({self._node.path!r}: {self.attrs_name})"


class Node:
    """A group or array of the file (library handle in :attr:`node`)."""

    __slots__ = ("_attrs", "_node", "_path", "file")

    def __init__(self, node: Any, file: H5File) -> None:
        self._node = node.node if isinstance(node, Node) else node
        self.file = file
        self._attrs: Attributes | None = None
        self._path: str | None = None

    @property
    def saver(self) -> H5File:
        """The file object (name kept from the time nodes pointed at the saver)."""
        return self.file

    @property
    def node(self) -> Any:
        """The underlying h5py/PyTables object."""
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

    def get_attr(self, key: str) -> Any:
        return self.attrs[key]

    @property
    def name(self) -> str:
        return self.file.backend.node_name(self._node)

    @property
    def path(self) -> str:
        if self._path is None:
            self._path = self.file.backend.path(self._node)
        return self._path

    @property
    def title(self) -> str:
        return self.attrs["TITLE"] if "TITLE" in self.attrs else ""

    @property
    def parent_node(self) -> GROUP | None:
        parent = self.file.backend.parent(self._node)
        return None if parent is None else GROUP(parent, self.file)

    @property
    def h5file(self) -> Any:
        return self.file.h5_file

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and self.path == other.path and \
            self.file is other.file

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
        return {name: self.file.wrap(h) for name, h in self.file.backend.children(self._node)}

    def children_name(self) -> list[str]:
        """Sorted names of the children (as PyMoDAQ)."""
        return sorted(name for name, _ in self.file.backend.children(self._node))

    def get_child(self, name: str) -> Node:
        handle = self.file.backend.child(self._node, name)
        if handle is None:
            raise NodeError(f"group {self.path!r} has no child {name!r}")
        return self.file.wrap(handle)


class ArrayNode(Node):
    """What every array node has: shape, dtype, length, reading by index."""

    __slots__ = ()

    @property
    def array(self) -> Any:
        return self._node

    @property
    def shape(self) -> tuple[int, ...]:
        return self.file.backend.shape(self._node)

    @property
    def dtype(self) -> np.dtype:
        return self.file.backend.dtype(self._node)

    def read(self) -> Any:
        """Every value (an ndarray; a list of rows for variable-length arrays)."""
        return self.file.backend.read(self._node)

    def __getitem__(self, item: Any) -> Any:
        return self.file.backend.read(self._node, item)

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
        return self.file.backend.read(self._node)

    def __setitem__(self, key: Any, value: Any) -> None:
        _write(self, key, value)


class EARRAY(ArrayNode):
    """A numeric array enlargeable along its first axis."""

    __slots__ = ()

    def read(self) -> np.ndarray:
        return self.file.backend.read(self._node)

    def __setitem__(self, key: Any, value: Any) -> None:
        _write(self, key, value)

    def append(self, data: np.ndarray, expand: bool = True) -> None:
        """Append one row (data of the row shape) or several rows (data of ``(n,) + row``)."""
        self.file._check_writable()
        data = np.asarray(data)
        row_shape = self.shape[1:]
        if data.shape == row_shape:
            data = data.reshape((1, *row_shape))
        elif data.shape[1:] != row_shape:
            data = data.reshape((-1, *row_shape))
        self.file.backend.append(self._node, data)
        self.file._mark_stale(self._node)


def _safe_unpickle_str(raw: bytes) -> str:
    """Unpickle a pickled ``str`` (PyMoDAQ's Logger rows) without allowing any global lookup."""

    class _NoGlobals(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            raise AttributeDecodeError(f"refusing to unpickle global {module}.{name}")

    try:
        value = _NoGlobals(io.BytesIO(raw)).load()
    except AttributeDecodeError:
        raise
    except Exception as exc:
        raise AttributeDecodeError(f"log entry is not a pickled string: {exc}") from None
    return value if isinstance(value, str) else str(value)


class VLARRAY(ArrayNode):
    """A variable-length array (one row per append)."""

    __slots__ = ()

    def read(self) -> list[np.ndarray]:
        return self.file.backend.vl_read(self._node)

    def __getitem__(self, item: Any) -> Any:
        return self.read()[item]

    def append(self, data: np.ndarray, expand: bool = True) -> None:
        self.file._check_writable()
        self.file.backend.vl_append(self._node, np.asarray(data))
        self.file._mark_stale(self._node)


class StringARRAY(ArrayNode):
    """PyMoDAQ's ``Logger`` array: rows are pickled Python strings stored as uint8."""

    __slots__ = ()

    def read(self) -> list[str]:
        return [_safe_unpickle_str(row.tobytes()) for row in self.file.backend.vl_read(self._node)]

    def __getitem__(self, item: Any) -> Any:
        return self.read()[item]

    def append(self, string: str, expand: bool = True) -> None:
        self.file._check_writable()
        row = np.frombuffer(pickle.dumps(str(string), protocol=4), dtype=np.uint8)
        self.file.backend.vl_append(self._node, row)
        self.file._mark_stale(self._node)


__all__ = ["CARRAY", "EARRAY", "GROUP", "VLARRAY", "ArrayNode", "Attributes", "Node",
           "StringARRAY"]
