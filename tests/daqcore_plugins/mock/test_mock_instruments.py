"""Mock plugin: stage motion in time, speed/bounds, detectors that see the stage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daqcore.instruments import MoveTimeoutError, OutOfBoundsError, SettingValueError
from daqcore.plugins import load_registry
from daqcore_plugins.mock import Mock0D, Mock1D, Mock2D, MockActuator, SimulatedStage


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def stage(clock):
    return SimulatedStage(clock=clock)


def gaussian(x, y, x0=0.0, y0=0.0, width=1.0, amplitude=1.0):
    return amplitude * math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2 * width**2))


# ---------------------------------------------------------------------- stage
def test_stage_motion_is_linear_in_time(stage, clock):
    stage.start_move("x", 4.0, speed=2.0)
    assert stage.position("x") == 0.0 and stage.is_moving("x")
    clock.now += 0.5
    assert stage.position("x") == pytest.approx(1.0)
    clock.now += 1.0
    assert stage.position("x") == pytest.approx(3.0)
    clock.now += 10.0
    assert stage.position("x") == 4.0 and not stage.is_moving("x")
    stage.start_move("x", 1.0, speed=1.0)  # backwards from 4
    clock.now += 2.0
    assert stage.position("x") == pytest.approx(2.0)


@pytest.mark.parametrize("speed", [0.0, math.inf])
def test_zero_or_infinite_speed_is_instantaneous(stage, speed):
    stage.start_move("y", -3.0, speed=speed)
    assert stage.position("y") == -3.0


def test_stop_freezes_the_axis(stage, clock):
    stage.start_move("x", 10.0, speed=1.0)
    clock.now += 2.5
    stage.stop("x")
    clock.now += 5.0
    assert stage.position("x") == pytest.approx(2.5)
    assert stage.positions() == {"x": pytest.approx(2.5)}
    with pytest.raises(ValueError, match="speed"):
        stage.start_move("x", 1.0, speed=-1.0)


# ---------------------------------------------------------------------- actuator
def test_actuator_moves_at_its_speed(stage, clock):
    with MockActuator(stage=stage, speed=5.0, axis="x") as act:
        act.move_abs(2.0, wait=False)
        clock.now += 0.2
        assert act.get_actuator_value().value() == pytest.approx(1.0)
        assert not act.is_target_reached()
        clock.now += 1.0
        assert act.wait_until_reached().value() == pytest.approx(2.0)


def test_slow_actuator_times_out_and_stops():
    # real clock: 1 mm/s cannot cover 5 mm in 50 ms
    real_stage = SimulatedStage()
    with MockActuator(stage=real_stage, speed=1.0, timeout=0.05) as act:
        with pytest.raises(MoveTimeoutError, match=r"target 5 mm not reached within 0\.05 s"):
            act.move_abs(5.0)
        frozen = act.current_value
        assert 0.0 < frozen < 1.0
        assert not real_stage.is_moving("x")


def test_actuator_default_bounds_and_settings():
    act = MockActuator(stage=SimulatedStage())
    assert act.bounds == (-10.0, 10.0) and act.units == "mm"
    assert act.settings["speed"] == 0.0 and act.settings["axis"] == "x"
    with act, pytest.raises(OutOfBoundsError, match=r"\[-10, 10\]"):
        act.move_abs(10.5)
    with pytest.raises(SettingValueError):
        MockActuator(speed=-1.0)
    fast = MockActuator(speed=math.inf, stage=SimulatedStage())
    with fast:
        assert fast.move_abs(7.0).value() == 7.0


# ---------------------------------------------------------------------- detectors
def test_0d_signal_is_the_spot_at_the_stage_position(stage):
    stage.set_position("x", 0.5)
    stage.set_position("y", -1.0)
    with Mock0D(stage=stage, noise=0.0, x0=0.2, y0=-0.5, width=0.7, amplitude=3.0) as det:
        dwa = det.grab_data()[0]
        assert dwa.labels == ["spot", "reference"] and dwa.units == "V"
        assert dwa.data[0][0] == pytest.approx(gaussian(0.5, -1.0, 0.2, -0.5, 0.7, 3.0))
        assert dwa.data[1][0] == 3.0


def test_noise_is_seeded_and_reproducible():
    def grabs(seed):
        with Mock0D(stage=SimulatedStage(), seed=seed, noise=0.1) as det:
            return [det.grab_data()[0].data[0][0] for _ in range(3)]

    assert grabs(7) == grabs(7)
    assert grabs(7) != grabs(8)
    values = grabs(7)
    assert np.std(values) > 0


def test_changing_the_seed_restarts_the_noise():
    with Mock0D(stage=SimulatedStage(), seed=1, noise=0.1) as det:
        first = det.grab_data()[0].data[0][0]
        det.grab_data()
        det.settings["seed"] = 1  # unchanged value: no reset
        det.settings["seed"] = 2
        det.settings["seed"] = 1
        assert det.grab_data()[0].data[0][0] == first


def test_scan_over_mock_actuators_draws_the_spot(stage):
    """A raster scan of x, y with the 0D detector: the maximum is at (x0, y0)."""
    xs = np.linspace(-2, 2, 21)
    ys = np.linspace(-2, 2, 11)
    image = np.zeros((ys.size, xs.size))
    x_act = MockActuator(stage=stage, axis="x")
    y_act = MockActuator(stage=stage, axis="y")
    with x_act, y_act, Mock0D(stage=stage, x0=0.8, y0=-0.4, noise=0.01, seed=3) as det:
        for iy, y in enumerate(ys):
            y_act.move_abs(y)
            for ix, x in enumerate(xs):
                x_act.move_abs(x)
                image[iy, ix] = det.grab_data()[0].data[0][0]
    iy, ix = np.unravel_index(np.argmax(image), image.shape)
    assert (xs[ix], ys[iy]) == (pytest.approx(0.8), pytest.approx(-0.4))
    expected = np.array([[gaussian(x, y, 0.8, -0.4) for x in xs] for y in ys])
    assert np.abs(image - expected).max() < 0.06  # noise of 0.01 std


def test_1d_peak_follows_x_and_height_follows_y(stage):
    with Mock1D(stage=stage, noise=0.0, npoints=1001, dispersion=10.0) as det:
        stage.set_position("x", 2.0)
        dwa = det.grab_data()[0]
        wl = dwa.axes[0].get_data()
        assert dwa.axes[0].units == "nm" and wl.size == 1001
        assert wl[np.argmax(dwa.data[0])] == pytest.approx(570.0, abs=0.1)
        stage.set_position("y", 1.0)
        assert det.grab_data()[0].data[0].max() == pytest.approx(gaussian(0, 1.0), rel=1e-3)


def test_2d_image_spot_moves_with_the_stage(stage):
    with Mock2D(stage=stage, noise=0.0, nx=101, ny=81, field=10.0) as det:
        dwa = det.grab_data()[0]
        assert dwa.shape == (81, 101)
        assert [a.label for a in dwa.axes] == ["y", "x"]
        xs, ys = det.pixel_axes()

        def spot_position(dwa):
            iy, ix = np.unravel_index(np.argmax(dwa.data[0]), dwa.shape)
            return xs[ix], ys[iy]

        assert spot_position(dwa) == (pytest.approx(0.0), pytest.approx(0.0))
        stage.set_position("x", 2.0)
        stage.set_position("y", -1.0)
        x, y = spot_position(det.grab_data()[0])
        assert x == pytest.approx(-2.0, abs=0.06) and y == pytest.approx(1.0, abs=0.07)


def test_registry_instruments_share_the_default_stage():
    registry = load_registry()
    x_act = registry.create_actuator("mock_x")
    det = registry.create_detector("mock_0d", noise=0.0)
    assert x_act.stage is det.stage
    with x_act, det:
        x_act.move_abs(1.0)
        value = det.grab_data()[0].data[0][0]
        y = det.stage.position("y")
        assert value == pytest.approx(gaussian(1.0, y))
        x_act.move_abs(0.0)


def test_detector_averaging_reduces_noise(stage):
    with Mock0D(stage=stage, noise=0.5, seed=11) as det:
        dwa = det.grab_data(naverage=50)[0]
        assert dwa.errors is not None
        assert dwa.errors[0][0] == pytest.approx(0.5 / np.sqrt(50), rel=0.35)
