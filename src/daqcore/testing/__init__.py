"""Test helpers for daqcore and for plugin authors.

- :mod:`daqcore.testing.conformance`: the contract checks (plain functions, no pytest);
- :class:`DetectorContract` / :class:`ActuatorContract`: the same checks as pytest tests;
- :mod:`daqcore.testing.pytest_plugin`: fixtures, registered under the ``pytest11`` entry
  point so they are available in every pytest run once daqcore is installed.

Attributes are imported lazily so that loading the pytest plugin stays cheap.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "ActuatorContract": "daqcore.testing.suite",
    "DetectorContract": "daqcore.testing.suite",
    "ConformanceError": "daqcore.testing.conformance",
    "ConformanceReport": "daqcore.testing.conformance",
    "check_registered": "daqcore.testing.conformance",
    "run_checks": "daqcore.testing.conformance",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_LAZY)
