"""Lazy (dask) views of saved arrays, for recordings larger than memory.

``DataLoader.load_data(where, lazy=True)`` (and ``load_all``) return DataWithAxes whose channels
and error bars are dask arrays over the HDF5 chunks (see :mod:`daqcore.data.lazy`): slicing,
reductions, arithmetic and ``to_xarray()`` build a graph, and only
:func:`daqcore.data.lazy.compute` (or ``.compute()`` of a channel) reads, chunk by chunk, in
bounded memory. The arrays read through
``HDF5ArraySource`` (:mod:`daqcore.saving.backends.array_source`), which holds only paths, so
the graph runs on the workers of a ``distributed`` cluster as well as in threads.

Dask is imported here only, when a lazy load is asked for (extra ``dask``).
"""

from __future__ import annotations

import math
import os
from typing import Any

from daqcore.saving.errors import SavingError

#: Target size of one dask block (several HDF5 chunks along the first dimension).
BLOCK_BYTES = 32 * 2**20


class LazyLoadError(SavingError):
    """A lazy load was asked for but dask is not installed."""


def _dask_array_module() -> Any:
    try:
        import dask.array
    except ImportError as exc:
        raise LazyLoadError("lazy loads need dask: pip install 'daqcore[dask]'") from exc
    return dask.array


def block_shape(shape: tuple[int, ...], chunks: tuple[int, ...] | None,
                itemsize: int) -> tuple[int, ...]:
    """Dask block shape: whole HDF5 chunks, grouped along the first dimension up to
    :data:`BLOCK_BYTES` (contiguous datasets are cut along the first dimension)."""
    if not shape:
        return ()
    base = list(chunks) if chunks else [1, *shape[1:]]
    per_block = max(1, itemsize * math.prod(base))
    group = max(1, BLOCK_BYTES // per_block)
    base[0] = min(shape[0], max(1, base[0] * group))
    return tuple(max(1, min(b, s)) for b, s in zip(base, shape))


def lazy_array(file_path: str, node_path: str, key: Any = None) -> Any:
    """A dask array over ``node_path`` of ``file_path`` (optionally indexed by ``key``)."""
    from daqcore.saving.backends.array_source import HDF5ArraySource

    array_module = _dask_array_module()
    source = HDF5ArraySource(file_path, node_path)
    stat = os.stat(file_path)
    name = (f"daqcore-{os.path.abspath(file_path)}-{node_path}-{source.shape}-"
            f"{stat.st_mtime_ns}-{stat.st_size}")
    import numpy as np

    array = array_module.from_array(
        source, chunks=block_shape(source.shape, source.chunks, source.dtype.itemsize),
        name=name, asarray=True, fancy=False,
        meta=np.empty((0,) * len(source.shape), dtype=source.dtype))  # no probing read
    return array if key is None else array[key]


__all__ = ["BLOCK_BYTES", "LazyLoadError", "block_shape", "lazy_array"]
