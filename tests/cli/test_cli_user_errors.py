"""What a new user hit in ``daqcore scan`` / ``log`` / ``plugins`` / ``new-plugin`` (issue 18),
each reproduced through the real command in a subprocess."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

SCAN = ("scan", "-a", "mock_x", "-d", "mock_0d")


def _refused(res, *fragments):
    assert res.returncode in (1, 2), res.stdout
    assert "Traceback" not in res.stdout
    for fragment in fragments:
        assert fragment in res.stdout, res.stdout


# ---------------------------------------------------------------- scan size limit (item 4)
def test_a_huge_range_is_refused_at_once_with_its_point_count(run_daqcore, tmp_path):
    t0 = time.perf_counter()
    res = run_daqcore(*SCAN, "-r", "0", "1", "1e-9", "--dry-run", "-o", str(tmp_path),
                      timeout=60)
    _refused(res, "the ranges make 1,000,000,001 points, above the limit of 10,000,000",
             "--max-points")
    res2 = run_daqcore("scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                       "-r", "0", "1", "1e-5", "-r", "0", "1", "1e-5", "--dry-run", timeout=60)
    _refused(res2, "make 10,000,200,001 points")  # 100001 x 100001
    assert time.perf_counter() - t0 < 30  # no allocation: seconds, not minutes


def test_max_points_is_settable_from_the_command_line_and_the_file(invoke_daqcore, tmp_path):
    res = invoke_daqcore(*SCAN, "-r", "0", "1", "0.1", "--max-points", "10", "--dry-run",
                      "-o", str(tmp_path))
    _refused(res, "make 11 points, above the limit of 10")
    ok = invoke_daqcore(*SCAN, "-r", "0", "1", "0.1", "--max-points", "11", "--dry-run",
                     "-o", str(tmp_path))
    assert ok.returncode == 0 and "11 points" in ok.stdout, ok.stdout
    cfg = tmp_path / "s.toml"
    cfg.write_text('[scan]\nactuators = ["mock_x"]\ndetectors = ["mock_0d"]\nmax_points = 3\n'
                   '[scan.scanner]\ntype = "tabular"\ntable = [[0.0], [1.0]]\nstep = 0.25\n')
    _refused(invoke_daqcore("scan", "-c", str(cfg), "--dry-run"),
             f"config file '{cfg}': the table and step make 5 points, above the limit of 3")


# ---------------------------------------------------------------- same actuator twice (item 8)
def test_the_same_actuator_twice_is_refused_at_once(run_daqcore, tmp_path):
    t0 = time.perf_counter()
    res = run_daqcore("scan", "-a", "mock_x", "-a", "MOCK_X", "-d", "mock_0d", "-r", "0", "1",
                      "1", "-r", "0", "1", "1", "-o", str(tmp_path), "--no-progress")
    _refused(res, "actuator 'MOCK_X' is given twice")
    assert time.perf_counter() - t0 < 20 and list(tmp_path.iterdir()) == []


def test_open_instruments_refuses_duplicates_and_stray_settings():
    from daqcore.acquisition import open_instruments
    from daqcore.acquisition.errors import ScanConfigurationError

    with pytest.raises(ScanConfigurationError, match="actuator 'mock_x' is given twice"):
        with open_instruments(["mock_x", "mock_x"], ["mock_0d"]):
            pass
    with pytest.raises(ScanConfigurationError, match="'mock_2d' is not in this run"):
        with open_instruments([], ["mock_0d"], settings={"mock_2d": {"noise": 0}}):
            pass
    with open_instruments([], ["mock_0d"], settings={"MOCK_0D": {"noise": 0.0}}) as (_, dets):
        assert dets[0].settings["noise"] == 0.0  # names are case-insensitive, as the registry


# ---------------------------------------------------------------- options (paper cuts)
@pytest.mark.parametrize("args, fragments", [
    (["--move-timeout", "0"], ["'0' is not a finite number of seconds > 0"]),
    (["--move-timeout", "-1"], ["'-1' is not a finite number of seconds > 0"]),
    (["--snake", "--random-order"], ["--snake and --random-order are two visiting orders"]),
    (["--table", __file__], ["--range and --table both give the scan points"]),
    (["-o", "notes.txt"], ["'notes.txt' is neither an HDF5 file name"]),
    (["--param", "seed=1"], ["--param sets a parameter of --scanner"]),
])
def test_scan_options_that_cannot_work_are_refused(invoke_daqcore, tmp_path, args, fragments):
    res = invoke_daqcore(*SCAN, "-r", "0", "1", "1", *args, "--no-progress", cwd=tmp_path)
    _refused(res, *fragments)
    assert not (tmp_path / "notes.txt").exists() and not (tmp_path / "daqcore_data").exists()


def test_param_without_a_scanner_is_refused(invoke_daqcore, tmp_path):
    res = invoke_daqcore(*SCAN, "--param", "seed=1", "--no-progress", cwd=tmp_path)
    _refused(res, "--param sets a parameter of a scanner: give --scanner NAME")


def test_log_duration_inf_says_what_to_do(run_daqcore, tmp_path):
    res = run_daqcore("log", "-d", "mock_0d", "-t", "inf", cwd=tmp_path)
    _refused(res, "'inf' is not a finite number of seconds > 0; leave -t out to log until "
                  "Ctrl-C")


def test_a_csv_table_with_a_header_row_is_accepted(run_daqcore, tmp_path):
    table = tmp_path / "path.csv"
    table.write_text("x,y\n0.0,0.5\n1.0,-0.5\n# a comment\n1.5,0.25\n")
    out = tmp_path / "t.h5"
    res = run_daqcore("scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d", "--table",
                      str(table), "-o", str(out), "--no-progress")
    assert res.returncode == 0, res.stdout
    with h5py.File(out, "r") as f:
        x = f["RawData/Scan000/Detector000/NavAxes/Axis00"][()]
        y = f["RawData/Scan000/Detector000/NavAxes/Axis01"][()]
    np.testing.assert_array_equal(x, [0.0, 1.0, 1.5])
    np.testing.assert_array_equal(y, [0.5, -0.5, 0.25])


def test_log_progress_bar_ends_at_100_percent(run_daqcore, tmp_path):
    res = run_daqcore("log", "-d", "mock_0d", "-i", "0.05", "-t", "0.6", "-o", str(tmp_path))
    assert res.returncode == 0, res.stdout
    states = re.findall(r"(\d+)%\|[^|]*\| (\d+)/(\d+)", res.stdout)
    assert states, res.stdout
    percent, done, total = states[-1]
    assert percent == "100" and done == total, states[-1]


# ---------------------------------------------------------------- a run that fails (item 9)
DISK_FULL = """
import errno, functools, inspect, sys
from daqcore.saving.backends import h5py_backend
from daqcore.cli import main

calls = {"n": 0}

def fail_after_three(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return method(*args, **kwargs)
    return wrapper

# every data-writing method of the h5py backend fails once three writes went through
for _, cls in inspect.getmembers(h5py_backend, inspect.isclass):
    if cls.__module__ == h5py_backend.__name__:
        for name, method in list(vars(cls).items()):
            if name.startswith("write") and callable(method):
                setattr(cls, name, fail_after_three(method))
main(sys.argv[1:])
"""


def test_a_full_disk_is_reported_once_with_what_to_do(tmp_path):
    import subprocess

    out = tmp_path / "full.h5"
    res = subprocess.run(
        [sys.executable, "-c", DISK_FULL, "scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0",
         "9", "1", "-o", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stdout
    assert res.stdout.lower().count("no space left on device") == 1, res.stdout
    assert res.stdout.count("free some space") == 1, res.stdout
    # one error line, not "error: ..." in the summary then "Error: ..."
    assert len(re.findall(r"^(?:error|Error):", res.stdout, flags=re.M)) == 1, res.stdout


# ---------------------------------------------------------------- plugins / new-plugin
SKIP_WITHOUT_DRIVER = """
import sys
sys.modules["joulescope"] = None   # the vendor driver is not installed
from daqcore.cli import main
main(["plugins", "check", "joulescope", "--backend", "real"])
"""


def test_plugins_check_without_the_driver_skips_with_the_reason(tmp_path):
    import subprocess

    res = subprocess.run([sys.executable, "-c", SKIP_WITHOUT_DRIVER], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120)
    assert res.returncode == 0, res.stdout
    assert res.stdout == ("SKIP joulescope (detector, backend real): driver not installed: "
                          "joulescope\n")


def test_new_plugin_refuses_a_taken_name_and_names_keywords(run_daqcore, tmp_path):
    _refused(run_daqcore("new-plugin", "mock", "-d", str(tmp_path)),
             "a plugin named 'mock' is already installed")
    _refused(run_daqcore("new-plugin", "class", "-d", str(tmp_path)),
             "'class' is a Python keyword")
    assert list(tmp_path.iterdir()) == []


def test_generated_plugin_has_no_placeholder_link_and_tests_with_pytest(tmp_path):
    import tomllib

    from daqcore.cli.new_plugin import render_plugin

    project = render_plugin("spectro", tmp_path)
    readme = (project / "README.md").read_text()
    assert "](http" not in readme and "github.com/)" not in readme
    meta = tomllib.loads((project / "pyproject.toml").read_text())
    assert any(dep.startswith("pytest") for dep in meta["project"]["optional-dependencies"]["test"])
    assert 'pip install -e ".[test]"' in readme


def test_readme_quick_start_names_the_plot_extra():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert '".[plot]"' in quick_start and "--plot" in quick_start
