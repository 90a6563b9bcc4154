"""A third-party scanner registered through the ``daqcore_scanners`` hook, used by name from
``daqcore scan`` (``--scanner NAME --param KEY=VALUE``) and from a TOML file."""

from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

pytest.importorskip("daqcore.acquisition.scanner_registry")

SPIRAL_PLUGIN = '''
"""A plugin offering an Archimedean spiral scanner."""
import numpy as np

from daqcore.acquisition.scanner_registry import ParameterSpec, ScannerSpec
from daqcore.plugins import hookimpl


def make_spiral(turns, n_points, radius):
    from daqcore.acquisition.scanners import ScannerSpread

    t = np.linspace(0.0, 1.0, n_points)
    angle = 2 * np.pi * turns * t
    return ScannerSpread(points=np.column_stack([radius * t * np.cos(angle),
                                                 radius * t * np.sin(angle)]))


@hookimpl
def daqcore_scanners():
    return [ScannerSpec("spiral", make_spiral, "Archimedean spiral from the centre", [
        ParameterSpec("turns", float, 2.0, "number of turns"),
        ParameterSpec("n_points", int, help="points on the spiral"),
        ParameterSpec("radius", float, 1.0, "outer radius (mm)"),
    ])]
'''


@pytest.fixture
def spiral_env(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "spiral_plugin.py").write_text(SPIRAL_PLUGIN)
    return {**os.environ, "DAQCORE_PLUGINS_DIR": str(plugins)}


def _spiral_points(path):
    with h5py.File(path, "r") as f:
        x = f["RawData/Scan000/Detector000/NavAxes/Axis00"][()]
        y = f["RawData/Scan000/Detector000/NavAxes/Axis01"][()]
    return x, y


def test_a_plugin_scanner_from_the_command_line(run_daqcore, tmp_path, spiral_env):
    listing = run_daqcore("scan", "--list-scanners", env=spiral_env)
    assert listing.returncode == 0, listing.stdout
    assert "spiral: turns, n_points*, radius  Archimedean spiral from the centre" in \
        listing.stdout
    plugins = run_daqcore("plugins", "--no-probe", env=spiral_env)
    assert "Scanners: " in plugins.stdout and "spiral (spiral_plugin)" in plugins.stdout
    out = tmp_path / "spiral.h5"
    res = run_daqcore("scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                      "--scanner", "spiral", "--param", "n_points=12", "--param", "turns=1.5",
                      "-o", str(out), "--no-progress", env=spiral_env)
    assert res.returncode == 0, res.stdout
    x, y = _spiral_points(out)
    t = np.linspace(0, 1, 12)
    np.testing.assert_allclose(x, t * np.cos(3 * np.pi * t), atol=1e-12)
    np.testing.assert_allclose(y, t * np.sin(3 * np.pi * t), atol=1e-12)


def test_a_plugin_scanner_from_a_toml_file(run_daqcore, tmp_path, spiral_env):
    cfg = tmp_path / "spiral.toml"
    cfg.write_text('[scan]\nactuators = ["mock_x", "mock_y"]\ndetectors = ["mock_0d"]\n'
                   'scanner = "spiral"\n\n[scanner]\nn_points = 5\nradius = 2.0\n')
    out = tmp_path / "from_toml.h5"
    res = run_daqcore("scan", "--config", str(cfg), "-o", str(out), "--no-progress",
                      env=spiral_env)
    assert res.returncode == 0, res.stdout
    x, y = _spiral_points(out)
    assert x.shape == (5,) and np.hypot(x, y)[-1] == pytest.approx(2.0)


def test_plugin_scanner_errors_name_the_parameter(run_daqcore, tmp_path, spiral_env):
    res = run_daqcore("scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                      "--scanner", "spiral", "--param", "turnz=2", "--param", "n_points=4",
                      "--dry-run", env=spiral_env)
    assert res.returncode == 1 and "Traceback" not in res.stdout
    assert "--scanner/--param: scanner 'spiral' has no parameter 'turnz'" in res.stdout
    too_many = run_daqcore("scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                           "--scanner", "spiral", "--param", "n_points=50", "--max-points",
                           "20", "--dry-run", env=spiral_env)
    assert too_many.returncode == 1, too_many.stdout
    assert "scanner 'spiral' would make 50 points, above the limit of 20" in too_many.stdout
