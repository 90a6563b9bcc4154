"""Wrapping library handles in node classes and walking the tree (used by
:class:`~daqcore.saving.h5file.H5File`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from daqcore.saving import attributes as codec
from daqcore.saving.nodes import CARRAY, EARRAY, GROUP, VLARRAY, Node, StringARRAY

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.h5file import H5File

#: Tree walks stop this deep (a guard for backends that cannot identify hard-linked objects).
MAX_WALK_DEPTH = 64


def wrap(file: H5File, handle: Any) -> Node:
    """Wrap a library handle in the node class its ``CLASS`` attribute names."""
    backend = file.backend
    if backend.is_group(handle):
        return GROUP(handle, file)
    klass: Any = ""
    if backend.has_attr(handle, "CLASS"):
        klass = codec.decode(backend.get_attr(handle, "CLASS"))
    if not isinstance(klass, str) or "ARRAY" not in klass:
        shape = backend.shape(handle)
        klass = "VLARRAY" if backend.dtype(handle).kind == "O" else "CARRAY"
        if klass == "CARRAY" and shape and backend.is_enlargeable(handle):
            klass = "EARRAY"
    if klass == "EARRAY":
        return EARRAY(handle, file)
    if klass == "VLARRAY":
        if backend.has_attr(handle, "subdtype") and \
                codec.decode(backend.get_attr(handle, "subdtype")) == "string":
            return StringARRAY(handle, file)
        return VLARRAY(handle, file)
    return CARRAY(handle, file)


def walk_groups(file: H5File, start: Node) -> Iterator[GROUP]:
    """Yield ``start`` then every group below it, in PyMoDAQ's (and PyTables') order.

    A stack walk: the child groups of a group are yielded when they are pushed, then the last
    one pushed is entered first. Child groups come from the backend's ``child_groups`` if it
    has one (PyTables: sorted by name, as its ``walk_groups``), else in its children order
    (h5py's, as PyMoDAQ's h5py walk). Each group is entered once even if hard links make the
    tree a graph (loops included); a backend without object identity stops at
    :data:`MAX_WALK_DEPTH` levels.
    """
    if not isinstance(start, GROUP):
        return
    backend = file.backend
    child_groups = getattr(backend, "child_groups", None)
    yield start
    seen = {backend.object_key(start.node)}
    stack: list[tuple[Any, int]] = [(start.node, 1)]
    while stack:
        handle, level = stack.pop()
        if level > MAX_WALK_DEPTH:
            continue
        children = child_groups(handle) if child_groups is not None else \
            [(name, child) for name, child in backend.children(handle) if backend.is_group(child)]
        for _, child in children:
            key = backend.object_key(child)
            if key in seen:
                continue
            seen.add(key)
            stack.append((child, level + 1))
            yield GROUP(child, file)


def walk(file: H5File, start: Node, depth: int | None = None,
         only_groups: bool = False) -> Iterator[Node]:
    """Yield ``start`` then the children of every group of :func:`walk_groups`, in order:
    PyMoDAQ's ``walk_nodes``, node for node.

    ``depth`` keeps PyMoDAQ's rule: the walk ends at the first node more than ``depth``
    levels below ``start`` (``depth=1``: ``start`` and its children).
    """
    if not only_groups or isinstance(start, GROUP):
        yield start
    if depth == 0:
        return
    backend = file.backend
    base = start.path.rstrip("/")
    for group in walk_groups(file, start):
        for _, child in backend.children(group.node):
            if depth is not None:
                relative = backend.path(child)[len(base):].lstrip("/")
                if relative.count("/") == depth:
                    return
            if only_groups and not backend.is_group(child):
                continue
            yield wrap(file, child)


__all__ = ["MAX_WALK_DEPTH", "walk", "walk_groups", "wrap"]
