"""Array helpers of PyMoDAQ's data module that user code imports by name."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def squeeze(data_array: np.ndarray, do_squeeze: bool = True,
            squeeze_indexes: int | Sequence[int] | None = None) -> np.ndarray:
    """``data_array`` without its length-1 dimensions (only ``squeeze_indexes`` if given), as
    an array of at least one dimension; ``do_squeeze=False`` only makes it at least 1D.

    Same results as pymodaq_data's ``squeeze`` (also importable from its ``data_saving``).

    Raises
    ------
    ValueError
        If a dimension of ``squeeze_indexes`` does not have length 1 (numpy's error).
    """
    if not do_squeeze:
        return np.atleast_1d(data_array)
    axis = tuple(squeeze_indexes) if isinstance(squeeze_indexes, Sequence) else squeeze_indexes
    return np.atleast_1d(np.squeeze(data_array, axis=axis))


__all__ = ["squeeze"]
