"""Simulated device, real-device availability, detector, plugin registration, HDF5 scan."""

from __future__ import annotations

import sys
import time
from typing import ClassVar

import numpy as np
import pytest

from daqcore.data import DataDim
from daqcore.testing import DetectorContract
from daqcore_plugins.joulescope import DeviceNotAvailableError, InvalidParameterError
from daqcore_plugins.joulescope.detector import JoulescopeDetector
from daqcore_plugins.joulescope.raw_format import decode_words
from daqcore_plugins.joulescope.sim_device import SimulatedJoulescope, reductions_for
from daqcore_plugins.joulescope.sim_model import (
    SignalModel,
    auto_range,
    pulsed_load,
    steady_load,
)


def test_reductions_for_rates():
    assert reductions_for(2e6, 2) == [200, 100, 50]
    assert reductions_for(2e6, 100) == [200, 100]
    assert reductions_for(1000, 2) == [500]
    with pytest.raises(InvalidParameterError):
        reductions_for(10, 7)


def test_auto_range_switches_between_ranges():
    assert auto_range(np.array([5.0, 1.0, 0.1, 0.01, 1e-3, 1e-4, 1e-5])).tolist() == list(range(7))
    raw = SignalModel(load=pulsed_load(20e-3, 50e-6, 0.01, 0.1), seed=3).generate(0, 40_000, 2e6)
    _, i_range, _ = decode_words(raw[0::2], raw[1::2])
    assert set(np.unique(i_range).tolist()) == {2, 5}


def test_generate_synchronously_gives_expected_means():
    dev = SimulatedJoulescope(
        buffer_duration=1.0, load=steady_load(1e-3), voltage=3.3, i_range="18 mA"
    )
    with dev:
        dev.generate(400_000)
        sb = dev.stream_buffer
        s0, s1 = sb.sample_id_range
        assert s1 >= 399_000
        stats, _ = sb.statistics_get(s0, s1)
        np.testing.assert_allclose(stats[0]["mean"], 1e-3, rtol=2e-3)
        np.testing.assert_allclose(stats[1]["mean"], 3.3, rtol=1e-3)
        assert np.all(sb.samples_get(s0, s1, fields="current_range") == 3)
        data = dev.read(0.01)
        assert data.shape == (20_000, 2) and data.dtype == np.float32


def test_dropped_packets_become_missing_samples():
    dev = SimulatedJoulescope(buffer_duration=1.0, drop_probability=0.05, seed=4)
    with dev:
        dev.generate(500_000)
        st = dev.status()
        assert st["sample_missing_count"]["value"] > 0
        assert st["sample_missing_count"]["value"] % 126 == 0
        assert st["packet_missing_count"]["value"] * 126 == st["sample_missing_count"]["value"]
        sb = dev.stream_buffer
        s0, s1 = sb.sample_id_range
        stats, _ = sb.statistics_get(s0, s1)
        assert stats[0]["length"] == (s1 - s0) - st["sample_missing_count"]["value"]


def test_realtime_streaming_thread_delivers_at_the_sampling_rate():
    dev = SimulatedJoulescope(sampling_frequency=1e5, buffer_duration=2.0, reduction_frequency=10)
    got = []
    with dev:
        dev.statistics_callback_register(got.append)
        t0 = time.perf_counter()
        dev.start()
        assert dev.wait_for_samples(30_000, timeout=5.0)
        elapsed = time.perf_counter() - t0
        dev.stop()
        assert not dev.is_streaming and dev.stream_error is None
    # 30 000 samples at 100 kS/s take ~0.3 s of real time: not instantaneous
    assert elapsed > 0.2
    assert len(got) >= 2 and "accumulators" in got[0]


def test_device_parameter_errors():
    with pytest.raises(InvalidParameterError):
        SimulatedJoulescope(sampling_frequency=3e6)
    with pytest.raises(InvalidParameterError):
        SimulatedJoulescope(i_range="3 A")
    with pytest.raises(InvalidParameterError):
        SimulatedJoulescope(v_range="12V")
    dev = SimulatedJoulescope()
    with pytest.raises(InvalidParameterError):
        dev.parameter_set("gpo0", 1)
    with pytest.raises(InvalidParameterError):
        _ = dev.stream_buffer
    assert dev.parameter_get("v_range") == "15V"


def test_real_device_availability_reasons(monkeypatch):
    from daqcore_plugins.joulescope import real_probe

    monkeypatch.setattr(real_probe.importlib.util, "find_spec", lambda name: None)
    assert real_probe.probe() == "driver not installed: joulescope"


def test_real_device_no_device(monkeypatch):
    pytest.importorskip("joulescope")
    from daqcore_plugins.joulescope import real_device

    class FakeJs:
        @staticmethod
        def scan():
            return []

    from daqcore_plugins.joulescope import real_probe

    monkeypatch.setattr(real_device, "_import_joulescope", lambda: FakeJs)
    monkeypatch.setattr(real_probe, "import_joulescope", lambda: FakeJs)
    assert real_probe.probe() == "no device"
    with pytest.raises(DeviceNotAvailableError, match="no device"):
        real_device.RealJoulescope(sampling_frequency=2e6).open()


def test_package_import_does_not_import_vendor_sdk():
    import subprocess

    code = (
        "import sys, daqcore_plugins.joulescope, daqcore_plugins.joulescope.plugin; "
        "print('joulescope' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_detector_grab_structure_and_values():
    det = JoulescopeDetector(
        sim_realtime=False,
        window=0.05,
        sim_load="steady",
        sim_current=5e-3,
        display_points=500,
        i_range="18 mA",
    )
    with det:
        dte = det.grab_data()
        names = [d.name for d in dte]
        assert names == [
            "current",
            "voltage",
            "power",
            "charge",
            "energy",
            "current_trace",
            "voltage_trace",
        ]
        cur = dte.get_data_from_name("current")
        assert cur.dim == DataDim.Data0D and cur.units == "A"
        np.testing.assert_allclose(cur.data[0][0], 5e-3, rtol=2e-3)
        power = dte.get_data_from_name("power").data[0][0]
        np.testing.assert_allclose(power, 5e-3 * 3.3, rtol=3e-3)
        trace = dte.get_data_from_name("current_trace")
        assert trace.dim == DataDim.Data1D and trace.shape == (500,)
        t = trace.axes[0].get_data()
        assert trace.axes[0].units == "s" and t[-1] < 0.05 and np.all(np.diff(t) > 0)
        # accumulators grow as 0.5 s reduction entries complete
        for _ in range(12):
            dte = det.grab_data()
        charge = dte.get_data_from_name("charge").data[0][0]
        assert charge > 0
        det.settings["window"] = 10.0
        with pytest.raises(Exception, match="buffer_duration"):
            det.grab_data()


def test_detector_registered_through_the_plugin_hooks():
    from daqcore.plugins import load_registry

    reg = load_registry()
    rec = [r for r in reg.detectors() if r.name == "joulescope"]
    assert rec and rec[0].plugin == "joulescope"
    avail = JoulescopeDetector.backend_availability()
    assert avail["sim"]
    assert not avail["real"] and avail["real"].reason in (
        "no device",
        "driver not installed: joulescope",
    )


def test_scan_like_loop_saved_to_hdf5(tmp_path):
    saving = pytest.importorskip("daqcore.saving")
    if not hasattr(saving, "DataToExportExtendedSaver"):
        pytest.skip("daqcore.saving has no DataToExportExtendedSaver yet")
    path = tmp_path / "js_scan.h5"
    h5 = saving.H5SaverLowLevel("scan")
    h5.init_file(path, new_file=True)
    group = h5.add_det_group(h5.raw_group)
    saver = saving.DataToExportExtendedSaver(h5, (5,))
    grabbed = []
    det = JoulescopeDetector(sim_realtime=False, window=0.01, display_points=100)
    with det:
        for i in range(5):
            dte = det.grab_data()
            grabbed.append(dte)
            saver.add_data(group, dte, indexes=(i,))
    h5.close_file()
    with saving.DataLoader(path) as loader:
        cur = loader.load_data("/RawData/Detector000/Data0D/CH00/Data00")
        trace = loader.load_data("/RawData/Detector000/Data1D/CH00/Data00")
    assert cur.units == "A"
    np.testing.assert_array_equal(
        cur.data[0].reshape(-1), [g.get_data_from_name("current").data[0][0] for g in grabbed]
    )
    assert trace.data[0].shape == (5, 100)
    np.testing.assert_array_equal(
        trace.data[0][3], grabbed[3].get_data_from_name("current_trace").data[0]
    )


class TestJoulescopeContract(DetectorContract):
    instrument_class = JoulescopeDetector
    settings: ClassVar[dict] = {
        "sim_realtime": False,
        "window": 0.005,
        "buffer_duration": 0.5,
        "display_points": 50,
    }
