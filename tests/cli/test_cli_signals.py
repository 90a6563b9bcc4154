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
    header = proc.stdout.readline()  # "scan: ..." / "log: ...": instruments are open
    assert header.startswith(args[0]), header
    time.sleep(0.5)  # some points are taken
    assert proc.poll() is None, proc.stdout.read()
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_scan_saves_and_closes(tmp_path, signum, code):
    out = tmp_path / "s.h5"
    proc = _start("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "9.99", "0.01",
                  "--set", "mock_0d.exposure=0.01", "-o", str(out))
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
    proc.send_signal(signum)
    text, _ = proc.communicate(timeout=60)
    assert proc.returncode == code, text
    assert "(stopped)" in text and "Traceback" not in text
    with h5py.File(out, "r") as f:
        raw = f["RawData"]
        assert decode_attribute(raw.attrs["status"]) == "stopped"
        done = decode_attribute(raw.attrs["n_samples_done"])
        assert done > 0 and raw["Detector000/Data0D/CH00/EnlData00"].shape[0] == done
