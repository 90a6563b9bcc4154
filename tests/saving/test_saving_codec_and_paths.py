"""Attribute codec round trips (hypothesis), savers built from paths, appending to files."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daqcore.data import DataRaw, DataToExport
from daqcore.saving import (
    DataLoader,
    DataSaverLoader,
    DataToExportExtendedSaver,
    DataToExportSaver,
    DataToExportTimedSaver,
    H5SaverLowLevel,
)
from daqcore.saving.attributes import decode, encode

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
                    st.floats(allow_nan=False), st.text(max_size=30), st.binary(max_size=10))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=10)


@settings(max_examples=150, deadline=None)
@given(values)
def test_codec_round_trip(value):
    text = encode(value)
    assert set(json.loads(text)) == {"module", "type", "data"}
    assert decode(text) == value


def test_codec_matches_pymodaq_reader():
    pytest.importorskip("pymodaq_utils")
    from pymodaq_utils.utils import JsonConverter

    for value in [(0, 1), "det", 3, 1.5, [1, 2], True, np.float64(2.5), (np.int64(3),)]:
        ours = encode(value)
        assert JsonConverter.json2object(ours) == decode(ours)
        assert decode(JsonConverter.object2json(value)) == value


def small_dte(k: int) -> DataToExport:
    dte = DataToExport("d", data=[DataRaw("v", units="A", data=[np.array([float(k)])])])
    dte.timestamp = 10.0 + k
    return dte


@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_logging_resumes_in_an_existing_file(tmp_path, backend):
    path = tmp_path / "log.h5"
    for session in range(2):
        h5 = H5SaverLowLevel("logger", backend=backend)
        h5.init_file(path, new_file=session == 0)
        det = "/RawData/Detector000" if session else h5.add_det_group(h5.raw_group)
        saver = DataToExportTimedSaver(h5)
        for k in range(3):
            saver.add_data(det, small_dte(3 * session + k))
        h5.close_file()
    with DataLoader(path, backend=backend) as loader:
        node = loader.get_node("/RawData/Detector000/Data0D/CH00/EnlData00")
        dwa = loader.load_data(node)
        assert node.attrs["shape"] == (6, 1)
    assert dwa.data[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and dwa.units == "A"
    assert dwa.get_nav_axes()[0].get_data().tolist() == [10.0 + k for k in range(6)]


def test_savers_accept_paths(tmp_path):
    snap = tmp_path / "snap.h5"
    saver = DataToExportSaver(str(snap), new_file=True)
    saver.add_data("/RawData", small_dte(1))
    saver.close_file()
    single = DataSaverLoader(tmp_path / "single.h5", new_file=True)
    single.add_data("/RawData", DataRaw("x", data=[np.arange(3.0)]))
    single.close_file()
    scan = DataToExportExtendedSaver(H5SaverLowLevel.from_file(tmp_path / "scan.h5",
                                                               new_file=True), (2,))
    scan.add_data("/RawData", small_dte(1), indexes=(1,))
    scan.close_file()
    with DataLoader(str(snap)) as loader:
        assert loader.load_data("/RawData/Data0D/CH00/Data00").units == "A"
    with DataLoader(tmp_path / "single.h5") as loader:
        assert loader.load_data("/RawData/Data00").data[0].tolist() == [0.0, 1.0, 2.0]
    with DataLoader(tmp_path / "scan.h5", backend="tables") as loader:
        values = loader.load_data("/RawData/Data0D/CH00/Data00").data[0]
        assert np.isnan(values[0]) and values[1] == 1.0


@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_enlargeable_saver_appends_datand_rows_readable_by_pymodaq(tmp_path, backend):
    from daqcore.data import Axis
    from daqcore.saving import DataEnlargeableSaver
    from daqcore.saving.export_savers import DataBundle

    path = tmp_path / "nd.h5"
    h5 = H5SaverLowLevel("custom", backend=backend)
    h5.init_file(path, new_file=True)
    group = h5.get_set_group(h5.raw_group, "CH00")
    saver = DataEnlargeableSaver(h5)
    blocks = []
    for k in range(2):
        block = np.arange(12.0).reshape(3, 4) + 100 * k
        blocks.append(block)
        saver.add_data(group, DataRaw("cube", units="mV", data=[block], nav_indexes=(0,),
                                      axes=[Axis("pos", "mm", np.arange(3.0) + 3 * k, index=0),
                                            Axis("t", "s", np.linspace(0, 1, 4), index=1)]))
    timed = DataToExportTimedSaver(h5)
    timed.add_data_bundle(DataBundle(small_dte(0), node=h5.add_det_group(h5.raw_group)))
    h5.close_file()
    expected = np.concatenate(blocks)
    with DataLoader(path, backend=backend) as loader:
        dwa = loader.load_data("/RawData/CH00/EnlData00")
    pytest.importorskip("pymodaq_data")
    from pymodaq_data.h5modules.data_saving import DataLoader as PLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PSaver

    ph5 = PSaver(backend=backend)
    ph5.open_file(str(path), "r")
    theirs = PLoader(ph5).load_data("/RawData/CH00/EnlData00")
    ph5.close_file()
    for loaded in (dwa, theirs):
        np.testing.assert_array_equal(loaded.data[0], expected)
        assert tuple(loaded.nav_indexes) == (0,) and loaded.units == "mV"
        pos = next(a for a in loaded.axes if a.label == "pos")
        np.testing.assert_array_equal(pos.get_data(), np.arange(6.0))
        assert [a.index for a in loaded.axes if a.label == "t"] == [1]


@pytest.mark.parametrize("value", [
    datetime.timedelta(days=1, seconds=3, microseconds=5),
    datetime.timedelta(days=-1),
    datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    datetime.datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(
        datetime.timedelta(hours=-5), "EST")),
])
def test_timedeltas_and_aware_datetimes_round_trip(value):
    from daqcore.saving.attributes import decode, encode

    assert decode(encode(value)) == value


@pytest.mark.parametrize("source", [
    "datetime.timedelta(days=__import__('os'))", "datetime.datetime(2020, 1, 1, tzinfo=os.system)",
    "datetime.timedelta(weeks=1)", "datetime.timedelta(days=True)",
])
def test_datetime_calls_with_other_keywords_are_refused(source):
    import json

    from daqcore.saving.attributes import decode
    from daqcore.saving.errors import UnsafeAttributeError

    with pytest.raises(UnsafeAttributeError):
        decode(json.dumps({"module": "datetime", "type": "timedelta", "data": source}))
