"""Bad input and hostile files give clear daqcore.saving errors and leave files readable."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.errors import DaqcoreError
from daqcore.saving import (
    DataLoader,
    DataToExportExtendedSaver,
    DataToExportSaver,
    DataToExportTimedSaver,
    H5SaverLowLevel,
)
from daqcore.saving import errors as err

BACKENDS = ["h5py", "tables"]


def dte(n1d: int = 4, value: float = 1.0) -> DataToExport:
    d0 = DataRaw("temp", units="K", data=[np.array([value])], origin="det")
    d1 = DataRaw("spec", units="V", data=[np.full(n1d, value)], origin="det",
                 axes=[Axis("wl", units="nm", data=np.linspace(0.0, 1.0, n1d), index=0)])
    return DataToExport("det", data=[d0, d1])


def new_saver(path, backend, save_type="scan", **kwargs) -> H5SaverLowLevel:
    h5 = H5SaverLowLevel(save_type, backend=backend, **kwargs)
    h5.init_file(path, new_file=True)
    return h5


def scan_file(path, backend):
    h5 = new_saver(path, backend)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportExtendedSaver(h5, (3, 2))
    saver.add_data(det, dte(), indexes=(0, 0))
    return h5, det, saver


def assert_readable(path, backend, node="/RawData/Detector000/Data1D/CH00/Data00"):
    with DataLoader(path, backend=backend) as loader:
        return loader.load_data(node)


@pytest.mark.parametrize("backend", BACKENDS)
def test_extended_saver_bad_indexes_and_shapes(tmp_path, backend):
    path = tmp_path / "scan.h5"
    h5, det, saver = scan_file(path, backend)
    for bad in [(3, 0), (0, 2), (-1, 0), (0,), (0, 0, 0), ("a", 0)]:
        with pytest.raises(err.ExtendedIndexError):
            saver.add_data(det, dte(), indexes=bad)
    with pytest.raises(err.DataShapeError):
        saver.add_data(det, dte(n1d=5), indexes=(1, 1))
    with pytest.raises(err.ExtendedIndexError):
        DataToExportExtendedSaver(h5, (0, 3))
    saver.add_data(det, dte(value=2.0), indexes=(2, 1))
    h5.close_file()
    loaded = assert_readable(path, backend)
    assert loaded.data[0][2, 1, 0] == 2.0 and np.isnan(loaded.data[0][1, 1, 0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_enlargeable_append_other_shape(tmp_path, backend):
    path = tmp_path / "log.h5"
    h5 = new_saver(path, backend, "logger")
    det = h5.add_det_group(h5.raw_group)
    saver = DataToExportTimedSaver(h5)
    saver.add_data(det, dte())
    with pytest.raises(err.DataShapeError):
        saver.add_data(det, dte(n1d=7))
    other = dte()
    other.append(DataRaw("extra", data=[np.zeros(4)]))
    with pytest.raises(err.DataShapeError):
        saver.add_data(det, other)
    saver.add_data(det, dte(value=3.0))
    h5.close_file()
    loaded = assert_readable(path, backend, "/RawData/Detector000/Data1D/CH00/EnlData00")
    assert loaded.data[0].shape[1:] == (4,) and loaded.data[0][-1, 0] == 3.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_closed_and_read_only_files(tmp_path, backend):
    path = tmp_path / "scan.h5"
    h5, det, saver = scan_file(path, backend)
    h5.close_file()
    with pytest.raises(err.FileClosedError):
        saver.add_data(det, dte(), indexes=(1, 0))
    with pytest.raises(err.FileClosedError):
        h5.get_node("/RawData")
    ro = H5SaverLowLevel.from_file(path, mode="r", backend=backend)
    with pytest.raises(err.ReadOnlyFileError):
        DataToExportSaver(ro).add_data(ro.raw_group, dte())
    with pytest.raises(err.ReadOnlyFileError):
        ro.raw_group.attrs["x"] = 1
    with pytest.raises(err.ReadOnlyFileError):
        ro.add_log("nope")
    ro.close_file()
    assert_readable(path, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_directory_missing_and_non_hdf5_paths(tmp_path, backend):
    with pytest.raises(err.H5FileError, match="directory"):
        new_saver(tmp_path, backend)
    with pytest.raises(err.H5FileError):
        DataLoader(tmp_path / "missing.h5", backend=backend)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"this is not hdf5" * 100)
    with pytest.raises(err.H5FileError, match="not an HDF5"):
        DataLoader(junk, backend=backend)
    with pytest.raises(err.H5FileError):
        H5SaverLowLevel("scan", backend=backend).init_file(junk, new_file=False)
    assert junk.read_bytes().startswith(b"this is not hdf5")  # left untouched
    with pytest.raises(err.BackendError):
        H5SaverLowLevel("scan", backend="netcdf")
    assert issubclass(err.H5FileError, DaqcoreError) and issubclass(err.H5FileError, OSError)


HOSTILE = [
    '{"module": "builtins", "type": "str", "data": "__import__(\'os\').system(\'touch PWNED\')"}',
    '{"module": "builtins", "type": "tuple", "data": "(1, open(\'/etc/passwd\').read())"}',
    '{"module": "builtins", "type": "int", "data": "(lambda: 1)()"}',
    '{"module": "builtins", "type": "list", "data": "[1, 2"}',
    '{"module": "builtins", "type": "str", "data": 5}',
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_attributes_are_never_evaluated(tmp_path, backend, hostile, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "scan.h5"
    h5, _det, _saver = scan_file(path, backend)
    h5.close_file()
    import h5py

    with h5py.File(path, "a") as f:  # an attacker edits the 0D data node only
        f["/RawData/Detector000/Data0D/CH00/Data00"].attrs["nav_indexes"] = hostile
    with DataLoader(path, backend=backend) as loader:
        with pytest.raises(err.AttributeDecodeError):
            loader.load_data("/RawData/Detector000/Data0D/CH00/Data00")
        assert loader.load_data("/RawData/Detector000/Data1D/CH00/Data00").units == "V"
    assert not (tmp_path / "PWNED").exists()


def test_safe_literal_parser_accepts_pymodaq_forms():
    from daqcore.saving.attributes import decode, parse_literal

    assert parse_literal("np.float64(400.0)") == 400.0
    assert parse_literal("(np.int64(1), 2)") == (1, 2)
    assert parse_literal("datetime.date(2024, 1, 2)").isoformat() == "2024-01-02"
    assert parse_literal("{'a': [1, -2.5, None, True]}") == {"a": [1, -2.5, None, True]}
    assert decode('{"module": "builtins", "type": "NoneType", "data": "None"}') is None
    assert decode("det0") == "det0" and decode(b"GROUP") == "GROUP"
    with pytest.raises(err.UnsafeAttributeError):
        parse_literal("os.system('x')")
    with pytest.raises(err.UnsafeAttributeError):
        parse_literal("np.load('x')")


@pytest.mark.parametrize("backend", BACKENDS)
def test_saving_never_mutates_the_callers_data(tmp_path, backend):
    h5, det, saver = scan_file(tmp_path / "scan.h5", backend)
    data = dte(value=7.0)
    before = data[1].data[0].copy()
    saver.add_nav_axes(det, [Axis("x", "mm", np.arange(3.0), index=0),
                             Axis("y", "mm", np.arange(2.0), index=1)])
    saver.add_data(det, data, indexes=(1, 1))
    assert data[1].axes[0].index == 0
    np.testing.assert_array_equal(data[1].data[0], before)
    h5.close_file()


@pytest.mark.parametrize("backend", BACKENDS)
def test_saving_dynamic_is_applied_and_checked(tmp_path, backend):
    path = tmp_path / "dyn.h5"
    h5 = new_saver(path, backend, dynamic="int16")
    det = h5.add_det_group(h5.raw_group)
    saver = DataToExportExtendedSaver(h5, (4,))
    ok = DataToExport("d", data=[DataRaw("c", data=[np.array([-3.0, 30000.0])])])
    saver.add_data(det, ok, indexes=(0,))
    for bad in ([40000.0, 0.0], [np.nan, 1.0], [0.5, 1.0]):
        with pytest.raises(err.DtypeOverflowError):
            saver.add_data(det, DataToExport("d", data=[DataRaw("c", data=[np.array(bad)])]),
                           indexes=(1,))
    h5.close_file()
    with DataLoader(path, backend=backend) as loader:
        node = loader.get_node("/RawData/Detector000/Data1D/CH00/Data00")
        assert node.dtype == np.int16 and node.attrs["dtype"] == "int16"
        values = loader.load_data(node).data[0]
    assert values[0].tolist() == [-3, 30000] and values[1].tolist() == [0, 0]
    with pytest.raises(err.DtypeOverflowError):
        H5SaverLowLevel("scan", backend=backend, dynamic="float8")


@pytest.mark.parametrize("backend", BACKENDS)
def test_logger_strings_and_unsafe_pickles(tmp_path, backend):
    path = tmp_path / "log.h5"
    h5 = new_saver(path, backend)
    h5.add_log("first message")
    h5.add_log("second é")
    h5.close_file()
    ro = H5SaverLowLevel.from_file(path, mode="r", backend=backend)
    assert ro.get_node("/RawData/Logger").read() == ["first message", "second é"]
    ro.close_file()
    import pickle

    from daqcore.saving import StringARRAY

    with pytest.raises(err.AttributeDecodeError):
        StringARRAY.array_to_string(np.frombuffer(pickle.dumps(np.float64), np.uint8))


def test_minimal_foreign_file_is_read_without_writing(tmp_path):
    """A hand-written file without CLASS attributes loads read-only; nothing is written."""
    import h5py

    from daqcore.saving.attributes import encode

    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        d = f.create_dataset("RawData/CH00/Data00", data=np.arange(4.0))
        for key, value in {"data_type": "data", "data_dimension": "Data1D",
                           "distribution": "uniform", "label": "a", "nav_indexes": (),
                           "shape": (4,), "timestamp": 1.0, "units": "mV"}.items():
            d.attrs[key] = encode(value)
        d.attrs["TITLE"] = "foreign"
        bad = f.create_dataset("RawData/CH01/Data00", data=np.arange(2.0))
        bad.attrs["data_type"] = encode("not_a_type")
    before = path.read_bytes()
    with DataLoader(path) as loader:
        dwa = loader.load_data("/RawData/CH00/Data00")
        assert dwa.name == "foreign" and dwa.units == "mV" and dwa.data[0].tolist() == [0, 1, 2, 3]
        with pytest.raises(err.EnumValueError):
            loader.load_data("/RawData/CH01/Data00")
        with pytest.raises(err.NodeError):
            loader.load_data("/RawData/CH02/Data00")
    assert path.read_bytes() == before
    with pytest.raises(err.EnumValueError):
        H5SaverLowLevel("bogus")
