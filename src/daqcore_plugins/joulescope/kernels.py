"""Optional numba acceleration.

``NUMBA_AVAILABLE`` is True when numba imports and the environment variable
``DAQCORE_NO_NUMBA`` is not set to ``1``/``true``/``yes``. Each StreamBuffer chooses its
backend at construction (``backend='auto' | 'numba' | 'numpy'``), so the numpy fallback can
be tested in the same process as the numba path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

_DISABLED = os.environ.get("DAQCORE_NO_NUMBA", "").strip().lower() in ("1", "true", "yes")

_numba: Any = None
try:
    if _DISABLED:
        raise ImportError("disabled by DAQCORE_NO_NUMBA")
    import numba

    _numba = numba
except ImportError:  # pragma: no cover - depends on the environment
    pass
NUMBA_AVAILABLE = _numba is not None


def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Compile ``fn`` with ``numba.njit(cache=True)`` when numba is available, else return it."""
    if _numba is None:
        return fn
    return _numba.njit(cache=True, nogil=True)(fn)


__all__ = ["NUMBA_AVAILABLE", "jit"]
