"""HDF5 recordings (PyMoDAQ layout, SWMR) and the ``daqcore joulescope`` commands, run as
real subprocesses with short durations."""

from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pytest

from daqcore_plugins.joulescope.data_recorder import DataRecorder
from daqcore_plugins.joulescope.errors import JlsFormatError, RecordingError
from daqcore_plugins.joulescope.h5_recording import H5DataReader, H5Recorder
from daqcore_plugins.joulescope.recording import open_recording
from daqcore_plugins.joulescope.stream_buffer import StreamBuffer

h5py = pytest.importorskip("h5py")


def _stream(make_raw, cal, n=130_000):
    sb = StreamBuffer(1.0, (200, 100), 2e6)
    sb.calibration_set(*cal)
    return sb, make_raw(n)


def test_h5_recording_matches_jls_and_is_readable_while_written(tmp_path, make_raw, cal):
    sb, raw = _stream(make_raw, cal)
    h5 = H5Recorder(tmp_path / "rec.h5", user_data={"run": 1}, start_sample_id=0)
    jls = DataRecorder(str(tmp_path / "rec.jls"), start_sample_id=0)
    seen = []
    for i in range(0, len(raw), 2 * 40_000):
        sb.insert_raw(raw[i:i + 2 * 40_000])
        sb.process()
        h5.stream_notify(sb)
        jls.stream_notify(sb)
        if i == 2 * 40_000:  # a reader opens the file while it is being written (SWMR)
            h5.flush()
            with H5DataReader(tmp_path / "rec.h5") as live:
                seen.append(live.sample_id_range[1])
                assert live.samples_get(0, 100, fields="current").shape == (100,)
    h5.close()
    jls.close()
    assert seen and 0 < seen[0] < 130_000
    with open_recording(tmp_path / "rec.h5") as a, open_recording(tmp_path / "rec.jls") as b:
        assert isinstance(a, H5DataReader)
        assert a.sample_id_range == b.sample_id_range == [0, 130_000]
        assert a.user_data == {"run": 1}
        for f in ("current", "voltage", "power", "current_range"):
            np.testing.assert_array_equal(a.samples_get(100, 60_000, fields=f),
                                          sb.samples_get(100, 60_000, fields=f))
        sa, sb_ = a.statistics_get(1234, 123_456), b.statistics_get(1234, 123_456)
        for sig in ("current", "voltage", "power"):
            np.testing.assert_allclose(sa["signals"][sig]["µ"]["value"],
                                       sb_["signals"][sig]["µ"]["value"], rtol=1e-6)
        np.testing.assert_allclose(a.data_get(0, 120_000, 20_000)["mean"],
                                   b.data_get(0, 120_000, 20_000)["mean"], rtol=1e-6)
        with pytest.raises(RecordingError):
            a.samples_get(0, 10, fields="raw")
    from daqcore_plugins.joulescope.data_recorder import DataReader

    with DataReader().open(str(tmp_path / "rec.h5")) as r:  # format from the content
        assert isinstance(r, H5DataReader) and r.sample_id_range == [0, 130_000]
    with h5py.File(tmp_path / "rec.h5", "r") as f:  # plain h5py sees the PyMoDAQ layout
        assert f["RawData/Detector000/Data0D/Ch000/Data00"].shape == (130_000,)
        assert f["RawData/Detector000/Reductions/Level0/Mean"].shape == (6, 6)


def test_foreign_hdf5_is_refused(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(JlsFormatError, match="not a daqcore Joulescope recording"):
        open_recording(path)


def _daqcore(*args, cwd):
    return subprocess.run([sys.executable, "-m", "daqcore", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_record_info_export(tmp_path):
    out = tmp_path / "cap.jls"
    r = _daqcore("joulescope", "record", str(out), "--duration", "0.1", "--sim", "--load",
                 "pulsed", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "recorded" in r.stdout and "200000 samples" in r.stdout
    assert "current" in r.stdout and "mean" in r.stdout
    assert "recording cap.jls" in r.stderr  # progress bar
    r = _daqcore("joulescope", "info", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "JLS v1 recording" in r.stdout and "samples  200000" in r.stdout
    # the conversions run in-process (same click command, no extra interpreter start-up)
    from click.testing import CliRunner

    from daqcore_plugins.joulescope.cli import joulescope

    res = CliRunner().invoke(joulescope, ["export", str(out), "--to", "csv"])
    assert res.exit_code == 0, res.output
    with open(tmp_path / "cap.csv") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["time_s", "current_A", "voltage_V", "power_W"]
    assert len(rows) == 200_001
    current = np.array([float(x[1]) for x in rows[1:]])
    assert 9e-3 < current.mean() < 11e-3  # 50 % at 20 mA, 50 % at 0.2 mA
    res = CliRunner().invoke(joulescope, ["record", str(tmp_path / "live.h5"), "--duration",
                                          "0.05", "--sim", "--no-progress"])
    assert res.exit_code == 0, res.output
    with open_recording(tmp_path / "live.h5") as h:
        assert h.sample_id_range == [0, 100_000]
    res = CliRunner().invoke(joulescope, ["export", str(out), "--to", "h5"])
    assert res.exit_code == 0, res.output
    with open_recording(tmp_path / "cap.h5") as h, open_recording(out) as j:
        np.testing.assert_array_equal(h.samples_get(0, 1000, fields="current"),
                                      j.samples_get(0, 1000, fields="current"))


def test_cli_errors(tmp_path):
    r = _daqcore("joulescope", "record", str(tmp_path / "x.txt"), "--duration", "0.1", "--sim",
                 cwd=tmp_path)
    assert r.returncode != 0 and ".jls, .h5" in r.stderr
    bad = tmp_path / "bad.jls"
    bad.write_bytes(b"nonsense" * 10)
    r = _daqcore("joulescope", "info", str(bad), cwd=tmp_path)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "neither a JLS v1 nor an HDF5 recording" in r.stderr


def test_record_keeps_an_existing_file_unless_overwrite(tmp_path):
    from click.testing import CliRunner

    from daqcore_plugins.joulescope.cli import joulescope

    out = tmp_path / "earlier.h5"
    out.write_bytes(b"an earlier recording")
    args = ["record", str(out), "--duration", "0.05", "--sim", "--no-progress"]
    res = CliRunner().invoke(joulescope, args)
    assert res.exit_code == 2 and "exists" in res.output and "--overwrite" in res.output
    assert out.read_bytes() == b"an earlier recording"
    res = CliRunner().invoke(joulescope, [*args, "--overwrite"])
    assert res.exit_code == 0, res.output
    with open_recording(out) as h:
        assert h.sample_id_range == [0, 100_000]
