"""SIGINT and SIGTERM stop a ``daqcore scan`` / ``log`` cleanly: the file is saved and closed
with status ``stopped``, and the exit code tells an interrupted run (130 / 143) from a finished
one (0). The real command runs in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from daqcore.saving import decode_attribute


def _start(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "daqcore", *args, "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # "scan: ..." / "log: ..." once the instruments are open
        seen.append(line)
        if line.startswith(f"{args[0]}: "):
            break
    else:
        raise AssertionError("".join(seen))
    assert proc.poll() is None, "".join(seen) + proc.stdout.read()
    return proc


def _wait_for_saved_data(path, node: str, timeout: float = 30.0) -> None:
    """Block until a live reader sees the first saved value of ``node`` (the run is under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with h5py.File(path, "r", swmr=True) as f:
                if node in f and f[node].shape[0] and np.isfinite(f[node][0]).all():
                    return
        except (OSError, KeyError):
            pass  # not created or not flushed yet
        time.sleep(0.05)
    raise AssertionError(f"no data in {node} of {path} after {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_scan_saves_and_closes(tmp_path, signum, code):
    out = tmp_path / "s.h5"
    proc = _start("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "9.99", "0.01",
                  "--set", "mock_0d.exposure=0.01", "-o", str(out))
    _wait_for_saved_data(out, "RawData/Scan000/Detector000/Data0D/CH00/Data00")
    proc.send_signal(signum)
    text, _ = proc.communicate(timeout=60)
    assert proc.returncode == code, text
    assert f"interrupted ({signal.Signals(signum).name})" in text and "(stopped)" in text
    assert "Traceback" not in text
    with h5py.File(out, "r") as f:  # closed: opens without SWMR or h5clear
        group = f["RawData/Scan000"]
        assert decode_attribute(group.attrs["status"]) == "stopped"
        done = decode_attribute(group.attrs["n_points_done"])
        data = group["Detector000/Data0D/CH00/Data00"][()]
    assert 0 < done < 1000
    assert np.isfinite(data[:done]).all() and np.isnan(data[done:]).all()


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_log_saves_and_closes(tmp_path, signum, code):
    out = tmp_path / "l.h5"
    proc = _start("log", "-d", "mock_0d", "-i", "0.01", "-o", str(out))
    _wait_for_saved_data(out, "RawData/Detector000/Data0D/CH00/EnlData00")
    proc.send_signal(signum)
    text, _ = proc.communicate(timeout=60)
    assert proc.returncode == code, text
    assert "(stopped)" in text and "Traceback" not in text
    with h5py.File(out, "r") as f:
        raw = f["RawData"]
        assert decode_attribute(raw.attrs["status"]) == "stopped"
        done = decode_attribute(raw.attrs["n_samples_done"])
        assert done > 0 and raw["Detector000/Data0D/CH00/EnlData00"].shape[0] == done


SLOW_PLUGIN = '''
"""A detector that takes long to open and records that it was closed."""
import os
import time
from pathlib import Path

import numpy as np

from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Detector
from daqcore.plugins import InstrumentRecord, hookimpl

MARKS = Path(os.environ["SLOW_MARKS"])


class SlowDetector(Detector):
    dims = (DataDim.Data0D,)
    backends = (SIM,)

    def _ini_detector(self):
        (MARKS / "opening").write_text("")
        for _ in range(600):
            time.sleep(0.05)
        return "opened"

    def _grab_data(self, naverage):
        return DataToExport("slow", data=[DataFromPlugins("slow", data=[np.zeros(1)])])

    def close(self):  # called by open_instruments even when opening was interrupted
        (MARKS / "closed").write_text("")
        super().close()


@hookimpl
def daqcore_register_instruments(register):
    register(InstrumentRecord("slow_0d", SlowDetector))
'''


@pytest.mark.slow
def test_sigterm_while_instruments_open_closes_them_and_exits_143(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "slow_plugin.py").write_text(SLOW_PLUGIN)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "DAQCORE_PLUGINS_DIR": str(plugins), "SLOW_MARKS": str(marks)}
    proc = subprocess.Popen([sys.executable, "-m", "daqcore", "log", "-d", "slow_0d", "-n", "1",
                             "-o", str(tmp_path / "out"), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 60
    while not (marks / "opening").exists() and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[0]
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    text, _ = proc.communicate(timeout=60)
    assert proc.returncode == 143, text
    assert "interrupted (SIGTERM) before the run started: nothing was saved" in text
    assert "Traceback" not in text and (marks / "closed").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
