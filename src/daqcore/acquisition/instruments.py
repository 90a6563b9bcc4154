"""Create instruments by registry name for scripts, the CLI and the demo.

``open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"])`` creates every instrument
through :func:`daqcore.plugins.get_registry`, initialises it and closes them all at the end of
the ``with`` block, even when the scan fails. Unknown names raise
:class:`~daqcore.acquisition.errors.UnknownInstrumentError` listing the known names of that
kind, before anything is created.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from daqcore.acquisition.errors import AcquisitionError, UnknownInstrumentError
from daqcore.plugins import get_registry


class InstrumentInitError(AcquisitionError, RuntimeError):
    """An instrument's ``ini_detector`` / ``ini_actuator`` failed or reported failure."""


def _names(registry: Any, kind: str) -> list[str]:
    records = registry.detectors() if kind == "detector" else registry.actuators()
    return [r.name for r in records]


def check_names(
    actuators: Sequence[str], detectors: Sequence[str], registry: Any = None
) -> None:
    """Raise :class:`UnknownInstrumentError` for the first name the registry does not know."""
    registry = registry or get_registry()
    for kind, names in (("actuator", actuators), ("detector", detectors)):
        known = _names(registry, kind)
        lowered = {k.lower() for k in known}
        for name in names:
            if name.lower() not in lowered:
                raise UnknownInstrumentError(name, known, kind)


def _initialise(instrument: Any, kind: str, name: str) -> None:
    method = getattr(instrument, "ini_detector" if kind == "detector" else "ini_actuator", None)
    if method is None:
        return
    try:
        outcome = method()
    except Exception as exc:
        raise InstrumentInitError(f"{kind} {name!r} failed to initialise: {exc}") from exc
    if isinstance(outcome, tuple) and len(outcome) == 2 and outcome[1] is False:
        raise InstrumentInitError(f"{kind} {name!r} did not initialise: {outcome[0]}")


def close_all(instruments: Sequence[Any]) -> None:
    """Close every instrument, ignoring individual failures (used on the way out)."""
    for inst in reversed(list(instruments)):
        close = getattr(inst, "close", None)
        if close is None:
            continue
        with contextlib.suppress(Exception):
            close()


@contextlib.contextmanager
def open_instruments(
    actuators: Sequence[str],
    detectors: Sequence[str],
    *,
    backend: str = "sim",
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    registry: Any = None,
) -> Iterator[tuple[list[Any], list[Any]]]:
    """Create and initialise instruments by name; close them when the block ends.

    Parameters
    ----------
    actuators, detectors : sequence of str
        Registry names (case-insensitive).
    backend : str
        Backend of every instrument (``'sim'`` for the simulated ones).
    settings : mapping, optional
        Per-instrument settings: ``{"mock_x": {"speed": 0}}``.
    registry : Registry, optional
        Defaults to the process-wide :func:`~daqcore.plugins.get_registry`.

    Yields
    ------
    (list, list)
        The initialised actuators and detectors, in the order of the names.
    """
    registry = registry or get_registry()
    check_names(actuators, detectors, registry)
    settings = dict(settings or {})
    created: list[Any] = []
    try:
        acts, dets = [], []
        for kind, names, out in (("actuator", actuators, acts), ("detector", detectors, dets)):
            for name in names:
                inst = registry.create_instrument(name, backend, kind=kind,
                                                  **dict(settings.get(name, {})))
                created.append(inst)
                _initialise(inst, kind, name)
                out.append(inst)
        yield acts, dets
    finally:
        close_all(created)


__all__ = ["InstrumentInitError", "check_names", "close_all", "open_instruments"]
