"""``daqcore scan/log --config``: the TOML files are validated against a schema.

Each case gives a one-line error naming the file, the key and the type expected, exit code 1
or 2, no traceback, no file written. The many small cases run the command in-process; the
real command runs in a subprocess for a file with several errors at once, per command.
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
    (SCAN_HEAD + 'scanner = "grid"\n', ["scanner.axes: missing (required)"]),
    (SCAN_HEAD + "scanner = 5\n",
     ["scan.scanner = 5 (integer): expected a scanner name (string, parameters in [scanner])"]),
    (SCAN_HEAD + GRID + "[scanner]\nseed = 1\n",
     ["both [scan.scanner] and [scanner]: give the parameters in one"]),
    (SCAN_HEAD + 'scanner = "random"\n[scanner]\nn_points = 2.5\nbounds = [[0, 1]]\n',
     ["scanner.n_points = 2.5 (float): expected an integer"]),
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
def test_scan_config_errors_name_file_key_and_type(invoke_daqcore, tmp_path, body, fragments):
    cfg = tmp_path / "scan.toml"
    cfg.write_text(body)
    res = invoke_daqcore("scan", "--config", str(cfg), "-o", str(tmp_path), "--no-progress")
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
def test_log_config_errors_name_file_key_and_type(invoke_daqcore, tmp_path, body, fragments):
    cfg = tmp_path / "log.toml"
    cfg.write_text(body)
    res = invoke_daqcore("log", "--config", str(cfg), "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, f"config file '{cfg}'", *fragments)


def test_several_errors_of_a_file_at_once_through_the_real_command(run_daqcore, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[scan]\nactuators = "mock_x"\ndetectors = 5\nnaverage = true\n'
                   'output = 42\nspeed = 1\n' + GRID +
                   '[log]\ndetectors = ["mock_0d"]\nsamples = 3\ninterval = "fast"\n'
                   'duration = [1]\n')
    for command in ("scan", "log"):
        res = run_daqcore(command, "--config", str(cfg), "-o", str(tmp_path), "--no-progress")
        _check_refused(res, tmp_path, f"Error: config file '{cfg}': ",
                       "scan.actuators = 'mock_x' (string): expected an array",
                       "scan.detectors = 5 (integer): expected an array",
                       "scan.naverage = True (boolean): expected an integer",
                       "scan.output = 42 (integer): expected a string",
                       "unknown key 'scan.speed' in [scan]",
                       "unknown key 'log.samples' in [log]",
                       "log.interval = 'fast' (string): expected a number",
                       "log.duration = [1] (array): expected a number")
        assert len(res.stdout.strip().splitlines()) == 1, res.stdout  # one line


def test_set_for_an_instrument_not_in_the_run(run_daqcore, tmp_path):
    res = run_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1",
                  "--set", "mock_1d.npoints=8", "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, "--set mock_1d.npoints=8",
                   "instrument 'mock_1d' is not in this run (instruments: mock_x, mock_0d)")


def test_a_scanner_by_name_with_parameters_from_the_file(run_daqcore, tmp_path):
    cfg = tmp_path / "named.toml"
    cfg.write_text(SCAN_HEAD + 'scanner = "spread"\n[scanner]\npoints = [[0.5], [0.25], [1.0]]\n')
    out = tmp_path / "named.h5"
    res = run_daqcore("scan", "--config", str(cfg), "-o", str(out), "--no-progress")
    assert res.returncode == 0, res.stdout
    import h5py

    with h5py.File(out, "r") as f:
        axis = f["RawData/Scan000/Detector000/NavAxes/Axis00"][()]
    assert axis.tolist() == [0.5, 0.25, 1.0]


def test_a_scanner_by_name_with_parameters_from_options(invoke_daqcore, tmp_path):
    res = invoke_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "--scanner", "random",
                      "--param", "n_points=4", "--param", "bounds=[[0, 1]]", "--param", "seed=3",
                      "--dry-run", "-o", str(tmp_path))
    assert res.returncode == 0, res.stdout
    assert "4 points" in res.stdout
    bad = invoke_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "--scanner", "grid",
                      "--param", "axes=[[0, 1]]", "--dry-run", "-o", str(tmp_path))
    _check_refused(bad, tmp_path, "--scanner/--param: axes[0] = [0, 1] (array): expected "
                                  "three numbers [start, stop, step]")
    both = invoke_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "--scanner", "grid",
                       "-r", "0", "1", "1", "-o", str(tmp_path))
    _check_refused(both, tmp_path, "--range and --scanner both give the scan points")


def test_a_bad_instrument_setting_names_the_instrument(invoke_daqcore, tmp_path):
    res = invoke_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1",
                      "--set", "mock_0d.noise=abc", "-o", str(tmp_path), "--no-progress")
    _check_refused(res, tmp_path, "setting 'noise' expects a number (float), got 'abc' "
                                  "(detector 'mock_0d', backend 'sim')")
