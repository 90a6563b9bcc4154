"""The lab-notebook example runs and plots; ScanResult.load reloads by detector name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from daqcore.acquisition import Scan, Scanner2DGrid
from daqcore.acquisition.errors import ScanConfigurationError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "scan_2d.py"


def test_scan_2d_example_runs_and_writes_png(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(EXAMPLE)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "(finished)" in proc.stdout
    assert (tmp_path / "scan_2d.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((tmp_path / "daqcore_data").glob("*.h5"))) == 1
    code_lines = [ln for ln in EXAMPLE.read_text().splitlines()
                  if ln.strip() and not ln.startswith(('"""', "import", "from", "matplotlib"))]
    assert len(code_lines) <= 12  # reads like a lab notebook


def test_scan_result_load(rig, tmp_path):
    result = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 2, 1)),
                  path=tmp_path).run()
    everything = result.load()
    assert sorted(everything.get_full_names()) == ["det0/power", "det1/spectrum"]
    (spec,) = result.load("det1")
    assert spec.shape == (2, 3, 8) and spec.units == "V"
    np.testing.assert_array_equal(spec.data[0][1, 2], np.arange(8) * 1.0 + 2)
    with pytest.raises(ScanConfigurationError, match="det0, det1"):
        result.load("nope")
