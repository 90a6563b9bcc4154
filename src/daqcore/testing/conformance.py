"""Conformance checks every detector and actuator must pass, usable without pytest.

Each check is a function taking a *factory* (a callable returning a fresh, not yet
initialised instrument) and raising :class:`ConformanceError` (an ``AssertionError``) with
a message saying what is wrong. :func:`run_checks` runs them all and returns a
:class:`ConformanceReport`; ``daqcore plugins check NAME`` prints it, and
:mod:`daqcore.testing.suite` turns the same checks into pytest tests.

The checks cover: contract methods present, the ``sim`` backend declared and available,
settings round-trips (dict, JSON, XML) and validation, state errors before initialisation
and after close, ``grab_data`` returning a well-formed DataToExport of declared dims
(also with ``naverage=2``), live mode, moves within bounds, refused out-of-bounds targets,
idempotent ``close`` and context-manager support.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from daqcore.errors import DaqcoreError

Factory = Callable[[], Any]


class ConformanceError(DaqcoreError, AssertionError):
    """An instrument does not follow the contract (the message says how)."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConformanceError(message)


def _rewrite(setting: Any) -> None:
    """Write a setting's own value back (a read-only setting refuses it)."""
    setting.set_value(setting.value)


def _expect_error(error: type[BaseException], action: Callable[[], Any], what: str) -> None:
    try:
        action()
    except error:
        return
    except Exception as exc:
        raise ConformanceError(
            f"{what}: expected {error.__name__}, got {type(exc).__name__}: {exc}"
        ) from exc
    raise ConformanceError(f"{what}: expected {error.__name__}, nothing was raised")


# ---------------------------------------------------------------------- shared checks
def check_declaration(factory: Factory) -> None:
    """Kind, backends (a simulated ``sim`` one, available) and settings tree are declared."""
    from daqcore.instruments import Actuator, Detector, Setting

    inst = factory()
    try:
        _require(isinstance(inst, Detector | Actuator),
                 f"{inst!r} is neither a Detector nor an Actuator")
        cls = type(inst)
        names = [b.name for b in cls.backends]
        _require("sim" in names, f"{cls.__name__} declares no 'sim' backend (has {names})")
        sim = cls.find_backend("sim")
        _require(sim.simulated, "the 'sim' backend is not marked simulated=True")
        _require(bool(sim.availability()), "the 'sim' backend is not available")
        _require(len(set(names)) == len(names), f"duplicate backend names {names}")
        _require(isinstance(inst.settings, Setting) and inst.settings.type == "group",
                 "settings is not a Setting group")
        _require(not inst.is_initialized, "a new instrument must not be initialised yet")
    finally:
        inst.close()


def check_settings_roundtrip(factory: Factory) -> None:
    """Settings survive dict, JSON and XML round trips, and values apply to a new instance."""
    from daqcore.instruments import Setting

    inst = factory()
    other = factory()
    try:
        tree = inst.settings
        _require(Setting.from_dict(tree.to_dict()) == tree, "dict round trip changed the tree")
        _require(Setting.from_json(tree.to_json()) == tree, "JSON round trip changed the tree")
        json.loads(tree.to_json())
        _require(Setting.from_xml(tree.to_xml()) == tree, "XML round trip changed the tree")
        writable = {s.path: s.value for s in tree.walk() if s.type != "group" and not s.readonly}
        other.settings.update(writable)
        _require(other.settings.values() == tree.values(),
                 "values of one instance could not be applied to another")
    finally:
        inst.close()
        other.close()


def check_settings_validation(factory: Factory) -> None:
    """A refused value raises SettingValueError and keeps the old value."""
    from daqcore.instruments import ReadOnlySettingError, SettingValueError

    inst = factory()
    try:
        for setting in inst.settings.walk():
            if setting.type == "group":
                continue
            old = setting.value
            if setting.readonly:
                _expect_error(ReadOnlySettingError, functools.partial(_rewrite, setting),
                              f"writing read-only {setting.path!r}")
                continue
            bad: Any = object()
            _expect_error(SettingValueError, functools.partial(setting.set_value, bad),
                          f"writing an object() to {setting.path!r}")
            _require(setting.value == old, f"{setting.path!r} changed after a refused value")
            if setting.limits is not None and setting.limits[1] is not None:
                beyond = setting.limits[1] + 1
                _expect_error(SettingValueError, functools.partial(setting.set_value, beyond),
                              f"writing {beyond!r} above the limits of {setting.path!r}")
                _require(setting.value == old, f"{setting.path!r} changed after a refused value")
    finally:
        inst.close()


def check_unknown_backend(factory: Factory) -> None:
    """Asking for an undeclared backend raises UnknownBackendError naming the known ones."""
    from daqcore.instruments import UnknownBackendError

    inst = factory()
    try:
        _expect_error(UnknownBackendError, lambda: type(inst).find_backend("no-such-backend"),
                      "find_backend('no-such-backend')")
        _expect_error(UnknownBackendError, lambda: type(inst)(backend="no-such-backend"),
                      "creating the instrument with backend='no-such-backend'")
    finally:
        inst.close()


def check_close_idempotent(factory: Factory) -> None:
    """close() works before init, twice after init, and use after close raises."""
    from daqcore.instruments import InstrumentStateError

    never = factory()
    never.close()
    never.close()
    inst = factory()
    _initialise(inst)
    inst.close()
    inst.close()
    _require(inst.is_closed, "is_closed is False after close()")
    action = (lambda: inst.grab_data()) if inst.kind == "detector" else \
        (lambda: inst.get_actuator_value())
    _expect_error(InstrumentStateError, action, "using the instrument after close()")


def check_context_manager(factory: Factory) -> None:
    """``with`` initialises on entry and closes on exit, also when the block raises."""
    inst = factory()
    with inst as entered:
        _require(entered is inst, "__enter__ must return the instrument")
        _require(inst.is_initialized, "not initialised inside the with block")
    _require(inst.is_closed, "not closed after the with block")
    inst2 = factory()
    try:
        with inst2:
            raise _Boom
    except _Boom:
        pass
    _require(inst2.is_closed, "not closed after an exception in the with block")


class _Boom(Exception):
    pass


def _initialise(inst: Any) -> str:
    return inst.ini_detector() if inst.kind == "detector" else inst.ini_actuator()


# ---------------------------------------------------------------------- detector checks
def _check_dte(det: Any, dte: Any) -> None:
    from daqcore.data import DataDim, DataToExport, DataWithAxes

    _require(isinstance(dte, DataToExport), f"grab_data returned {type(dte).__name__}")
    _require(len(dte) > 0, "grab_data returned an empty DataToExport")
    for dwa in dte:
        _require(isinstance(dwa, DataWithAxes), f"{dwa!r} is not a DataWithAxes")
        _require(isinstance(dwa.dim, DataDim), f"{dwa.name}: dim {dwa.dim!r} is not a DataDim")
        _require(dwa.dim in det.dims, f"{dwa.name}: {dwa.dim.name} not in declared dims "
                 f"{[d.name for d in det.dims]}")
        _require(len(dwa.data) >= 1 and len(dwa.labels) == len(dwa.data),
                 f"{dwa.name}: {len(dwa.data)} channels but {len(dwa.labels)} labels")
        for array in dwa.data:
            _require(isinstance(array, np.ndarray) and array.shape == dwa.shape,
                     f"{dwa.name}: channel shape differs from {dwa.shape}")
        for axis in dwa.axes:
            _require(0 <= axis.index < len(dwa.shape), f"{dwa.name}: axis {axis.label!r} "
                     f"index {axis.index} out of range for shape {dwa.shape}")
            _require(len(axis) == dwa.shape[axis.index],
                     f"{dwa.name}: axis {axis.label!r} has {len(axis)} values for a dimension "
                     f"of {dwa.shape[axis.index]}")
        _require(isinstance(dwa.timestamp, float), f"{dwa.name}: timestamp is not a float")


def check_detector_contract(factory: Factory) -> None:
    """The detector methods exist and the declared dims are DataDim values."""
    from daqcore.data import DataDim

    det = factory()
    try:
        for method in ("ini_detector", "grab_data", "start_live", "stop_live", "stop", "close",
                       "commit_settings"):
            _require(callable(getattr(det, method, None)), f"missing method {method}()")
        _require(det.kind == "detector", f"kind is {det.kind!r}, expected 'detector'")
        _require(len(det.dims) > 0 and all(isinstance(d, DataDim) for d in det.dims),
                 f"dims must be a non-empty tuple of DataDim, got {det.dims!r}")
    finally:
        det.close()


def check_grab_before_init(factory: Factory) -> None:
    """grab_data before ini_detector raises InstrumentStateError."""
    from daqcore.instruments import InstrumentStateError

    det = factory()
    try:
        _expect_error(InstrumentStateError, det.grab_data, "grab_data before ini_detector")
    finally:
        det.close()


def check_grab_data(factory: Factory) -> None:
    """grab_data returns a well-formed DataToExport (naverage 1 and 2, same shapes)."""
    from daqcore.instruments import SettingValueError

    with factory() as det:
        first = det.grab_data()
        _check_dte(det, first)
        averaged = det.grab_data(naverage=2)
        _check_dte(det, averaged)
        _require([d.shape for d in first] == [d.shape for d in averaged],
                 "naverage=2 changed the data shapes")
        _expect_error(SettingValueError, lambda: det.grab_data(naverage=0), "naverage=0")


def check_live_mode(factory: Factory) -> None:
    """start_live delivers data to the callback until stop_live."""
    with factory() as det:
        if not det.live_mode_available:
            return
        received: list[Any] = []
        got_two = threading.Event()

        def callback(dte: Any) -> None:
            received.append(dte)
            if len(received) >= 2:
                got_two.set()

        det.start_live(callback)
        try:
            deadline = time.monotonic() + 10.0
            while not got_two.wait(timeout=0.01) and det.is_live \
                    and time.monotonic() < deadline:
                pass
            _require(got_two.is_set(), "live mode delivered fewer than 2 data sets "
                     f"(error: {det.live_error!r})")
        finally:
            det.stop_live()
        _require(not det.is_live, "still live after stop_live()")
        _require(det.live_error is None, f"live acquisition failed: {det.live_error!r}")
        _check_dte(det, received[0])


# ---------------------------------------------------------------------- actuator checks
def check_actuator_contract(factory: Factory) -> None:
    """The actuator methods and common settings exist."""
    act = factory()
    try:
        for method in ("ini_actuator", "move_abs", "move_rel", "move_home", "get_actuator_value",
                       "stop_motion", "close", "wait_until_reached", "check_bound"):
            _require(callable(getattr(act, method, None)), f"missing method {method}()")
        _require(act.kind == "actuator", f"kind is {act.kind!r}, expected 'actuator'")
        _require(isinstance(act.units, str), "units must be a str")
        for path in ("units", "epsilon", "timeout", "bounds/is_bounds", "bounds/min_bound",
                     "bounds/max_bound"):
            _require(path in act.settings, f"missing common setting {path!r}")
    finally:
        act.close()


def _free_range(act: Any) -> tuple[float, float]:
    """The current position and a different, reachable target."""
    start = act.current_value
    bounds = act.bounds
    if bounds is None:
        return start, start + 1.0
    low, high = bounds
    target = (low + high) / 2.0
    if abs(target - start) <= act.settings["epsilon"]:
        target = low + (high - low) / 4.0
    return start, target


def check_actuator_value(factory: Factory) -> None:
    """get_actuator_value returns a 0D DataActuator in the actuator's units."""
    from daqcore.data import DataActuator, DataDim

    with factory() as act:
        value = act.get_actuator_value()
        _require(isinstance(value, DataActuator), f"got {type(value).__name__}")
        _require(value.dim == DataDim.Data0D, f"position is {value.dim.name}, expected Data0D")
        _require(value.units == act.units or not act.units,
                 f"position units {value.units!r} differ from {act.units!r}")
        _require(np.isfinite(value.value()), "position is not finite")


def check_moves(factory: Factory) -> None:
    """move_abs reaches its target within epsilon; move_rel goes back; move_home works."""
    with factory() as act:
        eps = act.settings["epsilon"]
        start, target = _free_range(act)
        reached = act.move_abs(target)
        _require(reached is not None and abs(reached.value() - target) <= eps,
                 f"move_abs({target}) reached {reached!r}")
        _require(act.target_value == target, "target_value not set by move_abs")
        back = act.move_rel(start - target)
        _require(abs(back.value() - start) <= eps, f"move_rel back reached {back.value()}")
        act.move_abs(target, wait=False)
        final = act.wait_until_reached()
        _require(abs(final.value() - target) <= eps, "wait_until_reached stopped short")
        bounds = act.bounds
        home = act.settings["home_value"]
        if bounds is None or bounds[0] <= home <= bounds[1]:
            homed = act.move_home()
            _require(homed is not None and abs(homed.value() - home) <= eps,
                     f"move_home reached {homed!r}, home_value is {home}")


def check_out_of_bounds(factory: Factory) -> None:
    """A target outside the bounds raises OutOfBoundsError and nothing moves."""
    from daqcore.instruments import OutOfBoundsError

    with factory() as act:
        here = act.current_value
        act.settings.update({"bounds/is_bounds": True, "bounds/min_bound": here - 1.0,
                             "bounds/max_bound": here + 1.0})
        _expect_error(OutOfBoundsError, lambda: act.move_abs(here + 5.0), "move_abs(max + 4)")
        _expect_error(OutOfBoundsError, lambda: act.move_rel(-5.0), "move_rel(-5) below min")
        _require(abs(act.current_value - here) <= act.settings["epsilon"],
                 "the actuator moved although the target was refused")


# ---------------------------------------------------------------------- running
SHARED_CHECKS: tuple[Callable[[Factory], None], ...] = (
    check_declaration, check_settings_roundtrip, check_settings_validation,
    check_unknown_backend, check_close_idempotent, check_context_manager,
)
DETECTOR_CHECKS: tuple[Callable[[Factory], None], ...] = (
    check_detector_contract, *SHARED_CHECKS, check_grab_before_init, check_grab_data,
    check_live_mode,
)
ACTUATOR_CHECKS: tuple[Callable[[Factory], None], ...] = (
    check_actuator_contract, *SHARED_CHECKS, check_actuator_value, check_moves,
    check_out_of_bounds,
)


def checks_for(kind: str) -> tuple[Callable[[Factory], None], ...]:
    """The checks of ``'detector'`` or ``'actuator'``."""
    if kind == "detector":
        return DETECTOR_CHECKS
    if kind == "actuator":
        return ACTUATOR_CHECKS
    raise ValueError(f"unknown instrument kind {kind!r}")


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check."""

    name: str
    passed: bool
    message: str = ""
    details: str = field(default="", repr=False)


@dataclass(frozen=True)
class ConformanceReport:
    """All check outcomes of one instrument."""

    instrument: str
    kind: str
    backend: str
    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(r.passed for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "instrument": self.instrument, "kind": self.kind, "backend": self.backend,
            "passed": self.passed,
            "results": [{"name": r.name, "passed": r.passed, "message": r.message}
                        for r in self.results],
        }


def run_check(check: Callable[[Factory], None], factory: Factory) -> CheckResult:
    """Run one check, turning any exception into a failed :class:`CheckResult`."""
    name = check.__name__.removeprefix("check_")
    try:
        check(factory)
    except Exception as exc:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        prefix = "" if isinstance(exc, ConformanceError) else f"{type(exc).__name__}: "
        return CheckResult(name, False, f"{prefix}{exc}", details)
    return CheckResult(name, True)


def run_checks(factory: Factory, *, name: str = "", kind: str | None = None,
               backend: str = "sim") -> ConformanceReport:
    """Run every check of the instrument's kind on instances made by ``factory``."""
    if kind is None:
        probe = factory()
        kind = probe.kind
        probe.close()
    results = tuple(run_check(check, factory) for check in checks_for(kind))
    return ConformanceReport(name, kind, backend, results)


def check_registered(name: str, *, registry: Any = None, backend: str = "sim",
                     **settings: Any) -> ConformanceReport:
    """Run the checks on the registry instrument ``name`` (``daqcore plugins check NAME``)."""
    if registry is None:
        from daqcore.plugins import get_registry

        registry = get_registry()
    record = registry.get_instrument(name)

    def factory() -> Any:
        return registry.create_instrument(record.name, backend, **settings)

    return run_checks(factory, name=record.name, kind=record.kind, backend=backend)


__all__ = [
    "ACTUATOR_CHECKS",
    "DETECTOR_CHECKS",
    "SHARED_CHECKS",
    "CheckResult",
    "ConformanceError",
    "ConformanceReport",
    "check_registered",
    "checks_for",
    "run_check",
    "run_checks",
]
