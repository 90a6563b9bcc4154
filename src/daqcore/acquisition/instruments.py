"""Create instruments by registry name for scripts, the CLI and the demo.

``open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"])`` creates every instrument
through :func:`daqcore.plugins.get_registry`, initialises it and closes them all at the end of
the ``with`` block, even when the scan fails. Before anything is created, unknown names raise
:class:`~daqcore.acquisition.errors.UnknownInstrumentError` listing the known names of that
kind, and an instrument named twice, or settings for an instrument that is not opened, raise
:class:`~daqcore.acquisition.errors.ScanConfigurationError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from daqcore.acquisition.errors import (
    AcquisitionError,
    ScanConfigurationError,
    UnknownInstrumentError,
)
from daqcore.errors import DaqcoreError
from daqcore.plugins import get_registry
from daqcore.remote.names import is_remote_name, open_remote


class InstrumentInitError(AcquisitionError, RuntimeError):
    """An instrument's ``ini_detector`` / ``ini_actuator`` failed or reported failure."""


def check_unique(names: Sequence[str], kind: str) -> None:
    """Refuse an instrument named twice (``-a mock_x -a mock_x``): it cannot be two axes."""
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ScanConfigurationError(
                f"{kind} {name!r} is given twice; each {kind} can be used once per run"
            )
        seen.add(name.lower())


def check_settings_targets(settings: Mapping[str, Any], names: Iterable[str],
                           where: Mapping[str, str] | None = None) -> None:
    """Refuse settings for an instrument that is not in the run (they would be ignored).

    Parameters
    ----------
    settings : mapping
        ``{instrument name: {setting: value}}``.
    names : iterable of str
        The instruments of the run.
    where : mapping, optional
        For each instrument name of ``settings``, where its settings come from (named in the
        message, e.g. ``"--set mock_q.speed=0"`` or ``"[instruments.mock_q] of 'a.toml'"``).
    """
    in_run = {n.lower(): n for n in names}
    for name in settings:
        if name.lower() not in in_run:
            origin = (where or {}).get(name, f"settings of {name!r}")
            used = ", ".join(in_run.values()) or "none"
            raise ScanConfigurationError(
                f"{origin}: instrument {name!r} is not in this run (instruments: {used})"
            )


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
            if name.lower() not in lowered and not is_remote_name(name):
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
        Registry names (case-insensitive), or ``leco:ACTOR[@HOST:PORT]`` for instruments
        served by a LECO Actor (see :mod:`daqcore.remote.names`).
    backend : str
        Backend of every instrument (``'sim'`` for the simulated ones).
    settings : mapping, optional
        Per-instrument settings: ``{"mock_x": {"speed": 0}}`` (names case-insensitive); a
        name that is not opened is an error.
    registry : Registry, optional
        Defaults to the process-wide :func:`~daqcore.plugins.get_registry`.

    Yields
    ------
    (list, list)
        The initialised actuators and detectors, in the order of the names.
    """
    registry = registry or get_registry()
    check_unique(actuators, "actuator")
    check_unique(detectors, "detector")
    check_names(actuators, detectors, registry)
    check_settings_targets(settings or {}, [*actuators, *detectors])
    by_name = {name.lower(): dict(values) for name, values in (settings or {}).items()}
    created: list[Any] = []
    try:
        acts: list[Any] = []
        dets: list[Any] = []
        for kind, names, out in (("actuator", actuators, acts), ("detector", detectors, dets)):
            for name in names:
                values = by_name.get(name.lower(), {})
                try:
                    if is_remote_name(name):
                        inst = open_remote(name, kind, values)
                    else:
                        inst = registry.create_instrument(name, backend, kind=kind, **values)
                except DaqcoreError as exc:  # a bad setting: say of which instrument
                    exc.add_note(f"{kind} {name!r}, backend {backend!r}")
                    raise
                created.append(inst)
                _initialise(inst, kind, name)
                out.append(inst)
        yield acts, dets
    finally:
        close_all(created)


__all__ = ["InstrumentInitError", "check_names", "check_settings_targets", "check_unique",
           "close_all", "open_instruments"]
