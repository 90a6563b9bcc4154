"""Remote instruments over a real LECO Coordinator: data, settings, scans, faults."""

from __future__ import annotations

import signal
import time

import numpy as np
import pytest

from daqcore.acquisition import Scan, Scanner1DLinear, Scanner2DGrid
from daqcore.acquisition.errors import AcquisitionError
from daqcore.instruments import SettingValueError
from daqcore.plugins import get_registry
from daqcore.remote import connect
from daqcore.remote.address import parse_address
from daqcore.remote.errors import (
    ActorNotFoundError,
    CoordinatorUnreachableError,
    RemoteError,
    RemoteSettingError,
    RemoteTimeoutError,
)
from daqcore.saving import DataLoader

pytestmark = pytest.mark.slow


def test_remote_detector_returns_the_instruments_data_with_units_axes_and_errors(
        coordinator, start_actor):
    start_actor("mock_1d", "spectro", "noise=0.0")
    with connect("spectro", coordinator.address) as remote:
        assert type(remote).__name__ == "Remote_mock_1d" and remote.backend == "leco"
        assert [d.name for d in remote.dims] == ["Data1D"]
        remote_data = remote.grab_data(3)
    from daqcore_plugins.mock.stage import SimulatedStage

    # a stage of its own: other tests of this process may have moved the shared one
    with get_registry().create_detector("mock_1d", noise=0.0, stage=SimulatedStage()) as local:
        local_data = local.grab_data(3)
    theirs, ours = remote_data[0], local_data[0]
    assert theirs.units == ours.units == "V"
    assert [a.label for a in theirs.axes] == [a.label for a in ours.axes]
    np.testing.assert_array_equal(theirs.axes[0].get_data(), ours.axes[0].get_data())
    np.testing.assert_allclose(theirs.data[0], ours.data[0])
    assert (theirs.errors is None) == (ours.errors is None)


def test_settings_are_validated_locally_and_by_the_actor(coordinator, start_actor):
    start_actor("mock_0d", "meter")
    with connect("meter", coordinator.address, amplitude=2.0) as remote:
        with pytest.raises(SettingValueError):
            remote.settings["noise"] = -1.0  # refused by the local copy of the tree
        remote.settings["amplitude"] = 3.5
        assert remote.link.call("describe")["settings"]["children"][
            [c["name"] for c in remote.link.call("describe")["settings"]["children"]
             ].index("amplitude")]["value"] == 3.5
        with pytest.raises(RemoteSettingError) as info:
            remote.link.call("set_settings", values={"noise": -2.0})  # refused remotely
        assert isinstance(info.value, SettingValueError) and "meter" in str(info.value)


def test_remote_actuator_moves(coordinator, start_actor):
    start_actor("mock_x", "stage_x")
    with connect("stage_x", coordinator.address) as stage:
        assert stage.units == "mm"
        reached = stage.move_abs(0.75)
        assert reached.value() == pytest.approx(0.75, abs=stage.settings["epsilon"])
        assert stage.current_value == pytest.approx(0.75, abs=stage.settings["epsilon"])


def test_2d_scan_over_two_remote_instruments_and_a_local_one(coordinator, start_actor,
                                                            tmp_path):
    start_actor("mock_x", "scan_x")
    start_actor("mock_1d", "scan_spectro", "noise=0.0")
    registry = get_registry()
    with connect("scan_x", coordinator.address) as x, \
            registry.create_actuator("mock_y") as y, \
            connect("scan_spectro", coordinator.address) as spectro, \
            registry.create_detector("mock_0d") as local:
        grid = Scanner2DGrid((0, 1, 0.5), (0, 1, 1.0))
        result = Scan([x, y], [spectro, local], grid, path=tmp_path / "remote.h5").run()
    assert result.status == "finished" and result.n_points_done == 6
    spectra = result.load("scan_spectro")[0]
    assert spectra.units == "V" and spectra.shape == (3, 2, 256)
    assert [ax.label for ax in spectra.get_nav_axes()] == ["scan_x", "mock_y"]
    assert not np.isnan(spectra.data[0]).any()


def test_actor_killed_mid_scan_fails_the_scan_and_keeps_what_was_measured(
        coordinator, start_actor, tmp_path):
    actor = start_actor("mock_0d", "doomed", "exposure=0.05")
    registry = get_registry()
    with registry.create_actuator("mock_x") as x, \
            connect("doomed", coordinator.address, timeout=3.0) as doomed:
        scan = Scan([x], [doomed], Scanner1DLinear(0, 1, 0.05), path=tmp_path / "killed.h5")

        def kill_after_three(event):
            if event.kind == "point" and event.n_done == 3:
                actor.send_signal(signal.SIGKILL)

        scan.subscribe(kill_after_three)
        t0 = time.monotonic()
        with pytest.raises(AcquisitionError) as info:
            scan.run()
        assert time.monotonic() - t0 < 20
    assert "doomed" in str(info.value) and "did not answer" in str(info.value)
    result = scan.result
    assert result.status == "failed" and result.n_points_done >= 3
    data = result.load("doomed")[0]
    assert np.isfinite(data.data[0][:3]).all()


def test_unreachable_coordinator_and_unknown_actor_are_clear_errors(coordinator):
    t0 = time.monotonic()
    with pytest.raises(CoordinatorUnreachableError, match="no LECO Coordinator answered"):
        connect("anything", "localhost:9", timeout=0.5)
    assert time.monotonic() - t0 < 3
    with pytest.raises(ActorNotFoundError, match="knows no actor 'ghost'"):
        connect("ghost", coordinator.address, timeout=1.0)


def test_timeout_is_settable_and_reported(coordinator, start_actor):
    start_actor("mock_0d", "slow_meter", "exposure=2.0")
    with connect("slow_meter", coordinator.address, timeout=0.3) as slow:
        with pytest.raises(RemoteTimeoutError, match=r"did not answer 'grab' within 0\.3 s"):
            slow.grab_data()


@pytest.mark.parametrize("text, expected", [(None, ("localhost", 12300)),
                                            ("lab-pc:12345", ("lab-pc", 12345)),
                                            ("lab-pc", ("lab-pc", 12300)),
                                            (":4000", ("localhost", 4000))])
def test_coordinator_addresses(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["host:port", "host:0", "host:70000"])
def test_bad_coordinator_addresses(text):
    with pytest.raises(RemoteError, match="coordinator address"):
        parse_address(text)


def test_published_data_are_recorded_by_a_logger_on_the_subscriber_side(
        coordinator, start_actor, tmp_path):
    from daqcore.acquisition import Logger
    from daqcore.remote import subscribe

    start_actor("mock_1d", "pub_spectro", publish=0.02)
    with subscribe("pub_spectro", offset=coordinator.proxy_offset) as stream:
        result = Logger([stream], interval=0, n_samples=5, path=tmp_path / "log.h5").run()
    assert result.status == "finished" and result.n_samples_done == 5
    with DataLoader(result.path) as loader:
        logged = loader.load_all(result.detector_groups["pub_spectro"])
    spectra = logged[0]
    assert spectra.units == "V" and spectra.shape == (5, 256)
    assert [ax.label for ax in spectra.axes if ax.index == 1] == ["wavelength"]
    times = next(ax for ax in spectra.axes if ax.index == 0).get_data()
    assert np.all(np.diff(times) > 0)


def test_a_silent_publisher_times_out(coordinator):
    from daqcore.remote import subscribe

    with subscribe("nobody_publishes", offset=coordinator.proxy_offset, timeout=0.3) as stream:
        with pytest.raises(RemoteTimeoutError, match="nothing published"):
            stream.grab_data()


def test_cli_scan_with_a_remote_detector_named_leco(coordinator, start_actor, tmp_path):
    import subprocess
    import sys

    start_actor("mock_0d", "cli_meter")
    out = tmp_path / "cli.h5"
    done = subprocess.run(
        [sys.executable, "-m", "daqcore", "scan", "-a", "mock_x", "-d",
         f"leco:cli_meter@{coordinator.address}", "-d", "mock_1d", "-r", "0", "1", "0.5",
         "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with DataLoader(out) as loader:
        meter = loader.load_all("/RawData/Scan000/Detector000")
    assert meter[0].shape == (3,) and meter[0].units == "V"
    wrong = subprocess.run(
        [sys.executable, "-m", "daqcore", "scan", "-a", f"leco:cli_meter@{coordinator.address}",
         "-d", "mock_0d", "-r", "0", "1", "0.5", "-o", str(tmp_path / "w.h5")],
        capture_output=True, text=True, timeout=120)
    assert wrong.returncode != 0
    assert "is a remote detector, not an actuator" in wrong.stdout + wrong.stderr
