"""``daqcore demo``: scan of simulated instruments, exact reload check, plot."""

from __future__ import annotations

from types import SimpleNamespace

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from daqcore.cli.demo import GRID, _compare, find_joulescope_detector, run_demo
from daqcore.cli.main import main


def test_demo_command_reports_exact_reload_and_plots(tmp_path):
    png = tmp_path / "out" / "scan.png"
    res = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert "exact match" in res.output and "MISMATCH" not in res.output
    files = list(tmp_path.glob("*.h5"))
    assert len(files) == 1 and str(files[0]) in res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with h5py.File(files[0], "r") as f:
        assert f["RawData/Scan000/Detector000/Data0D/CH00/Data00"].shape == (11, 11)
    from daqcore.plugins import get_registry

    if find_joulescope_detector(get_registry()) is None:
        assert "Joulescope" in res.output and "skipped" in res.output


def test_run_demo_facts(tmp_path):
    lines = []
    facts = run_demo(output=tmp_path / "demo.h5", echo=lines.append)
    assert facts["all_exact"] and facts["n_points"] == 121
    assert facts["path"] == tmp_path / "demo.h5"
    # the mock spot sits at the stage origin: the brightest grid point is (0, 0)
    assert facts["peak"] == (0.0, 0.0)
    assert {c["detector"] for c in facts["checks"]} >= {"mock_0d", "mock_1d"}
    assert all(c["nav_axes"] == ["mock_x", "mock_y"] for c in facts["checks"])
    assert len(GRID) == 2


def test_compare_detects_a_changed_value():
    fake = SimpleNamespace(origin="det", name="d", full_name="det/d",
                           data=[np.array([[1.0, 2.0], [3.0, 4.0]])])

    grabbed = {("det", "d"): [[np.array([1.0])], [np.array([2.0])],
                              [np.array([3.0])], [np.array([4.0])]]}
    steps = [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert _compare(fake, grabbed, steps) == (True, "")
    grabbed[("det", "d")][2] = [np.array([3.0000001])]
    ok, why = _compare(fake, grabbed, steps)
    assert not ok and "point 2" in why


def _registry_with(detector_cls, name):
    """Only the mock plugin and a fake Joulescope plugin (not the installed one)."""
    import daqcore_plugins.mock.plugin as mock_plugin
    from daqcore.plugins import InstrumentRecord, hookimpl, load_registry

    class FakeJoulescopePlugin:
        @hookimpl
        def daqcore_register_instruments(self, register):
            register(InstrumentRecord(name, detector_cls, description="fake joulescope"))

    return load_registry(entry_points=False, plugins=[
        ("mock", mock_plugin), ("fake_joulescope", FakeJoulescopePlugin())])


def _fake_joulescope(varying: bool):
    from daqcore.data import DataDim, DataFromPlugins, DataToExport
    from daqcore.instruments import Detector

    class FakeJS(Detector):
        dims = (DataDim.Data0D, DataDim.Data1D)
        calls = 0

        def _grab_data(self, naverage):
            type(self).calls += 1
            n = 4 + (type(self).calls % 2 if varying else 0)
            current = DataFromPlugins("current", data=[np.array([1e-3])], units="A",
                                      origin=self.title)
            trace = DataFromPlugins("trace", data=[np.linspace(0, 1, n)], units="V",
                                    origin=self.title)
            return DataToExport(self.title, data=[current, trace])

    return FakeJS


def _run_demo_with(detector_class, tmp_path):
    """``run_demo`` with ``detector_class`` registered as ``joulescope_sim``: (facts, lines)."""
    from daqcore.plugins import set_registry

    previous = set_registry(_registry_with(detector_class, "joulescope_sim"))
    try:
        lines = []
        facts = run_demo(output=tmp_path, echo=lines.append)
    finally:
        set_registry(previous)
    return facts, lines


def test_demo_includes_a_registered_joulescope_detector(tmp_path):
    facts, lines = _run_demo_with(_fake_joulescope(varying=False), tmp_path)
    assert facts["joulescope"] == "joulescope_sim" and facts["all_exact"]
    assert "joulescope_sim" in {c["detector"] for c in facts["checks"]}
    assert any("simulated Joulescope" in ln for ln in lines)


def test_demo_with_the_installed_joulescope_plugin(tmp_path):
    from daqcore.plugins import get_registry

    name = find_joulescope_detector(get_registry())
    if name is None:
        pytest.skip("no Joulescope plugin registered")
    lines = []
    facts = run_demo(output=tmp_path, echo=lines.append)
    assert facts["joulescope"] == name, lines
    checked = {c["data"] for c in facts["checks"] if c["detector"] == name}
    assert {f"{name}/current", f"{name}/current_trace"} <= checked
    assert facts["all_exact"]


def test_demo_skips_an_unstable_joulescope_detector(tmp_path):
    facts, lines = _run_demo_with(_fake_joulescope(varying=True), tmp_path)
    assert facts["joulescope"] is None and facts["all_exact"]
    assert any("varying shape" in ln for ln in lines)


def test_demo_plot_without_matplotlib_fails_before_scanning(tmp_path, monkeypatch):
    import sys

    from click.testing import CliRunner

    from daqcore.cli import main

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    out = tmp_path / "data"
    result = CliRunner().invoke(main, ["demo", "--output", str(out), "--plot",
                                       str(tmp_path / "spot.png")])
    assert result.exit_code != 0
    assert "daqcore[plot]" in result.output
    assert not out.exists() or not any(out.iterdir())
