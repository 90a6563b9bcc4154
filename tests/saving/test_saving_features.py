"""File-level features: root attributes, groups, H5Saver naming, compression, large
attributes, SWMR readers, buffered logging."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import (
    BufferedTimedSaver,
    DataLoader,
    DataToExportExtendedSaver,
    DataToExportSaver,
    DataToExportTimedSaver,
    H5Saver,
    H5SaverLowLevel,
)
from daqcore.saving import errors as err

BACKENDS = ["h5py", "tables"]


def log_dte(k: int, n1d: int = 6) -> DataToExport:
    d0 = DataRaw("power", units="W", data=[np.array([float(k)])])
    d1 = DataRaw("trace", units="V", data=[np.full(n1d, float(k))],
                 axes=[Axis("t", "s", np.linspace(0, 1, n1d), index=0)])
    dte = DataToExport("det", data=[d0, d1])
    dte.timestamp = 100.0 + k
    return dte


@pytest.mark.parametrize("backend", BACKENDS)
def test_root_attributes_groups_and_pymodaq_browser_version(tmp_path, backend):
    from packaging.version import Version

    path = tmp_path / "f.h5"
    h5 = H5SaverLowLevel("scan", backend=backend)
    assert h5.init_file(path, new_file=True, metadata={"sample": "Si", "T": 4.2}) is True
    scans = [h5.add_scan_group(h5.raw_group, title=f"s{i}") for i in range(3)]
    assert [g.name for g in scans] == ["Scan000", "Scan001", "Scan002"]
    assert h5.add_det_group(scans[0]).name == "Detector000"
    assert h5.add_det_group(scans[0]).name == "Detector001"
    assert h5.add_act_group(scans[0]).name == "Actuator000"
    assert h5.get_last_group(h5.raw_group, "scan").name == "Scan002"
    h5.close_file()
    h5 = H5SaverLowLevel("scan", backend=backend)
    assert h5.init_file(path) is False  # append to the existing file
    assert h5.add_scan_group(h5.raw_group).name == "Scan003"
    h5.close_file()
    import h5py

    from daqcore.saving.attributes import decode

    with h5py.File(path, "r") as f:
        root = {k: decode(v) for k, v in f.attrs.items()}
        assert Version(root["pymodaq_version"]) >= Version("4.0.0")
        assert root["daqcore_version"] and root["file"] == "f.h5"
        raw = {k: decode(v) for k, v in f["RawData"].attrs.items()}
        assert raw["type"] == "scan" and raw["sample"] == "Si" and raw["T"] == 4.2
        scan = {k: decode(v) for k, v in f["RawData/Scan001"].attrs.items()}
        assert scan["type"] == "scan" and scan["TITLE"] == "s1" and scan["description"] == ""


@pytest.mark.parametrize("backend", BACKENDS)
def test_large_settings_and_metadata_are_stored_and_read_back(tmp_path, backend):
    path = tmp_path / "big.h5"
    xml = "<settings>" + "<p name='x'>1</p>" * 20000 + "</settings>"  # ~340 kB (PyMoDAQ#654)
    h5 = H5SaverLowLevel("detector", backend=backend)
    h5.init_file(path, new_file=True, metadata={"notes": "n" * 200_000})
    det = h5.add_det_group(h5.raw_group, settings_as_xml=xml)
    DataToExportSaver(h5).add_data(det, log_dte(1), settings_as_xml=xml)
    h5.close_file()
    with DataLoader(path, backend=backend) as loader:
        assert loader.get_node("/RawData/Detector000").attrs["settings"] == xml
        assert loader.raw_group.attrs["notes"] == "n" * 200_000
        dwa = loader.load_data("/RawData/Detector000/Data1D/CH00/Data00")
        assert dwa.settings == xml and dwa.units == "V"
    from pymodaq_data.h5modules.data_saving import DataLoader as PLoader
    from pymodaq_data.h5modules.saving import H5SaverLowLevel as PSaver

    ph5 = PSaver(backend=backend)
    ph5.open_file(str(path), "r")
    assert PLoader(ph5).load_data("/RawData/Detector000/Data1D/CH00/Data00").units == "V"
    ph5.close_file()


def _filters(path, node, backend):
    if backend == "h5py":
        import h5py

        with h5py.File(path, "r") as f:
            d = f[node]
            return d.compression, d.compression_opts, list(d.id.get_create_plist()
                                                             .get_filter(i)[0] for i in
                                                             range(d.id.get_create_plist()
                                                                   .get_nfilters()))
    import tables

    with tables.open_file(path, "r") as f:
        flt = f.get_node(node).filters
        return flt.complib, flt.complevel, []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("library,level", [("zlib", 0), ("gzip", 1), ("zlib", 9),
                                           ("blosc2", 5)])
def test_compression_levels(tmp_path, backend, library, level):
    if library == "blosc2" and backend == "h5py":
        pytest.importorskip("hdf5plugin")
    path = tmp_path / "c.h5"
    h5 = H5SaverLowLevel("scan", backend=backend, compression=(library, level))
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group)
    saver = DataToExportExtendedSaver(h5, (20,))
    for i in range(20):
        saver.add_data(det, log_dte(i, n1d=500), indexes=(i,))
    h5.close_file()
    lib, opts, filters = _filters(path, "/RawData/Detector000/Data1D/CH00/Data00", backend)
    if level == 0:
        assert lib is None or opts == 0
    elif library in ("zlib", "gzip"):
        assert (lib, opts) in (("gzip", level), ("zlib", level))
    elif backend == "h5py":
        assert 32026 in filters  # the registered Blosc2 HDF5 filter id
    else:
        assert lib.startswith("blosc2") and opts == level
    with DataLoader(path, backend=backend) as loader:
        dwa = loader.load_data("/RawData/Detector000/Data1D/CH00/Data00")
        assert dwa.data[0][19, 3] == 19.0
    with pytest.raises(err.CompressionError):
        H5SaverLowLevel("scan", backend=backend, compression=("zlib", 10))
    with pytest.raises(err.CompressionError):
        H5SaverLowLevel("scan", backend=backend).define_compression("lzma", 3)


def test_h5saver_naming_and_new_files(tmp_path):
    scan = H5Saver("scan", base_path=tmp_path)
    assert scan.init_file(update_h5=True)
    first = scan.file_path
    assert first.name.startswith("Dataset_") and first.name.endswith("_000.h5")
    assert first.parent.parent.parent == tmp_path
    group = scan.add_scan_group()
    assert scan.current_scan_name == group.name == "Scan000"
    scan.close_file()
    assert scan.init_file(update_h5=True)
    assert scan.file_path.name.endswith("_001.h5")
    assert scan.init_file() is False and scan.file_path.name.endswith("_001.h5")
    scan.close_file()
    log = H5Saver("logger", base_path=tmp_path, base_name="mylog", backend="tables")
    log.init_file(update_h5=True)
    today = datetime.date.today()  # in the day folder, as PyMoDAQ
    assert log.file_path.parent == tmp_path / f"{today:%Y}" / f"{today:%Y%m%d}"
    assert log.file_path.name.startswith("mylog_")
    log.close_file()
    custom = H5Saver("custom", base_path=tmp_path)
    # PyMoDAQ returns update_h5 (False), though the file is new
    assert custom.init_file(addhoc_file_path=tmp_path / "mine.h5") is False
    assert custom.file_path == tmp_path / "mine.h5"
    custom.close_file()


def test_swmr_only_with_h5py_and_not_on_plain_files(tmp_path):
    with pytest.raises(err.SWMRError):
        H5SaverLowLevel("scan", backend="tables").init_file(tmp_path / "a.h5", swmr_mode=True)
    plain = tmp_path / "plain.h5"
    H5SaverLowLevel("scan").init_file(plain, new_file=True)
    with pytest.raises(err.SWMRError):
        H5SaverLowLevel("scan").init_file(plain, swmr_mode=True)


READER = r"""
import json, sys, time
from daqcore.saving import DataLoader
path = sys.argv[1]
with DataLoader(path, swmr_mode=True) as loader:
    node = '/RawData/Detector000/Data0D/CH00/EnlData00'
    seen = []
    print("ready", flush=True)
    for _ in range(2000):
        loader.refresh()
        n = loader.get_node(node).shape[0]
        if not seen or n != seen[-1]:
            seen.append(n)
        if n >= 30:
            break
        time.sleep(0.005)
    print(json.dumps(seen))
"""


def test_swmr_reader_follows_a_running_logger(tmp_path):
    path = tmp_path / "swmr.h5"
    h5 = H5SaverLowLevel("logger", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    h5.set_swmr_flush_interval(1)
    det = h5.add_det_group(h5.raw_group)
    saver = DataToExportTimedSaver(h5)
    saver.add_data(det, log_dte(0))
    assert not h5.is_swmr_active  # as PyMoDAQ, a timed saver does not start SWMR itself
    h5.enable_swmr()
    assert h5.is_swmr_active
    script = tmp_path / "reader.py"
    script.write_text(READER)
    reader = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        for k in range(1, 40):
            saver.add_data(det, log_dte(k))
            time.sleep(0.02)
        out, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    h5.close_file()
    seen = json.loads(out.strip())
    assert seen[-1] >= 30 and len(seen) > 2  # it saw the file grow while it was written
    with DataLoader(path) as loader:
        node = loader.get_node("/RawData/Detector000/Data0D/CH00/EnlData00")
        assert node.attrs["shape"] == (40, 1)  # deferred attributes reconciled at close
        dwa = loader.load_data(node)
        assert dwa.data[0].tolist() == list(np.arange(40.0))
        assert dwa.get_nav_axes()[0].get_data().tolist() == list(100.0 + np.arange(40))


@pytest.mark.parametrize("backend", BACKENDS)
def test_buffered_logger_writes_blocks_and_matches_timed_saver(tmp_path, backend):
    paths = {}
    for kind in ("plain", "buffered"):
        path = tmp_path / f"{kind}.h5"
        h5 = H5SaverLowLevel("logger", backend=backend)
        h5.init_file(path, new_file=True)
        det = h5.add_det_group(h5.raw_group)
        saver = DataToExportTimedSaver(h5) if kind == "plain" else \
            BufferedTimedSaver(h5, flush_period=10.0, block_rows=16, background=False)
        for k in range(50):
            saver.add_data(det, log_dte(k))
        saver.close_file()
        paths[kind] = path
    loaded = {}
    for kind, path in paths.items():
        with DataLoader(path, backend=backend) as loader:
            loaded[kind] = loader.load_all("/RawData/Detector000")
    for a, b in zip(loaded["plain"], loaded["buffered"]):
        np.testing.assert_array_equal(a.data[0], b.data[0])
        assert a.units == b.units
        np.testing.assert_array_equal(a.get_nav_axes()[0].get_data(),
                                      b.get_nav_axes()[0].get_data())


def test_buffered_logger_background_flush_bounds_the_delay(tmp_path):
    path = tmp_path / "buf.h5"
    h5 = H5SaverLowLevel("logger", backend="h5py")
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group)
    saver = BufferedTimedSaver(h5, flush_period=0.1, block_rows=1000)
    for k in range(5):
        saver.add_data(det, log_dte(k))
    node = h5.get_node("/RawData/Detector000/Data0D/CH00/EnlData00")
    deadline = time.monotonic() + 5
    while node.shape[0] < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert node.shape[0] == 5  # written by the background thread, no further add_data
    with pytest.raises(err.DataShapeError):
        saver.add_data(det, log_dte(9, n1d=3))
    saver.close_file()


@pytest.mark.parametrize("backend", BACKENDS)
def test_flush_period_and_interval_refresh_deferred_attributes(tmp_path, backend):
    """Appends defer the ``shape`` attribute; a flush (period, interval or explicit) fixes it."""
    path = tmp_path / "fl.h5"
    h5 = H5SaverLowLevel("logger", backend=backend, flush_period=None)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group)
    saver = DataToExportTimedSaver(h5)
    node = lambda: h5.get_node("/RawData/Detector000/Data0D/CH00/EnlData00")  # noqa: E731
    for k in range(3):
        saver.add_data(det, log_dte(k))
    # no attribute write per append: the deferred attributes are written when read
    assert node().attrs["shape"] == (3, 1)
    h5.set_swmr_flush_interval(2)
    saver.add_data(det, log_dte(3))
    assert h5.file._stale  # the append wrote no attribute
    assert node().attrs["shape"] == (4, 1)
    saver.add_data(det, log_dte(4))  # second tick: flush
    assert not h5.file._stale  # the flush wrote them
    assert node().attrs["shape"] == (5, 1)
    h5.set_swmr_flush_interval(0)
    h5.flush_period = 0.0  # every tick is late: flush each time
    saver.add_data(det, log_dte(5))
    assert node().attrs["shape"] == (6, 1)
    assert h5.get_node("/RawData/Detector000/NavAxes/Axis00").attrs["size"] == 6
    h5.close_file()


def test_swmr_with_several_savers_on_one_file(tmp_path):
    path = tmp_path / "two.h5"
    h5 = H5SaverLowLevel("scan", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    scan = h5.add_scan_group(h5.raw_group)
    groups = [h5.add_det_group(scan, title=f"det{i}") for i in range(2)]
    savers = [DataToExportExtendedSaver(h5, (3,)) for _ in groups]
    savers[0].add_data(groups[0], log_dte(0), indexes=(0,))  # auto start: SWMR is now on
    assert h5.is_swmr_active
    # a new saver's arrays: SWMR is left (file reopened), the arrays made, SWMR resumed
    savers[1].add_data(groups[1], log_dte(0), indexes=(0,))
    assert h5.is_swmr_active and not h5.file.is_swmr_paused
    savers[0].add_data(groups[0], log_dte(1), indexes=(1,))  # handles re-resolved
    h5.close_file()
    with DataLoader(path) as loader:
        dwa = loader.load_data("/RawData/Scan000/Detector000/Data0D/CH00/Data00")
        assert dwa.data[0][:2].tolist() == [0.0, 1.0]

    h5 = H5SaverLowLevel("scan", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    h5.swmr_auto_start = False
    scan = h5.add_scan_group(h5.raw_group)
    groups = [h5.add_det_group(scan, title=f"det{i}") for i in range(2)]
    savers = [DataToExportExtendedSaver(h5, (3,)) for _ in groups]
    for k in range(3):
        for saver, group in zip(savers, groups):
            saver.add_data(group, log_dte(k), indexes=(k,))
        if k == 0:
            h5.enable_swmr()
    assert h5.is_swmr_active
    h5.close_file()
    with DataLoader(path) as loader:
        for i in range(2):
            dwa = loader.load_data(f"/RawData/Scan000/Detector00{i}/Data0D/CH00/Data00")
            assert dwa.data[0].tolist() == [0.0, 1.0, 2.0]
