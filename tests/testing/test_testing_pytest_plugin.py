"""The ``pytest11`` plugin: light to import, fixtures work, hardware tests are opt-in."""

from __future__ import annotations

import importlib.metadata as metadata
import subprocess
import sys
import textwrap

from daqcore.plugins import hookimpl


def test_registered_as_pytest11_entry_point():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert eps["daqcore"] == "daqcore.testing.pytest_plugin"


def test_importing_the_plugin_is_cheap():
    code = (
        "import sys, daqcore.testing.pytest_plugin\n"
        "heavy = ['numpy', 'h5py', 'tables', 'pint', 'daqcore.data', 'daqcore.plugins']\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_make_registry_fixture(make_registry):
    class Plugin:
        @hookimpl
        def daqcore_register_instruments(self, register):
            from daqcore.plugins import InstrumentRecord
            from daqcore_plugins.mock import Mock0D

            register(InstrumentRecord("fixture_det", Mock0D))

    registry = make_registry(plugins=[("p", Plugin())])
    assert list(registry.instruments) == ["fixture_det"]
    assert [p.name for p in registry.plugins] == ["p"]


def test_daqcore_registry_fixture(daqcore_registry):
    assert "mock_0d" in daqcore_registry.instruments


def test_simulated_stage_fixture_is_fresh(simulated_stage):
    from daqcore_plugins.mock import default_stage

    assert simulated_stage is not default_stage()
    assert simulated_stage.positions() == {}


def test_real_hardware_tests_are_opt_in(tmp_path):
    (tmp_path / "test_hw.py").write_text(textwrap.dedent(
        """
        import pytest

        @pytest.mark.daqcore_real
        def test_needs_device():
            assert True
        """
    ))
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
            str(tmp_path / "test_hw.py")]
    skipped = subprocess.run(base, capture_output=True, text=True, cwd=tmp_path)
    assert "1 skipped" in skipped.stdout and "--daqcore-real" in skipped.stdout
    ran = subprocess.run([*base, "--daqcore-real"], capture_output=True, text=True,
                         cwd=tmp_path)
    assert "1 passed" in ran.stdout
