"""samples_get: fields requested together equal fields requested alone, and are fresh."""

from __future__ import annotations

import numpy as np

from daqcore_plugins.joulescope import StreamBuffer


def _filled(backend, cal, make_raw) -> StreamBuffer:
    sb = StreamBuffer(0.5, (200, 100), 2e6, backend=backend)
    sb.calibration_set(*cal)
    raw = make_raw(600_000, seed=5)
    raw[2 * 1000:2 * 1300] = 0xFFFF  # a run of missing samples
    sb.insert_raw(raw)
    sb.process()
    return sb


def test_fields_together_equal_fields_alone(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw)
    s0, s1 = sb.sample_id_range
    fields = ["current", "voltage", "power", "current_voltage", "bits", "current_range",
              "current_lsb", "voltage_lsb", "raw"]
    together = sb.samples_get(s0, s1, fields=fields)["signals"]
    for f in fields:
        np.testing.assert_array_equal(together[f]["value"], sb.samples_get(s0, s1, fields=f),
                                      err_msg=f)
    i = together["current"]["value"]
    v = together["voltage"]["value"]
    np.testing.assert_array_equal(together["power"]["value"], i * v)
    assert np.isnan(i[1000:1300]).all() and np.isnan(v[1000:1300]).all()
    assert (together["bits"]["value"][1000:1300] & 0x0F == 8).all()


def test_returned_arrays_are_independent(backend, cal, make_raw):
    sb = _filled(backend, cal, make_raw)
    s0, s1 = sb.sample_id_range
    sig = sb.samples_get(s0, s1, fields=["current", "voltage", "power", "raw"])["signals"]
    arrays = [sig[f]["value"] for f in ("current", "voltage", "power", "raw")]
    for k, x in enumerate(arrays):
        assert not np.shares_memory(x, sb._raw) and not np.shares_memory(x, sb._flags)
        for y in arrays[k + 1:]:
            assert not np.shares_memory(x, y)
    before = sb.samples_get(s0, s1, fields="power")
    sig["power"]["value"][:] = 0.0
    np.testing.assert_array_equal(sb.samples_get(s0, s1, fields="power"), before)
