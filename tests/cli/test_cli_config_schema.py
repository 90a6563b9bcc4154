"""``daqcore scan/log --config``: the TOML files are validated against a schema.

Every case runs the real command in a subprocess: a one-line error naming the file, the key
and the type expected, exit code 1 or 2, no traceback, no file written.
"""

from __future__ import annotations

import pytest

SCAN_HEAD = """
[scan]
actuators = ["mock_x"]
detectors = ["mock_0d"]
"""
GRID = """
[scan.scanner]
axes = [[0, 1, 0.5]]
"""


def _check_refused(res, tmp_path, *fragments):
    text = res.stdout
    assert res.returncode in (1, 2), text
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text
    assert list(tmp_path.rglob("*.h5")) == []


@pytest.mark.parametrize("body, fragments", [
    (SCAN_HEAD + "naverage = 2.7\n" + GRID, ["scan.naverage = 2.7 (float): expected an integer"]),
    (SCAN_HEAD + "naverage = true\n" + GRID,
     ["scan.naverage = True (boolean): expected an integer"]),
    (SCAN_HEAD + 'naverage = "three"\n' + GRID,
     ["scan.naverage = 'three' (string): expected an integer"]),
    (SCAN_HEAD + 'scanner = "grid"\n',
     ["scan.scanner = 'grid' (string): expected a table"]),
    (SCAN_HEAD + "output = 42\n" + GRID, ["scan.output = 42 (integer): expected a string"]),
    ('[scan]\nactuators = "mock_x"\ndetectors = ["mock_0d"]\n' + GRID,
     ["scan.actuators = 'mock_x' (string): expected an array"]),
    ('[scan]\nactuators = ["mock_x"]\ndetectors = 5\n' + GRID,
     ["scan.detectors = 5 (integer): expected an array"]),
    (SCAN_HEAD + "speed = 3\n" + GRID,
     ["unknown key 'scan.speed' in [scan]; allowed keys: actuators,"]),
    (SCAN_HEAD + GRID + "stepz = 1\n", ["unknown key 'scan.scanner.stepz'"]),
    (SCAN_HEAD + "[scan.scanner]\naxes = [[0, 1]]\n",
     ["scan.scanner.axes[0] = [0, 1] (array): expected three numbers [start, stop, step]"]),
    (SCAN_HEAD + '[scan.scanner]\ntype = "spiral"\n', ["unknown scanner type 'spiral'"]),
    (SCAN_HEAD + GRID + "[instruments.mock_q]\nspeed = 0\n",
     ["[instruments.mock_q]", "instrument 'mock_q' is not in this run"]),
    (SCAN_HEAD + GRID + "[plots]\nx = 1\n", ["unknown key 'plots' in the top level"]),
])
def test_scan_config_errors_name_file_key_and_type(run_daqcore, tmp_path, body, fragments):
    cfg = tmp_path / "scan.toml"
    cfg.write_text(body)
    res = run_daqcore("scan", "--config", str(cfg), "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, f"config file '{cfg}'", *fragments)


@pytest.mark.parametrize("body, fragments", [
    ('[log]\ndetectors = ["mock_0d"]\nsamples = 3\n',
     ["unknown key 'log.samples' in [log]; allowed keys:", "n_samples"]),
    ('[log]\ndetectors = ["mock_0d"]\ninterval = "fast"\n',
     ["log.interval = 'fast' (string): expected a number"]),
    ('[log]\ndetectors = ["mock_0d"]\nduration = [1]\n',
     ["log.duration = [1] (array): expected a number"]),
    ('[log]\ndetectors = ["mock_0d"]\nn_samples = 0\n', ["log.n_samples = 0 (integer)"]),
])
def test_log_config_errors_name_file_key_and_type(run_daqcore, tmp_path, body, fragments):
    cfg = tmp_path / "log.toml"
    cfg.write_text(body)
    res = run_daqcore("log", "--config", str(cfg), "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, f"config file '{cfg}'", *fragments)


def test_set_for_an_instrument_not_in_the_run(run_daqcore, tmp_path):
    res = run_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1",
                  "--set", "mock_1d.npoints=8", "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, "--set mock_1d.npoints=8",
                   "instrument 'mock_1d' is not in this run (instruments: mock_x, mock_0d)")
