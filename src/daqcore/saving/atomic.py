"""All-or-nothing node creation: what a failed save created is removed again.

A save creates groups and arrays before it writes (``Data1D/CH00``, ``Data00``, axes...); when
it fails half-way (a dtype the HDF5 library cannot store, a value outside the saving dynamic)
:class:`CreatedNodes` removes the nodes that call created, so the file never keeps a
half-made channel group. Internal to :mod:`daqcore.saving` (used by
:meth:`~daqcore.saving.h5file.H5File.atomic_creation`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from daqcore.saving.errors import NodeError

logger = logging.getLogger(__name__)


class CreatedNodes:
    """Paths of the nodes created inside :meth:`atomic`, removed if the block raises.

    Parameters
    ----------
    backend : H5LibraryBackend
        The backend of the file the nodes are created in.
    """

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._paths: list[str] | None = None

    @property
    def recording(self) -> bool:
        return self._paths is not None

    def record(self, handle: Any) -> None:
        """Note a node just created (nothing is kept outside an :meth:`atomic` block)."""
        if self._paths is not None:
            self._paths.append(self._backend.path(handle))

    @contextmanager
    def atomic(self, on_removed: Callable[[], None]) -> Iterator[None]:
        """Remove the nodes created in the block if it raises, then call ``on_removed``
        (nested blocks: the outermost one decides)."""
        if self._paths is not None:
            yield
            return
        self._paths = []
        try:
            yield
        except BaseException:
            paths, self._paths = self._paths, None
            backend = self._backend
            if paths and backend.isopen and backend.writable:
                self._remove(paths)
                on_removed()
            raise
        finally:
            self._paths = None

    def _remove(self, paths: list[str]) -> None:
        backend = self._backend
        for path in reversed(paths):
            try:
                backend.remove(backend.get(path))
            except NodeError:
                continue  # already removed with its parent
            except Exception as exc:  # keep the caller's error; say what is left
                logger.warning("%s: %s could not be removed after a failed save: %s",
                               backend.filename, path, exc)

    def exists(self, handle: Any) -> bool:
        """True if ``handle`` is still reachable by its path."""
        try:
            self._backend.get(self._backend.path(handle))
        except Exception:
            return False
        return True


__all__ = ["CreatedNodes"]
