"""Wrapping library handles in node classes and walking the tree (used by
:class:`~daqcore.saving.h5file.H5File`)."""

from __future__ import annotations

from collections import deque
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


def walk(file: H5File, start: Node, depth: int | None = None,
         only_groups: bool = False) -> Iterator[Node]:
    """Yield ``start`` then every node below it (down to ``depth`` levels), breadth first.

    Each group is entered once even if hard links make the tree a graph (loops included);
    a backend without object identity stops at :data:`MAX_WALK_DEPTH` levels.
    """
    if not only_groups or isinstance(start, GROUP):
        yield start
    if depth == 0 or not isinstance(start, GROUP):
        return
    backend = file.backend
    limit = MAX_WALK_DEPTH if depth is None else min(depth, MAX_WALK_DEPTH)
    seen = {backend.object_key(start.node)}
    queue: deque[tuple[Any, int]] = deque([(start.node, 1)])
    while queue:
        handle, level = queue.popleft()
        for _, child in backend.children(handle):
            is_group = backend.is_group(child)
            if is_group:
                key = backend.object_key(child)
                if key in seen:
                    continue
                seen.add(key)
            if is_group or not only_groups:
                yield wrap(file, child)
            if is_group and level < limit:
                queue.append((child, level + 1))


__all__ = ["MAX_WALK_DEPTH", "walk", "wrap"]
