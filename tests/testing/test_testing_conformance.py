"""The conformance suite: it passes on every discovered instrument and catches broken ones."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import Actuator, Backend, Detector
from daqcore.plugins import load_registry
from daqcore.testing import ActuatorContract, DetectorContract
from daqcore.testing.conformance import (
    ACTUATOR_CHECKS,
    DETECTOR_CHECKS,
    ConformanceError,
    check_registered,
    checks_for,
    run_check,
    run_checks,
)
from daqcore_plugins.mock import Mock1D, MockActuator

# Everything installed (mock now; joulescope and others join automatically once registered).
_REGISTRY = load_registry()
_CASES = [
    pytest.param(name, check, id=f"{name}-{check.__name__.removeprefix('check_')}")
    for name, record in sorted(_REGISTRY.instruments.items())
    for check in checks_for(record.kind)
]


def test_first_party_instruments_are_discovered():
    assert {"mock_x", "mock_y", "mock_0d", "mock_1d", "mock_2d"} <= set(_REGISTRY.instruments)


@pytest.mark.parametrize(("name", "check"), _CASES)
def test_every_discovered_instrument_conforms(name, check):
    def factory():
        return _REGISTRY.create_instrument(name, "sim")

    result = run_check(check, factory)
    assert result.passed, f"{name}: {result.name}: {result.message}\n{result.details}"


def test_check_registered_report():
    report = check_registered("mock_x", registry=_REGISTRY)
    assert report.passed and report.kind == "actuator"
    assert [r.name for r in report.results] == \
        [c.__name__.removeprefix("check_") for c in ACTUATOR_CHECKS]
    assert report.to_dict()["passed"] is True


# ---------------------------------------------------------------------- broken instruments
class GoodDetector(Detector):
    dims = (DataDim.Data1D,)

    def _grab_data(self, naverage):
        return DataToExport("g", data=[DataFromPlugins("g", data=[np.arange(3.0)])])


class WrongDims(GoodDetector):
    dims = (DataDim.Data2D,)


class NoSim(GoodDetector):
    backends = (Backend("real", "hardware only"),)


class FragileClose(GoodDetector):
    def close(self):  # overrides the idempotent base close
        if self.is_closed:
            raise RuntimeError("device handle already released")
        super().close()


class GrabsWithoutInit(GoodDetector):
    def grab_data(self, naverage=1):
        return self._grab_data(naverage)


class LiveCrashes(GoodDetector):
    def _start_live(self, callback, naverage):
        raise RuntimeError("no streaming")


class EnterReturnsNone(GoodDetector):
    def __enter__(self):
        super().__enter__()


class GoodActuator(Actuator):
    units = "mm"
    timeout = 0.05

    def _ini_actuator(self):
        self.position = 0.0

    def _move_abs(self, value):
        self.position = value

    def _get_actuator_value(self):
        return self.position


class NeverMoves(GoodActuator):
    def _move_abs(self, value):
        pass


class IgnoresBounds(GoodActuator):
    def check_bound(self, value):
        return float(value)


@pytest.mark.parametrize(
    ("cls", "failing", "message"),
    [
        (WrongDims, "grab_data", "is Data1D, but the detector declares dims ['Data2D']"),
        (NoSim, "declaration", "declares no 'sim' backend"),
        (FragileClose, "close_idempotent", "device handle already released"),
        (GrabsWithoutInit, "grab_before_init", "expected InstrumentStateError"),
        (LiveCrashes, "live_mode", "no streaming"),
        (EnterReturnsNone, "context_manager", "__enter__ must return the instrument"),
        (NeverMoves, "moves", "reached"),
        (IgnoresBounds, "out_of_bounds", "expected OutOfBoundsError"),
    ],
)
def test_suite_catches_broken_instruments(cls, failing, message):
    kind = cls.kind
    factory = (lambda: cls(backend="real")) if cls is NoSim else cls
    report = run_checks(factory, name=cls.__name__, kind=kind)
    failed = {r.name: r.message for r in report.results if not r.passed}
    assert failing in failed, failed
    assert message in failed[failing]
    assert not report.passed


def test_good_instruments_pass_everything():
    assert run_checks(GoodDetector).passed
    assert run_checks(GoodActuator).passed


def test_checks_for_unknown_kind():
    with pytest.raises(ValueError, match="camera"):
        checks_for("camera")
    assert checks_for("detector") == DETECTOR_CHECKS


# ---------------------------------------------------------------------- pytest classes
class TestMock1DThroughContractClass(DetectorContract):
    instrument_class = Mock1D
    settings: ClassVar[dict] = {"npoints": 16, "noise": 0.0}


class TestMockActuatorThroughContractClass(ActuatorContract):
    instrument_class = MockActuator
    settings: ClassVar[dict] = {"speed": 0.0}


def test_contract_class_without_instrument_class():
    class TestNothing(DetectorContract):
        pass

    with pytest.raises(ConformanceError, match="does not set instrument_class"):
        TestNothing().make_instrument()
