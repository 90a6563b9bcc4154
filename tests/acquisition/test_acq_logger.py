"""Timed logger: enlargeable arrays with a time axis, SWMR, stop, failures."""

from __future__ import annotations

import itertools
import threading

import h5py
import numpy as np
import pytest

from daqcore.acquisition import Logger
from daqcore.acquisition.errors import DetectorError, OutputPathError, ScanConfigurationError
from daqcore.saving import DataLoader, decode_attribute


@pytest.mark.parametrize("buffered", [True, False])
def test_logger_n_samples_round_trip(rig, tmp_path, buffered):
    rig.x.move_abs(2.0)
    result = Logger(rig.detectors, interval=0, n_samples=6, path=tmp_path / "log.h5",
                    buffered=buffered).run()
    assert result.status == "finished" and result.n_samples_done == 6
    assert result.detector_groups == {"det0": "/RawData/Detector000",
                                      "det1": "/RawData/Detector001"}
    with DataLoader(result.path) as loader:
        power = loader.load_data("/RawData/Detector000/Data0D/CH00/EnlData00", load_all=True)
        spec = loader.load_data("/RawData/Detector001/Data1D/CH00/EnlData00")
    assert power.shape == (6,) and spec.shape == (6, 8)
    np.testing.assert_array_equal(power.data[0], [20.0] * 6)
    np.testing.assert_array_equal(spec.data[0], np.array([g[0].data[0] for g in rig.d1.grabbed]))
    (time_axis,) = [a for a in spec.axes if a.label == "time"]
    assert time_axis.units == "s" and time_axis.index == 0
    np.testing.assert_array_equal(time_axis.get_data(), [g.timestamp for g in rig.d1.grabbed])
    with h5py.File(result.path, "r") as f:
        raw = f["RawData"].attrs
        assert decode_attribute(raw["type"]) == "logger"
        assert decode_attribute(raw["n_samples_done"]) == 6
        assert decode_attribute(raw["status"]) == "finished"


def test_logger_file_loads_in_pymodaq(rig, tmp_path):
    from pymodaq_data.h5modules.data_saving import DataLoader as PmdLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PmdSaver

    result = Logger(rig.detectors, interval=0, n_samples=3, path=tmp_path).run()
    h5 = PmdSaver(backend="h5py")
    h5.open_file(str(result.path), "r")
    try:
        spec = PmdLoader(h5).load_data("/RawData/Detector001/Data1D/CH00/EnlData00")
    finally:
        h5.close_file()
    assert spec.shape == (3, 8)
    assert {a.label for a in spec.axes} == {"time", "wavelength"}


def test_logger_duration_and_interval(rig, tmp_path):
    result = Logger([rig.d0], interval=0.05, duration=0.3, path=tmp_path).run()
    assert result.status == "finished"
    # Ticks come every 50 ms from the first sample: at most 7 fit in 0.3 s however loaded the
    # machine is (late ticks are skipped, never caught up), while a logger ignoring the
    # interval would save hundreds. A loaded machine may run fewer: only 1 is guaranteed.
    assert 1 <= result.n_samples_done <= 7
    assert len(rig.d0.grabbed) == result.n_samples_done
    assert result.elapsed >= 0.3  # it ran for the whole duration
    with h5py.File(result.path, "r") as f:
        assert f["RawData/Detector000/Data0D/CH00/EnlData00"].shape[0] == result.n_samples_done
    stamps = [g.timestamp for g in rig.d0.grabbed]
    assert all(b > a for a, b in itertools.pairwise(stamps))


def test_logger_stop_from_other_thread_with_swmr_reader(rig, tmp_path):
    log = Logger([rig.d0], interval=0.005, path=tmp_path / "live.h5", flush_interval=0)
    got = threading.Event()
    seen = {}

    def watch(event):
        if event.kind == "point" and event.n_done == 3:
            with h5py.File(event.path, "r", swmr=True) as f:
                ds = f["RawData/Detector000/Data0D/CH00/EnlData00"]
                ds.refresh()
                seen["n"] = ds.shape[0]
            got.set()

    log.subscribe(watch)
    log.start()
    assert got.wait(30)
    log.stop()
    result = log.wait(30)
    assert seen["n"] >= 3
    assert result.status == "stopped" and result.n_samples_done >= 3
    with DataLoader(result.path) as loader:
        dwa = loader.load_data("/RawData/Detector000/Data0D/CH00/EnlData00")
    assert dwa.shape == (result.n_samples_done,)


@pytest.mark.parametrize("buffered", [True, False])
def test_logger_detector_failure_keeps_samples(make_rig, tmp_path, buffered):
    rig = make_rig(fail_at=4)
    log = Logger(rig.detectors, interval=0, n_samples=10, path=tmp_path, buffered=buffered)
    with pytest.raises(DetectorError, match="point 4"):
        log.run()
    assert log.result.n_samples_done == 4 and log.result.status == "failed"
    with DataLoader(log.result.path) as loader:
        dwa = loader.load_data("/RawData/Detector000/Data0D/CH00/EnlData00")
    assert dwa.shape == (4,)


@pytest.mark.parametrize("kwargs, match", [
    ({"interval": -1}, "interval"),
    ({"interval": float("nan")}, "interval"),
    ({"interval": 0, "duration": 0}, "duration"),
    ({"interval": 0, "n_samples": 0}, "n_samples"),
])
def test_logger_bad_parameters(rig, kwargs, match):
    with pytest.raises(ScanConfigurationError, match=match):
        Logger(rig.detectors, **kwargs)
    with pytest.raises(ScanConfigurationError, match="detector"):
        Logger([], interval=1)


def test_logger_unwritable_path(rig, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputPathError):
        Logger(rig.detectors, interval=0, n_samples=1, path=blocker / "x.h5").run()
    assert rig.d0.n_grabs == 0


def test_paused_logger_has_every_sample_on_disk(rig, tmp_path):
    log = Logger([rig.d1], interval=0, path=tmp_path / "p.h5", flush_interval=60)
    paused = threading.Event()
    release = threading.Event()
    seen = {}

    def on_event(event):
        if event.kind == "point" and event.n_done == 40:
            log.pause()
        elif event.kind == "paused":
            with h5py.File(event.path, "r", swmr=True) as f:
                ds = f["RawData/Detector000/Data1D/CH00/EnlData00"]
                ds.refresh()
                seen["rows"] = ds[()].copy()
            paused.set()
            release.wait(30)

    log.subscribe(on_event)
    log.start()
    assert paused.wait(30)
    release.set()
    log.stop()
    result = log.wait(30)
    # nothing was waiting in memory while paused, although flush_interval is 60 s
    assert seen["rows"].shape == (40, 8)
    np.testing.assert_array_equal(seen["rows"], [g[0].data[0] for g in rig.d1.grabbed[:40]])
    assert result.status == "stopped" and result.n_samples_done == 40
