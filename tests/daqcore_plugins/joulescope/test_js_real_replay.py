"""The real-device code path fed by recorded (synthesised) JS110 USB packets through a faked
vendor driver: ``RealJoulescope`` and the detector's ``real`` backend, no hardware."""

from __future__ import annotations

import importlib.machinery
import sys
import threading
import types

import numpy as np
import pytest

from daqcore_plugins.joulescope.raw_format import usb_packets
from daqcore_plugins.joulescope.real_device import RealJoulescope
from daqcore_plugins.joulescope.sim_model import SignalModel, calibration_vectors
from daqcore_plugins.joulescope.stream_buffer import StreamBuffer

PACKET = 512


class _Calibration:
    def __init__(self) -> None:
        (self.current_offset, self.current_gain, self.voltage_offset,
         self.voltage_gain) = calibration_vectors()


class FakeVendorDevice:
    """Replays USB packets like the vendor's v0 device: parse into its own buffer, then
    notify the registered stream process objects from a driver thread."""

    def __init__(self, packets: np.ndarray, chunk_packets: int = 64, loop: bool = False):
        self._packets = packets.reshape(-1, PACKET)
        self._chunk = chunk_packets
        self._loop = loop
        self.calibration = _Calibration()
        self.parameters: dict = {}
        self.opened = False
        self._objs: list = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.done = threading.Event()

    def open(self):
        self.opened = True

    def close(self):
        self.stop()
        self.opened = False

    def parameter_set(self, name, value):
        self.parameters[name] = value

    def stream_process_register(self, obj):
        self._objs.append(obj)

    def start(self, stop_fn=None, duration=None):
        vendor_sb = StreamBuffer(2.0, (200, 100, 100), 2e6)  # the vendor's own USB parsing
        self._stop.clear()

        def run():
            index = 0
            for obj in self._objs:
                obj.start(vendor_sb)
            while not self._stop.is_set():
                pk = self._packets[index % len(self._packets):][:self._chunk]
                if not self._loop and index >= len(self._packets):
                    break
                if self._loop:  # keep the packet indices running
                    pk = pk.copy()
                    idx = (np.arange(len(pk)) + index) & 0xFFFF
                    pk[:, 4] = idx & 0xFF
                    pk[:, 5] = idx >> 8
                vendor_sb.insert(pk.reshape(-1))
                vendor_sb.process()
                for obj in self._objs:
                    obj.stream_notify(vendor_sb)
                index += len(pk)
                if self._loop:
                    self._stop.wait(0.001)
            self.done.set()
            if stop_fn is not None:
                stop_fn(0, "done")

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)


def _fake_driver(device):
    mod = types.ModuleType("joulescope")
    mod.__spec__ = importlib.machinery.ModuleSpec("joulescope", None)
    mod.scan = lambda *a, **k: [device]
    return mod


@pytest.fixture(scope="module")
def recording():
    """0.3 s of the sleep/wake load as USB packets, with 5 packets lost."""
    raw = SignalModel(seed=7).generate(0, 126 * 4800, 2e6)
    packets = usb_packets(raw, 0, 0).reshape(-1, PACKET)
    keep = np.ones(len(packets), dtype=bool)
    keep[[100, 101, 2000, 3333, 4000]] = False
    return packets[keep].reshape(-1)


def test_replayed_packets_reach_our_buffer_exactly(recording):
    device = FakeVendorDevice(recording)
    dev = RealJoulescope(driver=_fake_driver(device), buffer_duration=1.0,
                         reduction_frequency=100)
    with dev:
        assert device.opened and device.parameters["sampling_frequency"] == 2e6
        dev.start()
        assert device.done.wait(30)
        ref = StreamBuffer(1.0, (200, 100), 2e6)
        ref.calibration_set(*calibration_vectors())
        ref.insert(recording)
        ref.process()
        sb = dev.stream_buffer
        s0, s1 = ref.sample_id_range
        assert sb.sample_id_range[1] >= s1 - 64  # suppression may hold back a window
        s1 = min(s1, sb.sample_id_range[1])
        a = sb.samples_get(s0, s1, fields=["current", "voltage", "current_range"])
        b = ref.samples_get(s0, s1, fields=["current", "voltage", "current_range"])
        for f in ("current", "voltage", "current_range"):
            np.testing.assert_array_equal(a["signals"][f]["value"], b["signals"][f]["value"])
        assert sb.status()["sample_missing_count"]["value"] == 5 * 126
        np.testing.assert_allclose(sb.statistics_get(s0, s1)[0]["mean"],
                                   ref.statistics_get(s0, s1)[0]["mean"], rtol=1e-12)
    assert not device.opened


def test_detector_real_backend_streams_replayed_packets(recording, monkeypatch):
    from daqcore_plugins.joulescope.detector import JoulescopeDetector

    device = FakeVendorDevice(recording, chunk_packets=16, loop=True)
    monkeypatch.setitem(sys.modules, "joulescope", _fake_driver(device))
    det = JoulescopeDetector("real", window=0.01, buffer_duration=1.0, display_points=50)
    det.ini_detector()
    try:
        out = det.grab_data()
        values = {d.name: d.data[0] for d in out.data}
        assert 1e-3 < float(values["current"][0]) < 3e-3   # 1 ms at 20 mA every 10 ms
        assert abs(float(values["voltage"][0]) - 3.3) < 0.05
        assert len(values["current_trace"]) == 50
    finally:
        det.close()
    assert not device.opened
