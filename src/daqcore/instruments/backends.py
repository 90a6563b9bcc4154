"""The backend convention: every instrument declares the backends it can run on.

A backend is where the instrument's data come from: ``sim`` (a simulated device, always
available, used by tests and demos) and usually ``real`` (the vendor driver). Declaring a
backend never imports its driver: availability is probed lazily by
:meth:`Backend.availability`, which first looks for the required modules with
:func:`importlib.util.find_spec` (no import) and then calls an optional ``probe`` that may
import the SDK and look for a device.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Availability:
    """Whether a backend can be used here, and why not."""

    available: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.available

    def __str__(self) -> str:
        return ("available" if self.available else "unavailable") + (
            f" ({self.reason})" if self.reason else ""
        )


ProbeResult = Availability | bool | str | None
"""What a probe may return: an :class:`Availability`, a bool, a reason why it is unavailable
(a non-empty string), or None meaning available."""


@dataclass(frozen=True)
class Backend:
    """Declaration of one backend of an instrument.

    Parameters
    ----------
    name : str
        ``'sim'``, ``'real'``, or another short identifier.
    description : str
        One line shown by ``daqcore plugins``.
    simulated : bool
        A simulated backend is always available.
    requires : tuple of str
        Importable module names the backend needs (vendor SDKs). Looked up without import.
    probe : callable, optional
        Called by :meth:`availability` after ``requires`` are found; may import the SDK and
        look for a device (e.g. return ``'no device'``). Exceptions become "probe failed".
    """

    name: str
    description: str = ""
    simulated: bool = False
    requires: tuple[str, ...] = ()
    probe: Callable[[], ProbeResult] | None = None

    def availability(self) -> Availability:
        """Probe whether the backend can be used now (never raises)."""
        if self.simulated:
            return Availability(True, "simulated")
        missing = []
        for module in self.requires:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                missing.append(module)
        if missing:
            return Availability(False, "driver not installed: " + ", ".join(missing))
        if self.probe is None:
            return Availability(True, "")
        try:
            result = self.probe()
        except Exception as exc:  # a probe must never break a listing
            return Availability(False, f"probe failed: {type(exc).__name__}: {exc}")
        if isinstance(result, Availability):
            return result
        if result is None or result is True:
            return Availability(True, "")
        if result is False:
            return Availability(False, "unavailable")
        return Availability(False, str(result))


SIM = Backend("sim", "simulated device", simulated=True)
"""The standard simulated backend; every instrument should declare it."""

__all__ = ["SIM", "Availability", "Backend", "ProbeResult"]
