"""Scan life cycle: events, stop, pause/resume, background thread, SWMR reading, failures."""

from __future__ import annotations

import threading

import h5py
import numpy as np
import pytest

from daqcore.acquisition import AcquisitionState, Scan, Scanner1DLinear, Scanner2DGrid
from daqcore.acquisition.errors import (
    ActuatorTimeoutError,
    DetectorError,
    OutOfBoundsError,
    OutputPathError,
    ScanConfigurationError,
    ScanStateError,
)

SCAN = "RawData/Scan000"


def _attrs(path):
    from daqcore.saving import decode_attribute

    with h5py.File(path, "r") as f:
        return {k: decode_attribute(v) for k, v in f[SCAN].attrs.items()}


def test_events_sequence_and_eta(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 2, 1)), path=tmp_path)
    events = []
    scan.subscribe(events.append)
    scan.run()
    kinds = [e.kind for e in events]
    assert kinds == ["started"] + ["point"] * 6 + ["finished"]
    points = [e for e in events if e.kind == "point"]
    assert [e.n_done for e in points] == list(range(1, 7))
    assert points[-1].eta == 0 and points[-1].fraction == 1
    assert points[0].positions == (0.0, 0.0) and points[4].indexes == (1, 1)
    assert points[2].data[1][0].data[0].shape == (8,)
    assert events[-1].is_terminal and scan.state is AcquisitionState.finished


def test_stop_from_callback_leaves_valid_file_with_nan(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)), path=tmp_path)

    def stop_after_four(event):
        if event.kind == "point" and event.n_done == 4:
            scan.stop()

    scan.subscribe(stop_after_four)
    result = scan.run()
    assert result.status == "stopped" and result.n_points_done == 4 and not result.completed
    attrs = _attrs(result.path)
    assert attrs["n_points_done"] == 4 and attrs["n_points"] == 9 and attrs["status"] == "stopped"
    with h5py.File(result.path, "r") as f:
        data = f[SCAN + "/Detector000/Data0D/CH00/Data00"][()]
    flat = data.ravel()
    assert np.all(np.isfinite(flat[:4])) and np.all(np.isnan(flat[4:]))
    assert scan.state is AcquisitionState.stopped


def test_breaking_out_of_iterate_stops_cleanly(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)), path=tmp_path)
    for event in scan.iterate():
        if event.n_done == 2:
            break
    assert scan.result.status == "stopped" and scan.result.n_points_done == 2
    assert _attrs(scan.result.path)["n_points_done"] == 2


def test_pause_resume_in_background_thread(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 3, 1), (0, 3, 1)), path=tmp_path)
    paused = threading.Event()
    release = threading.Event()
    seen = []

    def on_event(event):
        seen.append(event.kind)
        if event.kind == "point" and event.n_done == 3:
            scan.pause()
        if event.kind == "paused":
            paused.set()
            release.wait(30)

    scan.subscribe(on_event)
    scan.start()
    assert paused.wait(30)
    assert scan.state is AcquisitionState.paused
    n_paused = seen.count("point")
    release.set()
    scan.resume()
    result = scan.wait(30)
    assert n_paused == 3
    assert result.completed and result.n_points_done == 16
    assert seen.index("paused") < seen.index("resumed")
    with pytest.raises(ScanStateError):
        scan.start()


def test_events_iterator_from_another_thread(rig, tmp_path):
    scan = Scan([rig.x], rig.detectors, Scanner1DLinear(0, 4, 1), path=tmp_path)
    it = scan.events(timeout=10)
    collected = []
    consumer = threading.Thread(target=lambda: collected.extend(it))
    consumer.start()
    scan.start()
    scan.wait(30)
    consumer.join(30)
    # subscribed before start(): every event arrives, in order
    assert [e.kind for e in collected] == ["started"] + ["point"] * 5 + ["finished"]
    assert [e.n_done for e in collected[1:-1]] == [1, 2, 3, 4, 5]
    assert list(scan.events()) == []  # after the end: nothing, no hang


def test_swmr_reader_sees_points_during_the_scan(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)),
                path=tmp_path / "live.h5", flush_interval=0)
    seen = {}

    def read_live(event):
        if event.kind == "point" and event.n_done == 5:
            with h5py.File(event.path, "r", swmr=True) as f:
                data = f[SCAN + "/Detector000/Data0D/CH00/Data00"]
                data.refresh()
                seen["flat"] = data[()].ravel().copy()
                seen["swmr_active"] = bool(f.attrs["swmr_active"])
            # what a live plot would do: daqcore's loader as an SWMR reader, nav axes included
            from daqcore.saving import DataLoader

            with DataLoader(event.path, swmr_mode=True) as loader:
                live = loader.load_data(SCAN + "/Detector001/Data1D/CH00/Data00")
            seen["live"] = live

    scan.subscribe(read_live)
    result = scan.run()
    assert seen["swmr_active"]
    assert np.isfinite(seen["flat"][:5]).all() and np.isnan(seen["flat"][5:]).all()
    live = seen["live"]
    assert live.shape == (3, 3, 8) and {a.label for a in live.get_nav_axes()} == {"x", "y"}
    flat = live.data[0].reshape(9, 8)
    assert np.isfinite(flat[:5]).all() and np.isnan(flat[5:]).all()
    with h5py.File(result.path, "r") as f:
        assert not bool(f.attrs["swmr_active"])


def test_detector_failure_keeps_points_done_and_names_point(make_rig, tmp_path):
    rig = make_rig(fail_at=5)
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)), path=tmp_path)
    events = []
    scan.subscribe(events.append)
    with pytest.raises(DetectorError, match=r"'det1' failed at point 5.*exploded") as info:
        scan.run()
    assert info.value.point_index == 5 and info.value.detector == "det1"
    assert isinstance(info.value.__cause__, RuntimeError)
    assert events[-1].kind == "failed" and events[-1].error is info.value
    result = scan.result
    assert result.status == "failed" and result.n_points_done == 5
    attrs = _attrs(result.path)
    assert attrs["status"] == "failed" and attrs["n_points_done"] == 5
    assert "exploded" in attrs["error"]
    with h5py.File(result.path, "r") as f:
        spec = f[SCAN + "/Detector001/Data1D/CH00/Data00"][()].reshape(9, 8)
    assert np.isfinite(spec[:5]).all() and np.isnan(spec[5:]).all()


def test_detector_failure_in_background_thread_is_raised_by_wait(make_rig, tmp_path):
    rig = make_rig(fail_at=0)
    scan = Scan([rig.x], rig.detectors, Scanner1DLinear(0, 2, 1), path=tmp_path)
    scan.start()
    with pytest.raises(DetectorError, match="point 0"):
        scan.wait(30)
    assert scan.result.n_points_done == 0


def test_out_of_bounds_checked_before_anything_moves(make_rig, tmp_path):
    rig = make_rig(bounds=(-1.0, 1.0))
    scanner = Scanner2DGrid((0, 1.5, 0.5), (0, 1, 1))  # x reaches 1.5 at point index 6
    with pytest.raises(OutOfBoundsError, match=r"point 6.*1\.5.*'x'") as info:
        Scan(rig.actuators, rig.detectors, scanner, path=tmp_path / "never")
    assert info.value.actuator == "x" and info.value.point_index == 6
    assert rig.x.moves == [] and rig.d0.n_grabs == 0
    assert not (tmp_path / "never").exists()


def test_unwritable_output_path_raises_before_moving(rig, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    scan = Scan([rig.x], rig.detectors, Scanner1DLinear(0, 1, 1),
                path=blocker / "sub" / "out.h5")
    with pytest.raises(OutputPathError, match="a_file"):
        scan.run()
    assert rig.x.moves == [] and rig.d0.n_grabs == 0
    assert scan.state is AcquisitionState.failed


def test_existing_non_hdf5_file_is_refused_and_left_untouched(rig, tmp_path):
    target = tmp_path / "notes.h5"
    target.write_text("precious notes")
    with pytest.raises(OutputPathError, match=r"notes\.h5"):
        Scan([rig.x], rig.detectors, Scanner1DLinear(0, 1, 1), path=target).run()
    assert target.read_text() == "precious notes"
    assert rig.x.moves == []


def test_actuator_timeout_is_reported_and_file_valid(rig, tmp_path):
    rig.y.reach = False  # y never gets there
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)),
                path=tmp_path, move_timeout=0.05)
    with pytest.raises(ActuatorTimeoutError, match=r"'y'.*point 1"):
        scan.run()
    assert scan.result.n_points_done == 1
    assert _attrs(scan.result.path)["status"] == "failed"


@pytest.mark.parametrize("kwargs, match", [
    ({"naverage": 0}, "naverage"),
    ({"naverage": 1.5}, "naverage"),
    ({"move_timeout": 0}, "move_timeout"),
])
def test_bad_scan_parameters(rig, tmp_path, kwargs, match):
    with pytest.raises(ScanConfigurationError, match=match):
        Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)),
             path=tmp_path, **kwargs)


def test_scan_needs_detectors_and_a_scanner(rig, tmp_path):
    with pytest.raises(ScanConfigurationError, match="detector"):
        Scan(rig.actuators, [], Scanner2DGrid((0, 1, 1), (0, 1, 1)))
    with pytest.raises(ScanConfigurationError, match="Scanner"):
        Scan(rig.actuators, rig.detectors, [(0, 1)])


def test_a_scan_runs_once(rig, tmp_path):
    scan = Scan([rig.x], rig.detectors, Scanner1DLinear(0, 1, 1), path=tmp_path)
    scan.run()
    with pytest.raises(ScanStateError):
        scan.run()
    with pytest.raises(ScanStateError):
        Scan([rig.x], rig.detectors, Scanner1DLinear(0, 1, 1)).wait()


@pytest.mark.parametrize("flush_interval", [0.0, 10.0])
def test_detector_changing_shape_mid_scan_is_a_point_save_error(rig, tmp_path, flush_interval):
    from daqcore.acquisition.errors import PointSaveError

    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)),
                path=tmp_path, flush_interval=flush_interval)

    def widen(event):
        if event.kind == "point" and event.n_done == 3:
            rig.d1.npts = 16  # the spectrometer suddenly returns 16 points

    scan.subscribe(widen)
    with pytest.raises(PointSaveError, match="point 3") as info:
        scan.run()
    assert info.value.point_index == 3
    assert scan.result.n_points_done == 3
    with h5py.File(scan.result.path, "r") as f:
        power = f[SCAN + "/Detector000/Data0D/CH00/Data00"][()].ravel()
    # all or nothing: det0 was valid at point 3 but is not saved without det1
    assert np.isfinite(power[:3]).all() and np.isnan(power[3:]).all()


def test_keyboard_interrupt_marks_scan_stopped(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 2, 1), (0, 2, 1)), path=tmp_path)

    def interrupt(event):
        if event.kind == "point" and event.n_done == 2:
            raise KeyboardInterrupt

    # callbacks are isolated, so interrupt through the iterator like Ctrl-C in a loop would
    with pytest.raises(KeyboardInterrupt):
        for event in scan.iterate():
            interrupt(event)
    assert scan.result.status == "stopped" and _attrs(scan.result.path)["n_points_done"] == 2


def test_failed_scan_appended_to_a_file_keeps_the_earlier_scan(make_rig, tmp_path):
    target = tmp_path / "lab.h5"
    good = make_rig()
    Scan(good.actuators, good.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)), path=target).run()
    with h5py.File(target, "r") as f:
        before = f[SCAN + "/Detector001/Data1D/CH00/Data00"][()]
    bad = make_rig(fail_at=2)
    with pytest.raises(DetectorError):
        Scan(bad.actuators, bad.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)),
             path=target).run()
    with h5py.File(target, "r") as f:
        np.testing.assert_array_equal(f[SCAN + "/Detector001/Data1D/CH00/Data00"][()], before)
        second = f["RawData/Scan001/Detector001/Data1D/CH00/Data00"][()].reshape(4, 8)
    assert np.isfinite(second[:2]).all() and np.isnan(second[2:]).all()
    from daqcore.saving import decode_attribute

    with h5py.File(target, "r") as f:
        assert decode_attribute(f["RawData/Scan000"].attrs["status"]) == "finished"
        assert decode_attribute(f["RawData/Scan001"].attrs["status"]) == "failed"


def test_point_failures_share_a_base_and_keep_their_messages():
    from daqcore.acquisition.errors import (
        AcquisitionError,
        ActuatorError,
        DetectorError,
        PointFailureError,
        PointSaveError,
    )

    cause = ValueError("bad")
    errors = [DetectorError("cam", 4, cause), ActuatorError("x", 5, cause),
              PointSaveError(6, cause)]
    assert [str(e) for e in errors] == [
        "detector 'cam' failed at point 4: ValueError: bad",
        "actuator 'x' failed at point 5: ValueError: bad",
        "saving point 6 failed: ValueError: bad",
    ]
    for err, index in zip(errors, (4, 5, 6)):
        assert isinstance(err, PointFailureError) and isinstance(err, AcquisitionError)
        assert isinstance(err, RuntimeError)
        assert err.point_index == index and err.cause is cause
    assert errors[0].detector == "cam" and errors[1].actuator == "x"
