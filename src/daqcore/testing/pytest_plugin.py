"""pytest plugin shipped with daqcore (entry point group ``pytest11``).

It is loaded in every pytest run of an environment where daqcore is installed, so it must
import fast and never fail: it imports nothing beyond pytest at module level, and each
fixture imports what it needs.

Fixtures
--------
``daqcore_registry``
    The registry loaded from the installed entry points (once per session).
``make_registry``
    ``make_registry(plugins=[(name, module_or_object)], entry_points=False, ...)`` builds
    a private registry (no entry points by default), for testing a plugin object in
    isolation.
``simulated_stage``
    A fresh :class:`~daqcore_plugins.mock.stage.SimulatedStage`, to link mock instruments
    without touching the process-wide one.

Options
-------
``--daqcore-real``
    Run tests marked ``@pytest.mark.daqcore_real`` (they need real hardware); skipped
    otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("daqcore")
    group.addoption("--daqcore-real", action="store_true", default=False,
                    help="run tests marked daqcore_real (need real instruments)")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "daqcore_real: needs a real instrument; run with --daqcore-real"
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if config.getoption("--daqcore-real", default=False):
        return
    skip = pytest.mark.skip(reason="needs real hardware (run with --daqcore-real)")
    for item in items:
        if "daqcore_real" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def daqcore_registry() -> Any:
    """The registry of the installed plugins."""
    from daqcore.plugins import load_registry

    return load_registry()


@pytest.fixture
def make_registry() -> Any:
    """Factory of private registries: ``make_registry(plugins=[("name", obj)])``."""
    from daqcore.plugins import load_registry

    def make(plugins: Any = (), *, entry_points: bool = False, **kwargs: Any) -> Any:
        return load_registry(entry_points=entry_points, plugins=plugins, **kwargs)

    return make


@pytest.fixture
def simulated_stage() -> Any:
    """A fresh simulated stage for mock instruments."""
    from daqcore_plugins.mock.stage import SimulatedStage

    return SimulatedStage()
