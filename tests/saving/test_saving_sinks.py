"""Saving sinks: records in, PyMoDAQ-layout files out; faults injected on every path.

A failed write, flush or finalisation ends the run as ``failed`` with the error in the file's
attributes (when the file can still be written), in the result and in the terminal event;
the file is closed and re-opens; a full disk says what to do; a log sample is saved for
every detector or for none; ``n_points_done`` is current at every flush (kill -9 test).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading

import h5py
import numpy as np
import pytest

from daqcore.acquisition import Logger, Scan, ScannerGrid, open_instruments
from daqcore.acquisition.adaptive import ScannerAdaptive1D
from daqcore.acquisition.errors import PointSaveError
from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.data.records import InstrumentInfo, PointRecord, RowRecord, RunStart, RunStop
from daqcore.saving import DataLoader, decode_attribute
from daqcore.saving.h5file import H5File
from daqcore.saving.sinks import DiskFullError, LogSink, ScanSink, SinkError

SETTINGS = {"mock_x": {"speed": 0.0}, "mock_1d": {"npoints": 16}}


@pytest.fixture
def rig():
    with open_instruments(["mock_x"], ["mock_0d", "mock_1d"], settings=SETTINGS) as (a, d):
        yield a, d


def _attrs(path, group):
    with h5py.File(path, "r") as f:
        return {k: decode_attribute(v) for k, v in f[group].attrs.items()}


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _dte(name, value, n=1):
    return DataToExport(name, data=[DataRaw(name, data=[np.full(n, float(value))])])


def _scan_start(n=4, **plan):
    axes = (Axis("x", "mm", np.arange(float(n)), index=0),)
    return RunStart("scan", detectors=(InstrumentInfo("a", "detector"),),
                    plan={"scan_shape": (n,), "n_points": n, "nav_axes": axes, **plan})


# ------------------------------------------------------------------------------- scan sink
@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_scan_sink_alone_writes_a_loadable_scan(tmp_path, backend):
    sink = ScanSink(tmp_path / "s.h5", backend=backend, flush_interval=10.0)
    start = _scan_start()
    sink(start)
    for i in range(3):
        sink(PointRecord(start.uid, i, (i,), (float(i),), (_dte("a", 10 + i),)))
    sink(RunStop(start.uid, "stopped", 3, 4))
    sink.close()  # idempotent
    attrs = _attrs(tmp_path / "s.h5", "/RawData/Scan000")
    assert (attrs["status"], attrs["n_points_done"], attrs["n_points"]) == ("stopped", 3, 4)
    with DataLoader(tmp_path / "s.h5") as loader:
        dwa = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    np.testing.assert_array_equal(dwa.data[0][:3], [10.0, 11.0, 12.0])
    assert np.isnan(dwa.data[0][3])


def test_scan_sink_bounds_pending_data_in_bytes(tmp_path, monkeypatch):
    sink = ScanSink(tmp_path / "b.h5", swmr=False, flush_interval=1e6, max_pending_bytes=20_000)
    start = _scan_start(n=50)
    sink(start)
    flushes = []
    real_flush = sink.flush
    monkeypatch.setattr(sink, "flush", lambda: (flushes.append(sink._pending_bytes()),
                                                real_flush()))
    for i in range(50):
        sink(PointRecord(start.uid, i, (i,), (float(i),), (_dte("a", i, n=500),)))
    sink(RunStop(start.uid, "finished", 50, 50))
    assert len(flushes) >= 10 and max(flushes) < 20_000 + 5_000


def test_records_outside_a_run_are_refused(tmp_path):
    sink = ScanSink(tmp_path / "r.h5")
    with pytest.raises(SinkError, match="outside a run"):
        sink(PointRecord("u", 0, (0,), (0.0,), (_dte("a", 1),)))
    with pytest.raises(SinkError, match="saves scans"):
        sink(RunStart("log"))
    with pytest.raises(SinkError, match="max_pending_bytes"):
        ScanSink(tmp_path / "x.h5", max_pending_bytes=-1)


# ------------------------------------------------------------------------------- faults
def _consume_events(acq, out):
    for event in acq.events():  # no timeout: must end
        out.append(event)


def _run_in_background(acq):
    events: list = []
    consumer = threading.Thread(target=_consume_events, args=(acq, events), daemon=True)
    consumer.start()
    acq.start()
    acq.join(timeout=60)
    consumer.join(timeout=10)
    assert not consumer.is_alive(), "events() consumer blocked"
    return events


def test_disk_full_while_writing_fails_the_scan_and_closes_the_file(rig, tmp_path,
                                                                     monkeypatch):
    acts, dets = rig
    path = tmp_path / "full.h5"
    calls = {"n": 0}
    from daqcore.saving.backends.h5py_backend import H5pyBackend

    real = H5pyBackend.write_point

    def write_point(self, h, index, value):
        calls["n"] += 1
        if calls["n"] > 10:
            _disk_full()
        real(self, h, index, value)

    monkeypatch.setattr(H5pyBackend, "write_point", write_point)
    monkeypatch.setattr(H5pyBackend, "write", _disk_full)
    scan = Scan(acts, dets, ScannerGrid(axes=[(0, 9, 1)]), path=path, flush_interval=0)
    events = _run_in_background(scan)
    with pytest.raises(PointSaveError) as info:
        scan.wait()
    cause = info.value.__cause__
    assert isinstance(cause, DiskFullError) and isinstance(cause, OSError)
    assert "free some space" in str(cause) and str(path) in str(cause)
    assert scan.result.status == "failed" and events[-1].kind == "failed"
    assert events[-1].error is info.value
    monkeypatch.undo()
    attrs = _attrs(path, "/RawData/Scan000")  # closed: it re-opens without h5clear
    assert attrs["status"] == "failed" and "no space left" in attrs["error"].lower()
    assert attrs["n_points_done"] >= 1


def test_failing_flush_at_the_end_fails_the_run_and_closes(rig, tmp_path, monkeypatch):
    acts, dets = rig
    path = tmp_path / "flush.h5"
    scan = Scan(acts, dets, ScannerGrid(axes=[(0, 3, 1)]), path=path, flush_interval=100,
                swmr=False)
    scan.subscribe(lambda e: e.kind == "started" and monkeypatch.setattr(H5File, "flush",
                                                                         _disk_full))
    with pytest.raises(DiskFullError, match="free some space"):
        scan.run()
    monkeypatch.undo()
    assert scan.result.status == "failed" and scan.state.value == "failed"
    with h5py.File(path, "r") as f:  # closed and re-openable
        assert "Scan000" in f["RawData"]


def test_failing_final_attribute_fails_a_finished_log(rig, tmp_path, monkeypatch):
    _, dets = rig
    real = H5File._set_attr_handle

    def set_attr(self, handle, name, value):
        if name == "status" and value != "running":
            raise RuntimeError("attribute write refused")
        real(self, handle, name, value)

    monkeypatch.setattr(H5File, "_set_attr_handle", set_attr)
    log = Logger(dets, interval=0, n_samples=5, path=tmp_path / "attr.h5")
    events = _run_in_background(log)
    with pytest.raises(SinkError, match="final attributes"):
        log.wait()
    assert log.result.status == "failed" and events[-1].kind == "failed"
    monkeypatch.undo()
    with DataLoader(tmp_path / "attr.h5") as loader:
        dwa = loader.load_data("/RawData/Detector000/Data0D/CH00/EnlData00")
    assert dwa.data[0].shape[0] == 5


def test_a_failed_log_append_is_rolled_back_in_every_array(rig, tmp_path, monkeypatch):
    """Issue 9: one failed append must not leave arrays of different lengths."""
    _, dets = rig
    from daqcore.saving.backends.h5py_backend import H5pyBackend

    real = H5pyBackend.append
    state = {"n": 0}

    def append(self, h, rows):
        state["n"] += 1
        if state["n"] == 9:  # in the middle of the second flush
            raise OSError("device error")
        real(self, h, rows)

    monkeypatch.setattr(H5pyBackend, "append", append)
    log = Logger(dets, interval=0, n_samples=20, path=tmp_path / "roll.h5", flush_interval=0)
    with pytest.raises(PointSaveError):
        log.run()
    assert log.result.status == "failed"
    monkeypatch.undo()
    with h5py.File(tmp_path / "roll.h5", "r") as f:
        lengths = set()
        f.visititems(lambda n, o: lengths.add(o.shape[0]) if isinstance(o, h5py.Dataset)
                     and ("EnlData" in n or "NavAxes/Axis" in n) else None)
        status = decode_attribute(f["RawData"].attrs["status"])
        done = decode_attribute(f["RawData"].attrs["n_samples_done"])
    assert len(lengths) == 1 and status == "failed" and done == lengths.pop()


def test_a_log_row_is_saved_for_every_detector_or_none(tmp_path):
    sink = LogSink(tmp_path / "rows.h5", flush_interval=0)
    start = RunStart("log", detectors=(InstrumentInfo("a", "detector"),
                                       InstrumentInfo("b", "detector")))
    sink(start)
    sink(RowRecord(start.uid, 0, 1.0, (_dte("a", 1), _dte("b", 2))))
    with pytest.raises(Exception, match=r"shape|match"):
        sink(RowRecord(start.uid, 1, 2.0, (_dte("a", 3), _dte("b", 4, n=3))))
    sink(RowRecord(start.uid, 2, 3.0, (_dte("a", 5), _dte("b", 6))))
    sink(RunStop(start.uid, "finished", 2))
    with h5py.File(tmp_path / "rows.h5", "r") as f:
        a = f["RawData/Detector000/Data0D/CH00/EnlData00"][()].ravel()
        b = f["RawData/Detector001/Data0D/CH00/EnlData00"][()].ravel()
    np.testing.assert_array_equal(a, [1.0, 5.0])
    np.testing.assert_array_equal(b, [2.0, 6.0])


def test_adaptive_scan_fills_its_navigation_axis_point_by_point(rig, tmp_path):
    acts, dets = rig
    scanner = ScannerAdaptive1D(start=-1.0, stop=1.0, n_points=9, n_initial=3)
    result = Scan(acts, dets, scanner, path=tmp_path / "ad.h5").run()
    assert result.completed
    with DataLoader(result.path) as loader:
        dwa = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
    (axis,) = dwa.get_nav_axes()
    values = axis.get_data()
    assert values[:3].tolist() == [-1.0, 0.0, 1.0] and np.isfinite(values).all()
    assert len(set(values.tolist())) == 9 and np.isfinite(dwa.data[0]).all()


# ------------------------------------------------------------------------------- kill -9
KILLED_SCAN = r"""
import sys
from daqcore.acquisition import Scan, ScannerGrid, open_instruments
settings = {"mock_x": {"speed": 0.0}, "mock_y": {"speed": 0.0}}
with open_instruments(["mock_x", "mock_y"], ["mock_0d"], settings=settings) as (a, d):
    scan = Scan(a, d, ScannerGrid(axes=[(0, 9.9, 0.1), (0, 9.9, 0.1)]), path=sys.argv[1],
                flush_interval=0.05)
    for event in scan.iterate():
        print(event.n_done, flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_killed_scan_keeps_n_points_done_within_a_flush(tmp_path):
    """Issue 18 item 12: after kill -9 the attribute is at most one flush behind."""
    script = tmp_path / "scan.py"
    script.write_text(KILLED_SCAN)
    path = tmp_path / "killed.h5"
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        n = 0
        while n < 3000:
            line = proc.stdout.readline()
            assert line, "the scan died early"
            n = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with h5py.File(path, "r", swmr=True) as f:
        group = f["RawData/Scan000"]
        done = decode_attribute(group.attrs["n_points_done"])
        status = decode_attribute(group.attrs["status"])
        written = int(np.isfinite(group["Detector000/Data0D/CH00/Data00"][()]).sum())
    assert status == "running"
    assert 2000 < done <= written


# ------------------------------------------------------------------------------- buffered
def _buffered(tmp_path, background=False, flush_period=10.0):
    from daqcore.saving import BufferedTimedSaver, H5SaverLowLevel

    h5 = H5SaverLowLevel("logger")
    h5.init_file(tmp_path / "buf.h5", new_file=True)
    group = h5.add_det_group(h5.raw_group, title="det")
    saver = BufferedTimedSaver(h5, flush_period=flush_period, block_rows=1000,
                               background=background)
    return h5, group, saver


def _two_channels(k):
    dte = DataToExport("det", data=[DataRaw("a", data=[np.array([float(k)])]),
                                    DataRaw("b", data=[np.array([-float(k)])])])
    dte.timestamp = 100.0 + k
    return dte


def _lengths(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o.shape[0])
                     if isinstance(o, h5py.Dataset) and o.maxshape[:1] == (None,)
                     and "Logger" not in n else None)
    return out


def test_buffered_saver_failed_append_leaves_equal_lengths_and_retries(tmp_path, monkeypatch):
    """Issue 9: a failed append then a retry left CH00 with 5 rows, CH01 and time with 3."""
    from daqcore.saving.backends.h5py_backend import H5pyBackend

    _, group, saver = _buffered(tmp_path)
    for k in range(3):
        saver.add_data(group, _two_channels(k))
    saver.flush()
    real, state = H5pyBackend.append, {"fail": True}

    def append(self, h, rows):
        if state["fail"] and "CH01" in h.name:
            state["fail"] = False
            raise OSError("device error")
        real(self, h, rows)

    monkeypatch.setattr(H5pyBackend, "append", append)
    saver.add_data(group, _two_channels(3))
    saver.add_data(group, _two_channels(4))
    with pytest.raises(OSError, match="device error"):
        saver.flush()
    saver.flush()  # the rows stayed buffered: written now, once
    saver.close_file()
    lengths = _lengths(tmp_path / "buf.h5")
    assert set(lengths.values()) == {5}, lengths
    with DataLoader(tmp_path / "buf.h5") as loader:
        b = loader.load_data("/RawData/Detector000/Data0D/CH01/EnlData00")
    np.testing.assert_array_equal(b.data[0].ravel(), -np.arange(5.0))


def test_buffered_saver_reraises_a_background_failure(tmp_path, monkeypatch):
    from daqcore.saving.backends.h5py_backend import H5pyBackend
    from daqcore.saving.buffered import BackgroundWriteError

    _, group, saver = _buffered(tmp_path, background=True, flush_period=0.05)
    saver.add_data(group, _two_channels(0))  # first row: written directly
    monkeypatch.setattr(H5pyBackend, "append", _disk_full)
    saver.add_data(group, _two_channels(1))
    deadline = 100
    while saver._error is None and deadline:
        threading.Event().wait(0.02)
        deadline -= 1
    with pytest.raises(BackgroundWriteError, match="still buffered"):
        saver.add_data(group, _two_channels(2))
    monkeypatch.undo()
    saver.close_file()
    assert set(_lengths(tmp_path / "buf.h5").values()) == {2}


def test_logged_error_bars_keep_every_array_the_same_length(tmp_path):
    sink = LogSink(tmp_path / "err.h5", flush_interval=10.0)
    start = RunStart("log", detectors=(InstrumentInfo("a", "detector"),))
    sink(start)
    for k in range(3):
        errors = None if k == 1 else [np.array([0.1 * k])]
        dte = DataToExport("a", data=[DataRaw("a", data=[np.array([float(k)])], errors=errors)])
        dte.timestamp = 10.0 + k  # each detector's own time stamp is the time axis
        sink(RowRecord(start.uid, k, 10.0 + k, (dte,)))
    sink(RunStop(start.uid, "finished", 3))
    with DataLoader(tmp_path / "err.h5") as loader:
        dwa = loader.load_data("/RawData/Detector000/Data0D/CH00/EnlData00")
    np.testing.assert_array_equal(dwa.data[0].ravel(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(dwa.errors[0].ravel(), [0.0, np.nan, 0.2])
    np.testing.assert_array_equal(dwa.get_nav_axes()[0].get_data(), [10.0, 11.0, 12.0])


KILLED_LOG = r"""
import sys
from daqcore.acquisition import Logger, open_instruments
with open_instruments([], ["mock_0d", "mock_1d"]) as (_, d):
    for event in Logger(d, interval=0, path=sys.argv[1], flush_interval=0.02).iterate():
        print(event.n_done, flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_killed_log_has_a_sample_for_every_detector_or_none(tmp_path):
    """Issue 18 item 12: after kill -9 one detector had 509 samples and the other 508."""
    script = tmp_path / "log.py"
    script.write_text(KILLED_LOG)
    path = tmp_path / "killed_log.h5"
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        n = 0
        while n < 2000:
            line = proc.stdout.readline()
            assert line, "the logger died early"
            n = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    lengths = {}
    with h5py.File(path, "r", swmr=True) as f:
        f.visititems(lambda name, o: lengths.__setitem__(name, o.shape[0])
                     if isinstance(o, h5py.Dataset) and ("EnlData" in name or "NavAxes" in name)
                     else None)
        done = decode_attribute(f["RawData"].attrs["n_samples_done"])
    assert len(lengths) >= 4 and len(set(lengths.values())) == 1, lengths
    assert 1000 < done <= set(lengths.values()).pop()
