"""Whether the real Joulescope backend can be used here, without loading the plugin's kernels.

``daqcore plugins`` probes every backend when it lists instruments; this module imports only
the vendor package (lazily) so that listing never compiles or loads numba.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from .errors import DeviceNotAvailableError


def import_joulescope() -> Any:
    """The vendor ``joulescope`` package, or :class:`DeviceNotAvailableError` saying why not."""
    try:
        return importlib.import_module("joulescope")
    except ImportError as exc:
        raise DeviceNotAvailableError(f"driver not installed: joulescope ({exc})") from exc


def probe() -> str | None:
    """None when a device is present, else the reason ('driver not installed', 'no device')."""
    if importlib.util.find_spec("joulescope") is None:
        return "driver not installed: joulescope"
    try:
        devices = import_joulescope().scan()
    except DeviceNotAvailableError as exc:
        return str(exc)
    except Exception as exc:  # a broken driver must not break a listing
        return f"driver error: {type(exc).__name__}: {exc}"
    if not devices:
        return "no device"
    return None


__all__ = ["import_joulescope", "probe"]
