"""pytest classes running the conformance checks on a plugin's instruments.

A plugin package tests its instruments with::

    from daqcore.testing import DetectorContract, ActuatorContract
    from my_plugin.detector import MyDetector

    class TestMyDetector(DetectorContract):
        instrument_class = MyDetector
        settings = {"exposure": 0.001}     # optional

Every check of :mod:`daqcore.testing.conformance` becomes one test (``test_contract[grab_data]``
...). Override :meth:`make_instrument` for instruments that need more to be built.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from daqcore.testing.conformance import ACTUATOR_CHECKS, DETECTOR_CHECKS, ConformanceError

_DETECTOR_IDS = [c.__name__.removeprefix("check_") for c in DETECTOR_CHECKS]
_ACTUATOR_IDS = [c.__name__.removeprefix("check_") for c in ACTUATOR_CHECKS]


class _Contract:
    instrument_class: ClassVar[type | None] = None
    backend: ClassVar[str] = "sim"
    settings: ClassVar[dict[str, Any]] = {}

    def make_instrument(self) -> Any:
        """A fresh, not initialised instrument (override for special construction)."""
        if self.instrument_class is None:
            raise ConformanceError(f"{type(self).__name__} does not set instrument_class")
        return self.instrument_class(backend=self.backend, **self.settings)


class DetectorContract(_Contract):
    """Mix into a ``Test...`` class and set ``instrument_class`` to a Detector subclass."""

    @pytest.mark.parametrize("check", DETECTOR_CHECKS, ids=_DETECTOR_IDS)
    def test_contract(self, check: Any) -> None:
        check(self.make_instrument)


class ActuatorContract(_Contract):
    """Mix into a ``Test...`` class and set ``instrument_class`` to an Actuator subclass."""

    @pytest.mark.parametrize("check", ACTUATOR_CHECKS, ids=_ACTUATOR_IDS)
    def test_contract(self, check: Any) -> None:
        check(self.make_instrument)


__all__ = ["ActuatorContract", "DetectorContract"]
