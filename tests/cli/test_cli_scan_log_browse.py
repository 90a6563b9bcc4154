"""``daqcore scan``, ``daqcore log`` and ``daqcore browse`` through click's runner."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from click.testing import CliRunner

from daqcore.cli.main import main


@pytest.fixture
def runner():
    return CliRunner()


def _only_h5(directory):
    files = sorted(directory.glob("*.h5"))
    assert len(files) == 1, files
    return files[0]


def test_scan_from_options(runner, tmp_path):
    res = runner.invoke(main, ["scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                               "-d", "mock_1d", "-r", "-1", "1", "0.5", "-r", "0", "1", "0.5",
                               "--snake", "-o", str(tmp_path), "--no-progress",
                               "--set", "mock_1d.npoints=16"])
    assert res.exit_code == 0, res.output
    path = _only_h5(tmp_path)
    assert str(path) in res.output and "15/15" in res.output
    with h5py.File(path, "r") as f:
        spot = f["RawData/Scan000/Detector000/Data0D/CH00/Data00"][()]
        spec = f["RawData/Scan000/Detector001/Data1D/CH00/Data00"][()]
        assert f["RawData/Scan000/Detector000/NavAxes/Axis00"][()].tolist() == [
            -1, -0.5, 0, 0.5, 1]
    assert spot.shape == (5, 3) and np.isfinite(spot).all()
    assert spec.shape == (5, 3, 16)
    # the spot is centred at (0, 0): brightest at the centre of the x range
    assert np.argmax(spot[:, 0]) == 2


def test_scan_from_toml_with_cli_override(runner, tmp_path):
    cfg = tmp_path / "scan.toml"
    out = tmp_path / "one.h5"
    cfg.write_text(f"""
[scan]
actuators = ["mock_x"]
detectors = ["mock_0d"]
naverage = 2
output = "{(tmp_path / 'ignored').as_posix()}"
title = "from toml"

[scan.scanner]
type = "tabular"
table = [[0.0], [1.0], [2.0]]
step = 0.5

[instruments.mock_0d]
noise = 0.0
""")
    res = runner.invoke(main, ["scan", "--config", str(cfg), "-o", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    from daqcore.saving import decode_attribute

    with h5py.File(out, "r") as f:
        g = f["RawData/Scan000"]
        assert g.attrs["TITLE"] == "from toml"
        assert decode_attribute(g.attrs["naverage"]) == 2
        data = f["RawData/Scan000/Detector000/Data0D/CH00/Data00"][()]
        err = f["RawData/Scan000/Detector000/Data0D/CH00/ErrorBar00"][()]
    assert data.shape == (5,) and np.all(err == 0)  # no noise: zero standard error
    assert not (tmp_path / "ignored").exists()


@pytest.mark.parametrize("args, message", [
    (["-a", "mock_q", "-d", "mock_0d", "-r", "0", "1", "1"],
     "unknown actuator 'mock_q'; known actuators: mock_x, mock_y"),
    (["-a", "mock_x", "-d", "nope", "-r", "0", "1", "1"], "known detectors: "),
    (["-a", "mock_x", "-d", "mock_0d", "-r", "0", "20", "5"],
     "scan point 3: target 15.0 of actuator 'mock_x' is outside its bounds"),
    (["-a", "mock_x", "-d", "mock_0d"], "give the scan points"),
    (["-a", "mock_x", "-r", "0", "1", "1"], "at least one detector"),
    (["-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "0"], "step must be non-zero"),
    (["-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1", "--set", "bad"], "INSTRUMENT"),
])
def test_scan_bad_input_messages(runner, tmp_path, args, message):
    res = runner.invoke(main, ["scan", *args, "-o", str(tmp_path), "--no-progress"])
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output
    assert list(tmp_path.glob("*.h5")) == []


def test_scan_bad_toml(runner, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[scan\nactuators = ")
    res = runner.invoke(main, ["scan", "--config", str(cfg)])
    assert res.exit_code != 0 and "not valid TOML" in res.output


def test_scan_unwritable_output(runner, tmp_path):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    res = runner.invoke(main, ["scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1",
                               "-o", str(blocker / "d"), "--no-progress"])
    assert res.exit_code != 0 and "cannot create output directory" in res.output


def test_log_command(runner, tmp_path):
    res = runner.invoke(main, ["log", "-d", "mock_0d", "-d", "mock_1d", "-i", "0", "-n", "7",
                               "-o", str(tmp_path), "--no-progress"])
    assert res.exit_code == 0, res.output
    path = _only_h5(tmp_path)
    assert "samples: 7" in res.output and str(path) in res.output
    with h5py.File(path, "r") as f:
        assert f["RawData/Detector001/Data1D/CH00/EnlData00"].shape == (7, 256)
        assert f["RawData/Detector000/NavAxes/Axis00"].shape == (7,)


def test_log_unknown_detector(runner, tmp_path):
    res = runner.invoke(main, ["log", "-d", "mock_x", "-n", "1", "-o", str(tmp_path)])
    assert res.exit_code != 0 and "unknown detector 'mock_x'" in res.output


def test_browse_scan_file(runner, tmp_path):
    runner.invoke(main, ["scan", "-a", "mock_x", "-d", "mock_1d", "-r", "0", "1", "0.5",
                         "-o", str(tmp_path), "--no-progress"])
    path = _only_h5(tmp_path)
    res = runner.invoke(main, ["browse", str(path)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Scan000" in out and "n_points_done=3" in out and "status=finished" in out
    assert "[CARRAY 3x256 float64]" in out and "units=V" in out
    assert "NavAxes" in out and "label=mock_x units=mm" in out
    shallow = runner.invoke(main, ["browse", str(path), "--depth", "2"]).output
    assert "Scan000" in shallow and "Detector000" not in shallow
    everything = runner.invoke(main, ["browse", str(path), "--attrs"]).output
    assert "backend=" in everything and "settings=" in everything


def test_browse_pymodaq_written_file(runner, tmp_path):
    from pymodaq_data.data import Axis, DataRaw, DataToExport
    from pymodaq_data.h5modules.data_saving import DataToExportTimedSaver
    from pymodaq_data.h5modules.saving import H5SaverLowLevel

    path = tmp_path / "pmd.h5"
    h5 = H5SaverLowLevel(save_type="logger", backend="tables")
    h5.init_file(file_name=path, new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    for i in range(3):
        dte = DataToExport("det", data=[DataRaw("trace", units="V", data=[np.arange(5.0) + i],
                                                axes=[Axis("t", "s", np.arange(5.0), index=0)])])
        saver.add_data(group, dte)
    h5.close_file()
    res = runner.invoke(main, ["browse", str(path)])
    assert res.exit_code == 0, res.output
    assert "EnlData00" in res.output and "[EARRAY 3x5 float64]" in res.output
    assert "label=time units=s" in res.output


def test_browse_errors(runner, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    res = runner.invoke(main, ["browse", str(text)])
    assert res.exit_code != 0 and "is not an HDF5 file" in res.output
    res = runner.invoke(main, ["browse", str(tmp_path / "missing.h5")])
    assert res.exit_code != 0 and "does not exist" in res.output
    res = runner.invoke(main, ["browse", str(tmp_path)])
    assert res.exit_code != 0 and "is a directory" in res.output


def test_browse_a_file_while_the_scan_writes_it(tmp_path):
    import threading

    from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments
    from daqcore.cli.browse_cmd import render_tree

    paused = threading.Event()
    with open_instruments(["mock_x", "mock_y"], ["mock_0d"]) as (acts, dets):
        scan = Scan(acts, dets, Scanner2DGrid((0, 1, 0.5), (0, 1, 0.5)), path=tmp_path / "l.h5")

        def on_event(event):
            if event.kind == "point" and event.n_done == 2:
                scan.pause()
            elif event.kind == "paused":
                paused.set()

        scan.subscribe(on_event)
        scan.start()
        try:
            assert paused.wait(30)
            tree = render_tree(tmp_path / "l.h5")
        finally:
            scan.resume()
            scan.wait(30)
    assert "Scan000" in tree and "[CARRAY 3x3 float64]" in tree and "status=running" in tree


@pytest.mark.slow
def test_ctrl_c_stops_a_cli_scan_and_keeps_the_points(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "int.h5"
    proc = subprocess.Popen(
        [sys.executable, "-m", "daqcore", "scan", "-a", "mock_x", "-d", "mock_0d",
         "-r", "0", "9.99", "0.01", "--set", "mock_0d.exposure=0.01", "-o", str(out),
         "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # interrupt once a point is on disk (SWMR reader), however slowly the scan starts
    deadline = time.monotonic() + 60
    first_point_saved = False
    while not first_point_saved and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with h5py.File(out, "r", swmr=True) as f:
                first = f["RawData/Scan000/Detector000/Data0D/CH00/Data00"][0]
            first_point_saved = bool(np.isfinite(first).all())
        except (OSError, KeyError):  # not created yet, or SWMR not started yet
            pass
    assert first_point_saved, "the scan saved no point within 60 s"
    proc.send_signal(signal.SIGINT)
    text, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130, text  # 128 + SIGINT: scripts tell it from success
    assert "interrupted" in text and "(stopped)" in text
    from daqcore.saving import decode_attribute

    with h5py.File(out, "r") as f:
        g = f["RawData/Scan000"]
        done = decode_attribute(g.attrs["n_points_done"])
        assert decode_attribute(g.attrs["status"]) == "stopped"
        data = g["Detector000/Data0D/CH00/Data00"][()]
    assert 0 < done < 1000
    assert np.isfinite(data[:done]).all() and np.isnan(data[done:]).all()


def test_scan_dry_run_moves_nothing(runner, tmp_path):
    res = runner.invoke(main, ["scan", "-a", "mock_x", "-a", "mock_y", "-d", "mock_0d",
                               "-r", "0", "1", "0.5", "-r", "0", "2", "1", "--dry-run",
                               "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "mock_x: 0 .. 1 mm" in res.output and "9 points" in res.output
    assert list(tmp_path.glob("*.h5")) == []
    bad = runner.invoke(main, ["scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "11", "1",
                               "--dry-run", "-o", str(tmp_path)])
    assert bad.exit_code != 0 and "outside its bounds" in bad.output


def test_log_from_toml_with_progress_bar(runner, tmp_path):
    cfg = tmp_path / "log.toml"
    cfg.write_text(f"""
[log]
detectors = ["mock_0d"]
interval = 0
n_samples = 12
output = "{(tmp_path / 'logs').as_posix()}"

[instruments.mock_0d]
noise = 0.0
amplitude = 2.5
""")
    res = runner.invoke(main, ["log", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "samples: 12" in res.output
    path = _only_h5(tmp_path / "logs")
    with h5py.File(path, "r") as f:
        ref = f["RawData/Detector000/Data0D/CH00/EnlData01"][()]
    np.testing.assert_array_equal(ref, np.full((12, 1), 2.5))


def test_scan_with_progress_bar(runner, tmp_path):
    res = runner.invoke(main, ["scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "0.25",
                               "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "5/5" in res.output
