"""Issue 11, saving items 1, 2, 8, 9 and 11: the same PyMoDAQ script run with pymodaq_data's
imports and with daqcore's gives the same result (or the difference documented in
``docs/migration.md``, asserted here too).

Complex data in every saver kind, SWMR around node creation, ``shape``/``size`` attributes of
enlargeable arrays while the file is open, large attributes, ``source`` of appended DataND,
PyTables' ``VERSION``, unvisited bool points, chunk sizes of short logs.
"""

from __future__ import annotations

import logging
import os
import types
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("pymodaq_data")


def _pymodaq() -> types.SimpleNamespace:
    """The names a PyMoDAQ script imports (as in test_pymodaq_scripts)."""
    from pymodaq_data import data
    from pymodaq_data.h5modules import data_saving, saving

    return types.SimpleNamespace(
        name="pymodaq", Axis=data.Axis, DataRaw=data.DataRaw, DataToExport=data.DataToExport,
        H5SaverLowLevel=saving.H5SaverLowLevel, DataToExportSaver=data_saving.DataToExportSaver,
        DataToExportEnlargeableSaver=data_saving.DataToExportEnlargeableSaver,
        DataToExportExtendedSaver=data_saving.DataToExportExtendedSaver,
        DataToExportTimedSaver=data_saving.DataToExportTimedSaver,
        DataLoader=data_saving.DataLoader)


def _daqcore() -> types.SimpleNamespace:
    """The same names imported from daqcore."""
    from daqcore import data, saving

    return types.SimpleNamespace(
        name="daqcore", Axis=data.Axis, DataRaw=data.DataRaw, DataToExport=data.DataToExport,
        H5SaverLowLevel=saving.H5SaverLowLevel, DataToExportSaver=saving.DataToExportSaver,
        DataToExportEnlargeableSaver=saving.DataToExportEnlargeableSaver,
        DataToExportExtendedSaver=saving.DataToExportExtendedSaver,
        DataToExportTimedSaver=saving.DataToExportTimedSaver, DataLoader=saving.DataLoader)

BACKENDS = ["h5py", "tables"]
KINDS = ["plain", "extended", "enlargeable", "timed"]


def _both(script: Any, *args: Any) -> dict[str, Any]:
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lib in (_pymodaq(), _daqcore()):
            results[lib.name] = script(lib, *args)
    return results


def _complex_values(array: Any) -> list[Any]:
    """Complex values as [real, imag] pairs, NaN as None."""
    arr = np.asarray(array)
    pairs = np.stack([arr.real, arr.imag], axis=-1).astype(float)
    return np.where(np.isnan(pairs), None, pairs).tolist()


def _mixed_dte(lib: Any, step: int = 0) -> Any:
    dte = lib.DataToExport("d", data=[
        lib.DataRaw("x", data=[np.array([1 + 2j, 3 - 1j]) * (step + 1)], origin="o"),
        lib.DataRaw("flag", data=[np.array([step % 2 == 0])], origin="o"),
    ])
    dte.timestamp = 100.0 + step
    return dte


# ------------------------------------------------------------------------------ item 1
def complex_in_every_saver(lib: Any, tmp: Path, backend: str, kind: str) -> dict[str, Any]:
    """Complex (and bool) data through one saver kind; extended scans leave a point unvisited."""
    path = tmp / f"{lib.name}_{kind}_{backend}.h5"
    h5 = lib.H5SaverLowLevel(save_type="scan", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    det = h5.add_det_group(h5.raw_group, "det")
    if kind == "plain":
        lib.DataToExportSaver(h5).add_data(det, _mixed_dte(lib))
    elif kind == "extended":
        lib.DataToExportExtendedSaver(h5, extended_shape=(3,)).add_data(det, _mixed_dte(lib),
                                                                        indexes=(1,))
    elif kind == "enlargeable":
        saver = lib.DataToExportEnlargeableSaver(h5)
        for step in range(2):
            saver.add_data(det, _mixed_dte(lib, step), axis_values=[float(step)])
    else:
        saver = lib.DataToExportTimedSaver(h5)
        for step in range(2):
            saver.add_data(det, _mixed_dte(lib, step))
    h5.close_file()
    loader = lib.DataLoader(path)
    try:
        out = {}
        for dim in ("Data0D", "Data1D"):
            group = f"/RawData/Detector000/{dim}/CH00"
            names = sorted(loader.get_node(group).children())
            dwa = loader.load_data(f"{group}/{names[0]}")
            data = dwa.data[0]
            out[dim] = {"nodes": names, "dtype": str(data.dtype), "shape": list(data.shape),
                        "values": _complex_values(data) if data.dtype.kind == "c"
                        else data.tolist()}
        return out
    finally:
        loader.close_file()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("backend", BACKENDS)
def test_complex_data_saves_and_loads_as_with_pymodaq(kind, backend, tmp_path):
    results = _both(complex_in_every_saver, tmp_path, backend, kind)
    assert results["daqcore"] == results["pymodaq"]
    pairs = np.array(results["daqcore"]["Data1D"]["values"], dtype=object).reshape(-1, 2)
    assert [1.0, 2.0] in pairs.tolist() and [3.0, -1.0] in pairs.tolist()  # exact round trip


def test_unvisited_complex_and_bool_points_read_as_pymodaq_fills_them(tmp_path):
    """PyMoDAQ pre-fills scan arrays with NaN cast to the dtype: nan+0j, True."""
    results = _both(complex_in_every_saver, tmp_path, "h5py", "extended")
    ours = results["daqcore"]
    assert ours["Data1D"]["values"][0] == [[None, 0.0], [None, 0.0]]
    assert ours["Data0D"]["values"] == [True, True, True]  # only index 1 was written (True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failed_array_creation_leaves_no_half_made_group(backend, tmp_path, monkeypatch):
    """daqcore removes what a failed save created (PyMoDAQ leaves ``Data1D/CH00`` behind)."""
    from daqcore.data import DataRaw, DataToExport
    from daqcore.saving import DataToExportExtendedSaver, DataToExportSaver, H5SaverLowLevel, errors

    h5 = H5SaverLowLevel("scan", backend=backend, dynamic="uint8")
    h5.init_file(tmp_path / "a.h5", new_file=True)
    det = h5.add_det_group(h5.raw_group, "det")
    too_big = DataToExport("d", data=[DataRaw("x", data=[np.array([1000.0, 2.0])])])
    for saver, args in ((DataToExportExtendedSaver(h5, (2,)), {"indexes": (0,)}),
                        (DataToExportSaver(h5), {})):
        with pytest.raises(errors.DtypeOverflowError):
            saver.add_data(det, too_big, **args)
        assert list(det.children()) == []  # no Data1D, no CH00, no array left
    fine = DataToExport("d", data=[DataRaw("x", data=[np.array([10.0, 2.0])])])
    saver = DataToExportExtendedSaver(h5, (2,))
    saver.add_data(det, fine, indexes=(0,))  # the same saver works afterwards
    assert h5.get_node("/RawData/Detector000/Data1D/CH00/Data00").read()[0].tolist() == [10, 2]

    det2 = h5.add_det_group(h5.raw_group, "det2")
    real = type(h5.backend).create_carray

    def refused(self, *args, **kwargs):
        raise ValueError("no appropriate function for conversion path")

    monkeypatch.setattr(type(h5.backend), "create_carray", refused)
    with pytest.raises(ValueError):
        DataToExportExtendedSaver(h5, (2,)).add_data(det2, fine, indexes=(0,))
    monkeypatch.setattr(type(h5.backend), "create_carray", real)
    assert list(det2.children()) == []
    h5.close_file()


# ------------------------------------------------------------------------------ item 2
def swmr_new_groups(lib: Any, tmp: Path) -> dict[str, Any]:
    """Timed and extended savers on an SWMR file, then new detector groups (h5py only)."""
    path = tmp / f"{lib.name}_swmr.h5"
    h5 = lib.H5SaverLowLevel(save_type="logger", backend="h5py")
    h5.init_file(file_name=path, new_file=True, swmr_mode=True)
    states = {}
    det = h5.add_det_group(h5.raw_group, "det")
    timed = lib.DataToExportTimedSaver(h5)
    timed.add_data(det, _mixed_dte(lib, 0))
    states["after timed"] = h5.is_swmr_active
    det1 = h5.add_det_group(h5.raw_group, "det1")
    scan = lib.DataToExportExtendedSaver(h5, extended_shape=(2,))
    scan.add_data(det1, _mixed_dte(lib, 1), indexes=(0,))
    states["after extended"] = h5.is_swmr_active
    det2 = h5.add_det_group(h5.raw_group, "det2")  # HDF5 forbids this under SWMR
    lib.DataToExportTimedSaver(h5).add_data(det2, _mixed_dte(lib, 2))
    scan.add_data(det1, _mixed_dte(lib, 3), indexes=(1,))
    timed.add_data(det, _mixed_dte(lib, 4))
    states["groups"] = sorted(h5.get_children(h5.raw_group))
    states["at the end"] = h5.is_swmr_active
    h5.close_file()
    loader = lib.DataLoader(path)
    try:
        for name in ("Detector000", "Detector001", "Detector002"):
            group = f"/RawData/{name}/Data1D/CH00"
            array = sorted(loader.get_node(group).children())[0]
            states[name] = _complex_values(loader.load_data(f"{group}/{array}").data[0])
    finally:
        loader.close_file()
    return states


def test_swmr_is_left_for_new_groups_and_resumed(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="daqcore.saving.h5file"):
        results = _both(swmr_new_groups, tmp_path)
    assert results["daqcore"] == results["pymodaq"]
    assert results["daqcore"]["after timed"] is False  # a timed saver does not start SWMR
    assert results["daqcore"]["after extended"] is True
    assert results["daqcore"]["at the end"] is True  # resumed after the new group
    messages = [r.getMessage() for r in caplog.records if r.name == "daqcore.saving.h5file"]
    assert any("leaving SWMR" in m and "Detector002" in m for m in messages)
    assert any("SWMR writing resumed" in m for m in messages)


READER = """
import sys
import h5py

f = h5py.File(sys.argv[1], "r", swmr=True)
node = f["/RawData/Detector000/Data0D/CH00/Data00"]
for line in sys.stdin:
    node.refresh()
    print([None if v != v else v for v in node[:].tolist()], int(f.attrs["swmr_active"]),
          flush=True)
"""


def test_a_reader_follows_the_file_through_leaving_and_resuming_swmr(tmp_path):
    """A reader that opened the file (SWMR) before a node creation keeps following it: the
    writer reopens the file without taking HDF5's lock, and the reader sees later points."""
    import subprocess
    import sys

    from daqcore.data import DataRaw, DataToExport
    from daqcore.saving import DataToExportExtendedSaver, H5SaverLowLevel

    path = tmp_path / "live.h5"
    h5 = H5SaverLowLevel("scan", backend="h5py")
    h5.init_file(path, new_file=True, swmr_mode=True)
    dte = DataToExport("d", data=[DataRaw("v", data=[np.array([1.0])])])
    det = h5.add_det_group(h5.raw_group, "det")
    saver = DataToExportExtendedSaver(h5, (3,))
    saver.add_data(det, dte, indexes=(0,))
    h5.flush()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def read() -> str:
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write("read\n")
        reader.stdin.flush()
        return reader.stdout.readline().strip()

    try:
        assert read() == "[1.0, None, None] 1"
        other = h5.add_det_group(h5.raw_group, "other")  # leaves SWMR (reader still there)
        assert h5.file.is_swmr_paused and not h5.is_swmr_active
        DataToExportExtendedSaver(h5, (3,)).add_data(other, dte, indexes=(0,))
        assert h5.is_swmr_active  # resumed by the data write
        saver.add_data(det, dte, indexes=(1,))  # the first saver's handles were re-resolved
        h5.flush()
        assert read() == "[1.0, 1.0, None] 1"
    finally:
        reader.kill()
        reader.communicate()
    h5.close_file()
    import h5py

    with h5py.File(path, "r") as f:
        assert f.attrs["swmr_active"] == 0 and "Detector001" in f["RawData"]


# ------------------------------------------------------------------------------ item 8
def shapes_while_open(lib: Any, tmp: Path, backend: str) -> dict[str, Any]:
    path = tmp / f"{lib.name}_open_{backend}.h5"
    h5 = lib.H5SaverLowLevel(save_type="logger", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    det = h5.add_det_group(h5.raw_group, "det")
    saver = lib.DataToExportEnlargeableSaver(h5)
    out = []
    for step in range(3):
        saver.add_data(det, lib.DataToExport("d", data=[
            lib.DataRaw("x", data=[np.arange(4.0) + step])]), axis_values=[float(step)])
        array = h5.get_node("/RawData/Detector000/Data1D/CH00/EnlData00")
        axis = h5.get_node("/RawData/Detector000/NavAxes/Axis00")
        out.append([list(array.attrs["shape"]), int(axis.attrs["size"])])
    h5.close_file()
    return {"while open": out}


@pytest.mark.parametrize("backend", BACKENDS)
def test_shape_and_size_attributes_are_right_after_each_append(backend, tmp_path):
    results = _both(shapes_while_open, tmp_path, backend)
    assert results["daqcore"] == results["pymodaq"]
    assert results["daqcore"]["while open"][-1] == [[3, 4], 3]


# ------------------------------------------------------------------------------ item 9
def large_settings(lib: Any, tmp: Path, backend: str) -> dict[str, Any]:
    path = tmp / f"{lib.name}_large_{backend}.h5"
    settings = "<settings>" + "x" * 100_000 + "</settings>"
    h5 = lib.H5SaverLowLevel(save_type="detector", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    try:
        h5.add_det_group(h5.raw_group, "det", settings_as_xml=settings)
    finally:
        h5.close_file()
    return {"path": path, "settings": settings}


def test_large_settings_are_inline_on_h5py_and_read_by_pymodaq(tmp_path):
    """PyMoDAQ's loader reads the daqcore file's 100 kB attribute as the string it wrote."""
    from pymodaq_data.h5modules.data_saving import DataLoader as PmdLoader

    results = _both(large_settings, tmp_path, "h5py")
    for name, result in results.items():
        loader = PmdLoader(result["path"])
        try:
            value = loader.get_node("/RawData/Detector000").attrs["settings"]
        finally:
            loader.close_file()
        assert value == result["settings"], name
    import h5py

    with h5py.File(results["daqcore"]["path"], "r") as f:
        assert "LargeAttributes" not in f


def test_large_settings_go_to_a_dataset_only_with_pytables(tmp_path):
    """PyTables refuses attributes over 64 KiB (PyMoDAQ raises HDF5ExtError there); daqcore
    stores the value in ``/LargeAttributes`` and reads it back (documented difference)."""
    import tables

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(tables.HDF5ExtError):
            large_settings(_pymodaq(), tmp_path, "tables")
        result = large_settings(_daqcore(), tmp_path, "tables")
    from daqcore.saving import DataLoader

    with DataLoader(result["path"], backend="tables") as loader:
        assert loader.get_node("/RawData/Detector000").attrs["settings"] == result["settings"]
        assert "LargeAttributes" in loader.get_node("/").children()


# ------------------------------------------------------------------------------ item 11
def appended_datand_and_versions(lib: Any, tmp: Path, backend: str) -> dict[str, Any]:
    from importlib import import_module

    module = "pymodaq_data.h5modules.data_saving" if lib.name == "pymodaq" else "daqcore.saving"
    enlargeable_saver = import_module(module).DataEnlargeableSaver
    path = tmp / f"{lib.name}_nd_{backend}.h5"
    h5 = lib.H5SaverLowLevel(save_type="logger", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    group = h5.get_set_group(h5.add_det_group(h5.raw_group, "det"), "DataND")
    nd = lib.DataRaw("nd", data=[np.arange(12.0).reshape(3, 4)], nav_indexes=(0,),
                     axes=[lib.Axis("t", "s", np.array([0.0, 1.0, 2.0]), index=0)])
    enlargeable_saver(h5).add_data(group, nd)
    h5.close_file()
    loader = lib.DataLoader(path)
    try:
        array = loader.get_node("/RawData/Detector000/DataND/EnlData00")
        out = {"source": array.attrs["source"],
               "values": loader.load_data(array).data[0].tolist()}
        for node in ("/", "/RawData", "/RawData/Detector000/DataND/EnlData00"):
            attrs = loader.get_node(node).attrs
            for name in ("VERSION", "PYTABLES_FORMAT_VERSION"):
                if name in attrs.attrs_name:
                    value = attrs[name]
                    out[f"{node} {name}"] = (type(value).__name__, value)
        return out
    finally:
        loader.close_file()


@pytest.mark.parametrize("backend", BACKENDS)
def test_appended_datand_source_and_pytables_versions(backend, tmp_path):
    results = _both(appended_datand_and_versions, tmp_path, backend)
    assert results["daqcore"] == results["pymodaq"]
    assert results["daqcore"]["source"] == "calculated"
    if backend == "tables":
        assert results["daqcore"]["/RawData VERSION"] == ("float", 1.0)


def short_log(lib: Any, tmp: Path, backend: str) -> int:
    path = tmp / f"{lib.name}_short_{backend}.h5"
    h5 = lib.H5SaverLowLevel(save_type="logger", backend=backend)
    h5.init_file(file_name=path, new_file=True)
    det = h5.add_det_group(h5.raw_group, "det")
    saver = lib.DataToExportTimedSaver(h5)
    for step in range(10):
        dte = lib.DataToExport("d", data=[lib.DataRaw("t", data=[np.array([float(step)])]),
                                          lib.DataRaw("s", data=[np.arange(4.0)])])
        dte.timestamp = float(step)
        saver.add_data(det, dte)
    h5.close_file()
    return os.path.getsize(path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_short_log_is_not_much_larger_than_pymodaqs(backend, tmp_path):
    """Chunks follow the row size: 10 rows of scalars cost kilobytes, not 64 KiB per array."""
    sizes = _both(short_log, tmp_path, backend)
    assert sizes["daqcore"] <= 1.5 * sizes["pymodaq"] and sizes["daqcore"] < 100_000


def test_enlargeable_chunks_follow_the_row_size():
    from daqcore.saving.backends.h5py_backend import chunk_rows

    assert chunk_rows((), 8) == 1024  # 8 KiB chunks of scalars
    assert chunk_rows((), 1) == 8192  # tiny rows: at least 8 KiB
    assert chunk_rows((1000,), 8) == 32  # 1000 floats: 256 KiB chunks (unchanged)
    assert chunk_rows((512, 512), 8) == 1  # one image per chunk
