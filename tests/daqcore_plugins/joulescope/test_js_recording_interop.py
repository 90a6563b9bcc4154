"""JLS v1 interoperability with the joulescope package, both directions, raw and float32.

Small layout constants (1000-sample reductions, 10 reductions per record, 5 records per
block) keep the files small while exercising several blocks, partial records and partial
blocks. Both packages read the constants when a recording starts.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from daqcore_plugins.joulescope import data_recorder as ours_mod
from daqcore_plugins.joulescope.data_recorder import DataReader, DataRecorder
from daqcore_plugins.joulescope.jls_calibration import encode_calibration
from daqcore_plugins.joulescope.stream_buffer import StreamBuffer

js_dr = pytest.importorskip("joulescope.data_recorder")
js_sb = pytest.importorskip("joulescope.v0.stream_buffer")

N = 123_456  # samples recorded: 2 full blocks + 2 records + a partial one
FIELDS = ["current", "voltage", "power", "current_range", "current_lsb", "voltage_lsb"]


@pytest.fixture
def small_layout(monkeypatch):
    for mod in (ours_mod, js_dr):
        monkeypatch.setattr(mod, "SAMPLES_PER_REDUCTION", 1000)
        monkeypatch.setattr(mod, "REDUCTIONS_PER_TLV", 10)
        monkeypatch.setattr(mod, "TLVS_PER_BLOCK", 5)


def _fill(sb, raw, cal, recorder, chunk=20_000):
    sb.calibration_set(*cal)
    for i in range(0, len(raw), 2 * chunk):
        sb.insert_raw(raw[i:i + 2 * chunk])
        sb.process()
        recorder.stream_notify(sb)


def _record(kind, raw, cal, blob):
    fh = io.BytesIO()
    if kind == "ours":
        rec = DataRecorder(fh, calibration=blob, user_data={"who": "daqcore"})
        _fill(StreamBuffer(1.0, (100, 100), 2e6), raw, cal, rec)
    else:
        rec = js_dr.DataRecorder(fh, calibration=blob, user_data={"who": "joulescope"})
        _fill(js_sb.StreamBuffer(1.0, [100, 100], 2e6), raw, cal, rec)
    rec.close()
    fh.seek(0)
    return fh


def _record_float(kind, raw, cal):
    """float32_v2 files through ``insert()`` of samples_get dicts without 'raw'."""
    sb = js_sb.StreamBuffer(1.0, [100, 100], 2e6)
    sb.calibration_set(*cal)
    fh = io.BytesIO()
    rec = DataRecorder(fh) if kind == "ours" else js_dr.DataRecorder(fh)
    start = 0
    for i in range(0, len(raw), 40_000):
        sb.insert_raw(raw[i:i + 40_000])
        sb.process()
        stop = sb.sample_id_range[1]
        rec.insert(sb.samples_get(start, stop, fields=FIELDS))
        start = stop
    rec.close()
    fh.seek(0)
    return fh


@pytest.fixture(scope="module")
def raw_data(make_raw):
    return make_raw(N + 64)


@pytest.fixture(scope="module")
def cal_blob(cal):
    return encode_calibration(*cal)


def _readers(fh):
    data = fh.getvalue()
    mine = DataReader().open(io.BytesIO(data))
    theirs = js_dr.DataReader().open(io.BytesIO(data))
    return mine, theirs


def _compare(mine, theirs, assert_stats_equal, float_format=False):
    assert mine.sample_id_range == theirs.sample_id_range
    _s0, s1 = mine.sample_id_range
    assert s1 > 100_000
    assert mine.sampling_frequency == theirs.sampling_frequency
    fields = FIELDS if float_format else [*FIELDS, "raw"]
    a = mine.samples_get(1234, 45_678, fields=fields)
    b = theirs.samples_get(1234, 45_678, fields=fields)
    for f in fields:
        np.testing.assert_array_equal(a["signals"][f]["value"], b["signals"][f]["value"],
                                      err_msg=f)
    assert a["time"]["sample_id_range"] == b["time"]["sample_id_range"]
    assert_stats_equal(mine.get_reduction(), theirs.get_reduction(), rtol=1e-6)
    assert_stats_equal(mine.data_get(0, s1, 4000), theirs.data_get(0, s1, 4000), rtol=1e-6)
    # increment 1: same means; our rows say length 1 (as the StreamBuffer), joulescope's 0
    np.testing.assert_array_equal(mine.data_get(17, 5017, 1)["mean"],
                                  theirs.data_get(17, 5017, 1)["mean"])
    for start, stop in ((0, s1), (777, 99_999), (50_000, 50_500)):
        sa = mine.statistics_get(start, stop)
        sb = theirs.statistics_get(start, stop)
        assert sa["time"]["samples"]["value"] == sb["time"]["samples"]["value"]
        for sig in ("current", "voltage", "power"):
            for key in ("µ", "min", "max"):
                np.testing.assert_allclose(sa["signals"][sig][key]["value"],
                                           sb["signals"][sig][key]["value"], rtol=2e-6,
                                           err_msg=f"{sig} {key} [{start}, {stop})")
            np.testing.assert_allclose(sa["signals"][sig]["σ2"]["value"],
                                       sb["signals"][sig]["σ2"]["value"], rtol=1e-4)


@pytest.mark.usefixtures("small_layout", "quiet_joulescope_logs")
@pytest.mark.parametrize("writer", ["ours", "joulescope"])
def test_raw_files_read_identically_by_both_readers(writer, raw_data, cal, cal_blob,
                                                    assert_stats_equal):
    mine, theirs = _readers(_record(writer, raw_data, cal, cal_blob))
    with mine:
        assert mine.data_format == "raw"
        assert mine.user_data == {"who": "daqcore" if writer == "ours" else "joulescope"}
        np.testing.assert_allclose(mine.calibration.current_gain[:7], cal[1][:7], rtol=1e-6)
        _compare(mine, theirs, assert_stats_equal)
    theirs.close()


@pytest.mark.usefixtures("small_layout", "quiet_joulescope_logs")
@pytest.mark.parametrize("writer", ["ours", "joulescope"])
def test_float32_files_read_identically_by_both_readers(writer, raw_data, cal,
                                                        assert_stats_equal):
    mine, theirs = _readers(_record_float(writer, raw_data, cal))
    with mine:
        assert mine.data_format == "float32_v2"
        _compare(mine, theirs, assert_stats_equal, float_format=True)
    theirs.close()


@pytest.mark.usefixtures("small_layout", "quiet_joulescope_logs")
def test_our_recorder_writes_the_same_samples_as_joulescope(raw_data, cal, cal_blob):
    ours = DataReader().open(_record("ours", raw_data, cal, cal_blob))
    theirs = DataReader().open(_record("joulescope", raw_data, cal, cal_blob))
    s1 = theirs.sample_id_range[1]
    assert ours.sample_id_range == [0, s1]
    np.testing.assert_array_equal(ours.samples_get(0, s1, fields="raw"),
                                  theirs.samples_get(0, s1, fields="raw"))
    np.testing.assert_allclose(ours.get_reduction()["mean"], theirs.get_reduction()["mean"],
                               rtol=1e-6)


@pytest.mark.usefixtures("small_layout", "quiet_joulescope_logs")
def test_fixed_upstream_quirks(raw_data, cal, cal_blob, assert_stats_equal):
    r = DataReader().open(_record("ours", raw_data, cal, cal_blob))
    s1 = r.sample_id_range[1]
    # out= works (joulescope raises TypeError)
    out = np.zeros((200, 6), dtype=r.get_reduction().dtype)
    rows = r.data_get(0, 90_000, 3000, out=out)
    assert rows.base is out or rows is out[:30] or np.shares_memory(rows, out)
    # increment above the stored reduction: exact windows of `increment` samples (from
    # 10_000: the first samples of a file lack the history the live suppression had)
    rows = r.data_get(10_000, 100_000, 1500)
    assert len(rows) == 60
    ref = r.data_get(10_000, 100_000, 500)
    k = ref["length"].reshape(60, 3, 6).sum(axis=1)
    np.testing.assert_array_equal(rows["length"], k)
    mean = (ref["mean"] * ref["length"]).reshape(60, 3, 6).sum(axis=1) / k
    np.testing.assert_allclose(rows["mean"], mean, rtol=1e-6)  # reductions are float32
    # unaligned start with an increment above the reduction
    w = r.data_get(11_234, 11_234 + 2 * 2500, 2500)
    direct = r.statistics_get(11_234, 11_234 + 2500)
    np.testing.assert_allclose(w[0, 0]["mean"], direct["signals"]["current"]["µ"]["value"],
                               rtol=1e-9)
    assert r.input_sampling_frequency == 2e6
    with pytest.raises(ValueError, match="outside the recording"):
        r.samples_get(0, s1 + 1)
    with pytest.raises(ValueError, match="outside the recording"):
        r.data_get(s1 + 5, s1 + 10)
    from daqcore.errors import DaqcoreError

    with pytest.raises(DaqcoreError):
        r.statistics_get(-s1 - 10, None)
    assert r.normalize_time_arguments(-1.0, 100.0, "seconds") == (0, s1)
    r.close()
