"""PicoScopeDetector: registered by the plugin, block captures as 1D traces plus 0D statistics."""

from __future__ import annotations

import importlib.util

import numpy as np

from daqcore.plugins import get_registry
from daqcore_plugins.picoscope.detector import PicoScopeDetector


def test_registered_with_sim_and_real_backends() -> None:
    registry = get_registry()
    record = registry.get_instrument("picoscope")
    assert record.kind == "detector" and record.load() is PicoScopeDetector
    assert record.plugin == "picoscope" and "picostream" in registry.commands
    availability = PicoScopeDetector.backend_availability()
    assert availability["sim"]
    if importlib.util.find_spec("picosdk") is None:
        assert not availability["real"]
        assert "driver not installed" in availability["real"].reason
    det = registry.create_detector("picoscope", capture_samples=100)
    det.close()


def test_capture_traces_and_statistics() -> None:
    with PicoScopeDetector("sim", channels="A,B", range="2V", resolution=12,
                           sample_rate=10e6, capture_samples=20_000) as det:
        dte = det.grab_data()
        a = dte.get_data_from_name("A")
        assert a.axes[0].units == "s" and a.data[0].shape == (20_000,)
        np.testing.assert_allclose(a.axes[0].get_data()[:2], [0.0, 100e-9])
        volts = a.data[0]
        assert 0.9 < volts.max() < 1.1  # the simulator's 1 V sine on channel A
        rms = dte.get_data_from_name("A_rms").data[0][0]
        assert rms == np.sqrt(np.mean(volts ** 2))
        ptp = dte.get_data_from_name("B_ptp").data[0][0]
        assert 0.95 < ptp < 1.1  # the ±0.5 V square on channel B
        second = det.grab_data().get_data_from_name("A").data[0]
        assert not np.array_equal(second, volts)  # the next capture, not the same one


def test_passes_the_instrument_conformance_suite() -> None:
    from daqcore.testing.conformance import check_registered

    report = check_registered("picoscope", capture_samples=1000, sample_rate=1e6)
    assert report.passed, [r for r in report.results if not r.passed]


def test_in_a_scan_traces_and_statistics_are_saved(tmp_path) -> None:
    import h5py

    from daqcore.acquisition import Scan, ScannerGrid
    from daqcore_plugins.mock.actuators import MockActuator

    det = PicoScopeDetector("sim", title="scope", channels="A", range="2V",
                            sample_rate=5e6, capture_samples=500)
    with MockActuator(title="x") as act, det:
        result = Scan([act], [det], ScannerGrid(axes=[(0, 2, 1)]),
                      path=tmp_path / "scan.h5").run()
    assert result.completed and result.n_points_done == 3
    with h5py.File(result.path, "r") as f:
        group = f[next(iter(result.detector_groups.values()))]
        data = group["Data1D/CH00/Data00"][()]
        assert data.shape == (3, 500) and 0.9 < np.abs(data).max() < 1.1
        assert "Data0D" in group
