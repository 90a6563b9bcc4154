"""JLS v1 recordings under faults: killed writer, truncation, corruption, foreign files,
recording from data already buffered, out-of-range requests, content-based format."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from daqcore.errors import DaqcoreError
from daqcore_plugins.joulescope import data_recorder as layout
from daqcore_plugins.joulescope.data_recorder import DataReader, DataRecorder
from daqcore_plugins.joulescope.errors import JlsFormatError, RecordingError
from daqcore_plugins.joulescope.jls_index import RecoveredRecordingWarning
from daqcore_plugins.joulescope.stream_buffer import StreamBuffer

SPR, RPT, TPB = 1000, 10, 5
SPB = SPR * RPT * TPB


@pytest.fixture
def small_layout(monkeypatch):
    monkeypatch.setattr(layout, "SAMPLES_PER_REDUCTION", SPR)
    monkeypatch.setattr(layout, "REDUCTIONS_PER_TLV", RPT)
    monkeypatch.setattr(layout, "TLVS_PER_BLOCK", TPB)


def _recording(make_raw, n=3 * SPB + 12_345, start_sample_id=None, prefill=0):
    raw = make_raw(n + prefill)
    sb = StreamBuffer(1.0, (100, 100), 2e6)
    fh = io.BytesIO()
    if prefill:
        sb.insert_raw(raw[:2 * prefill])
        sb.process()
    rec = DataRecorder(fh, start_sample_id=start_sample_id)
    rec.stream_notify(sb)
    for i in range(2 * prefill, len(raw), 40_000):
        sb.insert_raw(raw[i:i + 40_000])
        sb.process()
        rec.stream_notify(sb)
    rec.close()
    return fh.getvalue(), raw.reshape(-1, 2)


CHILD = textwrap.dedent("""
    import sys, time
    from daqcore_plugins.joulescope import data_recorder as layout
    from daqcore_plugins.joulescope.data_recorder import DataRecorder
    from daqcore_plugins.joulescope.stream_buffer import StreamBuffer
    from daqcore_plugins.joulescope.sim_model import SignalModel
    layout.SAMPLES_PER_REDUCTION, layout.REDUCTIONS_PER_TLV, layout.TLVS_PER_BLOCK = {layout}
    raw = SignalModel(seed=3).generate(0, {n}, 2e6)
    sb = StreamBuffer(1.0, (100, 100), 2e6)
    rec = DataRecorder(sys.argv[1])
    rec.stream_notify(sb)
    for i in range(0, len(raw), 20_000):
        sb.insert_raw(raw[i:i + 20_000])
        sb.process()
        rec.stream_notify(sb)
    print("written", rec.sample_count, flush=True)
    time.sleep(60)  # killed here, never closed
""")


def test_killed_recording_keeps_every_complete_block(tmp_path, small_layout):
    from daqcore_plugins.joulescope.sim_model import SignalModel

    n = 3 * SPB + 2 * SPR * RPT + 777   # 3 blocks, 2 records of a 4th, a partial record
    path = tmp_path / "killed.jls"
    code = CHILD.format(layout=(SPR, RPT, TPB), n=n)
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("written"), line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    with pytest.warns(RecoveredRecordingWarning, match="not closed"):
        r = DataReader().open(str(path))
    with r:
        assert r.sample_id_range == [0, 3 * SPB]
        assert r.recovered
        raw = SignalModel(seed=3).generate(0, n, 2e6).reshape(-1, 2)
        np.testing.assert_array_equal(r.samples_get(0, 3 * SPB, fields="raw"), raw[:3 * SPB])
        assert len(r.get_reduction()) == 3 * SPB // SPR
        stats = r.statistics_get(0, 3 * SPB)
        assert stats["time"]["samples"]["value"] == 3 * SPB


def test_recording_can_start_from_buffered_data(make_raw, small_layout):
    data, raw = _recording(make_raw, n=SPB, start_sample_id=5000, prefill=20_000)
    with DataReader().open(io.BytesIO(data)) as r:
        assert r.sample_id_range == [0, SPB + 15_000]
        np.testing.assert_array_equal(r.samples_get(0, 100, fields="raw"), raw[5000:5100])


def test_start_sample_id_not_in_buffer_is_refused(make_raw, small_layout):
    sb = StreamBuffer(1.0, (100, 100), 2e6)
    sb.insert_raw(make_raw(1000))
    sb.process()
    rec = DataRecorder(io.BytesIO(), start_sample_id=5000)
    with pytest.raises(RecordingError, match="not held"):
        rec.stream_notify(sb)
    rec.close()


def test_truncated_file_recovers_prefix_with_warning(make_raw, small_layout):
    data, raw = _recording(make_raw)
    cut = data[: len(data) * 2 // 3]
    with pytest.warns(RecoveredRecordingWarning, match="truncated"):
        r = DataReader().open(io.BytesIO(cut))
    s1 = r.sample_id_range[1]
    assert s1 % SPB == 0 and 0 < s1 < 3 * SPB
    np.testing.assert_array_equal(r.samples_get(0, s1, fields="raw"), raw[:s1])


def test_crc_corruption_is_reported_with_offset(make_raw, small_layout):
    data, _ = _recording(make_raw)
    r = DataReader().open(io.BytesIO(data))
    pos = r._idx.rec_pos[7] + 100   # inside the 8th sample record
    r.close()
    bad = bytearray(data)
    bad[pos] ^= 0xFF
    with DataReader().open(io.BytesIO(bytes(bad))) as r:
        r.samples_get(0, 1000)  # other records are fine
        with pytest.raises(JlsFormatError, match=r"CRC mismatch .* at offset \d+"):
            r.samples_get(7 * SPR * RPT, 7 * SPR * RPT + 10)


def test_corrupted_reductions_recover_prefix(make_raw, small_layout):
    data, _ = _recording(make_raw)
    r = DataReader().open(io.BytesIO(data))
    pos = r._idx.block_red[1].position + 20
    r.close()
    bad = bytearray(data)
    bad[pos] ^= 0xFF
    with pytest.warns(RecoveredRecordingWarning, match="offset"):
        r = DataReader().open(io.BytesIO(bytes(bad)))
    assert r.sample_id_range == [0, SPB]


@pytest.mark.parametrize("content", [b"", b"hello world" * 10, b"\x89HDF\r\n\x1a\n" + bytes(100),
                                     b"\xd3tagfmt \r\n \n  \x1a\x1c" + bytes(16)])
def test_foreign_files_raise_daqcore_errors(tmp_path, content):
    path = tmp_path / "foreign.jls"
    path.write_bytes(content)
    with pytest.raises(JlsFormatError, match=r"offset|empty|not a"):
        DataReader().open(str(path))
    assert isinstance(JlsFormatError("x"), DaqcoreError)


def test_format_is_detected_from_content_not_name(tmp_path, make_raw, small_layout):
    data, raw = _recording(make_raw, n=SPB)
    path = tmp_path / "misnamed.txt"
    path.write_bytes(data)
    from daqcore_plugins.joulescope.recording import open_recording

    with open_recording(path) as r:
        np.testing.assert_array_equal(r.samples_get(0, 10, fields="raw"), raw[:10])


def test_out_of_range_and_bad_arguments(make_raw, small_layout):
    data, _ = _recording(make_raw, n=SPB)
    with DataReader().open(io.BytesIO(data)) as r:
        s1 = r.sample_id_range[1]
        with pytest.raises(RecordingError, match=r"start sample .* outside"):
            r.samples_get(s1, s1 + 10)
        with pytest.raises(RecordingError, match="units"):
            r.samples_get(0, 1, units="minutes")
        with pytest.raises(DaqcoreError, match="out must be"):
            r.data_get(0, 1000, 10, out=np.zeros(3))
        with pytest.raises(RecordingError, match="field"):
            r.samples_get(0, 10, fields=["nope"])
    with pytest.raises(RecordingError, match="not open"):
        r.samples_get(0, 10)
    rec = DataRecorder(io.BytesIO())
    rec.close()
    with pytest.raises(RecordingError, match="closed"):
        rec.insert({})


def test_user_data_and_context_manager_close_on_error(tmp_path):
    path = tmp_path / "u.jls"
    with pytest.raises(ZeroDivisionError), DataRecorder(str(path), user_data={"a": 1}) as rec:
        assert not rec.closed
        raise ZeroDivisionError
    assert rec.closed
    with DataReader(str(path)) as r:
        assert r.user_data == {"a": 1}
        assert r.sample_id_range == [0, 0]
        assert r.sampling_frequency == 1.0
        assert r.samples_get(0, 0) is None
    assert os.path.getsize(path) > 32


def test_raw_processor_and_reader_without_numba(tmp_path, make_raw, small_layout):
    """The pure-Python path (DAQCORE_NO_NUMBA=1) gives the same samples as the numba one."""
    from daqcore_plugins.joulescope.raw_processor import RawProcessor

    data, _ = _recording(make_raw, n=SPB)
    path = tmp_path / "r.jls"
    path.write_bytes(data)
    code = textwrap.dedent(f"""
        import numpy as np
        from daqcore_plugins.joulescope.kernels import NUMBA_AVAILABLE
        from daqcore_plugins.joulescope.raw_processor import RawProcessor
        from daqcore_plugins.joulescope.data_recorder import DataReader
        from daqcore_plugins.joulescope.sim_model import SignalModel
        assert not NUMBA_AVAILABLE
        raw = SignalModel(seed=1).generate(0, 6000, 2e6)
        out = []
        for mode in ("interp_1_n_1", "mean_1_n_1", "nan_0_2_0", "off"):
            p = RawProcessor()
            p.suppress_mode = mode
            cal, bits = p.process_bulk(raw)
            out.append(cal)
        with DataReader({str(path)!r}) as r:
            out.append(r.samples_get(1000, 3000, fields="current"))
        np.savez({str(tmp_path / "nonumba.npz")!r}, *out)
    """)
    env = dict(os.environ, DAQCORE_NO_NUMBA="1")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    from daqcore_plugins.joulescope.sim_model import SignalModel

    raw = SignalModel(seed=1).generate(0, 6000, 2e6)
    expected = []
    for mode in ("interp_1_n_1", "mean_1_n_1", "nan_0_2_0", "off"):
        p = RawProcessor()
        p.suppress_mode = mode
        expected.append(p.process_bulk(raw)[0])
    with DataReader(str(path)) as r:
        expected.append(r.samples_get(1000, 3000, fields="current"))
    got = np.load(tmp_path / "nonumba.npz")
    for i, e in enumerate(expected):
        np.testing.assert_array_equal(got[f"arr_{i}"], e)
