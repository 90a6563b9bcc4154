"""Sliced loads (``nav=``) return DataWithAxes with the matching navigation axes, units and
error bars, reading only the selected points; ``load_all`` stores what it read without copies."""

from __future__ import annotations

import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.saving import (
    DataLoader,
    DataToExportExtendedSaver,
    DataToExportTimedSaver,
    H5SaverLowLevel,
)
from daqcore.saving.errors import NavSelectionError

SHAPE = (4, 3)
SPEC = "/RawData/Scan000/Detector000/Data1D/CH00/Data00"
TEMP = "/RawData/Scan000/Detector000/Data0D/CH00/Data00"
LOG_SPEC = "/RawData/Detector000/Data1D/CH00/EnlData00"


def _dte(step: int) -> DataToExport:
    d0 = DataRaw("temp", units="K", data=[np.array([10.0 + step]), np.array([-1.0 * step])],
                 labels=["T1", "T2"])
    d1 = DataRaw("spec", units="V", data=[np.arange(8.0) + 100 * step],
                 errors=[np.full(8, 0.5 + step)],
                 axes=[Axis("wl", units="nm", data=np.linspace(400.0, 470.0, 8), index=0)])
    dte = DataToExport("det", data=[d0, d1])
    dte.timestamp = 1000.0 + step
    return dte


@pytest.fixture(scope="module", params=["h5py", "tables"])
def scan_file(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sliced") / f"scan_{request.param}.h5"
    h5 = H5SaverLowLevel("scan", backend=request.param)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.add_scan_group(h5.raw_group, title="scan"), title="det")
    saver = DataToExportExtendedSaver(h5, extended_shape=SHAPE)
    saver.add_nav_axes(det, [Axis("x", units="mm", data=np.array([0.0, 1.0, 2.0, 3.0]),
                                  index=0),
                             Axis("y", units="um", data=np.array([5.0, 6.0, 7.0]), index=1)])
    for k, idx in enumerate(np.ndindex(SHAPE)):
        saver.add_data(det, _dte(k), indexes=idx)
    h5.close_file()
    return path


@pytest.fixture(scope="module")
def log_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sliced") / "log.h5"
    h5 = H5SaverLowLevel("logger")
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="det")
    saver = DataToExportTimedSaver(h5)
    for k in range(30):
        saver.add_data(det, _dte(k))
    h5.close_file()
    return path


def _axes(dwa) -> dict[str, tuple[str, int, list[float]]]:
    return {a.label: (a.units, a.index, np.asarray(a.get_data()).tolist()) for a in dwa.axes}


def test_one_scan_point_with_its_signal_axis_units_and_errors(scan_file):
    with DataLoader(scan_file) as loader:
        full = loader.load_data(SPEC)
        point = loader.load_data(SPEC, nav=(2, 1))
    k = 2 * SHAPE[1] + 1
    assert point.shape == (8,) and tuple(point.nav_indexes) == ()
    np.testing.assert_array_equal(point.data[0], np.arange(8.0) + 100 * k)
    np.testing.assert_array_equal(point.data[0], full.data[0][2, 1])
    np.testing.assert_array_equal(point.errors[0], np.full(8, 0.5 + k))
    assert point.units == "V"
    assert _axes(point) == {"wl": ("nm", 0, np.linspace(400.0, 470.0, 8).tolist())}


def test_a_slice_keeps_the_sliced_navigation_axis(scan_file):
    with DataLoader(scan_file) as loader:
        part = loader.load_data(SPEC, nav=(slice(1, 3),))
        column = loader.load_data(SPEC, nav=(slice(None), 2))
        temps = loader.load_data(TEMP, load_all=True, nav=(slice(0, 4, 2), slice(1, None)))
    assert part.shape == (2, 3, 8) and tuple(part.nav_indexes) == (0, 1)
    assert _axes(part)["x"] == ("mm", 0, [1.0, 2.0])
    assert _axes(part)["y"] == ("um", 1, [5.0, 6.0, 7.0])
    assert _axes(part)["wl"][:2] == ("nm", 2)
    np.testing.assert_array_equal(part.errors[0][:, :, 0], [[3.5, 4.5, 5.5], [6.5, 7.5, 8.5]])
    assert column.shape == (4, 8) and tuple(column.nav_indexes) == (0,)
    assert _axes(column)["x"] == ("mm", 0, [0.0, 1.0, 2.0, 3.0]) and "y" not in _axes(column)
    assert _axes(column)["wl"][:2] == ("nm", 1)
    np.testing.assert_array_equal(column.data[0][:, 0], [200.0, 500.0, 800.0, 1100.0])
    assert temps.labels == ["T1", "T2"] and temps.shape == (2, 2) and temps.units == "K"
    np.testing.assert_array_equal(temps.data[0], [[11.0, 12.0], [17.0, 18.0]])
    assert _axes(temps) == {"x": ("mm", 0, [0.0, 2.0]), "y": ("um", 1, [6.0, 7.0])}


def test_load_all_takes_the_same_selection(scan_file):
    with DataLoader(scan_file) as loader:
        dte = loader.load_all("/RawData", nav=(3, 0))
    by_name = {d.name: d for d in dte}
    assert by_name["temp"].shape == (1,) and by_name["spec"].shape == (8,)
    np.testing.assert_array_equal(by_name["spec"].data[0], np.arange(8.0) + 900)


def test_a_time_window_of_a_log(log_file):
    with DataLoader(log_file) as loader:
        window = loader.nav_slice(LOG_SPEC, 1010.0, 1015.0)
        rows = loader.load_data(LOG_SPEC, nav=window)
        last = loader.load_data(LOG_SPEC, nav=-1)
    assert window == slice(10, 15, None)
    assert rows.shape == (5, 8) and tuple(rows.nav_indexes) == (0,)
    assert _axes(rows)["time"] == ("s", 0, [1010.0, 1011.0, 1012.0, 1013.0, 1014.0])
    np.testing.assert_array_equal(rows.data[0][:, 0], [1000.0, 1100.0, 1200.0, 1300.0, 1400.0])
    np.testing.assert_array_equal(rows.errors[0][:, 0], [10.5, 11.5, 12.5, 13.5, 14.5])
    np.testing.assert_array_equal(last.data[0], np.arange(8.0) + 2900)


@pytest.mark.parametrize("nav, match", [((1, 1, 1), "selects 3 navigation dimensions"),
                                         ((9,), "out of range"), ((slice(3, 0, -1),),
                                                                  "positive step"),
                                         (("a",), "not an index")])
def test_bad_selections_are_refused(scan_file, nav, match):
    with DataLoader(scan_file) as loader, pytest.raises(NavSelectionError, match=match):
        loader.load_data(SPEC, nav=nav)


@pytest.mark.timeout(60)
def test_a_point_of_a_huge_sparse_array_reads_only_its_chunk(tmp_path, scan_file):
    if "tables" in scan_file.name:
        pytest.skip("the array is rewritten with h5py")
    path = tmp_path / "huge.h5"
    path.write_bytes(scan_file.read_bytes())
    with h5py.File(path, "a") as f:
        attrs = dict(f[SPEC].attrs)
        del f[SPEC]
        huge = f.create_dataset(SPEC, shape=(2**34, 3, 8), dtype="f8", chunks=(1, 3, 8),
                                fillvalue=np.nan)  # 3 TiB declared, nothing stored
        huge[5, 1] = np.arange(8.0)
        for key, value in attrs.items():
            huge.attrs[key] = value
        del f["RawData/Scan000/Detector000/Data1D/CH00/ErrorBar00"]
        del f["RawData/Scan000/Detector000/NavAxes/Axis00"]
    start = time.perf_counter()
    with DataLoader(path) as loader:
        point = loader.load_data(SPEC, nav=(5, 1))
        row = loader.load_data(SPEC, nav=(slice(4, 6),))
    assert time.perf_counter() - start < 2.0
    np.testing.assert_array_equal(point.data[0], np.arange(8.0))
    assert row.shape == (2, 3, 8) and np.isnan(row.data[0][0]).all()


def test_append_without_copy_stores_the_object():
    dwa = DataRaw("a", data=[np.zeros(3)])
    dte = DataToExport("det")
    dte.append(dwa, copy=False)
    assert dte[0] is dwa and dwa.origin == "det"
    dte.append(DataRaw("b", data=[np.zeros(3)]))
    copied = DataRaw("c", data=[np.zeros(3)])
    dte.append(copied)
    assert dte[-1] is not copied and dte[-1].data[0] is not copied.data[0]
