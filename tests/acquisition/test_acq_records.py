"""Engines emit records (RunStart, PointRecord / RowRecord, RunStop) to their subscribers;
progress events are derived from them; hardware averaging is asked once per point."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.acquisition import Logger, Scan, ScannerGrid
from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.data.records import PointRecord, RowRecord, RunStart, RunStop
from daqcore.instruments import Detector


def test_scan_emits_records_in_order_and_events_from_them(rig, tmp_path):
    records, events = [], []
    scan = Scan(rig.actuators, rig.detectors, ScannerGrid(axes=[(0, 1, 1), (0, 2, 1)]),
                path=tmp_path)
    scan.subscribe_records(records.append)
    scan.subscribe(events.append)
    result = scan.run()
    start, *points, stop = records
    assert isinstance(start, RunStart) and isinstance(stop, RunStop)
    assert start.kind == "scan" and [d.name for d in start.detectors] == ["det0", "det1"]
    assert start.plan["scan_shape"] == (2, 3) and start.n_planned == 6
    assert [type(p) for p in points] == [PointRecord] * 6
    assert {p.uid for p in points} == {start.uid} == {stop.uid}
    assert [p.indexes for p in points[:4]] == [(0, 0), (0, 1), (0, 2), (1, 0)]
    assert (stop.status, stop.n_done, stop.n_planned, stop.error) == ("finished", 6, 6, "")
    assert [e.kind for e in events] == ["started"] + ["point"] * 6 + ["finished"]
    assert events[3].indexes == points[2].indexes and events[3].data is points[2].detector_data
    assert events[-1].path == str(result.path)


def test_a_raising_record_subscriber_is_dropped_not_the_scan(rig, tmp_path):
    calls = []

    def broken(record):
        calls.append(record)
        raise RuntimeError("broken view")

    scan = Scan(rig.actuators, rig.detectors, ScannerGrid(axes=[(0, 1, 1), (0, 1, 1)]),
                path=tmp_path)
    scan.subscribe_records(broken)
    assert scan.run().completed and len(calls) == 1


def test_failed_scan_sends_a_failed_run_stop(make_rig, tmp_path):
    rig = make_rig(fail_at=2)
    records = []
    scan = Scan(rig.actuators, rig.detectors, ScannerGrid(axes=[(0, 1, 1), (0, 2, 1)]),
                path=tmp_path)
    scan.subscribe_records(records.append)
    with pytest.raises(Exception, match="exploded"):
        scan.run()
    stop = records[-1]
    assert isinstance(stop, RunStop) and stop.status == "failed" and stop.n_done == 2
    assert "exploded" in stop.error and stop.exception is scan.result.error
    assert scan.result.status == "failed"


def test_logger_emits_row_records(rig, tmp_path):
    records = []
    log = Logger(rig.detectors, interval=0, n_samples=4, path=tmp_path / "l.h5")
    log.subscribe_records(records.append)
    log.run()
    start, *rows, stop = records
    assert start.kind == "log" and start.n_planned == 4
    assert [r.index for r in rows] == [0, 1, 2, 3] and isinstance(rows[0], RowRecord)
    assert rows[0].timestamp <= rows[-1].timestamp and len(rows[0].detector_data) == 2
    assert stop.status == "finished" and stop.counts == {"n_missed": 0}


class HardwareAverager(Detector):
    dims = (DataDim.Data0D,)
    hardware_averaging = True

    def _ini_detector(self):
        self.calls = []
        return "ok"

    def _grab_data(self, naverage):
        self.calls.append(naverage)
        return DataToExport(self.title, data=[DataFromPlugins(
            "p", data=[np.array([float(naverage)])], errors=[np.array([0.5])],
            origin=self.title)])


class DuckDetector:
    """A detector object that is not a daqcore Detector: averaged by the engine."""

    title = "duck"

    def __init__(self):
        self.n = 0

    def grab_data(self):
        self.n += 1
        return DataToExport("duck", data=[DataFromPlugins("q", data=[np.array([float(self.n)])],
                                                          origin="duck")])


def test_hardware_averaging_is_asked_once_per_point(rig, tmp_path):
    """Issue 9: naverage=10 over 2 points gave 20 calls of grab_data(1)."""
    det = HardwareAverager(title="hw")
    det.ini_detector()
    duck = DuckDetector()
    try:
        result = Scan([rig.x], [det, duck], ScannerGrid(axes=[(0, 1, 1)]), naverage=10,
                      path=tmp_path).run()
    finally:
        det.close()
    assert det.calls == [10, 10]
    assert duck.n == 20  # duck-typed: grabbed 10 times per point, averaged by the engine
    data = result.load()
    hw = data.get_data_from_name("p")
    np.testing.assert_array_equal(hw.data[0], [10.0, 10.0])
    np.testing.assert_array_equal(hw.errors[0], [0.5, 0.5])  # the detector's own error bars
    q = data.get_data_from_name("q")
    np.testing.assert_allclose(q.data[0], [5.5, 15.5])
    np.testing.assert_allclose(q.errors[0], np.std(np.arange(1, 11), ddof=1) / np.sqrt(10))


def test_one_averaging_helper():
    from daqcore.acquisition import averaging as acq_avg
    from daqcore.instruments import averaging as inst_avg
    from daqcore.instruments.detector import Detector as Det

    assert acq_avg.average_grabs is inst_avg.average_grabs
    assert not hasattr(Det, "_average")
