"""Detector / Actuator base classes: life cycle, backends, validation, averaging, moves."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from daqcore.data import DataActuator, DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import (
    SIM,
    Actuator,
    Availability,
    Backend,
    BackendUnavailableError,
    Detector,
    InstrumentDataError,
    InstrumentStateError,
    MoveTimeoutError,
    OutOfBoundsError,
    Setting,
    SettingNotFoundError,
    SettingValueError,
    UnknownBackendError,
)


class CountingDetector(Detector):
    """0D detector returning 1, 2, 3... on successive grabs."""

    dims = (DataDim.Data0D,)
    backends = (SIM, Backend("real", "needs a driver", requires=("no_such_vendor_sdk_xyz",)))
    params = (Setting("gain", "float", 1.0, limits=(0.0, 10.0)),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = 0
        self.committed: list[str] = []
        self.closed_times = 0

    def _ini_detector(self):
        return "counting"

    def _grab_data(self, naverage):
        self.count += 1
        value = self.count * self.settings["gain"]
        return DataToExport("counts", data=[DataFromPlugins("c", data=[np.array([value])])])

    def commit_settings(self, setting):
        self.committed.append(setting.path)

    def _close(self):
        self.closed_times += 1


class BadReturnDetector(CountingDetector):
    def _grab_data(self, naverage):
        return [1, 2, 3]


class WrongDimDetector(CountingDetector):
    def _grab_data(self, naverage):
        return DataToExport("x", data=[DataFromPlugins("c", data=[np.arange(5.0)])])


class FailingDetector(CountingDetector):
    def _grab_data(self, naverage):
        if self.count >= 2:
            raise RuntimeError("sensor unplugged")
        return super()._grab_data(naverage)


class StepActuator(Actuator):
    """Actuator that moves instantly unless ``stuck`` (then it never moves)."""

    units = "mm"

    def __init__(self, *args, stuck=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stuck = stuck
        self.position = 0.0
        self.moves: list[float] = []
        self.stops = 0

    def _move_abs(self, value):
        self.moves.append(value)
        if not self.stuck:
            self.position = value

    def _get_actuator_value(self):
        return self.position

    def _stop_motion(self):
        self.stops += 1


# ---------------------------------------------------------------------- backends
def test_unknown_backend_lists_declared_ones():
    with pytest.raises(UnknownBackendError, match="sim, real"):
        CountingDetector(backend="fake")


def test_missing_driver_is_reported_at_initialisation_not_import():
    det = CountingDetector(backend="real")
    assert det.backend_availability()["real"].reason == \
        "driver not installed: no_such_vendor_sdk_xyz"
    with pytest.raises(BackendUnavailableError, match="driver not installed"):
        det.ini_detector()
    assert not det.is_initialized


def test_probe_results_and_failures():
    assert Backend("a", probe=lambda: "no device").availability() == \
        Availability(False, "no device")
    assert Backend("b", probe=lambda: None).availability().available
    assert not Backend("c", probe=lambda: False).availability()

    def boom():
        raise OSError("usb error")

    result = Backend("d", probe=boom).availability()
    assert not result and result.reason == "probe failed: OSError: usb error"
    assert SIM.availability() == Availability(True, "simulated")


def test_requires_is_looked_up_without_import(tmp_path, monkeypatch):
    (tmp_path / "vendor_sdk_with_side_effect.py").write_text("raise SystemExit('imported!')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    backend = Backend("real", requires=("vendor_sdk_with_side_effect",))
    assert backend.availability().available
    assert "vendor_sdk_with_side_effect" not in sys.modules


# ---------------------------------------------------------------------- life cycle
def test_state_errors_and_idempotent_close():
    det = CountingDetector()
    with pytest.raises(InstrumentStateError, match="before initialisation"):
        det.grab_data()
    assert det.ini_detector() == "counting"
    assert det.ini_detector() == ""  # second call is a no-op
    det.grab_data()
    det.close()
    det.close()
    assert det.closed_times == 1
    with pytest.raises(InstrumentStateError, match="closed"):
        det.grab_data()
    with pytest.raises(InstrumentStateError):
        det.ini_detector()


def test_context_manager_initialises_and_closes():
    with CountingDetector() as det:
        assert det.is_initialized
        det.grab_data()
    assert det.is_closed and det.closed_times == 1
    never = CountingDetector()
    never.close()
    assert never.closed_times == 0  # nothing to release


def test_settings_at_construction_and_commit_only_when_initialised():
    det = CountingDetector(gain=2.0)
    assert det.settings["gain"] == 2.0
    det.settings["gain"] = 3.0
    assert det.committed == []
    det.ini_detector()
    det.settings["gain"] = 4.0
    assert det.committed == ["gain"]
    with pytest.raises(SettingValueError):
        CountingDetector(gain=11.0)
    with pytest.raises(SettingNotFoundError, match="gain"):
        CountingDetector(gian=1.0)


def test_actuator_leaf_setting_names_resolve_in_groups():
    act = StepActuator(max_bound=5.0, is_bounds=True)
    assert act.bounds == (0.0, 5.0)
    assert act.settings["units"] == "mm" and act.settings.child("units").readonly


# ---------------------------------------------------------------------- detector
def test_grab_returns_checked_data_and_software_average():
    with CountingDetector() as det:
        one = det.grab_data()
        assert one[0].data[0][0] == 1.0 and one[0].errors is None
        avg = det.grab_data(naverage=3)  # grabs 2, 3, 4
        assert avg[0].data[0][0] == pytest.approx(3.0)
        assert avg[0].errors[0][0] == pytest.approx(np.std([2, 3, 4], ddof=1) / np.sqrt(3))
        for bad in (0, -1, 1.5, True):
            with pytest.raises(SettingValueError, match="naverage"):
                det.grab_data(naverage=bad)


@pytest.mark.parametrize("cls", [BadReturnDetector, WrongDimDetector])
def test_malformed_plugin_data_is_refused(cls):
    with cls() as det, pytest.raises(InstrumentDataError):
        det.grab_data()


def test_live_mode_delivers_until_stopped():
    got = []
    done = threading.Event()
    with CountingDetector() as det:

        def callback(dte):
            got.append(dte[0].data[0][0])
            if len(got) >= 3:
                done.set()

        det.start_live(callback)
        with pytest.raises(InstrumentStateError, match="already running"):
            det.start_live(callback)
        assert done.wait(10)
        det.stop_live()
        assert not det.is_live
        assert got[:3] == [1.0, 2.0, 3.0]
        assert det.live_error is None


def test_live_error_is_kept():
    with FailingDetector() as det:
        det.start_live(lambda dte: None)
        det._live_thread.join(10)
        assert isinstance(det.live_error, RuntimeError)
        det.stop_live()


def test_close_stops_live_mode():
    det = CountingDetector()
    det.ini_detector()
    det.start_live(lambda dte: None)
    det.close()
    assert not det.is_live and det.is_closed and det.live_error is None


# ---------------------------------------------------------------------- actuator
def test_moves_and_value():
    with StepActuator() as act:
        reached = act.move_abs(0.5)
        assert isinstance(reached, DataActuator) and reached.value() == 0.5
        assert reached.units == "mm" and reached.dim == DataDim.Data0D
        assert act.target_value == 0.5
        assert act.move_rel(-0.25).value() == 0.25
        assert act.move_abs(DataActuator("t", data=0.75, units="mm")).value() == 0.75
        act.settings["home_value"] = 0.1
        assert act.move_home().value() == pytest.approx(0.1)
        assert act.is_target_reached()


def test_out_of_bounds_target_is_refused_before_moving():
    with StepActuator(is_bounds=True, min_bound=-1.0, max_bound=1.0) as act:
        with pytest.raises(OutOfBoundsError, match=r"target 2 mm is outside the bounds \[-1, 1\]"):
            act.move_abs(2.0)
        with pytest.raises(OutOfBoundsError):
            act.move_rel(-1.5)
        assert act.moves == [] and act.position == 0.0
        with pytest.raises(SettingValueError, match="not finite"):
            act.move_abs(float("nan"))


def test_timeout_stops_motion_and_explains():
    with StepActuator(stuck=True, timeout=0.05) as act:
        with pytest.raises(MoveTimeoutError, match=r"target 0.5 mm not reached within 0.05 s"):
            act.move_abs(0.5)
        assert act.stops >= 1
        with pytest.raises(TimeoutError):  # the builtin base works too
            act.move_abs(0.5, timeout=0.01)


def test_wait_false_returns_immediately():
    with StepActuator() as act:
        assert act.move_abs(0.3, wait=False) is None
        assert act.wait_until_reached().value() == pytest.approx(0.3)


def test_custom_home_hook_is_used():
    class Homing(StepActuator):
        def _move_home(self):
            self.position = self.settings["home_value"]
            self.homed = True

    with Homing() as act:
        act.settings["home_value"] = 0.2
        assert act.move_home().value() == pytest.approx(0.2)
        assert act.homed and act.moves == []


def test_non_numeric_position_is_refused():
    class Broken(StepActuator):
        def _get_actuator_value(self):
            return "here"

    with Broken() as act, pytest.raises(InstrumentDataError, match="not a number"):
        act.get_actuator_value()


def test_move_before_init_raises():
    with pytest.raises(InstrumentStateError):
        StepActuator().move_abs(0.1)


def test_instrument_layers_import_no_qt_and_no_vendor_sdk():
    code = textwrap.dedent(
        """
        import sys
        import daqcore.instruments, daqcore.plugins, daqcore_plugins.mock.plugin
        from daqcore.plugins import get_registry
        get_registry().report(probe=False)
        bad = [m for m in sys.modules if m.split('.')[0] in
               ('PySide6', 'PyQt5', 'PyQt6', 'qtpy', 'pyqtgraph', 'joulescope', 'picosdk')]
        print(bad)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
