"""PyMoDAQ's GUI ``H5Saver`` (pymodaq_gui, Qt offscreen) against daqcore's Qt-free ``H5Saver``
(issue 11, item 5): settings tree, file paths, scan indexes, setting changes, file contents."""

from __future__ import annotations

import datetime
import math
import os
import re
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from daqcore.data import DataCalculated as DcDataCalculated
from daqcore.data import DataRaw as DcDataRaw
from daqcore.data import DataToExport as DcDataToExport
from daqcore.saving import DataToExportSaver as DcDataToExportSaver
from daqcore.saving import H5Saver as DcH5Saver
from daqcore.saving.errors import H5FileError
from daqcore.saving.h5saver_settings import EXTRA_SETTINGS
from daqcore.settings_tree import ReadOnlySettingError, Setting, SettingValueError

try:  # PyMoDAQ's saver is Qt-bound: an offscreen QApplication is enough
    from pymodaq_data.data import DataCalculated as PmDataCalculated
    from pymodaq_data.data import DataRaw as PmDataRaw
    from pymodaq_data.data import DataToExport as PmDataToExport
    from pymodaq_data.h5modules.data_saving import DataLoader as PmDataLoader
    from pymodaq_data.h5modules.data_saving import DataToExportSaver as PmDataToExportSaver
    from pymodaq_gui.h5modules import saving as pm_gui_saving
    from qtpy import QtWidgets
except Exception as exc:  # pragma: no cover - depends on the environment
    pytest.skip(f"pymodaq_gui's H5Saver cannot be imported: {exc}", allow_module_level=True)

LIBS = {
    "pymodaq": (pm_gui_saving.H5Saver, PmDataToExportSaver, PmDataToExport, PmDataRaw),
    "daqcore": (DcH5Saver, DcDataToExportSaver, DcDataToExport, DcDataRaw),
}
TODAY = datetime.date.today()
DAY = f"{TODAY:%Y}/{TODAY:%Y%m%d}"


@pytest.fixture(scope="module", autouse=True)
def qapp() -> Any:
    return QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # PyMoDAQ's default base path is relative off Windows


# ---------------------------------------------------------------------- settings trees
def _norm(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def pm_tree(param: Any, prefix: str = "") -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for child in param.children():
        path = prefix + child.name()
        opts = child.opts
        limits = opts.get("limits")
        if isinstance(limits, dict):
            limits = list(limits.values())
        if child.type() in ("int", "float") and limits is None and (
                opts.get("min") is not None or opts.get("max") is not None):
            limits = [opts.get("min"), opts.get("max")]
        out[path] = {"type": child.type(), "title": opts.get("title"),
                     "value": None if child.type() in ("group", "action") else _norm(child.value()),
                     "limits": _norm(limits), "readonly": bool(opts.get("readonly")),
                     "visible": bool(opts.get("visible", True))}
        out.update(pm_tree(child, path + "/"))
    return out


def dc_tree(setting: Setting) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for node in setting.walk():
        if node is setting:
            continue
        limits = node.choices if node.choices is not None else node.limits
        out[node.path] = {"type": node.type, "title": node.title,
                          "value": None if node.type in ("group", "action") else _norm(node.value),
                          "limits": _norm(list(limits)) if limits is not None else None,
                          "readonly": node.readonly, "visible": node.visible}
    return out


@pytest.mark.parametrize("save_type", ["scan", "detector", "logger", "custom", "actuator"])
def test_settings_have_pymodaq_s_names_types_limits_and_defaults(save_type):
    theirs = pm_tree(pm_gui_saving.H5Saver(save_type=save_type).settings)
    ours = dc_tree(DcH5Saver(save_type).settings)
    assert len(theirs) == 28 and set(ours) - set(theirs) == set(EXTRA_SETTINGS)
    assert set(theirs) <= set(ours)
    platform = {"base_path", "current_scan_path"}  # C:\Data on Windows only (migration.md)
    for path, spec in theirs.items():
        mine = dict(ours[path])
        if path in platform and os.name != "nt":
            assert mine.pop("value") == str(Path.home() / "Data")
            spec = {k: v for k, v in spec.items() if k != "value"}
        assert mine == spec, path
    assert ours["save_type"]["value"] == save_type
    assert ours["base_name"]["value"] == "Scan"  # for every save type, as PyMoDAQ


def test_params_and_params_for_save_type_match():
    def names(params: list[dict[str, Any]], prefix: str = "") -> list[str]:
        out = []
        for p in params:
            out.append(prefix + p["name"])
            out += names(p.get("children", []), prefix + p["name"] + "/")
        return out

    theirs = names(pm_gui_saving.H5SaverBase.params)
    assert [n for n in names(DcH5Saver.params) if n not in EXTRA_SETTINGS] == theirs
    assert DcH5Saver.settings_name == pm_gui_saving.H5SaverBase.settings_name
    for st in ("scan", "logger"):
        pm = pm_gui_saving.H5SaverBase.get_params_for_save_type(pm_gui_saving.SaveType[st])
        dc = DcH5Saver.get_params_for_save_type(st)
        assert dc[0]["value"] == pm[0]["value"] == st


# ---------------------------------------------------------------------- one script, two libraries
def _rel(path: Any, base: Path) -> str:
    text = str(path)
    text = text.replace(str(base), "<tmp>")
    return re.sub(r"_\d\d_\d\d_\d\d\.h5$", "_HH_MM_SS.h5", text)


def scan_script(lib: str, base: Path, backend: str) -> tuple[list[Any], list[Path]]:
    """A PyMoDAQ user's session: new dataset, scans, reopen, new dataset, setting changes."""
    H5Saver, DataToExportSaver, DataToExport, DataRaw = LIBS[lib]
    log: list[Any] = []
    files: list[Path] = []
    h5 = H5Saver(save_type="scan")
    h5.settings.child("base_path").setValue(str(base))
    h5.settings.child("backend", "backend_type").setValue(backend)
    log.append(("swmr", h5.settings["backend", "swmr_options", "enable_swmr"],
                h5.settings.child("backend", "swmr_options").opts["visible"] if lib == "pymodaq"
                else h5.settings.child("backend", "swmr_options").visible))
    log.append(("new", h5.init_file(update_h5=True), _rel(h5.settings["current_h5_file"], base),
                h5.settings["current_scan_name"], _rel(h5.settings["current_scan_path"], base),
                h5.current_scan_name, h5.get_scan_index(), h5.get_last_scan()))
    files.append(Path(h5.settings["current_h5_file"]))
    for k in range(3):
        scan = h5.add_scan_group(title=f"scan {k}")
        det = h5.add_det_group(scan, title="det")
        DataToExportSaver(h5).add_data(det, DataToExport("d", data=[
            DataRaw("trace", data=[np.arange(4.0) * (k + 1)], units="V")]))
        log.append(("scan", scan.name, h5.get_scan_index(),
                    [g.name for g in h5.get_scan_groups()], h5.get_last_scan().name,
                    h5.settings["current_scan_name"]))
    log.append(("paths", [_rel(p, base) for p in h5.update_file_paths(False)]))
    log.append(("reopen", h5.init_file(), _rel(h5.settings["current_h5_file"], base),
                h5.settings["current_scan_name"], h5.get_scan_index()))
    log.append(("new2", h5.init_file(update_h5=True), _rel(h5.settings["current_h5_file"], base),
                h5.settings["current_scan_name"]))
    files.append(Path(h5.settings["current_h5_file"]))
    h5.close_file()
    return log, files


@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_scan_script_gives_the_same_paths_indexes_and_files(tmp_path, backend):
    results = {}
    for lib in LIBS:
        base = tmp_path / lib
        base.mkdir()
        results[lib] = scan_script(lib, base, backend)
    (pm_log, pm_files), (dc_log, dc_files) = results["pymodaq"], results["daqcore"]
    assert dc_log == pm_log
    assert pm_log[1][2] == f"<tmp>/{DAY}/Dataset_{TODAY:%Y%m%d}_000.h5"
    assert pm_log[-1][2] == f"<tmp>/{DAY}/Dataset_{TODAY:%Y%m%d}_001.h5"
    for index, (pm_file, dc_file) in enumerate(zip(pm_files, dc_files, strict=True)):
        with PmDataLoader(pm_file) as pm_loader, PmDataLoader(dc_file) as dc_loader:
            pm_nodes = [n.path for n in pm_loader.walk_nodes()]
            dc_nodes = [n.path for n in dc_loader.walk_nodes()]
            assert sorted(dc_nodes) == sorted(pm_nodes)
            assert len(pm_nodes) == (3 if index else 18)  # the second file is empty
            for loader in (pm_loader, dc_loader):
                assert loader.get_node("/RawData").attrs["type"] == "scan"
                if not index:
                    assert loader.get_node("/RawData/Scan002").attrs["title"] == "scan 2"
            for path in pm_nodes:
                if path.endswith("/Data00"):
                    pm_dwa, dc_dwa = pm_loader.load_data(path), dc_loader.load_data(path)
                    assert dc_dwa.name == pm_dwa.name and dc_dwa.units == pm_dwa.units
                    np.testing.assert_array_equal(dc_dwa[0], pm_dwa[0])
        with h5py.File(pm_file, "r") as pm_h5, h5py.File(dc_file, "r") as dc_h5:
            tables_file = "PYTABLES_FORMAT_VERSION" in dc_h5.attrs
            assert tables_file == ("PYTABLES_FORMAT_VERSION" in pm_h5.attrs)
            assert tables_file == (backend == "tables")
            assert dc_h5["RawData"].attrs["type"] == pm_h5["RawData"].attrs["type"]
            assert bool(dc_h5.attrs.get("swmr_compatible", False)) == \
                bool(pm_h5.attrs.get("swmr_compatible", False)) == (backend == "h5py")


def other_types_script(lib: str, base: Path) -> list[Any]:
    """Detector files (base name + time stamp in the day folder), appending to a chosen file,
    load_file."""
    H5Saver = LIBS[lib][0]
    log: list[Any] = []
    det = H5Saver(save_type="detector")
    det.settings.child("base_path").setValue(str(base))
    log.append(("det", det.init_file(update_h5=True), _rel(det.settings["current_h5_file"], base),
                det.settings["current_scan_name"], det.settings["base_name"]))
    det.close_file()
    scans = H5Saver(save_type="scan")
    scans.settings.child("base_path").setValue(str(base))
    scans.init_file(update_h5=True)
    first = Path(scans.settings["current_h5_file"])
    for _ in range(3):
        scans.add_scan_group()
    scans.close_file()
    custom = H5Saver(save_type="custom")
    custom.settings.child("base_path").setValue(str(base))
    log.append(("addhoc", custom.init_file(addhoc_file_path=first), custom.get_scan_index(),
                custom.settings["current_scan_name"], custom.current_scan_name,
                _rel(custom.settings["current_h5_file"], base)))
    custom.close_file()
    custom.load_file(file_path=first)
    log.append(("load", custom.file_loaded, custom.settings["current_scan_name"]))
    log.append(("paths", [_rel(p, base) for p in custom.update_file_paths(False)]))
    custom.close_file()
    return log


def test_detector_names_and_appending_to_a_file_match(tmp_path):
    logs = {}
    for lib in LIBS:
        (tmp_path / lib).mkdir()
        logs[lib] = other_types_script(lib, tmp_path / lib)
    assert logs["daqcore"] == logs["pymodaq"]
    assert logs["pymodaq"][0][2] == f"<tmp>/{DAY}/Scan_{TODAY:%Y%m%d}_HH_MM_SS.h5"
    assert logs["pymodaq"][1][3] == "Scan003"


def test_find_part_and_set_current_scan_path_match(tmp_path):
    date = datetime.date(2024, 2, 29)
    results = {}
    for lib in LIBS:
        cls = LIBS[lib][0]
        base = tmp_path / lib
        (base / "2024" / "20240229").mkdir(parents=True)
        for index in (0, 1, 4):
            (base / "2024" / "20240229" / f"Dataset_20240229_{index:03d}.h5").touch()
        (base / "2024" / "20240229" / "Dataset_20240229_007").mkdir()
        (base / "2024" / "sub").mkdir()
        calls = [
            cls.find_part_in_path_and_subpath(base, part="2024", create=False),
            cls.find_part_in_path_and_subpath(base / "2024" / "sub", part="2024"),
            cls.find_part_in_path_and_subpath(base, part="1999", create=False, increment=False),
            cls.find_part_in_path_and_subpath(base, part="1999", create=True),
            cls.set_current_scan_path(base, "Scan", False, 3, curr_date=date),
            cls.set_current_scan_path(base, "Run", True, 0, curr_date=date),
            cls.set_current_scan_path(base, "Scan", True, 2, curr_date=date, ind_dataset=7),
            cls.set_current_scan_path(base / "2024", "Scan", False, 0, curr_date=date),
            cls.set_current_scan_path(base, "Scan", True, 0,
                                      curr_date=datetime.date(2025, 1, 2)),
        ]
        results[lib] = [_rel(c, base) if isinstance(c, Path) else [_rel(p, base) for p in c]
                        for c in calls]
        results[lib].append(sorted(_rel(p, base) for p in base.rglob("*")))
    assert results["daqcore"] == results["pymodaq"]
    assert results["pymodaq"][5][0] == "<tmp>/2024/20240229/Dataset_20240229_005"


# ---------------------------------------------------------------------- setting changes
def _first_array(path: Path) -> h5py.Dataset:
    file = h5py.File(path, "r")
    found: list[h5py.Dataset] = []
    file.visititems(lambda name, obj: found.append(obj) if name.endswith("Data00") else None)
    return found[0]


def compression_script(lib: str, base: Path, level: int) -> tuple[Any, Any]:
    H5Saver, DataToExportSaver, DataToExport, DataRaw = LIBS[lib]
    h5 = H5Saver(save_type="detector")
    h5.settings.child("base_path").setValue(str(base))
    if level >= 0:
        h5.settings.child("data_format", "compression_options", "h5comp_level").setValue(level)
    h5.init_file(update_h5=True)
    DataToExportSaver(h5).add_data(h5.raw_group, DataToExport("d", data=[
        DataRaw("img", data=[np.zeros((64, 64))])]))
    path = Path(h5.settings["current_h5_file"])
    h5.close_file()
    array = _first_array(path)
    try:
        return array.compression, array.compression_opts
    finally:
        array.file.close()


@pytest.mark.parametrize("level", [-1, 0, 9])
def test_compression_follows_the_settings_as_in_pymodaq(tmp_path, level):
    """-1: untouched settings; PyMoDAQ compresses only once a compression setting changed.
    Level 0: PyMoDAQ adds a deflate filter of level 0, daqcore no filter (migration.md)."""
    out = {lib: compression_script(lib, tmp_path / lib, level) for lib in LIBS}
    if level > 0:
        assert out["pymodaq"] == out["daqcore"] == ("gzip", level)
    elif level == 0:
        assert out["pymodaq"] == ("gzip", 0) and out["daqcore"] == (None, None)
    else:
        assert out["pymodaq"] == out["daqcore"] == (None, None)


def test_swmr_setting_and_backend_switch_act(tmp_path, caplog):
    h5 = DcH5Saver("scan", base_path=tmp_path)
    assert h5.swmr and h5.backend_name == "h5py"
    h5.init_file(update_h5=True)
    assert h5.swmr_mode and h5.is_swmr_compatible and h5.flush_interval == 1
    h5.settings.child("backend", "swmr_options", "enable_swmr").setValue(False)
    h5.init_file(update_h5=True)
    assert not h5.swmr_mode and not h5.is_swmr_compatible and h5.flush_interval == 0
    plain = Path(h5.settings["current_h5_file"])
    h5.add_scan_group()
    h5.swmr = True  # reopening a non-SWMR file: appended without SWMR, never wiped
    assert h5.init_file(addhoc_file_path=plain) is False
    assert not h5.swmr_mode and h5.get_scan_index() == 0 and len(h5.get_scan_groups()) == 1
    assert "not created for SWMR" in caplog.text
    h5.settings.child("backend", "backend_type").setValue("tables")
    assert not h5.isopen() and h5.backend_name == "tables" and not h5.swmr
    assert h5.settings.child("backend", "swmr_options").visible is False
    h5.init_file(update_h5=True)
    assert h5.backend_name == "tables" and h5.file_path.name.endswith("_002.h5")
    h5.close_file()


def test_actions_do_save_dynamic_and_current_file_act(tmp_path):
    h5 = DcH5Saver("detector", base_path=tmp_path, follow_do_save=True)
    h5.settings.child("do_save").setValue(True)
    assert h5.isopen() and h5.file_path.parent == tmp_path / f"{TODAY:%Y}" / f"{TODAY:%Y%m%d}"
    h5.settings.child("do_save").setValue(False)
    assert not h5.isopen()
    other = tmp_path / "other.h5"
    h5.settings.child("current_h5_file").setValue(str(other))  # PyMoDAQ's browse button
    assert h5.isopen() and h5.file_path == other
    h5.settings.child("data_format", "dynamic").setValue("int16")
    DcDataToExportSaver(h5).add_data(h5.raw_group, DcDataToExport("d", data=[
        DcDataRaw("v", data=[np.arange(3.0)])]))
    assert h5.get_node("/RawData/Data1D/CH00/Data00").read().dtype == np.int16
    h5.settings.child("new_file").activate()
    assert h5.isopen() and h5.file_path != other and h5.file_path.name.startswith("Scan_")
    h5.close_file()
    h5.fill_value = 0.0
    assert h5.file.fill_value == 0.0 and h5.settings["data_format", "fill_value"] == 0.0
    with pytest.raises(SettingValueError):  # PyMoDAQ silently stores 0 for any number
        h5.fill_value = 5.0
    with pytest.raises(ValueError):
        h5.fill_value = 5.0


def test_custom_naming_needs_a_file_selector_and_readonly_settings(tmp_path):
    h5 = DcH5Saver("custom", base_path=tmp_path)
    h5.settings.child("custom_name").setValue(True)
    with pytest.raises(H5FileError, match="file_selector"):
        h5.init_file(update_h5=True)
    h5.file_selector = lambda: tmp_path / "chosen.h5"
    h5.init_file(update_h5=True)
    assert h5.file_path == tmp_path / "chosen.h5"
    h5.close_file()
    with pytest.raises(ReadOnlySettingError):  # the dashboard's editor cannot change it...
        h5.settings["base_name"] = "Run"
    h5.settings.child("base_name").setValue("Run")  # ...ported code can, as in PyMoDAQ
    assert h5.base_name == "Run"


@pytest.mark.parametrize(("save_2d", "raw_only"), [(True, True), (False, True), (False, False)])
def test_filter_data_follows_save_2d_and_save_raw_only_as_pymodaq(save_2d, raw_only):
    module_saving = pytest.importorskip("pymodaq.utils.h5modules.module_saving")
    PmDetectorSaver = module_saving.DetectorSaver
    kept = {}
    for lib, raw_cls, calc_cls in (("pymodaq", PmDataRaw, PmDataCalculated),
                                   ("daqcore", DcDataRaw, DcDataCalculated)):
        dte_cls = LIBS[lib][2]
        h5 = LIBS[lib][0](save_type="detector")
        h5.settings.child("save_2D").setValue(save_2d)
        h5.settings.child("save_raw_only").setValue(raw_only)
        forced = raw_cls("forced2d", data=[np.zeros((2, 3))], do_save=True)
        dte = dte_cls("d", data=[raw_cls("raw1d", data=[np.zeros(3)]),
                                 raw_cls("raw2d", data=[np.zeros((2, 3))]),
                                 calc_cls("roi0d", data=[np.zeros(1)]), forced])
        if lib == "pymodaq":
            saver = type("Module", (), {  # PyMoDAQ's two methods, on this H5Saver
                "h5saver": h5, "filter_data": PmDetectorSaver.filter_data,
                "filter_data_wrt_settings": PmDetectorSaver.filter_data_wrt_settings})()
            out = saver.filter_data(dte)
        else:
            out = h5.filter_data(dte)
        kept[lib] = [dwa.name for dwa in out]
    assert kept["daqcore"] == kept["pymodaq"]
    assert ("raw2d" in kept["daqcore"]) is save_2d and ("roi0d" in kept["daqcore"]) is not raw_only
    assert "forced2d" in kept["daqcore"]  # its do_save attribute decides
